package gdpr

import (
	"fmt"
	"time"
)

// A RetryPolicy says how often a failed call is tried and how long to wait
// between tries. It is the one argument of every WithRetry option of
// gdprkit: the Client's ([WithRetry]), the processor's for adapter steps,
// and the remote adapter's (package httpadapter). Each of them documents
// its own default policy.
//
// A zero field means the default of the one who is given the policy, for
// that field alone: RetryPolicy{Attempts: 1} turns retrying off and keeps
// the default waits. A negative field is an error (see Validate).
type RetryPolicy struct {
	// Attempts is how many times a call is tried in all, the first try
	// included: 1 never retries, 3 retries twice.
	Attempts int
	// MinWait is the wait before the first retry; later waits double it
	// each time, up to MaxWait.
	MinWait time.Duration
	// MaxWait is the longest wait between two tries. It must not be less
	// than MinWait.
	MaxWait time.Duration
	// MaxRetryAfter caps a wait the server asks for with Retry-After. It
	// is used only by those who call HTTP servers that send it (the
	// Client); others ignore it.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the Client's policy when WithRetry is not
// given or leaves a field zero: 5 attempts, waits from 250ms doubling to
// 10s (jittered), Retry-After honoured up to a minute.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		Attempts:      5,
		MinWait:       250 * time.Millisecond,
		MaxWait:       10 * time.Second,
		MaxRetryAfter: time.Minute,
	}
}

// Or returns p with each zero field replaced by the same field of d, as
// the WithRetry options fill a policy from their defaults.
func (p RetryPolicy) Or(d RetryPolicy) RetryPolicy {
	if p.Attempts == 0 {
		p.Attempts = d.Attempts
	}
	if p.MinWait == 0 {
		p.MinWait = d.MinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = d.MaxWait
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	return p
}

// Validate returns an error naming the first field of p that cannot be
// used, and how to correct it: a negative field, or a MaxWait less than
// MinWait when both are set. A zero field is valid: it stands for a
// default.
func (p RetryPolicy) Validate() error {
	switch {
	case p.Attempts < 0:
		return fmt.Errorf("RetryPolicy.Attempts is %d; give the number of tries in all, 1 or more (1 never retries), or 0 for the default", p.Attempts)
	case p.MinWait < 0:
		return fmt.Errorf("RetryPolicy.MinWait is %s; give a positive wait, or 0 for the default", p.MinWait)
	case p.MaxWait < 0:
		return fmt.Errorf("RetryPolicy.MaxWait is %s; give a positive wait, or 0 for the default", p.MaxWait)
	case p.MaxRetryAfter < 0:
		return fmt.Errorf("RetryPolicy.MaxRetryAfter is %s; give a positive cap, or 0 for the default", p.MaxRetryAfter)
	case p.MinWait > 0 && p.MaxWait > 0 && p.MaxWait < p.MinWait:
		return fmt.Errorf("RetryPolicy.MaxWait (%s) is less than MinWait (%s); raise MaxWait or lower MinWait", p.MaxWait, p.MinWait)
	}
	return nil
}
