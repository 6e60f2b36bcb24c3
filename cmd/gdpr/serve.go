package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdprkit/gdpr/adapter"
	"github.com/gdprkit/gdpr/adapter/memadapter"
	"github.com/gdprkit/gdpr/console"
	"github.com/gdprkit/gdpr/internal/adapterconfig"
	"github.com/gdprkit/gdpr/internal/demo"
	"github.com/gdprkit/gdpr/processor"
	"github.com/gdprkit/gdpr/server"
	"github.com/gdprkit/gdpr/store"
	"github.com/gdprkit/gdpr/store/memstore"
	"github.com/gdprkit/gdpr/store/sqlstore"
)

// serveConfig is what gdpr serve runs with.
type serveConfig struct {
	addr, clients, publicURL, region, keyHex, logLevel string
	data, sqlAdapters                                  string // adapters: memory data sets, SQL config
	store, dbPath, postgresDSN                         string // the request store
	demoData, console                                  bool
	rate                                               float64
	burst, workers                                     int
	minimizeAfter                                      time.Duration // 0: never
	minimizeKeyHex                                     string
	proxies                                            server.Proxies
	evidenceKey, evidenceRetiredKeys, checkpointSink   string // serve_evidence.go
	timeouts                                           httpTimeouts
	metricsAddr, logFormat                             string // metrics.go, logformat.go
	readOnly                                           bool   // open adapters for reading only (inventory)
}

// env returns the environment variable's value, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveConfig) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("gdpr serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address (GDPR_ADDR)")
	fs.StringVar(&c.clients, "clients", "", "OAuth clients file, secrets hashed with 'gdpr hash-secret' (GDPR_CLIENTS); required")
	fs.StringVar(&c.data, "data", "", "comma-separated data set JSON files, one memory adapter each, named after the file (GDPR_DATA)")
	fs.StringVar(&c.sqlAdapters, "adapters", "", "adapters file (YAML): SQL databases with their data maps (package sqladapter) and remote services (package httpadapter) (GDPR_ADAPTERS)")
	fs.BoolVar(&c.demoData, "demo", false, "serve the demo data set (GDPR_DEMO=true)")
	fs.BoolVar(&c.console, "console", true, "serve the privacy console at /console/, where officers sign in with the clients of --clients; --console=false turns it off (GDPR_CONSOLE)")
	fs.StringVar(&c.store, "store", "sqlite", "request store: sqlite (one process), postgres (several replicas) or memory (lost on exit) (GDPR_STORE)")
	fs.StringVar(&c.dbPath, "db", "gdpr.db", "SQLite database file of --store sqlite (GDPR_DB)")
	fs.StringVar(&c.postgresDSN, "postgres", "", "PostgreSQL DSN of --store postgres, e.g. postgres://user@host/db (GDPR_POSTGRES_DSN)")
	fs.StringVar(&c.publicURL, "public-url", "", "base URL clients reach the server at, for resultsUrl (GDPR_PUBLIC_URL)")
	fs.StringVar(&c.region, "region", "", "region for phone numbers without a country code, e.g. GB (GDPR_REGION)")
	fs.StringVar(&c.keyHex, "signing-key", "", "hex key of 32+ bytes signing tokens and results URLs; random if empty (GDPR_SIGNING_KEY)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error (GDPR_LOG_LEVEL)")
	fs.StringVar(&c.logFormat, "log-format", "text", "text, or json for one JSON object a line (GDPR_LOG_FORMAT)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address, apart from the API, e.g. 127.0.0.1:9090; off when empty (GDPR_METRICS_ADDR)")
	fs.Float64Var(&c.rate, "rate", server.DefaultRate, "requests per second per organization, 0 for no limit (GDPR_RATE)")
	fs.IntVar(&c.burst, "burst", server.DefaultBurst, "requests at once per organization (GDPR_BURST)")
	fs.IntVar(&c.workers, "workers", processor.DefaultWorkers, "requests processed at once (GDPR_WORKERS)")
	fs.DurationVar(&c.minimizeAfter, "minimize-after", defaultMinimizeAfter, "replace a finished request's personal data by keyed hashes, and delete its export archive, this long after it finished; 0 never (GDPR_MINIMIZE_AFTER)")
	fs.Func("trusted-proxies", "comma-separated IP addresses or CIDR prefixes of the load balancers in front, whose X-Forwarded-For tells the client's address to the per-address limits of the API and the console's sign-in (GDPR_TRUSTED_PROXIES)", func(v string) error {
		p, err := server.ParseProxies(strings.Split(v, ",")...)
		c.proxies = p
		return err
	})
	evidenceFlags(fs, c)
	timeoutFlags(fs, &c.timeouts)
	fs.StringVar(&c.minimizeKeyHex, "minimize-key", "", "hex key of 32+ bytes for the keyed hashes of minimization; derived from --signing-key if empty, random if both are (GDPR_MINIMIZE_KEY)")
	return fs, c
}

