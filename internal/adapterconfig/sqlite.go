package adapterconfig

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// sqliteDSN turns the dsn of a SQLite adapter into a URI that opens an
// existing database file and never creates one: read-only when readOnly
// (gdpr scan), read-write otherwise. A relative path is
// read from dir, the adapters file's directory, as the map is. Query
// parameters of the dsn (such as _pragma) are kept; a mode it gives is
// replaced. A database that does not exist is an error naming the path
// and the file it was resolved against.
func sqliteDSN(dir, dsn string, readOnly bool) (string, error) {
	if dsn == ":memory:" || strings.Contains(dsn, "mode=memory") {
		return dsn, nil
	}
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" {
		return "", fmt.Errorf("dsn %q names no SQLite database file", dsn)
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	if fi, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("SQLite database %s does not exist (a relative dsn is read from the adapters file's directory %s); fix the dsn", path, dir)
	} else if fi.IsDir() {
		return "", fmt.Errorf("SQLite database %s is a directory; the dsn names the database file", path)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("dsn parameters: %w", err)
	}
	q.Set("mode", "rw")
	if readOnly {
		q.Set("mode", "ro")
	}
	u := url.URL{Scheme: "file", Opaque: escapeSQLitePath(path), RawQuery: q.Encode()}
	return u.String(), nil
}

// escapeSQLitePath escapes what a SQLite URI would read as other than
// the path.
func escapeSQLitePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(p))
}
