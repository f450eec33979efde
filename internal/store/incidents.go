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
	"github.com/art28/art28/internal/calendar"
)

// Incidents implements art28.IncidentService.
type Incidents struct{ db *DB }

// NewIncidents returns the incident register of db.
func NewIncidents(db *DB) *Incidents { return &Incidents{db: db} }

var _ art28.IncidentService = (*Incidents)(nil)

const incidentColumns = `id, title, description, reporter, detected_at, aware_at, systems, data_categories, consequences,
	measures, assessment, assessment_reason, assessed_at, assessed_by, state, closed_at, created_at, updated_at`

func scanIncident(row interface{ Scan(...any) error }) (*art28.Incident, error) {
	i := &art28.Incident{}
	var systems, categories string
	var assessed, closed sql.NullTime
	if err := row.Scan(&i.ID, &i.Title, &i.Description, &i.Reporter, &i.DetectedAt, &i.AwareAt, &systems, &categories,
		&i.Consequences, &i.Measures, &i.Assessment, &i.AssessmentReason, &assessed, &i.AssessedBy, &i.State, &closed,
		&i.CreatedAt, &i.UpdatedAt); err != nil {
		return nil, err
	}
	i.DetectedAt, i.AwareAt, i.CreatedAt, i.UpdatedAt = i.DetectedAt.UTC(), i.AwareAt.UTC(), i.CreatedAt.UTC(), i.UpdatedAt.UTC()
	i.AssessedAt, i.ClosedAt = timePtr(assessed), timePtr(closed)
	i.ServiceIDs, i.Affected = []int64{}, []art28.Affected{} // a list shows the facts; the incident's page, its scope
	var err error
	if i.Systems, err = fromJSON[[]string](systems); err != nil {
		return nil, err
	}
	i.DataCategories, err = fromJSON[[]string](categories)
	return i, err
}

// findIncident reads an incident with its services and affected
// customers. A customer's staff see an incident that touches their
// customer, and of the affected only their own.
func findIncident(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.Incident, error) {
	i, err := scanIncident(tx.queryRow(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Incident", id)
	}
	if err != nil {
		return nil, err
	}
	if i.ServiceIDs, err = int64s(ctx, tx, `SELECT service_id FROM incident_services WHERE incident_id = ? ORDER BY service_id`, id); err != nil {
		return nil, err
	}
	cond, args := scope(a, "ic.customer_id")
	// A customer's data was encrypted on its side when the incident names
	// at least one service the customer has an agreement for, and every
	// such service encrypts on the customer's side (L3). An incident that
	// names no service of the customer's says nothing of it: no mitigation.
	const customerServices = `SELECT 1 FROM incident_services x JOIN services s ON s.id = x.service_id
			JOIN agreement_services ags ON ags.service_id = s.id JOIN agreements ag ON ag.id = ags.agreement_id
			WHERE x.incident_id = ic.incident_id AND ag.customer_id = ic.customer_id`
	rows, err := tx.query(ctx, `SELECT ic.customer_id, ic.subjects, ic.records,
		EXISTS (`+customerServices+`) AND NOT EXISTS (`+customerServices+` AND NOT s.client_side_encryption)
		FROM incident_customers ic WHERE ic.incident_id = ?`+cond+` ORDER BY ic.customer_id`, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	i.Affected = []art28.Affected{}
	for rows.Next() {
		var af art28.Affected
		var subjects, records sql.NullInt64
		if err := rows.Scan(&af.CustomerID, &subjects, &records, &af.ClientSideEncrypted); err != nil {
			return nil, err
		}
		af.Subjects, af.Records = intPtr(subjects), intPtr(records)
		i.Affected = append(i.Affected, af)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if a.IsCustomer() && len(i.Affected) == 0 {
		return nil, errNotFound("Incident", id)
	}
	return i, nil
}

func intPtr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

func int64s(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Incident returns one incident.
func (s *Incidents) Incident(ctx context.Context, id int64) (i *art28.Incident, err error) {
	defer art28.Wrap(&err, "store.Incident")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		i, err = findIncident(ctx, tx, a, id)
		return err
	})
	return i, err
}

// Incidents lists incidents, latest first; customers see those that touch
// them.
func (s *Incidents) Incidents(ctx context.Context, f art28.IncidentFilter) (list []*art28.Incident, total int, err error) {
	defer art28.Wrap(&err, "store.Incidents")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := &where{sql: "1 = 1"}
	if a.IsCustomer() {
		w.and(`EXISTS (SELECT 1 FROM incident_customers ic WHERE ic.incident_id = incidents.id AND ic.customer_id = ?)`, a.CustomerID)
	}
	if f.State != nil {
		w.and(`state = ?`, *f.State)
	}
	if f.Assessment != nil {
		w.and(`assessment = ?`, *f.Assessment)
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "incidents", incidentColumns, "created_at DESC, id DESC", w, f.Page.Normalize(), scanRows(scanIncident))
		return err
	})
	return list, total, err
}

