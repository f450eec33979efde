package http

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/art28/art28"
)

// transferRegion is where a sub-processor is, as Chapter V sees it.
type transferRegion int

const (
	regionEEA      transferRegion = iota // no safeguard needed
	regionAdequate                       // an adequacy decision (Art. 45)
	regionThird                          // an Art. 46 safeguard or an Art. 49 derogation
)

var transferRegions = []transferRegion{regionEEA, regionAdequate, regionThird}

func transferRegionOf(country string) transferRegion {
	switch {
	case art28.InEEA(country):
		return regionEEA
	case art28.HasAdequacy(country):
		return regionAdequate
	}
	return regionThird
}

// Label names the region in a few words.
func (r transferRegion) Label() string {
	return [...]string{"EU/EEA", "adequacy decision", "third country"}[r]
}

func (r transferRegion) title() string {
	return [...]string{"EU / EEA", "Adequacy decision", "Other third countries"}[r]
}

func (r transferRegion) note() string {
	return [...]string{"No transfer safeguard needed", "Art. 45 decision of the Commission",
		"Art. 46 safeguards or Art. 49"}[r]
}

// safeguardClass is the stylesheet class that colours a safeguard.
func safeguardClass(s art28.Safeguard) string {
	switch s {
	case art28.SafeguardNone:
		return "sg-none"
	case art28.SafeguardAdequacy:
		return "sg-adequacy"
	case art28.SafeguardSCC:
		return "sg-scc"
	case art28.SafeguardUKAddendum:
		return "sg-uk"
	case art28.SafeguardBCR:
		return "sg-bcr"
	case art28.SafeguardArt49:
		return "sg-art49"
	}
	return "sg-other"
}

// listPicture is the list drawn as an inline SVG: one column per region, a
// card per country with its sub-processors, each coloured by safeguard.
// Every coordinate is computed here, so that the template only places
// what it is given, and the page needs no script.
type listPicture struct {
	Width, Height int
	Regions       []pictureRegion
	Legend        []legendItem
	Summary       string // the text alternative in one sentence
}

type pictureRegion struct {
	X, Y, W, H    int
	Class         string
	Title, Note   string
	Count         int // drawn in a badge at CountX, CountY
	CountX        int
	CountY        int
	Countries     []pictureCountry
	EmptyX, Empty int // where "none" is written, when there is no one
}

type pictureCountry struct {
	X, Y, W, H int
	Name, Code string
	CodeX      int
	Items      []pictureItem
}

type pictureItem struct {
	X, Y, W      int
	DotX, DotY   int
	TextX, TextY int
	Label, Full  string
	Class        string
}

type legendItem struct {
	X, Y, TextX, TextY int
	Class, Label       string
}

// The picture's grid, in SVG units (pixels at full width).
const (
	picPad       = 16
	picColW      = 296
	picGap       = 16
	picHeadH     = 60
	picCardPad   = 12
	picCardHeadH = 30
	picItemH     = 26
	picCardGap   = 10
	picMaxLabel  = 32  // characters of a name that fit in a pill
	picCharW     = 7.2 // average width of a 12.5 px character
)

// drawPicture lays out the listed sub-processors in columns: regions side
// by side (3) or stacked (1, for narrow screens); nil when there are none.
func drawPicture(list []publicSubprocessor, columns int) *listPicture {
	if len(list) == 0 {
		return nil
	}
	p := &listPicture{Width: picPad*2 + picColW*columns + picGap*(columns-1)}
	byRegion := map[transferRegion]map[string][]publicSubprocessor{}
	used := map[string]string{} // class -> label
	for _, sp := range list {
		if byRegion[sp.Region] == nil {
			byRegion[sp.Region] = map[string][]publicSubprocessor{}
		}
		byRegion[sp.Region][sp.Country] = append(byRegion[sp.Region][sp.Country], sp)
		used[sp.Class] = sp.SafeguardLabel
	}
	bottom := 0
	var counts []string
	for i, r := range transferRegions {
		x, y := picPad+i*(picColW+picGap), picPad
		if columns == 1 {
			x, y = picPad, max(picPad, bottom+picGap)
		}
		reg, n := drawRegion(r, i, byRegion[r], x, y)
		if n > 0 {
			counts = append(counts, fmt.Sprintf("%s in %s", countNoun(n, "sub-processor", "sub-processors"), strings.ToLower(r.title())))
		}
		bottom = max(bottom, reg.Y+reg.H)
		p.Regions = append(p.Regions, reg)
	}
	if columns > 1 {
		for i := range p.Regions {
			p.Regions[i].H = bottom - p.Regions[i].Y // columns of one height
		}
	}
	// The legend: the safeguards in use, in the order of art28.Safeguards,
	// flowing onto a new line when the width is used up.
	lx, ly := picPad, bottom+20
	for _, sg := range art28.Safeguards {
		label, ok := used[safeguardClass(sg)]
		if !ok {
			continue
		}
		w := 30 + int(float64(utf8.RuneCountInString(label))*picCharW) + 24
		if lx+w > p.Width-picPad && lx > picPad {
			lx, ly = picPad, ly+24
		}
		p.Legend = append(p.Legend, legendItem{X: lx, Y: ly, TextX: lx + 22, TextY: ly + 12, Class: safeguardClass(sg), Label: label})
		lx += w
	}
	p.Height = ly + 16 + picPad
	p.Summary = fmt.Sprintf("%s: %s.", countNoun(len(list), "sub-processor", "sub-processors"), strings.Join(counts, ", "))
	return p
}

// drawRegion lays out one region's panel at x, y: a card per country,
// the countries with most sub-processors first.
func drawRegion(r transferRegion, i int, countries map[string][]publicSubprocessor, x, y int) (pictureRegion, int) {
	reg := pictureRegion{X: x, Y: y, W: picColW, Class: fmt.Sprintf("region region-%d", i), Title: r.title(), Note: r.note(),
		CountX: x + picColW - 26, CountY: y + 26}
	codes := make([]string, 0, len(countries))
	n := 0
	for code, sps := range countries {
		codes = append(codes, code)
		n += len(sps)
	}
	slices.SortFunc(codes, func(a, b string) int {
		if d := len(countries[b]) - len(countries[a]); d != 0 {
			return d
		}
		return strings.Compare(art28.CountryName(a), art28.CountryName(b))
	})
	reg.Count = n
	cy := y + picHeadH
	for _, code := range codes {
		cx, cw := x+picCardPad, picColW-2*picCardPad
		card := pictureCountry{X: cx, Y: cy, W: cw, Name: art28.CountryName(code), Code: code, CodeX: cx + cw - 10}
		iy := cy + picCardHeadH
		for _, sp := range countries[code] {
			label := sp.Name
			if utf8.RuneCountInString(label) > picMaxLabel {
				label = string([]rune(label)[:picMaxLabel-1]) + "…"
			}
			card.Items = append(card.Items, pictureItem{X: cx + 10, Y: iy, W: cw - 20, DotX: cx + 22, DotY: iy + 10,
				TextX: cx + 32, TextY: iy + 14, Label: label, Full: sp.Name + " — " + sp.Purpose + " (" + sp.SafeguardLabel + ")",
				Class: sp.Class})
			iy += picItemH
		}
		card.H = iy - cy + 4
		reg.Countries = append(reg.Countries, card)
		cy += card.H + picCardGap
	}
	if n == 0 {
		reg.EmptyX, reg.Empty = x+picColW/2, cy+22
		cy += 40
	}
	reg.H = cy - y + picCardPad - picCardGap
	return reg, n
}

func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
