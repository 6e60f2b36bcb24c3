// Package evidence makes gdprkit's audit log checkable by someone who does
// not trust the operator: signed checkpoints of each organization's audit
// chain, a signed receipt for every finished request, and a verifier that
// needs only the store (or a copy of it) and the public key.
//
// Nothing here is a new format. The events of an organization, in Seq
// order, are the records of an RFC 6962 Merkle tree
// (golang.org/x/mod/sumdb/tlog; record n is event n+1's 32-byte hash). A
// checkpoint is a signed note (golang.org/x/mod/sumdb/note, Ed25519) in
// the checkpoint layout of transparency-dev — origin, tree size, root —
// with extension lines naming its number, time, the chain's head and the
// previous checkpoint (see Statement). A finished request's account
// (what was asked, when, what each data store did) is the detail of the
// status event that finished it (IsAccount), and its receipt is JSON
// (see Receipt): the account and the request's events, that one last,
// with their inclusion proofs in the tree a checkpoint signs, so that
// one signature, the checkpoint's, covers every receipt of the requests
// it covers, and receipts are made from the store, not stored. A
// Consistency is the RFC 6962 consistency proof (tlog.ProveTree) between
// two checkpoints: whoever holds the older one checks, with
// VerifyConsistency and the public key, that the newer one extends the
// same history rather than a rewritten
// or forked one.
//
// # What is detected
//
// Verify finds an edited event (its hash), an event removed or moved (the
// chain's numbering and links), a chain edited and sealed again (it is not
// the tree a checkpoint signed), a deleted tail (fewer events than a
// checkpoint or the store's chain head counts), a checkpoint removed,
// reordered or replaced (their numbers and links), and a checkpoint
// signed by another key. Whoever holds the database but not the key cannot
// sign a rewritten history. Whoever can delete the newest checkpoints
// together with the events after them is caught by a copy of the
// checkpoints kept outside the database: a Sink (FileSink, or your own on
// object storage with a retention lock), checked with
// VerifyOptions.External.
//
// Verify reads the whole chain. Whoever checks often, as the console does
// while a request runs, goes on with VerifySince from the Mark of the last
// check: it reads what was added since (the new events and checkpoints)
// and checks all of the above but the new checkpoints' Merkle roots and
// the events before the mark, which the next Verify covers.
//
// # Keys
//
// A Key is an Ed25519 key in the note format: the private key
// "PRIVATE+KEY+gdprkit-evidence+<hash>+<base64>" and the public
// (verifier) key "gdprkit-evidence+<hash>+<base64>". gdpr serve creates
// one beside its database on first start and serves the public key at
// /api/v2/gdpr/evidence/key; log only Fingerprint.
//
// A key is replaced without breaking the chain: the Checkpointer with the
// new Key is given the old public key in Retired, and the first
// checkpoint it signs names the last one the old key signed as the one
// before it. Whoever verifies gives the old public key too
// (VerifyOptions.Retired, and the retired arguments of VerifyReceipt and
// VerifyConsistency); a key file lists such keys one a line, current
// first (ParsePublicKeys). A checkpoint signed by a key not given fails
// as any forged one does, naming the key that signed it.
package evidence
