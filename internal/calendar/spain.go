package calendar

import (
	"fmt"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/es"
)

// Spain's autonomous communities and autonomous cities (ISO 3166-2:ES).
//
// Their holidays follow no fixed rule. Within the fourteen days a year of
// the Estatuto de los Trabajadores (art. 37.2), each community chooses
// every year, under RD 2001/1983 (art. 45), which substitutable national
// days it keeps (Epiphany, Maundy Thursday, 19 March or 25 July), what
// replaces a national day that falls on a Sunday, and its own days. Each
// October the Dirección General de Trabajo publishes the result for the
// next year in the BOE. So each code has:
//
//   - for each year whose resolution has been checked, the whole list of
//     that year's holidays in the community: it replaces the rules;
//   - for any other year, only the rules certain every year: the national
//     days (es.Holidays) and the community's own day where it has been a
//     holiday in every annual list since 2010 whenever it fell Monday to
//     Saturday. Days a community keeps only in some years (Maundy
//     Thursday, Easter Monday, the Monday after a national day on a
//     Sunday) are left out, since counting a working day as a holiday
//     would make a deadline late.
//
// Years not listed here, 2027 included (its resolution is not published
// yet), follow the rules.
//
// Canarias also has one holiday per island, and every other community two
// per municipality: those are not in the lists, which cover the whole
// community. Ceuta and Melilla are one municipality each, so their two
// local days cover the whole code and are listed.

// The national days every community keeps, as the year's resolution lists
// them; each community's list adds its own days to these.
var esNational = map[int][]string{
	// Resolución de 15 de octubre de 2024, de la Dirección General de
	// Trabajo (BOE núm. 252, 18 October 2024, BOE-A-2024-21316).
	// 12 October 2025 was a Sunday: a community moved it to Monday 13 or
	// replaced it with another day.
	2025: {"01-01", "01-06", "04-18", "05-01", "08-15", "11-01", "12-06", "12-08", "12-25"},
	// Resolución de 17 de octubre de 2025, de la Dirección General de
	// Trabajo (BOE núm. 259, 28 October 2025, BOE-A-2025-21667).
	// 1 November and 6 December 2026 are Sundays: a community moved them
	// to Monday 2 November and Monday 7 December or replaced them.
	2026: {"01-01", "01-06", "04-03", "05-01", "08-15", "10-12", "11-01", "12-08", "12-25"},
}

// community is one code: its own day for the years not listed, and per
// listed year the days it adds to esNational. Each list was checked
// against transcriptions of the BOE resolution and against reports of the
// community's own calendar decree; a day the sources disagree on is left
// out.
type community struct {
	own   []*cal.Holiday
	years map[int][]string
}

