package store

import (
	"context"

	"github.com/art28/art28"
)

// Activities implements art28.ActivityService.
type Activities struct{ db *DB }

// NewActivities returns the activity record of db.
func NewActivities(db *DB) *Activities { return &Activities{db: db} }

var _ art28.ActivityService = (*Activities)(nil)

// Activities lists activity newest first. Customer staff see only entries
// of their own customer.
func (s *Activities) Activities(ctx context.Context, f art28.ActivityFilter) (list []*art28.Activity, total int, err error) {
	defer art28.Wrap(&err, "store.Activities")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	where, args := "1 = 1", []any{}
	if cond, x := scope(a, "customer_id"); cond != "" {
		where += cond
		args = append(args, x...)
	}
	if f.CustomerID != nil {
		where += " AND customer_id = ?"
		args = append(args, *f.CustomerID)
	}
	if f.ObjectType != "" {
		where += " AND object_type = ?"
		args = append(args, f.ObjectType)
	}
	if f.ObjectID != 0 {
		where += " AND object_id = ?"
		args = append(args, f.ObjectID)
	}
	p := f.Page.Normalize()
	err = s.db.view(ctx, func(tx *Tx) error {
		if total, err = tx.count(ctx, `SELECT COUNT(*) FROM activities WHERE `+where, args...); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT id, at, actor_kind, actor_id, actor_name, action, object_type, object_id,
			COALESCE(customer_id, 0), summary, source FROM activities WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
			append(args, p.Limit, p.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			x := &art28.Activity{}
			if err := rows.Scan(&x.ID, &x.At, &x.ActorKind, &x.ActorID, &x.ActorName, &x.Action, &x.ObjectType,
				&x.ObjectID, &x.CustomerID, &x.Summary, &x.Source); err != nil {
				return err
			}
			x.At = x.At.UTC()
			list = append(list, x)
		}
		return rows.Err()
	})
	return list, total, err
}
