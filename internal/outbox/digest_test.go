package outbox_test

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/jobs"
	"github.com/art28/art28/internal/outbox"
	"github.com/art28/art28/internal/smtpsink"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// A sweep that reminds of a breach's many duties at once reaches the
// privacy officer over SMTP as one digest, the duties grouped by kind and
// point of their period, the overdue first, each listed with its customer,
// deadline and link up to a cap and then counted; the owner gets one
// digest of the overdue duties alone. A duty closed before the outbox got
// to the digest is left out of it.
func TestOutboxDutyReminderDigest(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		ctx := context.Background()
		sys := testrig.As(art28.SystemActor)
		sink, err := smtpsink.Start("127.0.0.1:0", true)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		f := testrig.Seed(t, db)
		all := store.All(db)
		globex := f.Agreements["globex"]
		for _, u := range []*art28.User{
			{Email: "owner@processor.example", Name: "Olivia Owner", Role: art28.RoleOwner},
			{Email: "po@processor.example", Name: "Pia Officer", Role: art28.RolePrivacyOfficer},
		} {
			if err := all.Users.CreateUser(sys, u, testrig.FixturePassword); err != nil {
				t.Fatal(err)
			}
		}
		t0 := clock.T
		open := func(kind, title string, due time.Duration) *art28.Duty {
			t.Helper()
			d := &art28.Duty{Kind: kind, Title: title, CustomerID: globex.CustomerID, AgreementID: globex.ID,
				OpenedAt: t0, DueAt: t0.Add(due)}
			if err := all.Duties.OpenDuty(sys, d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		// 31 breach notices, due one minute apart, the first closed after
		// the sweep; 4 audit answers, a day overdue at the sweep.
		var breaches, audits []*art28.Duty
		for i := range 31 {
			breaches = append(breaches, open("breach.notice", fmt.Sprintf("Notify customer %02d of the breach", i),
				100*time.Hour+time.Duration(i)*time.Minute))
		}
		for i := range 4 {
			audits = append(audits, open("audit.answer", fmt.Sprintf("Answer audit request %d", i), 20*time.Hour))
		}
		clock.Add(51 * time.Hour)
		if err := jobs.RemindDuties(ctx, all.Duties, art28.Reminders{At: []float64{0.5, 1}, Escalate: 24 * time.Hour}); err != nil {
			t.Fatal(err)
		}
		closed := breaches[0]
		if _, err := all.Duties.CloseDuty(sys, closed.ID, art28.DutyDone, ""); err != nil {
			t.Fatal(err)
		}

		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Name: "Demo Cloud", Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example", MessageIDHost: "art28.processor.example"})
		// The digests wait a minute for the rest of the sweep.
		if n, err := o.Drain(ctx); err != nil || n != 0 {
			t.Fatalf("drain while the digests gather: %v, %d deliveries, want 0", err, n)
		}
		clock.Add(time.Minute)
		if n, err := o.Drain(ctx); err != nil || n != 2 {
			t.Fatalf("drain: %v, %d deliveries, want 2", err, n)
		}
		msgs := sink.Messages()
		if len(msgs) != 2 {
			t.Fatalf("the server got %d messages, want 2", len(msgs))
		}
		link := func(d *art28.Duty) string { return fmt.Sprintf("https://art28.processor.example/duties/%d", d.ID) }
		for _, m := range msgs {
			body := decoded(t, m.Data)
			if strings.Contains(body, "<no value>") || strings.Contains(body, closed.Title) {
				t.Errorf("message to %v names the closed duty or lacks a value:\n%s", m.To, body)
			}
			switch {
			case len(m.To) == 1 && m.To[0] == "po@processor.example":
				if m.Subject != "Overdue: 4 of 34 open duties are past their deadline" {
					t.Errorf("officer's subject %q", m.Subject)
				}
				want := []string{
					"4 duties of kind audit.answer: overdue by 1 day",
					"30 breach notices: 50% of the period has passed",
					"Globex Inc., due 2027-03-05 04:01 UTC",
					"... and 9 more, on the dashboard",
					"https://art28.processor.example/dashboard",
					`href="https://art28.processor.example/dashboard"`,
					audits[0].Title, link(audits[3]),
					breaches[1].Title, link(breaches[1]), `href="` + link(breaches[21]) + `"`, breaches[21].Title,
				}
				for _, w := range want {
					if !strings.Contains(body, w) {
						t.Errorf("officer's digest lacks %q:\n%s", w, body)
					}
				}
				// The overdue come first; 25 duties are listed.
				if strings.Index(body, audits[0].Title) > strings.Index(body, breaches[1].Title) {
					t.Errorf("the overdue duties come after the reminders:\n%s", body)
				}
				if strings.Contains(body, breaches[22].Title) || strings.Contains(body, `href="`+link(breaches[22])+`"`) {
					t.Errorf("officer's digest lists more than 25 duties:\n%s", body)
				}
			case len(m.To) == 1 && m.To[0] == "owner@processor.example":
				if m.Subject != "Overdue: 4 duties are past their deadline" {
					t.Errorf("owner's subject %q", m.Subject)
				}
				for _, w := range []string{"4 duties of kind audit.answer: overdue by 1 day", audits[3].Title, link(audits[3]),
					"because you are an owner"} {
					if !strings.Contains(body, w) {
						t.Errorf("owner's digest lacks %q:\n%s", w, body)
					}
				}
				if strings.Contains(body, "breach") {
					t.Errorf("owner's digest names the reminders:\n%s", body)
				}
			default:
				t.Errorf("a message to %v", m.To)
			}
		}
		for _, d := range deliveries(t, all) {
			if d.Event != "duty_reminder_digest" || d.State != art28.DeliverySent {
				t.Errorf("delivery %+v", d)
			}
		}
	}, store.WithClock(clock.Now))
}
