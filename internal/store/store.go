// Package store keeps art28's records in SQLite (the embedded default) or
// PostgreSQL, with the same SQL where the dialects agree and one small file
// per dialect where they do not. It implements the service interfaces of the
// domain package; every customer-scoped query is confined, inside the query,
// to the customer of the actor in the context.
package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/art28/art28"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open store. On SQLite it holds one writer connection (SQLite
// allows one writer at a time; the job queue shares it) and a pool of
// read-only connections, so that long writes never stall the pages people
// read. On PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	now     func() time.Time

	// Prepared statements by pool and query text. Parsing a statement costs
	// about as much as running a point query, so each query is prepared
	// once per connection and reused (database/sql keeps one per connection
	// under each *sql.Stmt).
	writeStmts, readStmts stmtCache

	creds readCache // resolved sessions and API keys; see readTTL
	facts readCache // the facts of transfer checks
	terms termsCache
}

// stmtCache holds prepared statements of one pool.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxStmts bounds a cache: queries are built from fixed fragments, so the
// set is small; past the bound, queries simply run unprepared.
const maxStmts = 512

// lookup returns the prepared statement of q, if there is one.
func (c *stmtCache) lookup(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[q]
}

// prepare prepares the queries on pool and keeps them. It is called after
// a transaction has released its connection: on SQLite's writer, the
// transaction holds the only connection, so preparing during it would wait
// for itself.
func (c *stmtCache) prepare(ctx context.Context, pool *sql.DB, queries []string) {
	for _, q := range queries {
		c.mu.Lock()
		_, ok := c.m[q]
		full := len(c.m) >= maxStmts
		c.mu.Unlock()
		if ok || full {
			continue
		}
		st, err := pool.PrepareContext(ctx, q)
		if err != nil {
			continue // the query itself reports its error when it runs
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		if _, ok := c.m[q]; ok {
			st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// Option configures Open.
type Option func(*DB)

// WithClock sets the clock every transaction reads "now" from.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// Open opens the store at dsn: a postgres:// URL, or else the path of a
// SQLite database file. It does not migrate; see Migrate and Check.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	db := &DB{now: time.Now}
	for _, o := range opts {
		o(db)
	}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = db.openPostgres(ctx, dsn)
	} else {
		err = db.openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	return db, nil
}

// Dialect reports which database is behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// Now returns the store clock's time, truncated to the microsecond that both
// databases keep.
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// Close closes the connections. It is safe to call twice.
func (db *DB) Close() error {
	if db.write == nil {
		return nil
	}
	db.writeStmts.close()
	db.readStmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	db.write, db.read = nil, nil
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if db.write == nil {
		return art28.Errorf(art28.EUNAVAILABLE, "The database is closed.")
	}
	return db.read.PingContext(ctx)
}

// Stats returns the connection pool statistics of the writer and readers.
func (db *DB) Stats() (write, read sql.DBStats) { return db.write.Stats(), db.read.Stats() }

// Tx is a transaction with the instant it started: every timestamp and
// deadline the transaction writes is computed from Now.
type Tx struct {
	tx         *sql.Tx
	dialect    Dialect
	Now        time.Time
	pool       *sql.DB
	stmts      *stmtCache
	unprepared []string // queries run without a prepared statement, to prepare after
}

// begin starts a transaction on the writer (write) or a reader.
func (db *DB) begin(ctx context.Context, write bool) (*Tx, error) {
	conn, stmts := db.read, &db.readStmts
	var opts *sql.TxOptions
	if write {
		conn, stmts = db.write, &db.writeStmts
	} else if db.dialect == Postgres {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, db.normalize(err)
	}
	return &Tx{tx: tx, dialect: db.dialect, Now: db.Now(), pool: conn, stmts: stmts}, nil
}

// update runs fn in a write transaction and commits it. On PostgreSQL a
// serialization failure or deadlock is retried a few times.
func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.runTx(ctx, true, fn)
		if attempt < 3 && db.retryable(err) {
			time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
			continue
		}
		return err
	}
}

// viewOne runs fn, which must make point reads by key whose results need
// not form one snapshot, outside a transaction:
// a lone statement is consistent by itself, and skipping BEGIN and COMMIT
// halves the cost of the point reads every request makes (its session or
// API key).
func (db *DB) viewOne(ctx context.Context, fn func(context.Context, *Tx) error) error {
	if db.write == nil {
		return art28.Errorf(art28.EUNAVAILABLE, "The database is closed.")
	}
	tx := &Tx{dialect: db.dialect, Now: db.Now(), pool: db.read, stmts: &db.readStmts}
	if err := ctx.Err(); err != nil {
		return err
	}
	// A point read by key takes microseconds. Running it without the
	// request's cancellation spares the SQLite driver a goroutine per query
	// that would only wait to interrupt it.
	err := fn(context.WithoutCancel(ctx), tx)
	if len(tx.unprepared) > 0 && ctx.Err() == nil {
		tx.stmts.prepare(ctx, tx.pool, tx.unprepared)
	}
	return db.normalize(err)
}

// writeOne runs fn, which must make a single write statement, on the
// writer outside a transaction: the statement commits by itself, and
// without BEGIN and COMMIT the outbox marks a delivery sent in about half
// the time. It does not clear the credential cache: its callers touch no
// session or key.
func (db *DB) writeOne(ctx context.Context, fn func(context.Context, *Tx) error) error {
	if db.write == nil {
		return art28.Errorf(art28.EUNAVAILABLE, "The database is closed.")
	}
	tx := &Tx{dialect: db.dialect, Now: db.Now(), pool: db.write, stmts: &db.writeStmts}
	err := fn(ctx, tx)
	if len(tx.unprepared) > 0 && ctx.Err() == nil {
		tx.stmts.prepare(ctx, tx.pool, tx.unprepared)
	}
	return db.normalize(err)
}

// view runs fn in a read-only transaction.
func (db *DB) view(ctx context.Context, fn func(*Tx) error) error {
	return db.runTx(ctx, false, fn)
}

func (db *DB) runTx(ctx context.Context, write bool, fn func(*Tx) error) error {
	if db.write == nil {
		return art28.Errorf(art28.EUNAVAILABLE, "The database is closed.")
	}
	tx, err := db.begin(ctx, write)
	if err != nil {
		return err
	}
	defer func() {
		tx.tx.Rollback()
		if len(tx.unprepared) > 0 && ctx.Err() == nil {
			tx.stmts.prepare(ctx, tx.pool, tx.unprepared)
		}
	}()
	if err := fn(tx); err != nil {
		return db.normalize(err)
	}
	if err := tx.tx.Commit(); err != nil {
		return db.normalize(err)
	}
	if write {
		db.creds.clear()
		db.facts.clear()
	}
	return nil
}

// rebind turns the ? placeholders of a query into PostgreSQL's $n.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// stmt returns the transaction's handle on the prepared statement of q,
// or nil, noting q to be prepared once the transaction is over.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if st := tx.stmts.lookup(q); st != nil {
		if tx.tx == nil {
			return st
		}
		return tx.tx.StmtContext(ctx, st)
	}
	tx.unprepared = append(tx.unprepared, q)
	return nil
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = rebind(tx.dialect, q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if tx.tx == nil {
		return tx.pool.ExecContext(ctx, q, args...)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = rebind(tx.dialect, q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if tx.tx == nil {
		return tx.pool.QueryContext(ctx, q, args...)
	}
	return tx.tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = rebind(tx.dialect, q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if tx.tx == nil {
		return tx.pool.QueryRowContext(ctx, q, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// insert runs an INSERT and returns the new row's id; q must not end in a
// RETURNING clause: it is added here, as both dialects support it.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// count runs a SELECT COUNT(*) query.
func (tx *Tx) count(ctx context.Context, q string, args ...any) (int, error) {
	var n int
	err := tx.queryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// nullTime maps a zero or nil time to NULL.
func nullTime(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC()
}

// timePtr maps a NULL time to nil.
func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// nullID maps 0 to NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// like escapes s for a LIKE pattern matching it anywhere.
func like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// errNotFound builds the ENOTFOUND error of a kind of record.
func errNotFound(kind string, id any) error {
	return art28.Errorf(art28.ENOTFOUND, "%s %v not found.", kind, id)
}
