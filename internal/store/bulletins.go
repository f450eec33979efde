package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/art28/art28"
)

// Bulletins implements art28.BulletinService.
type Bulletins struct{ db *DB }

// NewBulletins returns the bulletins of db.
func NewBulletins(db *DB) *Bulletins { return &Bulletins{db: db} }

var _ art28.BulletinService = (*Bulletins)(nil)

// eventBulletin is the deliveries' event of a bulletin; its notice_id
// points into bulletin_recipients, so that each customer's deliveries are
// its own.
const eventBulletin = "bulletin"

// bulletinColumns reads a bulletin with its counts; for a customer's
// staff, acknowledged_at and due_at are their customer's, and they do not
// see how many others were told late, nor the legal ground on which it
// was withheld.
func bulletinColumns(a art28.Actor) string {
	reason, late, deadlines, own := `b.withheld_reason`,
		`(SELECT COUNT(*) FROM bulletin_recipients r WHERE r.bulletin_id = b.id AND r.due_at < b.sent_at)`,
		`(SELECT COUNT(*) FROM bulletin_recipients r WHERE r.bulletin_id = b.id AND r.due_at IS NOT NULL)`, `NULL, NULL`
	if a.IsCustomer() {
		reason, late, deadlines, own = `''`, `0`, `0`, `r.acknowledged_at, r.due_at`
	}
	return `b.id, b.kind, b.title, b.body, b.clause_ids, b.all_running, b.occurred_at, b.processing_from, ` + reason + `,
		b.issued_at, b.issued_by, b.sent_at, b.sent_by,
		(SELECT COUNT(*) FROM bulletin_recipients r WHERE r.bulletin_id = b.id), ` + late + `, ` + deadlines + `,
		(SELECT COUNT(*) FROM bulletin_recipients r WHERE r.bulletin_id = b.id AND r.acknowledged_at IS NOT NULL), ` + own
}

// bulletinFrom is the FROM of a bulletin read: a customer's staff read
// their own copy with it, and only once it was sent.
func bulletinFrom(a art28.Actor) (string, []any) {
	if !a.IsCustomer() {
		return ` FROM bulletins b WHERE 1 = 1`, nil
	}
	return ` FROM bulletins b JOIN bulletin_recipients r ON r.bulletin_id = b.id AND r.customer_id = ?
		WHERE b.sent_at IS NOT NULL`, []any{a.CustomerID}
}

func scanBulletin(row interface{ Scan(...any) error }) (*art28.Bulletin, error) {
	b := &art28.Bulletin{}
	var clauses string
	var processing, sent, acked, due sql.NullTime
	if err := row.Scan(&b.ID, &b.Kind, &b.Title, &b.Body, &clauses, &b.AllRunning, &b.OccurredAt, &processing, &b.WithheldReason,
		&b.IssuedAt, &b.IssuedBy, &sent, &b.SentBy, &b.Recipients, &b.Late, &b.Deadlines, &b.Acknowledged, &acked, &due); err != nil {
		return nil, err
	}
	b.OccurredAt, b.IssuedAt = b.OccurredAt.UTC(), b.IssuedAt.UTC()
	b.ProcessingFrom, b.SentAt, b.AcknowledgedAt, b.DueAt = timePtr(processing), timePtr(sent), timePtr(acked), timePtr(due)
	var err error
	b.ClauseIDs, err = fromJSON[[]string](clauses)
	return b, err
}

// IssueBulletin stores a bulletin, its recipients and, unless it is
// withheld, their deliveries.
func (s *Bulletins) IssueBulletin(ctx context.Context, b *art28.Bulletin) (err error) {
	defer art28.Wrap(&err, "store.IssueBulletin")
	a, err := authorizeProcessorWrite(ctx, "bulletins")
	if err != nil {
		return err
	}
	if err := b.Validate(s.db.Now()); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error { return s.db.issueBulletin(ctx, tx, a, b) })
}

