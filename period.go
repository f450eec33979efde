package art28

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Unit is what a period counts.
type Unit string

const (
	Hours       Unit = "hours"
	Days        Unit = "days"
	WorkingDays Unit = "working days"
	Months      Unit = "months"
)

// Period is a contractual period: "72 hours", "15 days", "14 working
// days", "3 months", or "without undue delay", which carries an internal
// target period that duties use while the customer sees the words.
type Period struct {
	N          int
	Unit       Unit
	UndueDelay bool // "without undue delay": N and Unit are the internal target
}

// MaxPeriod bounds N per unit, so that a typo ("14000 days") is an error,
// not a deadline in the year 2065.
var maxPeriod = map[Unit]int{Hours: 24 * 366, Days: 3660, WorkingDays: 2600, Months: 120}

// ParsePeriod reads a period as written in a terms file. "without undue
// delay" needs its target: ParsePeriod("without undue delay", "24 hours").
func ParsePeriod(s string, target ...string) (Period, error) {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if s == "without undue delay" {
		if len(target) == 0 || strings.TrimSpace(target[0]) == "" {
			return Period{}, fmt.Errorf("%q needs an internal target period, such as \"24 hours\"", s)
		}
		p, err := ParsePeriod(target[0])
		if err != nil {
			return Period{}, fmt.Errorf("target: %w", err)
		}
		if p.UndueDelay {
			return Period{}, fmt.Errorf("target: must be a number of hours, days, working days or months")
		}
		p.UndueDelay = true
		return p, nil
	}
	num, unit, ok := strings.Cut(s, " ")
	if !ok {
		return Period{}, fmt.Errorf("%q is not a period: write a number and a unit, such as \"14 days\"", s)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return Period{}, fmt.Errorf("%q is not a period: %q is not a positive whole number", s, num)
	}
	var u Unit
	switch unit {
	case "hour", "hours":
		u = Hours
	case "day", "days":
		u = Days
	case "working day", "working days":
		u = WorkingDays
	case "month", "months":
		u = Months
	default:
		return Period{}, fmt.Errorf("%q is not a period: the unit must be hours, days, working days or months", s)
	}
	if n > maxPeriod[u] {
		return Period{}, fmt.Errorf("%q is longer than %d %s", s, maxPeriod[u], u)
	}
	return Period{N: n, Unit: u}, nil
}

// String writes the period as a terms file does.
func (p Period) String() string {
	if p.UndueDelay {
		return "without undue delay"
	}
	u := string(p.Unit)
	if p.N == 1 {
		u = strings.TrimSuffix(u, "s")
	}
	return strconv.Itoa(p.N) + " " + u
}

// Calendar tells the public holidays of a place (a country, or a
// subdivision with its own holidays). Calendars live in an adapter; the
// period rules only ask.
type Calendar interface {
	// Code is the calendar's ISO 3166 code, such as DE or DE-BW.
	Code() string
	// IsHoliday reports whether the date (year, month, day) is a public
	// holiday there.
	IsHoliday(year int, month time.Month, day int) bool
}

// IsWorkingDay reports whether a date is Monday to Friday and no public
// holiday of cal.
// The date may overflow (day 32 of January is 1 February).
func IsWorkingDay(cal Calendar, year int, month time.Month, day int) bool {
	t := time.Date(year, month, day, 12, 0, 0, 0, time.UTC)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	if cal == nil {
		return true
	}
	y, m, d := t.Date()
	return !cal.IsHoliday(y, m, d)
}

// Deadline computes the first instant after the period that starts with an
// event at from, in the agreement's zone loc and calendar cal, following
// Reg. 1182/71 Art. 3 and BGB §§187-188, choosing the earlier instant where
// they differ:
//
//   - hours run from the instant of the event: from + N hours, reported in
//     loc;
//   - days, working days and months start at the beginning of the day after
//     the event and end at the end of their last day; the deadline is the
//     start of the following day in loc;
//   - a period in months ends on the day of the final month with the event's
//     day number, or that month's last day when it is shorter;
//   - roll moves a last day that is a Saturday, Sunday or holiday (days and
//     months only) to the next working day, as Reg. 1182/71 Art. 3(4) does.
func (p Period) Deadline(from time.Time, loc *time.Location, cal Calendar, roll bool) (time.Time, error) {
	if p.N <= 0 {
		return time.Time{}, fmt.Errorf("period %q has no length", p)
	}
	if loc == nil {
		loc = time.UTC
	}
	if p.Unit == Hours {
		return from.Add(time.Duration(p.N) * time.Hour).In(loc), nil
	}
	y, m, d := from.In(loc).Date()
	switch p.Unit {
	case Days:
		d += p.N
	case WorkingDays:
		for n := 0; n < p.N; {
			d++
			if IsWorkingDay(cal, y, m, d) {
				n++
			}
		}
	case Months:
		last := daysIn(y, m+time.Month(p.N))
		m += time.Month(p.N)
		d = min(d, last)
	default:
		return time.Time{}, fmt.Errorf("period %q has an unknown unit", p)
	}
	if roll && p.Unit != WorkingDays {
		for !IsWorkingDay(cal, y, m, d) {
			d++
		}
	}
	// The start of the day after the last day. time.Date normalises
	// overflowing days and months. European zones change to and from
	// daylight saving time at night, never at midnight, so midnight always
	// exists there.
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc), nil
}

// daysIn returns the number of days of month m of year y (m may overflow).
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
