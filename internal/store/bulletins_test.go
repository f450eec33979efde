package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// A bulletin (G6.3: a supervisory authority acts) goes to every customer
// with a running agreement, each with its deliveries, and each customer
// sees and acknowledges only its own.
func TestBulletins(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		before := testrig.ActivityCount(t, db)
		for _, bad := range []struct {
			b     art28.Bulletin
			field string
		}{
			{art28.Bulletin{Kind: "gossip", Title: "x", Body: "x", AllRunning: true}, "kind"},
			{art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "x", Body: "x"}, "customer_ids"},
			{art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "x", Body: "x", CustomerIDs: []int64{999999}}, "customer_ids"},
			{art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "", Body: "x", AllRunning: true}, "title"},
		} {
			testrig.WantError(t, all.Bulletins.IssueBulletin(po, &bad.b), art28.EINVALID, bad.field)
		}
		if testrig.ActivityCount(t, db) != before {
			t.Fatal("a refused bulletin was recorded")
		}
		b := &art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "An inspection by the authority",
			Body: "The Landesbeauftragte inspects our data centre on 3 March.", AllRunning: true}
		if err := all.Bulletins.IssueBulletin(po, b); err != nil {
			t.Fatal(err)
		}
		// Only Globex's agreement runs in the fixtures.
		if b.Recipients != 1 || len(b.ClauseIDs) != 1 || b.ClauseIDs[0] != "G6.3" {
			t.Fatalf("bulletin %+v", b)
		}
		deliveries, _, _ := all.Deliveries.Deliveries(po, art28.DeliveryFilter{Event: "bulletin"})
		if len(deliveries) != 1 || deliveries[0].CustomerID != f.Customers["globex"].ID {
			t.Fatalf("deliveries %+v", deliveries)
		}
		globex := testrig.As(testrig.CustomerMember(f.Customers["globex"].ID))
		acme := testrig.As(testrig.CustomerAdmin(f.Customers["acme"].ID))
		if list, n, _ := all.Bulletins.Bulletins(acme, art28.Page{}); n != 0 || len(list) != 0 {
			t.Fatalf("Acme sees a bulletin it was not sent: %d", n)
		}
		_, err := all.Bulletins.AcknowledgeBulletin(acme, b.ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		got, err := all.Bulletins.AcknowledgeBulletin(globex, b.ID)
		if err != nil || got.AcknowledgedAt == nil {
			t.Fatalf("acknowledge: %v %+v", err, got)
		}
		_, err = all.Bulletins.AcknowledgeBulletin(globex, b.ID)
		testrig.WantError(t, err, art28.ECONFLICT, "acknowledged_at")
		staff, err := all.Bulletins.Bulletin(po, b.ID)
		if err != nil || staff.Acknowledged != 1 || staff.Recipients != 1 {
			t.Fatalf("the processor's view: %v %+v", err, staff)
		}
		chosen := &art28.Bulletin{Kind: art28.BulletinDPOChange, Title: "A new DPO", Body: "From 1 April our DPO is Ada Lovelace.",
			CustomerIDs: []int64{f.Customers["acme"].ID, f.Customers["globex"].ID}}
		if err := all.Bulletins.IssueBulletin(po, chosen); err != nil || chosen.Recipients != 2 {
			t.Fatalf("to chosen customers: %v %+v", err, chosen)
		}
		if list, n, _ := all.Bulletins.Bulletins(acme, art28.Page{}); n != 1 || list[0].ID != chosen.ID {
			t.Fatalf("Acme's bulletins: %d", n)
		}
	})
}

