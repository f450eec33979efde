package outbox

import (
	"cmp"
	"context"
	"fmt"
	netmail "net/mail"
	"slices"
	"strconv"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/store"
)

// dueLayout writes a deadline to the minute, with its zone's abbreviation.
const dueLayout = "2006-01-02 15:04 MST"

// dutyReminder writes a reminder or escalation of a duty to a privacy
// officer or owner. The duty is read again when the message is written: a
// reminder of a duty closed in the meantime would only be noise, so it is
// not sent. The recipients are few, so each message is rendered on its own.
func (c *composer) dutyReminder(ctx context.Context, d *art28.Delivery) (*mail.Message, error) {
	m, err := c.o.db.ReminderMailing(ctx, d.NoticeID)
	if art28.ErrorCode(err) == art28.ENOTFOUND {
		return nil, permanent(err)
	} else if err != nil {
		return nil, err
	}
	duty := m.Duty
	if duty.State != art28.DutyOpen {
		return nil, permanent(fmt.Errorf("not sent: the duty is %s", duty.State))
	}
	p, err := c.o.processorProfile(ctx)
	if err != nil {
		return nil, err
	}
	data := mail.DutyReminder{ProcessorName: p.LegalName, Title: duty.Title, Kind: duty.Kind, CustomerName: m.CustomerName,
		Clauses: duty.ClauseIDs, DueUTC: duty.DueAt.UTC().Format(dueLayout), Label: m.Reminder.Label,
		Escalation: m.Reminder.Escalation, DutyURL: c.o.cfg.BaseURL + "/duties/" + strconv.FormatInt(duty.ID, 10)}
	if m.TimeZone != "" {
		if loc, err := art28.LoadZone(m.TimeZone); err == nil {
			if local := duty.DueAt.In(loc).Format(dueLayout); local != data.DueUTC {
				data.DueLocal, data.TimeZone = local, m.TimeZone
			}
		}
	}
	subject, text, html, err := mail.Render(mail.NoticeDutyReminder, d.Language, data)
	if err != nil {
		return nil, permanent(err)
	}
	return &mail.Message{From: c.o.cfg.From, To: netmail.Address{Name: d.RecipientName, Address: d.Recipient}, Subject: subject,
		Text: text, HTML: html, MessageID: c.messageID(d)}, nil
}

// digestLines is how many duties a digest lists one by one, across its
// groups; the rest are counted, and the dashboard lists them.
const digestLines = 25

// dutyReminderDigest writes a digest of the reminders of one sweep: every
// reminder to a privacy officer, the escalations alone to an owner. Like
// a single reminder, it says nothing of the duties closed since: it lists
// the duties still open, and is not sent when none is.
func (c *composer) dutyReminderDigest(ctx context.Context, d *art28.Delivery) (*mail.Message, error) {
	m, err := c.o.db.ReminderDigestMailing(ctx, d.NoticeID)
	if art28.ErrorCode(err) == art28.ENOTFOUND {
		return nil, permanent(err)
	} else if err != nil {
		return nil, err
	}
	p, err := c.o.processorProfile(ctx)
	if err != nil {
		return nil, err
	}
	data := c.digestData(m)
	if data.Total == 0 {
		return nil, permanent(fmt.Errorf("not sent: the %d duties of the digest are closed", len(m.Reminders)))
	}
	data.ProcessorName = p.LegalName
	subject, text, html, err := mail.Render(mail.NoticeDutyReminderDigest, d.Language, data)
	if err != nil {
		return nil, permanent(err)
	}
	return &mail.Message{From: c.o.cfg.From, To: netmail.Address{Name: d.RecipientName, Address: d.Recipient}, Subject: subject,
		Text: text, HTML: html, MessageID: c.messageID(d)}, nil
}

// digestData groups the open duties of a digest by kind and point in
// their period: the overdue first, then the group whose first deadline is
// soonest; within a group, soonest deadline first. The first digestLines
// duties are listed.
func (c *composer) digestData(m *store.ReminderDigestMailing) mail.DutyReminderDigest {
	type key struct {
		escalation  bool
		kind, label string
	}
	var open []store.DigestReminder
	for _, r := range m.Reminders {
		if r.Duty.State == art28.DutyOpen {
			open = append(open, r)
		}
	}
	slices.SortStableFunc(open, func(a, b store.DigestReminder) int {
		if c := a.Duty.DueAt.Compare(b.Duty.DueAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Duty.ID, b.Duty.ID)
	})
	byKey := map[key][]store.DigestReminder{}
	var keys []key
	for _, r := range open {
		k := key{r.Reminder.Escalation, r.Duty.Kind, r.Reminder.Label}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k) // in the order of their soonest deadline
		}
		byKey[k] = append(byKey[k], r)
	}
	slices.SortStableFunc(keys, func(a, b key) int {
		switch {
		case a.escalation == b.escalation:
			return 0
		case a.escalation:
			return -1
		}
		return 1
	})
	data := mail.DutyReminderDigest{EscalationsOnly: m.EscalationsOnly, DashboardURL: c.o.cfg.BaseURL + "/dashboard"}
	budget := digestLines
	for _, k := range keys {
		rs := byKey[k]
		g := mail.DutyDigestGroup{Kind: k.kind, Label: k.label, Escalation: k.escalation, Count: len(rs)}
		for _, r := range rs[:min(budget, len(rs))] {
			g.Duties = append(g.Duties, mail.DutyDigestLine{Title: r.Duty.Title, CustomerName: r.CustomerName,
				DueUTC: r.Duty.DueAt.UTC().Format(dueLayout), DutyURL: c.o.cfg.BaseURL + "/duties/" + strconv.FormatInt(r.Duty.ID, 10)})
		}
		budget -= len(g.Duties)
		data.Groups = append(data.Groups, g)
		data.Total += g.Count
		if g.Escalation {
			data.Overdue += g.Count
		}
	}
	return data
}
