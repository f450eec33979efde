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

// Subprocessors implements art28.SubprocessorService.
type Subprocessors struct{ db *DB }

// NewSubprocessors returns the sub-processor register of db.
func NewSubprocessors(db *DB) *Subprocessors { return &Subprocessors{db: db} }

var _ art28.SubprocessorService = (*Subprocessors)(nil)

const subprocessorColumns = `id, name, legal_entity, address, country, purpose, kind, safeguard, scc_module,
	data_categories, flow_down_signed_on, flow_down_document, listed, created_at, updated_at`

// spServiceList is the column expression of a sub-processor's service IDs.
func spServiceList(d Dialect) string {
	if d == Postgres {
		return `(SELECT string_agg(service_id::text, ',') FROM subprocessor_services WHERE subprocessor_id = subprocessors.id)`
	}
	return `(SELECT group_concat(service_id, ',') FROM subprocessor_services WHERE subprocessor_id = subprocessors.id)`
}

func scanSubprocessor(row interface{ Scan(...any) error }) (*art28.Subprocessor, error) {
	s := &art28.Subprocessor{}
	var data string
	var services sql.NullString
	if err := row.Scan(&s.ID, &s.Name, &s.LegalEntity, &s.Address, &s.Country, &s.Purpose, &s.Kind, &s.Safeguard,
		&s.SCCModule, &data, &s.FlowDownSignedOn, &s.FlowDownDocument, &s.Listed, &s.CreatedAt, &s.UpdatedAt, &services); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	var err error
	if s.DataCategories, err = fromJSON[[]string](data); err != nil {
		return nil, err
	}
	s.ServiceIDs = []int64{}
	for _, f := range strings.Split(services.String, ",") {
		if f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("service list %q: %w", services.String, err)
		}
		s.ServiceIDs = append(s.ServiceIDs, id)
	}
	slices.Sort(s.ServiceIDs)
	return s, nil
}

func findSubprocessor(ctx context.Context, tx *Tx, id int64) (*art28.Subprocessor, error) {
	return findVisibleSubprocessor(ctx, tx, art28.SystemActor, id)
}

// customerView confines the register to what a customer is owed: the
// sub-processors on its list, and those announced to it.
func customerView(a art28.Actor) (string, []any) {
	if !a.IsCustomer() {
		return "", nil
	}
	return ` AND kind = ? AND (listed = ? OR EXISTS (SELECT 1 FROM change_notices n
		WHERE n.subprocessor_id = subprocessors.id AND n.customer_id = ?))`,
		[]any{art28.KindSubprocessor, true, a.CustomerID}
}

func findVisibleSubprocessor(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.Subprocessor, error) {
	cond, args := customerView(a)
	sp, err := scanSubprocessor(tx.queryRow(ctx, `SELECT `+subprocessorColumns+`, `+spServiceList(tx.dialect)+
		` FROM subprocessors WHERE id = ?`+cond, append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Sub-processor", id)
	}
	return sp, err
}

// Subprocessor returns one entry. Anyone signed in may read the register:
// customers are owed the list (L7, C7, S4, G9.12).
func (s *Subprocessors) Subprocessor(ctx context.Context, id int64) (sp *art28.Subprocessor, err error) {
	defer art28.Wrap(&err, "store.Subprocessor")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		sp, err = findVisibleSubprocessor(ctx, tx, a, id)
		return err
	})
	return sp, err
}

// Subprocessors lists entries by name.
func (s *Subprocessors) Subprocessors(ctx context.Context, f art28.SubprocessorFilter) (list []*art28.Subprocessor, total int, err error) {
	defer art28.Wrap(&err, "store.Subprocessors")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := &where{sql: "1 = 1"}
	if cond, args := customerView(a); cond != "" {
		w.and(cond[len(" AND "):], args...)
	}
	if f.Listed != nil {
		w.and(`listed = ?`, *f.Listed)
	}
	if f.Kind != nil {
		w.and(`kind = ?`, *f.Kind)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.and(`(LOWER(name) LIKE ? OR LOWER(legal_entity) LIKE ?)`, like(q), like(q))
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "subprocessors", subprocessorColumns+", "+spServiceList(tx.dialect),
			"name, id", w, f.Page.Normalize(), scanRows(scanSubprocessor))
		return err
	})
	return list, total, err
}

// CreateSubprocessor validates and stores sp.
func (s *Subprocessors) CreateSubprocessor(ctx context.Context, sp *art28.Subprocessor) (err error) {
	defer art28.Wrap(&err, "store.CreateSubprocessor")
	a, err := authorizeProcessorWrite(ctx, "sub-processors")
	if err != nil {
		return err
	}
	if err := sp.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		return createSubprocessor(ctx, tx, a, sp)
	})
}

