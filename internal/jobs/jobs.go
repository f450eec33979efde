// Package jobs runs art28's durable background work: jobs stored in the
// database (enqueued in the same transaction as the change that causes
// them), claimed by workers with a lease, retried with backoff, and
// periodic jobs. The database is the source of truth: a handler re-reads
// the record it works on and stops if there is nothing left to do, and work
// left by a crashed process is claimed again when its lease runs out.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/art28/art28/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Handler does one job. An error schedules a retry until the job's
// attempts run out; Permanent marks an error not worth retrying.
type Handler func(ctx context.Context, job *store.Job) error

// permanent wraps an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as final: the job fails without further attempts.
func Permanent(err error) error { return permanent{err} }

// Periodic is a job enqueued once per interval. The unique key holds the
// interval's start, so that several replicas enqueue it once between them.
type Periodic struct {
	Kind  string
	Every time.Duration
}

// Runner claims and runs jobs.
type Runner struct {
	db       *store.DB
	log      *slog.Logger
	handlers map[string]Handler
	periodic []Periodic
	workers  int
	poll     time.Duration
	lease    time.Duration
	now      func() time.Time

	processed *prometheus.CounterVec

	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}
}

// Config sets up a Runner.
type Config struct {
	Workers  int           // concurrent jobs; default 2
	Poll     time.Duration // how often idle workers look for work; default 1s
	Lease    time.Duration // how long a claim lasts before another worker may take it; default 5m
	Logger   *slog.Logger
	Registry prometheus.Registerer // optional
	Now      func() time.Time
}

// New returns a runner on db.
func New(db *store.DB, cfg Config) *Runner {
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Runner{db: db, log: cfg.Logger, handlers: map[string]Handler{}, workers: cfg.Workers,
		poll: cfg.Poll, lease: cfg.Lease, now: cfg.Now, wake: make(chan struct{}, 1)}
	r.processed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "art28_jobs_processed_total", Help: "Jobs run, by kind and outcome (done, retry, failed).",
	}, []string{"kind", "outcome"})
	if cfg.Registry != nil {
		cfg.Registry.MustRegister(r.processed, &queueCollector{db: db})
	}
	return r
}

// Handle registers the handler of a kind. Call before Start.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Every registers a periodic job; its kind needs a handler too.
func (r *Runner) Every(kind string, every time.Duration) {
	r.periodic = append(r.periodic, Periodic{Kind: kind, Every: every})
}

// Wake tells idle workers to look for work now, after an enqueue.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Start runs the workers and the scheduler until Stop.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		return
	}
	ctx, r.cancel = context.WithCancel(context.WithoutCancel(ctx))
	kinds := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		kinds = append(kinds, k)
	}
	for i := 0; i < r.workers; i++ {
		r.wg.Go(func() { r.work(ctx, kinds) })
	}
	if len(r.periodic) > 0 {
		r.wg.Go(func() { r.schedule(ctx) })
	}
}

// Stop stops claiming, lets running jobs finish until ctx ends, and
// returns. A job cut short is claimed again after its lease. Stop is
// idempotent.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	cancel := r.cancel
	r.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("jobs: stop: %w", ctx.Err())
	}
}

func (r *Runner) work(ctx context.Context, kinds []string) {
	for ctx.Err() == nil {
		ran, err := r.RunOne(ctx, kinds)
		if err != nil && ctx.Err() == nil {
			r.log.Error("jobs: claim", "err", err)
		}
		if ran {
			continue
		}
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-time.After(r.poll):
		}
	}
}

// RunOne claims and runs one ready job of the kinds; it reports whether
// there was one. Tests call it to run the queue step by step.
func (r *Runner) RunOne(ctx context.Context, kinds []string) (bool, error) {
	job, err := r.db.ClaimJob(ctx, kinds, r.lease)
	if err != nil || job == nil {
		return false, err
	}
	h := r.handlers[job.Kind]
	if h == nil {
		h = func(context.Context, *store.Job) error {
			return Permanent(fmt.Errorf("no handler for job kind %q", job.Kind))
		}
	}
	// A job runs to its end even while the runner stops, within the lease:
	// cutting it mid-way would only make it run again.
	// Its outcome is recorded even while stopping, so that a finished job
	// is not run again.
	ctx = context.WithoutCancel(ctx)
	jctx, cancel := context.WithTimeout(ctx, r.lease)
	err = r.safeRun(jctx, h, job)
	cancel()
	switch {
	case err == nil:
		r.processed.WithLabelValues(job.Kind, "done").Inc()
		return true, r.db.CompleteJob(ctx, job.ID)
	default:
		var p permanent
		final := errors.As(err, &p) || job.Attempts >= job.MaxAttempts
		outcome := "retry"
		if final {
			outcome = "failed"
		}
		r.processed.WithLabelValues(job.Kind, outcome).Inc()
		r.log.Warn("jobs: job failed", "kind", job.Kind, "id", job.ID, "attempt", job.Attempts, "final", final, "err", err)
		return true, r.db.FailJob(ctx, job.ID, err.Error(), r.now().Add(Backoff(job.Attempts)), final)
	}
}

func (r *Runner) safeRun(ctx context.Context, h Handler, job *store.Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return h(ctx, job)
}

// Backoff is the wait before attempt n+1: exponential from 2 s, capped at
// an hour, with up to 25% jitter so that a burst of failures does not
// retry in lockstep.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + time.Duration(rand.Int64N(int64(d/4)+1))
}

// schedule enqueues each periodic job once per interval.
func (r *Runner) schedule(ctx context.Context) {
	t := time.NewTicker(min(r.poll*10, time.Minute))
	defer t.Stop()
	for {
		r.EnqueuePeriodic(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EnqueuePeriodic enqueues, for every periodic job, its run at the start
// of the next interval. A unique key is held only while its job is pending,
// so the next interval's run (not the current one's, which may already be
// done) is what every tick and every replica agrees on.
func (r *Runner) EnqueuePeriodic(ctx context.Context) {
	now := r.now()
	for _, p := range r.periodic {
		slot := now.Truncate(p.Every).Add(p.Every)
		key := p.Kind + "@" + slot.UTC().Format(time.RFC3339)
		if _, _, err := r.db.Enqueue(ctx, store.JobRequest{Kind: p.Kind, UniqueKey: key, RunAt: slot}); err != nil && ctx.Err() == nil {
			r.log.Error("jobs: enqueue periodic", "kind", p.Kind, "err", err)
		}
	}
}

// queueCollector reports the number of jobs by state at scrape time.
type queueCollector struct{ db *store.DB }

var queueDesc = prometheus.NewDesc("art28_jobs", "Jobs in the queue by state.", []string{"state"}, nil)

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.db.JobCounts(ctx)
	if err != nil {
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n), state)
	}
}
