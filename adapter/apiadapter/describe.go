package apiadapter

import (
	"context"

	"github.com/gdprkit/gdpr/adapter"
)

// Describe says what the adapter reaches: the remote's subjects, by the
// term kinds it sends, erased as the remote decides. It reads nothing from
// the remote.
func (a *Adapter) Describe(ctx context.Context) (adapter.Description, error) {
	if err := ctx.Err(); err != nil {
		return adapter.Description{}, err
	}
	fields := make([]string, 0, len(a.kinds))
	for _, k := range a.kinds {
		fields = append(fields, string(k))
	}
	const note = "a remote GDPR API: it decides whether it deletes or anonymizes, and does not say which"
	kinds := []adapter.RecordKind{
		{Kind: KindUser, Source: "remote users", Subject: true, Terms: a.Kinds(), Fields: fields, Erase: adapter.EraseRemote, Reachable: true, Note: note},
		{Kind: KindExternalContact, Source: "remote external contacts", Subject: true, Terms: a.Kinds(), Fields: fields, Erase: adapter.EraseRemote, Reachable: true, Note: note},
		{Kind: KindDialerContact, Source: "remote dialer contacts", Subject: true, Terms: a.Kinds(), Fields: fields, Erase: adapter.EraseRemote, Reachable: true, Note: note},
	}
	return adapter.Description{Described: true, Store: "remote GDPR API", Terms: a.Kinds(), Records: kinds, Note: note}, nil
}
