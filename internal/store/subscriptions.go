package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/art28/art28"
)

// Events of the public list's subscriptions. Their notice_id points into
// subscribers (a confirmation) and subprocessor_changes (a change); they
// belong to no customer.
const (
	eventSubscriptionConfirm = "subscription_confirm"
	eventListChange          = "list_change"
)

// Subscriptions implements art28.SubscriptionService.
type Subscriptions struct{ db *DB }

// NewSubscriptions returns the subscriptions of db.
func NewSubscriptions(db *DB) *Subscriptions { return &Subscriptions{db: db} }

var _ art28.SubscriptionService = (*Subscriptions)(nil)

const subscriberColumns = `id, email, language, state, created_at, confirmed_at, unsubscribed_at`

func scanSubscriber(row interface{ Scan(...any) error }) (*art28.Subscriber, error) {
	s := &art28.Subscriber{}
	var confirmed, unsubscribed sql.NullTime
	if err := row.Scan(&s.ID, &s.Email, &s.Language, &s.State, &s.CreatedAt, &confirmed, &unsubscribed); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ConfirmedAt, s.UnsubscribedAt = s.CreatedAt.UTC(), timePtr(confirmed), timePtr(unsubscribed)
	return s, nil
}

// visitor is the actor a subscription change is recorded under: the
// visitor of the public page, or whoever the context names.
func visitor(ctx context.Context) art28.Actor {
	if a, ok := art28.ActorFrom(ctx); ok {
		return a
	}
	return art28.PublicActor("")
}

