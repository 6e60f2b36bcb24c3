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

// ReceiptFormat names the format of the receipts made now, on their
// format field; ReceiptFormatV2 and ReceiptFormatV1 name the formats of
// receipts made before, which VerifyReceipt still checks.
const (
	ReceiptFormat   = "gdprkit-receipt/3"
	ReceiptFormatV2 = "gdprkit-receipt/2"
	ReceiptFormatV1 = "gdprkit-receipt/1"
)

// Receipt is the account of one finished request, free of personal data,
// with the proof that it is on the signed chain: what was asked, when,
// what each data store did, the erasure verification, and the request's
// audit events with proofs that each is in the Merkle tree a signed
// checkpoint covers. Its file is this JSON, indented as Receipt writes
// it; anyone with the public key checks it offline (VerifyReceipt, or
// gdpr receipt verify), with no access to the server.
//
// In format /3 the last event is the status event that finished the
// request, whose detail is the account (IsAccount): the checkpoint's
// signature covers the account through it, so a receipt needs no
// signature of its own and is made from the store when asked, the same
// file every time. A receipt of format /2 carried instead a signed
// receipt batch (Batch) whose tree holds the receipt's leaf, and one of
// format /1 was a signed note whose text is this JSON.
type Receipt struct {
	Account
	// Events are the request's audit events, whole, so that their hashes
	// can be recomputed, each with its inclusion proof.
	Events []ReceiptEvent `json:"events"`
	// Checkpoint is the signed checkpoint whose tree the proofs lead to.
	Checkpoint string `json:"checkpoint"`
	// Batch is the signed receipt batch (format /2) whose tree holds the
	// receipt's leaf at BatchIndex, as BatchProof (base64 hashes of
	// tlog.ProveRecord) proves.
	Batch      string   `json:"batch,omitempty"`
	BatchIndex int64    `json:"batchIndex,omitzero"`
	BatchProof []string `json:"batchProof,omitempty"`
}

