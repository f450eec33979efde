package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Agreements implements art28.AgreementService.
type Agreements struct{ db *DB }

// NewAgreements returns the agreement store of db.
func NewAgreements(db *DB) *Agreements { return &Agreements{db: db} }

var _ art28.AgreementService = (*Agreements)(nil)

// Templates lists the agreement templates by key. Everyone signed in may
// read them: they are the processor's standard offer.
func (s *Agreements) Templates(ctx context.Context) (list []*art28.AgreementTemplate, err error) {
	defer art28.Wrap(&err, "store.Templates")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT key, title, description FROM agreement_templates ORDER BY key`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t := &art28.AgreementTemplate{}
			if err := rows.Scan(&t.Key, &t.Title, &t.Description); err != nil {
				return err
			}
			list = append(list, t)
		}
		return rows.Err()
	})
	return list, err
}

// CreateTemplate validates and stores t.
func (s *Agreements) CreateTemplate(ctx context.Context, t *art28.AgreementTemplate) (err error) {
	defer art28.Wrap(&err, "store.CreateTemplate")
	a, err := authorizeProcessorWrite(ctx, "agreement templates")
	if err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		n, err := tx.count(ctx, `SELECT COUNT(*) FROM agreement_templates WHERE key = ?`, t.Key)
		if err != nil {
			return err
		}
		if n > 0 {
			return &art28.Error{Code: art28.ECONFLICT, Field: "key", Message: "A template with this key exists."}
		}
		if _, err := tx.exec(ctx, `INSERT INTO agreement_templates (key, title, description) VALUES (?, ?, ?)`,
			t.Key, t.Title, t.Description); err != nil {
			return err
		}
		// Templates have a text key, not a numeric ID: the summary names it.
		return tx.record(ctx, a, "template.create", "agreement_template", 0, 0,
			fmt.Sprintf("created template %s (%s)", t.Key, t.Title))
	})
}

const agreementColumns = `id, customer_id, template_key, status, conclusion_method, accepted_by, accepted_at,
	accepted_from, document_hash, created_at, updated_at`

func scanAgreement(row interface{ Scan(...any) error }) (*art28.Agreement, error) {
	a := &art28.Agreement{}
	var c art28.Conclusion
	var acceptedAt sql.NullTime
	if err := row.Scan(&a.ID, &a.CustomerID, &a.TemplateKey, &a.Status, &c.Method, &c.AcceptedBy, &acceptedAt,
		&c.AcceptedFrom, &c.DocumentHash, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if c.Method != "" {
		if t := timePtr(acceptedAt); t != nil {
			c.AcceptedAt = *t
		}
		a.Conclusion = &c
	}
	return a, nil
}

// loadServiceIDs fills the ServiceIDs of the agreements, in ascending order.
func loadServiceIDs(ctx context.Context, tx *Tx, list ...*art28.Agreement) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*art28.Agreement, len(list))
	args := make([]any, 0, len(list))
	for _, a := range list {
		byID[a.ID] = a
		a.ServiceIDs = []int64{}
		args = append(args, a.ID)
	}
	rows, err := tx.query(ctx, `SELECT agreement_id, service_id FROM agreement_services
		WHERE agreement_id IN (`+placeholders(len(args))+`) ORDER BY agreement_id, service_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var aid, sid int64
		if err := rows.Scan(&aid, &sid); err != nil {
			return err
		}
		byID[aid].ServiceIDs = append(byID[aid].ServiceIDs, sid)
	}
	return rows.Err()
}

// findAgreement returns one agreement, confined to the actor's customer.
func findAgreement(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.Agreement, error) {
	cond, args := scope(a, "customer_id")
	// One statement, services included, so that reading an agreement needs
	// no transaction (see viewOne).
	var services sql.NullString
	ag, err := scanAgreement(scanWith(tx.queryRow(ctx, `SELECT `+agreementColumns+`, `+serviceIDList(tx.dialect)+
		` FROM agreements WHERE id = ?`+cond, append([]any{id}, args...)...), &services))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Agreement", id)
	}
	if err != nil {
		return nil, err
	}
	ag.ServiceIDs = []int64{}
	for _, f := range strings.Split(services.String, ",") {
		if f == "" {
			continue
		}
		sid, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("service list %q: %w", services.String, err)
		}
		ag.ServiceIDs = append(ag.ServiceIDs, sid)
	}
	slices.Sort(ag.ServiceIDs) // group_concat promises no order
	return ag, nil
}

