package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"slices"
	"sync/atomic"
	"time"
)

// Sender delivers messages over a few SMTP connections that it keeps open
// between messages: a burst of notices to thousands of customers then costs
// one transaction each, not one TCP and TLS handshake each. It is safe for
// concurrent use; at most Config.Conns messages are in flight at once.
//
// Idle connections are not watched in the background: one found idle past
// IdleTimeout, or dropped by the server meanwhile, is replaced when the
// next message needs it.
type Sender struct {
	cfg    Config
	host   string
	slots  chan *conn // Conns entries; nil is a slot with no connection yet
	closed atomic.Bool
}

// conn is one SMTP connection and what the Sender knows about its state.
type conn struct {
	*smtp.Client
	nc    net.Conn
	used  time.Time
	dirty bool // a transaction was started and not completed: RSET first
}

// NewSender validates cfg and returns a Sender. It connects on first use.
func NewSender(cfg Config) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	host, _, _ := net.SplitHostPort(cfg.Addr)
	s := &Sender{cfg: cfg, host: host, slots: make(chan *conn, cfg.Conns)}
	for range cfg.Conns {
		s.slots <- nil
	}
	return s, nil
}

// Send delivers m, waiting for a free connection if all are busy. The
// context bounds the wait and the delivery; so does Config.Timeout. Use
// IsPermanent on the error to decide between retrying and giving up.
//
// An error after the message body was sent may still mean the server has
// the message (the reply was lost); a retry then delivers it twice, which
// the stable MessageID lets the recipient recognise.
func (s *Sender) Send(ctx context.Context, m *Message) error {
	if s.closed.Load() {
		return ErrClosed
	}
	msg, err := m.Bytes(s.cfg.Now())
	if err != nil {
		return opError("message", err)
	}
	var c *conn
	select {
	case c = <-s.slots:
	case <-ctx.Done():
		return opError("connect", ctx.Err())
	}
	defer func() { s.slots <- c }()
	if s.closed.Load() {
		return ErrClosed
	}

	if c != nil && time.Since(c.used) > s.cfg.IdleTimeout {
		c.quit(s.cfg.Timeout)
		c = nil
	}
	if c != nil {
		stale, err := s.transact(ctx, c, m, msg, true)
		if !stale {
			if c.Client == nil {
				c = nil
			}
			return err
		}
		// The server closed the connection while it sat idle; nothing of
		// this message reached it, so a fresh connection can start over.
		c = nil
	}
	if c, err = s.dial(ctx); err != nil {
		return err
	}
	_, err = s.transact(ctx, c, m, msg, false)
	if c.Client == nil {
		c = nil
	}
	return err
}

// transact runs one mail transaction on c. stale reports that c was reused
// and failed at its first command, before the server could have accepted
// anything. When c cannot be used again, transact closes it and sets
// c.Client to nil.
func (s *Sender) transact(ctx context.Context, c *conn, m *Message, msg []byte, reused bool) (stale bool, err error) {
	first := reused
	op := "MAIL"
	stop := c.watch(ctx, s.cfg.Timeout)
	defer func() {
		cancelled := !stop()
		if err == nil {
			c.dirty = false
			c.used = time.Now()
		}
		if err != nil {
			stale = first && broken(err)
			if ctx.Err() != nil {
				err = fmt.Errorf("%w: %w", ctx.Err(), err)
			}
			err = opError(op, err)
		}
		// After a cancellation the deadline may be reset under us at any
		// moment, so the connection is not trusted again.
		if cancelled || (err != nil && broken(err)) {
			c.Close()
			c.Client = nil
		}
	}()

	if c.dirty {
		if err = c.Reset(); err != nil {
			return false, err
		}
		first = false
	}
	c.dirty = true
	if pipelining(c.Client) {
		var started bool
		op, started, err = pipelinedMail(c.Client, m.From.Address, m.To.Address, msg)
		first = first && !started
		return false, err
	}
	if err = c.Mail(m.From.Address); err != nil {
		return false, err
	}
	first = false
	op = "RCPT"
	if err = c.Rcpt(m.To.Address); err != nil {
		return false, err
	}
	op = "DATA"
	w, err := c.Data()
	if err != nil {
		return false, err
	}
	if _, err = w.Write(msg); err != nil {
		return false, err
	}
	return false, w.Close()
}

