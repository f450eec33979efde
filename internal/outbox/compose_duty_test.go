package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
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

// An escalation of an overdue duty reaches the privacy officer and the
// owner over SMTP, with the duty's deadline on the agreement's clock and a
// link to the duty; a reminder of a duty closed before the outbox got to
// it is not sent.
func TestOutboxDutyReminders(t *testing.T) {
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
		v := testrig.SeedTerms(t, all, sys, "genz-saas-v1.yaml")
		if _, err := all.Terms.SetAgreementTerms(sys, globex.ID, v.ID, ""); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*art28.User{
			{Email: "owner@processor.example", Name: "Olivia Owner", Role: art28.RoleOwner},
			{Email: "po@processor.example", Name: "Pia Officer", Role: art28.RolePrivacyOfficer},
		} {
			if err := all.Users.CreateUser(sys, u, testrig.FixturePassword); err != nil {
				t.Fatal(err)
			}
		}
		overdue := &art28.Duty{Kind: "audit.answer", Title: "Answer the audit request of Globex", CustomerID: globex.CustomerID,
			AgreementID: globex.ID, ClauseIDs: []string{"C9"}, OpenedAt: clock.T, DueAt: clock.T.Add(100 * time.Hour)}
		closed := &art28.Duty{Kind: "measures.review", Title: "Review the measures", OpenedAt: clock.T, DueAt: clock.T.Add(200 * time.Hour)}
		for _, d := range []*art28.Duty{overdue, closed} {
			if err := all.Duties.OpenDuty(sys, d); err != nil {
				t.Fatal(err)
			}
		}
		// At 125 hours the first duty is a day overdue (an escalation, to
		// both) and the second at half its period (a reminder, to the
		// officer); the second is then closed.
		clock.Add(125 * time.Hour)
		if err := jobs.RemindDuties(ctx, all.Duties, art28.Reminders{At: []float64{0.5, 1}, Escalate: 24 * time.Hour}); err != nil {
			t.Fatal(err)
		}
		if _, err := all.Duties.CloseDuty(sys, closed.ID, art28.DutyDone, ""); err != nil {
			t.Fatal(err)
		}

		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Name: "Demo Cloud", Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example", MessageIDHost: "art28.processor.example"})
		if n, err := o.Drain(ctx); err != nil || n != 3 {
			t.Fatalf("drain: %v, %d deliveries, want 3", err, n)
		}
		if n, err := o.Drain(ctx); err != nil || n != 0 {
			t.Fatalf("a second pass: %v, %d deliveries", err, n)
		}
		msgs := sink.Messages()
		if len(msgs) != 2 {
			t.Fatalf("the server got %d messages, want 2", len(msgs))
		}
		link := fmt.Sprintf("https://art28.processor.example/duties/%d", overdue.ID)
		to := map[string]bool{}
		for _, m := range msgs {
			if m.Subject != "Overdue: Answer the audit request of Globex (Globex Inc.): overdue by 1 day" {
				t.Errorf("subject %q", m.Subject)
			}
			body := decoded(t, m.Data)
			for _, want := range []string{link, `href="` + link + `"`, "2027-03-05 04:00 UTC", "2027-03-05 05:00 CET (Europe/Berlin", "C9"} {
				if !strings.Contains(body, want) {
					t.Errorf("message to %v lacks %q:\n%s", m.To, want, body)
				}
			}
			if strings.Contains(body, "Review the measures") {
				t.Errorf("the closed duty's reminder was sent to %v", m.To)
			}
			for _, r := range m.To {
				to[r] = true
			}
		}
		if !to["po@processor.example"] || !to["owner@processor.example"] || msgs[0].MessageID == msgs[1].MessageID {
			t.Errorf("recipients %v, Message-IDs %s %s", to, msgs[0].MessageID, msgs[1].MessageID)
		}
		failures := 0
		for _, d := range deliveries(t, all) {
			switch d.Recipient {
			case "po@processor.example", "owner@processor.example":
			default:
				t.Errorf("a delivery to %s", d.Recipient)
			}
			sent := d.State == art28.DeliverySent
			failed := d.State == art28.DeliveryFailed && strings.Contains(d.LastError, "the duty is done")
			if !sent && !failed {
				t.Errorf("delivery %+v", d)
			}
			if failed {
				failures++
			}
		}
		if failures != 1 {
			t.Errorf("%d deliveries not sent, want the closed duty's one", failures)
		}
	}, store.WithClock(clock.Now))
}

// decoded is a message's body with its quoted-printable parts decoded.
func decoded(t testing.TB, data []byte) string {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}
