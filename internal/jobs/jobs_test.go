package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/art28/art28/internal/jobs"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestRunnerRetriesThenCompletes(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := jobs.New(db, jobs.Config{})
		var calls atomic.Int32
		r.Handle("flaky", func(ctx context.Context, j *store.Job) error {
			if calls.Add(1) < 3 {
				return errors.New("not yet")
			}
			return nil
		})
		if _, _, err := db.Enqueue(ctx, store.JobRequest{Kind: "flaky", MaxAttempts: 5}); err != nil {
			t.Fatal(err)
		}
		ran, err := r.RunOne(ctx, []string{"flaky"})
		if err != nil || !ran || calls.Load() != 1 {
			t.Fatalf("first run: ran=%v err=%v calls=%d", ran, err, calls.Load())
		}
		// The retry waits for its backoff: nothing is ready now.
		if ran, _ := r.RunOne(ctx, []string{"flaky"}); ran {
			t.Fatal("a failed job ran again before its backoff")
		}
		counts, err := db.JobCounts(ctx)
		if err != nil || counts["available"] != 1 {
			t.Fatalf("counts after failure: %v %v", counts, err)
		}
	})
}

func TestRunnerStopsAtMaxAttemptsAndPermanent(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := jobs.New(db, jobs.Config{})
		r.Handle("broken", func(ctx context.Context, j *store.Job) error { return jobs.Permanent(errors.New("bad args")) })
		r.Handle("panics", func(ctx context.Context, j *store.Job) error { panic("boom") })
		db.Enqueue(ctx, store.JobRequest{Kind: "broken"})
		db.Enqueue(ctx, store.JobRequest{Kind: "panics", MaxAttempts: 1})
		for i := 0; i < 2; i++ {
			if ran, err := r.RunOne(ctx, []string{"broken", "panics"}); !ran || err != nil {
				t.Fatalf("run %d: ran=%v err=%v", i, ran, err)
			}
		}
		counts, err := db.JobCounts(ctx)
		if err != nil || counts["failed"] != 2 {
			t.Fatalf("want 2 failed jobs, got %v %v", counts, err)
		}
	})
}

func TestRunnerWorkers(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := jobs.New(db, jobs.Config{Workers: 2, Poll: 10 * time.Millisecond})
		done := make(chan int, 10)
		r.Handle("once", func(ctx context.Context, j *store.Job) error { done <- 1; return nil })
		for i := 0; i < 3; i++ {
			if _, _, err := db.Enqueue(ctx, store.JobRequest{Kind: "once"}); err != nil {
				t.Fatal(err)
			}
		}
		r.Start(ctx)
		for i := 0; i < 3; i++ {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("only %d of 3 jobs ran", i)
			}
		}
		if err := r.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.Stop(ctx); err != nil { // idempotent
			t.Fatal(err)
		}
		counts, _ := db.JobCounts(ctx)
		if counts["done"] != 3 {
			t.Fatalf("want 3 done, got %v", counts)
		}
	})
}

func TestPeriodicRunsOncePerInterval(t *testing.T) {
	clock := testrig.NewClock(time.Date(2027, 3, 1, 9, 20, 0, 0, time.UTC))
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock.T = time.Date(2027, 3, 1, 9, 20, 0, 0, time.UTC)
		r := jobs.New(db, jobs.Config{Now: clock.Now})
		runs := 0
		r.Handle("tick", func(ctx context.Context, j *store.Job) error { runs++; return nil })
		r.Every("tick", time.Hour)
		// Every tick and every replica agree on one run per interval.
		r.EnqueuePeriodic(ctx)
		r.EnqueuePeriodic(ctx)
		if ran, _ := r.RunOne(ctx, nil); ran {
			t.Fatal("the next interval's run ran early")
		}
		clock.Add(45 * time.Minute) // 10:05
		if ran, err := r.RunOne(ctx, nil); !ran || err != nil || runs != 1 {
			t.Fatalf("10:00 run: ran=%v err=%v runs=%d", ran, err, runs)
		}
		r.EnqueuePeriodic(ctx)
		r.EnqueuePeriodic(ctx)
		if ran, _ := r.RunOne(ctx, nil); ran || runs != 1 {
			t.Fatalf("the 10:00 interval ran twice (runs=%d)", runs)
		}
		counts, _ := db.JobCounts(ctx)
		if counts["done"] != 1 || counts["available"] != 1 {
			t.Fatalf("want 1 done and the 11:00 run pending, got %v", counts)
		}
	}, store.WithClock(clock.Now))
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	prev := time.Duration(0)
	for a := 1; a <= 6; a++ {
		d := jobs.Backoff(a)
		base := 2 * time.Second << (a - 1)
		if d < base || d > base+base/4 || d <= prev {
			t.Fatalf("attempt %d: backoff %v outside [%v, %v] or not growing", a, d, base, base+base/4)
		}
		prev = d
	}
	if d := jobs.Backoff(40); d > time.Hour+time.Hour/4 {
		t.Fatalf("backoff not capped: %v", d)
	}
}
