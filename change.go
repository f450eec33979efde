package art28

import (
	"context"
	"slices"
	"time"
)

// ChangeKind is what an announced change does to the sub-processor list.
type ChangeKind string

const (
	ChangeAdd      ChangeKind = "add"
	ChangeReplace  ChangeKind = "replace" // a new sub-processor takes over from one listed
	ChangeRemove   ChangeKind = "remove"
	ChangeLocation ChangeKind = "location" // a listed one moves to another country
	ChangePurpose  ChangeKind = "purpose"  // a listed one is used for something else
)

// ChangeKinds lists every kind of change.
var ChangeKinds = []ChangeKind{ChangeAdd, ChangeReplace, ChangeRemove, ChangeLocation, ChangePurpose}

// Widens reports whether the change gives data somewhere new to go, so
// that customers may object (C7, S4, G9.1). A removal only informs (L7).
func (k ChangeKind) Widens() bool { return k != ChangeRemove }

// ChangeState is where an announced change stands as a whole.
type ChangeState string

const (
	ChangeAnnounced ChangeState = "announced" // windows running or objections open
	ChangeCompleted ChangeState = "completed" // every window closed; the list shows it
	ChangeWithdrawn ChangeState = "withdrawn"
)

// Change is one announced change to the sub-processor list. Announcing it
// opens a Notice per affected agreement, on that agreement's clock.
type Change struct {
	ID             int64      `json:"id"`
	Kind           ChangeKind `json:"kind"`
	SubprocessorID int64      `json:"subprocessor_id"`
	ReplacesID     int64      `json:"replaces_id,omitempty"` // with replace: the one taken over from
	// With location: where to, and the safeguard that goes with it.
	NewCountry   string    `json:"new_country,omitempty"`
	NewSafeguard Safeguard `json:"new_safeguard,omitempty"`
	NewSCCModule string    `json:"new_scc_module,omitempty"`
	NewPurpose   string    `json:"new_purpose,omitempty"` // with purpose
	Summary      string    `json:"summary"`               // what and why, in the notice's words
	// EffectiveFrom is the day the processor means the change to happen
	// (YYYY-MM-DD); empty for as soon as each agreement's window allows.
	EffectiveFrom string      `json:"effective_from"`
	State         ChangeState `json:"state"`
	AnnouncedAt   time.Time   `json:"announced_at"`
	AnnouncedBy   string      `json:"announced_by"`
	ClosedAt      *time.Time  `json:"closed_at"` // completed or withdrawn
	Reason        string      `json:"reason"`    // why it was withdrawn
	Tally         NoticeTally `json:"tally"`
}

// NoticeTally counts a change's notices by state.
type NoticeTally struct {
	Agreements int `json:"agreements"`
	Open       int `json:"open"`
	Objected   int `json:"objected"`
	Approved   int `json:"approved"`
	KeptOff    int `json:"kept_off"`
	Skipped    int `json:"skipped"` // agreements with no terms to compute a window from
}

// Validate normalises c and checks the fields its kind needs.
func (c *Change) Validate() error {
	if !slices.Contains(ChangeKinds, c.Kind) {
		return FieldError("kind", "must be add, replace, remove, location or purpose")
	}
	if c.SubprocessorID <= 0 {
		return FieldError("subprocessor_id", "is required")
	}
	if err := checkText("summary", &c.Summary, true, MaxText); err != nil {
		return err
	}
	if c.EffectiveFrom != "" {
		if _, err := time.Parse(time.DateOnly, c.EffectiveFrom); err != nil {
			return FieldError("effective_from", "must be a date, YYYY-MM-DD")
		}
	}
	if c.Kind == ChangeReplace {
		if c.ReplacesID <= 0 {
			return FieldError("replaces_id", "is required to replace a sub-processor")
		}
		if c.ReplacesID == c.SubprocessorID {
			return FieldError("replaces_id", "cannot be the sub-processor itself")
		}
	} else if c.ReplacesID != 0 {
		return FieldError("replaces_id", "is only for a replacement")
	}
	if c.Kind == ChangeLocation {
		probe := Subprocessor{Country: c.NewCountry, Safeguard: c.NewSafeguard, SCCModule: c.NewSCCModule}
		if err := checkCountry("new_country", &probe.Country, true); err != nil {
			return err
		}
		if err := probe.checkSafeguard(); err != nil {
			e := err.(*Error)
			return FieldError("new_"+e.Field, "%s", e.Message)
		}
		c.NewCountry, c.NewSafeguard = probe.Country, probe.Safeguard
	} else if c.NewCountry != "" || c.NewSafeguard != "" || c.NewSCCModule != "" {
		return FieldError("new_country", "is only for a change of location")
	}
	if c.Kind == ChangePurpose {
		if err := checkText("new_purpose", &c.NewPurpose, true, MaxText); err != nil {
			return err
		}
	} else if c.NewPurpose != "" {
		return FieldError("new_purpose", "is only for a change of purpose")
	}
	return nil
}

// NoticeState is where one agreement stands on one change.
type NoticeState string

