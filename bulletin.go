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

// Bulletin is one such notice, to every customer with a running agreement
// or to those chosen, delivered like every notice (email to the contacts,
// webhooks, the portal) and acknowledged by each customer.
type Bulletin struct {
	ID          int64        `json:"id"`
	Kind        BulletinKind `json:"kind"`
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	ClauseIDs   []string     `json:"clause_ids"`
	AllRunning  bool         `json:"all_running"`  // to every customer with a running agreement
	CustomerIDs []int64      `json:"customer_ids"` // else to these
	IssuedAt    time.Time    `json:"issued_at"`
	IssuedBy    string       `json:"issued_by"`
	Recipients  int          `json:"recipients"` // customers told
	// Acknowledged is, for a customer's staff, when their customer
	// acknowledged; for the processor, how many have.
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	Acknowledged   int        `json:"acknowledged"`
}

// Validate normalises b and checks its fields.
func (b *Bulletin) Validate() error {
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
}
