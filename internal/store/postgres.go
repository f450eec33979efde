package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/art28/art28"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// openPostgres opens a pool on dsn; readers and the writer share it, as
// PostgreSQL has no single-writer limit.
func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(8)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return fmt.Errorf("store: connect to PostgreSQL: %w", err)
	}
	db.dialect, db.write, db.read = Postgres, pool, pool
	return nil
}

// PostgreSQL error codes (Appendix A of its manual) that we act on.
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// normalizePostgres maps PostgreSQL's errors to application errors.
func normalizePostgres(err error) error {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case pgUniqueViolation:
		return &art28.Error{Code: art28.ECONFLICT, Message: "A record with the same key exists.", Err: err}
	case pgForeignKeyViolation:
		return &art28.Error{Code: art28.EINVALID, Message: "A referenced record does not exist.", Err: err}
	}
	return err
}

func isPgRetryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == pgSerializationFailure || e.Code == pgDeadlockDetected)
}

// normalize maps a database error to an application error where one fits.
func (db *DB) normalize(err error) error {
	if err == nil {
		return nil
	}
	if db.dialect == Postgres {
		return normalizePostgres(err)
	}
	return normalizeSQLite(err)
}

// retryable reports whether a transaction that failed with err may be run
// again as a whole.
func (db *DB) retryable(err error) bool {
	return db.dialect == Postgres && isPgRetryable(err)
}
