package gdpr

import (
	"fmt"
	"slices"
	"strings"
)

// enumError reports a value that is not one of an enum's allowed values.
type enumError struct {
	Enum    string   // the enum's wire name, e.g. "searchType"
	Value   string   // what was given
	Allowed []string // every value the enum allows
}

func (e *enumError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("gdpr: %s is missing; use one of %s", e.Enum, strings.Join(e.Allowed, ", "))
	}
	return fmt.Sprintf("gdpr: %s %q is not valid; use one of %s", e.Enum, e.Value, strings.Join(e.Allowed, ", "))
}

func checkEnum[T ~string](enum string, v T, allowed []T) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return &enumError{Enum: enum, Value: string(v), Allowed: names}
}
