package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestJobEnqueue(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := testrig.NewClock(start)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = start // the dialects share the clock
		ctx := context.Background()

		// A job enqueued in a transaction that rolls back does not exist.
		boom := errors.New("boom")
		err := db.Update(ctx, func(tx *store.Tx) error {
			if _, ok, err := tx.Enqueue(ctx, store.JobRequest{Kind: "notify", Args: map[string]int{"notice": 1}}); err != nil || !ok {
				t.Fatalf("enqueue: %v %v", ok, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update returned %v, want the callback's error", err)
		}
		if counts := jobCounts(t, db); counts[store.JobAvailable] != 0 {
			t.Fatalf("rolled-back enqueue left a job: %v", counts)
		}
		if j, err := db.ClaimJob(ctx, nil, time.Minute); err != nil || j != nil {
			t.Fatalf("claim after rollback: %v %+v", err, j)
		}

		// Uniqueness while waiting.
		id, ok, err := db.Enqueue(ctx, store.JobRequest{Kind: "notify", Args: map[string]int{"notice": 1}, UniqueKey: "notice:1"})
		if err != nil || !ok || id == 0 {
			t.Fatalf("enqueue: %d %v %v", id, ok, err)
		}
		id2, ok, err := db.Enqueue(ctx, store.JobRequest{Kind: "notify", UniqueKey: "notice:1"})
		if err != nil || ok || id2 != 0 {
			t.Fatalf("duplicate enqueue: %d %v %v", id2, ok, err)
		}
		// No key, no uniqueness.
		for range 2 {
			if _, ok, err := db.Enqueue(ctx, store.JobRequest{Kind: "sweep"}); err != nil || !ok {
				t.Fatalf("keyless enqueue: %v %v", ok, err)
			}
		}
		_, _, err = db.Enqueue(ctx, store.JobRequest{Kind: " "})
		testrig.WantError(t, err, art28.EINVALID, "kind")
		_, _, err = db.Enqueue(ctx, store.JobRequest{Kind: "x", Args: []byte("{not json")})
		testrig.WantError(t, err, art28.EINVALID, "args")
		if counts := jobCounts(t, db); counts[store.JobAvailable] != 3 {
			t.Fatalf("counts %v, want 3 available", counts)
		}

		// The key is released when the job is done.
		j, err := db.ClaimJob(ctx, []string{"notify"}, time.Minute)
		if err != nil || j == nil || j.ID != id {
			t.Fatalf("claim: %v %+v", err, j)
		}
		if _, ok, _ := db.Enqueue(ctx, store.JobRequest{Kind: "notify", UniqueKey: "notice:1"}); ok {
			t.Fatal("a running job's key was taken again")
		}
		if err := db.CompleteJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := db.Enqueue(ctx, store.JobRequest{Kind: "notify", UniqueKey: "notice:1"}); err != nil || !ok {
			t.Fatalf("a done job's key is still taken: %v %v", ok, err)
		}
		testrig.WantError(t, db.CompleteJob(ctx, 9999), art28.ENOTFOUND, "")
	}, store.WithClock(clock.Now))
}

func TestJobLifecycle(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := testrig.NewClock(start)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = start // the dialects share the clock
		ctx := context.Background()
		later := clock.Now().Add(time.Hour)
		idLater, _, _ := db.Enqueue(ctx, store.JobRequest{Kind: "mail", RunAt: later})
		idB, _, _ := db.Enqueue(ctx, store.JobRequest{Kind: "mail", Args: map[string]string{"to": "b"}, MaxAttempts: 2, UniqueKey: "mail:b"})
		clock.Add(time.Second)
		idC, _, _ := db.Enqueue(ctx, store.JobRequest{Kind: "webhook", Args: json.RawMessage(`{"url":"https://example.com"}`)})

		// Oldest due job of the asked kinds.
		if j, err := db.ClaimJob(ctx, []string{"sweep"}, time.Minute); err != nil || j != nil {
			t.Fatalf("claim of a kind with no jobs: %v %+v", err, j)
		}
		j, err := db.ClaimJob(ctx, nil, time.Minute)
		if err != nil || j == nil {
			t.Fatalf("claim: %v %+v", err, j)
		}
		if j.ID != idB || j.Kind != "mail" || string(j.Args) != `{"to":"b"}` || j.Attempts != 1 || j.MaxAttempts != 2 ||
			j.UniqueKey != "mail:b" || !j.RunAt.Equal(clock.Now().Add(-time.Second)) {
			t.Fatalf("claimed %+v", j)
		}
		c, err := db.ClaimJob(ctx, []string{"mail", "webhook"}, time.Minute)
		if err != nil || c == nil || c.ID != idC || string(c.Args) != `{"url":"https://example.com"}` || c.MaxAttempts != 10 {
			t.Fatalf("second claim: %v %+v", err, c)
		}
		if j, err := db.ClaimJob(ctx, nil, time.Minute); err != nil || j != nil {
			t.Fatalf("claim with only a future job left: %v %+v", err, j)
		}
		counts := jobCounts(t, db)
		if counts[store.JobRunning] != 2 || counts[store.JobAvailable] != 1 || counts[store.JobDone] != 0 || counts[store.JobFailed] != 0 {
			t.Fatalf("counts %v", counts)
		}

		// A failed attempt comes back at its retry time, with its error.
		if err := db.FailJob(ctx, idB, "smtp: 421 try later", clock.Now().Add(10*time.Minute), false); err != nil {
			t.Fatal(err)
		}
		if j, _ := db.ClaimJob(ctx, []string{"mail"}, time.Minute); j != nil {
			t.Fatalf("retried before its time: %+v", j)
		}
		clock.Add(10 * time.Minute)
		j, err = db.ClaimJob(ctx, []string{"mail"}, time.Minute)
		if err != nil || j == nil || j.ID != idB || j.Attempts != 2 || j.LastError != "smtp: 421 try later" {
			t.Fatalf("retry: %v %+v", err, j)
		}
		// Its last attempt fails for good and releases the key.
		if err := db.FailJob(ctx, idB, "smtp: 550 no such user", time.Time{}, true); err != nil {
			t.Fatal(err)
		}
		if err := db.CompleteJob(ctx, idC); err != nil {
			t.Fatal(err)
		}
		counts = jobCounts(t, db)
		if counts[store.JobRunning] != 0 || counts[store.JobAvailable] != 1 || counts[store.JobDone] != 1 || counts[store.JobFailed] != 1 {
			t.Fatalf("counts %v", counts)
		}
		if _, ok, _ := db.Enqueue(ctx, store.JobRequest{Kind: "mail", UniqueKey: "mail:b", RunAt: later.Add(time.Hour)}); !ok {
			t.Fatal("a failed job's key is still taken")
		}
		testrig.WantError(t, db.FailJob(ctx, 9999, "x", clock.Now(), false), art28.ENOTFOUND, "")

		// The future job becomes due.
		clock.T = later
		j, err = db.ClaimJob(ctx, []string{"mail"}, time.Minute)
		if err != nil || j == nil || j.ID != idLater {
			t.Fatalf("due job: %v %+v", err, j)
		}
	}, store.WithClock(clock.Now))
}

