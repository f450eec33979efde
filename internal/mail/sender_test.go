package mail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/art28/art28/internal/mail"
	"github.com/emersion/go-smtp"
)

var testNow = time.Date(2026, 12, 18, 10, 30, 0, 0, time.FixedZone("CET", 3600))

func newSender(t testing.TB, cfg mail.Config) *mail.Sender {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func plainConfig(addr string) mail.Config {
	return mail.Config{Addr: addr, StartTLS: mail.StartTLSOff}
}

// testMessage has what breaks naive mail code: non-ASCII in the subject,
// names and body, a line starting with a dot, "From " at a line start, a
// long line and an equals sign.
func testMessage() *mail.Message {
	return &mail.Message{
		From:      netmail.Address{Name: "Acme Cloud – Datenschutz", Address: "privacy@acme.example"},
		To:        netmail.Address{Name: "Zoë Müller", Address: "zoe@customer.example"},
		Subject:   "Neuer Unterauftragsverarbeiter Nimbus Storage SAS (Widerspruch bis zum 13.01.2027)",
		Text:      "Sehr geehrte Damen und Herren,\n\n.a line that starts with a dot\nFrom the start of a line\n" + strings.Repeat("Grüße = ", 30) + "\n",
		HTML:      "<p>Sehr geehrte Damen und Herren,</p>\n<p>Grüße &amp; <a href=\"https://acme.example/p?a=1&amp;b=2\">Portal</a></p>\n",
		MessageID: "notice-12.customer-7.3f9a@art28.example",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://acme.example/unsubscribe/7>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	}
}

func TestSendDelivers(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, plainConfig(addr))
	m := testMessage()
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := b.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if got[0].From != "privacy@acme.example" || len(got[0].To) != 1 || got[0].To[0] != "zoe@customer.example" {
		t.Errorf("envelope: MAIL FROM %q, RCPT TO %q", got[0].From, got[0].To)
	}
	checkMessage(t, got[0].Data, m)
}

// checkMessage parses data as a standard reader would and compares it
// with m.
func checkMessage(t *testing.T, data []byte, m *mail.Message) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("the message has a bare LF")
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	if subject, err := dec.DecodeHeader(h.Get("Subject")); err != nil || subject != m.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, m.Subject)
	}
	for field, want := range map[string]netmail.Address{"From": m.From, "To": m.To} {
		list, err := h.AddressList(field)
		if err != nil || len(list) != 1 || *list[0] != want {
			t.Errorf("%s: got %v (%v), want %v", field, list, err, want)
		}
	}
	if id := h.Get("Message-ID"); id != "<"+m.MessageID+">" {
		t.Errorf("Message-ID %q, want <%s>", id, m.MessageID)
	}
	if date, err := h.Date(); err != nil || !date.Equal(testNow) {
		t.Errorf("Date %v (%v), want %v", date, err, testNow)
	}
	if v := h.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version %q", v)
	}
	for name, want := range m.Headers {
		if v := h.Get(name); v != want {
			t.Errorf("%s: %q, want %q", name, v, want)
		}
	}

	typ, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || typ != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v)", h.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for _, want := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		// NextRawPart, so that the transfer encoding is ours to check.
		p, err := r.NextRawPart()
		if err != nil {
			t.Fatalf("%s part: %v", want.typ, err)
		}
		if ct := p.Header.Get("Content-Type"); ct != want.typ+"; charset=utf-8" {
			t.Errorf("part Content-Type %q, want %s; charset=utf-8", ct, want.typ)
		}
		if cte := p.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("%s part: Content-Transfer-Encoding %q", want.typ, cte)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("%s part: %v", want.typ, err)
		}
		if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != want.body {
			t.Errorf("%s part decodes to\n%q\nwant\n%q", want.typ, got, want.body)
		}
	}
	if _, err := r.NextRawPart(); err != io.EOF {
		t.Errorf("after two parts: %v, want io.EOF", err)
	}
}

