package store_test

import (
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestDuties(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		s := store.NewDuties(db)
		po := testrig.As(testrig.PrivacyOfficer)
		acme, globex := f.Customers["acme"], f.Customers["globex"]
		at := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)

		before := testrig.ActivityCount(t, db)
		bad := &art28.Duty{Kind: "x", Title: "Y", OpenedAt: at, DueAt: at.Add(-time.Hour)}
		testrig.WantError(t, s.OpenDuty(po, bad), art28.EINVALID, "due_at")
		testrig.WantError(t, s.OpenDuty(testrig.As(testrig.CustomerAdmin(acme.ID)), &art28.Duty{Kind: "x", Title: "Y", OpenedAt: at, DueAt: at}),
			art28.EFORBIDDEN, "")
		if testrig.ActivityCount(t, db) != before {
			t.Fatal("a refused duty was recorded")
		}

		var opened []*art28.Duty
		for i, c := range []*art28.Customer{acme, globex, acme} {
			d := &art28.Duty{Kind: "subprocessor.objection_window", Title: "Objection window of " + c.LegalName,
				CustomerID: c.ID, Clause: art28.SubprocessorNotice, ClauseIDs: []string{"G9.1"},
				OpenedAt: at, DueAt: at.Add(time.Duration(3-i) * 24 * time.Hour)}
			if err := s.OpenDuty(po, d); err != nil {
				t.Fatal(err)
			}
			opened = append(opened, d)
		}
		open := art28.DutyOpen
		list, total, err := s.Duties(po, art28.DutyFilter{State: &open})
		if err != nil || total != 3 || list[0].ID != opened[2].ID || list[2].ID != opened[0].ID {
			t.Fatalf("soonest first: %v %d %+v", err, total, list)
		}
		if got := list[0]; got.ClauseIDs[0] != "G9.1" || got.Clause != art28.SubprocessorNotice || !got.DueAt.Equal(opened[2].DueAt) {
			t.Fatalf("read back %+v", got)
		}
		// A customer sees its own duties only.
		mine, total, err := s.Duties(testrig.As(testrig.CustomerMember(acme.ID)), art28.DutyFilter{})
		if err != nil || total != 2 || mine[0].CustomerID != acme.ID || mine[1].CustomerID != acme.ID {
			t.Fatalf("acme's duties: %v %d", err, total)
		}
		_, err = s.Duty(testrig.As(testrig.CustomerMember(acme.ID)), opened[1].ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")

		if !list[0].Overdue(at.Add(24*time.Hour)) || list[0].Overdue(at) {
			t.Fatal("Overdue is wrong")
		}
		_, err = s.CloseDuty(po, opened[0].ID, art28.DutyWaived, "  ")
		testrig.WantError(t, err, art28.EINVALID, "reason")
		d, err := s.CloseDuty(po, opened[0].ID, art28.DutyWaived, "The customer withdrew the change.")
		if err != nil || d.State != art28.DutyWaived || d.ClosedBy != testrig.PrivacyOfficer.Name || d.ClosedAt == nil {
			t.Fatalf("waive: %v %+v", err, d)
		}
		_, err = s.CloseDuty(po, opened[0].ID, art28.DutyDone, "")
		testrig.WantError(t, err, art28.ECONFLICT, "state")
		if _, err := s.CloseDuty(po, opened[1].ID, art28.DutyDone, ""); err != nil {
			t.Fatal(err)
		}
		list, total, _ = s.Duties(po, art28.DutyFilter{State: &open})
		if total != 1 || list[0].ID != opened[2].ID {
			t.Fatalf("open after closing two: %d %+v", total, list)
		}
		soon := at.Add(36 * time.Hour)
		list, total, _ = s.Duties(po, art28.DutyFilter{DueBefore: &soon})
		if total != 1 || list[0].ID != opened[2].ID {
			t.Fatalf("due before %s: %d", soon, total)
		}
	})
}

func TestNextDue(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		s := store.NewDuties(db)
		po := testrig.As(testrig.PrivacyOfficer)
		at := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
		for i := 0; i < 5; i++ {
			c := f.Customers["acme"]
			if i%2 == 1 {
				c = f.Customers["globex"]
			}
			if err := s.OpenDuty(po, &art28.Duty{Kind: "k", Title: "T", CustomerID: c.ID, OpenedAt: at, DueAt: at.Add(time.Duration(5-i) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		next, err := s.NextDue(po, 3)
		if err != nil || len(next) != 3 || !next[0].DueAt.Before(next[1].DueAt) || !next[1].DueAt.Before(next[2].DueAt) {
			t.Fatalf("next due: %v %+v", err, next)
		}
		mine, err := s.NextDue(testrig.As(testrig.CustomerMember(f.Customers["globex"].ID)), 10)
		if err != nil || len(mine) != 2 {
			t.Fatalf("globex's next due: %v %d", err, len(mine))
		}
	})
}
