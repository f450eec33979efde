package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/art28/art28"
)

func statusCmd(args []string) error {
	fs := flag.NewFlagSet("status", flag.ExitOnError)
	data := fs.String("data", "", "data folder")
	received := fs.String("received", "", "the sink's -recipients file: compare it with the deliveries")
	fs.Parse(args)
	if *data == "" {
		return errors.New("status needs -data DIR")
	}
	if _, err := os.Stat(dbFile(*data)); err != nil {
		return err
	}
	// Read-only, beside a server that may be running: WAL lets both be.
	raw, err := sql.Open("sqlite", rawDSN(dbFile(*data))+"&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer raw.Close()
	ctx := context.Background()
	var pending, leased, sent, failed int
	now := time.Now().UTC()
	rows, err := raw.QueryContext(ctx, `SELECT state, locked_until IS NOT NULL AND locked_until > ?, COUNT(*)
		FROM deliveries WHERE channel = ? GROUP BY 1, 2`, now, art28.ChannelEmail)
	if err != nil {
		return err
	}
	for rows.Next() {
		var st art28.DeliveryState
		var locked bool
		var n int
		if err := rows.Scan(&st, &locked, &n); err != nil {
			rows.Close()
			return err
		}
		switch st {
		case art28.DeliveryPending:
			pending += n
			if locked {
				leased += n
			}
		case art28.DeliverySent:
			sent += n
		case art28.DeliveryFailed:
			failed += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Printf("pending %d leased %d sent %d failed %d total %d\n", pending, leased, sent, failed, pending+sent+failed)
	if *received == "" {
		return nil
	}
	return compareReceived(ctx, raw, *received)
}

// compareReceived prints the email recipients with a delivery that the
// sink never received, and the recipients it received without one.
func compareReceived(ctx context.Context, raw *sql.DB, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	got := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			got[strings.ToLower(l)] = false
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	rows, err := raw.QueryContext(ctx, `SELECT DISTINCT recipient FROM deliveries WHERE channel = ?`, art28.ChannelEmail)
	if err != nil {
		return err
	}
	defer rows.Close()
	var missing []string
	want := 0
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return err
		}
		want++
		r = strings.ToLower(r)
		if _, ok := got[r]; ok {
			got[r] = true
		} else {
			missing = append(missing, r)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var unexpected []string
	for r, matched := range got {
		if !matched {
			unexpected = append(unexpected, r)
		}
	}
	slices.Sort(missing)
	slices.Sort(unexpected)
	fmt.Printf("recipients %d missing %d unexpected %d\n", want, len(missing), len(unexpected))
	if len(missing) > 0 {
		fmt.Printf("  missing, e.g. %s\n", strings.Join(missing[:min(5, len(missing))], ", "))
	}
	if len(unexpected) > 0 {
		fmt.Printf("  unexpected, e.g. %s\n", strings.Join(unexpected[:min(5, len(unexpected))], ", "))
	}
	return nil
}
