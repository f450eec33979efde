package calendar

import (
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"
)

// Completions of the holiday library, each with its source.
func init() {
	// Alsace-Moselle (départements 57 Moselle, 67 Bas-Rhin, 68 Haut-Rhin)
	// keep Good Friday and St Stephen's Day (26 December) as public
	// holidays under local law (Code du travail, art. L3134-13).
	goodFriday := aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic})
	stStephen := aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Saint-Étienne", Type: cal.ObservancePublic})
	alsaceMoselle := append(append([]*cal.Holiday{}, fr.Holidays...), goodFriday, stStephen)
	for _, code := range []string{"FR-57", "FR-67", "FR-68"} {
		rules[code] = alsaceMoselle
	}
}
