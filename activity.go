package art28

import (
	"context"
	"time"
)

// Activity records one mutation: who (user or API key), when, what action
// on which object, a summary of what changed, and from which address. Every
// store method that changes a record writes one in the same transaction.
type Activity struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorKind  string    `json:"actor_kind"` // user, api_key or system
	ActorID    int64     `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"` // e.g. customer.create
	ObjectType string    `json:"object_type"`
	ObjectID   int64     `json:"object_id"`
	CustomerID int64     `json:"customer_id,omitempty"` // the customer the object belongs to, if any
	Summary    string    `json:"summary"`
	Source     string    `json:"source"`
}

// ActivityFilter selects activity, newest first.
type ActivityFilter struct {
	CustomerID *int64
	ObjectType string
	ObjectID   int64
	Page       Page
}

// ActivityService reads the activity record. Customer staff see only
// records of their own customer.
type ActivityService interface {
	Activities(ctx context.Context, f ActivityFilter) ([]*Activity, int, error)
}
