package http

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/art28/art28"
)

// The picture of a breach's timeline: from the awareness (the left edge)
// to the last deadline, notice or acknowledgement (the right edge), one
// bar per group of agreements on the same clock, with the deadline and
// markers for the notices issued and acknowledged. Positions are whole
// percentages, classes of the stylesheet: the pages allow no inline style.
// A breach may reach thousands of agreements, so agreements whose clocks
// end together share a bar, and markers at the same percentage are one.

// breachTimeline is the picture of one incident's clocks.
type breachTimeline struct {
	Start, End time.Time
	Now        time.Time
	NowPct     int
	ShowNow    bool // while a notice is still owed
	Bars       []timelineBar
}

// timelineBar is the clocks of one or more agreements under the same
// period and clauses, due at the same time.
type timelineBar struct {
	Period    string
	ClauseIDs []string
	DueAt     time.Time
	DuePct    int
	Customers []string // names of the first few
	Count     int
	Notified  int
	Late      int // notified after the deadline, or not notified and past it
	Acked     int
	Marks     []timelineMark
}

// timelineMark is a marker on a bar: notices issued (on time or late) or
// acknowledged at one position.
type timelineMark struct {
	Kind  string // notified, late or acked
	Pct   int
	Title string
}

// Who names the agreements of a bar: all when few, else the first and a
// count.
func (b timelineBar) Who() string {
	const shown = 3
	if b.Count <= shown {
		return strings.Join(b.Customers, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(b.Customers[:shown], ", "), b.Count-shown)
}

// Label is the bar's clock: "24 hours (G7.2)".
func (b timelineBar) Label() string {
	if len(b.ClauseIDs) == 0 {
		return b.Period
	}
	return b.Period + " (" + strings.Join(b.ClauseIDs, ", ") + ")"
}

// Summary says in words what the bar shows, for assistive technology and
// for a reader who prefers text.
func (b timelineBar) Summary() string {
	s := fmt.Sprintf("%s: %d agreement%s due %s; %d notified", b.Label(), b.Count, plural(b.Count), b.DueAt.UTC().Format("2006-01-02 15:04 UTC"), b.Notified)
	if b.Late > 0 {
		s += fmt.Sprintf(", %d late", b.Late)
	}
	return s + fmt.Sprintf(", %d acknowledged", b.Acked)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// newBreachTimeline draws the clocks of an incident, as of now.
func newBreachTimeline(i *art28.Incident, clocks []art28.BreachClock, now time.Time) breachTimeline {
	t := breachTimeline{Start: i.AwareAt, End: i.AwareAt, Now: now}
	owed := false
	for _, c := range clocks {
		t.End = latest(t.End, c.DueAt)
		if c.NotifiedAt != nil {
			t.End = latest(t.End, *c.NotifiedAt)
		} else {
			owed = true
		}
		if c.AcknowledgedAt != nil {
			t.End = latest(t.End, *c.AcknowledgedAt)
		}
	}
	if owed && i.State == art28.IncidentOpen && now.After(t.Start) {
		t.ShowNow = true
		t.End = latest(t.End, now)
	}
	if !t.End.After(t.Start) {
		t.End = t.Start.Add(time.Hour)
	}
	t.NowPct = t.pct(now)

	type key struct {
		period, clauses string
		due             int64
	}
	groups := map[key]*timelineBar{}
	marks := map[key]map[timelineMark]int{} // mark -> how many agreements
	var order []key
	for _, c := range clocks {
		k := key{c.Period, strings.Join(c.ClauseIDs, ","), c.DueAt.UnixNano()}
		b, ok := groups[k]
		if !ok {
			b = &timelineBar{Period: c.Period, ClauseIDs: c.ClauseIDs, DueAt: c.DueAt, DuePct: t.pct(c.DueAt)}
			groups[k], marks[k] = b, map[timelineMark]int{}
			order = append(order, k)
		}
		b.Count++
		if len(b.Customers) < 3 {
			b.Customers = append(b.Customers, c.Customer)
		}
		switch {
		case c.NotifiedAt != nil && c.NotifiedAt.After(c.DueAt):
			b.Notified++
			b.Late++
			marks[k][timelineMark{Kind: "late", Pct: t.pct(*c.NotifiedAt)}]++
		case c.NotifiedAt != nil:
			b.Notified++
			marks[k][timelineMark{Kind: "notified", Pct: t.pct(*c.NotifiedAt)}]++
		case now.After(c.DueAt):
			b.Late++
		}
		if c.AcknowledgedAt != nil {
			b.Acked++
			marks[k][timelineMark{Kind: "acked", Pct: t.pct(*c.AcknowledgedAt)}]++
		}
	}
	slices.SortStableFunc(order, func(a, b key) int {
		switch {
		case a.due < b.due:
			return -1
		case a.due > b.due:
			return 1
		}
		return 0
	})
	words := map[string]string{"notified": "notified on time", "late": "notified late", "acked": "acknowledged"}
	for _, k := range order {
		b := groups[k]
		for m, n := range marks[k] {
			m.Title = fmt.Sprintf("%d %s at about %s", n, words[m.Kind], t.at(m.Pct).Format("2006-01-02 15:04 UTC"))
			b.Marks = append(b.Marks, m)
		}
		slices.SortFunc(b.Marks, func(x, y timelineMark) int {
			if x.Pct != y.Pct {
				return x.Pct - y.Pct
			}
			return strings.Compare(x.Kind, y.Kind)
		})
		t.Bars = append(t.Bars, *b)
	}
	return t
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// pct places a time on the picture, 0 to 100.
func (t breachTimeline) pct(at time.Time) int {
	span := t.End.Sub(t.Start)
	if span <= 0 {
		return 0
	}
	p := int((at.Sub(t.Start)*100 + span/2) / span)
	return max(0, min(100, p))
}

// at is the time at a position, for a marker's title.
func (t breachTimeline) at(pct int) time.Time {
	return t.Start.Add(t.End.Sub(t.Start) * time.Duration(pct) / 100).UTC()
}

// Span is the length the picture covers, in words.
func (t breachTimeline) Span() string { return humanDuration(t.End.Sub(t.Start)) }

// humanDuration writes a duration in at most two units: "3 d 4 h",
// "26 h 20 min", "45 min".
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "less than a minute"
	}
	// Hours up to two days: a 24-hour clock reads better as "23 h 30 min"
	// than as "0 d 23 h".
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	if d < 48*time.Hour {
		days, hours = 0, int(d/time.Hour)
	}
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d d %d h", days, hours)
	case days > 0:
		return fmt.Sprintf("%d d", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d h %d min", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", mins)
}
