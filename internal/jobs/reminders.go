package jobs

import (
	"context"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
)

// remindBatch is how many duties one pass of the sweeper handles at once.
const remindBatch = 200

// RemindDuties is the duty sweeper: it records the reminders and
// escalations that are due for open duties (in the activity record, which
// the dashboard shows, and by e-mail to the privacy officers, and the
// owners on escalation, through the outbox) and plans the next ones. The
// database says what is due, so a restart loses nothing.
func RemindDuties(ctx context.Context, duties *store.Duties, r art28.Reminders) error {
	for {
		list, now, err := duties.DutiesToRemind(ctx, remindBatch)
		if err != nil {
			return err
		}
		batch := make([]store.Reminded, len(list))
		for i, x := range list {
			fire, label, next := r.NextReminder(x.Duty, x.Last, now)
			batch[i] = store.Reminded{ID: x.Duty.ID, Fire: fire, Label: label, Next: next}
		}
		if err := duties.MarkReminded(ctx, batch); err != nil {
			return err
		}
		if len(list) < remindBatch {
			return nil
		}
	}
}
