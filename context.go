package art28

import "context"

// Actor is who performs a request: a user or an API key, with the role that
// decides what it may do and, for customer staff, the one customer it is
// confined to. Stores read it from the context and apply it inside every
// customer-scoped query.
type Actor struct {
	UserID     int64
	APIKeyID   int64
	Name       string // e-mail of the user, or name of the key, for the activity record
	Role       Role
	CustomerID int64  // non-zero for customer staff: every query is confined to it
	Source     string // remote address, for the activity record
}

// Kind reports "user", "api_key" or "system".
func (a Actor) Kind() string {
	switch {
	case a.APIKeyID != 0:
		return "api_key"
	case a.UserID != 0:
		return "user"
	case IsPublicActor(a):
		return "public" // an anonymous visitor of the public pages
	default:
		return "system"
	}
}

// ID returns the user or API key ID, 0 for the system.
func (a Actor) ID() int64 {
	if a.APIKeyID != 0 {
		return a.APIKeyID
	}
	return a.UserID
}

// IsCustomer reports whether the actor is confined to one customer.
func (a Actor) IsCustomer() bool { return a.CustomerID != 0 }

// SystemActor is the actor of work the system does by itself (jobs, demo
// data, migrations).
var SystemActor = Actor{Name: "system", Role: RoleOwner}

type actorKey struct{}

// NewContext returns a context carrying the actor.
func NewContext(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx and whether one was set.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
