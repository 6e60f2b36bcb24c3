package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
)

// envName finds the environment variable a flag's usage names, as in
// "listen address (GDPR_ADDR)".
var envName = regexp.MustCompile(`\((GDPR_[A-Z_]+)`)

// applyEnv sets every flag of fs whose usage names an environment variable
// that is set, as if it were given on the command line (which still wins,
// being parsed after). A value the flag cannot take is an error naming the
// variable, never silently replaced by the default.
func applyEnv(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		m := envName.FindStringSubmatch(f.Usage)
		if m == nil || err != nil {
			return
		}
		if v, ok := os.LookupEnv(m[1]); ok {
			if e := fs.Set(f.Name, v); e != nil {
				shown := fmt.Sprintf("%q", v)
				if secretEnv(m[1]) {
					shown, e = "(set)", errors.New("not a valid value")
				}
				err = fmt.Errorf("%s=%s: %v (it sets --%s: %s)", m[1], shown, e, f.Name, f.Usage)
			}
		}
	})
	return err
}
