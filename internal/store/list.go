package store

import (
	"context"
	"database/sql"

	"github.com/art28/art28"
)

// where builds the WHERE clause of a list and its arguments.
type where struct {
	sql  string
	args []any
}

// scoped starts a WHERE clause confined to the actor's customer (see scope);
// col is the customer ID column of the table.
func scoped(a art28.Actor, col string) *where {
	w := &where{sql: "1 = 1"}
	if cond, args := scope(a, col); cond != "" {
		w.sql += cond
		w.args = args
	}
	return w
}

// and adds a condition with its arguments.
func (w *where) and(cond string, args ...any) {
	w.sql += " AND " + cond
	w.args = append(w.args, args...)
}

// listPage counts the rows of table that match w and reads page p of them
// in order, each through scan.
func listPage[T any](ctx context.Context, tx *Tx, table, columns, order string, w *where, p art28.Page,
	scan func(*sql.Rows) (T, error)) (list []T, total int, err error) {
	if total, err = tx.count(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+w.sql, w.args...); err != nil {
		return nil, 0, err
	}
	rows, err := tx.query(ctx, `SELECT `+columns+` FROM `+table+` WHERE `+w.sql+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(w.args[:len(w.args):len(w.args)], p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		list = append(list, x)
	}
	return list, total, rows.Err()
}

// scanRows adapts a row scanner to listPage.
func scanRows[T any](scan func(row interface{ Scan(...any) error }) (T, error)) func(*sql.Rows) (T, error) {
	return func(r *sql.Rows) (T, error) { return scan(r) }
}
