package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gdprkit/gdpr/server"
)

// loadClients reads the clients file of --clients, saying in one line
// what is wrong with it and where.
func loadClients(path string, opts ...server.ClientsOption) (*server.Clients, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("clients file %s does not exist; give --clients the JSON file of OAuth clients (see 'gdpr hash-secret')", path)
	}
	if err != nil {
		return nil, fmt.Errorf("clients file: %w", err)
	}
	var probe json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, clientsFileError(path, b, err)
	}
	cs, err := server.LoadClients(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("--clients %s: %w", path, err)
	}
	return cs, nil
}

// clientsFileError says what is wrong with the JSON of a clients file:
// empty, or a syntax error at a line and column.
func clientsFileError(path string, b []byte, err error) error {
	const want = `; it holds {"clients": [{"id": ..., "secretHash": ..., "organization": ..., "scope": "gdpr"}]} (secretHash from 'gdpr hash-secret')`
	var se *json.SyntaxError
	ended := errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end")
	if strings.TrimSpace(string(b)) == "" || ended || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if strings.TrimSpace(string(b)) == "" {
			return &usageError{fmt.Sprintf("--clients %s is empty%s", path, want)}
		}
		return &usageError{fmt.Sprintf("--clients %s ends early: a bracket or brace is not closed%s", path, want)}
	}
	if errors.As(err, &se) {
		line, col := lineCol(b, se.Offset)
		return &usageError{fmt.Sprintf("--clients %s:%d:%d: %v; fix the JSON there", path, line, col, se)}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line, col := lineCol(b, te.Offset)
		return &usageError{fmt.Sprintf("--clients %s:%d:%d: %s should be %s, not %s%s", path, line, col, te.Field, te.Type, te.Value, want)}
	}
	return &usageError{fmt.Sprintf("--clients %s: %v%s", path, err, want)}
}

// lineCol is the 1-based line and column of byte offset off in b (the
// offset just past the error, as encoding/json reports it).
func lineCol(b []byte, off int64) (int, int) {
	off = min(max(off, 1), int64(len(b)))
	before := b[:off-1]
	line := strings.Count(string(before), "\n") + 1
	col := len(before) - strings.LastIndex(string(before), "\n")
	return line, col
}