// cmdServe runs gdpr serve until ctx ends (SIGINT or SIGTERM): it stops
// accepting, drains the HTTP requests in flight, then stops the workers,
// which release what they hold for the next start.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, c := serveFlags(stderr)
	if err := applyEnv(fs); err != nil {
		fmt.Fprintf(stderr, "gdpr serve: %v\n", err)
		return 2
	}
	pos, code, ok := parseFlags(fs, args, stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "gdpr serve: unexpected arguments %q; everything is a flag (gdpr serve -h)\n", pos)
		return exitUsage
	}
	log, err := newLogFormat(stderr, c.logLevel, c.logFormat)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr serve: %v\n", err)
		return exitUsage
	}
	if err := serve(ctx, c, log, nil); err != nil {
		fmt.Fprintf(stderr, "gdpr serve: %v\n", err)
		return exitCode(ctx, err)
	}
	return exitOK
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// serve runs the server; ready, when set, receives the listening address.
func serve(ctx context.Context, c *serveConfig, log *slog.Logger, ready chan<- string) error {
	if c.clients == "" {
		return errors.New("--clients is required: a JSON file of OAuth clients (see 'gdpr hash-secret')")
	}
	if err := c.timeouts.check(); err != nil {
		return err
	}
	clients, err := loadClients(c.clients, server.WithClientsLogger(log))
	if err != nil {
		return err
	}
	guard, err := server.NewGuard() // one lockout for the token endpoint and the console
	if err != nil {
		return err
	}
	opts := []server.Option{server.WithLogger(log), server.WithRate(c.rate, c.burst), server.WithTrustedProxies(c.proxies), server.WithGuard(guard)}
	copts := []console.Option{console.WithLogger(log), console.WithTrustedProxies(c.proxies), console.WithGuard(guard)}
	if c.keyHex != "" {
		key, err := hex.DecodeString(c.keyHex)
		if err != nil {
			return errNotHex("--signing-key", "GDPR_SIGNING_KEY")
		}
		opts = append(opts, server.WithSigningKey(key))
		copts = append(copts, console.WithDSRKey(deriveKey(key, "gdprkit console dsr id key")))
	}
	if c.publicURL != "" {
		opts = append(opts, server.WithPublicURL(c.publicURL))
	}

	adapters, place, closeAdapters, err := loadAdapters(ctx, c, log)
	if err != nil {
		return err
	}
	defer closeAdapters()
	if c.demoData {
		place = demoPlacement(place, clients.Organizations())
	}
	adapters, own, err := placeAdapters(adapters, place, clients.Organizations())
	if err != nil {
		return err
	}
	store, closeStore, err := openStore(ctx, c, sqlstore.WithLogger(log))
	if err != nil {
		return err
	}
	defer closeStore()
	ms, err := setupMetrics(c, store, log)
	if err != nil {
		return err
	}
	defer ms.run(ctx, log)()
	opts = append(opts, ms.srv...)
	popts := []processor.Option{
		processor.WithPolicy(processor.CurrentEmployees{}),
		processor.WithPhoneRegion(c.region),
		processor.WithWorkers(c.workers),
		processor.WithLogger(log),
		processor.WithCorrelation(server.CorrelationID),
	}
	if eo, err := evidenceOptions(ctx, c, store, log); err != nil {
		return err
	} else {
		popts = append(popts, eo...)
	}
	if mo, err := minimization(c, log); err != nil {
		return err
	} else if mo != nil {
		popts = append(popts, mo)
	}
	for org, as := range own {
		popts = append(popts, processor.WithOrganizationAdapters(org, as...))
	}
	p, err := processor.New(store, adapters, append(popts, ms.proc...)...)
	if err != nil {
		return err
	}
	h, err := server.New(p, clients, opts...)
	if err != nil {
		return err
	}
	var handler http.Handler = h
	if c.console {
		if strings.HasPrefix(c.publicURL, "https://") {
			copts = append(copts, console.WithSecureCookies())
		}
		copts = append(copts, console.WithRateBudget(h)) // the console runs at the organizations' API rate
		con, err := console.New(p, clients, copts...)
		if err != nil {
			return err
		}
		handler = console.Mount(h, con)
		log.Info("serving the privacy console", "path", console.Path)
	}
	handler = withReadiness(handler, store)
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	warnPublicURL(log, c.publicURL, ln.Addr())
	return runServer(ctx, ln, c.timeouts.apply(&http.Server{Handler: handler}), p, log, ready)
}

