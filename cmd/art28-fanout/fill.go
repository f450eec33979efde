package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/examples"
	"github.com/art28/art28/internal/store"
	_ "modernc.org/sqlite"
)

// templateKey is the template every filled agreement uses: its notice
// clause has 14 working days on the DE-BW calendar, the costliest window
// to compute of the seeds.
const templateKey = "genz-saas-v1"

// dbFile is where `art28 serve --data DIR` keeps its database.
func dbFile(dir string) string { return filepath.Join(dir, "art28.db") }

// rawDSN opens the file on the store's driver and time format, for the
// bulk writes and reads the store has no method for.
func rawDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_time_format=sqlite"
}

func fillCmd(args []string) error {
	fs := flag.NewFlagSet("fill", flag.ExitOnError)
	data := fs.String("data", "", "an empty data folder (created if missing)")
	n := fs.Int("agreements", 100000, "agreements (and customers) to create")
	fs.Parse(args)
	if *data == "" || *n < 1 {
		return errors.New("fill needs -data DIR and -agreements N ≥ 1")
	}
	if entries, err := os.ReadDir(*data); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: fill wants an empty folder", *data)
	}
	start := time.Now()
	ctx := context.Background()
	version, service, err := fillSetup(ctx, *data)
	if err != nil {
		return err
	}
	if err := fillAgreements(ctx, dbFile(*data), *n, version, service); err != nil {
		return err
	}
	fmt.Printf("filled %s with %d customers, contacts and agreements (terms version %d, service %d) in %s\n",
		dbFile(*data), *n, version, service, time.Since(start).Round(time.Millisecond))
	return nil
}

// fillSetup writes, through the store, what every agreement refers to: an
// owner, the profile, one service, the template and its terms.
func fillSetup(ctx context.Context, dir string) (version, service int64, err error) {
	db, err := store.Open(ctx, dbFile(dir))
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return 0, 0, err
	}
	all := store.All(db)
	owner := &art28.User{Email: "owner@processor.example", Name: "Olivia Owner", Role: art28.RoleOwner}
	if err := all.Users.CreateFirstOwner(ctx, owner, "art28-demo-password"); err != nil {
		return 0, 0, err
	}
	sys := art28.NewContext(ctx, art28.SystemActor)
	if err := all.Processor.UpdateProfile(sys, &art28.ProcessorProfile{
		LegalName: "Fan-out Cloud GmbH", Address: "Kaiserstraße 12\n76133 Karlsruhe", Country: "DE",
		DPOName: "Dana Schutz", DPOEmail: "dpo@processor.example",
	}); err != nil {
		return 0, 0, err
	}
	svc := &art28.Service{Name: "SaaS hosting", Nature: "Hosting and operation of the customer's application",
		Purposes: []string{"Hosting"}, DataCategories: []string{"Contact data", "Usage data"},
		SubjectCategories: []string{"Customer's employees"}, Sources: []string{"Customer"}, Locations: []string{"DE"}}
	if err := all.Services.CreateService(sys, svc); err != nil {
		return 0, 0, err
	}
	if err := all.Agreements.CreateTemplate(sys, &art28.AgreementTemplate{Key: templateKey,
		Title: "Genz IT Solutions SaaS and hosting DPA (German law)"}); err != nil {
		return 0, 0, err
	}
	content, err := examples.Terms.ReadFile(templateKey + ".yaml")
	if err != nil {
		return 0, 0, err
	}
	v, _, err := all.Terms.ImportTerms(sys, templateKey, art28.TermsImport{Content: string(content)})
	if err != nil {
		return 0, 0, err
	}
	return v.ID, svc.ID, nil
}

// mixedBreachTerms are the overrides fill gives the agreements in turn, so
// that a breach reaches them on different clocks: the template's 24 hours
// (G7.2), 72 hours (C8), and without undue delay with a 24-hour target
// (L9). Their objection windows are the template's.
var mixedBreachTerms = []string{"",
	"clauses:\n  breach_notification:\n    period: 72 hours\n    implements: [C8]\n",
	"clauses:\n  breach_notification:\n    period: without undue delay\n    target: 24 hours\n    implements: [L9]\n"}

// fillAgreements writes n customers, each with one DPO contact and one
// active agreement covering the service, as CreateCustomer, CreateContact,
// CreateAgreement, ConcludeAgreement (by signature) and SetAgreementTerms
// would leave them, minus their activity entries: the store has no bulk
// insert, and a row at a time through it would take minutes.
func fillAgreements(ctx context.Context, path string, n int, version, service int64) error {
	raw, err := sql.Open("sqlite", rawDSN(path))
	if err != nil {
		return err
	}
	defer raw.Close()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	insCustomer := prep(`INSERT INTO customers (legal_name, legal_name_key, address, country, eu_established, role,
		upstream_controller, created_at, updated_at, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insContact := prep(`INSERT INTO contacts (customer_id, name, email, phone, roles, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
	insAgreement := prep(`INSERT INTO agreements (customer_id, template_key, status, conclusion_method, accepted_by,
		accepted_at, accepted_from, document_hash, created_at, updated_at, terms_version_id, terms_overrides)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insService := prep(`INSERT INTO agreement_services (agreement_id, service_id) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	signed := now.Add(-24 * time.Hour)
	roles := `["` + string(art28.ContactDPO) + `"]`
	for i := range n {
		name := fmt.Sprintf("Fan-out Customer %06d GmbH", i)
		res, err := insCustomer.ExecContext(ctx, name, strings.ToLower(name), "Hauptstraße 1, 70173 Stuttgart", "DE", true,
			art28.CustomerController, "", now, now, "")
		if err != nil {
			return err
		}
		customer, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := insContact.ExecContext(ctx, customer, fmt.Sprintf("DPO %06d", i), fmt.Sprintf("dpo@c%06d.example", i),
			"", roles, now); err != nil {
			return err
		}
		res, err = insAgreement.ExecContext(ctx, customer, templateKey, art28.AgreementActive, art28.ConcludedSignature,
			"Managing director, "+name, signed, "Stuttgart", "", now, now, version, mixedBreachTerms[i%len(mixedBreachTerms)])
		if err != nil {
			return err
		}
		agreement, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := insService.ExecContext(ctx, agreement, service); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Leave one file, so that a copy of art28.db is the whole database.
	_, err = raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}