// Account is a receipt's account of its request: what was asked, when,
// what each data store did and the erasure verification.
type Account struct {
	Format       string           `json:"format"`
	Organization string           `json:"organization"`
	RequestID    string           `json:"requestId"`
	RequestType  gdpr.RequestType `json:"requestType"`
	Status       gdpr.Status      `json:"status"`
	// Reason is why the request ended so, when its status event said why
	// (a request in ERROR: the steps that spent their attempts).
	Reason       string             `json:"reason,omitempty"`
	Created      time.Time          `json:"created"`
	Due          time.Time          `json:"due,omitzero"`
	Finished     time.Time          `json:"finished"`
	Steps        []ReceiptStep      `json:"steps"`
	Verification *gdpr.Verification `json:"verification,omitempty"`
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

// receiptLeaf is what a batch signs of a receipt: its record in the
// batch's tree is this JSON (json.Marshal). Its events are named by
// number and hash; the receipt's events must be those.
type receiptLeaf struct {
	Account
	Events []eventRef `json:"events"`
}

// eventRef names an event of a receipt's leaf.
type eventRef struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// leafOf returns the leaf of rec, with its events' numbers and hashes.
func leafOf(rec *Receipt) receiptLeaf {
	l := receiptLeaf{Account: rec.Account}
	for _, re := range rec.Events {
		l.Events = append(l.Events, eventRef{Seq: re.Seq, Hash: re.Hash})
	}
	return l
}

// storedReceipt is how a receipt is stored (store.Receipt.Note): its leaf,
// the signed batch and its place in it. The events, their proofs and the
// checkpoint are in the store already; Receipt puts them in as it
// writes the receipt.
type storedReceipt struct {
	Leaf  json.RawMessage `json:"leaf"`
	Batch string          `json:"batch"`
	Index int64           `json:"index"`
	Proof []string        `json:"proof"`
}

// ErrNotFinished is returned by Receipt for a request that is not yet
// COMPLETED or ERROR.
var ErrNotFinished = errors.New("evidence: the request is not finished; a receipt is made once it is COMPLETED or ERROR")

// Receipt returns the receipt of the finished request job. When the
// status event that finished it holds its account (IsAccount), as a
// processor with evidence writes it, the receipt is made from the
// store: the events up to that one, proven against the
// first checkpoint that covers them (signed now, when none does yet),
// the same file every time. A request finished without its account (by
// a processor without evidence, or of an earlier release) has a receipt
// of format /2 instead, stored: the one stored, else one made and stored
// now, so that every later call returns it.
func (c *Checkpointer) Receipt(ctx context.Context, job *store.Job) ([]byte, error) {
	req := &job.Request
	if !req.Status.Done() {
		return nil, ErrNotFinished
	}
	evs, err := requestEvents(ctx, c.Log, job.Org, req.ID)
	if err != nil {
		return nil, err
	}
	if i := lastAccount(evs); i >= 0 && finishedThere(evs[i:], req.Status) {
		return c.accountReceipt(ctx, job.Org, evs[:i+1])
	}
	return c.batchReceipt(ctx, job, evs)
}

// finishedThere reports whether the request, now in status, finished at
// evs[0], the last event holding its account, and stayed so in the
// events after it: not when it was retried since and finished again by
// a processor that writes no account.
func finishedThere(evs []store.Event, status gdpr.Status) bool {
	for _, ev := range evs {
		if ev.Status != status {
			return false
		}
	}
	return true
}

// accountReceipt makes the receipt of format /3 of the request whose
// events, in Seq order, are evs, the last holding its account.
func (c *Checkpointer) accountReceipt(ctx context.Context, org string, evs []store.Event) ([]byte, error) {
	last := evs[len(evs)-1]
	a, err := accountOf(last)
	if err != nil {
		return nil, &Error{Org: org, Kind: KindRewritten, Seq: last.Seq,
			Reason: strings.TrimPrefix(err.Error(), "evidence: ") + "; run gdpr audit verify"}
	}
	cp, err := c.FirstCovering(ctx, org, last.Seq)
	if err == nil && cp == nil {
		// No checkpoint covers the request yet: one is signed now, of the
		// whole chain, as the checkpoint loop would soon.
		if _, err = c.covering(ctx, org, nil, nil, last.Seq); err == nil {
			cp, err = c.FirstCovering(ctx, org, last.Seq)
		}
	}
	if err != nil {
		return nil, err
	}
	if cp == nil {
		return nil, fmt.Errorf("evidence: receipt: no checkpoint of %q covers event %d", org, last.Seq)
	}
	return c.prove(ctx, cp, &Receipt{Account: a}, evs)
}

// FirstCovering returns the organization's first checkpoint that covers
// event seq, nil when none does: in one read from a
// store.CheckpointCoverer, else by halving the checkpoints. It reads the
// checkpoint, and does not check it (see Open).
func (c *Checkpointer) FirstCovering(ctx context.Context, org string, seq int64) (*store.Checkpoint, error) {
	if cc, ok := c.Log.(store.CheckpointCoverer); ok {
		cp, err := cc.CheckpointCovering(ctx, org, seq)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("evidence: receipt: %w", err)
		}
		return cp, nil
	}
	best, err := c.Log.LastCheckpoint(ctx, org)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	if best.Size < seq {
		return nil, nil
	}
	// Checkpoints sign ever more events: the first that signs seq is in
	// [lo, hi], and best is checkpoint hi.
	for lo, hi := int64(1), best.Seq; lo < hi; {
		mid := lo + (hi-lo)/2
		cp, err := c.checkpointAt(ctx, org, mid)
		if err != nil {
			return nil, err
		}
		if cp.Size >= seq {
			best, hi = cp, mid
		} else {
			lo = mid + 1
		}
	}
	return best, nil
}

