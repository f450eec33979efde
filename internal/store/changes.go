package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/calendar"
)

// Changes implements art28.ChangeService.
type Changes struct{ db *DB }

// NewChanges returns the change store of db.
func NewChanges(db *DB) *Changes { return &Changes{db: db} }

var _ art28.ChangeService = (*Changes)(nil)

const changeColumns = `id, kind, subprocessor_id, replaces_id, new_country, new_safeguard, new_scc_module, new_purpose,
	summary, effective_from, state, announced_at, announced_by, closed_at, reason, skipped`

func scanChange(row interface{ Scan(...any) error }) (*art28.Change, error) {
	c := &art28.Change{}
	var replaces sql.NullInt64
	var closed sql.NullTime
	if err := row.Scan(&c.ID, &c.Kind, &c.SubprocessorID, &replaces, &c.NewCountry, &c.NewSafeguard, &c.NewSCCModule,
		&c.NewPurpose, &c.Summary, &c.EffectiveFrom, &c.State, &c.AnnouncedAt, &c.AnnouncedBy, &closed, &c.Reason,
		&c.Tally.Skipped); err != nil {
		return nil, err
	}
	c.ReplacesID, c.AnnouncedAt, c.ClosedAt = replaces.Int64, c.AnnouncedAt.UTC(), timePtr(closed)
	return c, nil
}

