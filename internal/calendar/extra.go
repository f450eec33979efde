package calendar

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
)

// Completions of the holiday library. Each list holds the statutory public
// holidays only, with the law it comes from: days that are customary but
// not statutory (Christmas Eve in Finland, the afternoons of 24 and 31
// December in Iceland) are left out, because counting a working day as a
// holiday would make a deadline late, and the other way round only early.
// Spain's communities, whose lists change every year, are in spain.go.

func fixed(name string, month time.Month, day int) *cal.Holiday {
	return &cal.Holiday{Name: name, Type: cal.ObservancePublic, Month: month, Day: day, Func: cal.CalcDayOfMonth}
}

// orthodox is a holiday offset days from Orthodox Easter Sunday.
func orthodox(name string, offset int) *cal.Holiday {
	return &cal.Holiday{Name: name, Type: cal.ObservancePublic, Offset: offset, Julian: true, Func: cal.CalcEasterOffset}
}

// weekdayFrom is the nth weekday on or after month/day.
func weekdayFrom(name string, month time.Month, day int, wd time.Weekday, n int) *cal.Holiday {
	return &cal.Holiday{Name: name, Type: cal.ObservancePublic, Month: month, Day: day, Weekday: wd, Offset: n, Func: cal.CalcWeekdayFrom}
}

func public(h *cal.Holiday, name string) *cal.Holiday {
	return h.Clone(&cal.Holiday{Name: name, Type: cal.ObservancePublic})
}

