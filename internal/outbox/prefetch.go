package outbox

import (
	"context"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/store"
)

// prefetch reads the breach notices of a claimed batch in one statement
// before the workers start: each is one customer's, so a batch holds
// nearly as many notices as deliveries, and a read each was a third of a
// breach notice's delivery cost. A failure here is not the batch's: the
// composer reads what is missing one by one, and records its own errors.
func (c *composer) prefetch(ctx context.Context, list []*art28.Delivery) {
	var ids []int64
	seen := map[int64]bool{}
	for _, d := range list {
		if d.Event == mail.NoticeBreach && !seen[d.NoticeID] {
			seen[d.NoticeID] = true
			ids = append(ids, d.NoticeID)
		}
	}
	if len(ids) == 0 {
		return
	}
	m, err := c.o.db.BreachMailings(ctx, ids)
	if err != nil {
		c.o.log.Warn("reading a batch's breach notices", "err", err)
		return
	}
	c.breaches = m
}

// breachMailing is a breach notice for its deliveries: from the batch's
// prefetch, else read now.
func (c *composer) breachMailing(ctx context.Context, noticeID int64) (*store.BreachMailing, error) {
	if m, ok := c.breaches[noticeID]; ok {
		return m, nil
	}
	return c.o.db.BreachMailing(ctx, noticeID)
}
