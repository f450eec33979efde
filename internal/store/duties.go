package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/art28/art28"
)

// Duties implements art28.DutyService.
type Duties struct{ db *DB }

// NewDuties returns the duty store of db.
func NewDuties(db *DB) *Duties { return &Duties{db: db} }

var _ art28.DutyService = (*Duties)(nil)

const dutyColumns = `id, kind, title, COALESCE(customer_id, 0), COALESCE(agreement_id, 0), clause, clause_ids,
	opened_at, due_at, state, closed_at, closed_by, reason`

func scanDuty(row interface{ Scan(...any) error }) (*art28.Duty, error) {
	d := &art28.Duty{}
	var ids string
	var closed sql.NullTime
	if err := row.Scan(&d.ID, &d.Kind, &d.Title, &d.CustomerID, &d.AgreementID, &d.Clause, &ids,
		&d.OpenedAt, &d.DueAt, &d.State, &closed, &d.ClosedBy, &d.Reason); err != nil {
		return nil, err
	}
	d.OpenedAt, d.DueAt, d.ClosedAt = d.OpenedAt.UTC(), d.DueAt.UTC(), timePtr(closed)
	var err error
	d.ClauseIDs, err = fromJSON[[]string](ids)
	return d, err
}

// OpenDuty stores d as open. Duties are opened by the system and by
// processor staff, never by a customer.
func (s *Duties) OpenDuty(ctx context.Context, d *art28.Duty) (err error) {
	defer art28.Wrap(&err, "store.OpenDuty")
	a, err := authorizeProcessorWrite(ctx, "duties")
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		return openDuty(ctx, tx, a, d)
	})
}

// openDuty inserts d in tx, so that a capability opens its duties in the
// same transaction as the change that causes them, and records it.
func openDuty(ctx context.Context, tx *Tx, a art28.Actor, d *art28.Duty) error {
	if err := insertDuty(ctx, tx, d); err != nil {
		return err
	}
	return tx.record(ctx, a, "duty.open", "duty", d.ID, d.CustomerID,
		fmt.Sprintf("opened %s: %s, due %s", d.Kind, d.Title, d.DueAt.UTC().Format("2006-01-02 15:04Z")))
}

// insertDuty inserts d without an activity entry of its own, for a caller
// whose entry names the duty (a fan-out to many agreements writes one per
// agreement, not two).
func insertDuty(ctx context.Context, tx *Tx, d *art28.Duty) error {
	d.State, d.ClosedAt, d.ClosedBy, d.Reason = art28.DutyOpen, nil, "", ""
	// Both databases keep microseconds: the duty returned is the duty read.
	d.OpenedAt, d.DueAt = d.OpenedAt.UTC().Truncate(time.Microsecond), d.DueAt.UTC().Truncate(time.Microsecond)
	if d.ClauseIDs == nil {
		d.ClauseIDs = []string{}
	}
	var err error
	// The reminder sweeper visits a new duty at once and plans its
	// reminders from there.
	d.ID, err = tx.insert(ctx, `INSERT INTO duties (kind, title, customer_id, agreement_id, clause, clause_ids, opened_at, due_at, state,
		next_reminder_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.Kind, d.Title, nullID(d.CustomerID), nullID(d.AgreementID),
		string(d.Clause), jsonText(d.ClauseIDs), d.OpenedAt.UTC(), d.DueAt.UTC(), d.State, tx.Now)
	return err
}

func (s *Duties) Duty(ctx context.Context, id int64) (d *art28.Duty, err error) {
	defer art28.Wrap(&err, "store.Duty")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		d, err = findDuty(ctx, tx, a, id)
		return err
	})
	return d, err
}

func findDuty(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.Duty, error) {
	cond, args := scope(a, "customer_id")
	d, err := scanDuty(tx.queryRow(ctx, `SELECT `+dutyColumns+` FROM duties WHERE id = ?`+cond, append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Duty", id)
	}
	return d, err
}

// Duties lists duties soonest first.
func (s *Duties) Duties(ctx context.Context, f art28.DutyFilter) (list []*art28.Duty, total int, err error) {
	defer art28.Wrap(&err, "store.Duties")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := scoped(a, "customer_id")
	if f.State != nil {
		w.and("state = ?", *f.State)
	}
	if f.CustomerID != nil {
		w.and("customer_id = ?", *f.CustomerID)
	}
	if f.DueBefore != nil {
		w.and("due_at < ?", f.DueBefore.UTC())
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "duties", dutyColumns, "due_at, id", w, f.Page.Normalize(), scanRows(scanDuty))
		return err
	})
	return list, total, err
}

// NextDue returns the open duties due soonest. The (state, due_at, id)
// index answers it without reading past the page.
func (s *Duties) NextDue(ctx context.Context, limit int) (list []*art28.Duty, err error) {
	defer art28.Wrap(&err, "store.NextDue")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	limit = art28.Page{Limit: limit}.Normalize().Limit
	w := scoped(a, "customer_id")
	w.and("state = ?", art28.DutyOpen)
	err = s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+dutyColumns+` FROM duties WHERE `+w.sql+` ORDER BY due_at, id LIMIT ?`,
			append(w.args, limit)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDuty(rows)
			if err != nil {
				return err
			}
			list = append(list, d)
		}
		return rows.Err()
	})
	return list, err
}

// CloseDuty marks an open duty done or waived.
func (s *Duties) CloseDuty(ctx context.Context, id int64, state art28.DutyState, reason string) (d *art28.Duty, err error) {
	defer art28.Wrap(&err, "store.CloseDuty")
	a, err := authorizeProcessorWrite(ctx, "duties")
	if err != nil {
		return nil, err
	}
	switch state {
	case art28.DutyDone:
	case art28.DutyWaived:
		if err := checkReason(&reason); err != nil {
			return nil, err
		}
	default:
		return nil, art28.FieldError("state", "must be done or waived")
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if d, err = findDuty(ctx, tx, a, id); err != nil {
			return err
		}
		if d.State != art28.DutyOpen {
			return &art28.Error{Code: art28.ECONFLICT, Field: "state", Message: fmt.Sprintf("The duty is already %s.", d.State)}
		}
		now := tx.Now
		d.State, d.ClosedAt, d.ClosedBy, d.Reason = state, &now, a.Name, reason
		if _, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ?, reason = ? WHERE id = ?`,
			d.State, now, d.ClosedBy, d.Reason, id); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s %s", state, d.Title)
		if d.DueAt.Before(now) {
			summary += " (after its deadline)"
		}
		if reason != "" {
			summary += ": " + reason
		}
		return tx.record(ctx, a, "duty."+string(state), "duty", id, d.CustomerID, summary)
	})
	return d, err
}