// batchReceipt returns the receipt of format /2 of job, whose events are
// evs: the one stored, else one made and stored now.
func (c *Checkpointer) batchReceipt(ctx context.Context, job *store.Job, evs []store.Event) ([]byte, error) {
	req := &job.Request
	if b, err := c.StoredReceipt(ctx, job.Org, req.ID); err == nil || !errors.Is(err, store.ErrNotFound) {
		return b, err
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("evidence: receipt: request %s has no audit events", req.ID)
	}
	byID := map[string][]store.Event{req.ID: evs}
	maxSeq := evs[len(evs)-1].Seq
	// A checkpoint never changes once stored: the newest this Checkpointer
	// saw covers the request if it is large enough, with no query.
	cp := c.recent(job.Org)
	if cp == nil || cp.Size < maxSeq {
		var err error
		if cp, err = c.Log.LastCheckpoint(ctx, job.Org); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("evidence: receipt: %w", err)
		}
		c.saw(cp)
	}
	if cp == nil || cp.Size < maxSeq {
		// The checkpoint signed now covers the request: its receipt is
		// made and stored with it.
		if _, err := c.covering(ctx, job.Org, []*store.Job{job}, byID, maxSeq); err != nil {
			return nil, err
		}
	} else if err := c.addReceipts(ctx, cp, []*store.Job{job}, byID); err != nil {
		return nil, err
	}
	return c.StoredReceipt(ctx, job.Org, req.ID)
}

// StoredReceipt returns the stored receipt of the organization's request
// id, written out whole (its events, their proofs and its checkpoint
// read from the store), or an error matching store.ErrNotFound when none
// is stored.
func (c *Checkpointer) StoredReceipt(ctx context.Context, org, id string) ([]byte, error) {
	r, err := c.Log.Receipt(ctx, org, id)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	return c.write(ctx, r)
}

// write writes the stored receipt r out whole, and checks it leads to
// its checkpoint: a store whose events or tree hashes changed since gets
// an error, not a receipt that would not verify.
func (c *Checkpointer) write(ctx context.Context, r *store.Receipt) ([]byte, error) {
	bad := func(why string) ([]byte, error) {
		return nil, &Error{Org: r.Org, Kind: KindRewritten, Checkpoint: r.Checkpoint,
			Reason: fmt.Sprintf("the stored receipt of request %s %s; run gdpr audit verify", r.RequestID, why)}
	}
	var sr storedReceipt
	if err := json.Unmarshal(r.Note, &sr); err != nil {
		return bad("is not a stored receipt")
	}
	var leaf receiptLeaf
	if err := json.Unmarshal(sr.Leaf, &leaf); err != nil || leaf.Organization != r.Org || leaf.RequestID != r.RequestID {
		return bad("does not hold its leaf")
	}
	cp, err := c.checkpointAt(ctx, r.Org, r.Checkpoint)
	if err != nil {
		return nil, err
	}
	all, err := requestEvents(ctx, c.Log, r.Org, r.RequestID)
	if err != nil {
		return nil, err
	}
	bySeq := make(map[int64]store.Event, len(all))
	for _, ev := range all {
		bySeq[ev.Seq] = ev
	}
	evs := make([]store.Event, len(leaf.Events))
	for i, ref := range leaf.Events {
		ev, ok := bySeq[ref.Seq]
		if !ok || ev.Hash != ref.Hash || ref.Seq > cp.Size {
			return bad(fmt.Sprintf("names event %d, which the store no longer holds as it was", ref.Seq))
		}
		evs[i] = ev
	}
	return c.prove(ctx, cp, &Receipt{Account: leaf.Account, Batch: sr.Batch, BatchIndex: sr.Index, BatchProof: sr.Proof}, evs)
}

