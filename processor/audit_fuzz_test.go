package processor_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gdprkit/gdpr/processor"
)

// FuzzVerifyChain feeds arbitrary event lists to the verifier: it must
// answer (nil or a *ChainError) and never panic, and must accept only
// chains that are sealed as SealEvent seals them.
func FuzzVerifyChain(f *testing.F) {
	var evs []processor.Event
	var prev *processor.Event
	for i, typ := range []string{"created", "status", "step", "status"} {
		ev := processor.SealEvent(processor.Event{Org: "o", RequestID: "r", Type: typ, Time: time.Unix(int64(i), 0)}, prev)
		evs = append(evs, ev)
		prev = &evs[len(evs)-1]
	}
	good, _ := json.Marshal(evs)
	f.Add(good)
	f.Add([]byte(`[{"seq":1,"hash":"x"}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in []processor.Event
		if json.Unmarshal(data, &in) != nil {
			return
		}
		err := processor.VerifyChain(nil, in)
		if err != nil {
			if _, ok := err.(*processor.ChainError); !ok {
				t.Fatalf("error %T, want *ChainError", err)
			}
			return
		}
		// Accepted: resealing every event must give the same chain.
		var p *processor.Event
		for i := range in {
			if got := processor.SealEvent(in[i], p); got.Hash != in[i].Hash {
				t.Fatalf("accepted event %d that SealEvent would not produce", i)
			}
			p = &in[i]
		}
	})
}
