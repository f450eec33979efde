// Package breachdoc assembles, for one customer, the documentation of a
// personal data breach that the customer needs for its own notification to
// its supervisory authority (Art. 33 GDPR; S8): the parties, the nature of
// the breach with the customer's own figures, the contact point, the likely
// consequences, the measures, what is still to follow, and the timeline of
// the processor's notices under each of the customer's agreements. It
// writes that as JSON and as a PDF.
//
// The package reads nothing itself: the caller fetches the values with the
// actor's scope and hands them to Build. Build still keeps only the
// customer's own clocks, notices and figures, so that a caller handing it a
// whole incident cannot leak another customer's numbers into the document.
package breachdoc

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Format names the layout of the JSON export. It changes when a field
// changes meaning or goes away, never when one is added.
const Format = "art28.breach-documentation.v1"

// Input is what Build documents, as the services return it.
type Input struct {
	Processor art28.ProcessorProfile
	Customer  art28.Customer
	Incident  art28.Incident
	Clocks    []art28.BreachClock
	Notices   []*art28.BreachNotice
	// Zones are the time zones of the agreements' terms by agreement ID;
	// the PDF shows times in the zone of the first agreement, UTC when
	// none is known.
	Zones       map[int64]string
	GeneratedAt time.Time
}

// Check reports, as an ENOTFOUND error that says why, when there is nothing
// to document for the customer: the incident is not a breach, it does not
// affect the customer, or no notice has gone to the customer yet.
func (in Input) Check() error {
	i, c := in.Incident, in.Customer
	if i.Assessment != art28.AssessBreach {
		return art28.Errorf(art28.ENOTFOUND, "Incident %d is not assessed as a personal data breach (it is %s): there is no breach notice to document.",
			i.ID, i.Assessment)
	}
	if !slices.ContainsFunc(i.Affected, func(a art28.Affected) bool { return a.CustomerID == c.ID }) {
		return art28.Errorf(art28.ENOTFOUND, "Incident %d does not affect customer %d.", i.ID, c.ID)
	}
	if !slices.ContainsFunc(in.Notices, func(n *art28.BreachNotice) bool { return n.CustomerID == c.ID }) {
		return art28.Errorf(art28.ENOTFOUND, "Customer %d has not been sent a breach notice for incident %d yet: the documentation follows the first notice.",
			c.ID, i.ID)
	}
	return nil
}

// Documentation is one customer's documentation of one breach. Times are
// UTC; TimeZone says where the PDF shows them.
type Documentation struct {
	Format      string    `json:"format"` // always Format
	GeneratedAt time.Time `json:"generated_at"`
	TimeZone    string    `json:"time_zone"` // an IANA name: the first agreement's, or UTC
	Processor   Processor `json:"processor"`
	Customer    Customer  `json:"customer"`
	Incident    Incident  `json:"incident"`
	// Breach is what the customer now knows: the content of its latest
	// notice, which supersedes the earlier phases (Art. 33(4)).
	Breach Breach `json:"breach"`
	// Agreements are the customer's agreements the breach notice runs
	// under, each with its clock and the phases sent under it, by deadline.
	Agreements []Agreement `json:"agreements"`
	// Timeline is every dated step, oldest first.
	Timeline []Event `json:"timeline"`
}

// Processor is the processor's identity (Art. 28, 30(2)(a)).
type Processor struct {
	LegalName            string         `json:"legal_name"`
	Address              string         `json:"address"`
	Country              string         `json:"country"`
	DPO                  DPO            `json:"dpo"`
	Representative       Representative `json:"representative"` // Art. 27; empty when there is none
	SupervisoryAuthority string         `json:"supervisory_authority"`
}

// DPO is the processor's data protection officer (Art. 37, G5.5).
type DPO struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Representative is the processor's representative in the Union.
type Representative struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// Customer is the controller (or, for an upstream controller, the
// processor) the documentation is for.
type Customer struct {
	ID                 int64  `json:"id"`
	LegalName          string `json:"legal_name"`
	Address            string `json:"address"`
	Country            string `json:"country"`
	Role               string `json:"role"`                // controller or processor
	UpstreamController string `json:"upstream_controller"` // when Role is processor
}

