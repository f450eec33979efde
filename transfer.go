package art28

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// TransferReason is the code of a transfer check's answer, for machines;
// the words are in TransferDecision.Message.
type TransferReason string

const (
	TransferAuthorised         TransferReason = "authorised"
	TransferWindowOpen         TransferReason = "window_open"
	TransferNotYetEffective    TransferReason = "not_yet_effective"
	TransferObjected           TransferReason = "objected"
	TransferLocationNotAllowed TransferReason = "location_not_allowed"
	TransferSafeguardMissing   TransferReason = "safeguard_missing"
	TransferConsentRequired    TransferReason = "consent_required"
	TransferNotAnnounced       TransferReason = "not_announced"
	TransferWithdrawn          TransferReason = "withdrawn"
	TransferRemoved            TransferReason = "removed"
	TransferNotSubprocessor    TransferReason = "not_a_subprocessor"
	TransferAgreementInactive  TransferReason = "agreement_inactive"
	TransferNoTerms            TransferReason = "no_terms"
)

// TransferDecision answers whether customer data under an agreement may go
// to a sub-processor at a time, why, and on which clauses.
type TransferDecision struct {
	AgreementID    int64          `json:"agreement_id"`
	SubprocessorID int64          `json:"subprocessor_id"`
	At             time.Time      `json:"at"`
	Allowed        bool           `json:"allowed"`
	Reason         TransferReason `json:"reason"`
	Message        string         `json:"message"`
	Since          *time.Time     `json:"since"` // authorised since
	Until          *time.Time     `json:"until"` // the window is open until
	ClauseIDs      []string       `json:"clause_ids"`
}

// TransferFacts is what a transfer check decides on; the store gathers
// them, DecideTransfer is pure.
type TransferFacts struct {
	At           time.Time
	Agreement    *Agreement
	Terms        *Terms // the agreement's effective terms; nil when it has none
	Subprocessor *Subprocessor
	// Notice is the agreement's latest notice about the sub-processor and
	// Change the change it belongs to; both nil when there is none.
	Notice *Notice
	Change *Change
}

// DecideTransfer applies the agreement's terms and the history of notices
// to one transfer. The order of the checks is the order in which a person
// would refuse: what the sub-processor is, whether the agreement runs,
// where the data would go and under which safeguard, and only then whether
// the customer has been told and has not objected.
func DecideTransfer(f TransferFacts) TransferDecision {
	d := TransferDecision{AgreementID: f.Agreement.ID, SubprocessorID: f.Subprocessor.ID, At: f.At, ClauseIDs: []string{}}
	sp, n, ch := f.Subprocessor, f.Notice, f.Change
	refuse := func(r TransferReason, format string, args ...any) TransferDecision {
		d.Reason, d.Message = r, fmt.Sprintf(format, args...)
		return d
	}
	if sp.Kind == KindAncillary {
		d.ClauseIDs = []string{"G9.9"}
		return refuse(TransferNotSubprocessor, "%s is an ancillary service, not a sub-processor: customer data does not go there", sp.Name)
	}
	if f.Agreement.Status != AgreementActive && f.Agreement.Status != AgreementTerminating {
		return refuse(TransferAgreementInactive, "agreement %d is %s", f.Agreement.ID, f.Agreement.Status)
	}
	if f.Terms == nil {
		return refuse(TransferNoTerms, "agreement %d has no terms to decide on", f.Agreement.ID)
	}
	if n != nil && (n.State == NoticeWithdrawn || ch != nil && ch.State == ChangeWithdrawn) {
		n, ch = nil, nil // as if never announced: a listed one stays where it was
	}
	// A move or a new purpose that has taken effect for this agreement is
	// judged at its new place; until then, at the old one.
	country, safeguard := sp.Country, sp.Safeguard
	effective, since := noticeEffect(n, ch, f.At)
	if ch != nil && ch.Kind == ChangeLocation && ch.State != ChangeCompleted && effective {
		country, safeguard = ch.NewCountry, ch.NewSafeguard
	}
	if c, ok := f.Terms.Clauses[DataLocation]; ok && !locationAllowed(c.Allowed, country) {
		d.ClauseIDs = c.Implements
		return refuse(TransferLocationNotAllowed, "the agreement keeps data in %s; %s is in %s",
			listWords(c.Allowed), sp.Name, CountryName(country))
	}
	if c := f.Terms.Clauses[TransferSafeguards]; !InEEA(country) && !safeguardAllowed(c, safeguard) {
		consented := n != nil && n.ConsentRequired && n.State == NoticeApproved
		if c != nil {
			d.ClauseIDs = c.Implements
		}
		switch {
		case c != nil && c.Otherwise == "prior_consent" && !consented:
			return refuse(TransferConsentRequired, "a transfer to %s under %s needs the customer's prior consent",
				CountryName(country), safeguard.Label())
		case c == nil || c.Otherwise != "prior_consent":
			return refuse(TransferSafeguardMissing, "the agreement does not allow transfers to %s under %s",
				CountryName(country), safeguard.Label())
		}
	}
	if c := f.Terms.Clauses[SubprocessorNotice]; c != nil {
		d.ClauseIDs = c.Implements
	}
	switch {
	case n == nil && sp.Listed:
		d.Allowed, d.Reason = true, TransferAuthorised
		d.Message = fmt.Sprintf("%s is on the list the agreement runs under", sp.Name)
		return d
	case n == nil:
		return refuse(TransferNotAnnounced, "%s has not been announced to this customer", sp.Name)
	case ch != nil && ch.Kind == ChangeRemove:
		if effective {
			return refuse(TransferRemoved, "%s was removed from the list", sp.Name)
		}
		d.Allowed, d.Reason = true, TransferAuthorised
		d.Message = fmt.Sprintf("%s is on the list until its removal", sp.Name)
		return d
	case !effective && sp.Listed && ch != nil && (ch.Kind == ChangeLocation || ch.Kind == ChangePurpose) &&
		ch.State != ChangeCompleted && n.State != NoticeKeptOff && n.State != NoticeTerminate:
		// A listed one whose move or new purpose is pending keeps working
		// as before until the change takes effect.
		d.Allowed, d.Reason = true, TransferAuthorised
		d.Message = fmt.Sprintf("%s is on the list; a change to it is pending", sp.Name)
		return d
	}
	switch {
	case effective:
		d.Allowed, d.Reason, d.Since = true, TransferAuthorised, since
		d.Message = fmt.Sprintf("authorised since %s", since.In(n.Zone()).Format(time.RFC3339))
	case n.State == NoticeObjected:
		d.Reason, d.Message = TransferObjected, fmt.Sprintf("the customer objected on %s: %s", n.ObjectedAt.In(n.Zone()).Format(time.DateOnly), n.Reason)
	case n.State == NoticeKeptOff:
		d.Reason, d.Message = TransferObjected, "the customer objected; its data is kept off "+sp.Name
	case n.State == NoticeTerminate:
		d.Reason, d.Message = TransferObjected, "the customer objected and terminates the agreement"
	case n.WindowOpen(f.At):
		d.Reason, d.Until = TransferWindowOpen, n.WindowEnd
		d.Message = fmt.Sprintf("the objection window is open until %s", n.WindowEnd.In(n.Zone()).Format(time.RFC3339))
	case f.At.Before(n.NoticeAt):
		d.Reason, d.Message = TransferNotAnnounced, fmt.Sprintf("%s was not yet announced at that time", sp.Name)
	case n.ConsentRequired:
		d.Reason, d.Message = TransferConsentRequired, "the customer has not given its prior consent"
	default:
		d.Reason = TransferNotYetEffective
		d.Message = fmt.Sprintf("the change takes effect on %s", ch.EffectiveFrom)
	}
	return d
}