// RecordIncident registers an incident, assessment pending.
func (s *Incidents) RecordIncident(ctx context.Context, i *art28.Incident) (err error) {
	defer art28.Wrap(&err, "store.RecordIncident")
	a, err := authorizeProcessorWrite(ctx, "incidents")
	if err != nil {
		return err
	}
	if err := i.Validate(s.db.Now()); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkServicesExist(ctx, tx, i.ServiceIDs); err != nil {
			return err
		}
		if err := checkCustomersExist(ctx, tx, i.Affected); err != nil {
			return err
		}
		i.Assessment, i.State, i.CreatedAt, i.UpdatedAt = art28.AssessPending, art28.IncidentOpen, tx.Now, tx.Now
		i.DetectedAt, i.AwareAt = i.DetectedAt.UTC().Truncate(time.Microsecond), i.AwareAt.UTC().Truncate(time.Microsecond)
		var err error
		if i.ID, err = tx.insert(ctx, `INSERT INTO incidents (title, description, reporter, detected_at, aware_at, systems,
			data_categories, consequences, measures, assessment, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			i.Title, i.Description, i.Reporter, i.DetectedAt, i.AwareAt, jsonText(i.Systems), jsonText(i.DataCategories),
			i.Consequences, i.Measures, i.Assessment, i.State, i.CreatedAt, i.UpdatedAt); err != nil {
			return err
		}
		if err := setIncidentScope(ctx, tx, i); err != nil {
			return err
		}
		return tx.record(ctx, a, "incident.record", "incident", i.ID, 0,
			fmt.Sprintf("recorded incident %q (aware %s), %d customers affected", i.Title, i.AwareAt.Format("2006-01-02 15:04Z"), len(i.Affected)))
	})
}

func checkCustomersExist(ctx context.Context, tx *Tx, affected []art28.Affected) error {
	for _, af := range affected {
		n, err := tx.count(ctx, `SELECT COUNT(*) FROM customers WHERE id = ?`, af.CustomerID)
		if err != nil {
			return err
		}
		if n == 0 {
			return art28.FieldError("affected", "no customer %d exists", af.CustomerID)
		}
	}
	return nil
}

// setIncidentScope replaces an incident's services and affected customers.
func setIncidentScope(ctx context.Context, tx *Tx, i *art28.Incident) error {
	for _, q := range []string{`DELETE FROM incident_services WHERE incident_id = ?`, `DELETE FROM incident_customers WHERE incident_id = ?`} {
		if _, err := tx.exec(ctx, q, i.ID); err != nil {
			return err
		}
	}
	i.ServiceIDs = slices.Compact(slices.Sorted(slices.Values(i.ServiceIDs)))
	for _, id := range i.ServiceIDs {
		if _, err := tx.exec(ctx, `INSERT INTO incident_services (incident_id, service_id) VALUES (?, ?)`, i.ID, id); err != nil {
			return err
		}
	}
	for _, af := range i.Affected {
		if _, err := tx.exec(ctx, `INSERT INTO incident_customers (incident_id, customer_id, subjects, records) VALUES (?, ?, ?, ?)`,
			i.ID, af.CustomerID, nullInt(af.Subjects), nullInt(af.Records)); err != nil {
			return err
		}
	}
	return nil
}

func nullInt(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

// UpdateIncident changes an open incident's facts and figures.
func (s *Incidents) UpdateIncident(ctx context.Context, i *art28.Incident) (err error) {
	defer art28.Wrap(&err, "store.UpdateIncident")
	a, err := authorizeProcessorWrite(ctx, "incidents")
	if err != nil {
		return err
	}
	if err := i.Validate(s.db.Now()); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		before, err := findIncident(ctx, tx, a, i.ID)
		if err != nil {
			return err
		}
		if before.State == art28.IncidentClosed {
			return conflict("state", "The incident is closed; it takes no more updates.")
		}
		if before.Assessment == art28.AssessBreach && !i.AwareAt.Equal(before.AwareAt) {
			// The clocks already run from it.
			return art28.FieldError("aware_at", "cannot change once the incident is assessed as a breach")
		}
		if err := checkServicesExist(ctx, tx, i.ServiceIDs); err != nil {
			return err
		}
		if err := checkCustomersExist(ctx, tx, i.Affected); err != nil {
			return err
		}
		i.Assessment, i.AssessmentReason, i.AssessedAt, i.AssessedBy = before.Assessment, before.AssessmentReason, before.AssessedAt, before.AssessedBy
		i.State, i.CreatedAt, i.UpdatedAt = before.State, before.CreatedAt, tx.Now
		i.DetectedAt, i.AwareAt = i.DetectedAt.UTC().Truncate(time.Microsecond), i.AwareAt.UTC().Truncate(time.Microsecond)
		if _, err := tx.exec(ctx, `UPDATE incidents SET title = ?, description = ?, reporter = ?, detected_at = ?, aware_at = ?,
			systems = ?, data_categories = ?, consequences = ?, measures = ?, updated_at = ? WHERE id = ?`,
			i.Title, i.Description, i.Reporter, i.DetectedAt, i.AwareAt, jsonText(i.Systems), jsonText(i.DataCategories),
			i.Consequences, i.Measures, i.UpdatedAt, i.ID); err != nil {
			return err
		}
		if err := setIncidentScope(ctx, tx, i); err != nil {
			return err
		}
		if err := tx.record(ctx, a, "incident.update", "incident", i.ID, 0, changes(before, i)); err != nil {
			return err
		}
		if i.Assessment == art28.AssessBreach {
			// A customer added later gets its clocks too.
			_, err := openClocks(ctx, tx, s.db, a, i)
			return err
		}
		return nil
	})
}

// Assess records the assessment; a breach starts every affected
// agreement's clock.
func (s *Incidents) Assess(ctx context.Context, id int64, as art28.Assessment, reason string) (clocks []art28.BreachClock, err error) {
	defer art28.Wrap(&err, "store.Assess")
	a, err := authorizeProcessorWrite(ctx, "incidents")
	if err != nil {
		return nil, err
	}
	if as != art28.AssessBreach && as != art28.AssessNotBreach {
		return nil, art28.FieldError("assessment", "must be breach or not_breach")
	}
	if err := checkReason(&reason); err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		i, err := findIncident(ctx, tx, a, id)
		if err != nil {
			return err
		}
		switch {
		case i.State == art28.IncidentClosed:
			return conflict("state", "The incident is closed.")
		case i.Assessment == art28.AssessBreach:
			return conflict("assessment", "The incident is already assessed as a breach; its notices are under way.")
		}
		now := tx.Now
		i.Assessment, i.AssessmentReason, i.AssessedAt, i.AssessedBy = as, reason, &now, a.Name
		if _, err := tx.exec(ctx, `UPDATE incidents SET assessment = ?, assessment_reason = ?, assessed_at = ?, assessed_by = ?,
			updated_at = ? WHERE id = ?`, as, reason, now, a.Name, now, id); err != nil {
			return err
		}
		if err := tx.record(ctx, a, "incident.assess", "incident", id, 0, fmt.Sprintf("assessed: %s: %s", as, reason)); err != nil {
			return err
		}
		if as == art28.AssessBreach {
			if _, err := openClocks(ctx, tx, s.db, a, i); err != nil {
				return err
			}
		}
		clocks, err = clocksOf(ctx, tx, a, id)
		return err
	})
	return clocks, err
}

// openClocks opens, for each running agreement of an affected customer
// that covers one of the incident's services (or any, when the incident
// names none) and has no clock yet, its clock and its notice duty, due per
// its breach_notification clause from the awareness time. A breach may
// reach thousands of agreements: rows go in batches (bulkInsert), and the
// deadline is computed once per distinct terms.
func openClocks(ctx context.Context, tx *Tx, db *DB, a art28.Actor, i *art28.Incident) (int, error) {
	targets, err := clockTargets(ctx, tx, i)
	if err != nil || len(targets) == 0 {
		return 0, err
	}
	byTerms := map[*art28.Terms]*clockTerms{} // nil: the agreement has no terms
	duties := newBulkInsert(tx, "duties", dutyInsertColumns, "id, agreement_id", fanoutBatch)
	clocks := newBulkInsert(tx, "breach_clocks", `incident_id, agreement_id, customer_id, clause_ids, period, aware_at, due_at,
		duty_id`, "", fanoutBatch)
	acts := newBulkInsert(tx, "activities", activityColumns, "", fanoutBatch)
	defer duties.close()
	defer clocks.close()
	defer acts.close()
	n := 0
	for start := 0; start < len(targets); start += fanoutBatch {
		var batch []target
		var terms []*clockTerms
		for _, t := range targets[start:min(start+fanoutBatch, len(targets))] {
			tm, err := db.agreementTerms(ctx, tx, t.version, t.overrides)
			if err != nil {
				return n, err
			}
			ct, ok := byTerms[tm]
			if !ok {
				if ct, err = breachClockOf(tm, i.AwareAt); err != nil {
					return n, err
				}
				byTerms[tm] = ct
			}
			batch, terms = append(batch, t), append(terms, ct)
			if err := duties.add(ctx, "breach.notice", fmt.Sprintf("Notify %s of the breach: %s", t.customer, i.Title),
				t.customerID, t.agreementID, string(art28.BreachNotification), jsonText(ct.clause.Implements), i.AwareAt, ct.due,
				art28.DutyOpen, tx.Now); err != nil {
				return n, err
			}
		}
		ids, err := duties.returnedIDs(ctx)
		if err != nil {
			return n, err
		}
		for k, t := range batch {
			ct := terms[k]
			if err := clocks.add(ctx, i.ID, t.agreementID, t.customerID, jsonText(ct.clause.Implements), ct.clause.Period.String(),
				i.AwareAt, ct.due, ids[t.agreementID]); err != nil {
				return n, err
			}
			if err := acts.add(ctx, tx.Now, a.Kind(), a.ID(), a.Name, "incident.clock", "incident", i.ID, t.customerID,
				fmt.Sprintf("breach notice to %s due %s (%s, %s)", t.customer, ct.due.Format("2006-01-02 15:04Z"),
					ct.clause.Period, strings.Join(ct.clause.Implements, ", ")), a.Source); err != nil {
				return n, err
			}
			n++
		}
	}
	if err := clocks.exec(ctx); err != nil {
		return n, err
	}
	return n, acts.exec(ctx)
}

// clockTerms is the breach clock of one set of terms.
type clockTerms struct {
	clause *art28.ClauseTerms
	due    time.Time
}

// defaultBreachClause is the clock of an agreement whose terms set none
// (or that has no terms): the regulation's own, without undue delay
// (Art. 33(2)), run on a 24-hour target so that it is not forgotten.
var defaultBreachClause = func() *art28.ClauseTerms {
	p, err := art28.ParsePeriod("without undue delay", "24 hours")
	if err != nil {
		panic(err)
	}
	return &art28.ClauseTerms{Period: &p, Implements: []string{}}
}()

// breachClockOf computes the deadline of a breach under terms (nil: none).
func breachClockOf(tm *art28.Terms, aware time.Time) (*clockTerms, error) {
	if c := termsClause(tm, art28.BreachNotification); c != nil && c.Period != nil {
		due, err := tm.Deadline(art28.BreachNotification, aware, lookupCalendar(tm.Calendar))
		if err != nil {
			return nil, err
		}
		return &clockTerms{clause: c, due: due.UTC().Truncate(time.Microsecond)}, nil
	}
	due, err := defaultBreachClause.Period.Deadline(aware, time.UTC, nil, false)
	if err != nil {
		return nil, err
	}
	return &clockTerms{clause: defaultBreachClause, due: due.UTC().Truncate(time.Microsecond)}, nil
}

// The columns insertDuty and Tx.record write, for batches of them.
const (
	dutyInsertColumns = `kind, title, customer_id, agreement_id, clause, clause_ids, opened_at, due_at, state, next_reminder_at`
	activityColumns   = `at, actor_kind, actor_id, actor_name, action, object_type, object_id, customer_id, summary, source`
)

// lookupCalendar is the working-day calendar of a code; terms are checked
// on import, so an unknown code means none (no working days are counted).
func lookupCalendar(code string) art28.Calendar {
	c, err := calendar.Lookup(code)
	if err != nil {
		return nil
	}
	return c
}

// clockTargets lists the running agreements an incident reaches that have
// no clock yet.
func clockTargets(ctx context.Context, tx *Tx, i *art28.Incident) ([]target, error) {
	if len(i.Affected) == 0 {
		return nil, nil
	}
	args := []any{art28.AgreementActive, art28.AgreementTerminating, i.ID, i.ID}
	q := `SELECT a.id, a.customer_id, c.legal_name, c.language, a.terms_version_id, a.terms_overrides
		FROM agreements a JOIN customers c ON c.id = a.customer_id
		WHERE a.status IN (?, ?)
		AND a.customer_id IN (SELECT customer_id FROM incident_customers WHERE incident_id = ?)
		AND NOT EXISTS (SELECT 1 FROM breach_clocks b WHERE b.incident_id = ? AND b.agreement_id = a.id)`
	if len(i.ServiceIDs) > 0 {
		q += ` AND EXISTS (SELECT 1 FROM agreement_services s WHERE s.agreement_id = a.id AND s.service_id IN (` +
			placeholders(len(i.ServiceIDs)) + `))`
		for _, id := range i.ServiceIDs {
			args = append(args, id)
		}
	}
	rows, err := tx.query(ctx, q+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []target
	for rows.Next() {
		var t target
		if err := rows.Scan(&t.agreementID, &t.customerID, &t.customer, &t.language, &t.version, &t.overrides); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// clocksOf reads an incident's clocks, with the first notice's time and
// acknowledgement.
func clocksOf(ctx context.Context, tx *Tx, a art28.Actor, incidentID int64) ([]art28.BreachClock, error) {
	cond, args := scope(a, "b.customer_id")
	rows, err := tx.query(ctx, `SELECT b.agreement_id, b.customer_id, c.legal_name, b.clause_ids, b.period, b.aware_at, b.due_at,
		b.duty_id, b.notified_at, b.acknowledged_at
		FROM breach_clocks b JOIN customers c ON c.id = b.customer_id WHERE b.incident_id = ?`+cond+` ORDER BY b.due_at, b.id`,
		append([]any{incidentID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []art28.BreachClock{}
	for rows.Next() {
		var c art28.BreachClock
		var clauses string
		var duty sql.NullInt64
		var notified, acked sql.NullTime
		if err := rows.Scan(&c.AgreementID, &c.CustomerID, &c.Customer, &clauses, &c.Period, &c.AwareAt, &c.DueAt, &duty,
			&notified, &acked); err != nil {
			return nil, err
		}
		c.AwareAt, c.DueAt, c.DutyID = c.AwareAt.UTC(), c.DueAt.UTC(), duty.Int64
		c.NotifiedAt, c.AcknowledgedAt = timePtr(notified), timePtr(acked)
		if c.NotifiedAt != nil && c.NotifiedAt.After(c.DueAt) {
			c.Late = c.NotifiedAt.Sub(c.DueAt).Round(time.Minute).String()
		}
		if c.ClauseIDs, err = fromJSON[[]string](clauses); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Clocks returns every agreement's clock for an incident.
func (s *Incidents) Clocks(ctx context.Context, id int64) (list []art28.BreachClock, err error) {
	defer art28.Wrap(&err, "store.Clocks")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		if _, err := findIncident(ctx, tx, a, id); err != nil {
			return err
		}
		list, err = clocksOf(ctx, tx, a, id)
		return err
	})
	return list, err
}

// CloseIncident ends an incident.
func (s *Incidents) CloseIncident(ctx context.Context, id int64) (i *art28.Incident, err error) {
	defer art28.Wrap(&err, "store.CloseIncident")
	a, err := authorizeProcessorWrite(ctx, "incidents")
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if i, err = findIncident(ctx, tx, a, id); err != nil {
			return err
		}
		if i.State == art28.IncidentClosed {
			return conflict("state", "The incident is already closed.")
		}
		if i.Assessment == art28.AssessPending {
			return conflict("assessment", "Assess the incident before closing it.")
		}
		open, err := tx.count(ctx, `SELECT COUNT(*) FROM breach_clocks WHERE incident_id = ? AND notified_at IS NULL`, id)
		if err != nil {
			return err
		}
		if open > 0 {
			return conflict("state", "%d affected agreements have not been notified yet.", open)
		}
		now := tx.Now
		i.State, i.ClosedAt, i.UpdatedAt = art28.IncidentClosed, &now, now
		if _, err := tx.exec(ctx, `UPDATE incidents SET state = ?, closed_at = ?, updated_at = ? WHERE id = ?`, i.State, now, now, id); err != nil {
			return err
		}
		return tx.record(ctx, a, "incident.close", "incident", id, 0, "closed incident "+strconv.Quote(i.Title))
	})
	return i, err
}
