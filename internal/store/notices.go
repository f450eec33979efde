package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/art28/art28"
)

const noticeColumns = `id, change_id, agreement_id, customer_id, notice_at, window_end, time_zone, objection_allowed,
	silence_approves, consent_required, termination_right, clause_ids, state, objected_at, objected_by, reason,
	approved_at, resolved_at, resolved_by, resolution, duty_id`

func scanNotice(row interface{ Scan(...any) error }) (*art28.Notice, error) {
	n := &art28.Notice{}
	var windowEnd, objected, approved, resolved sql.NullTime
	var clauseIDs string
	var duty sql.NullInt64
	if err := row.Scan(&n.ID, &n.ChangeID, &n.AgreementID, &n.CustomerID, &n.NoticeAt, &windowEnd, &n.TimeZone,
		&n.ObjectionAllowed, &n.SilenceApproves, &n.ConsentRequired, &n.TerminationRight, &clauseIDs, &n.State,
		&objected, &n.ObjectedBy, &n.Reason, &approved, &resolved, &n.ResolvedBy, &n.Resolution, &duty); err != nil {
		return nil, err
	}
	n.NoticeAt = n.NoticeAt.UTC()
	n.WindowEnd, n.ObjectedAt, n.ApprovedAt, n.ResolvedAt = timePtr(windowEnd), timePtr(objected), timePtr(approved), timePtr(resolved)
	n.DutyID = duty.Int64
	var err error
	n.ClauseIDs, err = fromJSON[[]string](clauseIDs)
	return n, err
}

// findNotice returns one notice, confined to the actor's customer.
func findNotice(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.Notice, error) {
	cond, args := scope(a, "customer_id")
	n, err := scanNotice(tx.queryRow(ctx, `SELECT `+noticeColumns+` FROM change_notices WHERE id = ?`+cond,
		append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Notice", id)
	}
	return n, err
}

// Notice returns one notice; customers see their own.
func (s *Changes) Notice(ctx context.Context, id int64) (n *art28.Notice, err error) {
	defer art28.Wrap(&err, "store.Notice")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		n, err = findNotice(ctx, tx, a, id)
		return err
	})
	return n, err
}

// Notices lists notices, latest first; customers see their own.
func (s *Changes) Notices(ctx context.Context, f art28.NoticeFilter) (list []*art28.Notice, total int, err error) {
	defer art28.Wrap(&err, "store.Notices")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := scoped(a, "customer_id")
	if f.ChangeID != nil {
		w.and(`change_id = ?`, *f.ChangeID)
	}
	if f.CustomerID != nil {
		w.and(`customer_id = ?`, *f.CustomerID)
	}
	if f.State != nil {
		w.and(`state = ?`, *f.State)
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "change_notices", noticeColumns, "id DESC", w, f.Page.Normalize(), scanRows(scanNotice))
		return err
	})
	return list, total, err
}

// updateNotice writes a notice's outcome columns.
func updateNotice(ctx context.Context, tx *Tx, n *art28.Notice) error {
	_, err := tx.exec(ctx, `UPDATE change_notices SET state = ?, objected_at = ?, objected_by = ?, reason = ?,
		approved_at = ?, resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?`,
		n.State, nullTime(n.ObjectedAt), n.ObjectedBy, n.Reason, nullTime(n.ApprovedAt), nullTime(n.ResolvedAt),
		n.ResolvedBy, n.Resolution, n.ID)
	return err
}