// Subscribe stores a pending subscription and queues its confirmation in
// the same transaction. A confirmed address is left as it is, and a
// pending one is sent its confirmation again at most once per
// art28.ResendInterval; the caller cannot tell these cases apart.
func (s *Subscriptions) Subscribe(ctx context.Context, email, language string) (err error) {
	defer art28.Wrap(&err, "store.Subscribe")
	sub := &art28.Subscriber{Email: email, Language: language}
	if err := sub.Validate(); err != nil {
		return err
	}
	confirm, err := randomToken(32)
	if err != nil {
		return err
	}
	unsubscribe, err := randomToken(32)
	if err != nil {
		return err
	}
	a := visitor(ctx)
	err = s.db.update(ctx, func(tx *Tx) error {
		var state art28.SubscriberState
		var token sql.NullString
		var expires, sent sql.NullTime
		err := tx.queryRow(ctx, `SELECT id, state, confirm_token, confirm_expires_at, confirm_sent_at FROM subscribers
			WHERE email = ?`, sub.Email).Scan(&sub.ID, &state, &token, &expires, &sent)
		switch {
		case err == sql.ErrNoRows:
			sub.State, sub.CreatedAt = art28.SubscriberPending, tx.Now
			if sub.ID, err = tx.insert(ctx, `INSERT INTO subscribers (email, language, state, confirm_token, confirm_expires_at,
				confirm_sent_at, unsubscribe_token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				sub.Email, sub.Language, sub.State, confirm, tx.Now.Add(art28.ConfirmLinkTTL), tx.Now, unsubscribe, tx.Now); err != nil {
				return err
			}
			if err := queueConfirmation(ctx, tx, sub); err != nil {
				return err
			}
			return tx.record(ctx, a, "subscriber.subscribe", "subscriber", sub.ID, 0,
				fmt.Sprintf("asked to be told of changes to the list, in %s; confirmation e-mail queued", sub.Language))
		case err != nil:
			return err
		case state == art28.SubscriberConfirmed:
			return nil // already told of every change; nothing to send
		case sent.Valid && tx.Now.Sub(sent.Time) < art28.ResendInterval:
			return nil // a confirmation went out within the hour
		}
		// Pending or unsubscribed: (re)send the confirmation. A link still
		// valid is kept, so that the first message's link keeps working.
		if !token.Valid || !expires.Valid || !tx.Now.Before(expires.Time) {
			token = sql.NullString{String: confirm, Valid: true}
		}
		if _, err := tx.exec(ctx, `UPDATE subscribers SET language = ?, state = ?, confirm_token = ?, confirm_expires_at = ?,
			confirm_sent_at = ? WHERE id = ?`,
			sub.Language, art28.SubscriberPending, token.String, tx.Now.Add(art28.ConfirmLinkTTL), tx.Now, sub.ID); err != nil {
			return err
		}
		if err := queueConfirmation(ctx, tx, sub); err != nil {
			return err
		}
		return tx.record(ctx, a, "subscriber.subscribe", "subscriber", sub.ID, 0,
			fmt.Sprintf("asked again (was %s), in %s; confirmation e-mail queued", state, sub.Language))
	})
	if art28.ErrorCode(err) == art28.ECONFLICT {
		return nil // the same address subscribed at the same instant: that request did the work
	}
	return err
}

// queueConfirmation puts the confirmation e-mail in the outbox. The
// outbox keeps one row per event, notice and recipient, so a resent
// confirmation makes the same row due again: its record shows the last
// attempt.
func queueConfirmation(ctx context.Context, tx *Tx, sub *art28.Subscriber) error {
	_, err := tx.exec(ctx, `INSERT INTO deliveries (event, notice_id, customer_id, channel, recipient, recipient_name,
		language, state, next_attempt_at, created_at) VALUES (?, ?, NULL, ?, ?, '', ?, ?, ?, ?)
		ON CONFLICT (event, notice_id, channel, recipient) DO UPDATE SET language = excluded.language, state = excluded.state,
			attempts = 0, next_attempt_at = excluded.next_attempt_at, locked_until = NULL, last_error = '', sent_at = NULL`,
		eventSubscriptionConfirm, sub.ID, art28.ChannelEmail, sub.Email, sub.Language, art28.DeliveryPending, tx.Now, tx.Now)
	return err
}

// Confirm confirms the subscription of a confirmation token. Following
// the link again while it is valid confirms nothing new and is no error.
func (s *Subscriptions) Confirm(ctx context.Context, token string) (sub *art28.Subscriber, err error) {
	defer art28.Wrap(&err, "store.Confirm")
	a := visitor(ctx)
	unknown := art28.Errorf(art28.ENOTFOUND, "This confirmation link is not known, or was already replaced by a newer one. Subscribe again to get a new link.")
	if token == "" {
		return nil, unknown
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		var expires sql.NullTime
		var e error
		sub, e = scanSubscriberExpiry(tx.queryRow(ctx, `SELECT `+subscriberColumns+`, confirm_expires_at FROM subscribers
			WHERE confirm_token = ?`, token), &expires)
		if e == sql.ErrNoRows {
			return unknown
		} else if e != nil {
			return e
		}
		if sub.State == art28.SubscriberConfirmed {
			return nil
		}
		if !expires.Valid || !tx.Now.Before(expires.Time) {
			return art28.Errorf(art28.ENOTFOUND, "This confirmation link has expired: links work for %d hours. Subscribe again to get a new link.",
				int(art28.ConfirmLinkTTL.Hours()))
		}
		now := tx.Now
		sub.State, sub.ConfirmedAt, sub.UnsubscribedAt = art28.SubscriberConfirmed, &now, nil
		if _, err := tx.exec(ctx, `UPDATE subscribers SET state = ?, confirmed_at = ?, unsubscribed_at = NULL WHERE id = ?`,
			sub.State, now, sub.ID); err != nil {
			return err
		}
		return tx.record(ctx, a, "subscriber.confirm", "subscriber", sub.ID, 0, "confirmed the subscription from the mailbox")
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

func scanSubscriberExpiry(row *sql.Row, expires *sql.NullTime) (*art28.Subscriber, error) {
	s := &art28.Subscriber{}
	var confirmed, unsubscribed sql.NullTime
	if err := row.Scan(&s.ID, &s.Email, &s.Language, &s.State, &s.CreatedAt, &confirmed, &unsubscribed, expires); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ConfirmedAt, s.UnsubscribedAt = s.CreatedAt.UTC(), timePtr(confirmed), timePtr(unsubscribed)
	return s, nil
}

// Unsubscribe ends a subscription: its confirmation link stops working,
// and the messages still waiting in the outbox for the address are not
// sent.
func (s *Subscriptions) Unsubscribe(ctx context.Context, token string) (err error) {
	defer art28.Wrap(&err, "store.Unsubscribe")
	a := visitor(ctx)
	unknown := art28.Errorf(art28.ENOTFOUND, "This unsubscribe link is not known. If you still receive messages, use the link in the latest one.")
	if token == "" {
		return unknown
	}
	return s.db.update(ctx, func(tx *Tx) error {
		sub, err := scanSubscriber(tx.queryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE unsubscribe_token = ?`, token))
		if err == sql.ErrNoRows {
			return unknown
		} else if err != nil {
			return err
		}
		if sub.State == art28.SubscriberUnsubscribed {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE subscribers SET state = ?, unsubscribed_at = ?, confirm_token = NULL,
			confirm_expires_at = NULL WHERE id = ?`, art28.SubscriberUnsubscribed, tx.Now, sub.ID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE deliveries SET state = ?, last_error = ? WHERE recipient = ? AND customer_id IS NULL
			AND event IN (?, ?) AND state = ?`,
			art28.DeliveryFailed, "not sent: the recipient unsubscribed", sub.Email,
			eventSubscriptionConfirm, eventListChange, art28.DeliveryPending)
		if err != nil {
			return err
		}
		dropped, _ := res.RowsAffected()
		summary := "unsubscribed (was " + string(sub.State) + ")"
		if dropped > 0 {
			summary += fmt.Sprintf("; %d queued messages not sent", dropped)
		}
		return tx.record(ctx, a, "subscriber.unsubscribe", "subscriber", sub.ID, 0, summary)
	})
}

