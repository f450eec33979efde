package art28_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/art28/art28"
)

func TestNextReminder(t *testing.T) {
	opened := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	d := &art28.Duty{OpenedAt: opened, DueAt: opened.Add(100 * time.Hour)}
	r := art28.Reminders{At: []float64{0.5, 0.9, 1}, Escalate: 24 * time.Hour}
	h := func(n int) time.Time { return opened.Add(time.Duration(n) * time.Hour) }
	cases := []struct {
		last, now time.Time
		fire      string // "" for none
		label     string
		next      time.Time
	}{
		{opened, h(10), "", "", h(50)},
		{opened, h(50), "50", "50% of the period has passed", h(90)},
		{h(50), h(60), "", "", h(90)},
		{h(50), h(95), "90", "90% of the period has passed", h(100)},
		// Down from 40 h to 99 h: only the latest missed reminder is sent.
		{opened, h(99), "90", "90% of the period has passed", h(100)},
		{h(90), h(100), "100", "the deadline has come", h(124)},
		{h(100), h(130), "124", "overdue by 1 day", h(148)},
		{h(124), h(200), "196", "overdue by 4 days", h(220)},
	}
	for i, c := range cases {
		fire, label, next := r.NextReminder(d, c.last, c.now)
		got := ""
		if fire != nil {
			got = strconv.Itoa(int(fire.Sub(opened) / time.Hour))
		}
		if got != c.fire || label != c.label || !next.Equal(c.next) {
			t.Errorf("case %d: fire %q %q next %s; want %q %q %s", i, got, label, next, c.fire, c.label, c.next)
		}
	}
}