const (
	NoticeOpen      NoticeState = "open"      // the objection window runs
	NoticeApproved  NoticeState = "approved"  // by silence, consent, a settled objection, or no window at all
	NoticeObjected  NoticeState = "objected"  // waiting for the processor's resolution
	NoticeKeptOff   NoticeState = "kept_off"  // this customer's data stays off the sub-processor
	NoticeTerminate NoticeState = "terminate" // the customer terminates over it (C7)
	NoticeWithdrawn NoticeState = "withdrawn" // the change was withdrawn
)

// Resolution is the processor's answer to an objection.
type Resolution string

const (
	ResolveKeepOff     Resolution = "keep_off"    // keep this customer's data off the sub-processor
	ResolveTermination Resolution = "termination" // accept the customer's termination
	ResolveSettled     Resolution = "settled"     // the customer withdrew its objection
)

// Notice is one change as one agreement receives it: its window on that
// agreement's clock, and what the customer did.
type Notice struct {
	ID          int64      `json:"id"`
	ChangeID    int64      `json:"change_id"`
	AgreementID int64      `json:"agreement_id"`
	CustomerID  int64      `json:"customer_id"`
	NoticeAt    time.Time  `json:"notice_at"`
	WindowEnd   *time.Time `json:"window_end"` // nil: notice only (L7)
	TimeZone    string     `json:"time_zone"`
	// ObjectionAllowed and SilenceApproves come from the clause;
	// ConsentRequired from transfer_safeguards (G10.3): silence does not
	// approve a transfer that needs prior consent.
	ObjectionAllowed bool        `json:"objection_allowed"`
	SilenceApproves  bool        `json:"silence_approves"`
	ConsentRequired  bool        `json:"consent_required"`
	TerminationRight bool        `json:"termination_right"` // C7: objection lets the customer terminate, pro rata
	ClauseIDs        []string    `json:"clause_ids"`
	State            NoticeState `json:"state"`
	ObjectedAt       *time.Time  `json:"objected_at"`
	ObjectedBy       string      `json:"objected_by"`
	Reason           string      `json:"reason"` // the customer's objection
	ApprovedAt       *time.Time  `json:"approved_at"`
	ResolvedAt       *time.Time  `json:"resolved_at"`
	ResolvedBy       string      `json:"resolved_by"`
	Resolution       Resolution  `json:"resolution,omitempty"`
	DutyID           int64       `json:"duty_id,omitempty"`
}

// WindowOpen reports whether the customer may still object at t.
func (n *Notice) WindowOpen(t time.Time) bool {
	return n.State == NoticeOpen && n.WindowEnd != nil && t.Before(*n.WindowEnd)
}

// ApprovedBySilence reports whether the window has closed at t with no
// objection on a clause where silence approves: the approval a sweep
// records, known before it runs.
func (n *Notice) ApprovedBySilence(t time.Time) bool {
	return n.State == NoticeOpen && n.SilenceApproves && !n.ConsentRequired &&
		n.WindowEnd != nil && !t.Before(*n.WindowEnd)
}

// Announcement is what announcing a change did.
type Announcement struct {
	Change  *Change `json:"change"`
	Notices int     `json:"notices"` // agreements told
	Duties  int     `json:"duties"`  // windows opened as duties
	Skipped []int64 `json:"skipped"` // agreements without terms, left for a person
}

// ChangeFilter selects changes, latest first. Nil fields do not filter.
type ChangeFilter struct {
	State          *ChangeState
	SubprocessorID *int64 // as the one announced or the one replaced
	Page           Page
}

// NoticeFilter selects notices.
type NoticeFilter struct {
	ChangeID   *int64
	CustomerID *int64
	State      *NoticeState
	Page       Page
}

// ChangeService announces changes to the list and carries each agreement's
// notice to its end. Customers see and act on their own notices only.
type ChangeService interface {
	// Announce validates c, computes every affected agreement's window from
	// its terms, and in one transaction stores the change, a notice and a
	// duty per agreement, and the deliveries. ECONFLICT when the
	// sub-processor already has a change under way.
	Announce(ctx context.Context, c *Change) (*Announcement, error)
	Change(ctx context.Context, id int64) (*Change, error)
	Changes(ctx context.Context, f ChangeFilter) ([]*Change, int, error)
	// Withdraw withdraws a change and every notice it opened.
	Withdraw(ctx context.Context, id int64, reason string) (*Change, error)
	Notices(ctx context.Context, f NoticeFilter) ([]*Notice, int, error)
	Notice(ctx context.Context, id int64) (*Notice, error)
	// Object records the customer's objection; EINVALID (field reason)
	// without a reason, ECONFLICT once the window has closed or where the
	// clause allows none.
	Object(ctx context.Context, noticeID int64, reason string) (*Notice, error)
	// Consent records the customer's prior consent to a transfer (G10.3).
	Consent(ctx context.Context, noticeID int64) (*Notice, error)
	// Resolve records the processor's answer to an objection.
	Resolve(ctx context.Context, noticeID int64, r Resolution) (*Notice, error)
	// CloseWindows records approval by silence for every notice whose
	// window has closed at now, closes their duties, and completes the
	// changes with nothing left open. It returns how many it approved.
	CloseWindows(ctx context.Context, now time.Time) (int, error)
}
