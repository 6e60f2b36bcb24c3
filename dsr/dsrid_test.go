package dsr_test

import (
	"strings"
	"testing"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/dsr"
)

func TestDerivedDSRIDsAreKeyedWhenAKeyIsGiven(t *testing.T) {
	t.Parallel()
	email := gdpr.Term{Kind: gdpr.KindEmail, Value: "Kim@Example.com"}
	phone := gdpr.Term{Kind: gdpr.KindPhone, Value: "+15555550100"}
	ids, reordered := []gdpr.Term{email, phone}, []gdpr.Term{phone, {Kind: gdpr.KindEmail, Value: "kim@example.com"}}
	key, other := []byte("a key of the operator's, kept secret"), []byte("another key")

	unkeyed := dsr.DeriveID(ids)
	keyed := dsr.DeriveIDWithKey(key, ids)
	switch {
	case !strings.HasPrefix(keyed, "dsr-") || len(keyed) != len(unkeyed):
		t.Errorf("keyed id %q is not of the form of %q", keyed, unkeyed)
	case keyed != dsr.DeriveIDWithKey(key, reordered):
		t.Error("the keyed id depends on the identifiers' order or case")
	case keyed == unkeyed:
		t.Error("the keyed id is the unkeyed one: anyone can test it")
	case keyed == dsr.DeriveIDWithKey(other, ids):
		t.Error("two keys give the same id")
	case dsr.DeriveIDWithKey(nil, ids) != unkeyed:
		t.Error("an empty key does not give DeriveID's id")
	}

	// A plan without a DSR id of its own takes the keyed id, and so do
	// the idempotency keys made from it.
	res := &dsr.Resolution{Identifiers: ids, Unmatched: ids}
	p, err := res.Plan(gdpr.RequestExport, dsr.Options{DSRKey: key})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := res.Plan(gdpr.RequestExport, dsr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.DSRID != keyed || plain.DSRID != unkeyed {
		t.Errorf("plan ids %q and %q, want %q (keyed) and %q", p.DSRID, plain.DSRID, keyed, unkeyed)
	}
	if len(p.Requests) == 0 || p.Requests[0].IdempotencyKey == plain.Requests[0].IdempotencyKey {
		t.Error("the idempotency keys of a keyed plan are those anyone can derive")
	}
	if named, _ := res.Plan(gdpr.RequestExport, dsr.Options{DSRID: "ticket-4711", DSRKey: key}); named.DSRID != "ticket-4711" {
		t.Errorf("a DSR id of the caller's own was replaced by %q", named.DSRID)
	}
}
