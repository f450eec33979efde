package mail

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// NoticeBreach is the template name of BreachNotice.
const NoticeBreach = "breach_notice"

// BreachNotice is the data of the "breach_notice" message: one phase of
// the notice of a personal data breach to one customer, with the contents
// of Art. 33(3) (C8, G7.3). As with the kinds of SubprocessorChange, what
// reads differently in each language stays raw here and each language's
// template writes it: times in the agreement's zone, to be formatted; the
// numbers, nil when to follow; and the parts to follow, as parts.
type BreachNotice struct {
	ProcessorName, CustomerName string
	IncidentTitle               string
	Phase                       int       // 1 for the first notice, then updates (Art. 33(4))
	AwareAt, DueAt              time.Time // in the agreement's zone; DueAt is zero without a clock
	Nature                      string
	DataCategories              []string
	Subjects, Records           *Count // approximate; nil when to follow
	DPO                         string
	Consequences, Measures      string
	Mitigation                  string             // as the processor wrote it
	ClientSideEncrypted         bool               // encrypted on the customer's side (L3): a mitigating factor each template words itself
	ToFollow                    []art28.NoticePart // the parts that will follow
	PortalURL                   string
	Clauses                     []string
}

// FollowParts are the parts to follow as flags, in the order of
// art28.NoticeParts. A template names each in its language by testing a
// flag: comparing the parts' codes as strings took a reflective call per
// comparison, a quarter of a breach notice's rendering, which the outbox
// does once per customer.
type FollowParts struct{ Nature, Subjects, Records, DPO, Consequences, Measures bool }

// Follow is d.ToFollow as flags.
func (d BreachNotice) Follow() FollowParts {
	var f FollowParts
	for _, p := range d.ToFollow {
		switch p {
		case art28.PartNature:
			f.Nature = true
		case art28.PartSubjects:
			f.Subjects = true
		case art28.PartRecords:
			f.Records = true
		case art28.PartDPO:
			f.DPO = true
		case art28.PartConsequences:
			f.Consequences = true
		case art28.PartMeasures:
			f.Measures = true
		}
	}
	return f
}

// Count is an approximate number of data subjects or records.
type Count int64

// Group writes c with sep between groups of three digits, so that each
// template separates thousands the way its language does: "12,000",
// "12.000", "12 000".
func (c Count) Group(sep string) string {
	s := strconv.FormatInt(int64(c), 10)
	sign := ""
	if c < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// NewCount is n as a Count, nil when n is.
func NewCount(n *int64) *Count {
	if n == nil {
		return nil
	}
	c := Count(*n)
	return &c
}

// Validate reports the first field the message cannot be written without.
func (d BreachNotice) Validate() error {
	if err := required(map[string]string{"ProcessorName": d.ProcessorName, "CustomerName": d.CustomerName,
		"IncidentTitle": d.IncidentTitle, "PortalURL": d.PortalURL}); err != nil {
		return err
	}
	if d.AwareAt.IsZero() {
		return art28.FieldError("AwareAt", "is required")
	}
	if d.Phase < 1 {
		return art28.FieldError("Phase", "must be 1 or more")
	}
	// A part the templates have no words for would vanish from the list
	// of what is still to come.
	for _, p := range d.ToFollow {
		if !slices.Contains(art28.NoticeParts, p) {
			return art28.FieldError("ToFollow", "%q is not a part of a notice", p)
		}
	}
	// These go into the subject line, which must stay one line.
	return oneLine(map[string]string{"ProcessorName": d.ProcessorName, "IncidentTitle": d.IncidentTitle})
}
