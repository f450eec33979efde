// Package testrig holds what tests share: test databases on SQLite and
// PostgreSQL, named fixtures, clocks and outbound sinks. Nothing here mocks
// the database.
package testrig

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/art28/art28/internal/store"
)

// RequireAll reports whether tests must fail, not skip, when PostgreSQL or
// Chromium is missing: in CI, and under the README's test command.
func RequireAll() bool {
	return os.Getenv("ART28_TEST_REQUIRE_ALL") != "" || os.Getenv("CI") != ""
}

// PostgresURL returns the URL of the test PostgreSQL server. Without one it
// fails the test when RequireAll, and otherwise skips it, saying so.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("ART28_TEST_DATABASE_URL")
	if u == "" {
		if RequireAll() {
			t.Fatal("ART28_TEST_DATABASE_URL is not set: the PostgreSQL half of the suite cannot run (run `make test`)")
		}
		t.Skip("SKIPPED on PostgreSQL: ART28_TEST_DATABASE_URL is not set; `make test` starts a throwaway server")
	}
	return u
}

// Clock is a settable clock for tests.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) { c.T = c.T.Add(d) }

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{T: t} }

// SQLiteDSN returns a new SQLite database path in the test's temp folder.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "art28.db")
}

// PostgresDSN creates a fresh schema on the test server, dropped when the
// test ends, and returns a DSN whose search_path points at it.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Dialects are the databases every store test runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// DSN returns a fresh, empty database of the dialect for the test.
func DSN(t testing.TB, d store.Dialect) string {
	if d == store.Postgres {
		return PostgresDSN(t)
	}
	return SQLiteDSN(t)
}

// OpenDB opens a fresh, migrated database of the dialect, closed when the
// test ends.
func OpenDB(t testing.TB, d store.Dialect, opts ...store.Option) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, DSN(t, d), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// EachDB runs fn as a subtest on SQLite and on PostgreSQL, each with a fresh
// migrated database.
func EachDB(t *testing.T, fn func(t *testing.T, db *store.DB), opts ...store.Option) {
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, OpenDB(t, d, opts...))
		})
	}
}
