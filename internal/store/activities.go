package store

import (
	"context"
	"database/sql"

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
	w := scoped(a, "customer_id")
	if f.CustomerID != nil {
		w.and("customer_id = ?", *f.CustomerID)
	}
	if f.ObjectType != "" {
		w.and("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != 0 {
		w.and("object_id = ?", f.ObjectID)
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "activities", `id, at, actor_kind, actor_id, actor_name, action, object_type,
			object_id, COALESCE(customer_id, 0), summary, source`, "id DESC", w, f.Page.Normalize(),
			func(rows *sql.Rows) (*art28.Activity, error) {
				x := &art28.Activity{}
				err := rows.Scan(&x.ID, &x.At, &x.ActorKind, &x.ActorID, &x.ActorName, &x.Action, &x.ObjectType,
					&x.ObjectID, &x.CustomerID, &x.Summary, &x.Source)
				x.At = x.At.UTC()
				return x, err
			})
		return err
	})
	return list, total, err
}
