package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"runtime"
)

// yieldEvery is how many PBKDF2 iterations run between yields.
const yieldEvery = 4096

// pbkdf2SHA256 is PBKDF2-HMAC-SHA256 (RFC 8018), equal to crypto/pbkdf2's,
// that yields the processor every yieldEvery iterations: a secret check
// takes tens of milliseconds of CPU, and without yielding the requests
// queued behind it on its processor wait for the scheduler's preemption.
func pbkdf2SHA256(secret string, salt []byte, iter, keyLen int) []byte {
	prf := hmac.New(sha256.New, []byte(secret))
	out := make([]byte, 0, keyLen+sha256.Size)
	var u, t [sha256.Size]byte
	for block := uint32(1); len(out) < keyLen; block++ {
		prf.Reset()
		prf.Write(salt)
		prf.Write(binary.BigEndian.AppendUint32(nil, block))
		prf.Sum(u[:0])
		t = u
		for i := 2; i <= iter; i++ {
			prf.Reset()
			prf.Write(u[:])
			prf.Sum(u[:0])
			for j := range t {
				t[j] ^= u[j]
			}
			if i%yieldEvery == 0 {
				runtime.Gosched()
			}
		}
		out = append(out, t[:]...)
	}
	return out[:keyLen]
}
