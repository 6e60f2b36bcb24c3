package adaptertest

import (
	"context"
	"sync"

	"github.com/gdprkit/gdpr/adapter"
)

// employeeBasis is the legal basis keepCurrentEmployees records.
const employeeBasis = "adaptertest: work identity of a current employee"

// keepCurrentEmployees keeps the person records of current employees, as a
// retention policy of the engine would: a Record of kind KindUser whose
// Fields["employment"] is EmploymentCurrent.
func keepCurrentEmployees(_ context.Context, rec adapter.Record) (string, bool, error) {
	if rec.Kind == KindUser && rec.Fields["employment"] == EmploymentCurrent {
		return employeeBasis, true, nil
	}
	return "", false, nil
}

// keepNothing keeps no record.
func keepNothing(context.Context, adapter.Record) (string, bool, error) { return "", false, nil }

// adapterKeep wraps a KeepFunc so that it records every record it is
// asked about.
type adapterKeep struct {
	mu    sync.Mutex
	asked []adapterRecID
}

func (k *adapterKeep) keep(fn adapter.KeepFunc) adapter.KeepFunc {
	return func(ctx context.Context, rec adapter.Record) (string, bool, error) {
		k.mu.Lock()
		k.asked = append(k.asked, adapterRecID{rec.Kind, rec.ID})
		k.mu.Unlock()
		return fn(ctx, rec)
	}
}

func (k *adapterKeep) count() map[adapterRecID]int {
	k.mu.Lock()
	defer k.mu.Unlock()
	m := make(map[adapterRecID]int)
	for _, id := range k.asked {
		m[id]++
	}
	return m
}
