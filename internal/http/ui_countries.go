package http

import (
	"html/template"
	"strings"

	"github.com/art28/art28"
)

// countryOptionHTML holds one escaped <option> per country, built once:
// a country list is some 250 options, and rendering them through the
// template on every page cost more than the rest of the page.
var countryOptionHTML = func() []string {
	out := []string{}
	for _, c := range art28.Countries() {
		code := template.HTMLEscapeString(c.Code)
		out = append(out, `<option value="`+code+`">`+template.HTMLEscapeString(c.Name)+` (`+code+`)</option>`)
	}
	return out
}()

// noCountrySelected is the options with none selected, the common case.
var noCountrySelected = renderCountryOptions("")

// countryOptions renders the options of a country select with selected
// marked.
func countryOptions(selected string) template.HTML {
	if selected == "" {
		return noCountrySelected
	}
	return renderCountryOptions(selected)
}

func renderCountryOptions(selected string) template.HTML {
	var b strings.Builder
	b.Grow(len(countryOptionHTML) * 40)
	mark := `<option value="` + template.HTMLEscapeString(selected) + `"`
	for _, o := range countryOptionHTML {
		if selected != "" && strings.HasPrefix(o, mark+">") {
			b.WriteString(mark + ` selected>` + o[len(mark)+1:])
		} else {
			b.WriteString(o)
		}
		b.WriteByte('\n')
	}
	return template.HTML(b.String())
}
