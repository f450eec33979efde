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

// breachCmd records a breach affecting every filled customer, assesses it
// (a clock and a notice duty per agreement, each due per its own terms:
// fill gives them 24 hours, 72 hours, and without undue delay in turn)
// and issues the first notices (a notice row, an activity entry and the
// deliveries per agreement), on fresh copies of the filled database, and
// times each step (issue 5: every duty and outbox entry of a breach
// affecting 10,000 agreements under mixed terms in under 2 s).
func breachCmd(args []string) error {
	fs := flag.NewFlagSet("breach", flag.ExitOnError)
	data := fs.String("data", "", "data folder filled by `art28-fanout fill`")
	runs := fs.Int("runs", 3, "runs, each on a fresh copy of the database")
	fs.Parse(args)
	if *data == "" {
		return errors.New("breach needs -data DIR")
	}
	return onCopies(*data, *runs, breachOnce)
}

func breachOnce(path string, run int) error {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	all := store.All(db)
	sys := art28.NewContext(ctx, art28.SystemActor)
	customers, err := allCustomerIDs(ctx, all)
	if err != nil {
		return err
	}
	aware := time.Now().Add(-time.Hour)
	inc := &art28.Incident{Title: "Backup bucket publicly readable", Description: "Public reads were allowed for an hour.",
		Reporter: "On-call engineer", DetectedAt: aware, AwareAt: aware}
	for _, id := range customers {
		inc.Affected = append(inc.Affected, art28.Affected{CustomerID: id})
	}
	start := time.Now()
	if err := all.Incidents.RecordIncident(sys, inc); err != nil {
		return err
	}
	recorded := time.Since(start)
	start = time.Now()
	clocks, err := all.Incidents.Assess(sys, inc.ID, art28.AssessBreach, "Contact data were readable by anyone.")
	if err != nil {
		return err
	}
	assessed := time.Since(start)
	start = time.Now()
	notices, err := all.Incidents.IssueNotices(sys, inc.ID, art28.BreachContent{Nature: "Unauthorised read access.",
		DPO: "Dana Schutz, dpo@processor.example", Consequences: "Phishing.", Measures: "The bucket was closed.",
		ToFollow: []art28.NoticePart{art28.PartSubjects, art28.PartRecords}})
	if err != nil {
		return err
	}
	issued := time.Since(start)
	_, deliveries, err := all.Deliveries.Deliveries(sys, art28.DeliveryFilter{Event: "breach_notice", Page: art28.Page{Limit: 1}})
	if err != nil {
		return err
	}
	// The same number of rows, bare, in the same run: a clock, a duty and
	// an activity entry per agreement at the assessment; a notice, an
	// activity entry and the deliveries at the issue.
	rows := 3*len(clocks) + 2*len(notices) + deliveries
	base, err := baselineInsert(ctx, path, rows)
	if err != nil {
		return err
	}
	fmt.Printf("run %d: %d customers; record %s; assess (%d clocks and duties) %s; issue (%d notices, %d deliveries) %s; "+
		"assess+issue %s = %.1f× a bare insert of the same %d rows (%s)\n",
		run, len(customers), recorded.Round(time.Millisecond), len(clocks), assessed.Round(time.Millisecond), len(notices), deliveries,
		issued.Round(time.Millisecond), (assessed + issued).Round(time.Millisecond), (assessed+issued).Seconds()/base.Seconds(), rows,
		base.Round(time.Millisecond))
	return nil
}

func allCustomerIDs(ctx context.Context, all store.AllServices) ([]int64, error) {
	sys := art28.NewContext(ctx, art28.SystemActor)
	var ids []int64
	for p := (art28.Page{Limit: art28.MaxLimit}); ; p.Offset += p.Limit {
		list, total, err := all.Customers.Customers(sys, art28.CustomerFilter{Page: p})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			ids = append(ids, c.ID)
		}
		if p.Offset+p.Limit >= total {
			return ids, nil
		}
	}
}
