package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

const demoUsage = `Usage: gdpr demo [--addr HOST:PORT]

Runs the reference document's worked example over demo data held in
memory: it starts the GDPR API in this process and, as any client would,
searches, reviews, erases, verifies and exports over HTTP. Nothing is
written to disk.

Flags:
`

// cmdDemo: gdpr demo [--addr A]
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gdpr demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "the address the in-process server listens on (port 0: any free port)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), demoUsage)
		fs.PrintDefaults()
	}
	pos, code, ok := parseFlags(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "gdpr demo takes no arguments, got %q (gdpr demo -h)\n", pos)
		return exitUsage
	}
	if err := runDemoAt(ctx, *addr, stdout, nil); err != nil {
		fmt.Fprintf(stderr, "gdpr demo: %v\n", err)
		return exitCode(ctx, err)
	}
	return exitOK
}
