package main

import (
	"os"
	"strings"
)

// secretEnv reports whether the environment variable name holds a
// secret (a client secret, a token, a key, a DSN with its password),
// whose value is never printed: help shows "(set)", errors leave it out.
func secretEnv(name string) bool {
	for _, part := range []string{"SECRET", "TOKEN", "KEY", "DSN", "PASSWORD"} {
		if strings.Contains(name, part) {
			return true
		}
	}
	return false
}

// setNote is " (set)" when the environment variable name is set, for the
// usage of a flag whose default it is without ever showing its value.
func setNote(name string) string {
	if _, ok := os.LookupEnv(name); ok {
		return "; " + name + " is (set)"
	}
	return ""
}

// errNotHex says that a key flag is not hex, without a byte of the key.
func errNotHex(flag, env string) error {
	return &usageError{flag + " (" + env + ") is not hex: give 64 hex digits or more, e.g. from 'openssl rand -hex 32'"}
}