// dial opens a connection, secures it as configured and authenticates.
func (s *Sender) dial(ctx context.Context) (cn *conn, err error) {
	d := &net.Dialer{Timeout: s.cfg.Timeout}
	var nc net.Conn
	if s.cfg.ImplicitTLS {
		td := &tls.Dialer{NetDialer: d, Config: s.cfg.tlsConfig(s.host)}
		nc, err = td.DialContext(ctx, "tcp", s.cfg.Addr)
	} else {
		nc, err = d.DialContext(ctx, "tcp", s.cfg.Addr)
	}
	if err != nil {
		return nil, opError("connect", err)
	}
	c := &conn{nc: nc}
	op := "connect"
	stop := c.watch(ctx, s.cfg.Timeout)
	defer func() {
		if !stop() && err == nil {
			err = opError(op, ctx.Err())
		}
		if err != nil {
			nc.Close()
			cn = nil
		}
	}()

	if c.Client, err = smtp.NewClient(nc, s.host); err != nil {
		return nil, opError(op, err)
	}
	if err = c.Hello(s.cfg.HELO); err != nil {
		return nil, opError(op, err)
	}
	// NOOP sends the EHLO and reports its failure, which Extension below
	// would hide.
	if err = c.Noop(); err != nil {
		return nil, opError(op, err)
	}
	if s.cfg.StartTLS != StartTLSOff {
		op = "STARTTLS"
		offered, _ := c.Extension("STARTTLS")
		switch {
		case offered:
			if err = c.StartTLS(s.cfg.tlsConfig(s.host)); err != nil {
				return nil, opError(op, err)
			}
		case s.cfg.StartTLS == StartTLSRequired:
			return nil, opError(op, fmt.Errorf("server %s does not offer STARTTLS, and StartTLS is %q", s.cfg.Addr, StartTLSRequired))
		}
	}
	if s.cfg.Username != "" {
		op = "AUTH"
		a := plainAuth{user: s.cfg.Username, pass: s.cfg.Password, loopback: isLoopback(s.host)}
		if err = c.Auth(a); err != nil {
			return nil, opError(op, err)
		}
	}
	c.used = time.Now()
	return c, nil
}

// watch bounds the next exchange on c by timeout and by ctx: the end of
// ctx moves the deadline to the past, which fails any blocked read or
// write at once. (The connection's deadline is not set to ctx's own: the
// two timers could fire in either order, and an error that ctx caused
// should say so.) stop reports false if ctx ended meanwhile.
func (c *conn) watch(ctx context.Context, timeout time.Duration) (stop func() bool) {
	c.nc.SetDeadline(time.Now().Add(timeout))
	return context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) })
}

// quit ends the session politely, or drops it if the server does not
// answer soon.
func (c *conn) quit(timeout time.Duration) {
	c.nc.SetDeadline(time.Now().Add(min(timeout, 5*time.Second)))
	if err := c.Quit(); err != nil {
		c.Close()
	}
}

// Close ends every connection, after waiting for messages in flight.
// Send fails with ErrClosed afterwards.
func (s *Sender) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	for range s.cfg.Conns {
		if c := <-s.slots; c != nil {
			c.quit(s.cfg.Timeout)
		}
	}
	for range s.cfg.Conns {
		s.slots <- nil
	}
	return nil
}

// plainAuth is AUTH PLAIN (RFC 4616) with this package's rule on where a
// password may go: over TLS, or to loopback. net/smtp's own PlainAuth
// knows loopback only by the names "localhost", "127.0.0.1" and "::1".
type plainAuth struct {
	user, pass string
	loopback   bool
}

func (a plainAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !a.loopback {
		return "", nil, errors.New("refusing to send the password over an unencrypted connection")
	}
	if !slices.Contains(server.Auth, "PLAIN") {
		return "", nil, fmt.Errorf("server does not offer AUTH PLAIN (it offers %q)", server.Auth)
	}
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected challenge after AUTH PLAIN")
	}
	return nil, nil
}