// checkReason requires a reason of reasonable length.
func checkReason(reason *string) error {
	*reason = strings.TrimSpace(*reason)
	if *reason == "" {
		return art28.FieldError("reason", "is required")
	}
	if utf8.RuneCountInString(*reason) > art28.MaxText {
		return art28.FieldError("reason", "is longer than %d characters", art28.MaxText)
	}
	return nil
}

// DutyToRemind is an open duty whose next reminder is due, with when it was
// last reminded of (its opening when never).
type DutyToRemind struct {
	Duty *art28.Duty
	Last time.Time
}

// DutiesToRemind returns the open duties whose next reminder is due by the
// store's clock, soonest first, at most limit. It is the system's work and
// needs no actor.
func (s *Duties) DutiesToRemind(ctx context.Context, limit int) (list []DutyToRemind, now time.Time, err error) {
	defer art28.Wrap(&err, "store.DutiesToRemind")
	err = s.db.view(ctx, func(tx *Tx) error {
		now = tx.Now
		rows, err := tx.query(ctx, `SELECT `+dutyColumns+`, last_reminder_at FROM duties
			WHERE state = ? AND next_reminder_at <= ? ORDER BY next_reminder_at LIMIT ?`, art28.DutyOpen, now, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var last sql.NullTime
			d, err := scanDuty(scanWith(rows, &last))
			if err != nil {
				return err
			}
			r := DutyToRemind{Duty: d, Last: d.OpenedAt}
			if last.Valid {
				r.Last = last.Time.UTC()
			}
			list = append(list, r)
		}
		return rows.Err()
	})
	return list, now, err
}

// Reminded is what the sweeper decided for one duty: the reminder it
// records (Fire set) and when to look again (Next; zero for never).
type Reminded struct {
	ID    int64
	Fire  *time.Time
	Label string
	Next  time.Time
}

// MarkReminded records a batch of the sweeper's decisions in one
// transaction: each reminder in the activity record and in duty_reminders,
// its e-mails in the outbox (one per reminder, or one digest of a batch of
// many: see reminders_mail.go), and each duty's next visit. A fan-out
// opens 100,000 duties at once; a commit per duty would hold the single
// writer from the outbox for as long.
func (s *Duties) MarkReminded(ctx context.Context, batch []Reminded) (err error) {
	defer art28.Wrap(&err, "store.MarkReminded")
	return s.db.update(ctx, func(tx *Tx) error {
		mail := newReminderMail(tx)
		for _, r := range batch {
			if err := markReminded(ctx, tx, mail, r); err != nil {
				return err
			}
		}
		return mail.flush(ctx)
	})
}

func markReminded(ctx context.Context, tx *Tx, mail *reminderMail, r Reminded) error {
	d, err := findDuty(ctx, tx, art28.SystemActor, r.ID)
	if err != nil || d.State != art28.DutyOpen {
		return err
	}
	var nextAt any
	if !r.Next.IsZero() {
		nextAt = r.Next.UTC()
	}
	if r.Fire == nil {
		_, err := tx.exec(ctx, `UPDATE duties SET next_reminder_at = ? WHERE id = ?`, nextAt, r.ID)
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE duties SET last_reminder_at = ?, next_reminder_at = ? WHERE id = ?`,
		r.Fire.UTC(), nextAt, r.ID); err != nil {
		return err
	}
	escalation := !r.Fire.Before(d.DueAt) && r.Label != "the deadline has come"
	action := "duty.reminder"
	if escalation {
		action = "duty.escalation"
	}
	if fresh, err := mail.queue(ctx, d, r, escalation); err != nil || !fresh {
		return err // !fresh: another sweeper recorded this reminder
	}
	return tx.record(ctx, art28.SystemActor, action, "duty", r.ID, d.CustomerID,
		fmt.Sprintf("%s: %s (due %s)", d.Title, r.Label, d.DueAt.UTC().Format("2006-01-02 15:04Z")))
}
