package store

import (
	"context"
	"database/sql"
	"fmt"

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
// staff, acknowledged_at is their customer's.
func bulletinColumns(a art28.Actor) (string, []any) {
	cols := `b.id, b.kind, b.title, b.body, b.clause_ids, b.all_running, b.issued_at, b.issued_by,
		(SELECT COUNT(*) FROM bulletin_recipients r WHERE r.bulletin_id = b.id),
		(SELECT COUNT(*) FROM bulletin_recipients r WHERE r.bulletin_id = b.id AND r.acknowledged_at IS NOT NULL)`
	if a.IsCustomer() {
		return cols + `, (SELECT r.acknowledged_at FROM bulletin_recipients r WHERE r.bulletin_id = b.id AND r.customer_id = ?)`,
			[]any{a.CustomerID}
	}
	return cols + `, NULL`, nil
}

func scanBulletin(row interface{ Scan(...any) error }) (*art28.Bulletin, error) {
	b := &art28.Bulletin{}
	var clauses string
	var acked sql.NullTime
	if err := row.Scan(&b.ID, &b.Kind, &b.Title, &b.Body, &clauses, &b.AllRunning, &b.IssuedAt, &b.IssuedBy, &b.Recipients,
		&b.Acknowledged, &acked); err != nil {
		return nil, err
	}
	b.IssuedAt, b.AcknowledgedAt = b.IssuedAt.UTC(), timePtr(acked)
	var err error
	b.ClauseIDs, err = fromJSON[[]string](clauses)
	return b, err
}

// visibleBulletin is the condition that confines bulletins to a
// customer's own.
func visibleBulletin(a art28.Actor) (string, []any) {
	if !a.IsCustomer() {
		return "", nil
	}
	return ` AND EXISTS (SELECT 1 FROM bulletin_recipients r WHERE r.bulletin_id = b.id AND r.customer_id = ?)`, []any{a.CustomerID}
}

// IssueBulletin stores a bulletin, its recipients and their deliveries.
func (s *Bulletins) IssueBulletin(ctx context.Context, b *art28.Bulletin) (err error) {
	defer art28.Wrap(&err, "store.IssueBulletin")
	a, err := authorizeProcessorWrite(ctx, "bulletins")
	if err != nil {
		return err
	}
	if err := b.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		targets, err := bulletinTargets(ctx, tx, b)
		if err != nil {
			return err
		}
		b.IssuedAt, b.IssuedBy = tx.Now, a.Name
		if b.ID, err = tx.insert(ctx, `INSERT INTO bulletins (kind, title, body, clause_ids, all_running, issued_at, issued_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, b.Kind, b.Title, b.Body, jsonText(b.ClauseIDs), b.AllRunning, b.IssuedAt, b.IssuedBy); err != nil {
			return err
		}
		contacts, err := contactsOf(ctx, tx, targets)
		if err != nil {
			return err
		}
		deliveries := newBulkInsert(tx, "deliveries", deliveryInsertColumns, "", fanoutBatch)
		defer deliveries.close()
		for _, t := range targets {
			id, err := tx.insert(ctx, `INSERT INTO bulletin_recipients (bulletin_id, customer_id) VALUES (?, ?)`, b.ID, t.customerID)
			if err != nil {
				return err
			}
			if err := queueDeliveries(ctx, deliveries, tx.Now, eventBulletin, id, t, []string{art28.ChannelEmail}, nil,
				contacts[t.customerID]); err != nil {
				return err
			}
		}
		if err := deliveries.exec(ctx); err != nil {
			return err
		}
		b.Recipients = len(targets)
		return tx.record(ctx, a, "bulletin.issue", "bulletin", b.ID, 0,
			fmt.Sprintf("issued %s bulletin %q to %d customers", b.Kind, b.Title, len(targets)))
	})
}

// bulletinTargets are the customers a bulletin goes to: those named (each
// must exist), or every customer with a running agreement.
func bulletinTargets(ctx context.Context, tx *Tx, b *art28.Bulletin) ([]target, error) {
	q := `SELECT id, legal_name, language FROM customers WHERE `
	var args []any
	if b.AllRunning {
		q += `EXISTS (SELECT 1 FROM agreements a WHERE a.customer_id = customers.id AND a.status IN (?, ?))`
		args = []any{art28.AgreementActive, art28.AgreementTerminating}
	} else {
		q += `id IN (` + placeholders(len(b.CustomerIDs)) + `)`
		for _, id := range b.CustomerIDs {
			args = append(args, id)
		}
	}
	rows, err := tx.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []target
	for rows.Next() {
		var t target
		if err := rows.Scan(&t.customerID, &t.customer, &t.language); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !b.AllRunning && len(out) != len(b.CustomerIDs) {
		return nil, art28.FieldError("customer_ids", "names a customer that does not exist")
	}
	if len(out) == 0 {
		return nil, art28.FieldError("customer_ids", "no customer has a running agreement to send it to")
	}
	return out, nil
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
	cols, colArgs := bulletinColumns(a)
	cond, condArgs := visibleBulletin(a)
	args := append(append(colArgs, id), condArgs...)
	b, err := scanBulletin(tx.queryRow(ctx, `SELECT `+cols+` FROM bulletins b WHERE b.id = ?`+cond, args...))
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
	cols, colArgs := bulletinColumns(a)
	cond, condArgs := visibleBulletin(a)
	err = s.db.view(ctx, func(tx *Tx) error {
		if total, err = tx.count(ctx, `SELECT COUNT(*) FROM bulletins b WHERE 1 = 1`+cond, condArgs...); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT `+cols+` FROM bulletins b WHERE 1 = 1`+cond+` ORDER BY b.issued_at DESC, b.id DESC
			LIMIT ? OFFSET ?`, append(append(colArgs, condArgs...), p.Limit, p.Offset)...)
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