var spain = map[string]community{
	"ES-AN": {own: []*cal.Holiday{fixed("Día de Andalucía", time.February, 28)}, years: map[int][]string{
		2025: {"02-28", "04-17", "10-13"},
		2026: {"02-28", "04-02", "11-02", "12-07"},
	}},
	"ES-AR": {own: []*cal.Holiday{fixed("Día de Aragón", time.April, 23)}, years: map[int][]string{
		2025: {"04-17", "04-23", "10-13"},
		2026: {"04-02", "04-23", "11-02", "12-07"},
	}},
	"ES-AS": {own: []*cal.Holiday{fixed("Día de Asturias", time.September, 8)}, years: map[int][]string{
		2025: {"04-17", "09-08", "10-13"},
		// 19 March 2026 is left out: one press report lists it, the
		// transcription of the BOE list and the other reports do not.
		2026: {"04-02", "09-08", "11-02", "12-07"},
	}},
	"ES-IB": {own: []*cal.Holiday{fixed("Dia de les Illes Balears", time.March, 1)}, years: map[int][]string{
		// Easter Monday 2025 was left to the municipalities.
		2025: {"03-01", "04-17", "12-26"},
		2026: {"03-02", "04-02", "04-06", "12-26"},
	}},
	"ES-CN": {own: []*cal.Holiday{fixed("Día de Canarias", time.May, 30)}, years: map[int][]string{
		2025: {"04-17", "05-30"},
		2026: {"04-02", "05-30", "11-02"},
	}},
	// Cantabria has no day of its own in every year's list: the Día de las
	// Instituciones (28 July) was left out in 2015, a Tuesday.
	"ES-CB": {years: map[int][]string{
		2025: {"04-17", "07-28", "09-15"},
		2026: {"04-02", "07-28", "09-15", "12-07"},
	}},
	"ES-CL": {own: []*cal.Holiday{fixed("Fiesta de Castilla y León", time.April, 23)}, years: map[int][]string{
		2025: {"04-17", "04-23", "10-13"},
		2026: {"04-02", "04-23", "11-02", "12-07"},
	}},
	"ES-CM": {own: []*cal.Holiday{fixed("Día de Castilla-La Mancha", time.May, 31)}, years: map[int][]string{
		2025: {"04-17", "05-31", "06-19"},
		2026: {"04-02", "04-06", "06-04", "11-02"},
	}},
	// In the Val d'Aran, 17 June replaces 26 December; the list is the
	// rest of Catalonia's. One of the 2025 days was recoverable (worked
	// back at another time), still a day off.
	"ES-CT": {own: []*cal.Holiday{fixed("Diada Nacional de Catalunya", time.September, 11)}, years: map[int][]string{
		2025: {"04-21", "06-24", "09-11", "12-26"},
		2026: {"04-06", "06-24", "09-11", "12-26"},
	}},
	"ES-EX": {own: []*cal.Holiday{fixed("Día de Extremadura", time.September, 8)}, years: map[int][]string{
		2025: {"04-17", "09-08", "10-13"},
		2026: {"04-02", "09-08", "11-02", "12-07"},
	}},
	"ES-GA": {own: []*cal.Holiday{fixed("Día Nacional de Galicia", time.July, 25)}, years: map[int][]string{
		2025: {"04-17", "05-17", "07-25"},
		2026: {"03-19", "04-02", "06-24", "07-25"},
	}},
	"ES-MD": {own: []*cal.Holiday{fixed("Fiesta de la Comunidad de Madrid", time.May, 2)}, years: map[int][]string{
		2025: {"04-17", "05-02", "07-25"},
		2026: {"04-02", "05-02", "11-02", "12-07"},
	}},
	"ES-MC": {own: []*cal.Holiday{fixed("Día de la Región de Murcia", time.June, 9)}, years: map[int][]string{
		2025: {"03-19", "04-17", "06-09"},
		2026: {"03-19", "04-02", "06-09", "12-07"},
	}},
	// Navarre fixes 3 December (San Francisco Javier) for every
	// municipality as one of its local days, so it holds across the code.
	"ES-NC": {years: map[int][]string{
		2025: {"04-17", "04-21", "07-25", "12-03"},
		2026: {"03-19", "04-02", "04-06", "11-02", "12-03"},
	}},
	"ES-PV": {years: map[int][]string{
		2025: {"04-17", "04-21", "07-25"},
		2026: {"03-19", "04-02", "04-06", "07-25"},
	}},
	"ES-RI": {own: []*cal.Holiday{fixed("Día de La Rioja", time.June, 9)}, years: map[int][]string{
		2025: {"04-17", "04-21", "06-09"},
		2026: {"04-02", "04-06", "06-09", "12-07"},
	}},
	// San Juan (24 June) was a recoverable holiday in 2025, a day off all
	// the same; in 2026 it is not recoverable.
	"ES-VC": {own: []*cal.Holiday{fixed("Dia de la Comunitat Valenciana", time.October, 9)}, years: map[int][]string{
		2025: {"03-19", "04-21", "06-24", "10-09"},
		2026: {"03-19", "04-06", "06-24", "10-09"},
	}},
	// Ceuta and Melilla: the last two days of each year are the city's
	// local ones. Eid dates are those the city fixed for the year.
	"ES-CE": {years: map[int][]string{
		2025: {"04-17", "06-06", "08-05", "03-31", "06-13"},
		2026: {"04-02", "05-27", "08-05", "09-02", "03-20", "06-13"},
	}},
	"ES-ML": {years: map[int][]string{
		2025: {"03-31", "04-17", "06-06", "09-08", "09-17"},
		2026: {"03-20", "04-02", "05-27", "12-07", "09-08", "09-17"},
	}},
}

func init() {
	for code, c := range spain {
		rules[code] = append(append([]*cal.Holiday{}, es.Holidays...), c.own...)
		listed[code] = map[int][]time.Time{}
		for year, days := range c.years {
			listed[code][year] = esDates(year, append(append([]string{}, esNational[year]...), days...))
		}
	}
}

// esDates turns "MM-DD" days of year into dates; a malformed day is a bug
// in the lists above.
func esDates(year int, days []string) []time.Time {
	out := make([]time.Time, 0, len(days))
	for _, d := range days {
		t, err := time.Parse("2006-01-02", fmt.Sprintf("%d-%s", year, d))
		if err != nil {
			panic(fmt.Sprintf("calendar: Spanish holiday %d-%s: %v", year, d, err))
		}
		out = append(out, t)
	}
	return out
}
