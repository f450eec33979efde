package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/art28/art28"
)

// The SQL side of the durable job queue: jobs are rows, enqueued in the same
// transaction as the change that calls for them, so that a change never
// commits without its job or a job without its change. internal/jobs runs
// them.

// Job states.
const (
	JobAvailable = "available"
	JobRunning   = "running"
	JobDone      = "done"
	JobFailed    = "failed"
)

// DefaultMaxAttempts is the attempts of a job whose request names none.
const DefaultMaxAttempts = 10

// maxJobError bounds the stored error of a failed attempt.
const maxJobError = 2000

// Job is a claimed job, as a worker sees it.
type Job struct {
	ID          int64
	Kind        string
	Args        []byte // JSON
	UniqueKey   string
	RunAt       time.Time
	Attempts    int // including the current one
	MaxAttempts int
	LastError   string
}

// JobRequest asks for a job.
type JobRequest struct {
	Kind string
	// Args is encoded as JSON; []byte and json.RawMessage are taken as
	// already encoded JSON.
	Args any
	// UniqueKey, when set, makes the request a no-op while a job with the
	// same key is waiting or running.
	UniqueKey   string
	RunAt       time.Time // zero: now
	MaxAttempts int       // 0: DefaultMaxAttempts
}

// Update runs fn in a write transaction and commits it if fn returns nil.
// It lets other packages enqueue a job in the same transaction as their
// change. On PostgreSQL fn may run again after a serialization failure, so
// it must not have effects outside the transaction.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	return db.update(ctx, fn)
}

