package mail

import (
	"fmt"
	"strconv"

	"github.com/art28/art28"
)

// NoticeDutyReminderDigest is the template name of DutyReminderDigest.
const NoticeDutyReminderDigest = "duty_reminder_digest"

// DutyReminderDigest is the data of the "duty_reminder_digest" message:
// many reminders and escalations recorded together (a breach opens a duty
// per agreement, all falling due at once), in one message to a privacy
// officer, or the escalations alone to an owner. The duties come in
// groups of one kind and one point in their period, each listing its
// first duties and counting the rest. All strings are ready to show.
type DutyReminderDigest struct {
	ProcessorName   string // may be empty
	EscalationsOnly bool   // to an owner: the overdue duties alone
	Total           int    // the duties in the digest
	Overdue         int    // how many of them are overdue
	Groups          []DutyDigestGroup
	DashboardURL    string // where every open duty is listed
}

// DutyDigestGroup is the duties of one kind at one point of their period,
// e.g. "12 breach notices: 50% of the period has passed".
type DutyDigestGroup struct {
	Kind       string // e.g. breach.notice
	Label      string // e.g. "50% of the period has passed", "overdue by 2 days"
	Escalation bool   // the duties are overdue
	Count      int    // the duties in the group, listed or not
	Duties     []DutyDigestLine
}

// DutyDigestLine is one duty of a digest.
type DutyDigestLine struct {
	Title        string
	CustomerName string // empty for a duty of no customer's
	DueUTC       string
	DutyURL      string
}

// More is how many of the group's duties are not listed.
func (g DutyDigestGroup) More() int { return g.Count - len(g.Duties) }

// dutyNouns are the kinds of duty the system opens, in words: singular
// and plural.
var dutyNouns = map[string][2]string{
	"breach.notice":                 {"breach notice", "breach notices"},
	"subprocessor.review":           {"sub-processor review", "sub-processor reviews"},
	"subprocessor.objection_window": {"objection window", "objection windows"},
}

// Noun is the group's kind in words, agreeing with its count; a kind
// opened by hand or through the API is named as it is.
func (g DutyDigestGroup) Noun() string {
	n, ok := dutyNouns[g.Kind]
	if !ok {
		n = [2]string{"duty of kind " + g.Kind, "duties of kind " + g.Kind}
	}
	if g.Count == 1 {
		return n[0]
	}
	return n[1]
}

// Validate reports the first field the message cannot be written without,
// or counts that do not add up.
func (d DutyReminderDigest) Validate() error {
	if err := required(map[string]string{"DashboardURL": d.DashboardURL}); err != nil {
		return err
	}
	if len(d.Groups) == 0 {
		return art28.FieldError("Groups", "is required")
	}
	total, overdue := 0, 0
	for i, g := range d.Groups {
		name := "Groups[" + strconv.Itoa(i) + "]"
		if err := required(map[string]string{name + ".Kind": g.Kind, name + ".Label": g.Label}); err != nil {
			return err
		}
		if err := oneLine(map[string]string{name + ".Kind": g.Kind, name + ".Label": g.Label}); err != nil {
			return err
		}
		if g.Count < 1 || g.Count < len(g.Duties) {
			return art28.FieldError(name+".Count", "is %d for %d duties listed", g.Count, len(g.Duties))
		}
		if d.EscalationsOnly && !g.Escalation {
			return art28.FieldError(name+".Escalation", "is false in a digest of escalations")
		}
		for j, l := range g.Duties {
			line := fmt.Sprintf("%s.Duties[%d]", name, j)
			if err := required(map[string]string{line + ".Title": l.Title, line + ".DueUTC": l.DueUTC,
				line + ".DutyURL": l.DutyURL}); err != nil {
				return err
			}
		}
		total += g.Count
		if g.Escalation {
			overdue += g.Count
		}
	}
	if d.Total != total {
		return art28.FieldError("Total", "is %d; the groups count %d", d.Total, total)
	}
	if d.Overdue != overdue {
		return art28.FieldError("Overdue", "is %d; the groups count %d", d.Overdue, overdue)
	}
	return nil
}
