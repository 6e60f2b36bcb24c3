package evidence

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/store"
)

// ReceiptFormat names the format of a Receipt, on its format field.
const ReceiptFormat = "gdprkit-receipt/1"

// Receipt is the signed account of one finished request, free of personal
// data: what was asked, when, what each data store did, the erasure
// verification, and the request's audit events with proofs that each is
// in the Merkle tree a signed checkpoint covers. Its file is a signed
// note (golang.org/x/mod/sumdb/note) whose text is this JSON: anyone
// with the public key checks it offline (VerifyReceipt, or
// gdpr receipt verify), with no access to the server.
type Receipt struct {
	Format       string             `json:"format"`
	Organization string             `json:"organization"`
	RequestID    string             `json:"requestId"`
	RequestType  gdpr.RequestType   `json:"requestType"`
	Status       gdpr.Status        `json:"status"`
	Created      time.Time          `json:"created"`
	Due          time.Time          `json:"due,omitzero"`
	Finished     time.Time          `json:"finished"`
	Steps        []ReceiptStep      `json:"steps"`
	Verification *gdpr.Verification `json:"verification,omitempty"`
	// Events are the request's audit events, whole, so that their hashes
	// can be recomputed, each with its inclusion proof.
	Events []ReceiptEvent `json:"events"`
	// Checkpoint is the signed checkpoint whose tree the proofs lead to.
	Checkpoint string `json:"checkpoint"`
}

// ReceiptStep is one data store's part of the request.
type ReceiptStep struct {
	Adapter string         `json:"adapter"`
	State   gdpr.StepState `json:"state"`
	Records int            `json:"records"`
	Outcome *gdpr.Outcome  `json:"outcome,omitempty"`
}

// ReceiptEvent is one audit event and its inclusion proof: the base64
// hashes of tlog.ProveRecord for the event (record Seq-1) in the
// checkpoint's tree.
type ReceiptEvent struct {
	store.Event
	Proof []string `json:"proof"`
}

// ErrNotFinished is returned by Receipt for a request that is not yet
// COMPLETED or ERROR.
var ErrNotFinished = errors.New("evidence: the request is not finished; a receipt is made once it is COMPLETED or ERROR")

// Receipt returns the signed receipt of the finished request job, signing
// a checkpoint first if none covers its events yet.
func (c *Checkpointer) Receipt(ctx context.Context, job *store.Job) ([]byte, error) {
	req := &job.Request
	if !req.Status.Done() {
		return nil, ErrNotFinished
	}
	evs, err := requestEvents(ctx, c.Log, job.Org, req.ID)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("evidence: receipt: request %s has no audit events", req.ID)
	}
	maxSeq := evs[len(evs)-1].Seq
	// A checkpoint never changes once stored: the newest this Checkpointer
	// saw covers the request if it is large enough, with no query.
	cp := c.recent(job.Org)
	if cp == nil || cp.Size < maxSeq {
		if cp, err = c.Log.LastCheckpoint(ctx, job.Org); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("evidence: receipt: %w", err)
		}
		c.saw(cp)
	}
	if cp == nil || cp.Size < maxSeq {
		if cp, err = c.covering(ctx, job.Org, maxSeq); err != nil {
			return nil, err
		}
	}
	out, err := c.sign(ctx, cp, []*store.Job{job}, [][]store.Event{evs})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Receipts returns the signed receipts of those of jobs, finished
// requests of cp's organization, whose events cp covers, by request id;
// the others (not finished, or with events after cp) it leaves out, for
// Receipt to make later. It reads the requests' events at once
// (store.RequestsEventer) and every tree hash the proofs need in one
// query, so that a processor can make
// the receipts of all the requests a checkpoint covers as it signs it.
func (c *Checkpointer) Receipts(ctx context.Context, cp *store.Checkpoint, jobs []*store.Job) (map[string][]byte, error) {
	var finished []*store.Job
	for _, job := range jobs {
		if job.Org == cp.Org && job.Request.Status.Done() {
			finished = append(finished, job)
		}
	}
	var byID map[string][]store.Event
	if re, ok := c.Log.(store.RequestsEventer); ok && len(finished) > 0 {
		ids := make([]string, len(finished))
		for i, job := range finished {
			ids[i] = job.Request.ID
		}
		var err error
		if byID, err = re.RequestsEvents(ctx, cp.Org, ids); err != nil {
			return nil, fmt.Errorf("evidence: receipts: %w", err)
		}
	}
	var covered []*store.Job
	var evss [][]store.Event
	for _, job := range finished {
		evs, ok := byID[job.Request.ID]
		if byID == nil {
			var err error
			if evs, err = requestEvents(ctx, c.Log, job.Org, job.Request.ID); err != nil {
				return nil, err
			}
		} else if !ok {
			continue
		}
		if len(evs) == 0 || evs[len(evs)-1].Seq > cp.Size {
			continue
		}
		covered, evss = append(covered, job), append(evss, evs)
	}
	out := make(map[string][]byte, len(covered))
	if len(covered) == 0 {
		return out, nil
	}
	signed, err := c.sign(ctx, cp, covered, evss)
	if err != nil {
		return nil, err
	}
	for i, job := range covered {
		out[job.Request.ID] = signed[i]
	}
	return out, nil
}