// authorizeSubscriberList lets the processor's staff, and the system, read
// subscribers: their addresses are no one else's business.
func authorizeSubscriberList(ctx context.Context) (art28.Actor, error) {
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return a, err
	}
	if a.IsCustomer() || art28.IsPublicActor(a) {
		return a, art28.Errorf(art28.EFORBIDDEN, "The list's subscribers are for the processor's staff.")
	}
	return a, nil
}

// Subscribers lists subscribers, newest first.
func (s *Subscriptions) Subscribers(ctx context.Context, p art28.Page) (list []*art28.Subscriber, total int, err error) {
	defer art28.Wrap(&err, "store.Subscribers")
	if _, err := authorizeSubscriberList(ctx); err != nil {
		return nil, 0, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "subscribers", subscriberColumns, "id DESC", &where{sql: "1 = 1"},
			p.Normalize(), scanRows(scanSubscriber))
		return err
	})
	return list, total, err
}

// Mailing returns a subscriber with the tokens its messages carry, for
// the delivery worker rendering a "subscription_confirm" message (its
// notice_id is the subscriber's ID). confirmToken is empty once the
// subscription has ended.
func (s *Subscriptions) Mailing(ctx context.Context, subscriberID int64) (sub *art28.Subscriber, confirmToken, unsubscribeToken string, err error) {
	defer art28.Wrap(&err, "store.Mailing")
	return s.mailing(ctx, `id = ?`, subscriberID)
}

// MailingTo is Mailing by address, for a "list_change" message, whose
// delivery names the change and the recipient's address.
func (s *Subscriptions) MailingTo(ctx context.Context, email string) (sub *art28.Subscriber, confirmToken, unsubscribeToken string, err error) {
	defer art28.Wrap(&err, "store.MailingTo")
	return s.mailing(ctx, `email = ?`, email)
}

func (s *Subscriptions) mailing(ctx context.Context, cond string, arg any) (sub *art28.Subscriber, confirm, unsubscribe string, err error) {
	if _, err := authorizeSubscriberList(ctx); err != nil {
		return nil, "", "", err
	}
	err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		var c sql.NullString
		var confirmed, unsubscribed sql.NullTime
		sub = &art28.Subscriber{}
		err := tx.queryRow(ctx, `SELECT `+subscriberColumns+`, confirm_token, unsubscribe_token FROM subscribers WHERE `+cond, arg).Scan(
			&sub.ID, &sub.Email, &sub.Language, &sub.State, &sub.CreatedAt, &confirmed, &unsubscribed, &c, &unsubscribe)
		if err == sql.ErrNoRows {
			return errNotFound("Subscriber", arg)
		} else if err != nil {
			return err
		}
		sub.CreatedAt, sub.ConfirmedAt, sub.UnsubscribedAt = sub.CreatedAt.UTC(), timePtr(confirmed), timePtr(unsubscribed)
		confirm = c.String
		return nil
	})
	if err != nil {
		return nil, "", "", err
	}
	return sub, confirm, unsubscribe, nil
}

// queueListSubscribers queues, in tx, the e-mail that tells every
// confirmed subscriber of the change: one statement, however many there
// are. Queuing twice queues nothing more.
func queueListSubscribers(ctx context.Context, tx *Tx, changeID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO deliveries (event, notice_id, customer_id, channel, recipient, recipient_name,
		language, state, next_attempt_at, created_at)
		SELECT ?, ?, NULL, ?, email, '', language, ?, ?, ? FROM subscribers WHERE state = ?
		ON CONFLICT (event, notice_id, channel, recipient) DO NOTHING`,
		eventListChange, changeID, art28.ChannelEmail, art28.DeliveryPending, tx.Now, tx.Now, art28.SubscriberConfirmed)
	return err
}
