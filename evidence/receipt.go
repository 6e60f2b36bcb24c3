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

// Receipt returns the signed receipt of the finished request job: the
// one stored, else one made now, against the checkpoint that covers the
// request's events (signed first, with the receipt, if none does yet),
// and stored, so that every later call returns the same receipt.
func (c *Checkpointer) Receipt(ctx context.Context, job *store.Job) ([]byte, error) {
	req := &job.Request
	if !req.Status.Done() {
		return nil, ErrNotFinished
	}
	if b, err := c.storedReceipt(ctx, job); err == nil || !errors.Is(err, store.ErrNotFound) {
		return b, err
	}
	evs, err := readEvents(ctx, c.Log, job.Org, []*store.Job{job})
	if err != nil {
		return nil, err
	}
	mine := evs[req.ID]
	if len(mine) == 0 {
		return nil, fmt.Errorf("evidence: receipt: request %s has no audit events", req.ID)
	}
	maxSeq := mine[len(mine)-1].Seq
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
		// The checkpoint signed now covers the request: its receipt is
		// made and stored with it.
		if _, err := c.covering(ctx, job, evs, maxSeq); err != nil {
			return nil, err
		}
		return c.storedReceipt(ctx, job)
	}
	if err := c.addReceipts(ctx, cp, []*store.Job{job}, evs); err != nil {
		return nil, err
	}
	return c.storedReceipt(ctx, job)
}

// storedReceipt returns job's stored receipt, or an error matching
// store.ErrNotFound.
func (c *Checkpointer) storedReceipt(ctx context.Context, job *store.Job) ([]byte, error) {
	r, err := c.Log.Receipt(ctx, job.Org, job.Request.ID)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	return r.Note, nil
}

// addReceipts makes the receipts of jobs, whose events are by request
// id in evs, against cp, which covers them, and stores them.
func (c *Checkpointer) addReceipts(ctx context.Context, cp *store.Checkpoint, jobs []*store.Job, evs map[string][]store.Event) error {
	// The statement is read, not verified: the receipt is checked
	// against it before it is signed, and a verifier checks both.
	body, _, _ := strings.Cut(string(cp.Note), "\n\n")
	st, err := ParseStatement(body + "\n")
	if err != nil {
		return fmt.Errorf("evidence: receipt: checkpoint %d of %q: %w", cp.Seq, cp.Org, err)
	}
	rs, rerr := c.receipts(cp, st, newHashes(ctx, c.Log, cp.Org), jobs, evs)
	if err := c.Log.AddReceipts(ctx, rs); err != nil {
		return fmt.Errorf("evidence: receipts: %w", err)
	}
	return rerr
}

// receipts makes the receipt of each of jobs, finished requests of cp's
// organization whose events, by request id in evs, cp (whose statement
// is st) covers, with inclusion proofs in its tree read through r: all
// the tree hashes they need in one query, those r computed for cp
// included. Jobs not finished, of another organization, without events
// or with events after cp are left out, for Receipt to make later. When
// the events of some do not lead to cp, it returns the others' receipts
// and an error at the first of those.
func (c *Checkpointer) receipts(cp *store.Checkpoint, st Statement, r *hashes, jobs []*store.Job, evs map[string][]store.Event) ([]store.Receipt, error) {
	var (
		covered []*store.Job
		evss    [][]store.Event
	)
	for _, job := range jobs {
		e := evs[job.Request.ID]
		if job.Org != cp.Org || !job.Request.Status.Done() || len(e) == 0 || e[len(e)-1].Seq > st.Size {
			continue
		}
		covered, evss = append(covered, job), append(evss, e)
	}
	if len(covered) == 0 {
		return nil, nil
	}
	proofs := make([][]tlog.RecordProof, len(covered))
	err := r.twice(func() error {
		for j, evs := range evss {
			proofs[j] = make([]tlog.RecordProof, len(evs))
			for i, ev := range evs {
				p, err := tlog.ProveRecord(st.Size, ev.Seq-1, r)
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
	// Each receipt is checked, written and signed apart from the others:
	// on every processor at once.
	out := make([]store.Receipt, len(covered))
	errs := make([]error, len(covered))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(covered)) {
		wg.Go(func() {
			for j := range next {
				job := covered[j]
				out[j] = store.Receipt{Org: job.Org, RequestID: job.Request.ID, Checkpoint: cp.Seq}
				out[j].Note, errs[j] = c.one(cp, st, job, evss[j], proofs[j])
			}
		})
	}
	for j := range covered {
		next <- j
	}
	close(next)
	wg.Wait()
	// One request's damage does not hold back the others' receipts.
	kept := out[:0]
	var first error
	for j, err := range errs {
		if err == nil {
			kept = append(kept, out[j])
		} else if first == nil {
			first = err // the first, as one request at a time would find it
		}
	}
	return kept, first
}

// one checks the events of job against cp (whose statement is st) and
// returns its signed receipt. Sign only what would verify: an event
// edited in the store, or tree hashes that do not lead to the
// checkpoint, are the store's damage to report, not to put a signature
// on.
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

// readEvents returns the events of jobs, requests of org, by request id:
// in one read through store.RequestsEventer when the log has it, else a
// request at a time.
func readEvents(ctx context.Context, log Log, org string, jobs []*store.Job) (map[string][]store.Event, error) {
	ids := make([]string, 0, len(jobs))
	for _, job := range jobs {
		if job.Org == org {
			ids = append(ids, job.Request.ID)
		}
	}
	if re, ok := log.(store.RequestsEventer); ok {
		evs, err := re.RequestsEvents(ctx, org, ids)
		if err != nil {
			return nil, fmt.Errorf("evidence: receipts: %w", err)
		}
		return evs, nil
	}
	out := make(map[string][]store.Event, len(ids))
	for _, id := range ids {
		evs, err := requestEvents(ctx, log, org, id)
		if err != nil {
			return nil, err
		}
		out[id] = evs
	}
	return out, nil
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
