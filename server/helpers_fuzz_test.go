package server_test

import (
	"strings"

	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/store/memstore"
)

func newMemAdapter() (*memadapter.Adapter, error) {
	a, err := memadapter.New("crm")
	if err != nil {
		return nil, err
	}
	return a, a.LoadJSON(strings.NewReader(`{"people":[{"key":"c1","kind":"externalContact","externalContactId":"c-1","name":"Robin Vale","emails":["robin@example.com"]}]}`))
}

func newMemStore() *memstore.Store { return memstore.New() }
