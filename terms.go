package art28

import (
	"fmt"
	"time"
)

// ClauseKey names a clause of a terms file that carries a period, a channel
// or a choice (docs/terms.md).
type ClauseKey string

const (
	BreachNotification ClauseKey = "breach_notification"
	SubprocessorNotice ClauseKey = "subprocessor_notice"
	AuditNotice        ClauseKey = "audit_notice"
	AuditFrequency     ClauseKey = "audit_frequency"
	TerminationNotice  ClauseKey = "termination_notice"
	RetrievalWindow    ClauseKey = "retrieval_window"
	EndOfContract      ClauseKey = "end_of_contract"
	DataLocation       ClauseKey = "data_location"
	TransferSafeguards ClauseKey = "transfer_safeguards"
	RequestForwarding  ClauseKey = "request_forwarding"

	// The other notices (bulletins): the period, if any, runs from when
	// the processor learned of the event.
	DisruptionNotice      ClauseKey = "disruption_notice"       // G7.4
	ViolationNotice       ClauseKey = "violation_notice"        // G7.4, G6.2
	AuthorityActionNotice ClauseKey = "authority_action_notice" // G6.3
	SeizureNotice         ClauseKey = "seizure_notice"          // G6.4: seizure, confiscation, insolvency
	LegalObligationNotice ClauseKey = "legal_obligation_notice" // G4.5
	MeasuresNotice        ClauseKey = "measures_notice"         // G5.11
	CertificationNotice   ClauseKey = "certification_notice"    // G8.6
	DPOChangeNotice       ClauseKey = "dpo_change_notice"       // G5.5
)

// ClauseKeys lists the clause keys of format v1.
var ClauseKeys = []ClauseKey{BreachNotification, SubprocessorNotice, AuditNotice, AuditFrequency,
	TerminationNotice, RetrievalWindow, EndOfContract, DataLocation, TransferSafeguards, RequestForwarding,
	DisruptionNotice, ViolationNotice, AuthorityActionNotice, SeizureNotice, LegalObligationNotice, MeasuresNotice,
	CertificationNotice, DPOChangeNotice}

// Terms are the operative terms of one agreement template: its zone and
// working-day calendar, and its clauses by key.
type Terms struct {
	ID       string
	Title    string
	TimeZone string
	Calendar string
	Clauses  map[ClauseKey]*ClauseTerms
	Hash     string // SHA-256 of the file's content, hex: tells versions apart
}

// ClauseTerms is one clause. Fields a clause key does not use stay empty.
type ClauseTerms struct {
	Period     *Period // nil: the clause has no period (for example notice only)
	Roll       bool    // roll a last day on a weekend or holiday to the next working day
	Channels   []string
	Notify     []ContactRole
	Implements []string // clause IDs of CLAUSES.md

	Objection string   // subprocessor_notice: allowed, not_allowed
	Silence   string   // subprocessor_notice: approves, nothing
	Max       int      // audit_frequency: most audits per Per
	Per       *Period  // audit_frequency
	LiftedBy  []string // audit_frequency: reasons that lift the limit
	Outcome   string   // end_of_contract: return, delete, controller_choice
	Allowed   []string // data_location: countries, EU, EEA; transfer_safeguards: mechanisms
	Otherwise string   // transfer_safeguards: prior_consent, refused
}

// Deadline computes the deadline of a clause's period for an event at
// from, in the terms' zone and calendar. It is an error for a clause the
// terms do not have, or one without a period.
func (t *Terms) Deadline(key ClauseKey, from time.Time, cal Calendar) (time.Time, error) {
	c, ok := t.Clauses[key]
	if !ok {
		return time.Time{}, fmt.Errorf("terms %s have no clause %s", t.ID, key)
	}
	if c.Period == nil {
		return time.Time{}, fmt.Errorf("clause %s of terms %s has no period", key, t.ID)
	}
	loc, err := LoadZone(t.TimeZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("terms %s: time zone %q: %w", t.ID, t.TimeZone, err)
	}
	return c.Period.Deadline(from, loc, cal, c.Roll)
}