// Each customer's copy of a bulletin is due on its own agreement's clock
// from when the processor learned of the event (G7.4 under seed 003: 24
// hours; an override: 2 hours), and the record says who was told late. A
// legal obligation the law forbids telling yet (G4.5) is recorded, due
// before the processing starts, and sent only when released.
func TestBulletinDeadlines(t *testing.T) {
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		v, _, err := all.Terms.ImportTerms(po, "dpa-standard", art28.TermsImport{Content: string(genz)})
		if err != nil {
			t.Fatal(err)
		}
		globex, acme := f.Agreements["globex"], f.Agreements["acme"]
		if _, err := all.Agreements.ConcludeAgreement(po, acme.ID, art28.Conclusion{Method: art28.ConcludedSignature,
			AcceptedBy: "Acme CEO", AcceptedAt: db.Now()}); err != nil {
			t.Fatal(err)
		}
		// Acme's terms give 2 hours instead of the seed's 24-hour target.
		strict := strings.Replace(string(genz), "  disruption_notice:\n    period: without undue delay\n    target: 24 hours\n",
			"  disruption_notice:\n    period: 2 hours\n", 1)
		v2, _, err := all.Terms.ImportTerms(po, "dpa-standard", art28.TermsImport{Content: strict})
		if err != nil || v2.ID == v.ID {
			t.Fatalf("the stricter terms: %v", err)
		}
		for ag, version := range map[int64]int64{globex.ID: v.ID, acme.ID: v2.ID} {
			if _, err := all.Terms.SetAgreementTerms(po, ag, version, ""); err != nil {
				t.Fatal(err)
			}
		}
		globexStaff := testrig.As(testrig.CustomerMember(globex.CustomerID))
		acmeStaff := testrig.As(testrig.CustomerAdmin(acme.CustomerID))

		before := testrig.ActivityCount(t, db)
		soon := clock.Add(10 * 24 * time.Hour)
		for _, bad := range []struct {
			b     art28.Bulletin
			field string
		}{
			{art28.Bulletin{Kind: art28.BulletinDisruption, Title: "x", Body: "x", AllRunning: true, OccurredAt: clock.Add(time.Hour)}, "occurred_at"},
			{art28.Bulletin{Kind: art28.BulletinDisruption, Title: "x", Body: "x", AllRunning: true, ProcessingFrom: &soon}, "processing_from"},
			{art28.Bulletin{Kind: art28.BulletinDisruption, Title: "x", Body: "x", AllRunning: true, WithheldReason: "secret"}, "withheld_reason"},
		} {
			testrig.WantError(t, all.Bulletins.IssueBulletin(po, &bad.b), art28.EINVALID, bad.field)
		}
		if testrig.ActivityCount(t, db) != before {
			t.Fatal("a refused bulletin was recorded")
		}

		occurred := clock.Add(-3 * time.Hour)
		b := &art28.Bulletin{Kind: art28.BulletinDisruption, Title: "Backups failed for three hours",
			Body: "No backups were taken between 06:00 and 09:00 UTC.", AllRunning: true, OccurredAt: occurred}
		if err := all.Bulletins.IssueBulletin(po, b); err != nil {
			t.Fatal(err)
		}
		if b.Recipients != 2 || b.Late != 1 || b.Deadlines != 2 || b.SentAt == nil || !b.OccurredAt.Equal(occurred) {
			t.Fatalf("bulletin %+v", b)
		}
		recipients, err := all.Bulletins.BulletinRecipients(po, b.ID)
		if err != nil || len(recipients) != 2 {
			t.Fatalf("recipients: %v %+v", err, recipients)
		}
		due := map[int64]*art28.BulletinRecipient{}
		for _, r := range recipients {
			due[r.CustomerID] = r
		}
		if r := due[acme.CustomerID]; r.DueAt == nil || !r.DueAt.Equal(occurred.Add(2*time.Hour)) || r.LateSeconds != 3600 {
			t.Fatalf("Acme's copy (2 hours): %+v", r)
		}
		if r := due[globex.CustomerID]; r.DueAt == nil || !r.DueAt.Equal(occurred.Add(24*time.Hour)) || r.LateSeconds != 0 ||
			len(r.ClauseIDs) != 1 || r.ClauseIDs[0] != "G7.4" || r.Zone != "Europe/Berlin" {
			t.Fatalf("Globex's copy (G7.4, 24 hours): %+v", r)
		}
		if own, err := all.Bulletins.Bulletin(acmeStaff, b.ID); err != nil || own.DueAt == nil || !own.DueAt.Equal(occurred.Add(2*time.Hour)) ||
			own.Late != 0 {
			t.Fatalf("Acme's own view: %v %+v", err, own)
		}
		_, err = all.Bulletins.BulletinRecipients(acmeStaff, b.ID)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")

		// G4.5, withheld: recorded, due before the processing, not sent.
		withheld := &art28.Bulletin{Kind: art28.BulletinLegalObligation, Title: "A court order to keep logs",
			Body: "A court orders us to keep access logs for a year.", CustomerIDs: []int64{globex.CustomerID},
			ProcessingFrom: &soon, WithheldReason: "The order forbids telling the customer until the investigation ends."}
		if err := all.Bulletins.IssueBulletin(po, withheld); err != nil {
			t.Fatal(err)
		}
		if !withheld.Withheld() {
			t.Fatalf("sent at once: %+v", withheld)
		}
		count := func(id int64) int {
			list, _, err := all.Deliveries.Deliveries(po, art28.DeliveryFilter{Event: "bulletin"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, d := range list {
				if d.CustomerID == globex.CustomerID {
					n++
				}
			}
			return n
		}
		sentBefore := count(globex.CustomerID)
		_, err = all.Bulletins.Bulletin(globexStaff, withheld.ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		if list, _ := all.Bulletins.BulletinRecipients(po, withheld.ID); len(list) != 1 || list[0].DueAt == nil ||
			!list[0].DueAt.Equal(soon) || list[0].NotifiedAt != nil {
			t.Fatalf("the withheld copy: %+v", list)
		}
		// Its duty: the processor's (no customer's), due when the processing starts.
		withheldDuties := func(a context.Context) []*art28.Duty {
			list, _, err := all.Duties.Duties(a, art28.DutyFilter{Page: art28.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			var out []*art28.Duty
			for _, d := range list {
				if d.Kind == "bulletin.withheld" {
					out = append(out, d)
				}
			}
			return out
		}
		duties := withheldDuties(po)
		if len(duties) != 1 || !duties[0].DueAt.Equal(soon) || duties[0].CustomerID != 0 || duties[0].State != art28.DutyOpen {
			t.Fatalf("the withheld bulletin's duty: %+v", duties)
		}
		if seen := withheldDuties(globexStaff); len(seen) != 0 {
			t.Fatalf("Globex sees the withheld bulletin's duty: %+v", seen)
		}
		sent, err := all.Bulletins.SendBulletin(po, withheld.ID)
		if err != nil || sent.SentAt == nil || sent.Late != 0 {
			t.Fatalf("send: %v %+v", err, sent)
		}
		if count(globex.CustomerID) <= sentBefore {
			t.Fatal("sending the withheld bulletin queued no delivery")
		}
		if seen, err := all.Bulletins.Bulletin(globexStaff, withheld.ID); err != nil || seen.WithheldReason != "" {
			t.Fatalf("Globex once it is sent: %v %+v", err, seen)
		}
		if d, err := all.Duties.Duty(po, duties[0].ID); err != nil || d.State != art28.DutyDone {
			t.Fatalf("the duty after sending: %v %+v", err, d)
		}
		_, err = all.Bulletins.SendBulletin(po, withheld.ID)
		testrig.WantError(t, err, art28.ECONFLICT, "sent_at")
	}, store.WithClock(func() time.Time { return clock }))
}

// Saving a new DPO in the profile tells every customer with a running
// agreement at once (G5.5); saving the profile without one tells nobody.
func TestDPOChangeTellsCustomers(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		owner := testrig.As(testrig.Owner)
		profile := &art28.ProcessorProfile{LegalName: "Hosting GmbH", Country: "DE", DPOName: "Dana Schutz", DPOEmail: "dpo@hosting.example"}
		if err := all.Processor.UpdateProfile(owner, profile); err != nil {
			t.Fatal(err)
		}
		_, first, _ := all.Bulletins.Bulletins(owner, art28.Page{})
		profile.DPOName, profile.DPOEmail = "Ada Lovelace", "ada@hosting.example"
		if err := all.Processor.UpdateProfile(owner, profile); err != nil {
			t.Fatal(err)
		}
		list, n, err := all.Bulletins.Bulletins(owner, art28.Page{})
		if err != nil || n != first+1 {
			t.Fatalf("bulletins after the DPO changed: %v %d, before %d", err, n, first)
		}
		b := list[0]
		if b.Kind != art28.BulletinDPOChange || !b.AllRunning || b.Recipients != 1 || !strings.Contains(b.Body, "ada@hosting.example") ||
			!strings.Contains(b.Body, "Dana Schutz") {
			t.Fatalf("the DPO bulletin: %+v", b)
		}
		globex := testrig.As(testrig.CustomerMember(f.Agreements["globex"].CustomerID))
		if _, err := all.Bulletins.Bulletin(globex, b.ID); err != nil {
			t.Fatalf("Globex was not told: %v", err)
		}
		profile.Address = "Seestraße 1, Konstanz"
		if err := all.Processor.UpdateProfile(owner, profile); err != nil {
			t.Fatal(err)
		}
		if _, again, _ := all.Bulletins.Bulletins(owner, art28.Page{}); again != n {
			t.Fatalf("a change of address told the customers of a DPO change: %d bulletins", again)
		}
	})
}

// Two sends of one withheld bulletin at once (two clicks; on two replicas
// only the claim in SendBulletin keeps it to one):
// one sends it, the other is told it was sent, and each customer gets one
// copy.
func TestSendBulletinOnce(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		globex := f.Agreements["globex"].CustomerID
		b := &art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "An order", Body: "An authority orders an audit.",
			CustomerIDs: []int64{globex}, WithheldReason: "The order forbids telling yet."}
		if err := all.Bulletins.IssueBulletin(po, b); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := all.Bulletins.SendBulletin(po, b.ID)
				errs <- err
			}()
		}
		sent, refused := 0, 0
		for range 2 {
			switch err := <-errs; art28.ErrorCode(err) {
			case "":
				sent++
			case art28.ECONFLICT:
				refused++
			default:
				t.Fatalf("send: %v", err)
			}
		}
		if sent != 1 || refused != 1 {
			t.Fatalf("%d sent, %d refused; want one of each", sent, refused)
		}
		list, _, err := all.Deliveries.Deliveries(po, art28.DeliveryFilter{Event: "bulletin"})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, d := range list {
			seen[d.Channel+" "+d.Recipient]++
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("%s has %d deliveries of the bulletin", k, n)
			}
		}
		if len(seen) == 0 {
			t.Error("no delivery was queued")
		}
	})
}

// A bulletin to more customers than one batch of recipient rows (250):
// every customer has its copy, and each sees it.
func TestBulletinToManyCustomers(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		var ids []int64
		for i := range 260 {
			c := &art28.Customer{LegalName: fmt.Sprintf("Customer %03d GmbH", i), Country: "DE"}
			if err := all.Customers.CreateCustomer(po, c); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		b := &art28.Bulletin{Kind: art28.BulletinMeasures, Title: "A measure no longer holds", Body: "Our backups were not encrypted for a week.",
			CustomerIDs: ids}
		if err := all.Bulletins.IssueBulletin(po, b); err != nil || b.Recipients != len(ids) {
			t.Fatalf("issue: %v, %d recipients", err, b.Recipients)
		}
		list, err := all.Bulletins.BulletinRecipients(po, b.ID)
		if err != nil || len(list) != len(ids) {
			t.Fatalf("recipients: %v, %d", err, len(list))
		}
		for _, id := range []int64{ids[0], ids[249], ids[250], ids[len(ids)-1]} {
			if _, err := all.Bulletins.Bulletin(testrig.As(testrig.CustomerMember(id)), b.ID); err != nil {
				t.Errorf("customer %d: %v", id, err)
			}
		}
	})
}
