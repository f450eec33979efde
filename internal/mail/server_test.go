package mail_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test server got it.
type received struct {
	From string
	To   []string
	Data []byte
	User string // the authenticated user, if any
	TLS  bool
}

// backend is an in-process SMTP server that keeps what it receives and
// answers as a test tells it to.
type backend struct {
	mu       sync.Mutex
	msgs     []received
	conns    []*smtp.Conn
	user     string // AUTH PLAIN accepts this user with pass; none when empty
	pass     string
	discard  bool          // keep nothing: for benchmarks
	rcptErr  error         // the answer to RCPT TO
	dataErr  error         // the answer after the message body
	dataHold chan struct{} // when set, the body's answer waits for it
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	// After STARTTLS the server starts a new session on the same connection.
	if !slices.Contains(b.conns, c) {
		b.conns = append(b.conns, c)
	}
	b.mu.Unlock()
	_, isTLS := c.TLSConnectionState()
	return &session{b: b, c: c, tls: isTLS}, nil
}

// sessions is how many connections the server has seen.
func (b *backend) sessions() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

func (b *backend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

// dropAll closes every connection from the server's side, as a server
// restarting or timing out idle clients would.
func (b *backend) dropAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Conn().Close()
	}
}

func (b *backend) set(f func(b *backend)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(b)
}

type session struct {
	b    *backend
	c    *smtp.Conn
	tls  bool
	user string
	msg  received
}

func (s *session) AuthMechanisms() []string {
	if s.b.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.b.user || pass != s.b.pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.msg = received{From: from, User: s.user}
	if state, ok := s.c.TLSConnectionState(); ok && state.HandshakeComplete {
		s.msg.TLS = true
	}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.mu.Lock()
	err := s.b.rcptErr
	s.b.mu.Unlock()
	if err != nil {
		return err
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	hold, derr, discard := s.b.dataHold, s.b.dataErr, s.b.discard
	s.b.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if derr != nil {
		return derr
	}
	if !discard {
		s.msg.Data = data
		s.b.mu.Lock()
		s.b.msgs = append(s.b.msgs, s.msg)
		s.b.mu.Unlock()
	}
	return nil
}

func (s *session) Reset()        { s.msg = received{} }
func (s *session) Logout() error { return nil }

// Server TLS modes.
const (
	plain    = iota
	startTLS // offers STARTTLS
	implicit // TLS from the first byte
)

// startServer runs an SMTP server on 127.0.0.1:0 until the test ends. With
// TLS it returns the pool that trusts its certificate.
func startServer(t testing.TB, b *backend, mode int) (addr string, roots *x509.CertPool) {
	t.Helper()
	s := smtp.NewServer(b)
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.AllowInsecureAuth = mode == plain
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode != plain {
		cert, pool := selfSigned(t)
		roots = pool
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		if mode == startTLS {
			s.TLSConfig = cfg
		} else {
			l = tls.NewListener(l, cfg)
		}
	}
	go func() {
		if err := s.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Log(err)
		}
	}()
	t.Cleanup(func() { s.Close() })
	return l.Addr().String(), roots
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "art28 test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
