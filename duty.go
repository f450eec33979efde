package art28

import (
	"context"
	"time"
)

// DutyState is where a duty stands. Overdue is not stored: a duty is
// overdue when it is open and its deadline has passed (see Overdue).
type DutyState string

const (
	DutyOpen   DutyState = "open"
	DutyDone   DutyState = "done"
	DutyWaived DutyState = "waived"
)

// Duty is one obligation with a deadline: what, for whom, under which
// clause, due when. Every capability with a deadline opens duties through
// DutyService, so that one dashboard, one feed and one reminder mechanism
// serve them all.
type Duty struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`  // e.g. subprocessor.objection_window, breach.notice
	Title       string     `json:"title"` // what to do, for a person
	CustomerID  int64      `json:"customer_id,omitempty"`
	AgreementID int64      `json:"agreement_id,omitempty"`
	Clause      ClauseKey  `json:"clause,omitempty"`
	ClauseIDs   []string   `json:"clause_ids"` // CLAUSES.md IDs the duty carries
	OpenedAt    time.Time  `json:"opened_at"`  // the event the period runs from
	DueAt       time.Time  `json:"due_at"`
	State       DutyState  `json:"state"`
	ClosedAt    *time.Time `json:"closed_at"`
	ClosedBy    string     `json:"closed_by"`
	Reason      string     `json:"reason"` // why it was waived
}

// Overdue reports whether the duty is open past its deadline at now.
func (d *Duty) Overdue(now time.Time) bool { return d.State == DutyOpen && !now.Before(d.DueAt) }

// Validate checks a duty about to be opened.
func (d *Duty) Validate() error {
	if err := checkText("kind", &d.Kind, true, 100); err != nil {
		return err
	}
	if err := checkText("title", &d.Title, true, MaxName); err != nil {
		return err
	}
	if d.OpenedAt.IsZero() {
		return FieldError("opened_at", "is required")
	}
	if d.DueAt.IsZero() {
		return FieldError("due_at", "is required")
	}
	if d.DueAt.Before(d.OpenedAt) {
		return FieldError("due_at", "is before opened_at")
	}
	if err := checkList("clause_ids", &d.ClauseIDs, false); err != nil {
		return err
	}
	return nil
}

// DutyFilter selects duties; lists are ordered by deadline.
type DutyFilter struct {
	State      *DutyState
	CustomerID *int64
	DueBefore  *time.Time
	Page       Page
}

// DutyService opens and closes duties. Customer staff see their own
// customer's duties only.
type DutyService interface {
	// OpenDuty stores d as open. EINVALID.
	OpenDuty(ctx context.Context, d *Duty) error
	Duty(ctx context.Context, id int64) (*Duty, error)
	// Duties lists duties by deadline, soonest first, with the total.
	Duties(ctx context.Context, f DutyFilter) ([]*Duty, int, error)
	// NextDue returns the open duties due soonest, at most limit of them,
	// without a total: the dashboard's hot path.
	NextDue(ctx context.Context, limit int) ([]*Duty, error)
	// CloseDuty marks an open duty done, or waived with a reason (EINVALID
	// without one). ECONFLICT when it is not open.
	CloseDuty(ctx context.Context, id int64, state DutyState, reason string) (*Duty, error)
}