// serviceIDList is the column expression of an agreement's service IDs,
// comma-separated in ascending order.
func serviceIDList(d Dialect) string {
	if d == Postgres {
		return `(SELECT string_agg(service_id::text, ',' ORDER BY service_id) FROM agreement_services WHERE agreement_id = agreements.id)`
	}
	return `(SELECT group_concat(service_id, ',') FROM agreement_services WHERE agreement_id = agreements.id)`
}

// scanWith appends extra destinations to a row's Scan.
func scanWith(row interface{ Scan(...any) error }, extra ...any) interface{ Scan(...any) error } {
	return scanFunc(func(dest ...any) error { return row.Scan(append(dest, extra...)...) })
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// Agreement returns one agreement. Customer staff get ENOTFOUND for another
// customer's.
func (s *Agreements) Agreement(ctx context.Context, id int64) (ag *art28.Agreement, err error) {
	defer art28.Wrap(&err, "store.Agreement")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		ag, err = findAgreement(ctx, tx, a, id)
		return err
	})
	return ag, err
}

// Agreements lists agreements, newest first.
func (s *Agreements) Agreements(ctx context.Context, f art28.AgreementFilter) (list []*art28.Agreement, total int, err error) {
	defer art28.Wrap(&err, "store.Agreements")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := scoped(a, "customer_id")
	if f.CustomerID != nil {
		w.and(`customer_id = ?`, *f.CustomerID)
	}
	if f.Status != nil {
		w.and(`status = ?`, *f.Status)
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "agreements", agreementColumns, "id DESC", w, f.Page.Normalize(), scanRows(scanAgreement))
		if err != nil {
			return err
		}
		return loadServiceIDs(ctx, tx, list...)
	})
	return list, total, err
}

// conclusionArgs returns the conclusion columns' values: empty text and a
// NULL time when there is no conclusion.
func conclusionArgs(c *art28.Conclusion) []any {
	if c == nil {
		return []any{"", "", nil, "", ""}
	}
	return []any{c.Method, c.AcceptedBy, c.AcceptedAt.UTC(), c.AcceptedFrom, c.DocumentHash}
}

