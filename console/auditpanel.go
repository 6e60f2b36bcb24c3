package console

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gdprkit/gdpr/evidence"
	"github.com/gdprkit/gdpr/store"
)

// auditPanel is the audit panel of a request's page: what was checked of
// the organization's chain and when, what signs the request's events,
// and what was found wrong, in words.
type auditPanel struct {
	Look auditLook
	// Unchecked: the store did not answer, nothing was checked.
	Unchecked bool
	// Problem is what the check found wrong, nil when all held.
	Problem *auditProblem
	// First and Last are the request's first and last events, 0 when it
	// has none.
	First, Last int64
	// SignedTo is the last of the request's events that a checkpoint
	// signs, 0 when none does; SignedBy is the first checkpoint that
	// signs it.
	SignedTo int64
	SignedBy *evidence.Statement
	// PendingFrom is the first of the request's events that no
	// checkpoint signs yet, 0 when every one is signed.
	PendingFrom int64
	// UnsignedFrom is the first event of the organization's chain that no
	// checkpoint signs yet, 0 when every one is signed.
	UnsignedFrom int64
	// DueIn is how soon the next checkpoint is due ("" when it is due
	// now); Late, that it is later than the checkpoint interval allows.
	DueIn string
	Late  bool
}

// auditProblem is what a check found wrong, in words.
type auditProblem struct {
	What      string // what happened: "an event was changed"
	Where     string // "at event 3, checkpoint 2"
	Reason    string // the check's explanation, as a sentence
	InRequest bool   // the event is one of the request's
}

// auditPanel checks the organization's audit chain (see auditChecks) and
// says what signs the request's events, oldest first.
func (c *Console) auditPanel(ctx context.Context, s *session, events []store.Event) auditPanel {
	look, err := c.audit.verify(ctx, c.proc, s.org, c.now())
	p := auditPanel{Look: look}
	if err != nil {
		c.log.WarnContext(ctx, "console: the audit chain could not be checked", "org", s.org, "err", err)
		p.Unchecked = true
		return p
	}
	if len(events) > 0 {
		p.First, p.Last = events[0].Seq, events[len(events)-1].Seq
	}
	if look.Problem != nil {
		p.Problem = describeProblem(look.Problem, events)
		return p
	}
	if !look.Signed {
		return p
	}
	for _, ev := range events {
		switch {
		case ev.Seq <= look.Covered:
			p.SignedTo = ev.Seq
		case p.PendingFrom == 0:
			p.PendingFrom = ev.Seq
		}
	}
	if p.SignedTo > 0 {
		st, err := c.proc.CheckpointCovering(ctx, p.SignedTo, look.Mark.Checkpoint.Seq)
		var problem *evidence.Error
		switch {
		case errors.As(err, &problem):
			c.audit.forget(s.org)
			p.Problem = describeProblem(problem, events)
			return p
		case err != nil:
			c.log.WarnContext(ctx, "console: the checkpoint that signs a request could not be read", "org", s.org, "err", err)
			newest := look.Mark.Checkpoint // it signs the request's events too
			p.SignedBy = &newest
		default:
			p.SignedBy = st
		}
	}
	if look.Covered < look.Mark.Event.Seq {
		p.UnsignedFrom = look.Covered + 1
		if d := look.UnsignedSince.Add(look.Interval).Sub(look.At); d > 0 {
			p.DueIn = shortSpan(d)
		}
		// A checkpoint follows every interval while the processor runs:
		// give it one more, and a minute, before calling it late.
		p.Late = look.At.Sub(look.UnsignedSince) > max(2*look.Interval, look.Interval+time.Minute)
	}
	return p
}

// describeProblem puts what a check found wrong in words.
func describeProblem(e *evidence.Error, events []store.Event) *auditProblem {
	p := &auditProblem{What: problemWords(e.Kind), Reason: sentence(e.Reason)}
	switch {
	case e.Seq > 0 && e.Checkpoint > 0:
		p.Where = fmt.Sprintf("at event %d, checkpoint %d", e.Seq, e.Checkpoint)
	case e.Seq > 0:
		p.Where = fmt.Sprintf("at event %d", e.Seq)
	case e.Checkpoint > 0:
		p.Where = fmt.Sprintf("at checkpoint %d", e.Checkpoint)
	}
	for _, ev := range events {
		if e.Seq > 0 && ev.Seq == e.Seq {
			p.InRequest = true
		}
	}
	return p
}

// problemWords says what a kind of problem means for the chain.
func problemWords(k evidence.Kind) string {
	switch k {
	case evidence.KindEdited:
		return "an event was changed"
	case evidence.KindMissing:
		return "an event is missing or out of order"
	case evidence.KindRewritten:
		return "the chain was changed and sealed again"
	case evidence.KindTail:
		return "events were deleted"
	case evidence.KindCheckpoints:
		return "a checkpoint is missing, out of order or altered"
	case evidence.KindSignature:
		return "a checkpoint is not signed with this processor's key"
	case evidence.KindUnsigned:
		return "no checkpoint signs the chain"
	}
	return string(k)
}

// sentence capitalizes s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
