// Package outbox delivers what the store queues: every notice, to every
// recipient, by email and by webhook. The deliveries table is the queue;
// a delivery is written in the same transaction as the event it tells of,
// claimed here under a lease, and marked sent in its own commit as soon as
// the server or endpoint accepted it. So a notice is never lost when the
// process dies (the lease runs out and the delivery is claimed again), and
// never sent twice to a recipient for one event, save the one message in
// flight at the instant of a crash; the Message-ID and webhook-id are
// stable per delivery, so even that one can be recognised by the receiver.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	netmail "net/mail"
	"sync"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/webhook"
)

// Mailer sends one message; *mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m *mail.Message) error
}

// Poster posts one webhook; *webhook.Sender is one.
type Poster interface {
	Send(ctx context.Context, d webhook.Delivery) error
}

// Config is how the outbox delivers.
type Config struct {
	Mail     Mailer // nil: email deliveries wait until one is configured
	From     netmail.Address
	Webhooks Poster // nil: webhook deliveries wait
	// BaseURL is where art28 is reached, for the links in notices.
	BaseURL string
	// MessageIDHost is the right-hand side of Message-IDs.
	MessageIDHost string
	Workers       int           // concurrent sends per channel; default 8
	Batch         int           // deliveries claimed at once; default 100
	Lease         time.Duration // how long a claim holds; default 2 minutes
	MaxAttempts   int           // before a delivery fails for good; default 12
	Poll          time.Duration // how often an idle outbox looks again; default 1 s
	Logger        *slog.Logger
}

// Outbox delivers queued deliveries.
type Outbox struct {
	db  *store.DB
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	profile *art28.ProcessorProfile
	read    time.Time
}

// New returns an outbox over db.
func New(db *store.DB, cfg Config) *Outbox {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 12
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.MessageIDHost == "" {
		cfg.MessageIDHost = "art28.invalid"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Outbox{db: db, cfg: cfg, log: cfg.Logger}
}

// Run delivers until ctx ends, looking again every Poll when idle.
func (o *Outbox) Run(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := o.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			o.log.Error("outbox", "err", err)
		}
		if n == 0 || err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(o.cfg.Poll):
			}
		}
	}
}

// Drain delivers one batch per configured channel and returns how many
// deliveries it attempted.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	total := 0
	for _, ch := range []struct {
		channel string
		ready   bool
	}{{art28.ChannelEmail, o.cfg.Mail != nil}, {art28.ChannelWebhook, o.cfg.Webhooks != nil}} {
		if !ch.ready {
			continue
		}
		list, err := o.db.ClaimDeliveries(ctx, ch.channel, o.cfg.Batch, o.cfg.Lease)
		if err != nil {
			return total, err
		}
		total += len(list)
		if err := o.deliverAll(ctx, list); err != nil {
			return total, err
		}
	}
	return total, nil
}

// deliverAll sends a batch on Workers goroutines. Each delivery is marked
// the moment it is sent; a failure to mark stops the batch, and the lease
// brings the rest back.
func (o *Outbox) deliverAll(ctx context.Context, list []*art28.Delivery) error {
	c := newComposer(o)
	c.prefetch(ctx, list)
	work := make(chan *art28.Delivery)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range o.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if err := o.deliver(ctx, c, d); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
feed:
	for _, d := range list {
		select {
		case work <- d:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return first
}

// deliver attempts one delivery and records the outcome; only a failure
// to record is returned.
func (o *Outbox) deliver(ctx context.Context, c *composer, d *art28.Delivery) error {
	var err error
	switch d.Channel {
	case art28.ChannelEmail:
		var m *mail.Message
		if m, err = c.email(ctx, d); err == nil {
			err = o.cfg.Mail.Send(ctx, m)
		}
	case art28.ChannelWebhook:
		var w *webhook.Delivery
		if w, err = c.webhook(ctx, d); err == nil {
			err = o.cfg.Webhooks.Send(ctx, *w)
		}
	default:
		err = permanent(fmt.Errorf("no channel %q", d.Channel))
	}
	if err == nil {
		return o.db.MarkSent(context.WithoutCancel(ctx), d.ID)
	}
	if ctx.Err() != nil {
		return nil // shutting down: the lease brings it back
	}
	var retry *time.Time
	if !isPermanent(err) && d.Attempts < o.cfg.MaxAttempts {
		t := time.Now().Add(backoff(d.Attempts))
		retry = &t
	}
	o.log.Warn("delivery failed", "delivery", d.ID, "channel", d.Channel, "attempt", d.Attempts, "final", retry == nil, "err", err)
	return o.db.MarkFailed(context.WithoutCancel(ctx), d.ID, err.Error(), retry)
}

// backoff is the wait after the nth failed attempt: 30 s doubling, at most
// 6 hours, with a fifth of jitter so that a recovering server is not hit
// by every retry at once.
func backoff(attempt int) time.Duration {
	d := 30 * time.Second << min(attempt-1, 10)
	d = min(d, 6*time.Hour)
	return d - time.Duration(rand.Int64N(int64(d)/5))
}

// permanentError marks a failure that another attempt cannot cure.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

func permanent(err error) error { return permanentError{err} }

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) || mail.IsPermanent(err) || webhook.IsPermanent(err) || art28.ErrorCode(err) == art28.ENOTFOUND
}

// processorProfile returns the processor's profile, read at most once a
// minute: notices carry its name.
func (o *Outbox) processorProfile(ctx context.Context) (*art28.ProcessorProfile, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.profile != nil && time.Since(o.read) < time.Minute {
		return o.profile, nil
	}
	p, err := store.NewProcessor(o.db).Profile(art28.NewContext(ctx, art28.SystemActor))
	if err != nil {
		return nil, err
	}
	o.profile, o.read = p, time.Now()
	return p, nil
}