// prove writes out rec, with evs, the request's events, and their proofs
// in the tree of cp, which covers them, and checks that each leads to
// cp: a store whose events or tree hashes changed since gets an error,
// not a receipt that would not verify.
func (c *Checkpointer) prove(ctx context.Context, cp *store.Checkpoint, rec *Receipt, evs []store.Event) ([]byte, error) {
	body, _, _ := strings.Cut(string(cp.Note), "\n\n")
	st, err := ParseStatement(body + "\n")
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: checkpoint %d of %q: %w", cp.Seq, cp.Org, err)
	}
	bad := func(ev store.Event) error {
		return &Error{Org: cp.Org, Kind: KindRewritten, Seq: ev.Seq, Checkpoint: cp.Seq,
			Reason: fmt.Sprintf("the receipt of request %s has event %d, which no longer leads to checkpoint %d; run gdpr audit verify", ev.RequestID, ev.Seq, cp.Seq)}
	}
	for _, ev := range evs {
		if ev.Seq < 1 || ev.Seq > st.Size {
			return nil, bad(ev)
		}
	}
	h := newHashes(ctx, c.Log, cp.Org)
	proofs := make([]tlog.RecordProof, len(evs))
	err = h.twice(func() error {
		for i, ev := range evs {
			if proofs[i], err = tlog.ProveRecord(st.Size, ev.Seq-1, h); err != nil {
				return fmt.Errorf("evidence: receipt: proof of event %d: %w", ev.Seq, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rec.Checkpoint = string(cp.Note)
	for i, ev := range evs {
		if store.VerifyChain(&store.Event{Seq: ev.Seq - 1, Hash: ev.PrevHash}, []store.Event{ev}) != nil ||
			tlog.CheckRecord(proofs[i], st.Size, st.Root, ev.Seq-1, LeafHash(ev.Hash)) != nil {
			return nil, bad(ev)
		}
		rec.Events = append(rec.Events, ReceiptEvent{Event: ev, Proof: encodeProof(proofs[i])})
	}
	return canonical(rec)
}

// checkpointAt returns the organization's checkpoint seq.
func (c *Checkpointer) checkpointAt(ctx context.Context, org string, seq int64) (*store.Checkpoint, error) {
	if cp := c.recent(org); cp != nil && cp.Seq == seq {
		return cp, nil
	}
	cps, err := c.Log.Checkpoints(ctx, org, seq-1, 1)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	if len(cps) != 1 || cps[0].Seq != seq {
		return nil, &Error{Org: org, Kind: KindCheckpoints, Checkpoint: seq,
			Reason: fmt.Sprintf("checkpoint %d, which a receipt proves against, is gone from the store", seq)}
	}
	return &cps[0], nil
}

// canonical returns rec as a receipt's file: indented JSON and a newline,
// in the form a second encoding of it gives (a string that is not UTF-8
// is written as its replacement once), so that VerifyReceipt can ask for
// exactly these bytes.
func canonical(rec *Receipt) ([]byte, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	if bytes.Contains(b, []byte(replaced)) {
		var again Receipt
		if err := json.Unmarshal(b, &again); err != nil {
			return nil, fmt.Errorf("evidence: receipt: %w", err)
		}
		rec = &again
	}
	out, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	return append(out, '\n'), nil
}

// encodeProof returns the base64 of the hashes of p.
func encodeProof(p []tlog.Hash) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// decodeProof reads base64 hashes, naming what in an error.
func decodeProof(p []string, what string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(p))
	for i, s := range p {
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("evidence: %s: proof hash %d is not base64 SHA-256", what, i)
		}
		out[i] = tlog.Hash(b)
	}
	return out, nil
}

// addReceipts makes the receipts of jobs, whose events are by request
// id in evs, against cp, which covers them, and stores them.
func (c *Checkpointer) addReceipts(ctx context.Context, cp *store.Checkpoint, jobs []*store.Job, evs map[string][]store.Event) error {
	// The statement is read, not verified: the receipts are checked
	// against it before they are signed, and a verifier checks both.
	body, _, _ := strings.Cut(string(cp.Note), "\n\n")
	st, err := ParseStatement(body + "\n")
	if err != nil {
		return fmt.Errorf("evidence: receipt: checkpoint %d of %q: %w", cp.Seq, cp.Org, err)
	}
	r := newHashes(ctx, c.Log, cp.Org)
	var leaves map[int64]tlog.Hash
	err = r.twice(func() (err error) {
		leaves, err = readLeaves(r, evs, cp.Size)
		return err
	})
	if err != nil {
		return fmt.Errorf("evidence: receipts: %w", err)
	}
	rs, rerr := c.receipts(cp, st, leaves, jobs, evs)
	if err := c.Log.AddReceipts(ctx, rs); err != nil {
		return fmt.Errorf("evidence: receipts: %w", err)
	}
	return rerr
}

// receipts makes the receipts of jobs, finished requests of cp's
// organization whose events, by request id in evs, cp (whose statement
// is st) covers, as one batch: a leaf each, one signature over the
// batch's root. It checks that each event is the leaf of cp's tree it
// names (leaves, by stored-hash index: see readLeaves), so that it signs
// nothing that would not lead to cp. Jobs not finished, of another
// organization, without events or with events after cp are left out, for
// Receipt to make later. When the events of some do not lead to cp, it
// returns the others' receipts and an error at the first of those.
func (c *Checkpointer) receipts(cp *store.Checkpoint, st Statement, leaves map[int64]tlog.Hash, jobs []*store.Job, evs map[string][]store.Event) ([]store.Receipt, error) {
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
	var (
		made  []*store.Job
		data  [][]byte
		first error
	)
	// Each leaf is checked and written apart from the others: on every
	// processor at once.
	ds, errs := make([][]byte, len(covered)), make([]error, len(covered))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(covered)) {
		wg.Go(func() {
			for j := range next {
				ds[j], errs[j] = c.leaf(cp, covered[j], evss[j], leaves)
			}
		})
	}
	for j := range covered {
		next <- j
	}
	close(next)
	wg.Wait()
	for j, job := range covered {
		if errs[j] != nil {
			if first == nil {
				first = errs[j] // the first, as one request at a time would find it
			}
			continue
		}
		made, data = append(made, job), append(data, ds[j])
	}
	if len(made) == 0 {
		return nil, first
	}
	tree, err := newLeafTree(data)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt batch: %w", err)
	}
	n := int64(len(data))
	root, err := tlog.TreeHash(n, tree)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt batch: %w", err)
	}
	batch, err := c.Key.signBatch(Batch{Org: cp.Org, Size: n, Root: root, Checkpoint: cp.Seq})
	if err != nil {
		return nil, err
	}
	out := make([]store.Receipt, len(made))
	for i, job := range made {
		p, err := tlog.ProveRecord(n, int64(i), tree)
		if err != nil {
			return nil, fmt.Errorf("evidence: receipt batch: %w", err)
		}
		note, err := json.Marshal(storedReceipt{Leaf: data[i], Batch: string(batch), Index: int64(i), Proof: encodeProof(p)})
		if err != nil {
			return nil, fmt.Errorf("evidence: receipt: %w", err)
		}
		out[i] = store.Receipt{Org: job.Org, RequestID: job.Request.ID, Checkpoint: cp.Seq, Note: note}
	}
	return out, first
}

