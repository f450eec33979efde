package art28

import (
	"fmt"
	"sort"
	"time"
)

// Reminders says when to remind of an open duty: at fractions of its
// period (1 is the deadline), and then every Escalate while it is overdue.
type Reminders struct {
	At       []float64     // fractions of the period, in (0, 1]
	Escalate time.Duration // 0: no escalation after the deadline
}

// reminder is one instant to remind at, with what to say.
type reminder struct {
	at    time.Time
	label string
}

// NextReminder finds, for a duty last reminded at last (its opening when
// never), the latest reminder due by now (fire, with its label; nil when
// none is due) and the instant of the one after (next; zero when none).
// Reminders missed while art28 was down are not sent one by one: only the
// latest is, so that a restart does not flood the record.
func (r Reminders) NextReminder(d *Duty, last, now time.Time) (fire *time.Time, label string, next time.Time) {
	period := d.DueAt.Sub(d.OpenedAt)
	var rs []reminder
	for _, f := range r.At {
		at := d.OpenedAt.Add(time.Duration(float64(period) * f))
		l := fmt.Sprintf("%.0f%% of the period has passed", f*100)
		if f >= 1 {
			l = "the deadline has come"
		}
		rs = append(rs, reminder{at, l})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].at.Before(rs[j].at) })
	for _, x := range rs {
		if x.at.After(last) && !x.at.After(now) {
			at := x.at
			fire, label = &at, x.label
		}
		if x.at.After(now) && next.IsZero() {
			next = x.at
		}
	}
	if r.Escalate > 0 && !now.Before(d.DueAt) {
		// Escalations at due + k*Escalate, k >= 1.
		k := int(now.Sub(d.DueAt) / r.Escalate)
		if k >= 1 {
			at := d.DueAt.Add(time.Duration(k) * r.Escalate)
			if at.After(last) {
				fire, label = &at, fmt.Sprintf("overdue by %s", roundDuration(at.Sub(d.DueAt)))
			}
		}
		if n := d.DueAt.Add(time.Duration(k+1) * r.Escalate); next.IsZero() || n.Before(next) {
			next = n
		}
	}
	return fire, label, next
}

// roundDuration writes a duration in whole days or hours.
func roundDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return d.Round(time.Minute).String()
}
