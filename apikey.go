package art28

import (
	"context"
	"time"
)

// APIKey lets the processor's systems call the API. The secret is shown
// once, at creation, and only its hash is kept. A key acts with its role;
// a key bound to a customer is confined to it like customer staff.
type APIKey struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters of the secret, to recognise it
	Role       Role       `json:"role"`
	CustomerID int64      `json:"customer_id,omitempty"`
	CreatedBy  int64      `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Validate checks k.
func (k *APIKey) Validate() error {
	if err := checkText("name", &k.Name, true, MaxName); err != nil {
		return err
	}
	if !k.Role.Valid() || k.Role == RoleOwner {
		return FieldError("role", "must be privacy_officer, operator, read_only, customer_admin or customer_member")
	}
	if k.Role.IsCustomer() != (k.CustomerID != 0) {
		return FieldError("customer_id", "is required with a customer role and only then")
	}
	return nil
}

// APIKeyService keeps API keys.
type APIKeyService interface {
	APIKeys(ctx context.Context) ([]*APIKey, error)
	// CreateAPIKey stores k and returns its secret, which cannot be read again.
	CreateAPIKey(ctx context.Context, k *APIKey) (secret string, err error)
	// RevokeAPIKey: ENOTFOUND, ECONFLICT if already revoked.
	RevokeAPIKey(ctx context.Context, id int64) (*APIKey, error)
	// AuthenticateAPIKey resolves a secret and records its use;
	// EUNAUTHORIZED if unknown or revoked.
	AuthenticateAPIKey(ctx context.Context, secret string) (*APIKey, error)
}
