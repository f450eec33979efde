package art28

import (
	"context"
	"regexp"
	"time"
)

// AgreementStatus is where an agreement stands in its life.
type AgreementStatus string

const (
	AgreementDraft       AgreementStatus = "draft"
	AgreementActive      AgreementStatus = "active"
	AgreementTerminating AgreementStatus = "terminating"
	AgreementEnded       AgreementStatus = "ended"
)

// agreementTransitions lists the statuses each status may move to.
var agreementTransitions = map[AgreementStatus][]AgreementStatus{
	AgreementDraft:       {AgreementActive, AgreementEnded},
	AgreementActive:      {AgreementTerminating, AgreementEnded},
	AgreementTerminating: {AgreementActive, AgreementEnded},
	AgreementEnded:       {},
}

// CanMoveTo reports whether an agreement in status s may move to next.
func (s AgreementStatus) CanMoveTo(next AgreementStatus) bool {
	for _, x := range agreementTransitions[s] {
		if x == next {
			return true
		}
	}
	return false
}

// ConclusionMethod is how an agreement was concluded (C13, G13.1, G13.5):
// accepted electronically, signed, or deemed accepted by use of the service.
type ConclusionMethod string

const (
	ConcludedElectronic ConclusionMethod = "electronic"
	ConcludedSignature  ConclusionMethod = "signature"
	ConcludedByUse      ConclusionMethod = "deemed_by_use"
)

// Conclusion records how and when an agreement was concluded, so that the
// processor can show it later: who accepted, when, from where, and the hash
// of the exact document they accepted.
type Conclusion struct {
	Method       ConclusionMethod `json:"method"`
	AcceptedBy   string           `json:"accepted_by"` // name or e-mail of the signatory
	AcceptedAt   time.Time        `json:"accepted_at"`
	AcceptedFrom string           `json:"accepted_from"` // IP address or place of signature
	DocumentHash string           `json:"document_hash"` // SHA-256, hex, of the accepted text
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks c; now bounds AcceptedAt so that no conclusion is dated in
// the future.
func (c *Conclusion) Validate(now time.Time) error {
	switch c.Method {
	case ConcludedElectronic, ConcludedSignature, ConcludedByUse:
	default:
		return FieldError("conclusion.method", "must be electronic, signature or deemed_by_use")
	}
	if err := checkText("conclusion.accepted_by", &c.AcceptedBy, c.Method != ConcludedByUse, MaxName); err != nil {
		return err
	}
	if c.AcceptedAt.IsZero() {
		return FieldError("conclusion.accepted_at", "is required")
	}
	if c.AcceptedAt.After(now.Add(time.Minute)) {
		return FieldError("conclusion.accepted_at", "is in the future")
	}
	if err := checkText("conclusion.accepted_from", &c.AcceptedFrom, c.Method == ConcludedElectronic, MaxName); err != nil {
		return err
	}
	if c.Method == ConcludedElectronic && !sha256Hex.MatchString(c.DocumentHash) {
		return FieldError("conclusion.document_hash", "must be the SHA-256 of the accepted document, 64 lower-case hex digits")
	}
	if c.DocumentHash != "" && !sha256Hex.MatchString(c.DocumentHash) {
		return FieldError("conclusion.document_hash", "must be 64 lower-case hex digits")
	}
	return nil
}

// AgreementTemplate is a data processing agreement the processor offers, by
// key (for example the four seed agreements). Its operative terms are read
// from its terms file.
type AgreementTemplate struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

var templateKey = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Validate checks t.
func (t *AgreementTemplate) Validate() error {
	if !templateKey.MatchString(t.Key) {
		return FieldError("key", "must be 1-64 lower-case letters, digits, '.', '_' or '-'")
	}
	if err := checkText("title", &t.Title, true, MaxName); err != nil {
		return err
	}
	return checkText("description", &t.Description, false, MaxText)
}

// Agreement is one customer's data processing agreement: which services it
// covers, under which template, its status and how it was concluded.
type Agreement struct {
	ID          int64           `json:"id"`
	CustomerID  int64           `json:"customer_id"`
	TemplateKey string          `json:"template_key"`
	ServiceIDs  []int64         `json:"service_ids"`
	Status      AgreementStatus `json:"status"`
	Conclusion  *Conclusion     `json:"conclusion"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// Validate checks a's own fields; the store checks that the customer,
// template and services exist.
func (a *Agreement) Validate(now time.Time) error {
	if a.CustomerID <= 0 {
		return FieldError("customer_id", "is required")
	}
	if !templateKey.MatchString(a.TemplateKey) {
		return FieldError("template_key", "is required")
	}
	if len(a.ServiceIDs) == 0 {
		return FieldError("service_ids", "needs at least one service")
	}
	seen := map[int64]bool{}
	ids := make([]int64, 0, len(a.ServiceIDs)) // a new slice: the caller keeps what it passed
	for _, id := range a.ServiceIDs {
		if id <= 0 {
			return FieldError("service_ids", "has an invalid ID %d", id)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	a.ServiceIDs = ids
	if a.Status == "" {
		a.Status = AgreementDraft
	}
	if _, ok := agreementTransitions[a.Status]; !ok {
		return FieldError("status", "must be draft, active, terminating or ended")
	}
	if a.Status != AgreementDraft && a.Conclusion == nil {
		return FieldError("conclusion", "is required for an agreement that is not a draft")
	}
	if a.Conclusion != nil {
		return a.Conclusion.Validate(now)
	}
	return nil
}

// AgreementFilter selects agreements.
type AgreementFilter struct {
	CustomerID *int64
	Status     *AgreementStatus
	Page       Page
}

// AgreementService keeps agreements and templates. Customer staff see only
// their own customer's agreements.
type AgreementService interface {
	Templates(ctx context.Context) ([]*AgreementTemplate, error)
	// CreateTemplate: EINVALID, ECONFLICT for an existing key.
	CreateTemplate(ctx context.Context, t *AgreementTemplate) error

	Agreement(ctx context.Context, id int64) (*Agreement, error)
	Agreements(ctx context.Context, f AgreementFilter) ([]*Agreement, int, error)
	// CreateAgreement: EINVALID (also for an unknown customer, template or
	// service, naming the field).
	CreateAgreement(ctx context.Context, a *Agreement) error
	// ConcludeAgreement records the conclusion and makes a draft active.
	// ECONFLICT unless the agreement is a draft.
	ConcludeAgreement(ctx context.Context, id int64, c Conclusion) (*Agreement, error)
	// SetAgreementStatus moves the agreement. ECONFLICT for a transition
	// that CanMoveTo refuses.
	SetAgreementStatus(ctx context.Context, id int64, s AgreementStatus) (*Agreement, error)
}