// issueBulletin writes a valid bulletin in tx: the bulletin, a recipient
// row per customer with its deadline, and the deliveries unless withheld.
func (db *DB) issueBulletin(ctx context.Context, tx *Tx, a art28.Actor, b *art28.Bulletin) error {
	b.IssuedAt, b.IssuedBy = tx.Now, a.Name
	if b.OccurredAt.IsZero() {
		b.OccurredAt = tx.Now
	}
	b.OccurredAt = b.OccurredAt.UTC().Truncate(time.Microsecond)
	if b.ProcessingFrom != nil {
		start := b.ProcessingFrom.UTC().Truncate(time.Microsecond) // both databases keep microseconds
		b.ProcessingFrom = &start
	}
	plan, err := db.bulletinPlan(ctx, tx, b, 0)
	if err != nil {
		return err
	}
	b.SentAt, b.SentBy = nil, ""
	if b.WithheldReason == "" {
		b.SentAt, b.SentBy = &tx.Now, a.Name
	}
	if b.ID, err = tx.insert(ctx, `INSERT INTO bulletins (kind, title, body, clause_ids, all_running, occurred_at, processing_from,
		withheld_reason, issued_at, issued_by, sent_at, sent_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.Kind, b.Title, b.Body, jsonText(b.ClauseIDs), b.AllRunning, b.OccurredAt, nullTime(b.ProcessingFrom), b.WithheldReason,
		b.IssuedAt, b.IssuedBy, nullTime(b.SentAt), b.SentBy); err != nil {
		return err
	}
	// One statement per batch of recipients: a bulletin to every running
	// customer (a DPO change) may have as many as there are customers.
	ids := make([]int64, 0, len(plan))
	recipients := newBulkInsert(tx, "bulletin_recipients", "bulletin_id, customer_id, due_at, clause_ids, zone",
		"id, customer_id", fanoutBatch)
	defer recipients.close()
	b.Late, b.Deadlines = 0, 0
	for start := 0; start < len(plan); start += fanoutBatch {
		batch := plan[start:min(start+fanoutBatch, len(plan))]
		for _, c := range batch {
			if err := recipients.add(ctx, b.ID, c.t.customerID, nullTime(c.due), jsonText(c.clauseIDs), c.zone); err != nil {
				return err
			}
			if c.due != nil {
				b.Deadlines++
			}
			if b.SentAt != nil && c.due != nil && c.due.Before(*b.SentAt) {
				b.Late++
			}
		}
		byCustomer, err := recipients.returnedIDs(ctx)
		if err != nil {
			return err
		}
		for _, c := range batch {
			ids = append(ids, byCustomer[c.t.customerID])
		}
	}
	b.Recipients = len(plan)
	summary := fmt.Sprintf("issued %s bulletin %q to %d customers", b.Kind, b.Title, len(plan))
	if b.SentAt == nil {
		summary = fmt.Sprintf("recorded %s bulletin %q for %d customers, withheld: %s", b.Kind, b.Title, len(plan), b.WithheldReason)
		if err := withheldDuty(ctx, tx, a, b, plan); err != nil {
			return err
		}
	} else if err := queueBulletin(ctx, tx, plan, ids); err != nil {
		return err
	}
	return tx.record(ctx, a, "bulletin.issue", "bulletin", b.ID, 0, summary)
}

// withheldDuty opens, for a withheld bulletin with a deadline, the duty to
// send it by the earliest one: the privacy officers are reminded of it
// like any duty. It names no customer, so that no customer sees it before
// the bulletin may be told.
func withheldDuty(ctx context.Context, tx *Tx, a art28.Actor, b *art28.Bulletin, plan []*bulletinCopy) error {
	var due *time.Time
	for _, c := range plan {
		if c.due != nil && (due == nil || c.due.Before(*due)) {
			due = c.due
		}
	}
	if due == nil {
		return nil
	}
	d := &art28.Duty{Kind: "bulletin.withheld", Title: "Send the withheld bulletin: " + b.Title, Clause: b.Kind.ClauseKey(),
		ClauseIDs: b.ClauseIDs, OpenedAt: b.OccurredAt, DueAt: *due}
	if err := openDuty(ctx, tx, a, d); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE bulletins SET duty_id = ? WHERE id = ?`, d.ID, b.ID)
	return err
}

// queueBulletin writes the deliveries of each customer's copy.
func queueBulletin(ctx context.Context, tx *Tx, plan []*bulletinCopy, recipientIDs []int64) error {
	targets := make([]target, len(plan))
	for i, c := range plan {
		targets[i] = c.t
	}
	contacts, err := contactsOf(ctx, tx, targets)
	if err != nil {
		return err
	}
	deliveries := newBulkInsert(tx, "deliveries", deliveryInsertColumns, "", fanoutBatch)
	defer deliveries.close()
	for i, c := range plan {
		if err := queueDeliveries(ctx, deliveries, tx.Now, eventBulletin, recipientIDs[i], c.t, c.channels, c.notify,
			contacts[c.t.customerID]); err != nil {
			return err
		}
	}
	return deliveries.exec(ctx)
}

