package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Config is art28's configuration: flags, then environment variables, then
// defaults. It is validated at start and logged with secrets redacted.
type Config struct {
	Data          string        // folder of the embedded SQLite database
	Addr          string        // listen address
	DatabaseURL   string        // postgres://… switches to PostgreSQL
	Demo          bool          // load the demo data set
	Migrate       bool          // on PostgreSQL, migrate at start instead of refusing a schema behind
	SecureCookies bool          // mark cookies Secure
	SessionTTL    time.Duration // how long a sign-in lasts
	Workers       int           // job workers
	LogFormat     string        // text or json
	Reminders     art28.Reminders

	// Delivery of notices.
	BaseURL      string // where art28 is reached, for links in notices
	SMTPAddr     string // host:port; empty: email waits in the outbox
	SMTPStartTLS string // off, opportunistic or required
	SMTPTLS      bool   // implicit TLS (port 465)
	SMTPUser     string
	SMTPPassword string
	MailFrom     string // the From of notices: "Privacy <privacy@example.com>"
}

// parseConfig reads flags from args and the environment through getenv.
func parseConfig(name string, args []string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	envBool := func(key string, def bool) bool {
		v, err := strconv.ParseBool(getenv(key))
		if err != nil {
			return def
		}
		return v
	}
	fs.StringVar(&c.Data, "data", env("ART28_DATA", "./art28-data"), "data folder for the embedded SQLite database (ART28_DATA)")
	fs.StringVar(&c.Addr, "addr", env("ART28_ADDR", "127.0.0.1:8080"), "listen address (ART28_ADDR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("ART28_DATABASE_URL", ""), "postgres:// URL; empty for the embedded SQLite (ART28_DATABASE_URL)")
	fs.BoolVar(&c.Demo, "demo", envBool("ART28_DEMO", false), "load the demo data set into an empty database (ART28_DEMO)")
	fs.BoolVar(&c.Migrate, "migrate", envBool("ART28_MIGRATE", false), "on PostgreSQL, apply migrations at start (ART28_MIGRATE)")
	secure := fs.String("secure-cookies", env("ART28_SECURE_COOKIES", "auto"), "mark cookies Secure: true, false, or auto (true unless listening on loopback) (ART28_SECURE_COOKIES)")
	fs.DurationVar(&c.SessionTTL, "session-ttl", envDuration(getenv("ART28_SESSION_TTL"), 12*time.Hour), "how long a sign-in lasts (ART28_SESSION_TTL)")
	fs.IntVar(&c.Workers, "workers", envInt(getenv("ART28_WORKERS"), 2), "background job workers (ART28_WORKERS)")
	fs.StringVar(&c.LogFormat, "log-format", env("ART28_LOG_FORMAT", "text"), "log format: text or json (ART28_LOG_FORMAT)")
	reminders := fs.String("duty-reminders", env("ART28_DUTY_REMINDERS", "50%,90%,100%"), "remind of an open duty at these shares of its period; 100% is the deadline (ART28_DUTY_REMINDERS)")
	fs.DurationVar(&c.Reminders.Escalate, "duty-escalation", envDuration(getenv("ART28_DUTY_ESCALATION"), 24*time.Hour), "escalate an overdue duty this often; 0 for never (ART28_DUTY_ESCALATION)")
	fs.StringVar(&c.BaseURL, "base-url", env("ART28_BASE_URL", ""), "the URL people reach art28 at, for links in notices and feeds; default http:// and the listen address (ART28_BASE_URL)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("ART28_SMTP_ADDR", ""), "SMTP server host:port for notices; empty keeps email in the outbox (ART28_SMTP_ADDR)")
	fs.StringVar(&c.SMTPStartTLS, "smtp-starttls", env("ART28_SMTP_STARTTLS", "required"), "STARTTLS: off, opportunistic or required (ART28_SMTP_STARTTLS)")
	fs.BoolVar(&c.SMTPTLS, "smtp-tls", envBool("ART28_SMTP_TLS", false), "TLS from the first byte, as on port 465 (ART28_SMTP_TLS)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("ART28_SMTP_USER", ""), "SMTP user for AUTH PLAIN (ART28_SMTP_USER)")
	c.SMTPPassword = getenv("ART28_SMTP_PASSWORD") // from the environment only: flags show in process lists
	fs.StringVar(&c.MailFrom, "mail-from", env("ART28_MAIL_FROM", ""), "From address of notices, e.g. \"Privacy <privacy@example.com>\" (ART28_MAIL_FROM)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var errs []error
	switch *secure {
	case "auto":
		c.SecureCookies = !isLoopback(c.Addr)
	default:
		v, err := strconv.ParseBool(*secure)
		if err != nil {
			errs = append(errs, fmt.Errorf("--secure-cookies: %q is not true, false or auto", *secure))
		}
		c.SecureCookies = v
	}
	if at, err := parseShares(*reminders); err != nil {
		errs = append(errs, fmt.Errorf("--duty-reminders: %v", err))
	} else {
		c.Reminders.At = at
	}
	if c.Reminders.Escalate < 0 || (c.Reminders.Escalate > 0 && c.Reminders.Escalate < time.Minute) {
		errs = append(errs, errors.New("--duty-escalation: must be 0 or at least 1m"))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr: %q is not host:port", c.Addr))
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			errs = append(errs, errors.New("--database-url: must be a postgres://user:password@host/db URL"))
		}
	} else if c.Data == "" {
		errs = append(errs, errors.New("--data: must name a folder"))
	}
	if c.SessionTTL < time.Minute || c.SessionTTL > 30*24*time.Hour {
		errs = append(errs, errors.New("--session-ttl: must be between 1m and 720h"))
	}
	if c.Workers < 1 || c.Workers > 64 {
		errs = append(errs, errors.New("--workers: must be between 1 and 64"))
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("--base-url: must be an http:// or https:// URL"))
		}
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("--smtp-addr: %q is not host:port", c.SMTPAddr))
		}
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			errs = append(errs, errors.New("--mail-from: must be an address such as \"Privacy <privacy@example.com>\" when --smtp-addr is set"))
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, errors.New("--log-format: must be text or json"))
	}
	return c, errors.Join(errs...)
}

