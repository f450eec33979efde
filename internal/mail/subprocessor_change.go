package mail

import (
	"strings"

	"github.com/art28/art28"
)

// NoticeSubprocessorChange is the template name of SubprocessorChange.
const NoticeSubprocessorChange = "subprocessor_change"

// Kinds of sub-processor change.
const (
	ChangeAdd      = "add"      // a new sub-processor
	ChangeReplace  = "replace"  // a new one in place of ReplacesName
	ChangeRemove   = "remove"   // a sub-processor no longer engaged
	ChangeLocation = "location" // processing moves to another country
	ChangePurpose  = "purpose"  // processing for another purpose
)

// SubprocessorChange is the data of the "subprocessor_change" notice. All
// strings are ready to show: dates already formatted in the agreement's
// zone, the country as a name, the safeguard in words.
type SubprocessorChange struct {
	ProcessorName, CustomerName string

	Kind                string
	SubprocessorName    string
	SubprocessorCountry string // the country name, in the notice's language
	Purpose             string
	Safeguard           string // e.g. "Standard contractual clauses"; may be empty
	ReplacesName        string // for Kind "replace"
	EffectiveFrom       string // a date; may be empty

	// WindowEnd is the objection deadline, formatted in TimeZone, the
	// agreement's zone. It is empty for a notice that allows no objection,
	// and set only with ObjectionAllowed.
	WindowEnd, TimeZone string
	ObjectionAllowed    bool
	SilenceApproves     bool // no objection by WindowEnd counts as approval
	TerminationRight    bool // a reasonable objection lets the customer terminate, with a pro-rata refund (C7)

	PortalURL, ListURL string
	Clauses            []string // the clause IDs the notice is given under
}

// Validate reports the first field the notice cannot be written without.
func (d SubprocessorChange) Validate() error {
	switch d.Kind {
	case ChangeAdd, ChangeReplace, ChangeRemove, ChangeLocation, ChangePurpose:
	default:
		return art28.FieldError("Kind", "%q is not one of add, replace, remove, location, purpose", d.Kind)
	}
	for _, f := range []struct{ name, value string }{
		{"ProcessorName", d.ProcessorName}, {"CustomerName", d.CustomerName},
		{"SubprocessorName", d.SubprocessorName}, {"SubprocessorCountry", d.SubprocessorCountry},
		{"Purpose", d.Purpose}, {"PortalURL", d.PortalURL},
	} {
		if strings.TrimSpace(f.value) == "" {
			return art28.FieldError(f.name, "is required")
		}
	}
	if d.Kind == ChangeReplace && strings.TrimSpace(d.ReplacesName) == "" {
		return art28.FieldError("ReplacesName", "is required for a replacement")
	}
	if d.WindowEnd != "" && !d.ObjectionAllowed {
		return art28.FieldError("WindowEnd", "is set, but ObjectionAllowed is false")
	}
	// These go into the subject line, which must stay one line.
	for _, f := range []struct{ name, value string }{
		{"ProcessorName", d.ProcessorName}, {"SubprocessorName", d.SubprocessorName},
		{"SubprocessorCountry", d.SubprocessorCountry}, {"ReplacesName", d.ReplacesName},
		{"WindowEnd", d.WindowEnd},
	} {
		if strings.ContainsAny(f.value, "\r\n") {
			return art28.FieldError(f.name, "contains a line break")
		}
	}
	return nil
}