func TestJobLeaseExpiry(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := testrig.NewClock(start)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = start // the dialects share the clock
		ctx := context.Background()
		id, _, _ := db.Enqueue(ctx, store.JobRequest{Kind: "export", MaxAttempts: 2})
		j, err := db.ClaimJob(ctx, nil, 5*time.Minute)
		if err != nil || j == nil || j.ID != id {
			t.Fatalf("claim: %v %+v", err, j)
		}
		// The worker crashes. Until the lease runs out, nobody else takes it.
		clock.Add(5 * time.Minute)
		if j, _ := db.ClaimJob(ctx, nil, 5*time.Minute); j != nil {
			t.Fatalf("claimed a leased job: %+v", j)
		}
		clock.Add(time.Microsecond)
		j, err = db.ClaimJob(ctx, nil, 5*time.Minute)
		if err != nil || j == nil || j.ID != id || j.Attempts != 2 {
			t.Fatalf("reclaim after the lease: %v %+v", err, j)
		}
		// It crashes on its last attempt too: the job fails instead of
		// running a third time.
		clock.Add(time.Hour)
		if j, err := db.ClaimJob(ctx, nil, 5*time.Minute); err != nil || j != nil {
			t.Fatalf("claimed a job past its attempts: %v %+v", err, j)
		}
		if counts := jobCounts(t, db); counts[store.JobFailed] != 1 || counts[store.JobRunning] != 0 {
			t.Fatalf("counts %v", counts)
		}
	}, store.WithClock(clock.Now))
}

// TestJobConcurrentClaims checks that replicas claiming at once never get
// the same job (FOR UPDATE SKIP LOCKED on PostgreSQL; the single writer on
// SQLite).
func TestJobConcurrentClaims(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const jobs, workers = 50, 4
		err := db.Update(ctx, func(tx *store.Tx) error {
			for i := range jobs {
				if _, _, err := tx.Enqueue(ctx, store.JobRequest{Kind: "work", Args: map[string]int{"n": i}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				for {
					j, err := db.ClaimJob(ctx, []string{"work"}, time.Minute)
					if err != nil {
						errs <- err
						return
					}
					if j == nil {
						return
					}
					mu.Lock()
					seen[j.ID]++
					mu.Unlock()
					if err := db.CompleteJob(ctx, j.ID); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != jobs {
			t.Fatalf("%d jobs claimed, want %d", len(seen), jobs)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("job %d claimed %d times", id, n)
			}
		}
		if counts := jobCounts(t, db); counts[store.JobDone] != jobs {
			t.Fatalf("counts %v", counts)
		}
	})
}

func jobCounts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	counts, err := db.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts
}
