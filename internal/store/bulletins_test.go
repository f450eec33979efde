package store_test

import (
	"testing"

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
