package art28

import (
	"context"
	"slices"
	"time"
)

// BulletinKind is what a bulletin tells: the notices the agreements demand
// besides breaches and sub-processor changes (issue 5's "other notices").
type BulletinKind string

const (
	BulletinDisruption      BulletinKind = "disruption"            // significant disruptions and failures (G7.4)
	BulletinViolation       BulletinKind = "violation"             // violations of the agreement or of the law (G7.4, G6.2)
	BulletinAuthorityAction BulletinKind = "authority_action"      // a supervisory authority acts against the processor (G6.3)
	BulletinSeizure         BulletinKind = "seizure"               // seizure or confiscation (G6.4)
	BulletinInsolvency      BulletinKind = "insolvency"            // insolvency or settlement proceedings (G6.4)
	BulletinLegalObligation BulletinKind = "legal_obligation"      // processing required by law, told beforehand (G4.5)
	BulletinMeasures        BulletinKind = "measures_inadequate"   // measures no longer adequate (G5.11)
	BulletinCertification   BulletinKind = "certification_revoked" // a certification relied on is revoked (G8.6)
	BulletinDPOChange       BulletinKind = "dpo_change"            // the DPO or its contact changes (G5.5)
)

// bulletinClauses are the clause IDs each kind is given under.
var bulletinClauses = map[BulletinKind][]string{
	BulletinDisruption: {"G7.4"}, BulletinViolation: {"G7.4", "G6.2"}, BulletinAuthorityAction: {"G6.3"},
	BulletinSeizure: {"G6.4"}, BulletinInsolvency: {"G6.4"}, BulletinLegalObligation: {"G4.5"},
	BulletinMeasures: {"G5.11"}, BulletinCertification: {"G8.6"}, BulletinDPOChange: {"G5.5"},
}

// BulletinKinds lists every kind, in the order forms offer them.
var BulletinKinds = []BulletinKind{BulletinDisruption, BulletinViolation, BulletinAuthorityAction, BulletinSeizure,
	BulletinInsolvency, BulletinLegalObligation, BulletinMeasures, BulletinCertification, BulletinDPOChange}

// Clauses are the clause IDs a kind of bulletin is given under.
func (k BulletinKind) Clauses() []string { return append([]string(nil), bulletinClauses[k]...) }

// bulletinTerms is the clause key of a terms file that sets each kind's
// deadline and recipients (docs/terms.md).
var bulletinTerms = map[BulletinKind]ClauseKey{
	BulletinDisruption: DisruptionNotice, BulletinViolation: ViolationNotice, BulletinAuthorityAction: AuthorityActionNotice,
	BulletinSeizure: SeizureNotice, BulletinInsolvency: SeizureNotice, BulletinLegalObligation: LegalObligationNotice,
	BulletinMeasures: MeasuresNotice, BulletinCertification: CertificationNotice, BulletinDPOChange: DPOChangeNotice,
}

// ClauseKey is the terms' clause for a kind of bulletin.
func (k BulletinKind) ClauseKey() ClauseKey { return bulletinTerms[k] }

// Withholdable reports whether a bulletin of the kind may be recorded and
// held back: the law may forbid telling the customer of a legal obligation
// to process (G4.5) or of an authority's order on important grounds of
// public interest.
func (k BulletinKind) Withholdable() bool {
	return k == BulletinLegalObligation || k == BulletinAuthorityAction
}

// Bulletin is one such notice, to every customer with a running agreement
// or to those chosen, delivered like every notice (email to the contacts,
// webhooks, the portal) and acknowledged by each customer.
//
// Its deadline is each customer's: the terms of that customer's agreement
// (the kind's ClauseKey) run from OccurredAt, when the processor learned of
// the event; a legal obligation is due before ProcessingFrom. A bulletin
// the law forbids telling is recorded with its WithheldReason and sent
// only when released.
type Bulletin struct {
	ID             int64        `json:"id"`
	Kind           BulletinKind `json:"kind"`
	Title          string       `json:"title"`
	Body           string       `json:"body"`
	ClauseIDs      []string     `json:"clause_ids"`
	AllRunning     bool         `json:"all_running"`  // to every customer with a running agreement
	CustomerIDs    []int64      `json:"customer_ids"` // else to these
	OccurredAt     time.Time    `json:"occurred_at"`  // when the processor learned of it; the issue time when zero
	ProcessingFrom *time.Time   `json:"processing_from,omitempty"`
	WithheldReason string       `json:"withheld_reason,omitempty"` // the legal ground for not telling yet
	IssuedAt       time.Time    `json:"issued_at"`
	IssuedBy       string       `json:"issued_by"`
	SentAt         *time.Time   `json:"sent_at"` // nil while withheld
	SentBy         string       `json:"sent_by,omitempty"`
	Recipients     int          `json:"recipients"` // customers told
	// Late counts the customers told after their deadline, of Deadlines
	// whose terms set one; for a customer's staff both are 0 and DueAt is
	// their own deadline.
	Late      int        `json:"late"`
	Deadlines int        `json:"deadlines"`
	DueAt     *time.Time `json:"due_at,omitempty"`
	// Acknowledged is, for a customer's staff, when their customer
	// acknowledged; for the processor, how many have.
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	Acknowledged   int        `json:"acknowledged"`
}

