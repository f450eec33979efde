package store

import (
	"sync"
	"time"
)

// credTTL is how long a resolved session or API key is trusted without
// reading the database again. Every request carries one, and reading it is
// half the cost of a small API call. Any write through this process clears
// the cache at once, so on SQLite (one process) a revocation or sign-out
// takes effect immediately; another PostgreSQL replica honours it within
// credTTL.
const credTTL = 2 * time.Second

// maxCreds bounds the cache; past it the cache starts over.
const maxCreds = 10_000

// credCache remembers resolved credentials by their hash.
type credCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]credEntry
}

type credEntry struct {
	value any
	at    time.Time
}

// generation returns the current generation, to pass to put after reading
// the database: an entry read before a clear is not stored after it.
func (c *credCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *credCache) get(key string, now time.Time) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || now.Sub(e.at) >= credTTL || now.Before(e.at) {
		return nil, false
	}
	return e.value, true
}

func (c *credCache) put(key string, value any, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCreds {
		c.m = map[string]credEntry{}
	}
	c.m[key] = credEntry{value: value, at: now}
}

// clear forgets every entry; called after each write transaction.
func (c *credCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(c.m) > 0 {
		c.m = nil
	}
}
