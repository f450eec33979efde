package mail

import (
	"strings"

	"github.com/art28/art28"
)

// NoticeBreach is the template name of BreachNotice.
const NoticeBreach = "breach_notice"

// BreachNotice is the data of the "breach_notice" message: one phase of
// the notice of a personal data breach to one customer, with the contents
// of Art. 33(3) (C8, G7.3). Numbers are already words ("about 120", or
// empty when to follow); times are formatted in the agreement's zone.
type BreachNotice struct {
	ProcessorName, CustomerName string
	IncidentTitle               string
	Phase                       int // 1 for the first notice, then updates (Art. 33(4))
	AwareAt, DueAt              string
	Nature                      string
	DataCategories              []string
	Subjects, Records           string
	DPO                         string
	Consequences, Measures      string
	Mitigation                  string
	ToFollow                    []string // the parts that will follow, in words
	PortalURL                   string
	Clauses                     []string
}

// Validate reports the first field the message cannot be written without.
func (d BreachNotice) Validate() error {
	for _, f := range []struct{ name, value string }{
		{"ProcessorName", d.ProcessorName}, {"CustomerName", d.CustomerName}, {"IncidentTitle", d.IncidentTitle},
		{"AwareAt", d.AwareAt}, {"PortalURL", d.PortalURL},
	} {
		if strings.TrimSpace(f.value) == "" {
			return art28.FieldError(f.name, "is required")
		}
	}
	if d.Phase < 1 {
		return art28.FieldError("Phase", "must be 1 or more")
	}
	return nil
}
