package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/art28/art28"
)

// The outbox's side of the deliveries table: claiming what is due, and
// recording each attempt. A delivery is marked sent in its own commit
// right after the server accepted it, so that a crash can repeat at most
// the one message in flight, and a claim holds a lease, so that a crash
// loses nothing: the lease runs out and another worker takes it up.

// ClaimDeliveries leases up to limit due deliveries of the channel for
// lease, counting the attempt. On PostgreSQL the rows are locked SKIP
// LOCKED, so that replicas never claim the same delivery. The state is
// written as a literal, not a parameter, so that both databases see that
// the partial index on pending deliveries applies.
func (db *DB) ClaimDeliveries(ctx context.Context, channel string, limit int, lease time.Duration) (list []*art28.Delivery, err error) {
	defer art28.Wrap(&err, "store.ClaimDeliveries")
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	err = db.update(ctx, func(tx *Tx) error {
		list = nil
		rows, err := tx.query(ctx, `SELECT `+deliveryColumns+` FROM deliveries
			WHERE state = 'pending' AND channel = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)
			ORDER BY next_attempt_at, id LIMIT ?`+lock,
			channel, tx.Now, tx.Now, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return err
			}
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		args := []any{tx.Now.Add(lease)}
		for _, d := range list {
			d.Attempts++
			args = append(args, d.ID)
		}
		_, err = tx.exec(ctx, `UPDATE deliveries SET attempts = attempts + 1, locked_until = ? WHERE id IN (`+
			placeholders(len(list))+`)`, args...)
		return err
	})
	return list, err
}

// MarkSent records that the server or endpoint accepted a delivery.
func (db *DB) MarkSent(ctx context.Context, id int64) (err error) {
	defer art28.Wrap(&err, "store.MarkSent")
	return db.writeOne(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE deliveries SET state = ?, sent_at = ?, locked_until = NULL, last_error = '' WHERE id = ?`,
			art28.DeliverySent, tx.Now, id)
		return err
	})
}

// MarkFailed records a failed attempt: to be tried again at retry, or, when
// retry is nil, failed for good (shown to the processor and the customer).
func (db *DB) MarkFailed(ctx context.Context, id int64, reason string, retry *time.Time) (err error) {
	defer art28.Wrap(&err, "store.MarkFailed")
	state, next := art28.DeliveryPending, time.Time{}
	if retry == nil {
		state = art28.DeliveryFailed
	} else {
		next = retry.UTC()
	}
	return db.writeOne(ctx, func(ctx context.Context, tx *Tx) error {
		if next.IsZero() {
			next = tx.Now
		}
		_, err := tx.exec(ctx, `UPDATE deliveries SET state = ?, next_attempt_at = ?, locked_until = NULL, last_error = ? WHERE id = ?`,
			state, next, truncate(reason, 500), id)
		return err
	})
}

// NoticeMailing is what a notice of a change says, gathered for its
// message: the change, the sub-processor (and the one it replaces), the
// customer, and the notice on the customer's clock.
type NoticeMailing struct {
	Notice       *art28.Notice
	Change       *art28.Change
	Subprocessor *art28.Subprocessor
	ReplacesName string
	CustomerName string
}

// NoticeMailing reads a notice of a change for its deliveries.
func (db *DB) NoticeMailing(ctx context.Context, noticeID int64) (m *NoticeMailing, err error) {
	defer art28.Wrap(&err, "store.NoticeMailing")
	err = db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		m = &NoticeMailing{}
		if m.Notice, err = findNotice(ctx, tx, art28.SystemActor, noticeID); err != nil {
			return err
		}
		if m.Change, err = scanChange(tx.queryRow(ctx, `SELECT `+changeColumns+` FROM subprocessor_changes WHERE id = ?`, m.Notice.ChangeID)); err != nil {
			return err
		}
		if m.Subprocessor, err = findSubprocessor(ctx, tx, m.Change.SubprocessorID); err != nil {
			return err
		}
		if m.Change.ReplacesID != 0 {
			if err := tx.queryRow(ctx, `SELECT name FROM subprocessors WHERE id = ?`, m.Change.ReplacesID).Scan(&m.ReplacesName); err != nil {
				return err
			}
		}
		return tx.queryRow(ctx, `SELECT legal_name FROM customers WHERE id = ?`, m.Notice.CustomerID).Scan(&m.CustomerName)
	})
	return m, err
}

// WebhookTarget returns an endpoint's URL and secret, and whether it is
// still enabled.
func (db *DB) WebhookTarget(ctx context.Context, id int64) (url, secret string, enabled bool, err error) {
	defer art28.Wrap(&err, "store.WebhookTarget")
	err = db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		var disabled sql.NullTime
		err := tx.queryRow(ctx, `SELECT url, secret, disabled_at FROM webhook_endpoints WHERE id = ?`, id).Scan(&url, &secret, &disabled)
		if err == sql.ErrNoRows {
			return errNotFound("Webhook endpoint", id)
		}
		enabled = !disabled.Valid
		return err
	})
	return url, secret, enabled, err
}

// ChangeMailing is what a change says, for the public list's subscribers.
type ChangeMailing struct {
	Change       *art28.Change
	Subprocessor *art28.Subprocessor
	ReplacesName string
}

// ChangeMailing reads a change for its messages to subscribers.
func (db *DB) ChangeMailing(ctx context.Context, changeID int64) (m *ChangeMailing, err error) {
	defer art28.Wrap(&err, "store.ChangeMailing")
	err = db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		m = &ChangeMailing{}
		c, err := scanChange(tx.queryRow(ctx, `SELECT `+changeColumns+` FROM subprocessor_changes WHERE id = ?`, changeID))
		if err == sql.ErrNoRows {
			return errNotFound("Change", changeID)
		} else if err != nil {
			return err
		}
		m.Change = c
		if m.Subprocessor, err = findSubprocessor(ctx, tx, c.SubprocessorID); err != nil {
			return err
		}
		if c.ReplacesID != 0 {
			return tx.queryRow(ctx, `SELECT name FROM subprocessors WHERE id = ?`, c.ReplacesID).Scan(&m.ReplacesName)
		}
		return nil
	})
	return m, err
}

// ReleaseLeases frees every delivery leased by a worker, for a process
// that knows no other worker can be running: on SQLite one process owns
// the database, so at start the leases left are a crashed process's, and
// waiting out their two minutes would only delay the notices. Not for
// PostgreSQL, where another replica may hold them.
func (db *DB) ReleaseLeases(ctx context.Context) (n int, err error) {
	defer art28.Wrap(&err, "store.ReleaseLeases")
	if db.dialect != SQLite {
		return 0, errors.New("leases are released only on SQLite, which one process owns")
	}
	err = db.update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE deliveries SET locked_until = NULL WHERE state = 'pending' AND locked_until IS NOT NULL`)
		if err != nil {
			return err
		}
		c, _ := res.RowsAffected()
		n = int(c)
		return nil
	})
	return n, err
}
