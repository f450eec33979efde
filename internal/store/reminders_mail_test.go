package store_test

import (
	"context"
	"fmt"
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
		v := testrig.SeedTerms(t, all, sys, "genz-saas-v1.yaml")
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

// digestRecipients creates an owner and two privacy officers, the staff
// told of reminders.
func digestRecipients(t *testing.T, all store.AllServices) {
	t.Helper()
	for _, u := range []*art28.User{
		{Email: "owner@processor.example", Name: "Olivia Owner", Role: art28.RoleOwner},
		{Email: "po@processor.example", Name: "Pia Officer", Role: art28.RolePrivacyOfficer},
		{Email: "po2@processor.example", Name: "Paul Officer", Role: art28.RolePrivacyOfficer},
	} {
		if err := all.Users.CreateUser(testrig.As(art28.SystemActor), u, testrig.FixturePassword); err != nil {
			t.Fatal(err)
		}
	}
}

// byRecipient lists the deliveries of an event as notice IDs by recipient.
func byRecipient(t *testing.T, all store.AllServices, event string) (map[string][]int64, int) {
	t.Helper()
	list, n, err := all.Deliveries.Deliveries(testrig.As(art28.SystemActor),
		art28.DeliveryFilter{Event: event, Page: art28.Page{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]int64{}
	for _, d := range list {
		if d.Channel != art28.ChannelEmail || d.CustomerID != 0 || d.State != art28.DeliveryPending {
			t.Errorf("delivery %+v", d)
		}
		out[d.Recipient] = append(out[d.Recipient], d.NoticeID)
	}
	return out, n
}

// A sweep that records many reminders at once (a breach's duties, all
// falling due together) e-mails each privacy officer one digest of them
// all and each owner one digest of the escalations, not a message per
// duty; an objection window is recorded and left out. A second sweep, and
// a sweeper that decided the same reminders again, write nothing.
func TestReminderDigest(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		ctx := context.Background()
		sys := testrig.As(art28.SystemActor)
		f := testrig.Seed(t, db)
		all := store.All(db)
		globex := f.Agreements["globex"]
		digestRecipients(t, all)
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
		kinds := map[int64]string{}
		var breaches, audits []int64
		for i := range 5 {
			d := open("breach.notice", fmt.Sprintf("Notify customer %d of the breach", i), 100*time.Hour)
			breaches, kinds[d.ID] = append(breaches, d.ID), d.Kind
		}
		for i := range 4 {
			d := open("audit.answer", fmt.Sprintf("Answer audit request %d", i), 20*time.Hour)
			audits, kinds[d.ID] = append(audits, d.ID), d.Kind
		}
		window := open("subprocessor.objection_window", "Objection window", 100*time.Hour)

		// At 51 hours the breach duties are at half their period and the
		// audit answers a day overdue.
		clock.Add(51 * time.Hour)
		r := art28.Reminders{At: []float64{0.5, 1}, Escalate: 24 * time.Hour}
		if err := jobs.RemindDuties(ctx, all.Duties, r); err != nil {
			t.Fatal(err)
		}
		if single, n := byRecipient(t, all, "duty_reminder"); n != 0 {
			t.Errorf("%d single reminders e-mailed beside the digest: %v", n, single)
		}
		digests, n := byRecipient(t, all, "duty_reminder_digest")
		if n != 3 || len(digests["po@processor.example"]) != 1 || len(digests["po2@processor.example"]) != 1 ||
			len(digests["owner@processor.example"]) != 1 {
			t.Fatalf("%d digest deliveries, want one to each officer and the owner: %v", n, digests)
		}
		officers, owners := digests["po@processor.example"][0], digests["owner@processor.example"][0]
		if digests["po2@processor.example"][0] != officers || owners == officers {
			t.Errorf("the officers share a digest, the owner has another: %v", digests)
		}

		// What the outbox reads for each.
		m, err := db.ReminderDigestMailing(ctx, officers)
		if err != nil {
			t.Fatal(err)
		}
		if m.EscalationsOnly || len(m.Reminders) != 9 {
			t.Fatalf("officers' digest: escalations only %v, %d reminders, want 9", m.EscalationsOnly, len(m.Reminders))
		}
		seen := map[int64]bool{}
		for _, x := range m.Reminders {
			wantLabel, wantEscalation := "50% of the period has passed", false
			if x.Duty.Kind == "audit.answer" {
				wantLabel, wantEscalation = "overdue by 1 day", true
			}
			if kinds[x.Duty.ID] != x.Duty.Kind || x.Reminder.DutyID != x.Duty.ID || x.Reminder.Label != wantLabel ||
				x.Reminder.Escalation != wantEscalation || x.CustomerName != "Globex Inc." || x.Duty.State != art28.DutyOpen {
				t.Errorf("officers' digest lists %+v %+v (%s)", x.Reminder, x.Duty, x.CustomerName)
			}
			seen[x.Duty.ID] = true
		}
		if len(seen) != 9 || seen[window.ID] {
			t.Errorf("officers' digest covers duties %v, want the 9 but the objection window %d", seen, window.ID)
		}
		m, err = db.ReminderDigestMailing(ctx, owners)
		if err != nil {
			t.Fatal(err)
		}
		if !m.EscalationsOnly || len(m.Reminders) != len(audits) {
			t.Fatalf("owners' digest: escalations only %v, %d reminders, want %d", m.EscalationsOnly, len(m.Reminders), len(audits))
		}
		for i, x := range m.Reminders {
			if x.Duty.ID != audits[i] || !x.Reminder.Escalation {
				t.Errorf("owners' digest, reminder %d: %+v of duty %d, want duty %d", i, x.Reminder, x.Duty.ID, audits[i])
			}
		}
		if _, err := db.ReminderDigestMailing(ctx, 999999); art28.ErrorCode(err) != art28.ENOTFOUND {
			t.Errorf("an unknown digest: %v", err)
		}
		// Every reminder is in the activity record, the window's too.
		for _, id := range append(append([]int64{window.ID}, breaches...), audits...) {
			acts, _, err := all.Activities.Activities(sys, art28.ActivityFilter{ObjectType: "duty", ObjectID: id})
			if err != nil || len(acts) != 2 || (acts[0].Action != "duty.reminder" && acts[0].Action != "duty.escalation") {
				t.Errorf("activity of duty %d (%v): %+v", id, err, acts)
			}
		}

		// A second sweep finds nothing due; a sweeper that read the breach
		// duties before the first wrote decides alike, and writes nothing.
		if err := jobs.RemindDuties(ctx, all.Duties, r); err != nil {
			t.Fatal(err)
		}
		fire := t0.Add(50 * time.Hour)
		var again []store.Reminded
		for _, id := range breaches {
			again = append(again, store.Reminded{ID: id, Fire: &fire, Label: "50% of the period has passed", Next: t0.Add(100 * time.Hour)})
		}
		if err := all.Duties.MarkReminded(ctx, again); err != nil {
			t.Fatal(err)
		}
		if got, n := byRecipient(t, all, "duty_reminder_digest"); n != 3 {
			t.Errorf("%d digest deliveries after the second sweep, want 3: %v", n, got)
		}
		if got, n := byRecipient(t, all, "duty_reminder"); n != 0 {
			t.Errorf("%d single reminders after the second sweep: %v", n, got)
		}
		m, err = db.ReminderDigestMailing(ctx, officers)
		if err != nil || len(m.Reminders) != 9 {
			t.Errorf("officers' digest after the second sweep (%v): %d reminders", err, len(m.Reminders))
		}
		for _, id := range breaches {
			acts, _, err := all.Activities.Activities(sys, art28.ActivityFilter{ObjectType: "duty", ObjectID: id})
			if err != nil || len(acts) != 2 {
				t.Errorf("activity of duty %d after the second sweep (%v): %d entries, want 2", id, err, len(acts))
			}
		}

		// The customer's staff do not see the processor's own mail.
		list, n, err := all.Deliveries.Deliveries(testrig.As(testrig.CustomerAdmin(globex.CustomerID)),
			art28.DeliveryFilter{Event: "duty_reminder_digest"})
		if err != nil || n != 0 || len(list) != 0 {
			t.Errorf("a customer admin sees %d digest deliveries (%v)", n, err)
		}
	}, store.WithClock(clock.Now))
}

// Few reminders at once keep a message each. The threshold is per group
// of recipients: a sweep of six reminders, two of them escalations, sends
// the officers a digest and the owner the two escalations one by one.
func TestReminderDigestFew(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		ctx := context.Background()
		sys := testrig.As(art28.SystemActor)
		all := store.All(db)
		digestRecipients(t, all)
		t0 := clock.T
		open := func(title string, due time.Duration) *art28.Duty {
			t.Helper()
			d := &art28.Duty{Kind: "measures.review", Title: title, OpenedAt: t0, DueAt: t0.Add(due)}
			if err := all.Duties.OpenDuty(sys, d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		r := art28.Reminders{At: []float64{1}, Escalate: 24 * time.Hour}
		step := func(to time.Duration) {
			t.Helper()
			clock.T = t0.Add(to)
			if err := jobs.RemindDuties(ctx, all.Duties, r); err != nil {
				t.Fatal(err)
			}
		}
		first := []*art28.Duty{open("Review the measures of hosting", 50*time.Hour), open("Review the measures of backup", 50*time.Hour)}
		for i := range 4 {
			open(fmt.Sprintf("Review the measures of service %d", i), 80*time.Hour)
		}

		// At 50 hours, two deadlines come: a message each to each officer.
		step(50 * time.Hour)
		single, n := byRecipient(t, all, "duty_reminder")
		if n != 4 || len(single["po@processor.example"]) != 2 || len(single["po2@processor.example"]) != 2 ||
			len(single["owner@processor.example"]) != 0 {
			t.Fatalf("%d single reminders, want two to each officer: %v", n, single)
		}
		for _, id := range single["po@processor.example"] {
			m, err := db.ReminderMailing(ctx, id)
			if err != nil || (m.Duty.ID != first[0].ID && m.Duty.ID != first[1].ID) || m.Reminder.Label != "the deadline has come" {
				t.Errorf("reminder %d (%v): %+v", id, err, m)
			}
		}
		if got, n := byRecipient(t, all, "duty_reminder_digest"); n != 0 {
			t.Errorf("%d digest deliveries for two reminders: %v", n, got)
		}

		// At 80 hours four more deadlines come and the first two are a day
		// overdue: six reminders for the officers, two escalations for the
		// owner.
		step(80 * time.Hour)
		digests, n := byRecipient(t, all, "duty_reminder_digest")
		if n != 2 || len(digests["po@processor.example"]) != 1 || len(digests["po2@processor.example"]) != 1 {
			t.Fatalf("%d digest deliveries, want one to each officer: %v", n, digests)
		}
		m, err := db.ReminderDigestMailing(ctx, digests["po@processor.example"][0])
		if err != nil || len(m.Reminders) != 6 || m.EscalationsOnly {
			t.Fatalf("officers' digest (%v): %+v", err, m)
		}
		single, n = byRecipient(t, all, "duty_reminder")
		if n != 6 || len(single["owner@processor.example"]) != 2 || len(single["po@processor.example"]) != 2 {
			t.Fatalf("%d single reminders, want the first two and the owner's two escalations: %v", n, single)
		}
		for _, id := range single["owner@processor.example"] {
			m, err := db.ReminderMailing(ctx, id)
			if err != nil || !m.Reminder.Escalation || m.Reminder.Label != "overdue by 1 day" {
				t.Errorf("owner's reminder %d (%v): %+v", id, err, m)
			}
		}
	}, store.WithClock(clock.Now))
}

// A sweep larger than one of the sweeper's batches (a breach reaching
// hundreds of agreements) still makes one digest per group: each later
// batch joins the digest the first one opened, which waits a minute for
// them. A few reminders while a digest gathers join it rather than mail
// one by one; once the outbox has read the digest (which seals it),
// nothing joins it any more; a later sweep opens a new one.
func TestReminderDigestSpansTheSweep(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		ctx := context.Background()
		sys := testrig.As(art28.SystemActor)
		all := store.All(db)
		digestRecipients(t, all)
		t0 := clock.T
		const many = 450 // more than two of the sweeper's batches
		for i := range many {
			d := &art28.Duty{Kind: "breach.notice", Title: fmt.Sprintf("Notify customer %d", i), OpenedAt: t0, DueAt: t0.Add(100 * time.Hour)}
			if err := all.Duties.OpenDuty(sys, d); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range []*art28.Duty{
			{Kind: "measures.review", Title: "Review the measures", OpenedAt: t0, DueAt: t0.Add(100*time.Hour + time.Minute)},   // half its period at 50 h 30 s
			{Kind: "measures.review", Title: "Review the backups", OpenedAt: t0, DueAt: t0.Add(100*time.Hour + 70*time.Second)}, // at 50 h 35 s
		} {
			if err := all.Duties.OpenDuty(sys, d); err != nil {
				t.Fatal(err)
			}
		}
		r := art28.Reminders{At: []float64{0.5, 0.9}, Escalate: 24 * time.Hour}
		sweep := func(at time.Duration) {
			t.Helper()
			clock.T = t0.Add(at)
			if err := jobs.RemindDuties(ctx, all.Duties, r); err != nil {
				t.Fatal(err)
			}
		}
		sweep(50 * time.Hour)
		digests, n := byRecipient(t, all, "duty_reminder_digest")
		if n != 2 || len(digests["po@processor.example"]) != 1 {
			t.Fatalf("%d digest deliveries for one sweep of %d, want one to each officer: %v", n, many, digests)
		}
		first := digests["po@processor.example"][0]
		// 30 s later, the review's reminder joins the gathering digest.
		sweep(50*time.Hour + 30*time.Second)
		if single, n := byRecipient(t, all, "duty_reminder"); n != 0 {
			t.Errorf("a reminder mailed on its own while a digest gathers: %v", single)
		}
		// The outbox reads it (and so seals it): the sweep's and the review's.
		if m, err := db.ReminderDigestMailing(ctx, first); err != nil || len(m.Reminders) != many+1 {
			t.Fatalf("the sweep's digest (%v): %d reminders, want %d", err, len(m.Reminders), many+1)
		}
		// A reminder after the outbox read it does not join it: it goes
		// on its own (one of a few), and the digest read again is as sent.
		sweep(50*time.Hour + 35*time.Second)
		if single, n := byRecipient(t, all, "duty_reminder"); n != 2 {
			t.Errorf("the reminder after the digest was read: %d deliveries, want one to each officer: %v", n, single)
		}
		if m, _ := db.ReminderDigestMailing(ctx, first); len(m.Reminders) != many+1 {
			t.Errorf("the sealed digest has %d reminders, want %d", len(m.Reminders), many+1)
		}
		// At 90% of the period, a new sweep: a new digest.
		sweep(90 * time.Hour)
		digests, n = byRecipient(t, all, "duty_reminder_digest")
		if po := digests["po@processor.example"]; n != 4 || len(po) != 2 || po[0] == po[1] {
			t.Fatalf("after the second sweep: %d digest deliveries: %v", n, digests)
		}
	}, store.WithClock(clock.Now))
}
