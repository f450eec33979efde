package outbox_test

import (
	"context"
	"database/sql"
	"fmt"
	netmail "net/mail"
	"net/smtp"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/art28/art28"
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
	bareSMTP(b, benchNotice(b))
}

// bareSMTP sends msg b.N times on one net/smtp connection to a sink.
func bareSMTP(b *testing.B, msg []byte) {
	sink, err := smtpsink.Start("127.0.0.1:0", false)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
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

// The breach pair is the same ratio for breach notices (issue 5). Unlike a
// change notice, a breach notice is one customer's, with its own figures:
// the outbox reads and renders every message's notice, where the change
// notice above is rendered once per batch for all its recipients.
// BenchmarkBareSMTPBreach sends one pre-rendered breach notice;
// BenchmarkOutboxBreachDelivery delivers b.N notices of one breach, one per
// customer, issued through the store.

// benchBreachContent is what the breach notices of the benchmark share;
// each customer's figures are its own.
var benchBreachContent = art28.BreachContent{Nature: "A storage bucket holding database backups was publicly readable for about an hour.",
	DataCategories: []string{"Contact data", "Usage data"}, DPO: "Dana Schutz, dpo@processor.example",
	Consequences: "Phishing attempts against the persons concerned cannot be ruled out.",
	Measures:     "The bucket was closed, its access logs reviewed, and every credential in the backups rotated."}

const (
	benchProcessor = "Demo Cloud Services GmbH"
	benchIncident  = "Backup bucket publicly readable"
)

// benchBreachFigures are the data subjects and records of customer n.
func benchBreachFigures(n int) (subjects, records int64) {
	return 100000 + int64(n), 500000 + int64(n)
}

// benchBreachNotice is the bytes of customer n's first breach notice as
// the outbox writes it in BenchmarkOutboxBreachDelivery: the Genz terms'
// 24 hours and clauses, times in Europe/Berlin, delivery n.
func benchBreachNotice(b *testing.B, n int, aware time.Time) []byte {
	b.Helper()
	loc, err := art28.LoadZone("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	subjects, records := benchBreachFigures(n)
	c := benchBreachContent
	subject, text, html, err := mail.Render(mail.NoticeBreach, "en", &mail.BreachNotice{ProcessorName: benchProcessor,
		CustomerName: fmt.Sprintf("Breach Customer %06d GmbH", n), IncidentTitle: benchIncident, Phase: 1,
		AwareAt: aware.Truncate(time.Microsecond).In(loc), DueAt: aware.Truncate(time.Microsecond).Add(24 * time.Hour).In(loc),
		Nature: c.Nature, DataCategories: c.DataCategories, Subjects: mail.NewCount(&subjects), Records: mail.NewCount(&records),
		DPO: c.DPO, Consequences: c.Consequences, Measures: c.Measures,
		PortalURL: "https://art28.processor.example/portal/incidents/1", Clauses: []string{"G7.1", "G7.2"}})
	if err != nil {
		b.Fatal(err)
	}
	m := &mail.Message{From: netmail.Address{Address: "privacy@processor.example"},
		To:      netmail.Address{Name: fmt.Sprintf("DPO %06d", n), Address: fmt.Sprintf("dpo@c%06d.example", n)},
		Subject: subject, Text: text, HTML: html, MessageID: fmt.Sprintf("d%d.breach_notice@art28.processor.example", n)}
	raw, err := m.Bytes(time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

func BenchmarkBareSMTPBreach(b *testing.B) {
	bareSMTP(b, benchBreachNotice(b, 1, time.Now().Add(-time.Hour)))
}

func BenchmarkOutboxBreachDelivery(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "art28.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	// One notice more than b.N: the first is sent before the clock starts,
	// to a sink that keeps it, to check its size against the baseline's.
	count := b.N + 1
	aware := time.Now().Add(-time.Hour)
	breachCustomers(b, db, path, count, aware)

	check, err := smtpsink.Start("127.0.0.1:0", true)
	if err != nil {
		b.Fatal(err)
	}
	defer check.Close()
	first := outbox.New(db, outbox.Config{Mail: newSender(b, check), From: netmail.Address{Address: "privacy@processor.example"},
		BaseURL: "https://art28.processor.example", MessageIDHost: "art28.processor.example", Workers: 1, Batch: 1})
	if n, err := first.Drain(ctx); err != nil || n != 1 {
		b.Fatalf("the first notice: %v (%d sent)", err, n)
	}
	msgs := check.Messages()
	if len(msgs) != 1 {
		b.Fatalf("the check server got %d messages, want 1", len(msgs))
	}
	size, bare := len(msgs[0].Data), len(benchBreachNotice(b, 1, aware))
	if size < bare*99/100 || size > bare*101/100 {
		b.Fatalf("the outbox sent %d bytes, the baseline sends %d: make them the same notice", size, bare)
	}
	b.SetBytes(int64(size))

	sink, err := smtpsink.Start("127.0.0.1:0", false)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	sender, err := mail.NewSender(mail.Config{Addr: sink.Addr, StartTLS: mail.StartTLSOff, Conns: 8})
	if err != nil {
		b.Fatal(err)
	}
	defer sender.Close()
	o := outbox.New(db, outbox.Config{Mail: sender, From: netmail.Address{Address: "privacy@processor.example"},
		BaseURL: "https://art28.processor.example", MessageIDHost: "art28.processor.example", Workers: 8})
	b.ResetTimer()
	for sink.Count() < b.N {
		if _, err := o.Drain(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := sink.Count(); got != b.N {
		b.Fatalf("the server got %d messages, want %d", got, b.N)
	}
}

// breachCustomers writes count customers, each with a DPO and an active
// agreement under the Genz terms for one service (not encrypted on the
// customer's side), records a breach of that service reaching them all with
// each one's own figures, assesses it and issues the first notices: one
// email delivery per customer. The customers, contacts and agreements are
// written with SQL, as art28-fanout fill writes them (the store has no
// bulk insert); the breach goes through the store.
func breachCustomers(b *testing.B, db *store.DB, path string, count int, aware time.Time) {
	b.Helper()
	ctx := context.Background()
	all := store.All(db)
	sys := art28.NewContext(ctx, art28.SystemActor)
	if err := all.Processor.UpdateProfile(sys, &art28.ProcessorProfile{LegalName: benchProcessor,
		Address: "Kaiserstraße 12\n76133 Karlsruhe", Country: "DE", DPOName: "Dana Schutz", DPOEmail: "dpo@processor.example"}); err != nil {
		b.Fatal(err)
	}
	if err := all.Agreements.CreateTemplate(sys, &art28.AgreementTemplate{Key: "genz-saas-v1", Title: "Genz SaaS DPA"}); err != nil {
		b.Fatal(err)
	}
	svc := &art28.Service{Name: "SaaS hosting", Nature: "Hosting and operation of the customer's application",
		Purposes: []string{"Hosting"}, DataCategories: []string{"Contact data", "Usage data"},
		SubjectCategories: []string{"Customer's employees"}, Sources: []string{"Customer"}, Locations: []string{"DE"}}
	if err := all.Services.CreateService(sys, svc); err != nil {
		b.Fatal(err)
	}
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		b.Fatal(err)
	}
	v, _, err := all.Terms.ImportTerms(sys, "genz-saas-v1", art28.TermsImport{Content: string(genz)})
	if err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_time_format=sqlite")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	now := time.Now().UTC().Truncate(time.Microsecond)
	nums := fmt.Sprintf(`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %d) `, count)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO customers (id, legal_name, legal_name_key, address, country, eu_established, role, upstream_controller,
			created_at, updated_at, language) ` + nums + `SELECT x, printf('Breach Customer %06d GmbH', x),
			printf('breach customer %06d gmbh', x), 'Hauptstraße 1, 70173 Stuttgart', 'DE', TRUE, ?, '', ?, ?, 'en' FROM n`,
			[]any{art28.CustomerController, now, now}},
		{`INSERT INTO contacts (customer_id, name, email, phone, roles, created_at) ` + nums + `SELECT x, printf('DPO %06d', x),
			printf('dpo@c%06d.example', x), '', ?, ? FROM n`, []any{`["` + string(art28.ContactDPO) + `"]`, now}},
		{`INSERT INTO agreements (id, customer_id, template_key, status, conclusion_method, accepted_by, accepted_at,
			accepted_from, document_hash, created_at, updated_at, terms_version_id, terms_overrides) ` + nums + `SELECT x, x,
			'genz-saas-v1', ?, ?, 'Managing director', ?, 'Stuttgart', '', ?, ?, ?, '' FROM n`,
			[]any{art28.AgreementActive, art28.ConcludedSignature, now.Add(-24 * time.Hour), now, now, v.ID}},
		{`INSERT INTO agreement_services (agreement_id, service_id) ` + nums + `SELECT x, ? FROM n`, []any{svc.ID}},
	} {
		if _, err := raw.ExecContext(ctx, q.sql, q.args...); err != nil {
			b.Fatal(err)
		}
	}
	inc := &art28.Incident{Title: benchIncident, Description: "Public reads were allowed for an hour.", Reporter: "On-call engineer",
		DetectedAt: aware, AwareAt: aware, ServiceIDs: []int64{svc.ID}, Affected: make([]art28.Affected, count)}
	for k := range count {
		subjects, records := benchBreachFigures(k + 1)
		inc.Affected[k] = art28.Affected{CustomerID: int64(k + 1), Subjects: &subjects, Records: &records}
	}
	if err := all.Incidents.RecordIncident(sys, inc); err != nil {
		b.Fatal(err)
	}
	if _, err := all.Incidents.Assess(sys, inc.ID, art28.AssessBreach, "Contact data were readable by anyone."); err != nil {
		b.Fatal(err)
	}
	notices, err := all.Incidents.IssueNotices(sys, inc.ID, benchBreachContent)
	if err != nil {
		b.Fatal(err)
	}
	_, queued, err := all.Deliveries.Deliveries(sys, art28.DeliveryFilter{Event: mail.NoticeBreach, Page: art28.Page{Limit: 1}})
	if err != nil {
		b.Fatal(err)
	}
	if len(notices) != count || queued != count {
		b.Fatalf("%d notices and %d deliveries, want %d of each", len(notices), queued, count)
	}
}
