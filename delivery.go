package art28

import (
	"context"
	"time"
)

// DeliveryState is where one delivery of a notice stands.
type DeliveryState string

const (
	DeliveryPending DeliveryState = "pending" // waiting for its (next) attempt
	DeliverySent    DeliveryState = "sent"    // the server or endpoint accepted it
	DeliveryFailed  DeliveryState = "failed"  // refused for good, or out of attempts
)

// Channels a delivery goes by. The portal and the public list are
// channels too, but they show the notice itself and need no delivery.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Delivery is one notice on its way to one recipient by one channel: the
// record that shows a notice was given, or why it was not.
type Delivery struct {
	ID            int64         `json:"id"`
	Event         string        `json:"event"` // e.g. subprocessor_change
	NoticeID      int64         `json:"notice_id"`
	CustomerID    int64         `json:"customer_id"`
	Channel       string        `json:"channel"`
	Recipient     string        `json:"recipient"` // an address, or a webhook endpoint's ID
	RecipientName string        `json:"recipient_name"`
	Language      string        `json:"language"`
	State         DeliveryState `json:"state"`
	Attempts      int           `json:"attempts"`
	NextAttemptAt time.Time     `json:"next_attempt_at"`
	LastError     string        `json:"last_error"`
	SentAt        *time.Time    `json:"sent_at"`
	CreatedAt     time.Time     `json:"created_at"`
}

// DeliveryFilter selects deliveries, newest first.
type DeliveryFilter struct {
	Event      string
	Channel    string // email or webhook; empty for both
	NoticeID   *int64
	CustomerID *int64
	State      *DeliveryState
	Page       Page
}

// DeliveryService shows the delivery record: to the processor, all of it;
// to a customer, its own.
type DeliveryService interface {
	Deliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, int, error)
	// RetryNow makes every pending delivery due at once, for processor
	// staff who fixed what made them fail (a mail server down, an
	// endpoint moved), and returns how many.
	RetryNow(ctx context.Context) (int, error)
}
