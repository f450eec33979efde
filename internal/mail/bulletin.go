package mail

import (
	"slices"

	"github.com/art28/art28"
)

// NoticeBulletin is the template name of Bulletin.
const NoticeBulletin = "bulletin"

// Bulletin is the data of the "bulletin" message: one of the notices the
// agreements demand besides breaches and sub-processor changes (G7.4,
// G6.2, G6.3, G6.4, G4.5, G5.11, G8.6, G5.5). Title and Body are the
// processor's own words, as written; the kind is put in words by each
// language's template.
type Bulletin struct {
	ProcessorName, CustomerName string
	Kind                        art28.BulletinKind
	Title, Body                 string
	PortalURL                   string
	Clauses                     []string
}

// Validate reports the first field the message cannot be written without.
func (d Bulletin) Validate() error {
	if err := required(map[string]string{"ProcessorName": d.ProcessorName, "CustomerName": d.CustomerName,
		"Title": d.Title, "Body": d.Body, "PortalURL": d.PortalURL}); err != nil {
		return err
	}
	// A kind the templates have no words for would leave a gap in the
	// message.
	if !slices.Contains(art28.BulletinKinds, d.Kind) {
		return art28.FieldError("Kind", "%q is not a kind of bulletin", d.Kind)
	}
	// These go into the subject line, which must stay one line.
	return oneLine(map[string]string{"ProcessorName": d.ProcessorName, "Title": d.Title})
}
