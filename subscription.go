package art28

import (
	"context"
	"slices"
	"time"
)

// SubscriberState is where one e-mail subscription to the public
// sub-processor list stands.
type SubscriberState string

const (
	SubscriberPending      SubscriberState = "pending"      // asked, not yet confirmed from the mailbox
	SubscriberConfirmed    SubscriberState = "confirmed"    // told of every change to the list
	SubscriberUnsubscribed SubscriberState = "unsubscribed" // told of nothing more
)

// Subscriber is someone who asked, on the public list page, to be told by
// e-mail of changes to the list: anyone, not only a customer's staff, so it
// is confirmed from the mailbox first (double opt-in) and every message can
// end it in one click (RFC 8058).
type Subscriber struct {
	ID             int64           `json:"id"`
	Email          string          `json:"email"`
	Language       string          `json:"language"` // en, de or fr
	State          SubscriberState `json:"state"`
	CreatedAt      time.Time       `json:"created_at"`
	ConfirmedAt    *time.Time      `json:"confirmed_at"`
	UnsubscribedAt *time.Time      `json:"unsubscribed_at"`
}

// Validate normalises s (the address lower-cased, English by default) and
// checks the address and the language.
func (s *Subscriber) Validate() error {
	if err := checkEmail("email", &s.Email, true); err != nil {
		return err
	}
	if s.Language == "" {
		s.Language = "en"
	}
	if !slices.Contains(Languages, s.Language) {
		return FieldError("language", "must be en, de or fr")
	}
	return nil
}

// The clock of a subscription: a confirmation link works for
// ConfirmLinkTTL; asking again for a pending address sends the
// confirmation again at most once per ResendInterval, so that the form
// cannot be used to flood someone's mailbox.
const (
	ConfirmLinkTTL = 48 * time.Hour
	ResendInterval = time.Hour
)

// PublicActorName is the name of the actor of an anonymous visitor.
const PublicActorName = "public"

// PublicActor is the actor of an anonymous visitor to the public pages,
// with the visitor's address for the activity record. It reads what the
// public list shows, and only that: adapters call nothing else with it.
func PublicActor(source string) Actor {
	return Actor{Name: PublicActorName, Role: RoleReadOnly, Source: source}
}

// IsPublicActor reports whether a is an anonymous visitor.
func IsPublicActor(a Actor) bool {
	return a.UserID == 0 && a.APIKeyID == 0 && a.Name == PublicActorName
}

// SubscriptionService keeps the e-mail subscriptions to the public list.
// Subscribe, Confirm and Unsubscribe need no sign-in: the visitor's
// address comes from the context's actor, for the activity record.
type SubscriptionService interface {
	// Subscribe asks for a subscription and queues the confirmation
	// e-mail. It answers the same whether or not the address is known, so
	// that the form tells no one who subscribes; EINVALID (field email or
	// language) for bad input.
	Subscribe(ctx context.Context, email, language string) error
	// Confirm confirms the subscription of a confirmation token.
	// ENOTFOUND for a token that is unknown, used up or expired.
	Confirm(ctx context.Context, token string) (*Subscriber, error)
	// Unsubscribe ends the subscription of an unsubscribe token; ending
	// one already ended is no error. ENOTFOUND for an unknown token.
	Unsubscribe(ctx context.Context, token string) error
	// Subscribers lists subscribers for the processor's staff, newest
	// first; EFORBIDDEN for customer staff and the public.
	Subscribers(ctx context.Context, p Page) ([]*Subscriber, int, error)
}