// runServer serves srv on ln and runs p's workers until ctx ends, then shuts down
// in order: HTTP first (drained), then the workers.
func runServer(ctx context.Context, ln net.Listener, srv *http.Server, p *processor.Processor, log *slog.Logger, ready chan<- string) error {
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	workDone := make(chan struct{})
	var workErr error
	go func() { workErr = p.Run(workCtx); close(workDone) }()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("serving the GDPR API", "addr", ln.Addr().String(), "adapters", strings.Join(p.Adapters(), ","))
	if ready != nil {
		ready <- ln.Addr().String()
	}
	drain := func() error {
		log.Info("shutting down: draining HTTP requests")
		shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return srv.Shutdown(shutCtx)
	}
	var err error
	select {
	case err = <-serveErr:
	case <-ctx.Done():
		err = drain()
	case <-workDone:
		// The workers refused to start (an evidence key that cannot
		// continue the chains): accepting requests nobody processes
		// would be worse than stopping.
		err = drain()
	}
	log.Info("stopping workers")
	stopWork()
	<-workDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, workErr)
}

// openStore opens the request store --store names, with opts.
func openStore(ctx context.Context, c *serveConfig, opts ...sqlstore.Option) (store.Store, func(), error) {
	switch c.store {
	case "memory":
		return memstore.New(), func() {}, nil
	case "sqlite":
		s, err := sqlstore.OpenSQLite(ctx, c.dbPath, opts...)
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	case "postgres":
		if c.postgresDSN == "" {
			return nil, nil, errors.New("--store postgres needs --postgres DSN (GDPR_POSTGRES_DSN)")
		}
		s, err := sqlstore.OpenPostgres(ctx, c.postgresDSN, opts...)
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	}
	return nil, nil, fmt.Errorf("--store %q is not known; use sqlite, postgres or memory", c.store)
}

// loadAdapters builds the adapters of --demo, --data and --adapters, how
// the adapters file places them among organizations, and a function that
// closes what they opened.
func loadAdapters(ctx context.Context, c *serveConfig, log *slog.Logger) ([]adapter.Adapter, placement, func(), error) {
	var as []adapter.Adapter
	place := placement(func(string) adapterconfig.Tenancy { return adapterconfig.Tenancy{} })
	closers := []io.Closer{}
	closeAll := func() {
		for _, cl := range closers {
			cl.Close()
		}
	}
	opts := []memadapter.Option{memadapter.WithPhoneRegion(c.region)}
	if c.demoData {
		mems, err := demo.Adapters(opts...)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, a := range mems {
			as = append(as, a)
		}
		nw, err := demo.NorthwindAdapter(opts...)
		if err != nil {
			return nil, nil, nil, err
		}
		as = append(as, nw)
	}
	for _, path := range strings.Split(c.data, ",") {
		if path = strings.TrimSpace(path); path == "" {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		a, err := loadDataFile(name, path, opts)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--data %s: %w", path, err)
		}
		as = append(as, a)
	}
	if c.sqlAdapters != "" {
		f, err := adapterconfig.Read(c.sqlAdapters)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--adapters: %w", err)
		}
		f.ReadOnly = c.readOnly
		configured, closer, err := f.Open(ctx, log)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--adapters: %s: %w", c.sqlAdapters, err)
		}
		place = f.Tenancy
		closers = append(closers, closer)
		as = append(as, configured...)
	}
	if len(as) == 0 {
		closeAll()
		return nil, nil, nil, errors.New("no data to serve: give --demo, --data FILE[,FILE...] or --adapters FILE")
	}
	return as, place, closeAll, nil
}

// cmdHashSecret prints the hash of the secret read from stdin, for a
// clients file.
func cmdHashSecret(stdin io.Reader, stdout, stderr io.Writer) int {
	b, err := io.ReadAll(io.LimitReader(stdin, 4096))
	if err != nil {
		fmt.Fprintf(stderr, "gdpr hash-secret: %v\n", err)
		return 1
	}
	secret := strings.TrimRight(string(b), "\r\n")
	if len(secret) < 16 {
		fmt.Fprintln(stderr, "gdpr hash-secret: give a secret of 16 characters or more on standard input")
		return 2
	}
	h, err := server.HashSecret(secret)
	if err != nil {
		fmt.Fprintf(stderr, "gdpr hash-secret: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, h)
	return 0
}
