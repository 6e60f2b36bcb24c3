package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxNamePart bounds a server-given part of a file name.
const maxNamePart = 128

// safeNamePart returns s when it may stand in a file name as it is: only
// letters, digits, '-', '_' and '.', not starting with '.', and at most
// maxNamePart bytes. A request id comes from the server, and a hostile or
// broken server must not steer a download out of its folder ("../x") or
// onto a hidden file; what names the part is for the message.
func safeNamePart(what, s string) (string, error) {
	ok := s != "" && len(s) <= maxNamePart && s[0] != '.'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	if !ok {
		return "", fmt.Errorf("%s %q is not a safe file name part (letters, digits, '-', '_' and '.', at most %d, not starting with '.'); nothing was written",
			what, strings.ToValidUTF8(s[:min(len(s), 64)], "?"), maxNamePart)
	}
	return s, nil
}

// errFileExists is returned by writeNewFile when name exists already.
var errFileExists = errors.New("the file exists already; it was kept as it was")

// writeNewFile writes what fill writes into a new file name of the folder
// root, readable by its owner only. It never follows a link out of the
// folder and never replaces a file: it writes a temporary file of its own
// and links it in under name, which fails if name exists. On an error
// nothing is left behind.
func writeNewFile(root *os.Root, name string, fill func(io.Writer) (int64, error)) (int64, error) {
	tmp := "." + name + ".partial"
	if err := root.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	defer root.Remove(tmp)
	n, err := fill(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if err := root.Link(tmp, name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return n, fmt.Errorf("%s: %w", name, errFileExists)
		}
		return n, err
	}
	return n, nil
}