func TestSendSTARTTLSAuthReusesConnection(t *testing.T) {
	b := &backend{user: "notices", pass: "s3cret"}
	addr, roots := startServer(t, b, startTLS)
	cfg := mail.Config{Addr: addr, StartTLS: mail.StartTLSRequired, Username: "notices", Password: "s3cret", Conns: 1}
	cfg.TLS = tlsConfig(roots)
	s := newSender(t, cfg)
	for range 3 {
		if err := s.Send(context.Background(), testMessage()); err != nil {
			t.Fatal(err)
		}
	}
	got := b.messages()
	if len(got) != 3 {
		t.Fatalf("server received %d messages, want 3", len(got))
	}
	for _, r := range got {
		if !r.TLS || r.User != "notices" {
			t.Errorf("message received with TLS=%v user=%q", r.TLS, r.User)
		}
	}
	if n := b.sessions(); n != 1 {
		t.Errorf("%d connections for 3 messages, want 1", n)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	b := &backend{user: "notices", pass: "s3cret"}
	addr, roots := startServer(t, b, implicit)
	cfg := mail.Config{Addr: addr, ImplicitTLS: true, Username: "notices", Password: "s3cret"}
	cfg.TLS = tlsConfig(roots)
	s := newSender(t, cfg)
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if got := b.messages(); len(got) != 1 || !got[0].TLS || got[0].User != "notices" {
		t.Fatalf("received %+v", got)
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, plainConfig(addr))
	for name, spoil := range map[string]func(m *mail.Message){
		"subject":    func(m *mail.Message) { m.Subject = "Hello\r\nBcc: victim@example.org" },
		"subject LF": func(m *mail.Message) { m.Subject = "Hello\nBcc: victim@example.org" },
		"to name":    func(m *mail.Message) { m.To.Name = "Zoë\r\nBcc: victim@example.org" },
		"from addr":  func(m *mail.Message) { m.From.Address = "a@acme.example\r\nRCPT TO:<victim@example.org>" },
		"header":     func(m *mail.Message) { m.Headers["List-Unsubscribe"] = "<https://x>\r\nBcc: victim@example.org" },
		"field name": func(m *mail.Message) { m.Headers["X-A\r\nBcc"] = "victim@example.org" },
		"message id": func(m *mail.Message) { m.MessageID = "a@b\r\nBcc: victim@example.org" },
	} {
		m := testMessage()
		spoil(m)
		err := s.Send(context.Background(), m)
		if err == nil {
			t.Errorf("%s: sent", name)
			continue
		}
		if !mail.IsPermanent(err) {
			t.Errorf("%s: %v is not permanent", name, err)
		}
		if name != "field name" && !strings.Contains(err.Error(), "line break") {
			t.Errorf("%s: unclear error %q", name, err)
		}
	}
	if n := len(b.messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

func TestSendClassifiesReplies(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1})
	for _, c := range []struct {
		rcpt, data *smtp.SMTPError
		op         string
		code       int
		permanent  bool
	}{
		{rcpt: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}, op: "RCPT", code: 550, permanent: true},
		{rcpt: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, try again"}, op: "RCPT", code: 451},
		{data: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message refused"}, op: "DATA", code: 554, permanent: true},
		{data: &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Out of storage"}, op: "DATA", code: 452},
	} {
		b.set(func(b *backend) { b.rcptErr, b.dataErr = nil, nil })
		if c.rcpt != nil {
			b.set(func(b *backend) { b.rcptErr = c.rcpt })
		}
		if c.data != nil {
			b.set(func(b *backend) { b.dataErr = c.data })
		}
		err := s.Send(context.Background(), testMessage())
		var e *mail.Error
		if !errors.As(err, &e) || e.Op != c.op || e.Code != c.code {
			t.Errorf("reply %d: got %#v, want a mail.Error for %s with code %d", c.code, err, c.op, c.code)
			continue
		}
		if mail.IsPermanent(err) != c.permanent {
			t.Errorf("reply %d: IsPermanent = %v", c.code, !c.permanent)
		}
	}
	// The refusals left the connection usable: the next message goes
	// through on it after a RSET.
	b.set(func(b *backend) { b.rcptErr, b.dataErr = nil, nil })
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if len(b.messages()) != 1 || b.sessions() != 1 {
		t.Errorf("%d messages over %d connections, want 1 over 1", len(b.messages()), b.sessions())
	}
}

func TestSendReconnectsAfterServerDrop(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1})
	ctx := context.Background()
	if err := s.Send(ctx, testMessage()); err != nil {
		t.Fatal(err)
	}
	b.dropAll()
	if err := s.Send(ctx, testMessage()); err != nil {
		t.Fatalf("after the server dropped the connection: %v", err)
	}
	if n := len(b.messages()); n != 2 {
		t.Errorf("%d messages arrived, want 2", n)
	}
	if n := b.sessions(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestSendReplacesIdleConnection(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1, IdleTimeout: time.Millisecond})
	for range 2 {
		if err := s.Send(context.Background(), testMessage()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := b.sessions(); n != 2 {
		t.Errorf("%d connections, want 2: the idle one should have been replaced", n)
	}
}

func TestSendStartTLSRequiredButNotOffered(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSRequired})
	err := s.Send(context.Background(), testMessage())
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("got %v, want an error saying the server does not offer STARTTLS", err)
	}
	if mail.IsPermanent(err) {
		t.Error("a TLS policy failure is a configuration problem, not a permanent refusal of the message")
	}
	if len(b.messages()) != 0 {
		t.Error("the message went out in clear")
	}

	// Opportunistic sends in clear when the server has no STARTTLS.
	s = newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOpportunistic})
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
}

