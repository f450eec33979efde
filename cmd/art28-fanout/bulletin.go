package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
)

// bulletinCmd issues a bulletin (a significant disruption, G7.4) to every
// customer with a running agreement, each copy due under its own terms
// from when the processor learned of it, on fresh copies of the filled
// database, and times it against a bare insert of as many rows.
func bulletinCmd(args []string) error {
	fs := flag.NewFlagSet("bulletin", flag.ExitOnError)
	data := fs.String("data", "", "data folder filled by `art28-fanout fill`")
	runs := fs.Int("runs", 3, "runs, each on a fresh copy of the database")
	fs.Parse(args)
	if *data == "" {
		return errors.New("bulletin needs -data DIR")
	}
	return onCopies(*data, *runs, bulletinOnce)
}

func bulletinOnce(path string, run int) error {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	all := store.All(db)
	sys := art28.NewContext(ctx, art28.SystemActor)
	b := &art28.Bulletin{Kind: art28.BulletinDisruption, Title: "Storage outage in FRA1",
		Body: "Our storage in Frankfurt was unavailable for two hours.", AllRunning: true, OccurredAt: time.Now().Add(-time.Hour)}
	start := time.Now()
	if err := all.Bulletins.IssueBulletin(sys, b); err != nil {
		return err
	}
	took := time.Since(start)
	_, deliveries, err := all.Deliveries.Deliveries(sys, art28.DeliveryFilter{Event: "bulletin", Page: art28.Page{Limit: 1}})
	if err != nil {
		return err
	}
	// The bulletin, a recipient row per customer, the deliveries and the
	// activity entry, bare, in the same run.
	rows := 2 + b.Recipients + deliveries
	base, err := baselineInsert(ctx, path, rows)
	if err != nil {
		return err
	}
	fmt.Printf("run %d: a bulletin to %d customers (%d with a deadline, %d deliveries) in %s = %.1f× a bare insert of the same %d rows (%s)\n",
		run, b.Recipients, b.Deadlines, deliveries, took.Round(time.Millisecond), took.Seconds()/base.Seconds(), rows,
		base.Round(time.Millisecond))
	return nil
}
