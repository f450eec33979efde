// Package smtpsink is a real SMTP server that keeps what it receives, for
// the outbox's tests, its benchmarks and the crash script: it speaks SMTP
// through github.com/emersion/go-smtp, so the outbox is tested against the
// protocol, not a fake.
package smtpsink

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/textproto"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one message as received.
type Message struct {
	From      string
	To        []string
	MessageID string
	Subject   string
	Data      []byte
}

// Sink is a running server.
type Sink struct {
	Addr string

	srv  *smtp.Server
	mu   sync.Mutex
	msgs []Message
	keep bool
	n    int
	fail error // answered to RCPT while set
}

// Start listens on addr ("127.0.0.1:0" for any port). With keep false it
// counts messages and keeps only their envelope and IDs, for runs of
// hundreds of thousands.
func Start(addr string, keep bool) (*Sink, error) {
	s := &Sink{keep: keep}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxRecipients = 100
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.srv, s.Addr = srv, l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	return s, nil
}

// Close stops the server.
func (s *Sink) Close() error { return s.srv.Close() }

// Messages returns what was received so far.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is how many messages were received.
func (s *Sink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// RefuseRecipients makes the server answer RCPT with err (nil to accept
// again), as a server refusing a mailbox would.
func (s *Sink) RefuseRecipients(err error) {
	s.mu.Lock()
	s.fail = err
	s.mu.Unlock()
}

type backend struct{ s *Sink }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s   *Sink
	msg Message
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.msg = Message{From: from}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	err := x.s.fail
	x.s.mu.Unlock()
	if err != nil {
		return err
	}
	x.msg.To = append(x.msg.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	hdr, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(data))).ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	x.msg.MessageID, x.msg.Subject = hdr.Get("Message-Id"), hdr.Get("Subject")
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.n++
	if x.s.keep {
		x.msg.Data = data
	}
	x.s.msgs = append(x.s.msgs, x.msg)
	return nil
}

func (x *session) Reset()        { x.msg = Message{} }
func (x *session) Logout() error { return nil }
