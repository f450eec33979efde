package store_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/jobs"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// Each reminder of a duty is e-mailed to the active privacy officers, and
// each escalation to the owners too, in the transaction that records it;
// read-only users, operators, disabled users and customer users get
// nothing, and a second pass of the sweeper queues nothing again.
func TestReminderDeliveries(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		ctx := context.Background()
		sys := testrig.As(art28.SystemActor)
		f := testrig.Seed(t, db)
		all := store.All(db)
		globex := f.Agreements["globex"]
		genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := all.Terms.ImportTerms(sys, "dpa-standard", art28.TermsImport{Content: string(genz)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := all.Terms.SetAgreementTerms(sys, globex.ID, v.ID, ""); err != nil {
			t.Fatal(err)
		}
		d := &art28.Duty{Kind: "audit.answer", Title: "Answer the audit request", CustomerID: globex.CustomerID,
			AgreementID: globex.ID, ClauseIDs: []string{"C9"}, OpenedAt: clock.T, DueAt: clock.T.Add(100 * time.Hour)}
		if err := all.Duties.OpenDuty(testrig.As(testrig.PrivacyOfficer), d); err != nil {
			t.Fatal(err)
		}
		r := art28.Reminders{At: []float64{0.5, 1}, Escalate: 24 * time.Hour}
		step := func(to time.Duration) {
			t.Helper()
			clock.T = d.OpenedAt.Add(to)
			if err := jobs.RemindDuties(ctx, all.Duties, r); err != nil {
				t.Fatal(err)
			}
		}
		// queued lists the reminders' deliveries, oldest first, as
		// "recipient (name)" by reminder.
		queued := func() (byReminder map[int64][]string, order []int64) {
			t.Helper()
			list, _, err := all.Deliveries.Deliveries(sys, art28.DeliveryFilter{Event: "duty_reminder", Page: art28.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			byReminder = map[int64][]string{}
			for i := len(list) - 1; i >= 0; i-- {
				x := list[i]
				if x.Channel != art28.ChannelEmail || x.CustomerID != 0 || x.State != art28.DeliveryPending {
					t.Errorf("delivery %+v", x)
				}
				if _, ok := byReminder[x.NoticeID]; !ok {
					order = append(order, x.NoticeID)
				}
				byReminder[x.NoticeID] = append(byReminder[x.NoticeID], x.Recipient+" ("+x.RecipientName+")")
			}
			for _, rs := range byReminder {
				slices.Sort(rs)
			}
			return byReminder, order
		}

		// With no privacy officer yet, the reminder is recorded and no one
		// is written to.
		step(51 * time.Hour)
		if got, _ := queued(); len(got) != 0 {
			t.Fatalf("queued without recipients: %v", got)
		}
		acts, _, err := all.Activities.Activities(sys, art28.ActivityFilter{ObjectType: "duty", ObjectID: d.ID})
		if err != nil || len(acts) != 2 || acts[0].Action != "duty.reminder" {
			t.Fatalf("activity: %v %+v", err, acts)
		}

		for _, u := range []*art28.User{
			{Email: "owner@processor.example", Name: "Olivia Owner", Role: art28.RoleOwner},
			{Email: "po@processor.example", Name: "Pia Officer", Role: art28.RolePrivacyOfficer},
			{Email: "po2@processor.example", Name: "Paul Officer", Role: art28.RolePrivacyOfficer},
			{Email: "gone@processor.example", Name: "Gone Officer", Role: art28.RolePrivacyOfficer},
			{Email: "ro@processor.example", Name: "Rita Reader", Role: art28.RoleReadOnly},
			{Email: "op@processor.example", Name: "Otto Operator", Role: art28.RoleOperator},
		} {
			if err := all.Users.CreateUser(sys, u, testrig.FixturePassword); err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(u.Email, "gone@") {
				if _, err := all.Users.SetUserDisabled(sys, u.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}

		step(52 * time.Hour) // nothing due
		step(100 * time.Hour)
		step(100 * time.Hour) // the same instant again
		step(125 * time.Hour)
		step(125 * time.Hour)
		step(126 * time.Hour)
		got, order := queued()
		officers := []string{"po2@processor.example (Paul Officer)", "po@processor.example (Pia Officer)"}
		want := [][]string{officers, append([]string{"owner@processor.example (Olivia Owner)"}, officers...)}
		if len(order) != len(want) {
			t.Fatalf("reminders e-mailed: %v, want %d", got, len(want))
		}
		for i, id := range order {
			if !slices.Equal(got[id], want[i]) {
				t.Errorf("reminder %d went to %v, want %v", i, got[id], want[i])
			}
		}

		// What the outbox reads for each.
		labels := []string{"the deadline has come", "overdue by 1 day"}
		for i, id := range order {
			m, err := db.ReminderMailing(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if m.Reminder.DutyID != d.ID || m.Reminder.Label != labels[i] || m.Reminder.Escalation != (i == 1) ||
				m.Duty.Title != d.Title || m.CustomerName != "Globex Inc." || m.TimeZone != "Europe/Berlin" {
				t.Errorf("mailing of reminder %d: %+v %+v", i, m.Reminder, m)
			}
		}
		if _, err := db.ReminderMailing(ctx, 999999); art28.ErrorCode(err) != art28.ENOTFOUND {
			t.Errorf("an unknown reminder: %v", err)
		}

		// The customer's staff do not see the processor's own mail.
		for _, a := range []art28.Actor{testrig.CustomerAdmin(globex.CustomerID), testrig.CustomerMember(globex.CustomerID)} {
			list, n, err := all.Deliveries.Deliveries(testrig.As(a), art28.DeliveryFilter{Event: "duty_reminder"})
			if err != nil || n != 0 || len(list) != 0 {
				t.Errorf("%s sees %d reminder deliveries (%v)", a.Role, n, err)
			}
		}
	}, store.WithClock(clock.Now))
}

// A reminder that another sweeper recorded first is neither recorded nor
// e-mailed twice.
func TestReminderRecordedOnce(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		ctx := context.Background()
		sys := testrig.As(art28.SystemActor)
		all := store.All(db)
		if err := all.Users.CreateUser(sys, &art28.User{Email: "po@processor.example", Name: "Pia Officer",
			Role: art28.RolePrivacyOfficer}, testrig.FixturePassword); err != nil {
			t.Fatal(err)
		}
		d := &art28.Duty{Kind: "k", Title: "Review the measures", OpenedAt: clock.T, DueAt: clock.T.Add(100 * time.Hour)}
		if err := all.Duties.OpenDuty(sys, d); err != nil {
			t.Fatal(err)
		}
		clock.Add(60 * time.Hour)
		fire := d.OpenedAt.Add(50 * time.Hour)
		// Two sweepers that read the duty before either wrote decide alike.
		decision := []store.Reminded{{ID: d.ID, Fire: &fire, Label: "50% of the period has passed", Next: d.DueAt}}
		for range 2 {
			if err := all.Duties.MarkReminded(ctx, decision); err != nil {
				t.Fatal(err)
			}
		}
		list, n, err := all.Deliveries.Deliveries(sys, art28.DeliveryFilter{Event: "duty_reminder"})
		if err != nil || n != 1 {
			t.Fatalf("%d deliveries (%v), want 1", n, err)
		}
		acts, _, err := all.Activities.Activities(sys, art28.ActivityFilter{ObjectType: "duty", ObjectID: d.ID})
		if err != nil || len(acts) != 2 || acts[0].Action != "duty.reminder" || acts[1].Action != "duty.open" {
			t.Errorf("activity record (%v): %+v", err, acts)
		}
		m, err := db.ReminderMailing(ctx, list[0].NoticeID)
		if err != nil || m.CustomerName != "" || m.TimeZone != "" || m.Reminder.Escalation || !m.Reminder.FiredAt.Equal(fire) {
			t.Errorf("a duty of no customer's: %v %+v", err, m)
		}
	}, store.WithClock(clock.Now))
}