// Incident is the register's entry, without other customers' figures.
type Incident struct {
	ID               int64      `json:"id"`
	Title            string     `json:"title"`
	Description      string     `json:"description"`
	DetectedAt       time.Time  `json:"detected_at"`
	AwareAt          time.Time  `json:"aware_at"` // the processor became aware: the clocks run from here
	AssessedAt       *time.Time `json:"assessed_at"`
	AssessmentReason string     `json:"assessment_reason"`
	State            string     `json:"state"` // open or closed
	ClosedAt         *time.Time `json:"closed_at"`
	// Subjects and Records are the customer's figures in the register now;
	// they may be newer than the latest notice. Null: not yet known.
	Subjects            *int64 `json:"subjects"`
	Records             *int64 `json:"records"`
	ClientSideEncrypted bool   `json:"client_side_encrypted"`
}

// Breach is the content of the customer's latest notice (Art. 33(3)).
type Breach struct {
	Phase    int       `json:"phase"`
	IssuedAt time.Time `json:"issued_at"`
	Content
}

// Content is what one notice said. Subjects and Records are the
// customer's own approximate numbers; null when they are to follow.
type Content struct {
	Nature         string   `json:"nature"`
	DataCategories []string `json:"data_categories"`
	Subjects       *int64   `json:"subjects"`
	Records        *int64   `json:"records"`
	DPO            string   `json:"dpo"` // the contact point, as notified
	Consequences   string   `json:"consequences"`
	Measures       string   `json:"measures"`
	Mitigation     string   `json:"mitigation"` // as the processor wrote it
	// ClientSideEncrypted: the notice stated, as a mitigating factor, that
	// the data concerned were encrypted on the customer's side (L3).
	ClientSideEncrypted bool `json:"client_side_encrypted"`
	// ToFollow are the parts the notice left open: nature, subjects,
	// records, dpo, consequences, measures.
	ToFollow []string `json:"to_follow"`
}

// Agreement is one agreement's clock for the breach and its notices.
type Agreement struct {
	ID         int64      `json:"id"`
	ClauseIDs  []string   `json:"clause_ids"` // the clauses the notice is given under
	Period     string     `json:"period"`     // as the terms write it: "24 hours", "without undue delay"
	TimeZone   string     `json:"time_zone"`
	AwareAt    time.Time  `json:"aware_at"`
	DueAt      time.Time  `json:"due_at"`
	NotifiedAt *time.Time `json:"notified_at"` // the first notice; null when not yet sent
	// OnTime is null until notified; LateMinutes is how far past DueAt the
	// first notice went, 0 when on time.
	OnTime         *bool      `json:"on_time"`
	LateMinutes    int64      `json:"late_minutes"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"` // the first acknowledgement by the customer
	Phases         []Phase    `json:"phases"`
}