// sign makes the receipt of each of jobs, whose events are evss[i], with
// inclusion proofs in cp's tree, all read in one query of tree hashes.
func (c *Checkpointer) sign(ctx context.Context, cp *store.Checkpoint, jobs []*store.Job, evss [][]store.Event) ([][]byte, error) {
	r := newHashes(ctx, c.Log, cp.Org)
	proofs := make([][]tlog.RecordProof, len(jobs))
	err := r.twice(func() error {
		for j, evs := range evss {
			proofs[j] = make([]tlog.RecordProof, len(evs))
			for i, ev := range evs {
				p, err := tlog.ProveRecord(cp.Size, ev.Seq-1, r)
				if err != nil {
					return fmt.Errorf("evidence: receipt: proof of event %d: %w", ev.Seq, err)
				}
				proofs[j][i] = p
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Sign only what would verify: an event edited in the store, or tree
	// hashes that do not lead to the checkpoint, are the store's damage
	// to report, not to put a signature on.
	body, _, _ := strings.Cut(string(cp.Note), "\n\n")
	st, err := ParseStatement(body + "\n")
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: checkpoint %d of %q: %w", cp.Seq, cp.Org, err)
	}
	// Each receipt is checked, written and signed apart from the others:
	// on every processor at once.
	out := make([][]byte, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for j := range next {
				out[j], errs[j] = c.one(cp, st, jobs[j], evss[j], proofs[j])
			}
		})
	}
	for j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first, as one request at a time would find it
		}
	}
	return out, nil
}

// one checks the events of job against cp (whose statement is st) and
// returns its signed receipt.
func (c *Checkpointer) one(cp *store.Checkpoint, st Statement, job *store.Job, evs []store.Event, proofs []tlog.RecordProof) ([]byte, error) {
	for i, ev := range evs {
		if store.VerifyChain(&store.Event{Seq: ev.Seq - 1, Hash: ev.PrevHash}, []store.Event{ev}) != nil ||
			tlog.CheckRecord(proofs[i], st.Size, st.Root, ev.Seq-1, LeafHash(ev.Hash)) != nil {
			return nil, &Error{Org: job.Org, Kind: KindRewritten, Seq: ev.Seq, Checkpoint: cp.Seq,
				Reason: "the store's event or tree hashes do not lead to the checkpoint; run gdpr audit verify"}
		}
	}
	req := &job.Request
	rec := Receipt{Format: ReceiptFormat, Organization: job.Org, RequestID: req.ID, RequestType: req.RequestType,
		Status: req.Status, Created: req.CreatedDate.Time.UTC(), Due: req.DueDate.Time.UTC(),
		Finished: evs[len(evs)-1].Time, Verification: req.Verification, Checkpoint: string(cp.Note)}
	for _, s := range req.Steps {
		rec.Steps = append(rec.Steps, ReceiptStep{Adapter: s.Adapter, State: s.State, Records: s.Records, Outcome: s.Outcome})
	}
	for i, ev := range evs {
		proof := proofs[i]
		re := ReceiptEvent{Event: ev, Proof: make([]string, len(proof))}
		for i, h := range proof {
			re.Proof[i] = base64.StdEncoding.EncodeToString(h[:])
		}
		rec.Events = append(rec.Events, re)
	}
	text, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	signed, err := note.Sign(&note.Note{Text: string(text) + "\n"}, c.Key.signer)
	if err != nil {
		return nil, fmt.Errorf("evidence: sign receipt: %w", err)
	}
	return signed, nil
}

