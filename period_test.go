package art28_test

import (
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/calendar"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustCal(t testing.TB, code string) art28.Calendar {
	t.Helper()
	c, err := calendar.Lookup(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The worked examples of DESIGN.md and SCENARIOS.md, and the edges of the
// rules: month ends, leap years, daylight saving, holidays, roll-forward.
func TestDeadlineWorkedExamples(t *testing.T) {
	cases := []struct {
		name, period, zone, cal, from, want string
		roll                                bool
	}{
		{"DESIGN: 14 working days DE-BW over Christmas and Epiphany", "14 working days", "Europe/Berlin", "DE-BW",
			"2026-12-18T10:00:00+01:00", "2027-01-13T00:00:00+01:00", false},
		{"the same in Berlin, where Epiphany is a working day", "14 working days", "Europe/Berlin", "DE-BE",
			"2026-12-18T10:00:00+01:00", "2027-01-12T00:00:00+01:00", false},
		{"scenario 1: G9.1 14 working days DE-BW", "14 working days", "Europe/Berlin", "DE-BW",
			"2027-03-01T09:00:00+01:00", "2027-03-20T00:00:00+01:00", false},
		{"scenario 1: S4 15 days", "15 days", "Europe/Paris", "FR",
			"2027-03-01T09:00:00+01:00", "2027-03-17T00:00:00+01:00", false},
		{"scenario 1: C7 14 days", "14 days", "Europe/Berlin", "DE",
			"2027-03-01T09:00:00+01:00", "2027-03-16T00:00:00+01:00", false},
		{"scenario 3: G7.2 24 hours", "24 hours", "Europe/Berlin", "DE-BW",
			"2027-02-15T16:20:00+01:00", "2027-02-16T16:20:00+01:00", false},
		{"scenario 3: C8 72 hours", "72 hours", "Europe/Berlin", "DE",
			"2027-02-15T16:20:00+01:00", "2027-02-18T16:20:00+01:00", false},
		{"scenario 5: L10 30 days after 31 January", "30 days", "Europe/Berlin", "DE",
			"2027-01-31T23:59:59+01:00", "2027-03-03T00:00:00+01:00", false},
		{"72 hours across the spring DST change are 72 real hours", "72 hours", "Europe/Berlin", "DE",
			"2027-03-27T12:00:00+01:00", "2027-03-30T13:00:00+02:00", false},
		{"days across the autumn DST change end at local midnight", "2 days", "Europe/Paris", "FR",
			"2027-10-30T08:00:00+02:00", "2027-11-02T00:00:00+01:00", false},
		{"one month from 31 January ends with February (common year)", "1 month", "Europe/Berlin", "DE",
			"2027-01-31T09:00:00+01:00", "2027-03-01T00:00:00+01:00", false},
		{"one month from 31 January ends with February (leap year)", "1 month", "Europe/Berlin", "DE",
			"2028-01-31T09:00:00+01:00", "2028-03-01T00:00:00+01:00", false},
		{"G13.2 three months from 30 November", "3 months", "Europe/Berlin", "DE",
			"2026-11-30T15:00:00+01:00", "2027-03-01T00:00:00+01:00", false},
		{"three months from 15 May", "3 months", "Europe/Berlin", "DE",
			"2027-05-15T15:00:00+02:00", "2027-08-16T00:00:00+02:00", false},
		{"an event late in the evening counts in the agreement's zone", "1 day", "Europe/Berlin", "DE",
			"2027-03-01T23:30:00Z", "2027-03-04T00:00:00+01:00", false},
		{"last day on a Saturday stays without roll", "5 days", "Europe/Paris", "FR",
			"2027-03-01T09:00:00+01:00", "2027-03-07T00:00:00+01:00", false},
		{"last day on a Saturday rolls to Monday", "5 days", "Europe/Paris", "FR",
			"2027-03-01T09:00:00+01:00", "2027-03-09T00:00:00+01:00", true},
		{"roll skips Sunday 28 March and Easter Monday 2027", "4 days", "Europe/Berlin", "DE",
			"2027-03-24T09:00:00+01:00", "2027-03-31T00:00:00+02:00", true},
		{"Alsace-Moselle keeps Good Friday (then Easter Monday)", "1 working day", "Europe/Paris", "FR-67",
			"2027-03-25T09:00:00+01:00", "2027-03-31T00:00:00+02:00", false},
		{"the rest of France works on Good Friday", "1 working day", "Europe/Paris", "FR",
			"2027-03-25T09:00:00+01:00", "2027-03-27T00:00:00+01:00", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := art28.ParsePeriod(c.period)
			if err != nil {
				t.Fatal(err)
			}
			from, err := time.Parse(time.RFC3339, c.from)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Deadline(from, mustLoc(t, c.zone), mustCal(t, c.cal), c.roll)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339); s != c.want {
				t.Fatalf("%s from %s: got %s, want %s", c.period, c.from, s, c.want)
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]string{
		"72 hours": "72 hours", "15 Days": "15 days", " 14   working days ": "14 working days",
		"3 months": "3 months", "1 month": "1 month", "1 hour": "1 hour",
	} {
		p, err := art28.ParsePeriod(in)
		if err != nil || p.String() != want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	p, err := art28.ParsePeriod("without undue delay", "24 hours")
	if err != nil || !p.UndueDelay || p.N != 24 || p.Unit != art28.Hours || p.String() != "without undue delay" {
		t.Errorf("without undue delay: %+v %v", p, err)
	}
	for _, bad := range []string{"", "14", "days", "-3 days", "0 days", "3 weeks", "3.5 days", "99999 days", "14 working", "without undue delay"} {
		if _, err := art28.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

func TestCalendarLookup(t *testing.T) {
	if _, err := calendar.Lookup("XX-YY"); err == nil {
		t.Fatal("an unknown calendar was accepted")
	}
	c := mustCal(t, "de-bw")
	if c.Code() != "DE-BW" || !c.IsHoliday(2027, time.January, 6) || mustCal(t, "DE-BE").IsHoliday(2027, time.January, 6) {
		t.Fatal("Epiphany: a holiday in DE-BW, not in DE-BE")
	}
	if !mustCal(t, "GB").IsHoliday(2027, time.December, 27) {
		t.Fatal("GB: Christmas Day on a Saturday is observed on Monday 27 December 2027")
	}
}

// Properties over many events: a working-day window never ends on a
// weekend or holiday, and deadlines never go backwards as the event moves
// forward.
func TestDeadlineProperties(t *testing.T) {
	loc := mustLoc(t, "Europe/Berlin")
	cals := []art28.Calendar{mustCal(t, "DE-BW"), mustCal(t, "FR-67"), mustCal(t, "GB"), mustCal(t, "CH-ZH"), mustCal(t, "CY"), mustCal(t, "IS")}
	periods := []string{"1 working day", "14 working days", "15 days", "30 days", "1 month", "3 months", "24 hours", "72 hours"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	for _, cal := range cals {
		for _, ps := range periods {
			p, _ := art28.ParsePeriod(ps)
			var prev time.Time
			for h := 0; h < 24*800; h += 7 { // every 7 hours over two years and more
				from := start.Add(time.Duration(h) * time.Hour)
				got, err := p.Deadline(from, loc, cal, false)
				if err != nil {
					t.Fatal(err)
				}
				if got.Before(prev) {
					t.Fatalf("%s %s: deadline went backwards at %s: %s < %s", cal.Code(), ps, from, got, prev)
				}
				if !got.After(from) {
					t.Fatalf("%s %s: deadline %s not after the event %s", cal.Code(), ps, got, from)
				}
				prev = got
				if p.Unit == art28.WorkingDays {
					last := got.In(loc).AddDate(0, 0, -1)
					if !art28.IsWorkingDay(cal, last.Year(), last.Month(), last.Day()) {
						t.Fatalf("%s %s from %s: window ends on %s, not a working day", cal.Code(), ps, from, last.Format("Mon 2006-01-02"))
					}
				}
				if rolled, _ := p.Deadline(from, loc, cal, true); p.Unit != art28.Hours && p.Unit != art28.WorkingDays {
					last := rolled.In(loc).AddDate(0, 0, -1)
					if !art28.IsWorkingDay(cal, last.Year(), last.Month(), last.Day()) || rolled.Before(got) {
						t.Fatalf("%s %s from %s rolled: ends %s", cal.Code(), ps, from, last.Format("Mon 2006-01-02"))
					}
				}
			}
		}
	}
}

// FuzzParsePeriod: no input panics, and what parses prints back to a
// period that parses to the same thing.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"72 hours", "14 working days", "3 months", "without undue delay", "0 days", "-1 hours", "99999999999999999999 days", "1 month", "  15\tdays "} {
		f.Add(s, "24 hours")
	}
	f.Fuzz(func(t *testing.T, s, target string) {
		p, err := art28.ParsePeriod(s, target)
		if err != nil {
			return
		}
		if p.UndueDelay {
			return
		}
		q, err := art28.ParsePeriod(p.String())
		if err != nil || q != p {
			t.Fatalf("%q parsed to %+v, which prints as %q and parses to %+v, %v", s, p, p.String(), q, err)
		}
		if _, err := p.Deadline(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), time.UTC, nil, true); err != nil {
			t.Fatal(err)
		}
	})
}

func benchmarkDeadline(b *testing.B, period string) {
	p, err := art28.ParsePeriod(period)
	if err != nil {
		b.Fatal(err)
	}
	loc := mustLoc(b, "Europe/Berlin")
	cal := mustCal(b, "DE-BW")
	from := time.Date(2026, 12, 18, 10, 0, 0, 0, loc)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Deadline(from, loc, cal, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeadlineHours(b *testing.B)       { benchmarkDeadline(b, "72 hours") }
func BenchmarkDeadlineDays(b *testing.B)        { benchmarkDeadline(b, "15 days") }
func BenchmarkDeadlineWorkingDays(b *testing.B) { benchmarkDeadline(b, "14 working days") }

// Spot checks of the calendars art28 completes (internal/calendar/extra.go),
// against the 2027 dates of their public holidays.
func TestCompletedCalendars(t *testing.T) {
	holidays := map[string][]string{
		"PT":     {"2027-03-26", "2027-04-25", "2027-05-27", "2027-06-10", "2027-10-05", "2027-12-01", "2027-12-08"},
		"FI":     {"2027-01-06", "2027-03-29", "2027-05-06", "2027-12-06"},
		"EE":     {"2027-02-24", "2027-06-23", "2027-06-24", "2027-08-20", "2027-12-24"},
		"HU":     {"2027-03-15", "2027-03-26", "2027-05-17", "2027-08-20", "2027-10-23"},
		"LU":     {"2027-05-06", "2027-05-17", "2027-06-23"},
		"MT":     {"2027-02-10", "2027-03-19", "2027-03-31", "2027-06-07", "2027-06-29", "2027-09-08", "2027-12-13"},
		"CY":     {"2027-03-15", "2027-04-01", "2027-04-30", "2027-05-03", "2027-06-21", "2027-10-28"},
		"IS":     {"2027-03-25", "2027-04-22", "2027-06-17", "2027-08-02"},
		"LI":     {"2027-02-02", "2027-03-19", "2027-05-27", "2027-09-08"},
		"GB-SCT": {"2027-01-04", "2027-08-02", "2027-11-30"}, // 2 January 2027 is a Saturday
		"GB-NIR": {"2027-03-17", "2027-07-12", "2027-03-29"},
	}
	notHolidays := map[string][]string{
		"FI":     {"2027-12-24"},               // Christmas Eve: customary, not statutory
		"LU":     {"2027-05-10"},               // Europe Day fell on Sunday 9 May 2027: no substitute day
		"LI":     {"2027-08-16"},               // nor for the Staatsfeiertag on Sunday 15 August 2027
		"GB-SCT": {"2027-03-29", "2027-08-30"}, // no Easter Monday; summer holiday early in August
	}
	for code, days := range holidays {
		c := mustCal(t, code)
		for _, d := range days {
			day, _ := time.Parse("2006-01-02", d)
			if !c.IsHoliday(day.Year(), day.Month(), day.Day()) {
				t.Errorf("%s: %s should be a public holiday", code, d)
			}
		}
	}
	for code, days := range notHolidays {
		c := mustCal(t, code)
		for _, d := range days {
			day, _ := time.Parse("2006-01-02", d)
			if day.Weekday() != time.Saturday && day.Weekday() != time.Sunday && c.IsHoliday(day.Year(), day.Month(), day.Day()) {
				t.Errorf("%s: %s should be a working day", code, d)
			}
		}
	}
}
