package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/art28/art28"
)

// APIKeys implements art28.APIKeyService.
type APIKeys struct{ db *DB }

// NewAPIKeys returns the API key store of db.
func NewAPIKeys(db *DB) *APIKeys { return &APIKeys{db: db} }

var _ art28.APIKeyService = (*APIKeys)(nil)

// An API key secret is apiKeyPrefix and 32 random bytes, base64url: 256
// bits, so that it cannot be guessed and a fast hash (SHA-256) is the right
// way to store it (see tokenHash).
const (
	apiKeyPrefix    = "art28_"
	apiKeySecretLen = len(apiKeyPrefix) + 43
	apiKeyShownLen  = 12 // characters of the secret kept in clear, to recognise a key
)

// lastUsedEvery is how stale last_used_at may get: a key used all the time
// then costs a write once a minute, not on every request.
const lastUsedEvery = time.Minute

const apiKeyColumns = `id, name, prefix, role, COALESCE(customer_id, 0), created_by, created_at, last_used_at, revoked_at`

func scanAPIKey(row interface{ Scan(...any) error }) (*art28.APIKey, error) {
	k := &art28.APIKey{}
	var used, revoked sql.NullTime
	if err := row.Scan(&k.ID, &k.Name, &k.Prefix, &k.Role, &k.CustomerID, &k.CreatedBy, &k.CreatedAt, &used, &revoked); err != nil {
		return nil, err
	}
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = k.CreatedAt.UTC(), timePtr(used), timePtr(revoked)
	return k, nil
}

// APIKeys lists every key, revoked ones included, newest first.
func (s *APIKeys) APIKeys(ctx context.Context) (list []*art28.APIKey, err error) {
	defer art28.Wrap(&err, "store.APIKeys")
	a, err := authorize(ctx, art28.PermManageKeys)
	if err != nil {
		return nil, err
	}
	cond, args := scope(a, "customer_id")
	err = s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE 1 = 1`+cond+` ORDER BY id DESC`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			k, err := scanAPIKey(rows)
			if err != nil {
				return err
			}
			list = append(list, k)
		}
		return rows.Err()
	})
	return list, err
}

// canGrant reports whether the actor may create a key with the role for the
// customer: never the owner's role, and no permission the actor lacks.
// Processor staff who write records stand in for a customer's admin, as
// they may manage any customer's contacts and users.
func canGrant(a art28.Actor, r art28.Role, customerID int64) bool {
	if r == art28.RoleOwner || !r.Valid() {
		return false
	}
	if a.IsCustomer() && (!r.IsCustomer() || customerID != a.CustomerID) {
		return false
	}
	for p := art28.PermRead; p <= art28.PermManageOwnCustomer; p++ {
		if !r.Can(p) || a.Role.Can(p) {
			continue
		}
		if p == art28.PermManageOwnCustomer && !a.IsCustomer() && a.Role.Can(art28.PermWrite) {
			continue
		}
		return false
	}
	return true
}

// CreateAPIKey validates k, stores it with a new secret, hashed, and returns
// the secret, which cannot be read again.
func (s *APIKeys) CreateAPIKey(ctx context.Context, k *art28.APIKey) (secret string, err error) {
	defer art28.Wrap(&err, "store.CreateAPIKey")
	a, err := authorize(ctx, art28.PermManageKeys)
	if err != nil {
		return "", err
	}
	if err := k.Validate(); err != nil {
		return "", err
	}
	if !canGrant(a, k.Role, k.CustomerID) {
		return "", art28.Errorf(art28.EFORBIDDEN, "Your role (%s) cannot create a key with the role %s.", a.Role, k.Role)
	}
	body, err := randomToken(32)
	if err != nil {
		return "", err
	}
	secret = apiKeyPrefix + body
	err = s.db.update(ctx, func(tx *Tx) error {
		if k.CustomerID != 0 {
			if _, err := findCustomer(ctx, tx, a, k.CustomerID); art28.ErrorCode(err) == art28.ENOTFOUND {
				return art28.FieldError("customer_id", "no customer %d", k.CustomerID)
			} else if err != nil {
				return err
			}
		}
		k.Prefix, k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.RevokedAt = secret[:apiKeyShownLen], a.UserID, tx.Now, nil, nil
		k.ID, err = tx.insert(ctx, `INSERT INTO api_keys (name, prefix, secret_hash, role, customer_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, k.Name, k.Prefix, tokenHash(secret), k.Role, nullID(k.CustomerID), k.CreatedBy, k.CreatedAt)
		if err != nil {
			return err
		}
		return tx.record(ctx, a, "api_key.create", "api_key", k.ID, k.CustomerID,
			fmt.Sprintf("created API key %s (%s...) with role %s", k.Name, k.Prefix, k.Role))
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// RevokeAPIKey revokes a key for good.
func (s *APIKeys) RevokeAPIKey(ctx context.Context, id int64) (k *art28.APIKey, err error) {
	defer art28.Wrap(&err, "store.RevokeAPIKey")
	a, err := authorize(ctx, art28.PermManageKeys)
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		cond, args := scope(a, "customer_id")
		k, err = scanAPIKey(tx.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ?`+cond,
			append([]any{id}, args...)...))
		if err == sql.ErrNoRows {
			return errNotFound("API key", id)
		} else if err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return art28.Errorf(art28.ECONFLICT, "API key %d is already revoked.", id)
		}
		now := tx.Now
		k.RevokedAt = &now
		if _, err := tx.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		return tx.record(ctx, a, "api_key.revoke", "api_key", id, k.CustomerID,
			fmt.Sprintf("revoked API key %s (%s...)", k.Name, k.Prefix))
	})
	return k, err
}

// AuthenticateAPIKey resolves a secret to its key. It needs no actor: it is
// how a request gets one. Use is recorded in last_used_at at most once a
// minute per key (lastUsedEvery), so that a busy client does not turn every
// read into a write.
func (s *APIKeys) AuthenticateAPIKey(ctx context.Context, secret string) (k *art28.APIKey, err error) {
	defer art28.Wrap(&err, "store.AuthenticateAPIKey")
	bad := art28.Errorf(art28.EUNAUTHORIZED, "Unknown or revoked API key.")
	if !strings.HasPrefix(secret, apiKeyPrefix) || len(secret) != apiKeySecretLen {
		return nil, bad
	}
	hash, now := tokenHash(secret), s.db.Now()
	if v, ok := s.db.creds.get("key:"+hash, now); ok {
		c := *v.(*art28.APIKey)
		k = &c
	} else {
		gen := s.db.creds.generation()
		err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
			k, err = scanAPIKey(tx.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE secret_hash = ?`, hash))
			return err
		})
		if err == nil {
			c := *k
			s.db.creds.put("key:"+hash, &c, now, gen)
		}
	}
	if err == sql.ErrNoRows || (err == nil && k.RevokedAt != nil) {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= lastUsedEvery {
		err = s.db.update(ctx, func(tx *Tx) error {
			// The condition keeps concurrent requests from all writing.
			_, err := tx.exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL
				AND (last_used_at IS NULL OR last_used_at <= ?)`, tx.Now, k.ID, tx.Now.Add(-lastUsedEvery))
			now = tx.Now
			return err
		})
		if err != nil {
			return nil, err
		}
		k.LastUsedAt = &now
	}
	return k, nil
}
