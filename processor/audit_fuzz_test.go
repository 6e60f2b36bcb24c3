package processor_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/store"
)

// FuzzVerifyChain feeds arbitrary event lists to the verifier: it must
// answer (nil or a *ChainError) and never panic, and must accept only
// chains that are sealed as SealEvent seals them.
func FuzzVerifyChain(f *testing.F) {
	var evs []store.Event
	var prev *store.Event
	for i, typ := range []string{"created", "status", "step", "status"} {
		ev := store.SealEvent(store.Event{Org: "o", RequestID: "r", Type: typ, Time: time.Unix(int64(i), 0)}, prev)
		evs = append(evs, ev)
		prev = &evs[len(evs)-1]
	}
	good, _ := json.Marshal(evs)
	f.Add(good)
	f.Add([]byte(`[{"seq":1,"hash":"x"}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in []store.Event
		if json.Unmarshal(data, &in) != nil {
			return
		}
		err := store.VerifyChain(nil, in)
		if err != nil {
			if _, ok := err.(*store.ChainError); !ok {
				t.Fatalf("error %T, want *ChainError", err)
			}
			return
		}
		// Accepted: resealing every event must give the same chain.
		var p *store.Event
		for i := range in {
			if got := store.SealEvent(in[i], p); got.Hash != in[i].Hash {
				t.Fatalf("accepted event %d that SealEvent would not produce", i)
			}
			p = &in[i]
		}
	})
}
