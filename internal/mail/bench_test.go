package mail_test

import (
	"context"
	netmail "net/mail"
	"net/smtp"
	"testing"

	"github.com/art28/art28/internal/mail"
)

// The two benchmarks run against the same in-process server and form a
// ratio: BenchmarkBareSMTP is the baseline (net/smtp on one connection, a
// message built beforehand), BenchmarkSender is what a notice costs through
// this package (rendering, building the MIME message, the connection
// pool's bookkeeping, and the transaction).

func BenchmarkBareSMTP(b *testing.B) {
	addr, _ := startServer(b, &backend{discard: true}, plain)
	c, err := smtp.Dial(addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := []byte("From: privacy@acme.example\r\nTo: zoe@customer.example\r\nSubject: Test\r\n" +
		"Message-ID: <bench@art28.example>\r\n\r\nA small message.\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Mail("privacy@acme.example"); err != nil {
			b.Fatal(err)
		}
		if err := c.Rcpt("zoe@customer.example"); err != nil {
			b.Fatal(err)
		}
		w, err := c.Data()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(msg); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSender(b *testing.B) {
	addr, _ := startServer(b, &backend{discard: true}, plain)
	s, err := mail.NewSender(mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	data := change(mail.ChangeReplace)
	b.ReportAllocs()
	for b.Loop() {
		subject, text, html, err := mail.Render(mail.NoticeSubprocessorChange, "de", data)
		if err != nil {
			b.Fatal(err)
		}
		m := &mail.Message{
			From:      netmail.Address{Name: "Acme Cloud", Address: "privacy@acme.example"},
			To:        netmail.Address{Name: "Zoë Müller", Address: "zoe@customer.example"},
			Subject:   subject,
			Text:      text,
			HTML:      html,
			MessageID: "notice-12.customer-7.3f9a@art28.example",
		}
		if err := s.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}
