package store

import (
	"sync"
	"time"
)

// readTTL is how long a cached read is trusted without reading the
// database again: a resolved session or API key (every request carries
// one, and reading it is half the cost of a small API call), or the facts
// of a transfer check (which the processor's systems ask again and again
// for the same agreement and sub-processor). Any write through this
// process clears the caches at once, so on SQLite (one process) a
// revocation, an objection or a removal takes effect immediately; another
// PostgreSQL replica honours it within readTTL.
const readTTL = 2 * time.Second

// maxCached bounds a cache; past it the cache starts over.
const maxCached = 10_000

// readCache remembers reads by key.
type readCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]cachedRead
}

type cachedRead struct {
	value any
	at    time.Time
}

// generation returns the current generation, to pass to put after reading
// the database: an entry read before a clear is not stored after it.
func (c *readCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *readCache) get(key string, now time.Time) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || now.Sub(e.at) >= readTTL || now.Before(e.at) {
		return nil, false
	}
	return e.value, true
}

func (c *readCache) put(key string, value any, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[string]cachedRead{}
	}
	c.m[key] = cachedRead{value: value, at: now}
}

// clear forgets every entry; called after each write transaction.
func (c *readCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(c.m) > 0 {
		c.m = nil
	}
}
