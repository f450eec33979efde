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
// mitigation (L3). Every customer's content is checked before anything is
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
		deliveries := newBulkInsert(tx, "deliveries", deliveryInsertColumns, "", 250)
		defer deliveries.close()
		for k, ck := range clocks {
			n, err := s.issueOne(ctx, tx, a, i, ck, contents[k])
			if err != nil {
				return err
			}
			list = append(list, n)
			t, channels, notify, err := s.recipientsOf(ctx, tx, ck)
			if err != nil {
				return err
			}
			if err := queueDeliveries(ctx, deliveries, tx.Now, eventBreachNotice, n.ID, t, channels, notify, contacts[ck.CustomerID]); err != nil {
				return err
			}
		}
		return deliveries.exec(ctx)
	})
	return list, err
}

// issueOne writes the next phase for one agreement; the first phase stops
// its clock and closes its duty.
func (s *Incidents) issueOne(ctx context.Context, tx *Tx, a art28.Actor, i *art28.Incident, ck art28.BreachClock,
	content art28.BreachContent) (*art28.BreachNotice, error) {
	var phase int
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(phase), 0) FROM breach_notices WHERE incident_id = ? AND agreement_id = ?`,
		i.ID, ck.AgreementID).Scan(&phase); err != nil {
		return nil, err
	}
	n := &art28.BreachNotice{IncidentID: i.ID, AgreementID: ck.AgreementID, CustomerID: ck.CustomerID, Phase: phase + 1,
		Content: content, IssuedAt: tx.Now, IssuedBy: a.Name}
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
	if n.ID, err = tx.insert(ctx, `INSERT INTO breach_notices (incident_id, agreement_id, customer_id, phase, content, issued_at,
		issued_by, due_at, late_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.IncidentID, n.AgreementID, n.CustomerID, n.Phase,
		string(body), n.IssuedAt, n.IssuedBy, nullTime(n.DueAt), n.Late.Milliseconds()); err != nil {
		return nil, err
	}
	summary := fmt.Sprintf("breach notice, phase %d, to %s", n.Phase, ck.Customer)
	if n.Phase == 1 {
		if _, err := tx.exec(ctx, `UPDATE breach_clocks SET notified_at = ? WHERE incident_id = ? AND agreement_id = ?`,
			n.IssuedAt, i.ID, ck.AgreementID); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `UPDATE duties SET state = ?, closed_at = ?, closed_by = ? WHERE id = ? AND state = ?`,
			art28.DutyDone, tx.Now, a.Name, ck.DutyID, art28.DutyOpen); err != nil {
			return nil, err
		}
		if n.Late > 0 {
			summary += fmt.Sprintf(", %s late", n.Late.Round(time.Minute))
		} else {
			summary += ", on time"
		}
	}
	if len(content.ToFollow) > 0 {
		summary += "; to follow: " + joinParts(content.ToFollow)
	}
	return n, tx.record(ctx, a, "breach.notice", "incident", i.ID, ck.CustomerID, summary)
}

// contentFor is the shared content with one customer's figures.
func contentFor(c art28.BreachContent, af art28.Affected) art28.BreachContent {
	out := c
	out.Subjects, out.Records = af.Subjects, af.Records
	out.ToFollow = append([]art28.NoticePart(nil), c.ToFollow...)
	if af.ClientSideEncrypted {
		out.Mitigation = strings.TrimSpace(out.Mitigation + " The data concerned were encrypted on your side before they reached us (client-side encryption): we hold no key to read them.")
	}
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

// recipientsOf reads what the agreement's breach_notification clause says
// of who is told and how (S8: the controller and its administrator, by
// email), and the customer's language.
func (s *Incidents) recipientsOf(ctx context.Context, tx *Tx, ck art28.BreachClock) (target, []string, []art28.ContactRole, error) {
	t := target{agreementID: ck.AgreementID, customerID: ck.CustomerID, customer: ck.Customer}
	if err := tx.queryRow(ctx, `SELECT a.terms_version_id, a.terms_overrides, c.language FROM agreements a
		JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`, ck.AgreementID).Scan(&t.version, &t.overrides, &t.language); err != nil {
		return t, nil, nil, err
	}
	terms, err := s.db.agreementTerms(ctx, tx, t.version, t.overrides)
	if err != nil || terms == nil {
		return t, []string{art28.ChannelEmail}, nil, err
	}
	channels := []string{art28.ChannelEmail}
	var notify []art28.ContactRole
	if c := terms.Clauses[art28.BreachNotification]; c != nil {
		if len(c.Channels) > 0 {
			channels = c.Channels
		}
		notify = c.Notify
	}
	return t, channels, notify, nil
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
	err = db.view(ctx, func(tx *Tx) error {
		m = &BreachMailing{Zone: "UTC"}
		n, err := scanBreachNotice(tx.queryRow(ctx, `SELECT `+breachNoticeColumns+` FROM breach_notices WHERE id = ?`, noticeID))
		if err == sql.ErrNoRows {
			return errNotFound("Breach notice", noticeID)
		} else if err != nil {
			return err
		}
		m.Notice = n
		var clauses string
		var version sql.NullInt64
		var overrides string
		if err := tx.queryRow(ctx, `SELECT i.title, b.aware_at, c.legal_name, b.clause_ids, a.terms_version_id, a.terms_overrides
			FROM incidents i JOIN breach_clocks b ON b.incident_id = i.id JOIN customers c ON c.id = b.customer_id
			JOIN agreements a ON a.id = b.agreement_id WHERE i.id = ? AND b.agreement_id = ?`, n.IncidentID, n.AgreementID).Scan(
			&m.Incident, &m.AwareAt, &m.Customer, &clauses, &version, &overrides); err != nil {
			return err
		}
		m.AwareAt = m.AwareAt.UTC()
		if m.Clauses, err = fromJSON[[]string](clauses); err != nil {
			return err
		}
		if t, err := db.agreementTerms(ctx, tx, version, overrides); err == nil && t != nil {
			m.Zone = t.TimeZone
		}
		return nil
	})
	return m, err
}
