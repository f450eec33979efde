package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/art28/art28"
)

const breachNoticeColumns = `id, incident_id, agreement_id, customer_id, phase, content, issued_at, issued_by, due_at, late_ms,
	acknowledged_at, acknowledged_by`

func scanBreachNotice(row interface{ Scan(...any) error }) (*art28.BreachNotice, error) {
	n := &art28.BreachNotice{}
	var content string
	var due, acked sql.NullTime
	var lateMS int64
	if err := row.Scan(&n.ID, &n.IncidentID, &n.AgreementID, &n.CustomerID, &n.Phase, &content, &n.IssuedAt, &n.IssuedBy,
		&due, &lateMS, &acked, &n.AcknowledgedBy); err != nil {
		return nil, err
	}
	n.IssuedAt, n.DueAt, n.AcknowledgedAt = n.IssuedAt.UTC(), timePtr(due), timePtr(acked)
	n.Late = time.Duration(lateMS) * time.Millisecond
	return n, json.Unmarshal([]byte(content), &n.Content)
}

// eventBreachNotice is the deliveries' event of a breach notice; its
// notice_id points into breach_notices.
const eventBreachNotice = "breach_notice"

// IssueNotices sends the next phase of the breach notice to every
// affected agreement with a clock: the shared content with each customer's
// own figures and, where its data was encrypted on its side, that
// mitigating factor (L3) as ClientSideEncrypted. Every customer's content is checked before anything is
// written: a part empty and not announced to follow refuses the whole.
func (s *Incidents) IssueNotices(ctx context.Context, id int64, c art28.BreachContent) (list []*art28.BreachNotice, err error) {
	defer art28.Wrap(&err, "store.IssueNotices")
	a, err := authorizeProcessorWrite(ctx, "breach notices")
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		i, err := findIncident(ctx, tx, a, id)
		if err != nil {
			return err
		}
		switch {
		case i.State == art28.IncidentClosed:
			return conflict("state", "The incident is closed; it takes no more notices.")
		case i.Assessment != art28.AssessBreach:
			return conflict("assessment", "Only a breach is notified; the incident is assessed %s.", i.Assessment)
		}
		clocks, err := clocksOf(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if len(clocks) == 0 {
			return conflict("affected", "No affected agreement has a clock: record the customers the breach affects.")
		}
		if c.DPO == "" {
			// The contact point the profile names (G5.5), unless the
			// notice names another.
			if c.DPO, err = dpoContact(ctx, tx); err != nil {
				return err
			}
		}
		figures := map[int64]art28.Affected{}
		for _, af := range i.Affected {
			figures[af.CustomerID] = af
		}
		// Check every customer's content before writing any.
		contents := make([]art28.BreachContent, len(clocks))
		for k, ck := range clocks {
			contents[k] = contentFor(c, figures[ck.CustomerID])
			if missing := contents[k].Missing(); len(missing) > 0 {
				return art28.FieldError("to_follow", "the notice to %s has no %s: give it, or say it will follow",
					ck.Customer, joinParts(missing))
			}
		}
		contacts, err := contactsOf(ctx, tx, targetsOf(clocks))
		if err != nil {
			return err
		}
		list, err = s.issueAll(ctx, tx, a, i, clocks, contents, contacts)
		return err
	})
	return list, err
}

