package mail

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// StartTLS policies.
const (
	StartTLSOff           = "off"           // never upgrade; for a relay on the same host
	StartTLSOpportunistic = "opportunistic" // upgrade when the server offers it
	StartTLSRequired      = "required"      // refuse to send unless the session is upgraded
)

// Config is how to reach the SMTP server that relays the notices.
type Config struct {
	Addr string // host:port

	// StartTLS is "off", "opportunistic" or "required"; empty means
	// "required", or "off" with ImplicitTLS. Opportunistic still fails when
	// the server offers STARTTLS and the upgrade fails: falling back to
	// plain text then would let anyone on the path strip TLS.
	StartTLS string
	// ImplicitTLS connects with TLS from the first byte (port 465).
	ImplicitTLS bool

	// Username and Password, when set, authenticate with AUTH PLAIN. The
	// password is only ever sent over TLS, or to a server on loopback.
	Username, Password string

	// TLS, when set, is used for STARTTLS and implicit TLS (tests set
	// RootCAs). ServerName defaults to the host of Addr.
	TLS *tls.Config

	HELO        string        // the name given in EHLO; default "localhost"
	Timeout     time.Duration // for connecting, and for each message; default 30s
	IdleTimeout time.Duration // a connection idle this long is replaced; default 30s
	Conns       int           // connections kept open; default 2

	Now func() time.Time // the clock for the Date field; default time.Now
}

// Validate names the first bad field.
func (c Config) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if c.Addr == "" {
		return art28.FieldError("Addr", "is required (host:port)")
	}
	if err != nil || host == "" {
		return art28.FieldError("Addr", "%q is not host:port", c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return art28.FieldError("Addr", "%q has no valid port", c.Addr)
	}
	switch c.StartTLS {
	case "", StartTLSOff, StartTLSOpportunistic, StartTLSRequired:
	default:
		return art28.FieldError("StartTLS", "%q is not one of off, opportunistic, required", c.StartTLS)
	}
	if c.ImplicitTLS && c.StartTLS != "" && c.StartTLS != StartTLSOff {
		return art28.FieldError("StartTLS", "must be off or empty with ImplicitTLS: the connection is already encrypted")
	}
	if (c.Username == "") != (c.Password == "") {
		return art28.FieldError("Password", "Username and Password are set together or not at all")
	}
	if c.Password != "" && !c.ImplicitTLS && c.StartTLS == StartTLSOff && !isLoopback(host) {
		return art28.FieldError("Password", "would be sent unencrypted to %s; use StartTLS or ImplicitTLS", host)
	}
	if strings.ContainsAny(c.HELO, " \t\r\n") {
		return art28.FieldError("HELO", "%q must be a single host name", c.HELO)
	}
	if c.Timeout < 0 {
		return art28.FieldError("Timeout", "must not be negative")
	}
	if c.IdleTimeout < 0 {
		return art28.FieldError("IdleTimeout", "must not be negative")
	}
	if c.Conns < 0 {
		return art28.FieldError("Conns", "must not be negative")
	}
	return nil
}

// withDefaults returns c with its zero fields filled in.
func (c Config) withDefaults() Config {
	if c.StartTLS == "" {
		c.StartTLS = StartTLSRequired
		if c.ImplicitTLS {
			c.StartTLS = StartTLSOff
		}
	}
	if c.HELO == "" {
		c.HELO = "localhost"
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 30 * time.Second
	}
	if c.Conns == 0 {
		c.Conns = 2
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// tlsConfig is the client TLS configuration for host.
func (c Config) tlsConfig(host string) *tls.Config {
	t := &tls.Config{}
	if c.TLS != nil {
		t = c.TLS.Clone()
	}
	if t.ServerName == "" {
		t.ServerName = host
	}
	if t.MinVersion == 0 {
		t.MinVersion = tls.VersionTLS12
	}
	return t
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
