package httpadapter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gdprkit/gdpr/adapter"
)

// stream runs a call answered by a stream of records (export, or the
// candidates of an erasure) and hands each record to emit as it is read,
// with the version the line carries ("" when none). The stream must end
// with its end line, counting the records sent; a stream cut short is an
// error, never a shorter export.
func (a *Adapter) stream(ctx context.Context, route string, body *callBody, emit func(rec adapter.Record, version string) error) error {
	resp, done, err := a.send(ctx, route, body)
	if err != nil {
		return err
	}
	defer done()
	dec := json.NewDecoder(&lineLimit{r: resp.Body, max: a.cfg.maxRecord})
	n := 0
	for {
		var line streamLine
		if err := dec.Decode(&line); err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("the stream ended after %d records without its end line", n)
			}
			return a.answerError(ctx, route, resp.StatusCode, fmt.Errorf("read the stream: %w", err))
		}
		switch {
		case line.Record != nil:
			n++
			if err := emit(*line.Record, line.Version); err != nil {
				return fmt.Errorf("httpadapter: %s: %s: %w", a.name, route, err)
			}
		case line.End != nil:
			if line.End.Records != n {
				return a.answerError(ctx, route, resp.StatusCode,
					fmt.Errorf("the stream's end line counts %d records, but %d came", line.End.Records, n))
			}
			return nil
		case line.Error != nil:
			return &Error{Adapter: a.name, Op: route, Status: resp.StatusCode, Code: line.Error.Code,
				Message: line.Error.Message, url: a.shown}
		default:
			return a.answerError(ctx, route, resp.StatusCode,
				errors.New("a line of the stream holds no record, end or error"))
		}
	}
}
