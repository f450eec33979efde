package outbox_test

import (
	"context"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/outbox"
	"github.com/art28/art28/internal/smtpsink"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// A breach notice reaches the customer's DPO with its own figures, what
// will follow, and the clause it is given under.
func TestOutboxDeliversBreachNotice(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		sink, err := smtpsink.Start("127.0.0.1:0", true)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		v := testrig.SeedTerms(t, all, po, "genz-saas-v1.yaml")
		globex := f.Agreements["globex"]
		if _, err := all.Terms.SetAgreementTerms(po, globex.ID, v.ID, ""); err != nil {
			t.Fatal(err)
		}
		subjects := int64(120)
		aware := db.Now().Add(-2 * time.Hour)
		inc := &art28.Incident{Title: "Backup bucket publicly readable", Description: "Public reads were allowed.", Reporter: "On call",
			DetectedAt: aware, AwareAt: aware, Affected: []art28.Affected{{CustomerID: globex.CustomerID, Subjects: &subjects}}}
		if err := all.Incidents.RecordIncident(po, inc); err != nil {
			t.Fatal(err)
		}
		if _, err := all.Incidents.Assess(po, inc.ID, art28.AssessBreach, "Personal data exposed."); err != nil {
			t.Fatal(err)
		}
		if _, err := all.Incidents.IssueNotices(po, inc.ID, art28.BreachContent{Nature: "Unauthorised reads.", DPO: "Dana, dpo@hosting.example",
			Consequences: "Phishing.", Measures: "Closed.", ToFollow: []art28.NoticePart{art28.PartRecords}}); err != nil {
			t.Fatal(err)
		}
		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example"})
		if n, err := o.Drain(context.Background()); err != nil || n != 1 {
			t.Fatalf("drain: %v %d", err, n)
		}
		msgs := sink.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages", len(msgs))
		}
		body := strings.ReplaceAll(string(msgs[0].Data), "=\r\n", "")
		for _, want := range []string{"about 120", "records", "to follow", "G7.2", "/portal/incidents/"} {
			if !strings.Contains(body, want) {
				t.Errorf("the notice lacks %q:\n%s", want, body)
			}
		}
		if !strings.HasPrefix(msgs[0].Subject, "Personal data breach") {
			t.Errorf("subject %q", msgs[0].Subject)
		}
	})
}

// A bulletin reaches the customer's contacts with its clause.
func TestOutboxDeliversBulletin(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		sink, err := smtpsink.Start("127.0.0.1:0", true)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		testrig.Seed(t, db)
		all := store.All(db)
		b := &art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "An inspection by the authority",
			Body: "The authority inspects our data centre on 3 March.", AllRunning: true}
		if err := all.Bulletins.IssueBulletin(testrig.As(testrig.PrivacyOfficer), b); err != nil {
			t.Fatal(err)
		}
		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example"})
		if n, err := o.Drain(context.Background()); err != nil || n != 1 {
			t.Fatalf("drain: %v %d", err, n)
		}
		msgs := sink.Messages()
		if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "An inspection by the authority") ||
			!strings.Contains(string(msgs[0].Data), "G6.3") {
			t.Fatalf("messages: %+v", msgs)
		}
	})
}

// A change notice and a breach notice that share an ID, delivered in one
// batch, each get their own message.
func TestOutboxKeepsEventsApart(t *testing.T) {
	db := testrig.OpenDB(t, store.SQLite)
	sink, err := smtpsink.Start("127.0.0.1:0", true)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	all := announced(t, db, "") // change notice 1, to Globex
	globex, _, _ := all.Customers.Customers(testrig.As(art28.SystemActor), art28.CustomerFilter{Query: "Globex"})
	aware := db.Now().Add(-time.Hour)
	inc := &art28.Incident{Title: "Backup bucket publicly readable", Description: "Public reads.", Reporter: "On call",
		DetectedAt: aware, AwareAt: aware, Affected: []art28.Affected{{CustomerID: globex[0].ID}}}
	po := testrig.As(testrig.PrivacyOfficer)
	if err := all.Incidents.RecordIncident(po, inc); err != nil {
		t.Fatal(err)
	}
	if _, err := all.Incidents.Assess(po, inc.ID, art28.AssessBreach, "Exposed."); err != nil {
		t.Fatal(err)
	}
	notices, err := all.Incidents.IssueNotices(po, inc.ID, art28.BreachContent{Nature: "Reads.", DPO: "Dana", Consequences: "Little.",
		Measures: "Closed.", ToFollow: []art28.NoticePart{art28.PartSubjects, art28.PartRecords}})
	if err != nil || len(notices) != 1 || notices[0].ID != 1 {
		t.Fatalf("the breach notice: %v %+v", err, notices)
	}
	o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Address: "privacy@processor.example"},
		BaseURL: "https://art28.processor.example", Workers: 1})
	if _, err := o.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	breach, change := 0, 0
	for _, m := range sink.Messages() {
		switch {
		case strings.Contains(string(m.Data), "/portal/incidents/"): // the breach notice links the incident; the subject is in Globex's language
			breach++
		case strings.Contains(string(m.Data), "Hosting GmbH"):
			change++
		}
	}
	if breach != 2 || change != 2 { // Globex's DPO and legal contact, for each
		t.Fatalf("%d breach and %d change messages, want 2 and 2", breach, change)
	}
}
