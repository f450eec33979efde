package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"sync"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/demo"
	web "github.com/art28/art28/internal/http"
	"github.com/art28/art28/internal/jobs"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/outbox"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/webhook"
)

// Main is the running program: configuration, database, job runner and HTTP
// server. It is a type so that an end-to-end test can run the real wiring on
// port 0 with a temporary database.
type Main struct {
	Config *Config
	DB     *store.DB
	Jobs   *jobs.Runner
	Outbox *outbox.Outbox
	HTTP   *http.Server
	// FirstRunToken guards the first-run page while there is no user.
	FirstRunToken string

	ln     net.Listener
	log    *slog.Logger
	stdout io.Writer

	mailer     *mail.Sender
	stopOutbox context.CancelFunc
	outboxDone chan struct{}

	closeOnce sync.Once
	closeErr  error
	served    chan error
}

// NewMain returns a Main for cfg, logging to stderr.
func NewMain(cfg *Config, stdout, stderr io.Writer) *Main {
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(stderr, nil)
	}
	return &Main{Config: cfg, log: slog.New(h), stdout: stdout}
}

// Addr is the address the server listens on, once Run has returned.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Run opens the database, migrates it (SQLite always; PostgreSQL when asked,
// else it refuses a schema that is behind), loads the demo when asked,
// starts the job workers and the HTTP server, and returns.
func (m *Main) Run(ctx context.Context) (err error) {
	cfg := m.Config
	m.log.Info("starting art28", cfg.Redacted()...)
	start := time.Now()
	if m.DB, err = store.Open(ctx, cfg.DSN()); err != nil {
		return err
	}
	if m.DB.Dialect() == store.SQLite || cfg.Migrate {
		n, err := m.DB.Migrate(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			m.log.Info("applied migrations", "count", n)
		}
	}
	if err := m.DB.CheckSchema(ctx); err != nil {
		return fmt.Errorf("%s (or start with --migrate)", art28.ErrorMessage(err))
	}
	all := store.All(m.DB)
	if cfg.Demo {
		creds, err := demo.Load(ctx, all)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		demo.PrintCredentials(m.stdout, creds)
	}
	metrics := web.NewMetrics()
	metrics.Registry.MustRegister(store.NewPoolCollector(m.DB))

	m.Jobs = jobs.New(m.DB, jobs.Config{Workers: cfg.Workers, Logger: m.log, Registry: metrics.Registry})
	registerJobs(m.Jobs, all, cfg.Reminders)
	m.Jobs.Start(ctx)

	if n, err := m.DB.UserCount(ctx); err != nil {
		return err
	} else if n == 0 && !cfg.Demo {
		m.FirstRunToken = newToken()
	}
	srv := web.New(web.Services{
		Processor: all.Processor, Services: all.Services, Customers: all.Customers, Agreements: all.Agreements,
		Users: all.Users, APIKeys: all.APIKeys, Activities: all.Activities, Terms: all.Terms, Duties: all.Duties,
		Subprocessors: all.Subprocessors, Changes: all.Changes, Transfers: all.Transfers, Deliveries: all.Deliveries,
		Webhooks: all.Webhooks, Incidents: all.Incidents, Bulletins: all.Bulletins, Subscriptions: all.Subscriptions,
	}, web.Config{
		Logger: m.log, Ready: m.ready, SecureCookies: cfg.SecureCookies, SessionTTL: cfg.SessionTTL,
		FirstRunToken: m.FirstRunToken, Metrics: metrics, BaseURL: cfg.BaseURL,
	})
	m.HTTP = &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	if m.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return err
	}
	if err := m.startOutbox(); err != nil {
		return err
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.HTTP.Serve(m.ln) }()
	m.log.Info("art28 is ready", "url", "http://"+m.Addr(), "startup", time.Since(start).Round(time.Millisecond).String())
	if m.FirstRunToken != "" {
		fmt.Fprintf(m.stdout, "\nNo user exists yet. Create the first owner at:\n  http://%s/setup?token=%s\n(or run `art28 user create`)\n\n", m.Addr(), m.FirstRunToken)
	}
	return nil
}

// outboxWorkers is how many deliveries are in flight at once, each on its
// own SMTP connection: SMTP is a conversation of round trips, so a few in
// parallel keep both the database and the mail server busy (eight measured
// best on two cores; docs/performance.md).
const outboxWorkers = 8

// startOutbox starts delivering notices: email when an SMTP server is
// configured, webhooks always.
func (m *Main) startOutbox() error {
	cfg := m.Config
	base := cfg.BaseURL
	if base == "" {
		// Notices leave the process, so their links need a host: the one
		// art28 listens on, until --base-url says better.
		base = "http://" + m.Addr()
	}
	oc := outbox.Config{Webhooks: webhook.NewSender(webhook.Config{}), BaseURL: base, Logger: m.log, Workers: outboxWorkers}
	if u, err := url.Parse(base); err == nil {
		oc.MessageIDHost = u.Hostname()
	}
	if cfg.SMTPAddr != "" {
		from, err := netmail.ParseAddress(cfg.MailFrom)
		if err != nil {
			return fmt.Errorf("--mail-from: %w", err)
		}
		m.mailer, err = mail.NewSender(mail.Config{Addr: cfg.SMTPAddr, StartTLS: cfg.SMTPStartTLS, ImplicitTLS: cfg.SMTPTLS,
			Username: cfg.SMTPUser, Password: cfg.SMTPPassword, Conns: outboxWorkers}) // one per worker
		if err != nil {
			return fmt.Errorf("smtp: %w", err)
		}
		oc.Mail, oc.From = m.mailer, *from
	} else {
		m.log.Warn("no SMTP server configured (--smtp-addr): email notices wait in the outbox")
	}
	if m.DB.Dialect() == store.SQLite {
		n, err := m.DB.ReleaseLeases(context.Background())
		if err != nil {
			return err
		}
		if n > 0 {
			m.log.Warn("took up deliveries a stopped process had claimed; a message in flight then may be sent again",
				"deliveries", n)
		}
	}
	m.Outbox = outbox.New(m.DB, oc)
	ctx, cancel := context.WithCancel(context.Background())
	m.stopOutbox, m.outboxDone = cancel, make(chan struct{})
	go func() {
		defer close(m.outboxDone)
		m.Outbox.Run(ctx)
	}()
	return nil
}

// ready is /readyz: the database answers and its schema is current.
func (m *Main) ready(ctx context.Context) error {
	if err := m.DB.Ping(ctx); err != nil {
		return err
	}
	return m.DB.CheckSchema(ctx)
}

// Close shuts down in order: HTTP (finishing requests in flight), then the
// job workers (finishing jobs in flight), then the database. It is
// idempotent.
func (m *Main) Close(ctx context.Context) error {
	m.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		var errs []error
		if m.HTTP != nil {
			errs = append(errs, m.HTTP.Shutdown(ctx))
			if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
		if m.Jobs != nil {
			errs = append(errs, m.Jobs.Stop(ctx))
		}
		if m.stopOutbox != nil {
			// A delivery in flight finishes and is marked; the rest stay
			// leased and are taken up after the restart.
			m.stopOutbox()
			<-m.outboxDone
			if m.mailer != nil {
				errs = append(errs, m.mailer.Close())
			}
		}
		if m.DB != nil {
			errs = append(errs, m.DB.Close())
		}
		m.closeErr = errors.Join(errs...)
	})
	return m.closeErr
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
