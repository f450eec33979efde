package art28

import (
	"context"
	"time"
)

// WebhookEndpoint is where a customer's systems receive its notices, each
// signed with the endpoint's secret (Standard Webhooks), so that a
// controller can act on a breach or a sub-processor change without a
// person reading email.
type WebhookEndpoint struct {
	ID         int64      `json:"id"`
	CustomerID int64      `json:"customer_id"`
	URL        string     `json:"url"`
	Secret     string     `json:"secret,omitempty"` // shown once, when created
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	DisabledAt *time.Time `json:"disabled_at"`
}

// WebhookService keeps customers' endpoints. A customer's admin manages
// its own; processor staff who write manage any.
type WebhookService interface {
	// CreateWebhook registers url for the customer and returns the
	// endpoint with its secret. EINVALID (field url).
	CreateWebhook(ctx context.Context, customerID int64, url string) (*WebhookEndpoint, error)
	Webhooks(ctx context.Context, customerID int64) ([]*WebhookEndpoint, error)
	// DisableWebhook stops deliveries to an endpoint; its record stays.
	DisableWebhook(ctx context.Context, customerID, id int64) error
}