func createSubprocessor(ctx context.Context, tx *Tx, a art28.Actor, sp *art28.Subprocessor) error {
	if err := checkSubprocessorName(ctx, tx, sp.Name, 0); err != nil {
		return err
	}
	if err := checkServicesExist(ctx, tx, sp.ServiceIDs); err != nil {
		return err
	}
	sp.CreatedAt, sp.UpdatedAt = tx.Now, tx.Now
	var err error
	sp.ID, err = tx.insert(ctx, `INSERT INTO subprocessors (name, legal_entity, address, country, purpose, kind, safeguard,
		scc_module, data_categories, flow_down_signed_on, flow_down_document, listed, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sp.Name, sp.LegalEntity, sp.Address, sp.Country, sp.Purpose, sp.Kind, sp.Safeguard, sp.SCCModule,
		jsonText(sp.DataCategories), sp.FlowDownSignedOn, sp.FlowDownDocument, sp.Listed, sp.CreatedAt, sp.UpdatedAt)
	if err != nil {
		return err
	}
	if err := setSubprocessorServices(ctx, tx, sp); err != nil {
		return err
	}
	if sp.DataCategories == nil {
		sp.DataCategories = []string{}
	}
	return tx.record(ctx, a, "subprocessor.create", "subprocessor", sp.ID, 0,
		fmt.Sprintf("registered %s %s (%s, %s)", sp.Kind, sp.Name, sp.Country, sp.Safeguard))
}

func setSubprocessorServices(ctx context.Context, tx *Tx, sp *art28.Subprocessor) error {
	if _, err := tx.exec(ctx, `DELETE FROM subprocessor_services WHERE subprocessor_id = ?`, sp.ID); err != nil {
		return err
	}
	sp.ServiceIDs = slices.Compact(slices.Sorted(slices.Values(sp.ServiceIDs)))
	for _, id := range sp.ServiceIDs {
		if _, err := tx.exec(ctx, `INSERT INTO subprocessor_services (subprocessor_id, service_id) VALUES (?, ?)`, sp.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// checkSubprocessorName refuses a second entry of the same name: the public
// list and the notices name sub-processors, and two of one name confuse.
func checkSubprocessorName(ctx context.Context, tx *Tx, name string, id int64) error {
	n, err := tx.count(ctx, `SELECT COUNT(*) FROM subprocessors WHERE LOWER(name) = LOWER(?) AND id <> ?`, name, id)
	if err != nil {
		return err
	}
	if n > 0 {
		return &art28.Error{Code: art28.ECONFLICT, Field: "name", Message: "A sub-processor with this name exists."}
	}
	return nil
}

// UpdateSubprocessor changes what needs no notice; see the interface.
func (s *Subprocessors) UpdateSubprocessor(ctx context.Context, sp *art28.Subprocessor) (err error) {
	defer art28.Wrap(&err, "store.UpdateSubprocessor")
	a, err := authorizeProcessorWrite(ctx, "sub-processors")
	if err != nil {
		return err
	}
	if err := sp.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		before, err := findSubprocessor(ctx, tx, sp.ID)
		if err != nil {
			return err
		}
		if before.Listed {
			// What customers accepted changes only through a notice.
			switch {
			case sp.Country != before.Country || sp.Safeguard != before.Safeguard:
				return art28.FieldError("country", "of a listed sub-processor changes through an announced change of location")
			case sp.Purpose != before.Purpose:
				return art28.FieldError("purpose", "of a listed sub-processor changes through an announced change of purpose")
			case !slices.Equal(sp.ServiceIDs, before.ServiceIDs) && !isSubset(sp.ServiceIDs, before.ServiceIDs):
				return art28.FieldError("service_ids", "of a listed sub-processor grow only through an announced change")
			}
		}
		if sp.Listed != before.Listed {
			return art28.FieldError("listed", "changes through an announced change")
		}
		if sp.Kind != before.Kind {
			return art28.FieldError("kind", "cannot change; register the other kind as a new entry")
		}
		if err := checkSubprocessorName(ctx, tx, sp.Name, sp.ID); err != nil {
			return err
		}
		if err := checkServicesExist(ctx, tx, sp.ServiceIDs); err != nil {
			return err
		}
		sp.CreatedAt, sp.UpdatedAt = before.CreatedAt, tx.Now
		if _, err := tx.exec(ctx, `UPDATE subprocessors SET name = ?, legal_entity = ?, address = ?, country = ?,
			purpose = ?, safeguard = ?, scc_module = ?, data_categories = ?, flow_down_signed_on = ?,
			flow_down_document = ?, updated_at = ? WHERE id = ?`,
			sp.Name, sp.LegalEntity, sp.Address, sp.Country, sp.Purpose, sp.Safeguard, sp.SCCModule,
			jsonText(sp.DataCategories), sp.FlowDownSignedOn, sp.FlowDownDocument, sp.UpdatedAt, sp.ID); err != nil {
			return err
		}
		if err := setSubprocessorServices(ctx, tx, sp); err != nil {
			return err
		}
		return tx.record(ctx, a, "subprocessor.update", "subprocessor", sp.ID, 0, changes(before, sp))
	})
}

func isSubset(small, big []int64) bool {
	for _, x := range small {
		if !slices.Contains(big, x) {
			return false
		}
	}
	return true
}

const reviewColumns = `id, subprocessor_id, reviewed_on, reviewer, outcome, notes, documents, created_at`

func scanReview(row interface{ Scan(...any) error }) (*art28.Review, error) {
	r := &art28.Review{}
	var docs string
	if err := row.Scan(&r.ID, &r.SubprocessorID, &r.ReviewedOn, &r.Reviewer, &r.Outcome, &r.Notes, &docs, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	var err error
	r.Documents, err = fromJSON[[]string](docs)
	return r, err
}

// AddReview records a review, closes the duty it fulfils and opens the
// next one, 12 months on (G9.5).
func (s *Subprocessors) AddReview(ctx context.Context, r *art28.Review) (err error) {
	defer art28.Wrap(&err, "store.AddReview")
	a, err := authorizeProcessorWrite(ctx, "sub-processor reviews")
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	day, _ := time.Parse(time.DateOnly, r.ReviewedOn) // checked by Validate
	if day.After(s.db.Now()) {
		return art28.FieldError("reviewed_on", "is in the future")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		sp, err := findSubprocessor(ctx, tx, r.SubprocessorID)
		if err != nil {
			return err
		}
		r.CreatedAt = tx.Now
		if r.ID, err = tx.insert(ctx, `INSERT INTO subprocessor_reviews (subprocessor_id, reviewed_on, reviewer, outcome,
			notes, documents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.SubprocessorID, r.ReviewedOn, r.Reviewer, r.Outcome, r.Notes, jsonText(r.Documents), r.CreatedAt); err != nil {
			return err
		}
		if r.Documents == nil {
			r.Documents = []string{}
		}
		if err := tx.record(ctx, a, "subprocessor.review", "subprocessor", sp.ID, 0,
			fmt.Sprintf("reviewed %s on %s by %s: %s", sp.Name, r.ReviewedOn, r.Reviewer, r.Outcome)); err != nil {
			return err
		}
		return s.planNextReview(ctx, tx, a, sp, day)
	})
}