func init() {
	// Alsace-Moselle (départements 57 Moselle, 67 Bas-Rhin, 68 Haut-Rhin)
	// keep Good Friday and St Stephen's Day (26 December) as public
	// holidays under local law (Code du travail, art. L3134-13).
	alsaceMoselle := append(append([]*cal.Holiday{}, fr.Holidays...),
		public(aa.GoodFriday, "Vendredi saint"), public(aa.ChristmasDay2, "Saint-Étienne"))
	for _, code := range []string{"FR-57", "FR-67", "FR-68"} {
		rules[code] = alsaceMoselle
	}

	// Portugal: Código do Trabalho, art. 234 (as restored in 2016).
	rules["PT"] = []*cal.Holiday{
		public(aa.NewYear, "Ano Novo"), public(aa.GoodFriday, "Sexta-feira Santa"), fixed("Dia da Liberdade", time.April, 25),
		public(aa.WorkersDay, "Dia do Trabalhador"), public(aa.CorpusChristi, "Corpo de Deus"), fixed("Dia de Portugal", time.June, 10),
		public(aa.AssumptionOfMary, "Assunção"), fixed("Implantação da República", time.October, 5), public(aa.AllSaintsDay, "Todos os Santos"),
		fixed("Restauração da Independência", time.December, 1), public(aa.ImmaculateConception, "Imaculada Conceição"),
		public(aa.ChristmasDay, "Natal"),
	}
	// Finland: Act on Holidays and the Church Act; Midsummer Day and All
	// Saints' Day always fall on a Saturday.
	rules["FI"] = []*cal.Holiday{
		public(aa.NewYear, "Uudenvuodenpäivä"), public(aa.Epiphany, "Loppiainen"), public(aa.GoodFriday, "Pitkäperjantai"),
		public(aa.EasterMonday, "2. pääsiäispäivä"), public(aa.WorkersDay, "Vappu"), public(aa.AscensionDay, "Helatorstai"),
		fixed("Itsenäisyyspäivä", time.December, 6), public(aa.ChristmasDay, "Joulupäivä"), public(aa.ChristmasDay2, "Tapaninpäivä"),
	}
	// Estonia: Public Holidays and Days of National Importance Act, § 2.
	rules["EE"] = []*cal.Holiday{
		public(aa.NewYear, "Uusaasta"), fixed("Iseseisvuspäev", time.February, 24), public(aa.GoodFriday, "Suur reede"),
		public(aa.WorkersDay, "Kevadpüha"), fixed("Võidupüha", time.June, 23), fixed("Jaanipäev", time.June, 24),
		fixed("Taasiseseisvumispäev", time.August, 20), fixed("Jõululaupäev", time.December, 24),
		public(aa.ChristmasDay, "Esimene jõulupüha"), public(aa.ChristmasDay2, "Teine jõulupüha"),
	}
	// Hungary: Labour Code (Act I of 2012), § 102(1).
	rules["HU"] = []*cal.Holiday{
		public(aa.NewYear, "Újév"), fixed("Nemzeti ünnep", time.March, 15), public(aa.GoodFriday, "Nagypéntek"),
		public(aa.EasterMonday, "Húsvéthétfő"), public(aa.WorkersDay, "A munka ünnepe"), public(aa.PentecostMonday, "Pünkösdhétfő"),
		fixed("Államalapítás ünnepe", time.August, 20), fixed("Nemzeti ünnep", time.October, 23),
		public(aa.AllSaintsDay, "Mindenszentek"), public(aa.ChristmasDay, "Karácsony"), public(aa.ChristmasDay2, "Karácsony másnapja"),
	}
	// Luxembourg: Code du travail, art. L.232-2 (Europe Day since 2019).
	rules["LU"] = []*cal.Holiday{
		public(aa.NewYear, "Neijoerschdag"), public(aa.EasterMonday, "Ouschterméindeg"), public(aa.WorkersDay, "Dag vun der Aarbecht"),
		{Name: "Europadag", Type: cal.ObservancePublic, Month: time.May, Day: 9, StartYear: 2019, Func: cal.CalcDayOfMonth},
		public(aa.AscensionDay, "Christi Himmelfaart"), public(aa.PentecostMonday, "Péngschtméindeg"),
		fixed("Nationalfeierdag", time.June, 23), public(aa.AssumptionOfMary, "Léiffrawëschdag"),
		public(aa.AllSaintsDay, "Allerhellgen"), public(aa.ChristmasDay, "Chrëschtdag"), public(aa.ChristmasDay2, "Stiefesdag"),
	}
	// Malta: National Holidays and Other Public Holidays Act (Cap. 252).
	rules["MT"] = []*cal.Holiday{
		public(aa.NewYear, "New Year's Day"), fixed("St Paul's Shipwreck", time.February, 10), fixed("St Joseph", time.March, 19),
		fixed("Freedom Day", time.March, 31), public(aa.GoodFriday, "Good Friday"), public(aa.WorkersDay, "Worker's Day"),
		fixed("Sette Giugno", time.June, 7), fixed("St Peter and St Paul", time.June, 29), public(aa.AssumptionOfMary, "Assumption"),
		fixed("Victory Day", time.September, 8), fixed("Independence Day", time.September, 21),
		public(aa.ImmaculateConception, "Immaculate Conception"), fixed("Republic Day", time.December, 13),
		public(aa.ChristmasDay, "Christmas Day"),
	}
	// Cyprus: public holidays of the Republic (Orthodox Easter dates).
	rules["CY"] = []*cal.Holiday{
		public(aa.NewYear, "Protochronia"), public(aa.Epiphany, "Theofania"), orthodox("Kathara Deftera", -48),
		fixed("Greek Independence Day", time.March, 25), fixed("Cyprus National Day", time.April, 1),
		orthodox("Megali Paraskevi", -2), orthodox("Deftera tou Pascha", 1), public(aa.WorkersDay, "Protomagia"),
		orthodox("Kataklysmos", 50), public(aa.AssumptionOfMary, "Kimisi tis Theotokou"),
		fixed("Cyprus Independence Day", time.October, 1), fixed("Ochi Day", time.October, 28),
		public(aa.ChristmasDay, "Christougenna"), public(aa.ChristmasDay2, "Synaxis tis Theotokou"),
	}
	// Iceland: Act on Public Holidays (Lög um almenna frídaga); the
	// afternoons of 24 and 31 December are left out (not whole days).
	rules["IS"] = []*cal.Holiday{
		public(aa.NewYear, "Nýársdagur"), public(aa.MaundyThursday, "Skírdagur"), public(aa.GoodFriday, "Föstudagurinn langi"),
		public(aa.EasterMonday, "Annar í páskum"), weekdayFrom("Sumardagurinn fyrsti", time.April, 19, time.Thursday, 1),
		public(aa.WorkersDay, "Verkalýðsdagurinn"), public(aa.AscensionDay, "Uppstigningardagur"),
		public(aa.PentecostMonday, "Annar í hvítasunnu"), fixed("Þjóðhátíðardagurinn", time.June, 17),
		{Name: "Frídagur verslunarmanna", Type: cal.ObservancePublic, Month: time.August, Weekday: time.Monday, Offset: 1, Func: cal.CalcWeekdayOffset},
		public(aa.ChristmasDay, "Jóladagur"), public(aa.ChristmasDay2, "Annar í jólum"),
	}
	// Liechtenstein: Arbeitsgesetz, Art. 18(2) (days equal to Sundays);
	// the customary bank days (2 January, 24 and 31 December) are left out.
	rules["LI"] = []*cal.Holiday{
		public(aa.NewYear, "Neujahr"), public(aa.Epiphany, "Heilige Drei Könige"), fixed("Mariä Lichtmess", time.February, 2),
		fixed("Josefstag", time.March, 19), public(aa.EasterMonday, "Ostermontag"), public(aa.WorkersDay, "Tag der Arbeit"),
		public(aa.AscensionDay, "Auffahrt"), public(aa.PentecostMonday, "Pfingstmontag"), public(aa.CorpusChristi, "Fronleichnam"),
		fixed("Staatsfeiertag", time.August, 15), fixed("Mariä Geburt", time.September, 8), public(aa.AllSaintsDay, "Allerheiligen"),
		public(aa.ImmaculateConception, "Mariä Empfängnis"), public(aa.ChristmasDay, "Weihnachten"), public(aa.ChristmasDay2, "Stephanstag"),
	}

	// The United Kingdom: GB is England and Wales (the library's list);
	// Scotland and Northern Ireland differ under the Banking and Financial
	// Dealings Act 1971, Schedule 1, and the St Andrew's Day Bank Holiday
	// (Scotland) Act 2007. A day falling on a weekend moves to the next
	// weekday not already taken.
	weekend := []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 1}}
	second := []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 2}, {Day: time.Monday, Offset: 1}}
	bank := func(name string, month time.Month, day int, alt []cal.AltDay) *cal.Holiday {
		return &cal.Holiday{Name: name, Type: cal.ObservanceBank, Month: month, Day: day, Observed: alt, Func: cal.CalcDayOfMonth}
	}
	rules["GB-ENG"], rules["GB-WLS"] = gb.Holidays, gb.Holidays
	rules["GB-SCT"] = []*cal.Holiday{
		gb.NewYear, bank("2nd January", time.January, 2, second), gb.GoodFriday, gb.EarlyMay, gb.VEDay, gb.CoronationDay,
		gb.SpringHoliday, gb.SpringHoliday2022, gb.PlatinumJubilee, gb.SummerHolidayScotland,
		bank("St Andrew's Day", time.November, 30, weekend), gb.ChristmasDay, gb.BoxingDay,
	}
	rules["GB-NIR"] = append(append([]*cal.Holiday{}, gb.Holidays...),
		bank("St Patrick's Day", time.March, 17, weekend), bank("Battle of the Boyne", time.July, 12, weekend))
}