// readLeaves reads through r the tree's leaf of every event in evs up to
// event size, by stored-hash index, in one read of those r did not
// compute.
func readLeaves(r *hashes, evs map[string][]store.Event, size int64) (map[int64]tlog.Hash, error) {
	var idx []int64
	for _, e := range evs {
		for _, ev := range e {
			if ev.Seq <= size {
				idx = append(idx, tlog.StoredHashIndex(0, ev.Seq-1))
			}
		}
	}
	hs, err := r.ReadHashes(idx)
	if err != nil {
		return nil, err
	}
	leaves := make(map[int64]tlog.Hash, len(idx))
	for i, x := range idx {
		leaves[x] = hs[i]
	}
	return leaves, nil
}

// leaf checks the events of job against cp's tree (leaves holds the
// tree's leaf of each) and returns the receipt's leaf data, in the form a
// second encoding of it gives.
func (c *Checkpointer) leaf(cp *store.Checkpoint, job *store.Job, evs []store.Event, leaves map[int64]tlog.Hash) ([]byte, error) {
	for _, ev := range evs {
		if store.VerifyChain(&store.Event{Seq: ev.Seq - 1, Hash: ev.PrevHash}, []store.Event{ev}) != nil ||
			leaves[tlog.StoredHashIndex(0, ev.Seq-1)] != LeafHash(ev.Hash) {
			return nil, &Error{Org: job.Org, Kind: KindRewritten, Seq: ev.Seq, Checkpoint: cp.Seq,
				Reason: "the store's event or tree hashes do not lead to the checkpoint; run gdpr audit verify"}
		}
	}
	rec := Receipt{Account: AccountOf(job, evs[len(evs)-1].Time, "")}
	rec.Format = ReceiptFormatV2
	for _, ev := range evs {
		rec.Events = append(rec.Events, ReceiptEvent{Event: ev})
	}
	b, err := json.Marshal(leafOf(&rec))
	if err != nil || !bytes.Contains(b, []byte(replaced)) {
		return b, err
	}
	var again receiptLeaf
	if err := json.Unmarshal(b, &again); err != nil {
		return nil, fmt.Errorf("evidence: receipt: %w", err)
	}
	return json.Marshal(&again)
}

