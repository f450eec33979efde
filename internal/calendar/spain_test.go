package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/rickar/cal/v2/es"
)

var spainCodes = []string{
	"ES-AN", "ES-AR", "ES-AS", "ES-IB", "ES-CN", "ES-CB", "ES-CL", "ES-CM", "ES-CT", "ES-EX",
	"ES-GA", "ES-MD", "ES-MC", "ES-NC", "ES-PV", "ES-RI", "ES-VC", "ES-CE", "ES-ML",
}

func mustLookup(t *testing.T, code string) *Calendar {
	t.Helper()
	c, err := Lookup(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func isHoliday(t *testing.T, c *Calendar, date string) bool {
	t.Helper()
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		t.Fatal(err)
	}
	return c.IsHoliday(d.Year(), d.Month(), d.Day())
}

func TestSpainCodes(t *testing.T) {
	known := map[string]bool{}
	for _, c := range Codes() {
		known[c] = true
	}
	for _, code := range spainCodes {
		if !known[code] {
			t.Errorf("Codes() lacks %s", code)
		}
		if c := mustLookup(t, strings.ToLower(code)); c.Code() != code {
			t.Errorf("Lookup(%q).Code() = %s", strings.ToLower(code), c.Code())
		}
	}
	if len(spain) != len(spainCodes) {
		t.Errorf("%d Spanish codes in spain.go, want %d", len(spain), len(spainCodes))
	}
}

// Worked examples from the 2025 and 2026 lists (BOE 18 October 2024 and
// 28 October 2025) and from the rules of the other years.
func TestSpainWorkedExamples(t *testing.T) {
	holidays := map[string][]string{
		"ES-CT": {"2025-04-21", "2025-12-26", "2026-04-06", "2026-06-24", "2026-09-11", "2026-12-26"},
		"ES-MD": {"2025-05-02", "2025-07-25", "2026-04-02", "2026-11-02", "2026-12-07", "2024-05-02"}, // 2024: rules
		"ES-AN": {"2025-02-28", "2025-10-13", "2026-04-02", "2026-12-07", "2024-02-28"},               // 2024: rules
		"ES-IB": {"2025-12-26", "2026-03-02", "2026-04-06"},
		"ES-GA": {"2025-05-17", "2026-03-19", "2026-06-24"},
		"ES-VC": {"2025-03-19", "2025-06-24", "2026-04-06", "2026-10-09"},
		"ES-CM": {"2025-06-19", "2026-04-06", "2026-06-04"},
		"ES-CB": {"2025-07-28", "2025-09-15", "2026-07-28", "2026-09-15"},
		"ES-NC": {"2025-12-03", "2026-03-19", "2026-12-03"},
		"ES-PV": {"2025-04-21", "2026-03-19", "2026-04-06"},
		"ES-CN": {"2025-05-30", "2026-11-02"},
		"ES-CE": {"2025-03-31", "2026-05-27", "2026-08-05", "2026-09-02"},
		"ES-ML": {"2025-03-31", "2026-03-20", "2026-05-27", "2026-09-17"},
		"ES-AR": {"2027-04-23"}, // rules: Día de Aragón
		"ES-MC": {"2027-06-09"}, // rules: Día de la Región de Murcia
	}
	notHolidays := map[string][]string{
		"ES-CT": {"2025-04-17", "2026-04-02"}, // Maundy Thursday is a working day in Catalonia
		"ES-VC": {"2026-04-02"},
		"ES-MD": {"2025-10-13", "2026-04-06"},
		"ES-IB": {"2025-04-21"}, // Easter Monday 2025 was left to the municipalities
		"ES-GA": {"2025-10-13"}, // Galicia replaced Sunday 12 October with 17 May
		"ES-CM": {"2026-12-07"}, // replaced with Corpus Christi
		"ES-CN": {"2026-12-07"}, // replaced with Día de Canarias
		"ES":    {"2026-04-02"}, // the national calendar is unchanged
	}
	for code, days := range holidays {
		c := mustLookup(t, code)
		for _, d := range days {
			if !isHoliday(t, c, d) {
				t.Errorf("%s: %s should be a public holiday", code, d)
			}
		}
	}
	for code, days := range notHolidays {
		c := mustLookup(t, code)
		for _, d := range days {
			if isHoliday(t, c, d) {
				t.Errorf("%s: %s should be a working day", code, d)
			}
		}
	}
}

// A community may replace a national day only when it falls on a Sunday,
// and none replaced Epiphany in 2025 or 2026: every other national day is
// in every list.
func TestSpainListsKeepNationalDays(t *testing.T) {
	for code, years := range listed {
		if !strings.HasPrefix(code, "ES-") {
			continue
		}
		c := mustLookup(t, code)
		for year := range years {
			for _, h := range es.Holidays {
				d, _ := h.Calc(year)
				if d.Weekday() != time.Sunday && !c.IsHoliday(d.Year(), d.Month(), d.Day()) {
					t.Errorf("%s %d: %s (%s) missing", code, year, d.Format("2006-01-02"), h.Name)
				}
			}
		}
	}
}

// The rules for years not listed are never more than a listed year shows:
// each day they give (Monday to Saturday) is in that year's list.
func TestSpainRulesWithinLists(t *testing.T) {
	for code, years := range listed {
		if !strings.HasPrefix(code, "ES-") {
			continue
		}
		c := mustLookup(t, code)
		for year := range years {
			days := map[int]bool{}
			c.addRules(days, year)
			for yd := range days {
				d := time.Date(year, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, yd-1)
				if d.Weekday() != time.Sunday && !c.IsHoliday(d.Year(), d.Month(), d.Day()) {
					t.Errorf("%s: the rules give %s, not in the %d list", code, d.Format("2006-01-02"), year)
				}
			}
		}
	}
}
