package art28

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Assessment is what an incident was found to be.
type Assessment string

const (
	AssessPending   Assessment = "pending"    // not yet assessed
	AssessBreach    Assessment = "breach"     // a personal data breach: notices are owed
	AssessNotBreach Assessment = "not_breach" // documented, nothing to notify (G-annex)
)

// IncidentState is whether an incident is still being worked on.
type IncidentState string

const (
	IncidentOpen   IncidentState = "open"
	IncidentClosed IncidentState = "closed" // no more updates or notices
)

// Incident is one entry of the incident register: every security incident
// is documented, notified or not (G-annex). Its timeline is the activity
// record of the incident.
type Incident struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Reporter    string    `json:"reporter"`
	DetectedAt  time.Time `json:"detected_at"`
	// AwareAt is when the processor became aware of a breach: the clocks
	// of the breach notices run from it (L9, C8, S8, G7.2).
	AwareAt        time.Time `json:"aware_at"`
	Systems        []string  `json:"systems"`
	ServiceIDs     []int64   `json:"service_ids"`
	DataCategories []string  `json:"data_categories"`
	// Consequences and Measures are the likely consequences and the
	// measures taken or proposed (Art. 33(3)(c), (d); C8, G7.3).
	Consequences     string        `json:"consequences"`
	Measures         string        `json:"measures"`
	Assessment       Assessment    `json:"assessment"`
	AssessmentReason string        `json:"assessment_reason"`
	AssessedAt       *time.Time    `json:"assessed_at"`
	AssessedBy       string        `json:"assessed_by"`
	State            IncidentState `json:"state"`
	ClosedAt         *time.Time    `json:"closed_at"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
	// Affected are the customers the incident touches, each with its own
	// figures: a customer's notice holds only its own.
	Affected []Affected `json:"affected"`
}

// Affected is one customer an incident touches, with the approximate
// numbers of its data subjects and records concerned; nil when not yet
// known, which a notice then says will follow.
type Affected struct {
	CustomerID int64  `json:"customer_id"`
	Subjects   *int64 `json:"subjects"`
	Records    *int64 `json:"records"`
	// ClientSideEncrypted reports that every service of the incident this
	// customer uses encrypts on the customer's side (L3): a mitigating
	// factor the notice states. Derived, not stored.
	ClientSideEncrypted bool `json:"client_side_encrypted"`
}

// Validate normalises i and checks it against now: an awareness in the
// future is refused, as is awareness before detection.
func (i *Incident) Validate(now time.Time) error {
	if err := checkText("title", &i.Title, true, MaxName); err != nil {
		return err
	}
	if err := checkText("description", &i.Description, true, MaxText); err != nil {
		return err
	}
	if err := checkText("reporter", &i.Reporter, true, MaxName); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"consequences", &i.Consequences}, {"measures", &i.Measures}} {
		if err := checkText(f.name, f.v, false, MaxText); err != nil {
			return err
		}
	}
	if err := checkList("systems", &i.Systems, false); err != nil {
		return err
	}
	if err := checkList("data_categories", &i.DataCategories, false); err != nil {
		return err
	}
	switch {
	case i.DetectedAt.IsZero():
		return FieldError("detected_at", "is required")
	case i.AwareAt.IsZero():
		return FieldError("aware_at", "is required")
	case i.DetectedAt.After(now):
		return FieldError("detected_at", "is in the future")
	case i.AwareAt.After(now):
		return FieldError("aware_at", "is in the future")
	case i.AwareAt.Before(i.DetectedAt):
		return FieldError("aware_at", "is before the incident was detected")
	}
	seen := map[int64]bool{}
	for _, a := range i.Affected {
		if a.CustomerID <= 0 {
			return FieldError("affected", "names no customer")
		}
		if seen[a.CustomerID] {
			return FieldError("affected", "names customer %d twice", a.CustomerID)
		}
		seen[a.CustomerID] = true
		if a.Subjects != nil && *a.Subjects < 0 || a.Records != nil && *a.Records < 0 {
			return FieldError("affected", "has a negative number for customer %d", a.CustomerID)
		}
	}
	return nil
}

// NoticePart is one of the contents Art. 33(3) asks of a breach notice.
type NoticePart string

const (
	PartNature       NoticePart = "nature"       // what happened, categories of data and of subjects
	PartSubjects     NoticePart = "subjects"     // approximate number of data subjects
	PartRecords      NoticePart = "records"      // approximate number of records
	PartDPO          NoticePart = "dpo"          // the DPO or other contact point
	PartConsequences NoticePart = "consequences" // likely consequences
	PartMeasures     NoticePart = "measures"     // measures taken or proposed
)

// NoticeParts are the parts every breach notice carries, in order.
var NoticeParts = []NoticePart{PartNature, PartSubjects, PartRecords, PartDPO, PartConsequences, PartMeasures}

// BreachContent is what one customer's breach notice says. A part left
// empty must be named in ToFollow (Art. 33(4): information in phases).
type BreachContent struct {
	Nature         string       `json:"nature"`
	DataCategories []string     `json:"data_categories"`
	Subjects       *int64       `json:"subjects"`
	Records        *int64       `json:"records"`
	DPO            string       `json:"dpo"`
	Consequences   string       `json:"consequences"`
	Measures       string       `json:"measures"`
	Mitigation     string       `json:"mitigation"` // as the processor writes it, in the customer's language
	ToFollow       []NoticePart `json:"to_follow"`
	// ClientSideEncrypted reports that the customer's data concerned were
	// encrypted on its side (L3), a mitigating factor each rendering of
	// the notice states in its own words. Derived per customer from
	// Affected when the notice is issued; ignored in a request.
	ClientSideEncrypted bool `json:"client_side_encrypted"`
}

// Validate normalises c and checks its fields; what is missing is
// Missing's to say, per customer.
func (c *BreachContent) Validate() error {
	for _, f := range []struct {
		name string
		v    *string
	}{{"nature", &c.Nature}, {"dpo", &c.DPO}, {"consequences", &c.Consequences}, {"measures", &c.Measures}, {"mitigation", &c.Mitigation}} {
		if err := checkText(f.name, f.v, false, MaxText); err != nil {
			return err
		}
	}
	if err := checkList("data_categories", &c.DataCategories, false); err != nil {
		return err
	}
	for _, p := range c.ToFollow {
		if !slices.Contains(NoticeParts, p) {
			return FieldError("to_follow", "%q is not a part of a notice: nature, subjects, records, dpo, consequences or measures", p)
		}
	}
	return nil
}

// Missing lists the parts that are empty without being announced as to
// follow: a notice cannot go out with any.
func (c *BreachContent) Missing() []NoticePart {
	empty := map[NoticePart]bool{
		PartNature: strings.TrimSpace(c.Nature) == "", PartSubjects: c.Subjects == nil, PartRecords: c.Records == nil,
		PartDPO: strings.TrimSpace(c.DPO) == "", PartConsequences: strings.TrimSpace(c.Consequences) == "",
		PartMeasures: strings.TrimSpace(c.Measures) == "",
	}
	var out []NoticePart
	for _, p := range NoticeParts {
		if empty[p] && !slices.Contains(c.ToFollow, p) {
			out = append(out, p)
		}
	}
	return out
}

// BreachNotice is one phase of the notice of a breach to one agreement's
// customer: phase 1 on the agreement's clock, later phases as updates.
type BreachNotice struct {
	ID          int64         `json:"id"`
	IncidentID  int64         `json:"incident_id"`
	AgreementID int64         `json:"agreement_id"`
	CustomerID  int64         `json:"customer_id"`
	Phase       int           `json:"phase"`
	Content     BreachContent `json:"content"`
	IssuedAt    time.Time     `json:"issued_at"`
	IssuedBy    string        `json:"issued_by"`
	// DueAt is the deadline of phase 1 from the agreement's
	// breach_notification clause, and Late how far past it the notice was
	// issued (zero when on time).
	DueAt          *time.Time    `json:"due_at"`
	Late           time.Duration `json:"late"`
	AcknowledgedAt *time.Time    `json:"acknowledged_at"`
	AcknowledgedBy string        `json:"acknowledged_by"`
}

// BreachClock is one agreement's clock for a breach: aware at, due by,
// notified at, on time or late, acknowledged at (issue 5's record of
// timeliness).
type BreachClock struct {
	AgreementID    int64      `json:"agreement_id"`
	CustomerID     int64      `json:"customer_id"`
	Customer       string     `json:"customer"`
	ClauseIDs      []string   `json:"clause_ids"`
	Period         string     `json:"period"` // as the terms write it: "24 hours", "without undue delay"
	AwareAt        time.Time  `json:"aware_at"`
	DueAt          time.Time  `json:"due_at"`
	DutyID         int64      `json:"duty_id"`
	NotifiedAt     *time.Time `json:"notified_at"`
	Late           string     `json:"late"` // empty when on time or not yet notified
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
}

// IncidentFilter selects incidents, latest first.
type IncidentFilter struct {
	State      *IncidentState
	Assessment *Assessment
	Page       Page
}

// IncidentService keeps the incident register and carries breach notices
// to each affected customer on its own clock.
type IncidentService interface {
	// RecordIncident registers an incident, assessment pending. EINVALID.
	RecordIncident(ctx context.Context, i *Incident) error
	Incident(ctx context.Context, id int64) (*Incident, error)
	Incidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
	// UpdateIncident changes an open incident's facts and figures; ECONFLICT
	// once closed.
	UpdateIncident(ctx context.Context, i *Incident) error
	// Assess records the assessment. A breach opens a notice duty per
	// affected running agreement, due per its breach_notification clause
	// from the awareness time; it returns the clocks.
	Assess(ctx context.Context, id int64, a Assessment, reason string) ([]BreachClock, error)
	// IssueNotices sends the next phase of the breach notice to every
	// affected agreement (phase 1 to those not yet notified), each with its
	// customer's own figures; EINVALID naming the parts missing.
	IssueNotices(ctx context.Context, id int64, c BreachContent) ([]*BreachNotice, error)
	Clocks(ctx context.Context, id int64) ([]BreachClock, error)
	BreachNotices(ctx context.Context, incidentID int64) ([]*BreachNotice, error)
	// Acknowledge records that the customer has read a notice.
	Acknowledge(ctx context.Context, noticeID int64) (*BreachNotice, error)
	// CloseIncident ends the incident: no more updates.
	CloseIncident(ctx context.Context, id int64) (*Incident, error)
}