// planNextReview closes the open review duty and opens the next, due a
// review interval after the last review.
func (s *Subprocessors) planNextReview(ctx context.Context, tx *Tx, a art28.Actor, sp *art28.Subprocessor, last time.Time) error {
	var prev sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT review_duty_id FROM subprocessors WHERE id = ?`, sp.ID).Scan(&prev); err != nil {
		return err
	}
	if prev.Valid {
		if _, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ? WHERE id = ? AND state = ?`,
			art28.DutyDone, tx.Now, a.Name, prev.Int64, art28.DutyOpen); err != nil {
			return err
		}
	}
	interval, _ := art28.ParsePeriod(art28.ReviewInterval)
	due, err := interval.Deadline(last, time.UTC, nil, false)
	if err != nil {
		return err
	}
	d := &art28.Duty{Kind: "subprocessor.review", Title: "Review sub-processor " + sp.Name, OpenedAt: last, DueAt: due,
		ClauseIDs: []string{"G9.5"}}
	if err := openDuty(ctx, tx, a, d); err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE subprocessors SET review_duty_id = ? WHERE id = ?`, d.ID, sp.ID)
	return err
}

// Reviews lists a sub-processor's reviews, latest first.
func (s *Subprocessors) Reviews(ctx context.Context, subprocessorID int64) (list []*art28.Review, err error) {
	defer art28.Wrap(&err, "store.Reviews")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	if a.IsCustomer() {
		// Shown on request (G9.4), by the processor: not self-service.
		return nil, art28.Errorf(art28.EFORBIDDEN, "Reviews of sub-processors are shown on request.")
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		if _, err := findSubprocessor(ctx, tx, subprocessorID); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT `+reviewColumns+` FROM subprocessor_reviews WHERE subprocessor_id = ?
			ORDER BY reviewed_on DESC, id DESC`, subprocessorID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanReview(rows)
			if err != nil {
				return err
			}
			list = append(list, r)
		}
		return rows.Err()
	})
	return list, err
}

// ImportSubprocessors creates the entries of a CSV file in one
// transaction: the first bad row stops it, named by line, and nothing is
// stored.
func (s *Subprocessors) ImportSubprocessors(ctx context.Context, data []byte) (n int, err error) {
	defer art28.Wrap(&err, "store.ImportSubprocessors")
	a, err := authorizeProcessorWrite(ctx, "sub-processors")
	if err != nil {
		return 0, err
	}
	rows, err := art28.ReadSubprocessorsCSV(data)
	if err != nil {
		return 0, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		services, err := serviceIDsByName(ctx, tx)
		if err != nil {
			return err
		}
		for _, row := range rows {
			sp := &row.Subprocessor
			for _, name := range row.Services {
				id, ok := services[strings.ToLower(name)]
				if !ok {
					return art28.RowError(row.Line, art28.FieldError("services", "no service is named %q", name))
				}
				sp.ServiceIDs = append(sp.ServiceIDs, id)
			}
			if err := sp.Validate(); err != nil {
				return art28.RowError(row.Line, err)
			}
			if err := createSubprocessor(ctx, tx, a, sp); err != nil {
				return art28.RowError(row.Line, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

func serviceIDsByName(ctx context.Context, tx *Tx) (map[string]int64, error) {
	rows, err := tx.query(ctx, `SELECT id, name FROM services`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[strings.ToLower(name)] = id
	}
	return out, rows.Err()
}
