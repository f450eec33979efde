package mail_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"

	"github.com/art28/art28/internal/mail"
)

func tlsConfig(roots *x509.CertPool) *tls.Config { return &tls.Config{RootCAs: roots} }

func TestBytesEncodesHeaders(t *testing.T) {
	m := testMessage()
	m.Subject = strings.Repeat("Änderung bei den Unterauftragsverarbeitern, ", 4) + "bitte lesen"
	data, err := m.Bytes(testNow)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	for i, line := range strings.Split(string(head), "\r\n") {
		for _, r := range line {
			if r > 0x7e {
				t.Fatalf("header line %d is not ASCII: %q", i, line)
			}
		}
		if len(line) > 78 {
			t.Errorf("header line %d is %d characters long: %q", i, len(line), line)
		}
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || got != m.Subject {
		t.Errorf("folded subject decodes to %q (%v), want %q", got, err, m.Subject)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || from[0].Name != "Acme Cloud – Datenschutz" {
		t.Errorf("From: %v (%v)", from, err)
	}
}

func TestBytesIsReproducible(t *testing.T) {
	a, err1 := testMessage().Bytes(testNow)
	b, err2 := testMessage().Bytes(testNow)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		t.Fatalf("two renderings differ (%v, %v)", err1, err2)
	}
}

func TestBytesTextOnly(t *testing.T) {
	m := testMessage()
	m.HTML = ""
	data, err := m.Bytes(testNow)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestBytesMakesMessageID(t *testing.T) {
	m := testMessage()
	m.MessageID = ""
	data, err := m.Bytes(testNow)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := netmail.ReadMessage(bytes.NewReader(data))
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@acme.example>") {
		t.Errorf("Message-ID %q, want one in the sender's domain", id)
	}
}

func TestMessageValidate(t *testing.T) {
	for field, spoil := range map[string]func(m *mail.Message){
		"From.Address":          func(m *mail.Message) { m.From.Address = "" },
		"To.Address":            func(m *mail.Message) { m.To.Address = "not an address" },
		"Subject":               func(m *mail.Message) { m.Subject = " " },
		"Text":                  func(m *mail.Message) { m.Text = "" },
		"MessageID":             func(m *mail.Message) { m.MessageID = "<abc@example.org>" },
		"Headers[From]":         func(m *mail.Message) { m.Headers["From"] = "ceo@acme.example" },
		"Headers[Content-Type]": func(m *mail.Message) { m.Headers["Content-Type"] = "text/html" },
		"Headers[X Y]":          func(m *mail.Message) { m.Headers["X Y"] = "z" },
		"To.Address ":           func(m *mail.Message) { m.To.Address = "zoë@customer.example" },
	} {
		m := testMessage()
		spoil(m)
		err := m.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), strings.TrimSpace(field)+":") {
			t.Errorf("%s: got %v, want an error naming it", field, err)
		}
	}
}
