package store

import (
	"context"
	"encoding/json"

	"github.com/art28/art28"
)

// authorize returns the actor of ctx if it holds p. Store methods call it
// first, so that no adapter can forget the check.
func authorize(ctx context.Context, p art28.Permission) (art28.Actor, error) {
	a, ok := art28.ActorFrom(ctx)
	if err := art28.Authorize(a, ok, p); err != nil {
		return a, err
	}
	return a, nil
}

// scope returns the SQL condition and argument that confine a query to the
// actor's customer: an empty condition for processor staff. col is the
// customer ID column of the query's table.
func scope(a art28.Actor, col string) (string, []any) {
	if a.CustomerID == 0 {
		return "", nil
	}
	return " AND " + col + " = ?", []any{a.CustomerID}
}

// visible reports whether the actor may see records of customerID.
func visible(a art28.Actor, customerID int64) bool {
	return a.CustomerID == 0 || a.CustomerID == customerID
}

// record appends one entry to the activity record, in tx, so that a change
// and its record commit together.
func (tx *Tx) record(ctx context.Context, a art28.Actor, action, objectType string, objectID, customerID int64, summary string) error {
	_, err := tx.exec(ctx, `INSERT INTO activities
		(at, actor_kind, actor_id, actor_name, action, object_type, object_id, customer_id, summary, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tx.Now, a.Kind(), a.ID(), a.Name, action, objectType, objectID, nullID(customerID), summary, a.Source)
	return err
}

// jsonText encodes a list for a TEXT column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only slices of strings and IDs come here
	}
	return string(b)
}

// fromJSON decodes a TEXT column written by jsonText.
func fromJSON[T any](s string) (T, error) {
	var v T
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}