// CreateAgreement validates a, checks that its customer, template and
// services exist, and stores it.
func (s *Agreements) CreateAgreement(ctx context.Context, ag *art28.Agreement) (err error) {
	defer art28.Wrap(&err, "store.CreateAgreement")
	a, err := authorizeProcessorWrite(ctx, "agreements")
	if err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := ag.Validate(tx.Now); err != nil {
			return err
		}
		slices.Sort(ag.ServiceIDs)
		if ag.Conclusion != nil {
			ag.Conclusion.AcceptedAt = ag.Conclusion.AcceptedAt.UTC().Truncate(time.Microsecond)
		}
		c, err := findCustomer(ctx, tx, a, ag.CustomerID)
		if art28.ErrorCode(err) == art28.ENOTFOUND {
			return art28.FieldError("customer_id", "no customer %d", ag.CustomerID)
		} else if err != nil {
			return err
		}
		n, err := tx.count(ctx, `SELECT COUNT(*) FROM agreement_templates WHERE key = ?`, ag.TemplateKey)
		if err != nil {
			return err
		}
		if n == 0 {
			return art28.FieldError("template_key", "no template %q", ag.TemplateKey)
		}
		if err := checkServicesExist(ctx, tx, ag.ServiceIDs); err != nil {
			return err
		}
		ag.CreatedAt, ag.UpdatedAt = tx.Now, tx.Now
		ag.ID, err = tx.insert(ctx, `INSERT INTO agreements (customer_id, template_key, status, conclusion_method,
			accepted_by, accepted_at, accepted_from, document_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(append([]any{ag.CustomerID, ag.TemplateKey, ag.Status}, conclusionArgs(ag.Conclusion)...),
				ag.CreatedAt, ag.UpdatedAt)...)
		if err != nil {
			return err
		}
		for _, sid := range ag.ServiceIDs {
			if _, err := tx.exec(ctx, `INSERT INTO agreement_services (agreement_id, service_id) VALUES (?, ?)`,
				ag.ID, sid); err != nil {
				return err
			}
		}
		return tx.record(ctx, a, "agreement.create", "agreement", ag.ID, ag.CustomerID,
			fmt.Sprintf("created %s agreement %s for %s covering services %v", ag.Status, ag.TemplateKey,
				c.LegalName, ag.ServiceIDs))
	})
}

// checkServicesExist returns EINVALID naming service_ids unless every ID is
// a service.
func checkServicesExist(ctx context.Context, tx *Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.query(ctx, `SELECT id FROM services WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		found[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var missing []string
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	if len(missing) > 0 {
		return art28.FieldError("service_ids", "no service %s", strings.Join(missing, ", "))
	}
	return nil
}

// ConcludeAgreement records how a draft was concluded and makes it active.
func (s *Agreements) ConcludeAgreement(ctx context.Context, id int64, c art28.Conclusion) (ag *art28.Agreement, err error) {
	defer art28.Wrap(&err, "store.ConcludeAgreement")
	a, err := authorizeProcessorWrite(ctx, "agreements")
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if err := c.Validate(tx.Now); err != nil {
			return err
		}
		c.AcceptedAt = c.AcceptedAt.UTC().Truncate(time.Microsecond)
		before, err := findAgreement(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if before.Status != art28.AgreementDraft {
			return &art28.Error{Code: art28.ECONFLICT, Field: "status",
				Message: fmt.Sprintf("Only a draft can be concluded; this agreement is %s.", before.Status)}
		}
		after := *before
		after.Status, after.Conclusion, after.UpdatedAt = art28.AgreementActive, &c, tx.Now
		if _, err := tx.exec(ctx, `UPDATE agreements SET status = ?, conclusion_method = ?, accepted_by = ?,
			accepted_at = ?, accepted_from = ?, document_hash = ?, updated_at = ? WHERE id = ?`,
			append(append([]any{after.Status}, conclusionArgs(&c)...), after.UpdatedAt, id)...); err != nil {
			return err
		}
		ag = &after
		summary := fmt.Sprintf("concluded (%s)", c.Method)
		if c.AcceptedBy != "" {
			summary += " by " + c.AcceptedBy
		}
		summary += " at " + c.AcceptedAt.Format("2006-01-02 15:04:05Z07:00")
		if c.AcceptedFrom != "" {
			summary += " from " + c.AcceptedFrom
		}
		if c.DocumentHash != "" {
			summary += ", document sha256 " + c.DocumentHash
		}
		return tx.record(ctx, a, "agreement.conclude", "agreement", id, after.CustomerID, summary+"; status: draft -> active")
	})
	return ag, err
}

// SetAgreementStatus moves an agreement to status st, if CanMoveTo allows.
func (s *Agreements) SetAgreementStatus(ctx context.Context, id int64, st art28.AgreementStatus) (ag *art28.Agreement, err error) {
	defer art28.Wrap(&err, "store.SetAgreementStatus")
	a, err := authorizeProcessorWrite(ctx, "agreements")
	if err != nil {
		return nil, err
	}
	switch st {
	case art28.AgreementDraft, art28.AgreementActive, art28.AgreementTerminating, art28.AgreementEnded:
	default:
		return nil, art28.FieldError("status", "must be draft, active, terminating or ended")
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		before, err := findAgreement(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !before.Status.CanMoveTo(st) {
			return &art28.Error{Code: art28.ECONFLICT, Field: "status",
				Message: fmt.Sprintf("An agreement cannot move from %s to %s.", before.Status, st)}
		}
		// Only a concluded agreement is in force: a draft becomes active
		// through ConcludeAgreement, which records how.
		if st != art28.AgreementEnded && before.Conclusion == nil {
			return &art28.Error{Code: art28.ECONFLICT, Field: "status",
				Message: "Record how the agreement was concluded before making it " + string(st) + "."}
		}
		after := *before
		after.Status, after.UpdatedAt = st, tx.Now
		if _, err := tx.exec(ctx, `UPDATE agreements SET status = ?, updated_at = ? WHERE id = ?`,
			st, after.UpdatedAt, id); err != nil {
			return err
		}
		ag = &after
		return tx.record(ctx, a, "agreement.status", "agreement", id, after.CustomerID,
			fmt.Sprintf("status: %s -> %s", before.Status, st))
	})
	return ag, err
}