// closeNoticeDuty closes the duty of a notice's window, if still open.
func closeNoticeDuty(ctx context.Context, tx *Tx, a art28.Actor, n *art28.Notice, state art28.DutyState, reason string) error {
	if n.DutyID == 0 {
		return nil
	}
	_, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ?, reason = ? WHERE id = ? AND state = ?`,
		state, tx.Now, a.Name, reason, n.DutyID, art28.DutyOpen)
	return err
}

// Object records a customer's objection within its window.
func (s *Changes) Object(ctx context.Context, id int64, reason string) (n *art28.Notice, err error) {
	defer art28.Wrap(&err, "store.Object")
	a, err := authorizeDecision(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkReason(&reason); err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if n, err = findNotice(ctx, tx, a, id); err != nil {
			return err
		}
		switch {
		case !n.ObjectionAllowed:
			return conflict("state", "This change admits no objection under the agreement: it is notice only.")
		case n.State == art28.NoticeObjected:
			return conflict("state", "The customer has already objected.")
		case !n.WindowOpen(tx.Now):
			return conflict("state", "The objection window closed on %s.", n.WindowEnd.In(n.Zone()).Format(time.RFC3339))
		}
		now := tx.Now
		n.State, n.ObjectedAt, n.ObjectedBy, n.Reason = art28.NoticeObjected, &now, a.Name, reason
		if err := updateNotice(ctx, tx, n); err != nil {
			return err
		}
		return tx.record(ctx, a, "notice.object", "notice", n.ID, n.CustomerID, "objected to change "+fmt.Sprint(n.ChangeID)+": "+reason)
	})
	return n, err
}

// Consent records the customer's prior consent (G10.3).
func (s *Changes) Consent(ctx context.Context, id int64) (n *art28.Notice, err error) {
	defer art28.Wrap(&err, "store.Consent")
	a, err := authorizeDecision(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if n, err = findNotice(ctx, tx, a, id); err != nil {
			return err
		}
		if !n.ConsentRequired || n.State != art28.NoticeOpen {
			return conflict("state", "This notice asks for no consent now (it is %s).", n.State)
		}
		now := tx.Now
		n.State, n.ApprovedAt = art28.NoticeApproved, &now
		if err := updateNotice(ctx, tx, n); err != nil {
			return err
		}
		if err := closeNoticeDuty(ctx, tx, a, n, art28.DutyDone, ""); err != nil {
			return err
		}
		if err := tx.record(ctx, a, "notice.consent", "notice", n.ID, n.CustomerID, "gave prior consent to change "+fmt.Sprint(n.ChangeID)); err != nil {
			return err
		}
		_, err = completeChanges(ctx, tx, a, n.ChangeID)
		return err
	})
	return n, err
}

// Resolve records the processor's answer to an objection.
func (s *Changes) Resolve(ctx context.Context, id int64, r art28.Resolution) (n *art28.Notice, err error) {
	defer art28.Wrap(&err, "store.Resolve")
	a, err := authorizeProcessorWrite(ctx, "objections")
	if err != nil {
		return nil, err
	}
	next := map[art28.Resolution]art28.NoticeState{
		art28.ResolveKeepOff: art28.NoticeKeptOff, art28.ResolveTermination: art28.NoticeTerminate, art28.ResolveSettled: art28.NoticeApproved,
	}
	state, ok := next[r]
	if !ok {
		return nil, art28.FieldError("resolution", "must be keep_off, termination or settled")
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if n, err = findNotice(ctx, tx, a, id); err != nil {
			return err
		}
		if n.State != art28.NoticeObjected {
			return conflict("state", "Only an objection is resolved; this notice is %s.", n.State)
		}
		now := tx.Now
		n.State, n.Resolution, n.ResolvedAt, n.ResolvedBy = state, r, &now, a.Name
		if state == art28.NoticeApproved {
			// A settled objection approves, but not before the window
			// would have closed: the change still waits its turn.
			approved := now
			if n.WindowEnd != nil && n.WindowEnd.After(now) {
				approved = *n.WindowEnd
			}
			n.ApprovedAt = &approved
		}
		if err := updateNotice(ctx, tx, n); err != nil {
			return err
		}
		if err := closeNoticeDuty(ctx, tx, a, n, art28.DutyDone, ""); err != nil {
			return err
		}
		if r == art28.ResolveTermination {
			if err := terminateOver(ctx, tx, a, n.AgreementID); err != nil {
				return err
			}
		}
		if err := tx.record(ctx, a, "notice.resolve", "notice", n.ID, n.CustomerID,
			fmt.Sprintf("resolved the objection to change %d: %s", n.ChangeID, r)); err != nil {
			return err
		}
		_, err = completeChanges(ctx, tx, a, n.ChangeID)
		return err
	})
	return n, err
}

// terminateOver moves an active agreement to terminating: the customer
// leaves over the change (C7).
func terminateOver(ctx context.Context, tx *Tx, a art28.Actor, agreementID int64) error {
	res, err := tx.exec(ctx, `UPDATE agreements SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
		art28.AgreementTerminating, tx.Now, agreementID, art28.AgreementActive)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // already terminating or ended
	}
	var customerID int64
	if err := tx.queryRow(ctx, `SELECT customer_id FROM agreements WHERE id = ?`, agreementID).Scan(&customerID); err != nil {
		return err
	}
	return tx.record(ctx, a, "agreement.status", "agreement", agreementID, customerID, "status: active -> terminating (objection to a sub-processor change)")
}

