package outbox_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/outbox"
	"github.com/art28/art28/internal/smtpsink"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
	"github.com/art28/art28/internal/webhook"
)

// announced seeds a change announced to the fixture's active agreement
// (Globex, under the Genz terms) with a German-speaking customer and a
// webhook endpoint at url, and returns the store.
func announced(t testing.TB, db *store.DB, url string) store.AllServices {
	t.Helper()
	f := testrig.Seed(t, db)
	all := store.All(db)
	po := testrig.As(testrig.PrivacyOfficer)
	v := testrig.SeedTerms(t, all, po, "genz-saas-v1.yaml")
	globex := f.Agreements["globex"]
	if _, err := all.Terms.SetAgreementTerms(po, globex.ID, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	de := "de"
	if _, err := all.Customers.UpdateCustomer(po, globex.CustomerID, art28.CustomerUpdate{Language: &de}); err != nil {
		t.Fatal(err)
	}
	if err := all.Customers.CreateContact(po, &art28.Contact{CustomerID: globex.CustomerID, Name: "Legal", Email: "legal@globex.example",
		Roles: []art28.ContactRole{art28.ContactLegal}}); err != nil {
		t.Fatal(err)
	}
	if url != "" {
		if _, err := all.Webhooks.CreateWebhook(po, globex.CustomerID, url); err != nil {
			t.Fatal(err)
		}
	}
	sp := &art28.Subprocessor{Name: "Hosting GmbH", Country: "DE", Purpose: "hosting", ServiceIDs: []int64{f.Services["hosting"].ID}}
	if err := all.Subprocessors.CreateSubprocessor(po, sp); err != nil {
		t.Fatal(err)
	}
	if _, err := all.Changes.Announce(po, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "Ein zweites Rechenzentrum."}); err != nil {
		t.Fatal(err)
	}
	return all
}

func deliveries(t testing.TB, all store.AllServices) []*art28.Delivery {
	t.Helper()
	list, _, err := all.Deliveries.Deliveries(testrig.As(art28.SystemActor), art28.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func newSender(t testing.TB, sink *smtpsink.Sink) *mail.Sender {
	t.Helper()
	s, err := mail.NewSender(mail.Config{Addr: sink.Addr, StartTLS: mail.StartTLSOff})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A notice reaches each recipient once, by email in the customer's
// language and by a signed webhook, and a second pass sends nothing.
func TestOutboxDeliversOnce(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		sink, err := smtpsink.Start("127.0.0.1:0", true)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		var mu sync.Mutex
		var hooks []string
		secretOf := map[string]string{}
		hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			wh, err := standardwebhooks.NewWebhook(secretOf["secret"])
			if err != nil || wh.Verify(body, r.Header) != nil {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			hooks = append(hooks, string(body))
		}))
		defer hookSrv.Close()
		all := announced(t, db, hookSrv.URL+"/art28")
		eps, _ := all.Webhooks.Webhooks(testrig.As(art28.SystemActor), deliveries(t, all)[0].CustomerID)
		_, secret, _, _ := db.WebhookTarget(context.Background(), eps[0].ID)
		secretOf["secret"] = secret

		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Name: "Demo Cloud", Address: "privacy@processor.example"},
			Webhooks: webhook.NewSender(webhook.Config{}), BaseURL: "https://art28.processor.example", MessageIDHost: "art28.processor.example"})
		n, err := o.Drain(context.Background())
		if err != nil || n != 3 { // the DPO and Legal by email, and the endpoint
			t.Fatalf("drain: %v, %d deliveries", err, n)
		}
		if n, err := o.Drain(context.Background()); err != nil || n != 0 {
			t.Fatalf("a second pass: %v, %d deliveries", err, n)
		}
		msgs := sink.Messages()
		if len(msgs) != 2 {
			t.Fatalf("the server got %d messages, want 2", len(msgs))
		}
		for _, m := range msgs {
			body := string(m.Data)
			if !strings.Contains(m.MessageID, "@art28.processor.example") || !strings.Contains(body, "Hosting GmbH") ||
				!strings.Contains(body, "2027") && !strings.Contains(body, "Widerspruch") {
				t.Errorf("message %s to %v:\n%s", m.MessageID, m.To, body)
			}
		}
		if msgs[0].MessageID == msgs[1].MessageID {
			t.Errorf("two recipients share the Message-ID %s", msgs[0].MessageID)
		}
		mu.Lock()
		if len(hooks) != 1 || !strings.Contains(hooks[0], `"type":"subprocessor.change"`) {
			t.Errorf("webhooks: %v", hooks)
		}
		mu.Unlock()
		for _, d := range deliveries(t, all) {
			if d.State != art28.DeliverySent || d.SentAt == nil || d.Attempts != 1 {
				t.Errorf("delivery %+v", d)
			}
		}
	})
}