// requestEvents returns the request's events, through store.RequestEventer
// when the log has it.
func requestEvents(ctx context.Context, log Log, org, id string) ([]store.Event, error) {
	if re, ok := log.(store.RequestEventer); ok {
		evs, err := re.RequestEvents(ctx, org, id)
		if err != nil {
			return nil, fmt.Errorf("evidence: receipt: %w", err)
		}
		return evs, nil
	}
	var out []store.Event
	for after := int64(0); ; {
		evs, err := log.Events(ctx, org, after, pageSize)
		if err != nil {
			return nil, fmt.Errorf("evidence: receipt: %w", err)
		}
		for _, ev := range evs {
			if ev.RequestID == id {
				out = append(out, ev)
			}
		}
		if len(evs) < pageSize {
			return out, nil
		}
		after = evs[len(evs)-1].Seq
	}
}

// VerifyReceipt checks a receipt offline against the public key, or one
// of the retired keys it replaced: the receipt's signature, the
// checkpoint's signature, that every event is the request's and matches
// its hash, and that every event is in the tree the checkpoint signs. The
// receipt and its checkpoint may be signed by different keys of those
// given (a receipt made after a rotation, of a request an older key's
// checkpoint covers), but a retired key's receipt never carries the
// current key's checkpoint. It returns the receipt, or an error saying what does
// not hold.
func VerifyReceipt(signed []byte, public string, retired ...string) (*Receipt, error) {
	v, err := Verifier(public)
	if err != nil {
		return nil, err
	}
	vs, err := ring(v, retired)
	if err != nil {
		return nil, err
	}
	n, err := openNote(signed, vs)
	if err != nil {
		msg := "evidence: the receipt's signature does not verify with this public key (it was changed, or another key signed it)"
		if signers := unknownSigners(err); signers != "" {
			msg += ": it is " + signers + ", not one of the keys given"
		}
		return nil, errors.New(msg)
	}
	var rec Receipt
	dec := json.NewDecoder(bytes.NewReader([]byte(n.Text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("evidence: the receipt is not a receipt: %w", err)
	}
	if rec.Format != ReceiptFormat {
		return nil, fmt.Errorf("evidence: receipt format %q, want %q", rec.Format, ReceiptFormat)
	}
	st, cpKey, err := openCheckpoint([]byte(rec.Checkpoint), vs)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt's checkpoint: %w", err)
	}
	if current := keyID(v.Name(), v.KeyHash()); cpKey == current && keyID(n.Sigs[0].Name, n.Sigs[0].Hash) != current {
		return nil, errors.New("evidence: the receipt is signed by a retired key, its checkpoint by the current key: a retired key signs nothing after the rotation")
	}
	if st.Org != rec.Organization {
		return nil, fmt.Errorf("evidence: the receipt's checkpoint is of organization %q, not %q", st.Org, rec.Organization)
	}
	if len(rec.Events) == 0 {
		return nil, errors.New("evidence: the receipt holds no events")
	}
	for _, re := range rec.Events {
		ev := re.Event
		switch {
		case ev.Org != rec.Organization || ev.RequestID != rec.RequestID:
			return nil, fmt.Errorf("evidence: receipt event %d is not of this request", ev.Seq)
		case ev.Seq < 1 || ev.Seq > st.Size:
			return nil, fmt.Errorf("evidence: receipt event %d is outside the %d events the checkpoint signs", ev.Seq, st.Size)
		}
		if err := store.VerifyChain(&store.Event{Seq: ev.Seq - 1, Hash: ev.PrevHash}, []store.Event{ev}); err != nil {
			return nil, fmt.Errorf("evidence: receipt event %d does not match its hash", ev.Seq)
		}
		proof := make(tlog.RecordProof, len(re.Proof))
		for i, p := range re.Proof {
			b, err := base64.StdEncoding.DecodeString(p)
			if err != nil || len(b) != tlog.HashSize {
				return nil, fmt.Errorf("evidence: receipt event %d: proof hash %d is not base64 SHA-256", ev.Seq, i)
			}
			proof[i] = tlog.Hash(b)
		}
		if err := tlog.CheckRecord(proof, st.Size, st.Root, ev.Seq-1, LeafHash(ev.Hash)); err != nil {
			return nil, fmt.Errorf("evidence: receipt event %d is not in the tree checkpoint %d signs", ev.Seq, st.Seq)
		}
	}
	return &rec, nil
}
