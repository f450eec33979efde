package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/art28/art28"
)

// Reminders and escalations of duties by e-mail. Each reminder the
// sweeper records is a row of duty_reminders, written in the same
// transaction as its activity entry: the privacy officers are told of
// every reminder, and the owners too of an escalation. A batch of few
// reminders is e-mailed one message per reminder, whose deliveries point
// at the duty_reminders row, unless a digest of the group is still
// gathering, which they join; a batch of many (a breach opens a duty per
// agreement, all falling due together) is e-mailed as one digest per group
// of recipients, a reminder_digests row. These are messages to the
// processor's own staff, so their deliveries name no customer: a
// customer's delivery record does not show them.

// eventDutyReminder is the event of a reminder's deliveries; its notice_id
// is a duty_reminders row.
const eventDutyReminder = "duty_reminder"

// eventDutyReminderDigest is the event of a digest's deliveries; its
// notice_id is a reminder_digests row.
const eventDutyReminderDigest = "duty_reminder_digest"

// digestAbove is how many reminders of one batch a recipient is e-mailed
// one by one. The sweeper runs every minute, and a routine pass records
// a reminder or two, each worth its own message; more than this at once
// is a fan-out, which a message per duty would turn into a flood.
const digestAbove = 3

// A digest waits digestGather for the rest of its sweep before it is
// sent: the sweeper works in batches of a couple of hundred duties, each
// its own transaction, so a breach reaching ten thousand agreements is
// fifty batches, and they should make one message, not fifty. A later
// batch joins the digest unless it is within digestJoinBefore of being
// sent, or sealed: the outbox seals a digest before it reads its list
// (ReminderDigestMailing), so a reminder is never added to a list already
// read.
const (
	digestGather     = time.Minute
	digestJoinBefore = 20 * time.Second
)

// mailedKind reports whether reminders of a kind of duty are e-mailed. An
// objection window is not: it closes by itself when the customer stays
// silent, an objection shows on the change's page, and one announcement
// opens a window per agreement. A digest (see flush) now bounds the
// messages of a fan-out of any kind, but the windows stay out of it:
// nothing in them asks the staff to act, and by the hundred they would
// crowd out of its lines the duties that do.
func mailedKind(kind string) bool { return kind != "subprocessor.objection_window" }

// reminderMail queues the e-mails of one batch of reminders: the
// reminders are recorded as they come (queue), and their deliveries
// written at the end (flush), when it is known whether the batch is few
// messages or a digest. The recipients are read once per batch.
type reminderMail struct {
	tx       *Tx
	loaded   bool
	officers []contact // privacy officers
	owners   []contact
	mailed   []mailedReminder // the batch's fresh reminders of mailed kinds
}

