package store_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// fillDuties inserts n open duties with deadlines spread over two years,
// in one statement per dialect.
func fillDuties(b *testing.B, d store.Dialect, dsn string, n int) {
	b.Helper()
	ctx := context.Background()
	q := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
		INSERT INTO duties (kind, title, clause_ids, opened_at, due_at, state)
		SELECT 'bench', 'Duty ' || i, '[]', '2027-03-01 08:00:00+00:00',
			strftime('%Y-%m-%d %H:%M:%S', '2027-03-01 08:00:00', '+' || ((i * 7919) % 1051200) || ' minutes') || '+00:00', 'open'
		FROM s`
	driver, source := "sqlite", "file:"+dsn
	if d == store.Postgres {
		driver, source = "pgx", dsn
		q = `INSERT INTO duties (kind, title, clause_ids, opened_at, due_at, state)
			SELECT 'bench', 'Duty ' || i, '[]', TIMESTAMPTZ '2027-03-01 08:00:00Z',
				TIMESTAMPTZ '2027-03-01 08:00:00Z' + ((i::bigint * 7919) % 1051200) * INTERVAL '1 minute', 'open'
			FROM generate_series(1, $1::int) AS i`
	}
	// A plain connection of its own: the store has no bulk insert, and
	// needs none.
	raw, err := sql.Open(driver, source)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, q, n); err != nil {
		b.Fatal(err)
	}
	analyze := "ANALYZE"
	if d == store.Postgres {
		analyze = "ANALYZE duties"
	}
	if _, err := raw.ExecContext(ctx, analyze); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkNextDueDuties reads the next 100 due out of 1,000,000 open
// duties, and reports the p99 of the reads besides the mean.
func BenchmarkNextDueDuties(b *testing.B) {
	for _, d := range testrig.Dialects {
		b.Run(string(d), func(b *testing.B) {
			dsn := testrig.DSN(b, d)
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			fillDuties(b, d, dsn, 1_000_000)
			s := store.NewDuties(db)
			ctx := art28.NewContext(context.Background(), art28.Actor{UserID: 1, Role: art28.RoleReadOnly})
			var times []time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				list, err := s.NextDue(ctx, 100)
				times = append(times, time.Since(start))
				if err != nil || len(list) != 100 {
					b.Fatalf("%v, %d duties", err, len(list))
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