// SendBulletin sends a withheld bulletin: its deliveries are written now,
// each customer's to the recipients its terms name.
func (s *Bulletins) SendBulletin(ctx context.Context, id int64) (b *art28.Bulletin, err error) {
	defer art28.Wrap(&err, "store.SendBulletin")
	a, err := authorizeProcessorWrite(ctx, "bulletins")
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if b, err = findBulletin(ctx, tx, a, id); err != nil {
			return err
		}
		// Claimed first: a second send, even one racing this one on
		// PostgreSQL, finds it sent and writes nothing.
		claimed, err := tx.exec(ctx, `UPDATE bulletins SET sent_at = ?, sent_by = ? WHERE id = ? AND sent_at IS NULL`,
			tx.Now, a.Name, id)
		if err != nil {
			return err
		}
		if n, err := claimed.RowsAffected(); err != nil || n == 0 {
			if b, err = findBulletin(ctx, tx, a, id); err != nil || b.SentAt == nil {
				return err
			}
			return conflict("sent_at", "It was sent on %s.", b.SentAt.Format("2006-01-02 15:04 UTC"))
		}
		// The plan is worked out again for its recipients and channels;
		// the deadlines stay those recorded when it was issued.
		plan, err := s.db.bulletinPlan(ctx, tx, &art28.Bulletin{Kind: b.Kind, OccurredAt: b.OccurredAt,
			ProcessingFrom: b.ProcessingFrom}, id)
		if err != nil {
			return err
		}
		ids, err := int64s(ctx, tx, `SELECT id FROM bulletin_recipients WHERE bulletin_id = ? ORDER BY customer_id`, id)
		if err != nil {
			return err
		}
		if len(ids) != len(plan) {
			return fmt.Errorf("bulletin %d: %d recipients but %d planned", id, len(ids), len(plan))
		}
		if err := queueBulletin(ctx, tx, plan, ids); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ? WHERE state = ?
			AND id = (SELECT duty_id FROM bulletins WHERE id = ?)`, art28.DutyDone, tx.Now, a.Name, art28.DutyOpen, id); err != nil {
			return err
		}
		if b, err = findBulletin(ctx, tx, a, id); err != nil {
			return err
		}
		return tx.record(ctx, a, "bulletin.send", "bulletin", id, 0,
			fmt.Sprintf("sent the withheld %s bulletin %q to %d customers", b.Kind, b.Title, len(plan)))
	})
	return b, err
}

// Bulletin returns one bulletin; a customer's staff see their own.
func (s *Bulletins) Bulletin(ctx context.Context, id int64) (b *art28.Bulletin, err error) {
	defer art28.Wrap(&err, "store.Bulletin")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		b, err = findBulletin(ctx, tx, a, id)
		return err
	})
	return b, err
}

func findBulletin(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.Bulletin, error) {
	cols := bulletinColumns(a)
	from, args := bulletinFrom(a)
	b, err := scanBulletin(tx.queryRow(ctx, `SELECT `+cols+from+` AND b.id = ?`, append(args, id)...))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Bulletin", id)
	}
	if err != nil {
		return nil, err
	}
	b.CustomerIDs = []int64{}
	if !a.IsCustomer() && !b.AllRunning {
		if b.CustomerIDs, err = int64s(ctx, tx, `SELECT customer_id FROM bulletin_recipients WHERE bulletin_id = ? ORDER BY customer_id`, id); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Bulletins lists bulletins, latest first.
func (s *Bulletins) Bulletins(ctx context.Context, p art28.Page) (list []*art28.Bulletin, total int, err error) {
	defer art28.Wrap(&err, "store.Bulletins")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	p = p.Normalize()
	cols := bulletinColumns(a)
	from, args := bulletinFrom(a)
	err = s.db.view(ctx, func(tx *Tx) error {
		if total, err = tx.count(ctx, `SELECT COUNT(*)`+from, args...); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT `+cols+from+` ORDER BY b.issued_at DESC, b.id DESC
			LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanBulletin(rows)
			if err != nil {
				return err
			}
			b.CustomerIDs = []int64{}
			list = append(list, b)
		}
		return rows.Err()
	})
	return list, total, err
}

// AcknowledgeBulletin records that the actor's customer read a bulletin.
func (s *Bulletins) AcknowledgeBulletin(ctx context.Context, id int64) (b *art28.Bulletin, err error) {
	defer art28.Wrap(&err, "store.AcknowledgeBulletin")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	if !a.IsCustomer() {
		return nil, art28.Errorf(art28.EFORBIDDEN, "A bulletin is acknowledged by the customer that received it.")
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if b, err = findBulletin(ctx, tx, a, id); err != nil {
			return err
		}
		if b.AcknowledgedAt != nil {
			return conflict("acknowledged_at", "Your organisation acknowledged it on %s.", b.AcknowledgedAt.Format("2006-01-02 15:04 UTC"))
		}
		now := tx.Now
		if _, err := tx.exec(ctx, `UPDATE bulletin_recipients SET acknowledged_at = ?, acknowledged_by = ? WHERE bulletin_id = ?
			AND customer_id = ?`, now, a.Name, id, a.CustomerID); err != nil {
			return err
		}
		b.AcknowledgedAt = &now
		b.Acknowledged++
		return tx.record(ctx, a, "bulletin.acknowledge", "bulletin", id, a.CustomerID, "acknowledged the bulletin "+b.Title)
	})
	return b, err
}

// BulletinMailing is what one customer's copy of a bulletin says.
type BulletinMailing struct {
	Bulletin *art28.Bulletin
	Customer string
}

// BulletinMailing reads a bulletin recipient row for its deliveries.
func (db *DB) BulletinMailing(ctx context.Context, recipientID int64) (m *BulletinMailing, err error) {
	defer art28.Wrap(&err, "store.BulletinMailing")
	err = db.view(ctx, func(tx *Tx) error {
		var bulletinID int64
		m = &BulletinMailing{}
		err := tx.queryRow(ctx, `SELECT r.bulletin_id, c.legal_name FROM bulletin_recipients r JOIN customers c ON c.id = r.customer_id
			WHERE r.id = ?`, recipientID).Scan(&bulletinID, &m.Customer)
		if err == sql.ErrNoRows {
			return errNotFound("Bulletin recipient", recipientID)
		} else if err != nil {
			return err
		}
		m.Bulletin, err = findBulletin(ctx, tx, art28.SystemActor, bulletinID)
		return err
	})
	return m, err
}

// BulletinRecipients lists each customer's copy of a bulletin with its
// timeliness, by customer name.
func (s *Bulletins) BulletinRecipients(ctx context.Context, id int64) (list []*art28.BulletinRecipient, err error) {
	defer art28.Wrap(&err, "store.BulletinRecipients")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	if a.IsCustomer() {
		return nil, art28.Errorf(art28.EFORBIDDEN, "The list of a bulletin's recipients is the processor's.")
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		if _, err := findBulletin(ctx, tx, a, id); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT r.customer_id, c.legal_name, r.due_at, r.zone, r.clause_ids, b.sent_at, r.acknowledged_at,
			r.acknowledged_by FROM bulletin_recipients r JOIN customers c ON c.id = r.customer_id
			JOIN bulletins b ON b.id = r.bulletin_id WHERE r.bulletin_id = ? ORDER BY c.legal_name, c.id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := &art28.BulletinRecipient{}
			var due, sent, acked sql.NullTime
			var clauses string
			if err := rows.Scan(&r.CustomerID, &r.Customer, &due, &r.Zone, &clauses, &sent, &acked, &r.AcknowledgedBy); err != nil {
				return err
			}
			r.DueAt, r.NotifiedAt, r.AcknowledgedAt = timePtr(due), timePtr(sent), timePtr(acked)
			if r.ClauseIDs, err = fromJSON[[]string](clauses); err != nil {
				return err
			}
			if r.DueAt != nil && r.NotifiedAt != nil && r.NotifiedAt.After(*r.DueAt) {
				r.Late = r.NotifiedAt.Sub(*r.DueAt)
				r.LateSeconds = int64(r.Late / time.Second)
			}
			list = append(list, r)
		}
		return rows.Err()
	})
	return list, err
}
