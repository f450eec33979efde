package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/art28/art28"
)

// Events a delivery carries; each names the table its notice_id points
// into.
const eventSubprocessorChange = "subprocessor_change" // change_notices

// defaultNoticeRoles are told when a clause names no one.
var defaultNoticeRoles = []art28.ContactRole{art28.ContactAccountOwner, art28.ContactDPO, art28.ContactLegal}

// contact is who a delivery goes to: a person by email, or an endpoint.
type contact struct {
	name, email string
	roles       []art28.ContactRole
	endpoint    int64 // a webhook endpoint's ID, when not a person
}

// contactsOf loads the contacts and webhook endpoints of the targets'
// customers in two queries, whatever their number.
func contactsOf(ctx context.Context, tx *Tx, targets []target) (map[int64][]contact, error) {
	out := map[int64][]contact{}
	if len(targets) == 0 {
		return out, nil
	}
	wanted := map[int64]bool{}
	for _, t := range targets {
		wanted[t.customerID] = true
	}
	rows, err := tx.query(ctx, `SELECT customer_id, name, email, roles FROM contacts ORDER BY customer_id, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c contact
		var roles string
		if err := rows.Scan(&id, &c.name, &c.email, &roles); err != nil {
			return nil, err
		}
		if !wanted[id] {
			continue
		}
		if c.roles, err = fromJSON[[]art28.ContactRole](roles); err != nil {
			return nil, err
		}
		out[id] = append(out[id], c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	eps, err := tx.query(ctx, `SELECT customer_id, id FROM webhook_endpoints WHERE disabled_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer eps.Close()
	for eps.Next() {
		var cid, id int64
		if err := eps.Scan(&cid, &id); err != nil {
			return nil, err
		}
		if wanted[cid] {
			out[cid] = append(out[cid], contact{endpoint: id})
		}
	}
	return out, eps.Err()
}

// recipients picks, among a customer's contacts, those a clause names, or
// the default roles; failing both, every contact, since telling someone
// at the customer beats telling no one.
func recipients(contacts []contact, notify []art28.ContactRole) []contact {
	roles := notify
	if len(roles) == 0 {
		roles = defaultNoticeRoles
	}
	var people, named []contact
	for _, c := range contacts {
		if c.endpoint != 0 {
			continue
		}
		people = append(people, c)
		for _, r := range c.roles {
			if slices.Contains(roles, r) {
				named = append(named, c)
				break
			}
		}
	}
	if len(named) == 0 {
		return people
	}
	return named
}

// deliveryInsertColumns are the columns a new delivery is written with.
const deliveryInsertColumns = `event, notice_id, customer_id, channel, recipient, recipient_name, language, state,
	next_attempt_at, created_at`

// queueDeliveries adds the outbox rows of one notice to b: an email to each
// recipient when the clause's channels include email or post (S4 allows
// either; email is the one a program can prove), and a post to each of
// the customer's webhook endpoints. The portal and the public list need no
// delivery: they read the notice itself.
func queueDeliveries(ctx context.Context, b *bulkInsert, now time.Time, event string, noticeID int64, t target, channels []string,
	notify []art28.ContactRole, contacts []contact) error {
	ins := func(channel, recipient, name string) error {
		return b.add(ctx, event, noticeID, t.customerID, channel, recipient, name, t.language, art28.DeliveryPending, now, now)
	}
	if slices.Contains(channels, "email") || slices.Contains(channels, "post") {
		seen := map[string]bool{}
		for _, c := range recipients(contacts, notify) {
			if seen[c.email] {
				continue
			}
			seen[c.email] = true
			if err := ins(art28.ChannelEmail, c.email, c.name); err != nil {
				return err
			}
		}
	}
	for _, c := range contacts {
		if c.endpoint != 0 {
			if err := ins(art28.ChannelWebhook, strconv.FormatInt(c.endpoint, 10), ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// Deliveries implements art28.DeliveryService.
type Deliveries struct{ db *DB }

// NewDeliveries returns the delivery record of db.
func NewDeliveries(db *DB) *Deliveries { return &Deliveries{db: db} }

var _ art28.DeliveryService = (*Deliveries)(nil)

const deliveryColumns = `id, event, notice_id, customer_id, channel, recipient, recipient_name, language, state, attempts,
	next_attempt_at, last_error, sent_at, created_at`

func scanDelivery(row interface{ Scan(...any) error }) (*art28.Delivery, error) {
	d := &art28.Delivery{}
	var customer sql.NullInt64
	var sent sql.NullTime
	if err := row.Scan(&d.ID, &d.Event, &d.NoticeID, &customer, &d.Channel, &d.Recipient, &d.RecipientName, &d.Language,
		&d.State, &d.Attempts, &d.NextAttemptAt, &d.LastError, &sent, &d.CreatedAt); err != nil {
		return nil, err
	}
	d.CustomerID, d.SentAt = customer.Int64, timePtr(sent)
	d.NextAttemptAt, d.CreatedAt = d.NextAttemptAt.UTC(), d.CreatedAt.UTC()
	return d, nil
}

// Deliveries lists deliveries, newest first; customers see their own.
func (s *Deliveries) Deliveries(ctx context.Context, f art28.DeliveryFilter) (list []*art28.Delivery, total int, err error) {
	defer art28.Wrap(&err, "store.Deliveries")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := scoped(a, "customer_id")
	if f.Event != "" {
		w.and(`event = ?`, f.Event)
	}
	if f.Channel != "" {
		w.and(`channel = ?`, f.Channel)
	}
	if f.NoticeID != nil {
		w.and(`notice_id = ?`, *f.NoticeID)
	}
	if f.CustomerID != nil {
		w.and(`customer_id = ?`, *f.CustomerID)
	}
	if f.State != nil {
		w.and(`state = ?`, *f.State)
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "deliveries", deliveryColumns, "id DESC", w, f.Page.Normalize(), scanRows(scanDelivery))
		return err
	})
	return list, total, err
}

// RetryNow makes every pending delivery due at once.
func (s *Deliveries) RetryNow(ctx context.Context) (n int, err error) {
	defer art28.Wrap(&err, "store.RetryNow")
	a, err := authorizeProcessorWrite(ctx, "deliveries")
	if err != nil {
		return 0, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE deliveries SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?`,
			tx.Now, tx.Now)
		if err != nil {
			return err
		}
		c, _ := res.RowsAffected()
		n = int(c)
		return tx.record(ctx, a, "deliveries.retry", "delivery", 0, 0, fmt.Sprintf("made %d pending deliveries due now", n))
	})
	return n, err
}
