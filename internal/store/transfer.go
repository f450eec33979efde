package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/art28/art28"
)

// Transfers implements art28.TransferService.
type Transfers struct{ db *DB }

// NewTransfers returns the transfer check of db.
func NewTransfers(db *DB) *Transfers { return &Transfers{db: db} }

var _ art28.TransferService = (*Transfers)(nil)

// CheckTransfer gathers the facts of one transfer in a handful of point
// reads, without a transaction, and lets the domain decide. The processor's
// systems call it before data moves, so it is built to be cheap: parsed
// terms come from the cache.
func (s *Transfers) CheckTransfer(ctx context.Context, agreementID, subprocessorID int64, at time.Time) (d *art28.TransferDecision, err error) {
	defer art28.Wrap(&err, "store.CheckTransfer")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	if at.IsZero() {
		at = s.db.Now()
	}
	err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		f := art28.TransferFacts{At: at}
		ag := &art28.Agreement{}
		cond, args := scope(a, "customer_id")
		var version sql.NullInt64
		var overrides string
		err := tx.queryRow(ctx, `SELECT id, customer_id, status, terms_version_id, terms_overrides FROM agreements WHERE id = ?`+cond,
			append([]any{agreementID}, args...)...).Scan(&ag.ID, &ag.CustomerID, &ag.Status, &version, &overrides)
		if err == sql.ErrNoRows {
			return errNotFound("Agreement", agreementID)
		} else if err != nil {
			return err
		}
		f.Agreement = ag
		if f.Terms, err = s.db.agreementTerms(ctx, tx, version, overrides); err != nil {
			return err
		}
		if f.Subprocessor, err = findSubprocessor(ctx, tx, subprocessorID); err != nil {
			return err
		}
		// The agreement's latest notice about the sub-processor, as the
		// one announced or as the one a replacement takes over from.
		n, err := scanNotice(tx.queryRow(ctx, `SELECT `+noticeColumns+` FROM change_notices WHERE id = (
			SELECT MAX(n.id) FROM change_notices n JOIN subprocessor_changes c ON c.id = n.change_id
			WHERE n.agreement_id = ? AND (c.subprocessor_id = ? OR c.replaces_id = ?))`,
			agreementID, subprocessorID, subprocessorID))
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return err
		default:
			ch, err := scanChange(tx.queryRow(ctx, `SELECT `+changeColumns+` FROM subprocessor_changes WHERE id = ?`, n.ChangeID))
			if err != nil {
				return err
			}
			if ch.ReplacesID == subprocessorID {
				// For the one replaced, a replacement is its removal.
				ch.Kind = art28.ChangeRemove
			}
			f.Notice, f.Change = n, ch
		}
		decision := art28.DecideTransfer(f)
		d = &decision
		return nil
	})
	return d, err
}