// DSN is what the store opens: the PostgreSQL URL or the SQLite file.
func (c *Config) DSN() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.Data, "art28.db")
}

// Redacted lists the configuration for the log, without the database
// password.
func (c *Config) Redacted() []any {
	db := "sqlite:" + c.DSN()
	if c.DatabaseURL != "" {
		db = redactURL(c.DatabaseURL)
	}
	return []any{"addr", c.Addr, "database", db, "demo", c.Demo, "secure_cookies", c.SecureCookies,
		"session_ttl", c.SessionTTL.String(), "workers", c.Workers, "duty_reminders", c.Reminders.At,
		"duty_escalation", c.Reminders.Escalate.String(), "base_url", c.BaseURL, "smtp_addr", c.SMTPAddr,
		"smtp_starttls", c.SMTPStartTLS, "smtp_user", c.SMTPUser, "smtp_password_set", c.SMTPPassword != "", "mail_from", c.MailFrom}
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func envDuration(s string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(s); err == nil {
		return d
	}
	return def
}

func envInt(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// getenv is os.Getenv, replaceable in tests.
var getenv = os.Getenv

// parseShares reads "50%,90%,100%" as fractions of a period.
func parseShares(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseFloat(strings.TrimSuffix(part, "%"), 64)
		if err != nil || !strings.HasSuffix(part, "%") || n <= 0 || n > 100 {
			return nil, fmt.Errorf("%q is not a share of the period between 1%% and 100%%", part)
		}
		out = append(out, n/100)
	}
	return out, nil
}
