package store

import (
	"context"

	"github.com/art28/art28"
)

// QueueListSubscribers runs queueListSubscribers in a transaction of its
// own, for the tests of package store_test: announcing a change calls it
// inside the announcement's transaction.
func (s *Subscriptions) QueueListSubscribers(ctx context.Context, changeID int64) error {
	if _, err := authorize(ctx, art28.PermWrite); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error { return queueListSubscribers(ctx, tx, changeID) })
}
