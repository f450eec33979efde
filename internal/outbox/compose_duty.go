package outbox

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strconv"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
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
