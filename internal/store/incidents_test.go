package store_test

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// SCENARIOS.md 3: a breach reaching customers on different clocks (24
// hours, 72 hours, without undue delay with a 24-hour target), notices
// that say what will follow, each customer's own figures, the encryption
// of one customer's backups as a mitigating factor (and the others'
// notices without it), an acknowledgement, an update
// as a second phase, and a closed incident refusing more.
func TestBreachOnEachAgreementsClock(t *testing.T) {
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var clock time.Time
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock = time.Date(2027, 2, 15, 15, 30, 0, 0, time.UTC)
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		if err := all.Processor.UpdateProfile(testrig.As(testrig.Owner), &art28.ProcessorProfile{LegalName: "Hosting GmbH", Country: "DE",
			DPOName: "Dana Schutz", DPOEmail: "dpo@hosting.example"}); err != nil {
			t.Fatal(err)
		}
		v, _, err := all.Terms.ImportTerms(po, "dpa-standard", art28.TermsImport{Content: string(genz)})
		if err != nil {
			t.Fatal(err)
		}
		globex, acme := f.Agreements["globex"], f.Agreements["acme"]
		if _, err := all.Agreements.ConcludeAgreement(po, acme.ID, art28.Conclusion{Method: art28.ConcludedSignature,
			AcceptedBy: "Acme CEO", AcceptedAt: db.Now()}); err != nil {
			t.Fatal(err)
		}
		initech := &art28.Customer{LegalName: "Initech SARL", Country: "FR", EUEstablished: true}
		if err := all.Customers.CreateCustomer(po, initech); err != nil {
			t.Fatal(err)
		}
		if err := all.Customers.CreateContact(po, &art28.Contact{CustomerID: initech.ID, Name: "Admin", Email: "it@initech.example",
			Roles: []art28.ContactRole{art28.ContactAdministrator}}); err != nil {
			t.Fatal(err)
		}
		backups := &art28.Agreement{CustomerID: initech.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{f.Services["backup"].ID}}
		if err := all.Agreements.CreateAgreement(po, backups); err != nil {
			t.Fatal(err)
		}
		if _, err := all.Agreements.ConcludeAgreement(po, backups.ID, art28.Conclusion{Method: art28.ConcludedSignature,
			AcceptedBy: "Initech", AcceptedAt: db.Now()}); err != nil {
			t.Fatal(err)
		}
		for ag, overrides := range map[int64]string{
			globex.ID:  "", // G7.2: 24 hours
			acme.ID:    "clauses:\n  breach_notification:\n    period: 72 hours\n    implements: [C8]\n",
			backups.ID: "clauses:\n  breach_notification:\n    period: without undue delay\n    target: 24 hours\n    implements: [L9]\n",
		} {
			if _, err := all.Terms.SetAgreementTerms(po, ag, v.ID, overrides); err != nil {
				t.Fatal(err)
			}
		}

		n := func(v int64) *int64 { return &v }
		aware := time.Date(2027, 2, 15, 15, 20, 0, 0, time.UTC) // 16:20 in Berlin
		// Initech has the backup only, which encrypts on the customer's
		// side (L3); Globex and Acme also have the hosting, which does not.
		inc := &art28.Incident{Title: "Backup bucket publicly readable", Description: "A bucket's policy allowed public reads.",
			Reporter: "On-call engineer", DetectedAt: aware.Add(-time.Hour), AwareAt: aware.Add(time.Hour),
			ServiceIDs: []int64{f.Services["hosting"].ID, f.Services["backup"].ID},
			Affected: []art28.Affected{{CustomerID: globex.CustomerID, Subjects: n(120)}, {CustomerID: acme.CustomerID, Subjects: n(40), Records: n(900)},
				{CustomerID: initech.ID}}}
		before := testrig.ActivityCount(t, db)
		testrig.WantError(t, all.Incidents.RecordIncident(po, inc), art28.EINVALID, "aware_at") // in the future
		if testrig.ActivityCount(t, db) != before {
			t.Fatal("a refused incident was recorded")
		}
		inc.AwareAt = aware
		if err := all.Incidents.RecordIncident(po, inc); err != nil {
			t.Fatal(err)
		}
		clocks, err := all.Incidents.Assess(po, inc.ID, art28.AssessBreach, "Personal data were readable by anyone.")
		if err != nil {
			t.Fatal(err)
		}
		due := map[int64]string{globex.ID: "2027-02-16T16:20:00+01:00", acme.ID: "2027-02-18T16:20:00+01:00", backups.ID: "2027-02-16T16:20:00+01:00"}
		if len(clocks) != 3 {
			t.Fatalf("clocks: %+v", clocks)
		}
		for _, c := range clocks {
			if !c.DueAt.Equal(mustTime(t, due[c.AgreementID])) || c.DutyID == 0 || c.NotifiedAt != nil {
				t.Errorf("agreement %d: clock %+v, want due %s", c.AgreementID, c, due[c.AgreementID])
			}
		}
		_, err = all.Incidents.Assess(po, inc.ID, art28.AssessBreach, "again")
		testrig.WantError(t, err, art28.ECONFLICT, "assessment")

		// The request's ClientSideEncrypted counts for nothing: the register
		// decides per customer.
		content := art28.BreachContent{Nature: "Unauthorised read access to backup files.", DataCategories: []string{"contact data"},
			Consequences: "Contact data may be misused for phishing.", Measures: "The bucket was closed at 16:45; access logs are being analysed.",
			Mitigation: "Payment data are not in the backups.", ClientSideEncrypted: true}
		_, err = all.Incidents.IssueNotices(po, inc.ID, content)
		testrig.WantError(t, err, art28.EINVALID, "to_follow")
		if list, _ := all.Incidents.BreachNotices(po, inc.ID); len(list) != 0 {
			t.Fatalf("a refused notice stored %d notices", len(list))
		}
		content.ToFollow = []art28.NoticePart{art28.PartSubjects, art28.PartRecords}
		clock = time.Date(2027, 2, 16, 9, 0, 0, 0, time.UTC)
		notices, err := all.Incidents.IssueNotices(po, inc.ID, content)
		if err != nil || len(notices) != 3 {
			t.Fatalf("issue: %v %d", err, len(notices))
		}
		// Only Initech's notice says its data were encrypted on its side,
		// as a flag each language words itself; the processor's own
		// mitigation goes to everyone as typed. So the notices say, and so
		// they are stored.
		stored, err := all.Incidents.BreachNotices(po, inc.ID)
		if err != nil || len(stored) != 3 {
			t.Fatalf("stored notices: %v %d", err, len(stored))
		}
		for _, bn := range append(notices, stored...) {
			switch bn.CustomerID {
			case globex.CustomerID:
				if *bn.Content.Subjects != 120 || bn.Content.Records != nil {
					t.Errorf("Globex's figures: %+v", bn.Content)
				}
			case acme.CustomerID:
				if *bn.Content.Records != 900 {
					t.Errorf("Acme's figures: %+v", bn.Content)
				}
			}
			if encrypted := bn.CustomerID == initech.ID; bn.Content.ClientSideEncrypted != encrypted {
				t.Errorf("customer %d: encrypted on its side %v, want %v", bn.CustomerID, bn.Content.ClientSideEncrypted, encrypted)
			}
			if bn.Content.Mitigation != content.Mitigation {
				t.Errorf("customer %d: the mitigation reads %q, not as typed", bn.CustomerID, bn.Content.Mitigation)
			}
			if bn.Phase != 1 || bn.Late != 0 || !strings.Contains(bn.Content.DPO, "dpo@hosting.example") {
				t.Errorf("notice %+v", bn)
			}
		}
		clocks, _ = all.Incidents.Clocks(po, inc.ID)
		for _, c := range clocks {
			if c.NotifiedAt == nil || c.Late != "" {
				t.Errorf("clock after the notice: %+v", c)
			}
			if d, _ := all.Duties.Duty(po, c.DutyID); d.State != art28.DutyDone {
				t.Errorf("the notice duty is %s", d.State)
			}
		}
		deliveries, _, _ := all.Deliveries.Deliveries(po, art28.DeliveryFilter{Event: "breach_notice"})
		if len(deliveries) != 3 { // each customer's DPO, Initech's administrator (every contact, when no default role has one)
			t.Errorf("deliveries: %d", len(deliveries))
		}

		// Acme sees its own notice only, and acknowledges it; Globex cannot.
		acmeAdmin := testrig.As(testrig.CustomerAdmin(acme.CustomerID))
		own, err := all.Incidents.BreachNotices(acmeAdmin, inc.ID)
		if err != nil || len(own) != 1 || own[0].CustomerID != acme.CustomerID {
			t.Fatalf("Acme's notices: %v %+v", err, own)
		}
		if seen, _ := all.Incidents.Incident(acmeAdmin, inc.ID); len(seen.Affected) != 1 {
			t.Fatalf("Acme sees others' figures: %+v", seen.Affected)
		}
		_, err = all.Incidents.Acknowledge(testrig.As(testrig.CustomerAdmin(globex.CustomerID)), own[0].ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		if ack, err := all.Incidents.Acknowledge(acmeAdmin, own[0].ID); err != nil || ack.AcknowledgedAt == nil {
			t.Fatalf("acknowledge: %v %+v", err, ack)
		}
		if cl, _ := all.Incidents.Clocks(acmeAdmin, inc.ID); len(cl) != 1 || cl[0].AcknowledgedAt == nil {
			t.Fatalf("Acme's clock after the acknowledgement: %+v", cl)
		}
		_, err = all.Incidents.Acknowledge(acmeAdmin, own[0].ID)
		testrig.WantError(t, err, art28.ECONFLICT, "acknowledged_at")
		other := &art28.Customer{LegalName: "Untouched AG", Country: "DE"}
		if err := all.Customers.CreateCustomer(po, other); err != nil {
			t.Fatal(err)
		}
		_, err = all.Incidents.Incident(testrig.As(testrig.CustomerAdmin(other.ID)), inc.ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")

		// The figures follow (Art. 33(4)): a second phase to everyone.
		inc.Affected = []art28.Affected{{CustomerID: globex.CustomerID, Subjects: n(120), Records: n(300)},
			{CustomerID: acme.CustomerID, Subjects: n(40), Records: n(900)}, {CustomerID: initech.ID, Subjects: n(2), Records: n(2)}}
		if err := all.Incidents.UpdateIncident(po, inc); err != nil {
			t.Fatal(err)
		}
		content.ToFollow = nil
		second, err := all.Incidents.IssueNotices(po, inc.ID, content)
		if err != nil || len(second) != 3 || second[0].Phase != 2 || second[0].DueAt != nil {
			t.Fatalf("second phase: %v %+v", err, second)
		}
		// The outbox reads a batch's notices in one statement: the same as
		// one by one, and an unknown ID left out.
		ids := []int64{notices[0].ID, second[0].ID, second[1].ID, second[2].ID, 999999}
		batch, err := db.BreachMailings(context.Background(), ids)
		if err != nil || len(batch) != 4 {
			t.Fatalf("BreachMailings: %v, %d notices, want 4", err, len(batch))
		}
		for _, id := range ids[:4] {
			one, err := db.BreachMailing(context.Background(), id)
			if err != nil || !reflect.DeepEqual(one, batch[id]) {
				t.Errorf("notice %d: one by one %+v (%v), in a batch %+v", id, one, err, batch[id])
			}
		}
		if _, err := all.Incidents.CloseIncident(po, inc.ID); err != nil {
			t.Fatal(err)
		}
		testrig.WantError(t, all.Incidents.UpdateIncident(po, inc), art28.ECONFLICT, "state")
		_, err = all.Incidents.IssueNotices(po, inc.ID, content)
		testrig.WantError(t, err, art28.ECONFLICT, "state")
	}, store.WithClock(func() time.Time { return clock }))
}

// An affected agreement whose terms set no breach clock (here: no terms at
// all) runs on the regulation's own, without undue delay, on a 24-hour
// target: no affected customer is left without a notice.
func TestBreachClockWithoutTerms(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		globex := f.Agreements["globex"] // active, no terms in the fixtures
		aware := db.Now().Add(-time.Hour).Truncate(time.Second)
		inc := &art28.Incident{Title: "Exposure", Description: "Records were exposed.", Reporter: "On call", DetectedAt: aware,
			AwareAt: aware, Affected: []art28.Affected{{CustomerID: globex.CustomerID}}}
		if err := all.Incidents.RecordIncident(po, inc); err != nil {
			t.Fatal(err)
		}
		clocks, err := all.Incidents.Assess(po, inc.ID, art28.AssessBreach, "Personal data exposed.")
		if err != nil || len(clocks) != 1 {
			t.Fatalf("clocks: %v %+v", err, clocks)
		}
		if c := clocks[0]; c.Period != "without undue delay" || !c.DueAt.Equal(aware.Add(24*time.Hour)) || c.AgreementID != globex.ID {
			t.Fatalf("the default clock: %+v", c)
		}
	})
}
