package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Transfers implements art28.TransferService.
type Transfers struct{ db *DB }

// NewTransfers returns the transfer check of db.
func NewTransfers(db *DB) *Transfers { return &Transfers{db: db} }

var _ art28.TransferService = (*Transfers)(nil)

// CheckTransfer gathers the facts of one transfer in two point reads,
// without a transaction, and lets the domain decide at the time asked.
// The processor's systems call it before every move of data, again and
// again for the same pairs, so the facts are cached for readTTL (cleared by
// any write through this process) and parsed terms for good. The decision
// itself is made on every call: a window that closes needs no write to
// take effect.
func (s *Transfers) CheckTransfer(ctx context.Context, agreementID, subprocessorID int64, at time.Time) (d *art28.TransferDecision, err error) {
	defer art28.Wrap(&err, "store.CheckTransfer")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	if at.IsZero() {
		at = s.db.Now()
	}
	key := fmt.Sprintf("%d:%d", agreementID, subprocessorID)
	now := time.Now()
	if v, ok := s.db.facts.get(key, now); ok {
		f := v.(art28.TransferFacts)
		if !visible(a, f.Agreement.CustomerID) {
			return nil, errNotFound("Agreement", agreementID)
		}
		f.At = at
		decision := art28.DecideTransfer(f)
		return &decision, nil
	}
	gen := s.db.facts.generation()
	err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		f := art28.TransferFacts{At: at}
		// The agreement and the sub-processor in one read: only what the
		// decision needs (the register's full entry, with its services and
		// flow-down record, costs as much again).
		ag, sp := &art28.Agreement{}, &art28.Subprocessor{}
		cond, args := scope(a, "a.customer_id")
		var version sql.NullInt64
		var overrides string
		err := tx.queryRow(ctx, `SELECT a.id, a.customer_id, a.status, a.terms_version_id, a.terms_overrides,
			s.id, s.name, s.country, s.purpose, s.kind, s.safeguard, s.listed
			FROM agreements a, subprocessors s WHERE a.id = ? AND s.id = ?`+cond,
			append([]any{agreementID, subprocessorID}, args...)...).Scan(&ag.ID, &ag.CustomerID, &ag.Status, &version, &overrides,
			&sp.ID, &sp.Name, &sp.Country, &sp.Purpose, &sp.Kind, &sp.Safeguard, &sp.Listed)
		if err == sql.ErrNoRows {
			// Which one is missing, for the error to name it.
			if _, err := findAgreement(ctx, tx, a, agreementID); err != nil {
				return err
			}
			return errNotFound("Sub-processor", subprocessorID)
		} else if err != nil {
			return err
		}
		f.Agreement, f.Subprocessor = ag, sp
		if f.Terms, err = s.db.agreementTerms(ctx, tx, version, overrides); err != nil {
			return err
		}
		// The agreement's latest notice about the sub-processor, as the
		// one announced or as the one a replacement takes over from, with
		// its change, in one read.
		row := tx.queryRow(ctx, `SELECT `+prefixed("n", noticeColumns)+`, `+prefixed("c", changeColumns)+`
			FROM change_notices n JOIN subprocessor_changes c ON c.id = n.change_id
			WHERE n.agreement_id = ? AND (n.subprocessor_id = ? OR c.replaces_id = ?)
			ORDER BY n.id DESC LIMIT 1`, agreementID, subprocessorID, subprocessorID)
		var ch *art28.Change
		n, err := scanNotice(scanFunc(func(nd ...any) error {
			var err error
			ch, err = scanChange(scanFunc(func(cd ...any) error { return row.Scan(append(nd, cd...)...) }))
			return err
		}))
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return err
		default:
			if ch.ReplacesID == subprocessorID {
				// For the one replaced, a replacement is its removal.
				ch.Kind = art28.ChangeRemove
			}
			f.Notice, f.Change = n, ch
		}
		s.db.facts.put(key, f, now, gen)
		decision := art28.DecideTransfer(f)
		d = &decision
		return nil
	})
	return d, err
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
