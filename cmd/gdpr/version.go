package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// versionText is the module version and the VCS revision the binary was
// built from, as the Go toolchain recorded them: "(devel)" for a build
// from a checkout, with its revision and "+dirty" when it had changes.
func versionText(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "gdpr (no build information)"
	}
	s := "gdpr " + info.Main.Version
	var rev, at, dirty string
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			at = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		s += " revision " + rev + dirty
		if at != "" {
			s += " (" + at + ")"
		}
	}
	return s + ", " + info.GoVersion
}

// cmdVersion: gdpr version, gdpr --version.
func cmdVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && !wantsHelp(args) {
		fmt.Fprintf(stderr, "gdpr version takes no arguments, got %q\n", args)
		return exitUsage
	}
	if wantsHelp(args) {
		fmt.Fprintln(stdout, "Usage: gdpr version\n  print the module version and VCS revision this binary was built from")
		return exitOK
	}
	fmt.Fprintln(stdout, versionText(debug.ReadBuildInfo()))
	return exitOK
}
