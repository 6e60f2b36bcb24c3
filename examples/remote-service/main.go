// Command remote-service is a billing service that holds its own
// customers and invoices and takes part in the data subject requests of a
// gdpr serve running elsewhere: it serves its data store over the remote
// adapter protocol (package httpadapter) beside its own routes.
//
//	GDPR_REMOTE_SECRET=$(openssl rand -hex 24) go run ./examples/remote-service
//
// Then list it in the --adapters file of gdpr serve (adapters.yaml here)
// with the same secret; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gdprkit/gdpr/adapter/httpadapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
)

// billing is the service's own data, in the shape memadapter loads. Sam
// Rivera, a current employee who approves invoices, is also in the demo
// data of gdpr serve --demo, under the same email.
const billing = `{
  "people": [
    {"key": "acct-1001", "kind": "externalContact", "externalContactId": "bill-acct-1001",
     "name": "Robin Vale", "emails": ["robin.vale@example.com"], "phones": ["+44 20 7946 0999"],
     "addresses": ["4 Mill Lane, Bristol BS1 4DJ"], "attributes": {"plan": "annual"}},
    {"key": "acct-1002", "kind": "externalContact", "externalContactId": "bill-acct-1002",
     "name": "Lena Fischer", "emails": ["lena.fischer@bücher.example"], "phones": ["+49 30 5550 1234"]},
    {"key": "emp-7", "kind": "user", "userId": "u-billing-7", "name": "Sam Rivera",
     "emails": ["sam.rivera@example.com"], "employment": "current"}
  ],
  "records": [
    {"id": "inv-5001", "kind": "invoice", "person": "acct-1001", "fields": {"total": 120, "currency": "GBP", "billTo": "4 Mill Lane, Bristol BS1 4DJ"}},
    {"id": "inv-5002", "kind": "invoice", "person": "acct-1001", "fields": {"total": 120, "currency": "GBP", "billTo": "4 Mill Lane, Bristol BS1 4DJ"}},
    {"id": "card-1002", "kind": "paymentCard", "person": "acct-1002", "fields": {"last4": "4242", "expires": "2027-09"}},
    {"id": "approval-77", "kind": "approval", "person": "emp-7", "fields": {"invoice": "inv-5002", "approvedAt": "2026-01-12"}}
  ]
}`

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "listen address")
	t := defaultTimeouts()
	flag.DurationVar(&t.read, "read-timeout", t.read, "longest time to read a whole call, body included (GDPR_REMOTE_READ_TIMEOUT)")
	flag.DurationVar(&t.write, "write-timeout", t.write, "longest time to write an answer, a whole export stream included (GDPR_REMOTE_WRITE_TIMEOUT)")
	flag.DurationVar(&t.idle, "idle-timeout", t.idle, "how long a keep-alive connection may wait for its next call (GDPR_REMOTE_IDLE_TIMEOUT)")
	flag.Parse()
	for name, d := range map[string]*time.Duration{"GDPR_REMOTE_READ_TIMEOUT": &t.read, "GDPR_REMOTE_WRITE_TIMEOUT": &t.write, "GDPR_REMOTE_IDLE_TIMEOUT": &t.idle} {
		if v, ok := os.LookupEnv(name); ok {
			var err error
			if *d, err = time.ParseDuration(v); err != nil || *d < 0 {
				log.Fatalf("%s=%q is not a duration such as 30s", name, v)
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	secret := os.Getenv("GDPR_REMOTE_SECRET")
	if len(secret) < httpadapter.MinSecretLen {
		log.Fatalf("set GDPR_REMOTE_SECRET to a random secret of %d characters or more, the one gdpr serve has", httpadapter.MinSecretLen)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	logger.Info("billing service: the GDPR protocol is at http://" + ln.Addr().String() + "/gdpr")
	if err := run(ctx, ln, secret, logger, t); err != nil {
		log.Fatal(err)
	}
}

// timeouts are the service's HTTP timeouts: the handler checks a call's
// signature before it reads the body, and these cut a caller that
// trickles its call or leaves its connection idle.
type timeouts struct{ read, write, idle time.Duration }

// defaultTimeouts: calls are small (4 MiB at most) and answers are
// streamed within the processor's own timeout (30s by default).
func defaultTimeouts() timeouts {
	return timeouts{read: 30 * time.Second, write: 5 * time.Minute, idle: 2 * time.Minute}
}

// run serves the billing service on ln until ctx ends.
func run(ctx context.Context, ln net.Listener, secret string, logger *slog.Logger, t timeouts) error {
	h, err := newService(secret, logger)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: t.read, WriteTimeout: t.write, IdleTimeout: t.idle}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newService returns the service's routes: its own, and the GDPR protocol
// over its data store under /gdpr/.
func newService(secret string, logger *slog.Logger) (http.Handler, error) {
	store, err := memadapter.New("billing")
	if err != nil {
		return nil, err
	}
	if err := store.LoadJSON(strings.NewReader(billing)); err != nil {
		return nil, err
	}
	gdprRoutes, err := httpadapter.Handler(store, secret, httpadapter.WithHandlerLogger(logger))
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /billing/health", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "ok: %d accounts\n", store.Len())
	})
	mux.Handle("/gdpr/", gdprRoutes) // the one line that makes the service take part
	return mux, nil
}
