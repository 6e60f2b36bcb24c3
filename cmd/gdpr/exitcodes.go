package main

import (
	"context"
	"errors"
)

// The exit codes of every subcommand, listed in gdpr help.
const (
	exitOK          = 0   // the work was done
	exitFailed      = 1   // the work failed: a request ended in ERROR, an erasure was not confirmed, verification failed
	exitUsage       = 2   // the command line or configuration is wrong; nothing was done
	exitFound       = 3   // gdpr scan found personal data outside the data maps
	exitInterrupted = 130 // interrupted (Ctrl-C or SIGTERM)
)

const exitCodesHelp = `Exit status, the same for every command:
  0    success
  1    the work failed (a request ended in ERROR, an erasure was not
       confirmed, verification failed, the API could not be reached)
  2    usage: a flag, argument or configuration is wrong
  3    gdpr scan found personal data outside the data maps
  130  interrupted (Ctrl-C); requests already sent carry on on the server
`

// exitCode is the exit code of a command that ended with err while ctx
// was its context.
func exitCode(ctx context.Context, err error) int {
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage):
		return exitUsage
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, ctx.Err())):
		return exitInterrupted
	}
	return exitFailed
}