// Phase is one notice as it was issued.
type Phase struct {
	Phase          int        `json:"phase"`
	NoticeID       int64      `json:"notice_id"`
	IssuedAt       time.Time  `json:"issued_at"`
	IssuedBy       string     `json:"issued_by"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	AcknowledgedBy string     `json:"acknowledged_by"`
	Content        Content    `json:"content"`
}

// Event kinds of the timeline.
const (
	EventDetected     = "detected"
	EventAware        = "aware"
	EventAssessed     = "assessed"
	EventDeadline     = "deadline" // the deadline of an agreement's first notice
	EventNotice       = "notice"   // a phase issued
	EventAcknowledged = "acknowledged"
	EventClosed       = "closed"
)

// Event is one step of the timeline. AgreementID is null for the
// incident's own steps.
type Event struct {
	At          time.Time `json:"at"`
	Kind        string    `json:"kind"`
	AgreementID *int64    `json:"agreement_id"`
	Phase       int       `json:"phase"` // of a notice or acknowledgement; 0 otherwise
	Summary     string    `json:"summary"`
}

// Build documents in for in.Customer, keeping only its own clocks, notices
// and figures. Call Check first: Build of an input Check refuses is empty
// where the breach should be.
func Build(in Input) Documentation {
	cid := in.Customer.ID
	d := Documentation{Format: Format, GeneratedAt: in.GeneratedAt.UTC(), TimeZone: "UTC",
		Processor: processorOf(in.Processor), Customer: customerOf(in.Customer), Incident: incidentOf(in.Incident, cid),
		Agreements: []Agreement{}, Timeline: []Event{}}

	var notices []*art28.BreachNotice
	for _, n := range in.Notices {
		if n != nil && n.CustomerID == cid && n.IncidentID == in.Incident.ID {
			notices = append(notices, n)
		}
	}
	// Latest first is what the summary wants; the phases are listed oldest
	// first under each agreement.
	slices.SortStableFunc(notices, func(a, b *art28.BreachNotice) int {
		if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
			return c
		}
		return a.Phase - b.Phase
	})
	if len(notices) > 0 {
		last := notices[len(notices)-1]
		d.Breach = Breach{Phase: last.Phase, IssuedAt: last.IssuedAt.UTC(), Content: contentOf(last.Content)}
	} else {
		d.Breach.Content = contentOf(art28.BreachContent{})
	}

	seen := map[int64]bool{}
	for _, c := range in.Clocks {
		if c.CustomerID != cid || seen[c.AgreementID] {
			continue
		}
		seen[c.AgreementID] = true
		d.Agreements = append(d.Agreements, agreementOf(c, in.Zones[c.AgreementID], notices))
	}
	// A notice whose clock the caller did not pass still shows, under an
	// agreement without a clock.
	for _, n := range notices {
		if !seen[n.AgreementID] {
			seen[n.AgreementID] = true
			d.Agreements = append(d.Agreements, agreementOf(art28.BreachClock{AgreementID: n.AgreementID, CustomerID: cid,
				AwareAt: in.Incident.AwareAt}, in.Zones[n.AgreementID], notices))
		}
	}
	slices.SortStableFunc(d.Agreements, func(a, b Agreement) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	for _, a := range d.Agreements {
		if a.TimeZone != "" {
			d.TimeZone = a.TimeZone
			break
		}
	}
	d.Timeline = timeline(d)
	return d
}

func processorOf(p art28.ProcessorProfile) Processor {
	return Processor{LegalName: p.LegalName, Address: p.Address, Country: p.Country,
		DPO:                  DPO{Name: p.DPOName, Email: p.DPOEmail, Phone: p.DPOPhone},
		Representative:       Representative{Name: p.RepresentativeName, Address: p.RepresentativeAddress},
		SupervisoryAuthority: p.SupervisoryAuthority}
}

func customerOf(c art28.Customer) Customer {
	role := string(c.Role)
	if role == "" {
		role = string(art28.CustomerController)
	}
	return Customer{ID: c.ID, LegalName: c.LegalName, Address: c.Address, Country: c.Country, Role: role,
		UpstreamController: c.UpstreamController}
}

func incidentOf(i art28.Incident, cid int64) Incident {
	out := Incident{ID: i.ID, Title: i.Title, Description: i.Description, DetectedAt: i.DetectedAt.UTC(), AwareAt: i.AwareAt.UTC(),
		AssessedAt: utc(i.AssessedAt), AssessmentReason: i.AssessmentReason, State: string(i.State), ClosedAt: utc(i.ClosedAt)}
	for _, a := range i.Affected {
		if a.CustomerID == cid {
			out.Subjects, out.Records, out.ClientSideEncrypted = a.Subjects, a.Records, a.ClientSideEncrypted
		}
	}
	return out
}

func contentOf(c art28.BreachContent) Content {
	out := Content{Nature: c.Nature, DataCategories: slices.Clone(c.DataCategories), Subjects: c.Subjects, Records: c.Records,
		DPO: c.DPO, Consequences: c.Consequences, Measures: c.Measures, Mitigation: c.Mitigation,
		ClientSideEncrypted: c.ClientSideEncrypted, ToFollow: []string{}}
	if out.DataCategories == nil {
		out.DataCategories = []string{}
	}
	// In the order of Art. 33(3), whatever order the notice gave.
	for _, p := range art28.NoticeParts {
		if slices.Contains(c.ToFollow, p) {
			out.ToFollow = append(out.ToFollow, string(p))
		}
	}
	return out
}

func agreementOf(c art28.BreachClock, zone string, notices []*art28.BreachNotice) Agreement {
	a := Agreement{ID: c.AgreementID, ClauseIDs: slices.Clone(c.ClauseIDs), Period: c.Period, TimeZone: zone,
		AwareAt: c.AwareAt.UTC(), DueAt: c.DueAt.UTC(), NotifiedAt: utc(c.NotifiedAt), AcknowledgedAt: utc(c.AcknowledgedAt),
		Phases: []Phase{}}
	if a.ClauseIDs == nil {
		a.ClauseIDs = []string{}
	}
	for _, n := range notices {
		if n.AgreementID != c.AgreementID {
			continue
		}
		a.Phases = append(a.Phases, Phase{Phase: n.Phase, NoticeID: n.ID, IssuedAt: n.IssuedAt.UTC(), IssuedBy: n.IssuedBy,
			AcknowledgedAt: utc(n.AcknowledgedAt), AcknowledgedBy: n.AcknowledgedBy, Content: contentOf(n.Content)})
		if n.Phase == 1 && a.NotifiedAt == nil {
			a.NotifiedAt = utc(&n.IssuedAt)
		}
		if n.AcknowledgedAt != nil && (a.AcknowledgedAt == nil || n.AcknowledgedAt.Before(*a.AcknowledgedAt)) {
			a.AcknowledgedAt = utc(n.AcknowledgedAt)
		}
	}
	slices.SortStableFunc(a.Phases, func(x, y Phase) int { return x.Phase - y.Phase })
	if a.NotifiedAt != nil && !a.DueAt.IsZero() {
		onTime := !a.NotifiedAt.After(a.DueAt)
		a.OnTime = &onTime
		if !onTime {
			// Rounded up: a notice 30 seconds late is a minute late, not on time.
			a.LateMinutes = int64((a.NotifiedAt.Sub(a.DueAt) + time.Minute - 1) / time.Minute)
		}
	}
	return a
}

// timeline lists every dated step of d, oldest first; steps at the same
// time keep the order of the incident's life.
func timeline(d Documentation) []Event {
	i := d.Incident
	ev := []Event{
		{At: i.DetectedAt, Kind: EventDetected, Summary: "The incident was detected."},
		{At: i.AwareAt, Kind: EventAware, Summary: "The processor became aware of the breach; the notification deadlines run from here."},
	}
	if i.AssessedAt != nil {
		ev = append(ev, Event{At: *i.AssessedAt, Kind: EventAssessed, Summary: joinSentences("Assessed as a personal data breach.", i.AssessmentReason)})
	}
	for _, a := range d.Agreements {
		id := a.ID
		if !a.DueAt.IsZero() {
			ev = append(ev, Event{At: a.DueAt, Kind: EventDeadline, AgreementID: &id,
				Summary: "Deadline of the notice under agreement " + itoa(id) + clauses(a) + "."})
		}
		for _, p := range a.Phases {
			s := "Phase " + itoa(int64(p.Phase)) + " of the breach notice sent under agreement " + itoa(id)
			if p.Phase == 1 && a.OnTime != nil {
				if *a.OnTime {
					s += ", on time"
				} else {
					s += ", " + Minutes(a.LateMinutes) + " late"
				}
			}
			if len(p.Content.ToFollow) > 0 {
				s += "; to follow: " + strings.Join(p.Content.ToFollow, ", ")
			}
			ev = append(ev, Event{At: p.IssuedAt, Kind: EventNotice, AgreementID: &id, Phase: p.Phase, Summary: s + "."})
			if p.AcknowledgedAt != nil {
				ev = append(ev, Event{At: *p.AcknowledgedAt, Kind: EventAcknowledged, AgreementID: &id, Phase: p.Phase,
					Summary: "Phase " + itoa(int64(p.Phase)) + " acknowledged" + by(p.AcknowledgedBy) + "."})
			}
		}
	}
	if i.ClosedAt != nil {
		ev = append(ev, Event{At: *i.ClosedAt, Kind: EventClosed, Summary: "The incident was closed: no further updates."})
	}
	slices.SortStableFunc(ev, func(a, b Event) int { return a.At.Compare(b.At) })
	return ev
}

// JSON is the structured export, indented for people who open it.
func (d Documentation) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Minutes writes a delay for people: "45 min", "2 h 5 min", "3 d 4 h".
func Minutes(m int64) string {
	d, h, mm := m/(24*60), m/60%24, m%60
	var parts []string
	if d > 0 {
		parts = append(parts, itoa(d)+" d")
	}
	if h > 0 {
		parts = append(parts, itoa(h)+" h")
	}
	if mm > 0 && d == 0 || len(parts) == 0 {
		parts = append(parts, itoa(mm)+" min")
	}
	return strings.Join(parts, " ")
}

func clauses(a Agreement) string {
	var s []string
	if len(a.ClauseIDs) > 0 {
		s = append(s, strings.Join(a.ClauseIDs, ", "))
	}
	if a.Period != "" {
		s = append(s, a.Period)
	}
	if len(s) == 0 {
		return ""
	}
	return " (" + strings.Join(s, ": ") + ")"
}

func by(name string) string {
	if name == "" {
		return ""
	}
	return " by " + name
}

func joinSentences(a, b string) string {
	if b = strings.TrimSpace(b); b == "" {
		return a
	}
	return a + " " + b
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
