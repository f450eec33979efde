package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
)

func announceCmd(args []string) error {
	fs := flag.NewFlagSet("announce", flag.ExitOnError)
	data := fs.String("data", "", "data folder filled by `art28-fanout fill`")
	runs := fs.Int("runs", 0, "announce on this many fresh copies of the database, leaving -data as filled; 0 announces in -data itself")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of Announce (of the last run) to this file")
	fs.Parse(args)
	if *data == "" {
		return errors.New("announce needs -data DIR")
	}
	if _, err := os.Stat(dbFile(*data)); err != nil {
		return err
	}
	if *runs <= 0 {
		_, err := announceOnce(dbFile(*data), *cpuprofile)
		return err
	}
	var ratios, rates []float64
	err := onCopies(*data, *runs, func(path string, run int) error {
		prof := ""
		if run == *runs {
			prof = *cpuprofile
		}
		r, err := announceOnce(path, prof)
		if err != nil {
			return err
		}
		ratios = append(ratios, r.ratio())
		rates = append(rates, float64(r.agreements)/r.elapsed.Seconds())
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(ratios)
	slices.Sort(rates)
	fmt.Printf("%d runs: announce/baseline median %.1f× (min %.1f×, max %.1f×); agreements/s median %.0f (min %.0f, max %.0f)\n",
		len(ratios), ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], rates[len(rates)/2], rates[0], rates[len(rates)-1])
	return nil
}

// onCopies runs once on a fresh copy of the filled database in data, runs
// times, numbering the runs from 1, so that every run starts from the same
// state and data stays as filled.
func onCopies(data string, runs int, once func(path string, run int) error) error {
	for run := 1; run <= runs; run++ {
		dir, err := os.MkdirTemp(filepath.Dir(filepath.Clean(data)), "fanout-run-")
		if err != nil {
			return err
		}
		err = func() error {
			defer os.RemoveAll(dir)
			if err := copyDB(dbFile(data), dbFile(dir)); err != nil {
				return err
			}
			return once(dbFile(dir), run)
		}()
		if err != nil {
			return fmt.Errorf("run %d: %w", run, err)
		}
	}
	return nil
}

// copyDB copies a database file and, if there is one, its WAL.
func copyDB(from, to string) error {
	for _, suffix := range []string{"", "-wal"} {
		src, err := os.Open(from + suffix)
		if suffix != "" && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		dst, err := os.OpenFile(to+suffix, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			src.Close()
			return err
		}
		_, err = io.Copy(dst, src)
		src.Close()
		if err = errors.Join(err, dst.Close()); err != nil {
			return err
		}
	}
	return nil
}

type announceResult struct {
	agreements                          int // running agreements reached (told or skipped)
	notices, duties, deliveries, events int
	elapsed, baseline                   time.Duration
}

func (r *announceResult) rows() int { return r.notices + r.duties + r.deliveries + r.events }

func (r *announceResult) ratio() float64 { return r.elapsed.Seconds() / r.baseline.Seconds() }

// tables the announcement writes to, counted before and after.
var written = []string{"change_notices", "duties", "deliveries", "activities"}

// announceOnce registers a new sub-processor for the filled service,
// announces it, and times a bare insert of as many rows as the baseline.
func announceOnce(path, cpuprofile string) (*announceResult, error) {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return nil, err
	}
	all := store.All(db)
	// The privacy officer's work, done here with an owner's rights.
	officer := art28.NewContext(ctx, art28.Actor{Name: "privacy officer (art28-fanout)", Role: art28.RoleOwner})
	services, _, err := all.Services.Services(officer, art28.ServiceFilter{})
	if err != nil {
		return nil, err
	}
	if len(services) == 0 {
		return nil, errors.New("no service: fill the database with `art28-fanout fill` first")
	}
	_, registered, err := all.Subprocessors.Subprocessors(officer, art28.SubprocessorFilter{})
	if err != nil {
		return nil, err
	}
	sp := &art28.Subprocessor{Name: fmt.Sprintf("Fan-out Hosting %d", registered+1), LegalEntity: "Fan-out Hosting GmbH",
		Country: "DE", Purpose: "Hosting in a second data centre", ServiceIDs: []int64{services[0].ID},
		DataCategories: []string{"all customer data"}}
	if err := all.Subprocessors.CreateSubprocessor(officer, sp); err != nil {
		return nil, err
	}
	before, err := countRows(ctx, path)
	if err != nil {
		return nil, err
	}
	change := &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID,
		Summary: "We add a second data centre in Germany, so that hosting survives the loss of one site."}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	out, err := all.Changes.Announce(officer, change)
	elapsed := time.Since(start)
	if cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return nil, err
	}
	after, err := countRows(ctx, path)
	if err != nil {
		return nil, err
	}
	r := &announceResult{agreements: out.Notices + len(out.Skipped), notices: after[0] - before[0],
		duties: after[1] - before[1], deliveries: after[2] - before[2], events: after[3] - before[3], elapsed: elapsed}
	if r.notices != out.Notices || r.duties != out.Duties {
		return nil, fmt.Errorf("announce reported %d notices and %d duties; the tables gained %d and %d",
			out.Notices, out.Duties, r.notices, r.duties)
	}
	first, last, err := windowEnds(ctx, path, change.ID)
	if err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	if r.baseline, err = baselineInsert(ctx, path, r.rows()); err != nil {
		return nil, err
	}
	fmt.Printf("announce change %d (%s) in %s\n", change.ID, sp.Name, path)
	fmt.Printf("  agreements reached   %d (%d without terms)\n", r.agreements, len(out.Skipped))
	fmt.Printf("  notices written      %d\n", r.notices)
	fmt.Printf("  duties written       %d\n", r.duties)
	fmt.Printf("  deliveries written   %d\n", r.deliveries)
	fmt.Printf("  activities written   %d\n", r.events)
	fmt.Printf("  windows end          %s .. %s (announced %s)\n", first, last, change.AnnouncedAt.Format(time.RFC3339))
	fmt.Printf("  elapsed              %s  (%.0f agreements/s)\n", elapsed.Round(time.Millisecond),
		float64(r.agreements)/elapsed.Seconds())
	fmt.Printf("  baseline             %s  (bare insert of %d rows, one transaction)\n", r.baseline.Round(time.Millisecond), r.rows())
	fmt.Printf("  announce/baseline    %.1f×\n", r.ratio())
	return r, nil
}

