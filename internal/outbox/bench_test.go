package outbox_test

import (
	"context"
	"database/sql"
	"fmt"
	netmail "net/mail"
	"net/smtp"
	"path/filepath"
	"testing"
	"time"

	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/outbox"
	"github.com/art28/art28/internal/smtpsink"
	"github.com/art28/art28/internal/store"
)

// The two benchmarks form a ratio (docs/performance.md): each delivers the
// same notice, byte for byte the same size, to the same in-process SMTP
// server. BenchmarkBareSMTP is the baseline: net/smtp on one connection
// sending a message built beforehand. BenchmarkOutboxDelivery is the real
// path: claiming from the outbox table, composing, rendering, sending and
// marking each delivery sent in its own commit.

// benchNotice is the bytes of a rendered notice of a change.
func benchNotice(b *testing.B) []byte {
	b.Helper()
	subject, text, html, err := mail.Render(mail.NoticeSubprocessorChange, "de", &mail.SubprocessorChange{
		ProcessorName: "Demo Cloud Services GmbH", CustomerName: "Globex Inc.", Kind: mail.ChangeAdd,
		SubprocessorName: "Hosting GmbH", SubprocessorCountry: "Germany", Purpose: "hosting",
		WindowEnd: "2027-03-20 00:00 CET", TimeZone: "Europe/Berlin", ObjectionAllowed: true, SilenceApproves: true,
		PortalURL: "https://art28.processor.example/portal/notices", ListURL: "https://art28.processor.example/subprocessors",
		Clauses: []string{"G9.1"}})
	if err != nil {
		b.Fatal(err)
	}
	m := &mail.Message{From: netmail.Address{Address: "privacy@processor.example"}, To: netmail.Address{Name: "DPO", Address: "dpo@globex.example"},
		Subject: subject, Text: text, HTML: html, MessageID: "d1.subprocessor_change@art28.processor.example"}
	raw, err := m.Bytes(time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

func BenchmarkBareSMTP(b *testing.B) {
	sink, err := smtpsink.Start("127.0.0.1:0", false)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	msg := benchNotice(b)
	c, err := smtp.Dial(sink.Addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if err := c.Mail("privacy@processor.example"); err != nil {
			b.Fatal(err)
		}
		if err := c.Rcpt("dpo@globex.example"); err != nil {
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

func BenchmarkOutboxDelivery(b *testing.B) {
	sink, err := smtpsink.Start("127.0.0.1:0", false)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	path := filepath.Join(b.TempDir(), "art28.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	announced(b, db, "")
	sender, err := mail.NewSender(mail.Config{Addr: sink.Addr, StartTLS: mail.StartTLSOff, Conns: 8})
	if err != nil {
		b.Fatal(err)
	}
	defer sender.Close()
	o := outbox.New(db, outbox.Config{Mail: sender, From: netmail.Address{Address: "privacy@processor.example"},
		BaseURL: "https://art28.processor.example", MessageIDHost: "art28.processor.example", Workers: 8})
	// b.N more recipients of the same notice, written as Announce writes
	// them; the two it wrote are delivered before the clock starts.
	if _, err := o.Drain(ctx); err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_time_format=sqlite")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, fmt.Sprintf(`INSERT INTO deliveries (event, notice_id, customer_id, channel, recipient,
		recipient_name, language, state, next_attempt_at, created_at)
		WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %d)
		SELECT d.event, d.notice_id, d.customer_id, d.channel, 'r' || n.x || '@globex.example', d.recipient_name,
			d.language, 'pending', d.next_attempt_at, d.created_at
		FROM deliveries d, n WHERE d.id = (SELECT MIN(id) FROM deliveries)`, b.N)); err != nil {
		b.Fatal(err)
	}
	before := sink.Count()
	b.ResetTimer()
	for sink.Count()-before < b.N {
		if _, err := o.Drain(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := sink.Count() - before; got != b.N {
		b.Fatalf("the server got %d messages, want %d", got, b.N)
	}
}