// replaced is how json.Marshal writes a byte that is not UTF-8: the only
// thing it writes that a second encoding, after decoding, writes
// otherwise (as the replacement character itself).
const replaced = `\ufffd`

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
// of the retired keys it replaced, and returns it, or an error saying
// what does not hold. Of a receipt of format /3: that it is the file as
// it was written, byte for byte; the checkpoint's signature and
// organization; that every event is the request's, in order, matches its
// hash and is in the tree the checkpoint signs; and that the last is the
// status event that finished the request, holding the receipt's account
// exactly. Of
// format /2: the same, but for the account, which a signed receipt
// batch holds instead (the receipt's leaf, its summary and its events'
// numbers and hashes, in the batch's tree, of the same checkpoint); of
// format /1, the receipt's own signature. The batch (or receipt) and its
// checkpoint may be signed by different keys of those given (a receipt
// made after a rotation, of a request an older key's checkpoint covers),
// but a retired key's never carries the current key's checkpoint.
func VerifyReceipt(signed []byte, public string, retired ...string) (*Receipt, error) {
	v, err := Verifier(public)
	if err != nil {
		return nil, err
	}
	vs, err := ring(v, retired)
	if err != nil {
		return nil, err
	}
	current := keyID(v.Name(), v.KeyHash())
	var (
		rec    Receipt
		signer string
		text   = signed
	)
	if json.Valid(signed) {
		if err := decodeReceipt(signed, &rec); err != nil {
			return nil, err
		}
		if rec.Format != ReceiptFormat && rec.Format != ReceiptFormatV2 {
			return nil, fmt.Errorf("evidence: receipt format %q, want %q", rec.Format, ReceiptFormat)
		}
		if again, err := canonical(&rec); err != nil || !bytes.Equal(again, signed) {
			return nil, errors.New("evidence: the receipt is not the file as it was written (it was changed, or written out again)")
		}
	} else {
		n, err := openNote(signed, vs)
		if err != nil {
			msg := "evidence: the receipt's signature does not verify with this public key (it was changed, or another key signed it)"
			if signers := unknownSigners(err); signers != "" {
				msg += ": it is " + signers + ", not one of the keys given"
			}
			return nil, errors.New(msg)
		}
		signer, text = keyID(n.Sigs[0].Name, n.Sigs[0].Hash), []byte(n.Text)
		if err := decodeReceipt(text, &rec); err != nil {
			return nil, err
		}
		if rec.Format != ReceiptFormatV1 || rec.Batch != "" || rec.BatchProof != nil {
			return nil, fmt.Errorf("evidence: receipt format %q in a signed note, want %q", rec.Format, ReceiptFormatV1)
		}
	}
	st, cpKey, err := openCheckpoint([]byte(rec.Checkpoint), vs)
	if err != nil {
		return nil, fmt.Errorf("evidence: receipt's checkpoint: %w", err)
	}
	if st.Org != rec.Organization {
		return nil, fmt.Errorf("evidence: the receipt's checkpoint is of organization %q, not %q", st.Org, rec.Organization)
	}
	switch rec.Format {
	case ReceiptFormat:
		// The checkpoint signs the account, through the account event.
		if rec.Batch != "" || rec.BatchIndex != 0 || rec.BatchProof != nil {
			return nil, fmt.Errorf("evidence: a receipt of format %q carries no batch", ReceiptFormat)
		}
		signer = cpKey
	case ReceiptFormatV2:
		if signer, err = verifyBatch(&rec, st, vs); err != nil {
			return nil, err
		}
	}
	if cpKey == current && signer != current {
		return nil, errors.New("evidence: the receipt is signed by a retired key, its checkpoint by the current key: a retired key signs nothing after the rotation")
	}
	if len(rec.Events) == 0 {
		return nil, errors.New("evidence: the receipt holds no events")
	}
	for i, re := range rec.Events {
		ev := re.Event
		switch {
		case ev.Org != rec.Organization || ev.RequestID != rec.RequestID:
			return nil, fmt.Errorf("evidence: receipt event %d is not of this request", ev.Seq)
		case i > 0 && ev.Seq <= rec.Events[i-1].Seq:
			return nil, fmt.Errorf("evidence: receipt event %d comes after event %d: the events are not in order", ev.Seq, rec.Events[i-1].Seq)
		case ev.Seq < 1 || ev.Seq > st.Size:
			return nil, fmt.Errorf("evidence: receipt event %d is outside the %d events the checkpoint signs", ev.Seq, st.Size)
		}
		if err := store.VerifyChain(&store.Event{Seq: ev.Seq - 1, Hash: ev.PrevHash}, []store.Event{ev}); err != nil {
			return nil, fmt.Errorf("evidence: receipt event %d does not match its hash", ev.Seq)
		}
		proof, err := decodeProof(re.Proof, fmt.Sprintf("receipt event %d", ev.Seq))
		if err != nil {
			return nil, err
		}
		if err := tlog.CheckRecord(proof, st.Size, st.Root, ev.Seq-1, LeafHash(ev.Hash)); err != nil {
			return nil, fmt.Errorf("evidence: receipt event %d is not in the tree checkpoint %d signs", ev.Seq, st.Seq)
		}
	}
	if rec.Format == ReceiptFormat {
		last := rec.Events[len(rec.Events)-1].Event
		if d, err := rec.Account.Detail(); err != nil || !IsAccount(last) || last.Status != rec.Status || last.Detail != d {
			return nil, errNoAccount
		}
	}
	return &rec, nil
}

