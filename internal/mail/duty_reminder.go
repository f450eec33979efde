package mail

import "github.com/art28/art28"

// NoticeDutyReminder is the template name of DutyReminder.
const NoticeDutyReminder = "duty_reminder"

// DutyReminder is the data of the "duty_reminder" message: a reminder of
// an open duty, or an escalation of an overdue one, to the processor's
// privacy officers (and to its owners on escalation). All strings are
// ready to show.
type DutyReminder struct {
	ProcessorName string // may be empty
	Title         string // what to do
	Kind          string // e.g. subprocessor.objection_window
	CustomerName  string // empty for a duty of no customer's
	Clauses       []string

	// DueUTC is the deadline in UTC; DueLocal is the same instant in
	// TimeZone, the zone of the duty's agreement, both empty when the duty
	// has no agreement with terms or its zone is UTC.
	DueUTC, DueLocal, TimeZone string

	Label      string // when in the period, e.g. "50% of the period has passed", "overdue by 2 days"
	Escalation bool   // the duty is overdue
	DutyURL    string // the duty's page
}

// Validate reports the first field the message cannot be written without.
func (d DutyReminder) Validate() error {
	if err := required(map[string]string{"Title": d.Title, "Kind": d.Kind, "DueUTC": d.DueUTC, "Label": d.Label,
		"DutyURL": d.DutyURL}); err != nil {
		return err
	}
	if d.DueLocal != "" && d.TimeZone == "" {
		return art28.FieldError("TimeZone", "is required with DueLocal")
	}
	// These go into the subject line, which must stay one line.
	return oneLine(map[string]string{"Title": d.Title, "CustomerName": d.CustomerName, "Label": d.Label})
}
