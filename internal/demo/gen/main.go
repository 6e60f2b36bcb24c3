// Command gen writes the demo data set of package demo: three JSON files
// in the memadapter format, one per data store (directory, crm, dialer),
// into the directory named by -out (default "data"). The output depends on
// nothing but this program, so running it again writes the same bytes.
// Run it with go generate in internal/demo.
//
// Every person is fictional. Emails use the example domains (example.com
// for the company's staff, example.org and example.net for customers, and
// the internationalized bücher.example); phones use fictional ranges where
// a country has them.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// file is one generated data store.
type file struct {
	name string
	ds   memadapter.Dataset
}

func main() {
	out := flag.String("out", "data", "directory to write the JSON files to")
	flag.Parse()
	files, err := generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(*out, f.name+".json"), f.data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// output is one file's name and bytes.
type output struct {
	name string
	data []byte
}

// generate builds the three data sets, checks that each loads, and
// encodes them.
func generate() ([]output, error) {
	var outs []output
	for _, f := range newWorld().build() {
		a, err := memadapter.New(f.name)
		if err != nil {
			return nil, err
		}
		if err := a.Load(f.ds); err != nil {
			return nil, fmt.Errorf("gen: %s does not load: %w", f.name, err)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(f.ds); err != nil {
			return nil, fmt.Errorf("gen: encode %s: %w", f.name, err)
		}
		outs = append(outs, output{f.name, b.Bytes()})
	}
	return outs, nil
}
