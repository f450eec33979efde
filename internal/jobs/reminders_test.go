package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/jobs"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestRemindDuties(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		ctx := context.Background()
		duties := store.NewDuties(db)
		d := &art28.Duty{Kind: "k", Title: "Answer the audit request", OpenedAt: clock.T, DueAt: clock.T.Add(100 * time.Hour)}
		if err := duties.OpenDuty(testrig.As(testrig.PrivacyOfficer), d); err != nil {
			t.Fatal(err)
		}
		r := art28.Reminders{At: []float64{0.5, 0.9, 1}, Escalate: 24 * time.Hour}
		reminders := func() []string {
			acts, _, err := store.NewActivities(db).Activities(testrig.As(testrig.Owner), art28.ActivityFilter{ObjectType: "duty", ObjectID: d.ID})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for i := len(acts) - 1; i >= 0; i-- {
				if acts[i].Action != "duty.open" {
					out = append(out, acts[i].Action+": "+acts[i].Summary)
				}
			}
			return out
		}
		step := func(to time.Duration) {
			clock.T = d.OpenedAt.Add(to)
			if err := jobs.RemindDuties(ctx, duties, r); err != nil {
				t.Fatal(err)
			}
		}
		step(10 * time.Hour)
		step(20 * time.Hour)
		if got := reminders(); len(got) != 0 {
			t.Fatalf("reminded before 50%%: %v", got)
		}
		step(51 * time.Hour)
		step(52 * time.Hour) // nothing new
		step(100 * time.Hour)
		step(125 * time.Hour)
		got := reminders()
		want := []string{
			"duty.reminder: Answer the audit request: 50% of the period has passed (due 2027-03-05 04:00Z)",
			"duty.reminder: Answer the audit request: the deadline has come (due 2027-03-05 04:00Z)",
			"duty.escalation: Answer the audit request: overdue by 1 day (due 2027-03-05 04:00Z)",
		}
		if len(got) != len(want) {
			t.Fatalf("reminders %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("reminder %d: %q, want %q", i, got[i], want[i])
			}
		}
		// A closed duty is reminded of no more.
		if _, err := duties.CloseDuty(testrig.As(testrig.PrivacyOfficer), d.ID, art28.DutyDone, ""); err != nil {
			t.Fatal(err)
		}
		step(200 * time.Hour)
		if n := len(reminders()); n != len(want)+1 { // + the closing
			t.Fatalf("reminded after closing: %v", reminders())
		}
	}, store.WithClock(clock.Now))
}