func findChange(ctx context.Context, tx *Tx, id int64) (*art28.Change, error) {
	c, err := scanChange(tx.queryRow(ctx, `SELECT `+changeColumns+` FROM subprocessor_changes WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Change", id)
	}
	if err != nil {
		return nil, err
	}
	return c, tally(ctx, tx, c)
}

// tally counts a change's notices by state.
func tally(ctx context.Context, tx *Tx, c *art28.Change) error {
	rows, err := tx.query(ctx, `SELECT state, COUNT(*) FROM change_notices WHERE change_id = ? GROUP BY state`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	t := art28.NoticeTally{Skipped: c.Tally.Skipped} // stored on the change: agreements without notices
	for rows.Next() {
		var st art28.NoticeState
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return err
		}
		t.Agreements += n
		switch st {
		case art28.NoticeOpen:
			t.Open += n
		case art28.NoticeObjected:
			t.Objected += n
		case art28.NoticeApproved:
			t.Approved += n
		case art28.NoticeKeptOff, art28.NoticeTerminate:
			t.KeptOff += n
		}
	}
	c.Tally = t
	return rows.Err()
}

// Change returns one change. Customers read changes too: they are told of
// them, and the public list shows them.
func (s *Changes) Change(ctx context.Context, id int64) (c *art28.Change, err error) {
	defer art28.Wrap(&err, "store.Change")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		c, err = findChange(ctx, tx, id)
		return err
	})
	return c, err
}

// Changes lists changes, latest first.
func (s *Changes) Changes(ctx context.Context, f art28.ChangeFilter) (list []*art28.Change, total int, err error) {
	defer art28.Wrap(&err, "store.Changes")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, 0, err
	}
	w := &where{sql: "1 = 1"}
	if f.State != nil {
		w.and(`state = ?`, *f.State)
	}
	if f.SubprocessorID != nil {
		w.and(`(subprocessor_id = ? OR replaces_id = ?)`, *f.SubprocessorID, *f.SubprocessorID)
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "subprocessor_changes", changeColumns, "announced_at DESC, id DESC",
			w, f.Page.Normalize(), scanRows(scanChange))
		if err != nil {
			return err
		}
		for _, c := range list {
			if err := tally(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	return list, total, err
}

// checkAnnouncement refuses a change that does not fit the register: a
// second change under way, adding one already listed, removing one that is
// not, a move to where it already is.
func checkAnnouncement(ctx context.Context, tx *Tx, c *art28.Change, sp *art28.Subprocessor) error {
	conflict := func(field, format string, args ...any) error {
		return &art28.Error{Code: art28.ECONFLICT, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	if sp.Kind == art28.KindAncillary {
		return art28.FieldError("subprocessor_id", "%s is an ancillary service, not a sub-processor (G9.9): it is not announced", sp.Name)
	}
	n, err := tx.count(ctx, `SELECT COUNT(*) FROM subprocessor_changes WHERE state = ? AND (subprocessor_id = ? OR replaces_id = ?)`,
		art28.ChangeAnnounced, sp.ID, sp.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return conflict("subprocessor_id", "A change to %s is already under way; withdraw it or wait for it to complete.", sp.Name)
	}
	switch c.Kind {
	case art28.ChangeAdd, art28.ChangeReplace:
		if sp.Listed {
			return conflict("subprocessor_id", "%s is already on the list.", sp.Name)
		}
	default:
		if !sp.Listed {
			return conflict("subprocessor_id", "%s is not on the list.", sp.Name)
		}
	}
	switch c.Kind {
	case art28.ChangeReplace:
		old, err := findSubprocessor(ctx, tx, c.ReplacesID)
		if art28.ErrorCode(err) == art28.ENOTFOUND {
			return art28.FieldError("replaces_id", "no sub-processor %d exists", c.ReplacesID)
		} else if err != nil {
			return err
		}
		if !old.Listed {
			return conflict("replaces_id", "%s is not on the list.", old.Name)
		}
	case art28.ChangeLocation:
		if c.NewCountry == sp.Country && c.NewSafeguard == sp.Safeguard {
			return art28.FieldError("new_country", "is where %s already is", sp.Name)
		}
	case art28.ChangePurpose:
		if c.NewPurpose == sp.Purpose {
			return art28.FieldError("new_purpose", "is the purpose %s already has", sp.Name)
		}
	}
	return nil
}

// target is an agreement a change reaches.
type target struct {
	agreementID, customerID int64
	customer, language      string
	version                 sql.NullInt64
	overrides               string
}

// affected lists the running agreements that cover one of the services.
func affected(ctx context.Context, tx *Tx, services []int64) ([]target, error) {
	if len(services) == 0 {
		return nil, nil
	}
	args := []any{art28.AgreementActive, art28.AgreementTerminating}
	for _, id := range services {
		args = append(args, id)
	}
	rows, err := tx.query(ctx, `SELECT a.id, a.customer_id, c.legal_name, c.language, a.terms_version_id, a.terms_overrides
		FROM agreements a JOIN customers c ON c.id = a.customer_id
		WHERE a.status IN (?, ?) AND EXISTS (SELECT 1 FROM agreement_services s
			WHERE s.agreement_id = a.id AND s.service_id IN (`+placeholders(len(services))+`))
		ORDER BY a.id`, args...)
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

// window is a notice's terms on one agreement's clock; agreements under
// the same terms share one.
type window struct {
	end                                 *time.Time
	zone                                string
	objection, silence, consent, refund bool
	clauseIDs, channels                 []string
	notify                              []art28.ContactRole
	clauses                             string // clauseIDs as JSON, once per window
}

// clauseJSON is the window's clause IDs as the clause_ids columns keep
// them: a JSON list, never null.
func (w *window) clauseJSON() string {
	if w.clauses == "" {
		ids := w.clauseIDs
		if ids == nil {
			ids = []string{}
		}
		w.clauses = jsonText(ids)
	}
	return w.clauses
}

func windowOf(t *art28.Terms, c *art28.Change, sp *art28.Subprocessor, now time.Time) (*window, error) {
	w := &window{zone: t.TimeZone, channels: []string{"email"}}
	country, safeguard := sp.Country, sp.Safeguard
	if c.Kind == art28.ChangeLocation {
		country, safeguard = c.NewCountry, c.NewSafeguard
	}
	w.consent = c.Kind.Widens() && t.NeedsConsent(country, safeguard)
	clause := t.Clauses[art28.SubprocessorNotice]
	if clause == nil {
		return w, nil // no clause: the customer is told, nothing more
	}
	w.clauseIDs, w.notify = clause.Implements, clause.Notify
	if len(clause.Channels) > 0 {
		w.channels = clause.Channels
	}
	if !c.Kind.Widens() || clause.Period == nil {
		return w, nil
	}
	cal, err := calendar.Lookup(t.Calendar)
	if err != nil {
		return nil, err
	}
	loc, err := art28.LoadZone(t.TimeZone)
	if err != nil {
		return nil, err
	}
	end, err := clause.Period.Deadline(now, loc, cal, clause.Roll)
	if err != nil {
		return nil, err
	}
	end = end.UTC().Truncate(time.Microsecond)
	w.end = &end
	w.objection = clause.Objection == "allowed" || clause.Objection == "allowed_with_termination"
	w.refund = clause.Objection == "allowed_with_termination"
	w.silence = clause.Silence == "approves"
	return w, nil
}

// Announce stores the change and, for every agreement it reaches, the
// notice on that agreement's clock, its duty, its activity entry and its
// deliveries, all in one transaction: a change is announced to every
// customer or to none.
func (s *Changes) Announce(ctx context.Context, c *art28.Change) (out *art28.Announcement, err error) {
	defer art28.Wrap(&err, "store.Announce")
	a, err := authorizeProcessorWrite(ctx, "the sub-processor list")
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		sp, err := findSubprocessor(ctx, tx, c.SubprocessorID)
		if art28.ErrorCode(err) == art28.ENOTFOUND {
			return art28.FieldError("subprocessor_id", "no sub-processor %d exists", c.SubprocessorID)
		} else if err != nil {
			return err
		}
		if err := checkAnnouncement(ctx, tx, c, sp); err != nil {
			return err
		}
		c.State, c.AnnouncedAt, c.AnnouncedBy, c.ClosedAt, c.Reason = art28.ChangeAnnounced, tx.Now, a.Name, nil, ""
		if c.ID, err = tx.insert(ctx, `INSERT INTO subprocessor_changes (kind, subprocessor_id, replaces_id, new_country,
			new_safeguard, new_scc_module, new_purpose, summary, effective_from, state, announced_at, announced_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Kind, c.SubprocessorID, nullID(c.ReplacesID), c.NewCountry, c.NewSafeguard, c.NewSCCModule, c.NewPurpose,
			c.Summary, c.EffectiveFrom, c.State, c.AnnouncedAt, c.AnnouncedBy); err != nil {
			return err
		}
		out = &art28.Announcement{Change: c, Skipped: []int64{}}
		if err := s.notifyAll(ctx, tx, a, c, sp, out); err != nil {
			return err
		}
		if len(out.Skipped) > 0 {
			if _, err := tx.exec(ctx, `UPDATE subprocessor_changes SET skipped = ? WHERE id = ?`, len(out.Skipped), c.ID); err != nil {
				return err
			}
		}
		if err := tx.record(ctx, a, "change.announce", "change", c.ID, 0, fmt.Sprintf("announced %s of %s: %d agreements told, %d windows opened, %d without terms",
			c.Kind, sp.Name, out.Notices, out.Duties, len(out.Skipped))); err != nil {
			return err
		}
		if err := queueListSubscribers(ctx, tx, c.ID); err != nil {
			return err
		}
		if _, err := completeChanges(ctx, tx, a, c.ID); err != nil {
			return err
		}
		// Read back: a change with nothing to wait for completed just now.
		fresh, err := findChange(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		*c = *fresh
		return nil
	})
	return out, err
}

// completeChanges completes the announced changes (only, when not zero)
// that have nothing left open, and applies them to the register.
func completeChanges(ctx context.Context, tx *Tx, a art28.Actor, only int64) (int, error) {
	q := `SELECT ` + changeColumns + ` FROM subprocessor_changes c WHERE state = ? AND NOT EXISTS
		(SELECT 1 FROM change_notices n WHERE n.change_id = c.id AND n.state IN (?, ?))`
	args := []any{art28.ChangeAnnounced, art28.NoticeOpen, art28.NoticeObjected}
	if only != 0 {
		q += ` AND id = ?`
		args = append(args, only)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	var done []*art28.Change
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		done = append(done, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, c := range done {
		now := tx.Now
		c.State, c.ClosedAt = art28.ChangeCompleted, &now
		if _, err := tx.exec(ctx, `UPDATE subprocessor_changes SET state = ?, closed_at = ? WHERE id = ?`, c.State, now, c.ID); err != nil {
			return 0, err
		}
		if err := applyChange(ctx, tx, c); err != nil {
			return 0, err
		}
		if err := tx.record(ctx, a, "change.complete", "change", c.ID, 0,
			fmt.Sprintf("completed %s of sub-processor %d: every window has closed", c.Kind, c.SubprocessorID)); err != nil {
			return 0, err
		}
	}
	return len(done), nil
}

// applyChange brings the register to what a completed change announced.
func applyChange(ctx context.Context, tx *Tx, c *art28.Change) error {
	set := func(q string, args ...any) error {
		_, err := tx.exec(ctx, `UPDATE subprocessors SET `+q+`, updated_at = ? WHERE id = ?`, append(args, tx.Now, c.SubprocessorID)...)
		return err
	}
	switch c.Kind {
	case art28.ChangeAdd:
		return set(`listed = ?`, true)
	case art28.ChangeReplace:
		if _, err := tx.exec(ctx, `UPDATE subprocessors SET listed = ?, updated_at = ? WHERE id = ?`, false, tx.Now, c.ReplacesID); err != nil {
			return err
		}
		return set(`listed = ?`, true)
	case art28.ChangeRemove:
		return set(`listed = ?`, false)
	case art28.ChangeLocation:
		return set(`country = ?, safeguard = ?, scc_module = ?`, c.NewCountry, c.NewSafeguard, c.NewSCCModule)
	case art28.ChangePurpose:
		return set(`purpose = ?`, c.NewPurpose)
	}
	return nil
}