func TestSendConnectionFailures(t *testing.T) {
	b := &backend{user: "notices", pass: "s3cret"}
	addr, roots := startServer(t, b, startTLS)
	for name, c := range map[string]struct {
		cfg mail.Config
		op  string
	}{
		"untrusted certificate": {mail.Config{Addr: addr}, "STARTTLS"},
		"wrong password":        {mail.Config{Addr: addr, Username: "notices", Password: "wrong", TLS: tlsConfig(roots)}, "AUTH"},
		"nobody listening":      {mail.Config{Addr: "127.0.0.1:1", StartTLS: mail.StartTLSOff}, "connect"},
	} {
		err := newSender(t, c.cfg).Send(context.Background(), testMessage())
		var e *mail.Error
		if !errors.As(err, &e) || e.Op != c.op || mail.IsPermanent(err) {
			t.Errorf("%s: got %v, want a temporary error in %s", name, err, c.op)
		}
	}
}

func TestSendHonoursContext(t *testing.T) {
	hold := make(chan struct{})
	b := &backend{dataHold: hold}
	addr, _ := startServer(t, b, plain)
	t.Cleanup(func() { close(hold) }) // before the server closes
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, testMessage())
	if !errors.Is(err, context.DeadlineExceeded) || mail.IsPermanent(err) {
		t.Fatalf("got %v, want a temporary error wrapping the deadline", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Send took %v after its context ended", d)
	}
}

func TestSendConcurrently(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 2})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() { errs <- s.Send(context.Background(), testMessage()) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(b.messages()); n != 20 {
		t.Errorf("%d messages arrived, want 20", n)
	}
	if n := b.sessions(); n > 2 {
		t.Errorf("%d connections, want at most 2", n)
	}
}

func TestSenderClose(t *testing.T) {
	b := &backend{}
	addr, _ := startServer(t, b, plain)
	s := newSender(t, plainConfig(addr))
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), testMessage()); !errors.Is(err, mail.ErrClosed) {
		t.Errorf("Send after Close: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg   mail.Config
		field string
	}{
		{mail.Config{}, "Addr"},
		{mail.Config{Addr: "smtp.example.com"}, "Addr"},
		{mail.Config{Addr: "smtp.example.com:0"}, "Addr"},
		{mail.Config{Addr: "smtp.example.com:587", StartTLS: "sometimes"}, "StartTLS"},
		{mail.Config{Addr: "smtp.example.com:465", ImplicitTLS: true, StartTLS: "required"}, "StartTLS"},
		{mail.Config{Addr: "smtp.example.com:587", Username: "u"}, "Password"},
		{mail.Config{Addr: "smtp.example.com:25", StartTLS: "off", Username: "u", Password: "p"}, "Password"},
		{mail.Config{Addr: "smtp.example.com:587", HELO: "two words"}, "HELO"},
		{mail.Config{Addr: "smtp.example.com:587", Timeout: -1}, "Timeout"},
		{mail.Config{Addr: "smtp.example.com:587", Conns: -1}, "Conns"},
	} {
		err := c.cfg.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), c.field+":") {
			t.Errorf("%+v: got %v, want an error naming %s", c.cfg, err, c.field)
		}
	}
	for _, ok := range []mail.Config{
		{Addr: "smtp.example.com:587"},
		{Addr: "smtp.example.com:465", ImplicitTLS: true, Username: "u", Password: "p"},
		{Addr: "127.0.0.1:25", StartTLS: "off", Username: "u", Password: "p"},
		{Addr: "[::1]:25", StartTLS: "off", Username: "u", Password: "p"},
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}
