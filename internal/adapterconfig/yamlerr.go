package adapterconfig

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// yamlLine matches the position the YAML parser gives its errors.
var yamlLine = regexp.MustCompile(`yaml: line (\d+): (.*)$`)

// maxLocateLines bounds the files whose error line is searched for.
const maxLocateLines = 5000

// fileError names the file at path in err, a failure to read it. The
// YAML parser reports some structure errors (a list item indented wrongly)
// at the line where the enclosing block began; fileError finds the line
// where the document stops parsing, the one to fix, and names it as
// path:LINE.
func fileError(path string, err error) error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	said, _ := strconv.Atoi(m[1])
	line := said
	if b, rerr := os.ReadFile(path); rerr == nil {
		line = firstBadLine(b, said)
	}
	return fmt.Errorf("%s:%d: %s; check this line's indentation and '-' against the lines above", path, line, m[2])
}

// firstBadLine is the first line n at which the document's first n lines
// no longer parse, or said when there is none.
func firstBadLine(b []byte, said int) int {
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) > maxLocateLines {
		return said
	}
	for n := 1; n <= len(lines); n++ {
		var node yaml.Node
		if err := yaml.Unmarshal(bytes.Join(lines[:n], nil), &node); err != nil {
			if yamlLine.MatchString(err.Error()) {
				return n
			}
			return said
		}
	}
	return said
}