// decodeReceipt reads a receipt's JSON, refusing fields it does not know.
func decodeReceipt(text []byte, rec *Receipt) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		return fmt.Errorf("evidence: the receipt is not a receipt: %w", err)
	}
	return nil
}

// verifyBatch checks rec's batch against vs and st, rec's checkpoint, and
// that rec's leaf is in the batch's tree; it returns the key that signed
// the batch.
func verifyBatch(rec *Receipt, st Statement, vs note.Verifiers) (string, error) {
	b, signer, err := openBatch([]byte(rec.Batch), vs)
	if err != nil {
		return "", err
	}
	switch {
	case b.Org != rec.Organization:
		return "", fmt.Errorf("evidence: the receipt's batch is of organization %q, not %q", b.Org, rec.Organization)
	case b.Checkpoint != st.Seq:
		return "", fmt.Errorf("evidence: the receipt's batch is of checkpoint %d, the receipt carries checkpoint %d", b.Checkpoint, st.Seq)
	case rec.BatchIndex < 0 || rec.BatchIndex >= b.Size:
		return "", fmt.Errorf("evidence: the receipt's place %d is outside its batch of %d", rec.BatchIndex, b.Size)
	}
	proof, err := decodeProof(rec.BatchProof, "the receipt's batch")
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(leafOf(rec))
	if err != nil {
		return "", fmt.Errorf("evidence: receipt: %w", err)
	}
	if err := tlog.CheckRecord(proof, b.Size, b.Root, rec.BatchIndex, tlog.RecordHash(data)); err != nil {
		return "", errors.New("evidence: the receipt is not the one its batch signs (its summary or events were changed)")
	}
	return signer, nil
}
