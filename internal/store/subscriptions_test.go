package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// A visitor subscribes to the public list, confirms from the mailbox, is
// told of a change, and unsubscribes: each step recorded, the outbox
// filled in the same transaction, and nothing told to a third party about
// who subscribes.
func TestSubscriptionLifecycle(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		all := store.All(db)
		visitor := testrig.As(art28.PublicActor("203.0.113.7"))
		system := testrig.As(art28.SystemActor)

		outbox := func(event string) []*art28.Delivery {
			t.Helper()
			list, _, err := all.Deliveries.Deliveries(system, art28.DeliveryFilter{Event: event})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		subscribers := func() []*art28.Subscriber {
			t.Helper()
			list, _, err := all.Subscriptions.Subscribers(testrig.As(testrig.ReadOnly), art28.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}

		// Bad input: the field is named and nothing is stored.
		before := testrig.ActivityCount(t, db)
		testrig.WantError(t, all.Subscriptions.Subscribe(visitor, "not an address", "en"), art28.EINVALID, "email")
		testrig.WantError(t, all.Subscriptions.Subscribe(visitor, "a@example.com", "it"), art28.EINVALID, "language")
		if n := testrig.ActivityCount(t, db); n != before || len(subscribers()) != 0 || len(outbox("")) != 0 {
			t.Fatalf("refused subscriptions stored something: activity %d -> %d", before, n)
		}

		if err := all.Subscriptions.Subscribe(visitor, " Reader@Example.COM ", "de"); err != nil {
			t.Fatal(err)
		}
		subs := subscribers()
		if len(subs) != 1 || subs[0].Email != "reader@example.com" || subs[0].Language != "de" || subs[0].State != art28.SubscriberPending {
			t.Fatalf("subscribers: %+v", subs)
		}
		sub := subs[0]
		confirms := outbox("subscription_confirm")
		if len(confirms) != 1 {
			t.Fatalf("confirmations queued: %+v", confirms)
		}
		if d := confirms[0]; d.NoticeID != sub.ID || d.Recipient != sub.Email || d.Language != "de" || d.Channel != art28.ChannelEmail ||
			d.State != art28.DeliveryPending || d.CustomerID != 0 || !d.NextAttemptAt.Equal(clock.T) {
			t.Fatalf("confirmation delivery: %+v", d)
		}
		acts, _, err := all.Activities.Activities(system, art28.ActivityFilter{ObjectType: "subscriber", ObjectID: sub.ID})
		if err != nil || len(acts) != 1 || acts[0].ActorName != "public" || acts[0].Source != "203.0.113.7" || acts[0].Action != "subscriber.subscribe" {
			t.Fatalf("activity: %v %+v", err, acts)
		}
		if strings.Contains(acts[0].Summary, sub.Email) {
			t.Errorf("the activity summary repeats the address: %q", acts[0].Summary)
		}

		// Only the processor's staff and the system read addresses and tokens.
		_, _, err = all.Subscriptions.Subscribers(visitor, art28.Page{})
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		_, _, err = all.Subscriptions.Subscribers(testrig.As(testrig.CustomerAdmin(1)), art28.Page{})
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		_, _, _, err = all.Subscriptions.Mailing(visitor, sub.ID)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		_, confirm, unsubscribe, err := all.Subscriptions.Mailing(system, sub.ID)
		if err != nil || len(confirm) != 43 || len(unsubscribe) != 43 || confirm == unsubscribe {
			t.Fatalf("mailing: %v %q %q", err, confirm, unsubscribe)
		}

		// Asking again within the hour sends nothing more and records
		// nothing; after it, the same link goes out again.
		acts0 := testrig.ActivityCount(t, db)
		if err := all.Subscriptions.Subscribe(visitor, "reader@example.com", "de"); err != nil {
			t.Fatal(err)
		}
		if n := testrig.ActivityCount(t, db); n != acts0 || len(outbox("subscription_confirm")) != 1 || !outbox("subscription_confirm")[0].NextAttemptAt.Equal(clock.T) {
			t.Fatalf("a second request within the hour re-queued: activity %d -> %d", acts0, n)
		}
		clock.Add(90 * time.Minute)
		if err := all.Subscriptions.Subscribe(visitor, "reader@example.com", "de"); err != nil {
			t.Fatal(err)
		}
		confirms = outbox("subscription_confirm")
		if len(confirms) != 1 || !confirms[0].NextAttemptAt.Equal(clock.T) || confirms[0].State != art28.DeliveryPending {
			t.Fatalf("resent confirmation: %+v", confirms)
		}
		if _, again, _, _ := all.Subscriptions.Mailing(system, sub.ID); again != confirm {
			t.Errorf("a resend replaced a link still valid")
		}

		// Confirming: an unknown link, then the real one, twice.
		_, err = all.Subscriptions.Confirm(visitor, "no-such-token")
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		got, err := all.Subscriptions.Confirm(visitor, confirm)
		if err != nil || got.State != art28.SubscriberConfirmed || got.ConfirmedAt == nil || !got.ConfirmedAt.Equal(clock.T) {
			t.Fatalf("confirm: %v %+v", err, got)
		}
		if got, err := all.Subscriptions.Confirm(visitor, confirm); err != nil || got.State != art28.SubscriberConfirmed {
			t.Fatalf("confirm again: %v %+v", err, got)
		}
		// A confirmed address asking again is sent nothing.
		clock.Add(2 * time.Hour)
		if err := all.Subscriptions.Subscribe(visitor, "reader@example.com", "fr"); err != nil {
			t.Fatal(err)
		}
		if subs := subscribers(); subs[0].State != art28.SubscriberConfirmed || subs[0].Language != "de" {
			t.Fatalf("a new request changed a confirmed subscription: %+v", subs[0])
		}

		// A second address that never confirms: its link expires.
		if err := all.Subscriptions.Subscribe(visitor, "late@example.com", ""); err != nil {
			t.Fatal(err)
		}
		late := subscribers()[0]
		_, lateConfirm, _, err := all.Subscriptions.Mailing(system, late.ID)
		if err != nil || late.Language != "en" {
			t.Fatalf("late: %v %+v", err, late)
		}
		clock.Add(art28.ConfirmLinkTTL + time.Minute)
		_, err = all.Subscriptions.Confirm(visitor, lateConfirm)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		if !strings.Contains(art28.ErrorMessage(err), "expired") {
			t.Errorf("expired link: %q does not say so", art28.ErrorMessage(err))
		}

		// A change to the list: one message per confirmed subscriber, once.
		for range 2 {
			if err := all.Subscriptions.QueueListSubscribers(system, 42); err != nil {
				t.Fatal(err)
			}
		}
		changes := outbox("list_change")
		if len(changes) != 1 || changes[0].Recipient != "reader@example.com" || changes[0].NoticeID != 42 ||
			changes[0].Language != "de" || changes[0].State != art28.DeliveryPending || changes[0].CustomerID != 0 {
			t.Fatalf("list change deliveries: %+v", changes)
		}
		byMail, _, unsubscribeToo, err := all.Subscriptions.MailingTo(system, "reader@example.com")
		if err != nil || byMail.ID != sub.ID || unsubscribeToo != unsubscribe {
			t.Fatalf("mailing by address: %v %+v", err, byMail)
		}

		// Unsubscribing: an unknown link, then the real one, twice; what
		// was still queued for the address is not sent.
		testrig.WantError(t, all.Subscriptions.Unsubscribe(visitor, "no-such-token"), art28.ENOTFOUND, "")
		for range 2 {
			if err := all.Subscriptions.Unsubscribe(visitor, unsubscribe); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range subscribers() {
			if s.ID == sub.ID && (s.State != art28.SubscriberUnsubscribed || s.UnsubscribedAt == nil) {
				t.Fatalf("after unsubscribing: %+v", s)
			}
		}
		if d := outbox("list_change")[0]; d.State != art28.DeliveryFailed || !strings.Contains(d.LastError, "unsubscribed") {
			t.Fatalf("a queued message for an unsubscribed address: %+v", d)
		}
		if _, err := all.Subscriptions.Confirm(visitor, confirm); art28.ErrorCode(err) != art28.ENOTFOUND {
			t.Fatalf("the confirmation link still works after unsubscribing: %v", err)
		}
		if err := all.Subscriptions.QueueListSubscribers(system, 43); err != nil {
			t.Fatal(err)
		}
		if n := len(outbox("list_change")); n != 1 {
			t.Fatalf("an unsubscribed address was queued a change: %d deliveries", n)
		}
		acts, _, err = all.Activities.Activities(system, art28.ActivityFilter{ObjectType: "subscriber", ObjectID: sub.ID})
		if err != nil || len(acts) != 4 || acts[0].Action != "subscriber.unsubscribe" || acts[1].Action != "subscriber.confirm" {
			t.Fatalf("activity of the subscriber: %v %+v", err, acts)
		}

		// Subscribing again starts over, with a new confirmation link.
		if err := all.Subscriptions.Subscribe(visitor, "reader@example.com", "fr"); err != nil {
			t.Fatal(err)
		}
		again, newConfirm, _, err := all.Subscriptions.Mailing(system, sub.ID)
		if err != nil || again.State != art28.SubscriberPending || again.Language != "fr" || newConfirm == "" || newConfirm == confirm {
			t.Fatalf("subscribing again: %v %+v", err, again)
		}
	}, store.WithClock(clock.Now))
}
