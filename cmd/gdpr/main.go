// Command gdpr answers GDPR data subject requests from the command line.
//
// Usage:
//
//	gdpr demo    run the reference document's worked example over demo data
//
// Run "gdpr help" for the list of commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `gdpr answers GDPR data subject requests: access (Art. 15),
rectification (Art. 16) and erasure (Art. 17).

Usage:
  gdpr demo          run the worked example of a data subject request over
                     demo data held in memory: search, review, erase,
                     verify, export
  gdpr serve         serve the GDPR API over your data (gdpr serve -h)
  gdpr hash-secret   hash a client secret read from standard input, for
                     the clients file of gdpr serve
  gdpr inventory     what each adapter holds (--markdown: an Art. 30 draft)
  gdpr scan          find personal data the SQL data maps miss (read-only)
  gdpr audit verify  check a store's audit chains against their signed
                     checkpoints and the evidence public key (read-only)
  gdpr audit consistency --key KEY [--held FILE] PROOF
                     check offline that a newer checkpoint extends an older one
  gdpr audit keys    print the evidence public keys, current first (to keep
                     before rotating the key)
  gdpr receipt verify --key KEY FILE
                     check a request's signed receipt offline

One person's request, end to end (resolve, review, fulfil, report):
  gdpr dsar --type delete --name N --email E ...   (--demo to try it here)

Client commands, against gdpr serve or the hosted API (GDPR_API_URL or
GDPR_API_REGION, and GDPR_CLIENT_ID with GDPR_CLIENT_SECRET, or GDPR_TOKEN):
  gdpr subjects --type EMAIL VALUE        who does a term match?
  gdpr request create --type T --term K=V create a request (--wait to follow it)
  gdpr request get|wait ID                show a request, or wait for its end
  gdpr request list                       list requests, newest first
  gdpr request retry ID                   run a request in ERROR again (gdpr serve)
  gdpr results download ID                save an export's zip
Add --json for output to scripts.

  gdpr version       the version and revision of this binary (also --version)
  gdpr help          show this help; gdpr COMMAND -h for a command's flags

` + exitCodesHelp

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		return cmdVersion(args[1:], stdout, stderr)
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "subjects":
		return cmdSubjects(ctx, args[1:], stdout, stderr)
	case "request":
		return cmdRequest(ctx, args[1:], stdout, stderr)
	case "results":
		return cmdResults(ctx, args[1:], stdout, stderr)
	case "dsar":
		return cmdDSAR(ctx, args[1:], stdin, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, args[1:], stdout, stderr)
	case "receipt":
		return cmdReceipt(ctx, args[1:], stdout, stderr)
	case "inventory":
		return cmdInventory(ctx, args[1:], stdout, stderr)
	case "scan":
		return cmdScan(ctx, args[1:], stdout, stderr)
	case "hash-secret":
		if wantsHelp(args[1:]) {
			fmt.Fprint(stdout, hashSecretUsage)
			return exitOK
		}
		if len(args) > 1 {
			fmt.Fprintf(stderr, "gdpr hash-secret reads the secret from standard input and takes no arguments (a secret on the command line would stay in the shell history)\n%s", hashSecretUsage)
			return exitUsage
		}
		return cmdHashSecret(stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "gdpr: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}