// noticeEffect reports whether a notice has taken effect at t, and since
// when: approved (by silence once the window closed, by consent, by a
// settled objection, or at once without a window), and not before the
// change's own date.
func noticeEffect(n *Notice, ch *Change, t time.Time) (bool, *time.Time) {
	if n == nil {
		return false, nil
	}
	var since time.Time
	switch {
	case n.State == NoticeApproved && n.ApprovedAt != nil:
		since = *n.ApprovedAt
	case n.ApprovedBySilence(t):
		since = *n.WindowEnd
	default:
		return false, nil
	}
	if ch != nil && ch.EffectiveFrom != "" {
		if day, err := time.ParseInLocation(time.DateOnly, ch.EffectiveFrom, n.Zone()); err == nil && day.After(since) {
			since = day
		}
	}
	if t.Before(since) {
		return false, nil
	}
	return true, &since
}

// Zone is the notice's agreement's time zone, UTC if it cannot be loaded.
func (n *Notice) Zone() *time.Location {
	if loc, err := LoadZone(n.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// locationAllowed reports whether a country is among a data_location
// clause's places: country codes, EU or EEA.
func locationAllowed(allowed []string, country string) bool {
	for _, a := range allowed {
		if a == country || a == "EU" && InEU(country) || a == "EEA" && InEEA(country) {
			return true
		}
	}
	return false
}

// safeguardAllowed applies a transfer_safeguards clause; without one, the
// regulation's own mechanisms serve, but a derogation of Art. 49 does not,
// being meant for occasional transfers rather than a standing one.
func safeguardAllowed(c *ClauseTerms, s Safeguard) bool {
	if c == nil {
		return s != SafeguardNone && s != SafeguardArt49
	}
	return slices.Contains(c.Allowed, string(s)) || slices.Contains(c.Allowed, "art46") && s.Art46()
}

func listWords(l []string) string {
	switch len(l) {
	case 0:
		return "nowhere"
	case 1:
		return l[0]
	}
	return fmt.Sprint(l)
}

// TransferService answers transfer checks for the processor's own systems.
type TransferService interface {
	// CheckTransfer decides a transfer at a time (now when zero).
	// ENOTFOUND for an agreement or a sub-processor the caller cannot see.
	CheckTransfer(ctx context.Context, agreementID, subprocessorID int64, at time.Time) (*TransferDecision, error)
}

// NeedsConsent reports whether a transfer to a country under a safeguard
// needs the customer's prior consent under these terms (G10.3): outside
// the EEA, with a mechanism the terms do not allow, where they ask for
// consent rather than refuse.
func (t *Terms) NeedsConsent(country string, s Safeguard) bool {
	c := t.Clauses[TransferSafeguards]
	return !InEEA(country) && c != nil && !safeguardAllowed(c, s) && c.Otherwise == "prior_consent"
}