// Enqueue adds a job in tx. If r.UniqueKey is taken by a job not yet done,
// it adds nothing and returns inserted false, without error.
func (tx *Tx) Enqueue(ctx context.Context, r JobRequest) (id int64, inserted bool, err error) {
	defer art28.Wrap(&err, "store.Enqueue")
	r.Kind = strings.TrimSpace(r.Kind)
	if r.Kind == "" {
		return 0, false, art28.FieldError("kind", "is required")
	}
	var args []byte
	switch v := r.Args.(type) {
	case nil:
		args = []byte("{}")
	case []byte:
		args = v
	default:
		if args, err = json.Marshal(v); err != nil {
			return 0, false, art28.FieldError("args", "cannot be encoded as JSON: %v", err)
		}
	}
	if !json.Valid(args) {
		return 0, false, art28.FieldError("args", "is not valid JSON")
	}
	runAt := r.RunAt.UTC().Truncate(time.Microsecond)
	if r.RunAt.IsZero() {
		runAt = tx.Now
	}
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = DefaultMaxAttempts
	}
	var key any
	if r.UniqueKey != "" {
		key = r.UniqueKey
	}
	err = tx.queryRow(ctx, `INSERT INTO jobs (kind, args, unique_key, state, run_at, attempts, max_attempts, created_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
		r.Kind, string(args), key, JobAvailable, runAt, r.MaxAttempts, tx.Now).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// Enqueue adds a job in a transaction of its own; see Tx.Enqueue.
func (db *DB) Enqueue(ctx context.Context, r JobRequest) (id int64, inserted bool, err error) {
	err = db.update(ctx, func(tx *Tx) error {
		id, inserted, err = tx.Enqueue(ctx, r)
		return err
	})
	return id, inserted, err
}

// ClaimJob takes the oldest job of one of the kinds (any kind if none is
// given) that is due, or whose worker's lease ran out (the worker crashed),
// and leases it for lease. It returns nil, nil when no job is ready.
//
// On PostgreSQL the candidate is locked FOR UPDATE SKIP LOCKED, so that
// replicas claiming at once never get the same job and never wait on each
// other; on SQLite the single writer connection serialises claims.
func (db *DB) ClaimJob(ctx context.Context, kinds []string, lease time.Duration) (j *Job, err error) {
	defer art28.Wrap(&err, "store.ClaimJob")
	where, args := "", []any{}
	if len(kinds) > 0 {
		where = ` AND kind IN (` + placeholders(len(kinds)) + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	err = db.update(ctx, func(tx *Tx) error {
		j = nil
		// A job whose lease ran out on its last attempt has used them all:
		// it fails rather than run once more.
		if _, err := tx.exec(ctx, `UPDATE jobs SET state = ?, finished_at = ?, locked_until = NULL, unique_key = NULL,
			last_error = CASE WHEN last_error = '' THEN 'lease expired' ELSE last_error END
			WHERE state = ? AND locked_until < ? AND attempts >= max_attempts`+where,
			append([]any{JobFailed, tx.Now, JobRunning, tx.Now}, args...)...); err != nil {
			return err
		}
		j = &Job{}
		var key sql.NullString
		err := tx.queryRow(ctx, `UPDATE jobs SET state = ?, attempts = attempts + 1, locked_until = ?
			WHERE id = (SELECT id FROM jobs
				WHERE ((state = ? AND run_at <= ?) OR (state = ? AND locked_until < ?))`+where+`
				ORDER BY run_at, id LIMIT 1`+lock+`)
			RETURNING id, kind, args, unique_key, run_at, attempts, max_attempts, last_error`,
			append([]any{JobRunning, tx.Now.Add(lease), JobAvailable, tx.Now, JobRunning, tx.Now}, args...)...).Scan(
			&j.ID, &j.Kind, &j.Args, &key, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.LastError)
		if err == sql.ErrNoRows {
			j = nil
			return nil
		}
		j.UniqueKey, j.RunAt = key.String, j.RunAt.UTC()
		return err
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

// CompleteJob marks a job done. It releases the job's unique key, so that
// the same key can be enqueued again later.
func (db *DB) CompleteJob(ctx context.Context, id int64) (err error) {
	defer art28.Wrap(&err, "store.CompleteJob")
	return db.update(ctx, func(tx *Tx) error {
		return tx.setJob(ctx, id, `state = ?, finished_at = ?, locked_until = NULL, unique_key = NULL`, JobDone, tx.Now)
	})
}

// FailJob records a failed attempt: the job is available again at retryAt
// (zero: now) or, when final, failed for good. A failed job also releases its unique
// key, so that the work can be asked for again (by a sweeper that finds it
// still due, or by hand).
func (db *DB) FailJob(ctx context.Context, id int64, errMsg string, retryAt time.Time, final bool) (err error) {
	defer art28.Wrap(&err, "store.FailJob")
	errMsg = truncate(errMsg, maxJobError)
	return db.update(ctx, func(tx *Tx) error {
		if final {
			return tx.setJob(ctx, id, `state = ?, finished_at = ?, locked_until = NULL, unique_key = NULL, last_error = ?`,
				JobFailed, tx.Now, errMsg)
		}
		runAt := retryAt.UTC().Truncate(time.Microsecond)
		if retryAt.IsZero() {
			runAt = tx.Now
		}
		return tx.setJob(ctx, id, `state = ?, run_at = ?, locked_until = NULL, last_error = ?`, JobAvailable, runAt, errMsg)
	})
}

// setJob updates the job; ENOTFOUND if there is none.
func (tx *Tx) setJob(ctx context.Context, id int64, set string, args ...any) error {
	res, err := tx.exec(ctx, `UPDATE jobs SET `+set+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errNotFound("Job", id)
	}
	return nil
}

// JobCounts counts jobs by state, every state present, for /metrics.
func (db *DB) JobCounts(ctx context.Context) (counts map[string]int, err error) {
	defer art28.Wrap(&err, "store.JobCounts")
	counts = map[string]int{JobAvailable: 0, JobRunning: 0, JobDone: 0, JobFailed: 0}
	err = db.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var state string
			var n int
			if err := rows.Scan(&state, &n); err != nil {
				return err
			}
			counts[state] = n
		}
		return rows.Err()
	})
	return counts, err
}

// truncate cuts s to at most max bytes, on a rune boundary, and replaces
// invalid UTF-8, which PostgreSQL would refuse.
func truncate(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