// Withheld reports whether the bulletin is recorded but not yet sent.
func (b *Bulletin) Withheld() bool { return b.SentAt == nil }

// BulletinRecipient is one customer's copy of a bulletin and its
// timeliness: the deadline its agreement set (nil: none), when it was
// told, how late, and when it acknowledged.
type BulletinRecipient struct {
	CustomerID     int64         `json:"customer_id"`
	Customer       string        `json:"customer"`
	DueAt          *time.Time    `json:"due_at"`
	Zone           string        `json:"zone"`       // the time zone of the agreement whose terms set it; empty without
	ClauseIDs      []string      `json:"clause_ids"` // the clause of its terms that set the deadline
	NotifiedAt     *time.Time    `json:"notified_at"`
	Late           time.Duration `json:"-"`
	LateSeconds    int64         `json:"late_seconds"` // 0 when on time or without a deadline
	AcknowledgedAt *time.Time    `json:"acknowledged_at"`
	AcknowledgedBy string        `json:"acknowledged_by,omitempty"`
}

// Validate normalises b and checks its fields; now is the issue time.
func (b *Bulletin) Validate(now time.Time) error {
	if !slices.Contains(BulletinKinds, b.Kind) {
		return FieldError("kind", "must be one of disruption, violation, authority_action, seizure, insolvency, legal_obligation, measures_inadequate, certification_revoked, dpo_change")
	}
	if err := checkText("title", &b.Title, true, MaxName); err != nil {
		return err
	}
	if err := checkText("body", &b.Body, true, MaxText); err != nil {
		return err
	}
	if b.AllRunning == (len(b.CustomerIDs) > 0) {
		return FieldError("customer_ids", "name the customers, or send to all with a running agreement, not both")
	}
	b.CustomerIDs = slices.Compact(slices.Sorted(slices.Values(b.CustomerIDs)))
	if !b.OccurredAt.IsZero() && b.OccurredAt.After(now.Add(time.Minute)) {
		return FieldError("occurred_at", "is in the future: it is when you learned of the event")
	}
	if b.ProcessingFrom != nil && b.Kind != BulletinLegalObligation {
		return FieldError("processing_from", "is for a legal obligation to process only (G4.5)")
	}
	if err := checkText("withheld_reason", &b.WithheldReason, false, MaxText); err != nil {
		return err
	}
	if b.WithheldReason != "" && !b.Kind.Withholdable() {
		return FieldError("withheld_reason", "only a legal obligation or an authority's action may be held back, where the law forbids telling")
	}
	b.ClauseIDs = b.Kind.Clauses()
	return nil
}

// BulletinService issues bulletins and records their acknowledgements.
type BulletinService interface {
	// IssueBulletin stores b, one recipient row per customer, and its
	// deliveries, in one transaction. EINVALID naming the field.
	IssueBulletin(ctx context.Context, b *Bulletin) error
	Bulletin(ctx context.Context, id int64) (*Bulletin, error)
	// Bulletins lists bulletins, latest first; a customer sees its own.
	Bulletins(ctx context.Context, p Page) ([]*Bulletin, int, error)
	// AcknowledgeBulletin records that the customer read it.
	AcknowledgeBulletin(ctx context.Context, id int64) (*Bulletin, error)
	// BulletinRecipients lists each customer's copy and its timeliness;
	// for the processor only.
	BulletinRecipients(ctx context.Context, id int64) ([]*BulletinRecipient, error)
	// SendBulletin sends a withheld bulletin now that it may be told.
	// ECONFLICT when it was sent already.
	SendBulletin(ctx context.Context, id int64) (*Bulletin, error)
}
