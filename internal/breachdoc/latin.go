package breachdoc

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// latin readies s for a core PDF font, which knows only the 256 glyphs of
// Windows-1252: German, French, Spanish, Nordic and the other Western
// European letters print as they are, "Müller GmbH" included. A letter
// outside them loses its accent ("Dvořák" prints as "Dvorák", "Ștefan" as
// "Stefan"), a few that carry a stroke rather than an accent take their base
// letter ("Łódź" prints as "Lódz"), and anything else prints as "?", where the library would print
// ".". The JSON export keeps every name exactly. encode is the library's
// translator; a rune it cannot encode comes back as ".".
func latin(s string, encode func(string) string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 || encode(string(r)) != "." {
			b.WriteRune(r)
			continue
		}
		if x, ok := others[r]; ok {
			b.WriteString(x)
			continue
		}
		base := []rune(norm.NFD.String(string(r)))[0]
		if base != r && (base < 0x80 || encode(string(base)) != ".") {
			b.WriteRune(base)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// others are the letters of European names that Unicode does not
// decompose into a base letter and an accent, and typographic marks with a
// plain equivalent.
var others = map[rune]string{
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ħ': "H", 'ħ': "h", 'ı': "i", 'Ŧ': "T", 'ŧ': "t",
	'\u2010': "-", '\u2011': "-", '\u2212': "-", '\u2192': "->", '\u2190': "<-", '\u2264': "<=", '\u2265': ">=",
	'\u2009': " ", '\u202f': " ", '\u200b': "",
}
