package store

import (
	"context"
	"time"

	"github.com/art28/art28"
)

// A bulletin's plan: for each customer it goes to, the deadline its
// agreements set and who is told how. A customer with several running
// agreements is told once, by the earliest deadline among them; the
// recipients and channels come from the clause that set it.

// bulletinCopy is one customer's copy of a bulletin, before it is written.
type bulletinCopy struct {
	t         target
	due       *time.Time // nil: its terms set no deadline
	clauseIDs []string   // the clause that set the deadline
	zone      string     // the time zone of the terms that set it
	channels  []string
	notify    []art28.ContactRole
	// fromClause is set once an agreement's clause has chosen the
	// recipients and channels.
	fromClause bool
}

// bulletinPlan reads the customers a bulletin goes to (those named, each
// of which must exist, or every customer with a running agreement; or,
// with issued set, those the issued bulletin of that ID went to) and works
// out each one's deadline from b.OccurredAt.
func (db *DB) bulletinPlan(ctx context.Context, tx *Tx, b *art28.Bulletin, issued int64) ([]*bulletinCopy, error) {
	q := `SELECT c.id, c.legal_name, c.language, a.id, a.terms_version_id, COALESCE(a.terms_overrides, '')
		FROM customers c LEFT JOIN agreements a ON a.customer_id = c.id AND a.status IN (?, ?) WHERE `
	args := []any{art28.AgreementActive, art28.AgreementTerminating}
	switch {
	case issued != 0:
		q += `c.id IN (SELECT customer_id FROM bulletin_recipients WHERE bulletin_id = ?)`
		args = append(args, issued)
	case b.AllRunning:
		q += `a.id IS NOT NULL`
	default:
		q += `c.id IN (` + placeholders(len(b.CustomerIDs)) + `)`
		for _, id := range b.CustomerIDs {
			args = append(args, id)
		}
	}
	rows, err := tx.query(ctx, q+` ORDER BY c.id, a.id`, args...)
	if err != nil {
		return nil, err
	}
	var targets []target
	for rows.Next() {
		var t target
		var agreement *int64
		if err := rows.Scan(&t.customerID, &t.customer, &t.language, &agreement, &t.version, &t.overrides); err != nil {
			rows.Close()
			return nil, err
		}
		if agreement != nil {
			t.agreementID = *agreement
		}
		targets = append(targets, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var plan []*bulletinCopy
	for _, t := range targets {
		if len(plan) == 0 || plan[len(plan)-1].t.customerID != t.customerID {
			c := &bulletinCopy{t: t, channels: []string{art28.ChannelEmail}, clauseIDs: []string{}}
			if b.ProcessingFrom != nil {
				// G4.5: told before the processing starts, whatever the
				// terms say of a period.
				c.due, c.clauseIDs = b.ProcessingFrom, b.Kind.Clauses()
			}
			plan = append(plan, c)
		}
		if err := db.planAgreement(ctx, tx, b, plan[len(plan)-1], t); err != nil {
			return nil, err
		}
	}
	if issued == 0 && !b.AllRunning && len(plan) != len(b.CustomerIDs) {
		return nil, art28.FieldError("customer_ids", "names a customer that does not exist")
	}
	if len(plan) == 0 {
		return nil, art28.FieldError("customer_ids", "no customer has a running agreement to send it to")
	}
	return plan, nil
}

// planAgreement folds one running agreement of a customer into its copy:
// the earliest deadline wins, with its clause's recipients and channels.
func (db *DB) planAgreement(ctx context.Context, tx *Tx, b *art28.Bulletin, c *bulletinCopy, t target) error {
	if t.agreementID == 0 {
		return nil
	}
	tm, err := db.agreementTerms(ctx, tx, t.version, t.overrides)
	if err != nil {
		return err
	}
	key := b.Kind.ClauseKey()
	clause := termsClause(tm, key)
	if clause == nil {
		return nil
	}
	var due *time.Time
	if clause.Period != nil && b.ProcessingFrom == nil {
		d, err := tm.Deadline(key, b.OccurredAt, lookupCalendar(tm.Calendar))
		if err != nil {
			return err
		}
		d = d.UTC().Truncate(time.Microsecond)
		due = &d
	}
	// The first clause seen sets who is told; an earlier deadline
	// replaces it.
	earlier := due != nil && (c.due == nil || due.Before(*c.due))
	if c.fromClause && !earlier {
		return nil
	}
	c.fromClause = true
	if due != nil {
		c.due = due
	}
	c.zone = tm.TimeZone
	if len(clause.Implements) > 0 {
		c.clauseIDs = clause.Implements
	}
	if len(clause.Channels) > 0 {
		c.channels = clause.Channels
	}
	c.notify = clause.Notify
	return nil
}
