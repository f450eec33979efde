// Package calendar provides the working-day calendars that periods in
// working days are counted in: the public holidays of a country, or of a
// subdivision with its own (DE-BW, CH-ZH, FR-67, ES-CT, ...), by ISO 3166
// code.
//
// The holiday rules come from github.com/rickar/cal/v2. Where it falls
// short, this package completes it: extra.go by rule, spain.go with the
// lists Spain publishes year by year for its communities.
package calendar

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/art28/art28"
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
)

// rules maps a calendar code to its public holidays. A subdivision's list
// is whole (national holidays included).
var rules = map[string][]*cal.Holiday{
	"AT": at.Holidays, "BE": be.Holidays, "BG": bg.Holidays, "CZ": cz.Holidays, "DK": dk.Holidays,
	"ES": es.Holidays, "FR": fr.Holidays, "GB": gb.Holidays, "GR": gr.Holidays, "HR": hr.Holidays,
	"IE": ie.Holidays, "IT": it.Holidays, "LT": lt.Holidays, "LV": lv.Holidays, "NL": nl.Holidays,
	"NO": no.Holidays, "PL": pl.Holidays, "RO": ro.Holidays, "SE": se.Holidays, "SI": si.Holidays,
	"SK": sk.Holidays,

	"DE": de.Holidays, "DE-BW": de.HolidaysBW, "DE-BY": de.HolidaysBY, "DE-BE": de.HolidaysBE,
	"DE-BB": de.HolidaysBB, "DE-HB": de.HolidaysHB, "DE-HH": de.HolidaysHH, "DE-HE": de.HolidaysHE,
	"DE-MV": de.HolidaysMV, "DE-NI": de.HolidaysNI, "DE-NW": de.HolidaysNW, "DE-RP": de.HolidaysRP,
	"DE-SL": de.HolidaysSL, "DE-SN": de.HolidaysSN, "DE-ST": de.HolidaysST, "DE-SH": de.HolidaysSH,
	"DE-TH": de.HolidaysTH,

	"CH": ch.Holidays, "CH-ZH": ch.HolidaysZH, "CH-BE": ch.HolidaysBE, "CH-LU": ch.HolidaysLU,
	"CH-UR": ch.HolidaysUR, "CH-SZ": ch.HolidaysSZ, "CH-OW": ch.HolidaysOW, "CH-NW": ch.HolidaysNW,
	"CH-GL": ch.HolidaysGL, "CH-ZG": ch.HolidaysZG, "CH-FR": ch.HolidaysFR, "CH-SO": ch.HolidaysSO,
	"CH-BS": ch.HolidaysBS, "CH-BL": ch.HolidaysBL, "CH-SH": ch.HolidaysSH, "CH-AR": ch.HolidaysAR,
	"CH-AI": ch.HolidaysAI, "CH-SG": ch.HolidaysSG, "CH-GR": ch.HolidaysGR, "CH-AG": ch.HolidaysAG,
	"CH-TG": ch.HolidaysTG, "CH-VD": ch.HolidaysVD, "CH-TI": ch.HolidaysTI, "CH-VS": ch.HolidaysVS,
	"CH-NE": ch.HolidaysNE, "CH-GE": ch.HolidaysGE, "CH-JU": ch.HolidaysJU,
}

// listed maps a calendar code to whole holiday lists for the years where
// its holidays are published year by year instead of following a rule
// (Spain's communities, spain.go). A year listed there replaces the rules
// for that year; other years follow the rules.
var listed = map[string]map[int][]time.Time{}

// Codes lists every known calendar code, sorted.
func Codes() []string {
	out := make([]string, 0, len(rules))
	for c := range rules {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Calendar is the holidays of one code, computed once per year and kept.
type Calendar struct {
	code   string
	rules  []*cal.Holiday
	listed map[int][]time.Time

	mu    sync.RWMutex
	years map[int]map[int]bool // year -> day of year -> holiday
}

var _ art28.Calendar = (*Calendar)(nil)

var (
	mu     sync.Mutex
	loaded = map[string]*Calendar{}
)

// Lookup returns the calendar of a code such as "DE" or "DE-BW"; an error
// names a code it does not know.
func Lookup(code string) (*Calendar, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	mu.Lock()
	defer mu.Unlock()
	if c, ok := loaded[code]; ok {
		return c, nil
	}
	r, ok := rules[code]
	if !ok {
		return nil, fmt.Errorf("calendar %q is not known: use an ISO 3166 country code, with a subdivision where its holidays differ (DE-BW)", code)
	}
	c := &Calendar{code: code, rules: r, listed: listed[code], years: map[int]map[int]bool{}}
	loaded[code] = c
	return c, nil
}

// Code implements art28.Calendar.
func (c *Calendar) Code() string { return c.code }

// IsHoliday implements art28.Calendar: a public holiday on its date, or on
// the weekday it is observed on where it falls on a weekend (as in GB).
func (c *Calendar) IsHoliday(year int, month time.Month, day int) bool {
	yd := time.Date(year, month, day, 12, 0, 0, 0, time.UTC).YearDay()
	c.mu.RLock()
	days, ok := c.years[year]
	c.mu.RUnlock()
	if !ok {
		days = c.compute(year)
	}
	return days[yd]
}

func (c *Calendar) compute(year int) map[int]bool {
	days := map[int]bool{}
	if list, ok := c.listed[year]; ok {
		for _, t := range list {
			days[t.YearDay()] = true
		}
	} else {
		c.addRules(days, year)
	}
	c.mu.Lock()
	c.years[year] = days
	c.mu.Unlock()
	return days
}

// addRules adds the days the rules give for year.
func (c *Calendar) addRules(days map[int]bool, year int) {
	for _, h := range c.rules {
		if h.Type != cal.ObservancePublic && h.Type != cal.ObservanceBank && h.Type != cal.ObservanceUnknown {
			continue
		}
		actual, observed := h.Calc(year)
		for _, t := range []time.Time{actual, observed} {
			if !t.IsZero() && t.Year() == year {
				days[t.YearDay()] = true
			}
		}
	}
}