// issueAll writes the next phase of every clock's notice, in batches: a
// breach may reach thousands of agreements. The first phase stops its
// clock and closes its duty.
func (s *Incidents) issueAll(ctx context.Context, tx *Tx, a art28.Actor, i *art28.Incident, clocks []art28.BreachClock,
	contents []art28.BreachContent, contacts map[int64][]contact) ([]*art28.BreachNotice, error) {
	phases, err := latestPhases(ctx, tx, i.ID)
	if err != nil {
		return nil, err
	}
	how, err := s.recipientsOf(ctx, tx, i.ID)
	if err != nil {
		return nil, err
	}
	notices := newBulkInsert(tx, "breach_notices", `incident_id, agreement_id, customer_id, phase, content, issued_at, issued_by,
		due_at, late_ms`, "id, agreement_id", fanoutBatch)
	deliveries := newBulkInsert(tx, "deliveries", deliveryInsertColumns, "", fanoutBatch)
	acts := newBulkInsert(tx, "activities", activityColumns, "", fanoutBatch)
	defer notices.close()
	defer deliveries.close()
	defer acts.close()
	list := make([]*art28.BreachNotice, 0, len(clocks))
	for start := 0; start < len(clocks); start += fanoutBatch {
		batch := list[len(list):]
		for k := start; k < min(start+fanoutBatch, len(clocks)); k++ {
			ck := clocks[k]
			n := &art28.BreachNotice{IncidentID: i.ID, AgreementID: ck.AgreementID, CustomerID: ck.CustomerID,
				Phase: phases[ck.AgreementID] + 1, Content: contents[k], IssuedAt: tx.Now, IssuedBy: a.Name}
			if n.Phase == 1 {
				due := ck.DueAt
				n.DueAt = &due
				if n.IssuedAt.After(due) {
					n.Late = n.IssuedAt.Sub(due)
				}
			}
			body, err := json.Marshal(n.Content)
			if err != nil {
				return nil, err
			}
			if err := notices.add(ctx, n.IncidentID, n.AgreementID, n.CustomerID, n.Phase, string(body), n.IssuedAt, n.IssuedBy,
				nullTime(n.DueAt), n.Late.Milliseconds()); err != nil {
				return nil, err
			}
			batch = append(batch, n)
		}
		ids, err := notices.returnedIDs(ctx)
		if err != nil {
			return nil, err
		}
		for k, n := range batch {
			n.ID = ids[n.AgreementID]
			ck := clocks[start+k]
			r := how[ck.AgreementID]
			if err := queueDeliveries(ctx, deliveries, tx.Now, eventBreachNotice, n.ID, r.t, r.channels, r.notify, contacts[ck.CustomerID]); err != nil {
				return nil, err
			}
			if err := acts.add(ctx, tx.Now, a.Kind(), a.ID(), a.Name, "breach.notice", "incident", i.ID, ck.CustomerID,
				noticeSummary(n, ck.Customer), a.Source); err != nil {
				return nil, err
			}
		}
		list = append(list, batch...)
	}
	// The first notices close their duties and stop their clocks.
	if _, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ? WHERE state = ? AND id IN
		(SELECT duty_id FROM breach_clocks WHERE incident_id = ? AND notified_at IS NULL)`,
		art28.DutyDone, tx.Now, a.Name, art28.DutyOpen, i.ID); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE breach_clocks SET notified_at = ? WHERE incident_id = ? AND notified_at IS NULL`, tx.Now, i.ID); err != nil {
		return nil, err
	}
	if err := deliveries.exec(ctx); err != nil {
		return nil, err
	}
	return list, acts.exec(ctx)
}

// noticeSummary is a notice's activity entry.
func noticeSummary(n *art28.BreachNotice, customer string) string {
	summary := fmt.Sprintf("breach notice, phase %d, to %s", n.Phase, customer)
	switch {
	case n.Phase == 1 && n.Late > 0:
		summary += fmt.Sprintf(", %s late", n.Late.Round(time.Minute))
	case n.Phase == 1:
		summary += ", on time"
	}
	if len(n.Content.ToFollow) > 0 {
		summary += "; to follow: " + joinParts(n.Content.ToFollow)
	}
	return summary
}

// latestPhases maps each agreement of an incident to its last phase sent.
func latestPhases(ctx context.Context, tx *Tx, incidentID int64) (map[int64]int, error) {
	rows, err := tx.query(ctx, `SELECT agreement_id, MAX(phase) FROM breach_notices WHERE incident_id = ? GROUP BY agreement_id`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var phase int
		if err := rows.Scan(&id, &phase); err != nil {
			return nil, err
		}
		out[id] = phase
	}
	return out, rows.Err()
}

// contentFor is the shared content with one customer's figures and
// whether its data concerned were encrypted on its side.
func contentFor(c art28.BreachContent, af art28.Affected) art28.BreachContent {
	out := c
	out.Subjects, out.Records = af.Subjects, af.Records
	// A figure this customer's record has is no longer to follow for it.
	out.ToFollow = nil
	for _, p := range c.ToFollow {
		if p == art28.PartSubjects && af.Subjects != nil || p == art28.PartRecords && af.Records != nil {
			continue
		}
		out.ToFollow = append(out.ToFollow, p)
	}
	// Set, not appended to Mitigation: each language's notice says it in
	// its own words. Whatever the request said, the register decides.
	out.ClientSideEncrypted = af.ClientSideEncrypted
	return out
}

func joinParts(parts []art28.NoticePart) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// targetsOf turns clocks into the targets whose contacts are read.
func targetsOf(clocks []art28.BreachClock) []target {
	out := make([]target, len(clocks))
	for i, c := range clocks {
		out[i] = target{agreementID: c.AgreementID, customerID: c.CustomerID, customer: c.Customer}
	}
	return out
}

// breachRecipients is who an agreement's breach notice goes to, and how.
type breachRecipients struct {
	t        target
	channels []string
	notify   []art28.ContactRole
}

