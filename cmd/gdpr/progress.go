package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/processor"
)

// progress shows where a request stands while the command waits for it.
// On a terminal it keeps one line up to date (elapsed time, status, each
// step's state), refreshed every second even while the server is slow
// to answer; elsewhere it prints a plain line each time something
// changes. Its methods are safe for concurrent use; stop ends the
// refresh.
type progress struct {
	w     io.Writer
	tty   bool
	width int
	now   func() time.Time
	start time.Time

	mu      sync.Mutex
	id      string // the request's id; "" while it is being created
	label   string // what the line is about when not one request ("DSR …")
	text    string // the line without the elapsed time
	printed string // the last plain line printed
	quit    chan struct{}
	done    chan struct{}
}

// newProgress shows progress on w; a terminal gets one updating line.
// An id "" stands for a request the server is still creating (see
// created).
func newProgress(w io.Writer, id string) *progress {
	return startProgress(&progress{w: w, id: id})
}

// newLabelProgress shows the progress of what label names (several
// requests) on w, starting with text; update it with setText.
func newLabelProgress(w io.Writer, label, text string) *progress {
	return startProgress(&progress{w: w, label: label, text: text})
}

// startProgress shows p's first line at once, before the server answered
// anything, and on a terminal starts the refresh.
func startProgress(p *progress) *progress {
	p.now = time.Now
	if p.text == "" {
		p.text = "waiting for the server"
	}
	p.start = p.now()
	if f, ok := p.w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			p.width = width
		}
	}
	p.show()
	if p.tty {
		p.quit, p.done = make(chan struct{}), make(chan struct{})
		go p.tick()
	}
	return p
}

// tick redraws the line every second, so the elapsed time moves while a
// poll waits on a slow server.
func (p *progress) tick() {
	defer close(p.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			p.mu.Lock()
			p.show()
			p.mu.Unlock()
		}
	}
}

// update shows r, a new read of the request.
func (p *progress) update(r *gdpr.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.text = requestLine(r)
	p.show()
}

// setText shows text as the state of what p follows.
func (p *progress) setText(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.text = text
	p.show()
}

// created names the request r the server created while p waited, saying
// so on a line of its own.
func (p *progress) created(r *gdpr.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.id = r.ID
	msg := fmt.Sprintf("created request %s (%s)", r.ID, r.Status)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", msg)
	} else {
		fmt.Fprintln(p.w, msg)
	}
	p.show()
}

// stop ends the updating line, leaving its last state on screen.
func (p *progress) stop() {
	if p.quit == nil {
		return
	}
	close(p.quit)
	<-p.done
	p.quit = nil
	fmt.Fprintln(p.w)
}

// show prints the current state; p.mu is held (or p not yet shared).
func (p *progress) show() {
	elapsed := p.now().Sub(p.start).Truncate(time.Second)
	line := fmt.Sprintf("%s: %s", p.about(), p.text)
	if !p.tty {
		if line != p.printed {
			p.printed = line
			fmt.Fprintf(p.w, "[%s] %s\n", elapsed, line)
		}
		return
	}
	line = fmt.Sprintf("[%s] %s", elapsed, line)
	if p.width > 1 && len([]rune(line)) >= p.width {
		line = string([]rune(line)[:p.width-2]) + "…"
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

// about names what the line is about.
func (p *progress) about() string {
	switch {
	case p.label != "":
		return p.label
	case p.id == "":
		return "new request"
	}
	return "request " + p.id
}

// requestLine is the status of r and the state of each step: done,
// retrying (with the attempt and the error), or pending.
func requestLine(r *gdpr.Request) string {
	parts := []string{string(r.Status)}
	for _, s := range r.Steps {
		parts = append(parts, s.Adapter+" "+stepState(s))
	}
	return strings.Join(parts, ", ")
}

func stepState(s gdpr.Step) string {
	switch {
	case s.State == gdpr.StepDone:
		return "done"
	case s.State == processor.StepWaiting:
		return fmt.Sprintf("waiting on a remote (%s)", count(len(s.WaitingOn), "request"))
	case s.State == gdpr.StepFailed || s.Error != "":
		return fmt.Sprintf("retrying (attempt %d failed: %s)", s.Attempts, s.Error)
	case s.Attempts > 0:
		return "waiting"
	}
	return "pending"
}