// countRows counts the rows of the written tables, on a connection of its
// own (the store has no such method; SQLite's WAL lets it read alongside).
func countRows(ctx context.Context, path string) ([]int, error) {
	raw, err := sql.Open("sqlite", rawDSN(path))
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	out := make([]int, len(written))
	for i, t := range written {
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// windowEnds returns the earliest and latest objection window of a change.
func windowEnds(ctx context.Context, path string, change int64) (first, last string, err error) {
	raw, err := sql.Open("sqlite", rawDSN(path))
	if err != nil {
		return "", "", err
	}
	defer raw.Close()
	var a, b sql.NullString
	err = raw.QueryRowContext(ctx, `SELECT MIN(window_end), MAX(window_end) FROM change_notices WHERE change_id = ?`, change).Scan(&a, &b)
	return a.String, b.String, err
}

// baselineInsert times the bare insert of n rows of a few text and integer
// columns into a throwaway table of the same database file, in one
// transaction with one prepared statement: the least any fan-out that
// writes n rows must cost on this machine, driver and disk.
func baselineInsert(ctx context.Context, path string, n int) (time.Duration, error) {
	raw, err := sql.Open("sqlite", rawDSN(path))
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.ExecContext(ctx, `CREATE TABLE fanout_baseline (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
		ref INTEGER NOT NULL, body TEXT NOT NULL, at TIMESTAMP NOT NULL)`); err != nil {
		return 0, err
	}
	defer raw.ExecContext(ctx, `DROP TABLE fanout_baseline`)
	now := time.Now().UTC().Truncate(time.Microsecond)
	start := time.Now()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO fanout_baseline (kind, ref, body, at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	for i := range n {
		if _, err := st.ExecContext(ctx, "row", i, fmt.Sprintf("baseline row %07d of the fan-out", i), now); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