// recipientsOf reads, for every agreement with a clock, what its
// breach_notification clause says of who is told and how (S8: the
// controller and its administrator, by email), and the customer's
// language, in one query.
func (s *Incidents) recipientsOf(ctx context.Context, tx *Tx, incidentID int64) (map[int64]breachRecipients, error) {
	rows, err := tx.query(ctx, `SELECT a.id, a.customer_id, c.legal_name, c.language, a.terms_version_id, a.terms_overrides
		FROM breach_clocks b JOIN agreements a ON a.id = b.agreement_id JOIN customers c ON c.id = a.customer_id
		WHERE b.incident_id = ?`, incidentID)
	if err != nil {
		return nil, err
	}
	var targets []target
	for rows.Next() {
		var t target
		if err := rows.Scan(&t.agreementID, &t.customerID, &t.customer, &t.language, &t.version, &t.overrides); err != nil {
			rows.Close()
			return nil, err
		}
		targets = append(targets, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[int64]breachRecipients, len(targets))
	for _, t := range targets {
		r := breachRecipients{t: t, channels: []string{art28.ChannelEmail}}
		terms, err := s.db.agreementTerms(ctx, tx, t.version, t.overrides)
		if err != nil {
			return nil, err
		}
		if c := termsClause(terms, art28.BreachNotification); c != nil {
			if len(c.Channels) > 0 {
				r.channels = c.Channels
			}
			r.notify = c.Notify
		}
		out[t.agreementID] = r
	}
	return out, nil
}

// termsClause is a clause of terms that may be nil.
func termsClause(t *art28.Terms, key art28.ClauseKey) *art28.ClauseTerms {
	if t == nil {
		return nil
	}
	return t.Clauses[key]
}

// BreachNotices lists an incident's notices; a customer sees its own.
func (s *Incidents) BreachNotices(ctx context.Context, incidentID int64) (list []*art28.BreachNotice, err error) {
	defer art28.Wrap(&err, "store.BreachNotices")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		if _, err := findIncident(ctx, tx, a, incidentID); err != nil {
			return err
		}
		cond, args := scope(a, "customer_id")
		rows, err := tx.query(ctx, `SELECT `+breachNoticeColumns+` FROM breach_notices WHERE incident_id = ?`+cond+
			` ORDER BY agreement_id, phase`, append([]any{incidentID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n, err := scanBreachNotice(rows)
			if err != nil {
				return err
			}
			list = append(list, n)
		}
		return rows.Err()
	})
	return list, err
}

// Acknowledge records that the customer read a notice; the processor's
// staff may record an acknowledgement received otherwise.
func (s *Incidents) Acknowledge(ctx context.Context, id int64) (n *art28.BreachNotice, err error) {
	defer art28.Wrap(&err, "store.Acknowledge")
	a, ok := art28.ActorFrom(ctx)
	if ok && a.IsCustomer() {
		// Any of the customer's staff may say it was read.
		a, err = authorize(ctx, art28.PermRead)
	} else {
		a, err = authorize(ctx, art28.PermWrite)
	}
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		cond, args := scope(a, "customer_id")
		n, err = scanBreachNotice(tx.queryRow(ctx, `SELECT `+breachNoticeColumns+` FROM breach_notices WHERE id = ?`+cond,
			append([]any{id}, args...)...))
		if err == sql.ErrNoRows {
			return errNotFound("Breach notice", id)
		} else if err != nil {
			return err
		}
		if n.AcknowledgedAt != nil {
			return conflict("acknowledged_at", "The notice was acknowledged on %s by %s.", n.AcknowledgedAt.Format(time.RFC3339), n.AcknowledgedBy)
		}
		now := tx.Now
		n.AcknowledgedAt, n.AcknowledgedBy = &now, a.Name
		if _, err := tx.exec(ctx, `UPDATE breach_notices SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?`, now, a.Name, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE breach_clocks SET acknowledged_at = ? WHERE incident_id = ? AND agreement_id = ?
			AND acknowledged_at IS NULL`, now, n.IncidentID, n.AgreementID); err != nil {
			return err
		}
		return tx.record(ctx, a, "breach.acknowledge", "incident", n.IncidentID, n.CustomerID,
			fmt.Sprintf("acknowledged the breach notice, phase %d", n.Phase))
	})
	return n, err
}

// dpoContact is the DPO of the processor's profile, in one line; empty
// when the profile names none.
func dpoContact(ctx context.Context, tx *Tx) (string, error) {
	var name, email, phone string
	err := tx.queryRow(ctx, `SELECT dpo_name, dpo_email, dpo_phone FROM processor_profile`).Scan(&name, &email, &phone)
	if err == sql.ErrNoRows {
		return "", nil
	}
	var parts []string
	for _, p := range []string{name, email, phone} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", "), err
}

// BreachMailing is what one breach notice's messages say.
type BreachMailing struct {
	Notice   *art28.BreachNotice
	Incident string // its title
	AwareAt  time.Time
	Customer string
	Zone     string   // the agreement's time zone
	Clauses  []string // the clause IDs the notice is given under
}

// BreachMailing reads a breach notice for its deliveries.
func (db *DB) BreachMailing(ctx context.Context, noticeID int64) (m *BreachMailing, err error) {
	defer art28.Wrap(&err, "store.BreachMailing")
	list, err := db.BreachMailings(ctx, []int64{noticeID})
	if err != nil {
		return nil, err
	}
	m, ok := list[noticeID]
	if !ok {
		return nil, errNotFound("Breach notice", noticeID)
	}
	return m, nil
}
