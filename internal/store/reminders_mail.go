package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/art28/art28"
)

// Reminders and escalations of duties by e-mail. Each reminder the
// sweeper records is a row of duty_reminders, the notice its deliveries
// point to, written in the same transaction as its activity entry: the
// privacy officers are told of every reminder, and the owners too of an
// escalation. These are messages to the processor's own staff, so their
// deliveries name no customer: a customer's delivery record does not show
// them.

// eventDutyReminder is the event of a reminder's deliveries; its notice_id
// is a duty_reminders row.
const eventDutyReminder = "duty_reminder"

// mailedKind reports whether reminders of a kind of duty are e-mailed. An
// objection window is not: it closes by itself when the customer stays
// silent, an objection shows on the change's page, and one announcement
// opens a window per agreement: e-mailing each would send the privacy
// officers one message per customer at every threshold. (A digest of many
// duties in one message is the better answer for every kind; not yet.)
func mailedKind(kind string) bool { return kind != "subprocessor.objection_window" }

// reminderMail queues the e-mails of one batch of reminders. The
// recipients are read once per batch: a fan-out's duties fall due
// together, by the hundred.
type reminderMail struct {
	tx         *Tx
	loaded     bool
	officers   []contact // privacy officers
	owners     []contact
	deliveries *bulkInsert
}

func newReminderMail(tx *Tx) *reminderMail { return &reminderMail{tx: tx} }

// recipients reads the active processor users who are told of reminders.
func (m *reminderMail) recipients(ctx context.Context) error {
	if m.loaded {
		return nil
	}
	rows, err := m.tx.query(ctx, `SELECT email, name, role FROM users
		WHERE disabled_at IS NULL AND customer_id IS NULL AND role IN (?, ?) ORDER BY id`,
		art28.RolePrivacyOfficer, art28.RoleOwner)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c contact
		var role art28.Role
		if err := rows.Scan(&c.email, &c.name, &role); err != nil {
			return err
		}
		if role == art28.RoleOwner {
			m.owners = append(m.owners, c)
		} else {
			m.officers = append(m.officers, c)
		}
	}
	m.loaded = true
	return rows.Err()
}

// queue records the reminder of d at r.Fire and queues its e-mails. It
// reports false when the reminder was already recorded (another sweeper
// was first), and then writes nothing.
func (m *reminderMail) queue(ctx context.Context, d *art28.Duty, r Reminded, escalation bool) (bool, error) {
	now := m.tx.Now
	var id int64
	err := m.tx.queryRow(ctx, `INSERT INTO duty_reminders (duty_id, fired_at, label, escalation, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (duty_id, fired_at) DO NOTHING RETURNING id`,
		d.ID, r.Fire.UTC(), r.Label, escalation, now).Scan(&id)
	if err == sql.ErrNoRows {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if !mailedKind(d.Kind) {
		return true, nil // recorded; no e-mail (see mailedKind)
	}
	if err := m.recipients(ctx); err != nil {
		return false, err
	}
	to := m.officers
	if escalation {
		to = append(to[:len(to):len(to)], m.owners...)
	}
	if len(to) == 0 {
		return true, nil
	}
	if m.deliveries == nil {
		m.deliveries = newBulkInsert(m.tx, "deliveries", deliveryInsertColumns, "", 1000)
	}
	for _, c := range to {
		if err := m.deliveries.add(ctx, eventDutyReminder, id, nil, art28.ChannelEmail, c.email, c.name, "",
			art28.DeliveryPending, now, now); err != nil {
			return false, err
		}
	}
	return true, nil
}

// flush writes the deliveries still waiting.
func (m *reminderMail) flush(ctx context.Context) error {
	if m.deliveries == nil {
		return nil
	}
	defer m.deliveries.close()
	return m.deliveries.exec(ctx)
}

// DutyReminder is one reminder or escalation of a duty, as recorded.
type DutyReminder struct {
	ID         int64
	DutyID     int64
	FiredAt    time.Time
	Label      string // e.g. "50% of the period has passed", "overdue by 2 days"
	Escalation bool   // the duty was overdue
}

// ReminderMailing is what a reminder's e-mail says: the reminder, its duty
// as it stands now, the customer's name when the duty has one, and the
// time zone of the duty's agreement when it has terms (empty otherwise).
type ReminderMailing struct {
	Reminder     DutyReminder
	Duty         *art28.Duty
	CustomerName string
	TimeZone     string
}

// ReminderMailing reads a reminder for its deliveries. It is the system's
// work and needs no actor.
func (db *DB) ReminderMailing(ctx context.Context, reminderID int64) (m *ReminderMailing, err error) {
	defer art28.Wrap(&err, "store.ReminderMailing")
	err = db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		m = &ReminderMailing{}
		r := &m.Reminder
		err := tx.queryRow(ctx, `SELECT id, duty_id, fired_at, label, escalation FROM duty_reminders WHERE id = ?`,
			reminderID).Scan(&r.ID, &r.DutyID, &r.FiredAt, &r.Label, &r.Escalation)
		if err == sql.ErrNoRows {
			return errNotFound("Duty reminder", reminderID)
		} else if err != nil {
			return err
		}
		r.FiredAt = r.FiredAt.UTC()
		if m.Duty, err = findDuty(ctx, tx, art28.SystemActor, r.DutyID); err != nil {
			return err
		}
		if m.Duty.CustomerID != 0 {
			if err := tx.queryRow(ctx, `SELECT legal_name FROM customers WHERE id = ?`,
				m.Duty.CustomerID).Scan(&m.CustomerName); err != nil {
				return err
			}
		}
		if m.Duty.AgreementID == 0 {
			return nil
		}
		// The terms are parsed once per version and kept (termsCache), so
		// the zone costs one point read.
		var version sql.NullInt64
		var overrides string
		if err := tx.queryRow(ctx, `SELECT terms_version_id, terms_overrides FROM agreements WHERE id = ?`,
			m.Duty.AgreementID).Scan(&version, &overrides); err != nil {
			return err
		}
		t, err := db.agreementTerms(ctx, tx, version, overrides)
		if err != nil || t == nil {
			return err
		}
		m.TimeZone = t.TimeZone
		return nil
	})
	return m, err
}
