package store

import (
	"context"
	"fmt"

	"github.com/art28/art28"
)

// fanoutBatch is how many agreements the fan-out writes at a time: one
// multi-row INSERT per table (duties, notices, deliveries, activities) per
// batch, instead of four or more statements per agreement (see bulkInsert).
// A variable, so that a test can make batches of a few agreements.
var fanoutBatch = 250

// notifyAll writes a notice per reached agreement, in batches of
// agreements; the rows, their order and their IDs are those of one
// agreement at a time.
func (s *Changes) notifyAll(ctx context.Context, tx *Tx, a art28.Actor, c *art28.Change, sp *art28.Subprocessor, out *art28.Announcement) error {
	targets, err := affected(ctx, tx, sp.ServiceIDs)
	if err != nil {
		return err
	}
	contacts, err := contactsOf(ctx, tx, targets)
	if err != nil {
		return err
	}
	f := newFanout(tx, a, c, sp, out)
	defer f.close()
	windows := map[*art28.Terms]*window{}
	for _, t := range targets {
		terms, err := s.db.agreementTerms(ctx, tx, t.version, t.overrides)
		if err != nil {
			return err
		}
		if terms == nil {
			out.Skipped = append(out.Skipped, t.agreementID)
			continue
		}
		w, ok := windows[terms]
		if !ok {
			if w, err = windowOf(terms, c, sp, tx.Now); err != nil {
				return fmt.Errorf("agreement %d: %w", t.agreementID, err)
			}
			windows[terms] = w
		}
		f.pending = append(f.pending, fanoutItem{t: t, w: w, contacts: contacts[t.customerID]})
		if len(f.pending) == fanoutBatch {
			if err := f.flush(ctx); err != nil {
				return err
			}
		}
	}
	if err := f.flush(ctx); err != nil {
		return err
	}
	if err := f.deliveries.exec(ctx); err != nil {
		return err
	}
	return f.activities.exec(ctx)
}

// fanout writes the notices of one change, a batch of agreements at a
// time.
type fanout struct {
	tx  *Tx
	a   art28.Actor
	c   *art28.Change
	sp  *art28.Subprocessor
	out *art28.Announcement

	pending                                 []fanoutItem
	duties, notices, deliveries, activities *bulkInsert
}

// fanoutItem is one agreement to notify.
type fanoutItem struct {
	t        target
	w        *window
	contacts []contact
}

func newFanout(tx *Tx, a art28.Actor, c *art28.Change, sp *art28.Subprocessor, out *art28.Announcement) *fanout {
	return &fanout{tx: tx, a: a, c: c, sp: sp, out: out, pending: make([]fanoutItem, 0, fanoutBatch),
		// The columns of insertDuty.
		duties: newBulkInsert(tx, "duties", `kind, title, customer_id, agreement_id, clause, clause_ids, opened_at, due_at,
			state, next_reminder_at`, "id, agreement_id", fanoutBatch),
		notices: newBulkInsert(tx, "change_notices", `change_id, agreement_id, customer_id, subprocessor_id, notice_at,
			window_end, time_zone, objection_allowed, silence_approves, consent_required, termination_right, clause_ids, state,
			approved_at, duty_id`, "id, agreement_id", fanoutBatch),
		deliveries: newBulkInsert(tx, "deliveries", deliveryInsertColumns, "", fanoutBatch),
		// The columns of Tx.record.
		activities: newBulkInsert(tx, "activities", `at, actor_kind, actor_id, actor_name, action, object_type, object_id,
			customer_id, summary, source`, "", fanoutBatch),
	}
}

func (f *fanout) close() {
	for _, b := range []*bulkInsert{f.duties, f.notices, f.deliveries, f.activities} {
		b.close()
	}
}

// flush writes the pending agreements' duties, then their notices (which
// point to the duties), and queues their deliveries and activity entries.
func (f *fanout) flush(ctx context.Context) error {
	if len(f.pending) == 0 {
		return nil
	}
	tx, c, sp := f.tx, f.c, f.sp
	duties := 0
	for _, it := range f.pending {
		if it.w.end == nil {
			continue
		}
		// As insertDuty writes an open duty; times are already in UTC
		// microseconds.
		if err := f.duties.add(ctx, "subprocessor.objection_window", fmt.Sprintf("Objection window: %s for %s", sp.Name, it.t.customer),
			nullID(it.t.customerID), nullID(it.t.agreementID), string(art28.SubprocessorNotice), it.w.clauseJSON(), tx.Now, *it.w.end,
			art28.DutyOpen, tx.Now); err != nil {
			return err
		}
		duties++
	}
	dutyIDs, err := f.duties.returnedIDs(ctx)
	if err != nil {
		return err
	}
	if len(dutyIDs) != duties {
		return fmt.Errorf("store: %d duties written, %d returned", duties, len(dutyIDs))
	}
	f.out.Duties += duties
	for _, it := range f.pending {
		n := f.notice(it)
		if it.w.end != nil {
			n.DutyID = dutyIDs[it.t.agreementID]
		}
		if err := f.notices.add(ctx, n.ChangeID, n.AgreementID, n.CustomerID, c.SubprocessorID, n.NoticeAt, nullTime(n.WindowEnd),
			n.TimeZone, n.ObjectionAllowed, n.SilenceApproves, n.ConsentRequired, n.TerminationRight, it.w.clauseJSON(), n.State,
			nullTime(n.ApprovedAt), nullID(n.DutyID)); err != nil {
			return err
		}
	}
	noticeIDs, err := f.notices.returnedIDs(ctx)
	if err != nil {
		return err
	}
	if len(noticeIDs) != len(f.pending) {
		return fmt.Errorf("store: %d notices written, %d returned", len(f.pending), len(noticeIDs))
	}
	f.out.Notices += len(noticeIDs)
	for _, it := range f.pending {
		id := noticeIDs[it.t.agreementID]
		if err := queueDeliveries(ctx, f.deliveries, tx.Now, eventSubprocessorChange, id, it.t, it.w.channels, it.w.notify, it.contacts); err != nil {
			return err
		}
		summary := fmt.Sprintf("told of change %d (%s %s)", c.ID, c.Kind, sp.Name)
		if it.w.end != nil {
			summary += fmt.Sprintf("; objection window until %s", it.w.end.Format("2006-01-02 15:04Z"))
		}
		if err := f.activities.add(ctx, tx.Now, f.a.Kind(), f.a.ID(), f.a.Name, "change.notice", "notice", id,
			nullID(it.t.customerID), summary, f.a.Source); err != nil {
			return err
		}
	}
	// Deliveries and activity entries need no IDs back: they are written
	// whenever a statement's worth is waiting, and the rest at the end.
	f.pending = f.pending[:0]
	return nil
}

// notice is the notice of one agreement, on its clock, without IDs.
func (f *fanout) notice(it fanoutItem) *art28.Notice {
	w, now := it.w, f.tx.Now
	n := &art28.Notice{ChangeID: f.c.ID, AgreementID: it.t.agreementID, CustomerID: it.t.customerID, NoticeAt: now,
		WindowEnd: w.end, TimeZone: w.zone, ObjectionAllowed: w.objection, SilenceApproves: w.silence,
		ConsentRequired: w.consent, TerminationRight: w.refund, ClauseIDs: w.clauseIDs, State: art28.NoticeOpen}
	if w.end == nil && !w.consent {
		n.State, n.ApprovedAt = art28.NoticeApproved, &now // told, and nothing to wait for (L7)
	}
	return n
}
