package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/webhook"
)

// Webhooks implements art28.WebhookService.
type Webhooks struct{ db *DB }

// NewWebhooks returns the webhook endpoints of db.
func NewWebhooks(db *DB) *Webhooks { return &Webhooks{db: db} }

var _ art28.WebhookService = (*Webhooks)(nil)

// authorizeCustomerSetting allows a customer's admin for its own customer
// and processor staff who write for any.
func authorizeCustomerSetting(ctx context.Context, customerID int64) (art28.Actor, error) {
	a, err := authorizeDecision(ctx)
	if err != nil {
		return a, err
	}
	if !visible(a, customerID) {
		return a, errNotFound("Customer", customerID)
	}
	return a, nil
}

// CreateWebhook registers an endpoint. The secret is kept as it is: the
// server needs it to sign, as the receiver needs it to verify.
func (s *Webhooks) CreateWebhook(ctx context.Context, customerID int64, url string) (e *art28.WebhookEndpoint, err error) {
	defer art28.Wrap(&err, "store.CreateWebhook")
	a, err := authorizeCustomerSetting(ctx, customerID)
	if err != nil {
		return nil, err
	}
	if err := webhook.ValidateURL(url); err != nil {
		return nil, art28.FieldError("url", "%v", err)
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if _, err := findCustomer(ctx, tx, a, customerID); err != nil {
			return err
		}
		e = &art28.WebhookEndpoint{CustomerID: customerID, URL: url, Secret: webhook.NewSecret(), CreatedAt: tx.Now, CreatedBy: a.Name}
		if e.ID, err = tx.insert(ctx, `INSERT INTO webhook_endpoints (customer_id, url, secret, created_at, created_by)
			VALUES (?, ?, ?, ?, ?)`, e.CustomerID, e.URL, e.Secret, e.CreatedAt, e.CreatedBy); err != nil {
			return err
		}
		return tx.record(ctx, a, "webhook.create", "webhook", e.ID, customerID, "registered webhook endpoint "+url)
	})
	return e, err
}

// Webhooks lists a customer's endpoints, without their secrets.
func (s *Webhooks) Webhooks(ctx context.Context, customerID int64) (list []*art28.WebhookEndpoint, err error) {
	defer art28.Wrap(&err, "store.Webhooks")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		if _, err := findCustomer(ctx, tx, a, customerID); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT id, customer_id, url, created_at, created_by, disabled_at FROM webhook_endpoints
			WHERE customer_id = ? ORDER BY id`, customerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := &art28.WebhookEndpoint{}
			var disabled sql.NullTime
			if err := rows.Scan(&e.ID, &e.CustomerID, &e.URL, &e.CreatedAt, &e.CreatedBy, &disabled); err != nil {
				return err
			}
			e.CreatedAt, e.DisabledAt = e.CreatedAt.UTC(), timePtr(disabled)
			list = append(list, e)
		}
		return rows.Err()
	})
	return list, err
}

// DisableWebhook stops deliveries to an endpoint.
func (s *Webhooks) DisableWebhook(ctx context.Context, customerID, id int64) (err error) {
	defer art28.Wrap(&err, "store.DisableWebhook")
	a, err := authorizeCustomerSetting(ctx, customerID)
	if err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE webhook_endpoints SET disabled_at = ? WHERE id = ? AND customer_id = ? AND disabled_at IS NULL`,
			tx.Now, id, customerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("Webhook endpoint", id)
		}
		return tx.record(ctx, a, "webhook.disable", "webhook", id, customerID, "disabled webhook endpoint "+fmt.Sprint(id))
	})
}