// A mailbox refused for good fails the delivery with the server's words;
// a temporary refusal leaves it pending for a later attempt.
func TestOutboxFailures(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		sink, err := smtpsink.Start("127.0.0.1:0", true)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		all := announced(t, db, "")
		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example"})

		sink.RefuseRecipients(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "try later"})
		if _, err := o.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, d := range deliveries(t, all) {
			if d.State != art28.DeliveryPending || !strings.Contains(d.LastError, "451") || !d.NextAttemptAt.After(time.Now()) {
				t.Errorf("after a temporary refusal: %+v", d)
			}
		}
		// Nothing is due before its next attempt.
		if n, _ := o.Drain(context.Background()); n != 0 {
			t.Errorf("%d deliveries retried before their time", n)
		}

		sink.RefuseRecipients(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"})
		if n, err := store.NewDeliveries(db).RetryNow(testrig.As(art28.SystemActor)); err != nil || n != 2 {
			t.Fatalf("retry now: %v %d", err, n)
		}
		if _, err := o.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, d := range deliveries(t, all) {
			if d.State != art28.DeliveryFailed || !strings.Contains(d.LastError, "550") || d.Attempts != 2 {
				t.Errorf("after a permanent refusal: %+v", d)
			}
		}
		if sink.Count() != 0 {
			t.Errorf("the server kept %d messages it refused", sink.Count())
		}
	})
}

// A worker that dies after claiming leaves its deliveries leased; when the
// lease runs out, another delivers them, once.
func TestOutboxRecoversAfterACrash(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		sink, err := smtpsink.Start("127.0.0.1:0", false)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		all := announced(t, db, "")
		claimed, err := db.ClaimDeliveries(context.Background(), art28.ChannelEmail, 10, time.Millisecond)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim: %v %d", err, len(claimed))
		}
		// The worker died here. Its lease runs out.
		time.Sleep(5 * time.Millisecond)
		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example"})
		if n, err := o.Drain(context.Background()); err != nil || n != 2 {
			t.Fatalf("drain after the crash: %v %d", err, n)
		}
		if sink.Count() != 2 {
			t.Fatalf("the server got %d messages, want 2", sink.Count())
		}
		for _, d := range deliveries(t, all) {
			if d.State != art28.DeliverySent || d.Attempts != 2 {
				t.Errorf("delivery %+v", d)
			}
		}
	})
}

// A subscriber to the public list confirms from the mail the outbox sent,
// and is then told of the next change, with a one-click unsubscribe.
func TestOutboxSubscriberMessages(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		sink, err := smtpsink.Start("127.0.0.1:0", true)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		subs := store.NewSubscriptions(db)
		public := art28.NewContext(context.Background(), art28.PublicActor("203.0.113.5"))
		if err := subs.Subscribe(public, "watcher@example.org", "fr"); err != nil {
			t.Fatal(err)
		}
		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example"})
		if n, err := o.Drain(context.Background()); err != nil || n != 1 {
			t.Fatalf("the confirmation: %v %d", err, n)
		}
		msgs := sink.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "watcher@example.org" {
			t.Fatalf("messages: %+v", msgs)
		}
		body := strings.ReplaceAll(strings.ReplaceAll(string(msgs[0].Data), "=\r\n", ""), "=3D", "=")
		i := strings.Index(body, "/subprocessors/confirm?token=")
		if i < 0 {
			t.Fatalf("no confirmation link in:\n%s", body)
		}
		token := body[i+len("/subprocessors/confirm?token="):]
		token = token[:strings.IndexAny(token, "\r\n\"<> ")]
		if _, err := subs.Confirm(public, token); err != nil {
			t.Fatalf("confirm with %q: %v", token, err)
		}

		announced(t, db, "")
		if _, err := o.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		var change *smtpsink.Message
		for _, m := range sink.Messages() {
			if m.To[0] == "watcher@example.org" && m.Subject != msgs[0].Subject {
				change = &m
			}
		}
		if change == nil || !strings.Contains(string(change.Data), "List-Unsubscribe-Post: List-Unsubscribe=One-Click") ||
			!strings.Contains(string(change.Data), "Hosting GmbH") {
			t.Fatalf("the change to the subscriber: %+v", change)
		}
	})
}

// On SQLite, which one process owns, a restart takes up at once what the
// crashed process had claimed, rather than waiting out the lease.
func TestReleaseLeasesAfterACrash(t *testing.T) {
	db := testrig.OpenDB(t, store.SQLite)
	announced(t, db, "")
	claimed, err := db.ClaimDeliveries(context.Background(), art28.ChannelEmail, 10, time.Hour)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %v %d", err, len(claimed))
	}
	if again, _ := db.ClaimDeliveries(context.Background(), art28.ChannelEmail, 10, time.Hour); len(again) != 0 {
		t.Fatalf("leased deliveries claimed twice: %d", len(again))
	}
	if n, err := db.ReleaseLeases(context.Background()); err != nil || n != 2 {
		t.Fatalf("release: %v %d", err, n)
	}
	if again, _ := db.ClaimDeliveries(context.Background(), art28.ChannelEmail, 10, time.Hour); len(again) != 2 {
		t.Fatalf("after the release, %d claimed, want 2", len(again))
	}
}
