package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkInsert writes many rows of one table with multi-row INSERTs, for a
// fan-out that writes rows by the hundred thousand in one transaction.
// One statement per row would cost, per row, a parse (the statement cache
// prepares a query only after the transaction that first ran it), a round
// trip through database/sql, and on SQLite a statement journal of every
// page the row touches; a statement of many rows pays each once.
//
// The statements bypass the statement cache: the last, shorter batch of
// each call has a text of its own, which would crowd out the queries the
// cache is for. The full-size statement is prepared once in the
// transaction instead.
type bulkInsert struct {
	tx        *Tx
	head      string // INSERT INTO t (a, b) VALUES
	cols      int
	returning string // e.g. "id, agreement_id"; empty for none
	max       int    // rows per statement
	args      []any
	full      *sql.Stmt
}

// maxBulkArgs bounds the values of one statement, below SQLite's default
// limit of 32,766 variables (PostgreSQL allows 65,535).
const maxBulkArgs = 30000

func newBulkInsert(tx *Tx, table, columns, returning string, rows int) *bulkInsert {
	cols := strings.Count(columns, ",") + 1
	rows = max(1, min(rows, maxBulkArgs/cols))
	return &bulkInsert{tx: tx, head: "INSERT INTO " + table + " (" + columns + ") VALUES ", cols: cols,
		returning: returning, max: rows, args: make([]any, 0, rows*cols)}
}

// rows is how many rows are waiting.
func (b *bulkInsert) rows() int { return len(b.args) / b.cols }

// add queues one row. Without RETURNING, a full batch is written at once;
// with it, the caller flushes before the batch is full and reads the rows.
func (b *bulkInsert) add(ctx context.Context, values ...any) error {
	if len(values) != b.cols {
		return fmt.Errorf("store: bulk insert %q: %d values for %d columns", b.head, len(values), b.cols)
	}
	if b.returning != "" && b.rows() >= b.max {
		return fmt.Errorf("store: bulk insert %q: more than %d rows to return", b.head, b.max)
	}
	b.args = append(b.args, values...)
	if b.returning == "" && b.rows() >= b.max {
		return b.exec(ctx)
	}
	return nil
}

// statement returns the statement for n rows: the prepared full-size one,
// or nil and the text to run.
func (b *bulkInsert) statement(ctx context.Context, n int) (*sql.Stmt, string, error) {
	var q strings.Builder
	q.Grow(len(b.head) + n*(b.cols*3+4) + len(b.returning) + 12)
	q.WriteString(b.head)
	row := "(" + placeholders(b.cols) + ")"
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
	}
	if b.returning != "" {
		q.WriteString(" RETURNING " + b.returning)
	}
	text := rebind(b.tx.dialect, q.String())
	if n < b.max {
		return nil, text, nil
	}
	if b.full == nil {
		st, err := b.tx.tx.PrepareContext(ctx, text)
		if err != nil {
			return nil, "", err
		}
		b.full = st
	}
	return b.full, text, nil
}

// exec writes the waiting rows.
func (b *bulkInsert) exec(ctx context.Context) error {
	n := b.rows()
	if n == 0 {
		return nil
	}
	st, q, err := b.statement(ctx, n)
	if err != nil {
		return err
	}
	if st != nil {
		_, err = st.ExecContext(ctx, b.args...)
	} else {
		_, err = b.tx.tx.ExecContext(ctx, q, b.args...)
	}
	b.args = b.args[:0]
	return err
}

// query writes the waiting rows and returns their RETURNING columns.
func (b *bulkInsert) query(ctx context.Context) (*sql.Rows, error) {
	st, q, err := b.statement(ctx, b.rows())
	if err != nil {
		return nil, err
	}
	var rows *sql.Rows
	if st != nil {
		rows, err = st.QueryContext(ctx, b.args...)
	} else {
		rows, err = b.tx.tx.QueryContext(ctx, q, b.args...)
	}
	b.args = b.args[:0]
	return rows, err
}

// returnedIDs writes the waiting rows, which must return (id, key) with
// a key unique among them, and maps each key to its row's id: neither
// database promises to return the rows in the order of VALUES.
func (b *bulkInsert) returnedIDs(ctx context.Context) (map[int64]int64, error) {
	ids := make(map[int64]int64, b.rows())
	if b.rows() == 0 {
		return ids, nil
	}
	rows, err := b.query(ctx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, key int64
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		ids[key] = id
	}
	return ids, rows.Err()
}

// close releases the prepared statement; the transaction would too.
func (b *bulkInsert) close() {
	if b.full != nil {
		b.full.Close()
		b.full = nil
	}
}