// mailedReminder is a reminder recorded in this batch, to be e-mailed.
type mailedReminder struct {
	id         int64 // duty_reminders
	escalation bool
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

// queue records the reminder of d at r.Fire, to be e-mailed at flush. It
// reports false when the reminder was already recorded (another sweeper
// was first), and then writes nothing: a reminder is e-mailed by the
// transaction that recorded it, whether alone or in a digest.
func (m *reminderMail) queue(ctx context.Context, d *art28.Duty, r Reminded, escalation bool) (bool, error) {
	var id int64
	err := m.tx.queryRow(ctx, `INSERT INTO duty_reminders (duty_id, fired_at, label, escalation, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (duty_id, fired_at) DO NOTHING RETURNING id`,
		d.ID, r.Fire.UTC(), r.Label, escalation, m.tx.Now).Scan(&id)
	if err == sql.ErrNoRows {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if mailedKind(d.Kind) {
		m.mailed = append(m.mailed, mailedReminder{id, escalation})
	}
	return true, nil
}

// flush writes the deliveries of the batch's reminders: the privacy
// officers are told of them all, the owners of the escalations. Each
// group gets a message per reminder, or one digest when that would be
// more than digestAbove messages.
func (m *reminderMail) flush(ctx context.Context) error {
	if len(m.mailed) == 0 {
		return nil
	}
	if err := m.recipients(ctx); err != nil {
		return err
	}
	all := make([]int64, 0, len(m.mailed))
	var escalations []int64
	for _, r := range m.mailed {
		all = append(all, r.id)
		if r.escalation {
			escalations = append(escalations, r.id)
		}
	}
	deliveries := newBulkInsert(m.tx, "deliveries", deliveryInsertColumns, "", 1000)
	defer deliveries.close()
	if err := m.send(ctx, deliveries, m.officers, all, false); err != nil {
		return err
	}
	if err := m.send(ctx, deliveries, m.owners, escalations, true); err != nil {
		return err
	}
	return deliveries.exec(ctx)
}

// send queues the deliveries of reminders to one group of recipients:
// into the group's digest still gathering, when there is one; else a
// message per reminder, or a new digest when that would be more than
// digestAbove messages.
func (m *reminderMail) send(ctx context.Context, deliveries *bulkInsert, to []contact, reminders []int64,
	escalationsOnly bool) error {
	if len(to) == 0 || len(reminders) == 0 {
		return nil
	}
	now := m.tx.Now
	var open int64
	err := m.tx.queryRow(ctx, `SELECT id FROM reminder_digests WHERE escalations_only = ? AND sealed_at IS NULL AND send_at > ?
		ORDER BY id DESC LIMIT 1`, escalationsOnly, now.Add(digestJoinBefore)).Scan(&open)
	switch {
	case err == nil:
		// Take the digest unless the outbox has sealed it since: on
		// PostgreSQL this waits for an outbox sealing it, then finds it
		// sealed, and a new digest is started instead.
		taken, err := m.tx.exec(ctx, `UPDATE reminder_digests SET send_at = send_at WHERE id = ? AND sealed_at IS NULL`, open)
		if err != nil {
			return err
		}
		if n, err := taken.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return m.digestItems(ctx, open, reminders) // its deliveries are written already
		}
	case err != sql.ErrNoRows:
		return err
	}
	event, notices, sendAt := eventDutyReminder, reminders, now
	if len(reminders) > digestAbove {
		sendAt = now.Add(digestGather)
		id, err := m.tx.insert(ctx, `INSERT INTO reminder_digests (escalations_only, created_at, send_at) VALUES (?, ?, ?)`,
			escalationsOnly, now, sendAt)
		if err != nil {
			return err
		}
		if err := m.digestItems(ctx, id, reminders); err != nil {
			return err
		}
		event, notices = eventDutyReminderDigest, []int64{id}
	}
	for _, n := range notices {
		for _, c := range to {
			if err := deliveries.add(ctx, event, n, nil, art28.ChannelEmail, c.email, c.name, "",
				art28.DeliveryPending, sendAt, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// digestItems adds reminders to a digest.
func (m *reminderMail) digestItems(ctx context.Context, digest int64, reminders []int64) error {
	items := newBulkInsert(m.tx, "reminder_digest_items", "digest_id, reminder_id", "", 1000)
	defer items.close()
	for _, r := range reminders {
		if err := items.add(ctx, digest, r); err != nil {
			return err
		}
	}
	return items.exec(ctx)
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

// ReminderDigestMailing is what a digest's e-mail says: the reminders it
// lists, each with its duty as it stands now and the customer's name when
// the duty has one, in the order they were recorded.
type ReminderDigestMailing struct {
	ID              int64
	EscalationsOnly bool // the owners' digest: the escalations of the batch alone
	CreatedAt       time.Time
	Reminders       []DigestReminder
}

// DigestReminder is one reminder of a digest.
type DigestReminder struct {
	Reminder     DutyReminder
	Duty         *art28.Duty
	CustomerName string
}

// ReminderDigestMailing reads a digest for its deliveries, in one read
// transaction: a handful of queries whatever its size. It is the system's
// work and needs no actor.
func (db *DB) ReminderDigestMailing(ctx context.Context, digestID int64) (m *ReminderDigestMailing, err error) {
	defer art28.Wrap(&err, "store.ReminderDigestMailing")
	// Sealed first: a batch of the sweep still writing waits for this, or
	// finds the digest sealed and starts another, so no reminder joins a
	// digest after its list was read.
	if err := db.writeOne(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE reminder_digests SET sealed_at = ? WHERE id = ? AND sealed_at IS NULL`, tx.Now, digestID)
		return err
	}); err != nil {
		return nil, err
	}
	err = db.view(ctx, func(tx *Tx) error {
		m = &ReminderDigestMailing{ID: digestID}
		err := tx.queryRow(ctx, `SELECT escalations_only, created_at FROM reminder_digests WHERE id = ?`,
			digestID).Scan(&m.EscalationsOnly, &m.CreatedAt)
		if err == sql.ErrNoRows {
			return errNotFound("Reminder digest", digestID)
		} else if err != nil {
			return err
		}
		m.CreatedAt = m.CreatedAt.UTC()
		const reminders = `SELECT r.duty_id FROM reminder_digest_items i
			JOIN duty_reminders r ON r.id = i.reminder_id WHERE i.digest_id = ?`
		duties := map[int64]*art28.Duty{}
		rows, err := tx.query(ctx, `SELECT `+dutyColumns+` FROM duties WHERE id IN (`+reminders+`)`, digestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDuty(rows)
			if err != nil {
				return err
			}
			duties[d.ID] = d
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		customers := map[int64]string{}
		rows, err = tx.query(ctx, `SELECT id, legal_name FROM customers
			WHERE id IN (SELECT customer_id FROM duties WHERE id IN (`+reminders+`))`, digestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			customers[id] = name
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		rows, err = tx.query(ctx, `SELECT r.id, r.duty_id, r.fired_at, r.label, r.escalation FROM reminder_digest_items i
			JOIN duty_reminders r ON r.id = i.reminder_id WHERE i.digest_id = ? ORDER BY r.id`, digestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x DigestReminder
			r := &x.Reminder
			if err := rows.Scan(&r.ID, &r.DutyID, &r.FiredAt, &r.Label, &r.Escalation); err != nil {
				return err
			}
			r.FiredAt = r.FiredAt.UTC()
			x.Duty = duties[r.DutyID]
			if x.Duty == nil {
				return fmt.Errorf("duty %d of reminder %d is missing", r.DutyID, r.ID)
			}
			x.CustomerName = customers[x.Duty.CustomerID]
			m.Reminders = append(m.Reminders, x)
		}
		return rows.Err()
	})
	return m, err
}
