package main

import (
	"fmt"
	"io"
)

const requestUsage = `Usage: gdpr request COMMAND [flags]

  gdpr request create --type T --term KIND=VALUE   create a request (--wait to follow it)
  gdpr request get ID                              show a request
  gdpr request wait ID                             wait for a request's end
  gdpr request list                                list requests, newest first
  gdpr request retry ID                            run a request in ERROR again from
                                                   its failed steps (--wait to follow it)

Run gdpr request COMMAND -h for its flags.
`

// subUsage answers a command of subcommands given none, help, or one it
// does not know: usage on stdout and exit 0 when asked for, on stderr
// and exit 2 otherwise.
func subUsage(args []string, stdout, stderr io.Writer, usage string) int {
	if len(args) > 0 && (wantsHelp(args[:1]) || args[0] == "help") {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "unknown subcommand %q\n", args[0])
	}
	fmt.Fprint(stderr, usage)
	return exitUsage
}

const hashSecretUsage = `Usage: gdpr hash-secret < FILE   (or: read -rs S && echo "$S" | gdpr hash-secret)
  prints the hash of the client secret read from standard input (16
  characters or more), for the secretHash of a client in the clients
  file of gdpr serve
`