// Withdraw withdraws a change under way and every notice it opened.
func (s *Changes) Withdraw(ctx context.Context, id int64, reason string) (c *art28.Change, err error) {
	defer art28.Wrap(&err, "store.Withdraw")
	a, err := authorizeProcessorWrite(ctx, "the sub-processor list")
	if err != nil {
		return nil, err
	}
	if err := checkReason(&reason); err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if c, err = findChange(ctx, tx, id); err != nil {
			return err
		}
		if c.State != art28.ChangeAnnounced {
			return conflict("state", "The change is already %s.", c.State)
		}
		now := tx.Now
		c.State, c.ClosedAt, c.Reason = art28.ChangeWithdrawn, &now, reason
		if _, err := tx.exec(ctx, `UPDATE subprocessor_changes SET state = ?, closed_at = ?, reason = ? WHERE id = ?`,
			c.State, now, reason, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ?, reason = ?
			WHERE state = ? AND id IN (SELECT duty_id FROM change_notices WHERE change_id = ?)`,
			art28.DutyWaived, now, a.Name, "change withdrawn: "+reason, art28.DutyOpen, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE change_notices SET state = ? WHERE change_id = ?`, art28.NoticeWithdrawn, id); err != nil {
			return err
		}
		if err := tx.record(ctx, a, "change.withdraw", "change", id, 0, "withdrew change "+fmt.Sprint(id)+": "+reason); err != nil {
			return err
		}
		return tally(ctx, tx, c)
	})
	return c, err
}

// closeBatch bounds how many windows one transaction closes, so that a
// sweep after 100,000 windows end together never holds the writer long.
const closeBatch = 1000

// CloseWindows approves by silence every notice whose window has closed
// at now, closes its duty, and completes the changes left with nothing
// open.
func (s *Changes) CloseWindows(ctx context.Context, now time.Time) (approved int, err error) {
	defer art28.Wrap(&err, "store.CloseWindows")
	a, err := authorizeProcessorWrite(ctx, "notices")
	if err != nil {
		return 0, err
	}
	for {
		n := 0
		err = s.db.update(ctx, func(tx *Tx) error {
			rows, err := tx.query(ctx, `SELECT id, window_end, duty_id, customer_id, change_id FROM change_notices
				WHERE state = ? AND silence_approves = ? AND consent_required = ? AND window_end <= ?
				ORDER BY window_end, id LIMIT `+fmt.Sprint(closeBatch),
				art28.NoticeOpen, true, false, now.UTC())
			if err != nil {
				return err
			}
			type due struct {
				id, customer, change int64
				end                  time.Time
				duty                 sql.NullInt64
			}
			var list []due
			for rows.Next() {
				var d due
				if err := rows.Scan(&d.id, &d.end, &d.duty, &d.customer, &d.change); err != nil {
					rows.Close()
					return err
				}
				list = append(list, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, d := range list {
				if _, err := tx.exec(ctx, `UPDATE change_notices SET state = ?, approved_at = ? WHERE id = ?`,
					art28.NoticeApproved, d.end.UTC(), d.id); err != nil {
					return err
				}
				if d.duty.Valid {
					if _, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ?, reason = ? WHERE id = ? AND state = ?`,
						art28.DutyDone, tx.Now, a.Name, "", d.duty.Int64, art28.DutyOpen); err != nil {
						return err
					}
				}
				if err := tx.record(ctx, a, "notice.approve", "notice", d.id, d.customer,
					fmt.Sprintf("approved change %d by silence: the window closed at %s", d.change, d.end.UTC().Format("2006-01-02 15:04Z"))); err != nil {
					return err
				}
			}
			n = len(list)
			if n < closeBatch {
				_, err = completeChanges(ctx, tx, a, 0)
			}
			return err
		})
		approved += n
		if err != nil || n < closeBatch {
			return approved, err
		}
	}
}

// authorizeDecision allows a customer's admin, who decides for the
// customer, and processor staff who write, who record a decision received
// by letter or email on the customer's behalf.
func authorizeDecision(ctx context.Context) (art28.Actor, error) {
	a, ok := art28.ActorFrom(ctx)
	if ok && a.IsCustomer() {
		return authorize(ctx, art28.PermManageOwnCustomer)
	}
	return authorize(ctx, art28.PermWrite)
}

func conflict(field, format string, args ...any) error {
	return &art28.Error{Code: art28.ECONFLICT, Field: field, Message: fmt.Sprintf(format, args...)}
}
