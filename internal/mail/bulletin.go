package mail

import (
	"strings"

	"github.com/art28/art28"
)

// NoticeBulletin is the template name of Bulletin.
const NoticeBulletin = "bulletin"

// Bulletin is the data of the "bulletin" message: one of the notices the
// agreements demand besides breaches and sub-processor changes (G7.4,
// G6.2, G6.3, G6.4, G4.5, G5.11, G8.6, G5.5).
type Bulletin struct {
	ProcessorName, CustomerName string
	Kind                        string // in words: "a supervisory authority acts", ...
	Title, Body                 string
	PortalURL                   string
	Clauses                     []string
}

// Validate reports the first field the message cannot be written without.
func (d Bulletin) Validate() error {
	for _, f := range []struct{ name, value string }{
		{"ProcessorName", d.ProcessorName}, {"CustomerName", d.CustomerName}, {"Title", d.Title}, {"Body", d.Body},
		{"PortalURL", d.PortalURL},
	} {
		if strings.TrimSpace(f.value) == "" {
			return art28.FieldError(f.name, "is required")
		}
	}
	return nil
}
