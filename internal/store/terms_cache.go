package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/art28/art28"
)

// termsCache keeps agreements' effective terms parsed, by version and
// overrides. A version never changes once imported and overrides are part
// of the key, so an entry is never stale; parsing YAML costs far more than
// the queries around it, and a fan-out to 100,000 agreements or a transfer
// check under load would otherwise parse the same file again and again.
type termsCache struct {
	mu sync.RWMutex
	m  map[termsKey]*art28.Terms
}

type termsKey struct {
	version   int64
	overrides string
}

// maxCachedTerms bounds the cache; past it, the cache starts again empty
// (distinct overrides are few in practice).
const maxCachedTerms = 10000

// agreementTerms returns the effective terms of an agreement's version and
// overrides, nil when it has no version.
func (db *DB) agreementTerms(ctx context.Context, tx *Tx, version sql.NullInt64, overrides string) (*art28.Terms, error) {
	if !version.Valid {
		return nil, nil
	}
	k := termsKey{version.Int64, overrides}
	db.terms.mu.RLock()
	t, ok := db.terms.m[k]
	db.terms.mu.RUnlock()
	if ok {
		return t, nil
	}
	v, err := findTermsVersion(ctx, tx, version.Int64)
	if err != nil {
		return nil, err
	}
	e, err := effective(v, overrides)
	if err != nil {
		return nil, err
	}
	db.terms.mu.Lock()
	if db.terms.m == nil || len(db.terms.m) >= maxCachedTerms {
		db.terms.m = map[termsKey]*art28.Terms{}
	}
	db.terms.m[k] = e.Terms
	db.terms.mu.Unlock()
	return e.Terms, nil
}
