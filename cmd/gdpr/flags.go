package main

import (
	"errors"
	"flag"
	"io"
	"slices"
)

// parseFlags parses args into fs as every subcommand does: flags may
// follow positional arguments (gdpr request get ID --json), and -h,
// -help or --help prints the usage to stdout. It returns the positional
// arguments, and ok false with the exit code when the command should end
// here (0 after help, 2 after a mistake, already reported by fs).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (pos []string, code int, ok bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			out := fs.Output()
			fs.SetOutput(stdout)
			fs.Usage()
			fs.SetOutput(out)
			return nil, exitOK, false
		}
	}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		}
		if err != nil {
			return nil, exitUsage, false
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), exitOK, true
		}
		if len(rest) == 0 {
			return pos, exitOK, true
		}
		pos = append(pos, rest[0])
		args = slices.Clone(rest[1:])
	}
}

// wantsHelp reports whether args asks for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}
