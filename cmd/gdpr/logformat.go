package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/gdprkit/gdpr/server"
)

// newLogFormat is newLogger in the format of --log-format: text (the
// default, for people) or json (one object a line, for log pipelines).
func newLogFormat(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "", "text":
		return slog.New(correlated{Handler: slog.NewTextHandler(w, opts)}), nil
	case "json":
		return slog.New(correlated{Handler: slog.NewJSONHandler(w, opts)}), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

// correlated adds the API request's correlation id to every line logged
// under its context that does not carry one, so that the processor's
// lines about a request (which name its id) join the server's line
// about the HTTP exchange. A logger that already carries a correlation
// (the processor's lines about a request) keeps its own.
type correlated struct {
	slog.Handler
	has bool // an attribute added by WithAttrs is the correlation
}

func (h correlated) Handle(ctx context.Context, r slog.Record) error {
	if id := server.CorrelationID(ctx); id != "" && !h.has {
		has := false
		r.Attrs(func(a slog.Attr) bool {
			has = a.Key == "correlation"
			return !has
		})
		if !has {
			r.AddAttrs(slog.String("correlation", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h correlated) WithAttrs(as []slog.Attr) slog.Handler {
	has := h.has
	for _, a := range as {
		has = has || a.Key == "correlation"
	}
	return correlated{h.Handler.WithAttrs(as), has}
}

func (h correlated) WithGroup(name string) slog.Handler {
	return correlated{h.Handler.WithGroup(name), h.has}
}
