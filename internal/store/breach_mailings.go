package store

import (
	"context"
	"database/sql"

	"github.com/art28/art28"
)

// The outbox reads the breach notices of a claimed batch together: each
// notice is one customer's, so a batch of a hundred deliveries is close to
// a hundred notices, and reading them one transaction each was a third of
// a delivery's cost (docs/performance.md).

// BreachMailings reads breach notices for their deliveries, by notice ID,
// in one statement. A notice that does not exist is left out of the map.
// It is the system's work and needs no actor.
func (db *DB) BreachMailings(ctx context.Context, noticeIDs []int64) (out map[int64]*BreachMailing, err error) {
	defer art28.Wrap(&err, "store.BreachMailings")
	out = make(map[int64]*BreachMailing, len(noticeIDs))
	if len(noticeIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(noticeIDs))
	for i, id := range noticeIDs {
		args[i] = id
	}
	err = db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+prefixed("n", breachNoticeColumns)+`, i.title, b.aware_at, c.legal_name, b.clause_ids,
			a.terms_version_id, COALESCE(a.terms_overrides, '')
			FROM breach_notices n JOIN incidents i ON i.id = n.incident_id
			JOIN breach_clocks b ON b.incident_id = n.incident_id AND b.agreement_id = n.agreement_id
			JOIN customers c ON c.id = b.customer_id JOIN agreements a ON a.id = n.agreement_id
			WHERE n.id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return err
		}
		type terms struct {
			version   sql.NullInt64
			overrides string
		}
		wanted := map[int64]terms{}
		for rows.Next() {
			m := &BreachMailing{Zone: "UTC"}
			var clauses string
			var t terms
			if m.Notice, err = scanBreachNotice(scanWith(rows, &m.Incident, &m.AwareAt, &m.Customer, &clauses,
				&t.version, &t.overrides)); err != nil {
				rows.Close()
				return err
			}
			m.AwareAt = m.AwareAt.UTC()
			if m.Clauses, err = fromJSON[[]string](clauses); err != nil {
				rows.Close()
				return err
			}
			out[m.Notice.ID], wanted[m.Notice.ID] = m, t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// The zone comes from the terms, parsed once per version and kept.
		for id, t := range wanted {
			if tm, err := db.agreementTerms(ctx, tx, t.version, t.overrides); err == nil && tm != nil {
				out[id].Zone = tm.TimeZone
			}
		}
		return nil
	})
	return out, err
}
