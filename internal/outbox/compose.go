package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"strconv"
	"sync"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/webhook"
)

// composer writes the messages of one batch. The recipients of a notice
// share its data and its text, so each is read and rendered once.
type composer struct {
	o        *Outbox
	mu       sync.Mutex
	mailings map[int64]*store.NoticeMailing
	rendered map[renderKey]rendered
	breaches map[int64]*store.BreachMailing // the batch's breach notices (prefetch); read only by the workers
}

// renderKey names one rendering: notice IDs are per event (a breach
// notice and a change notice may share a number), so the event is part of
// the key.
type renderKey struct {
	event  string
	notice int64
	lang   string
}

type rendered struct {
	subject string
	body    *mail.Body
}

func newComposer(o *Outbox) *composer {
	return &composer{o: o, mailings: map[int64]*store.NoticeMailing{}, rendered: map[renderKey]rendered{}}
}

func (c *composer) mailing(ctx context.Context, noticeID int64) (*store.NoticeMailing, error) {
	c.mu.Lock()
	m, ok := c.mailings[noticeID]
	c.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := c.o.db.NoticeMailing(ctx, noticeID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.mailings[noticeID] = m
	c.mu.Unlock()
	return m, nil
}

// messageID is the Message-ID of a delivery: one per notice and recipient,
// the same on every attempt.
func (c *composer) messageID(d *art28.Delivery) string {
	return fmt.Sprintf("d%d.%s@%s", d.ID, d.Event, c.o.cfg.MessageIDHost)
}

func (c *composer) email(ctx context.Context, d *art28.Delivery) (*mail.Message, error) {
	switch d.Event {
	case mail.NoticeSubscriptionConfirm:
		return c.confirmation(ctx, d)
	case mail.NoticeListChange:
		return c.listChange(ctx, d)
	case mail.NoticeDutyReminder:
		return c.dutyReminder(ctx, d)
	case mail.NoticeDutyReminderDigest:
		return c.dutyReminderDigest(ctx, d)
	case mail.NoticeBreach:
		return c.breachEmail(ctx, d)
	case mail.NoticeBulletin:
		return c.bulletinEmail(ctx, d)
	case mail.NoticeSubprocessorChange:
	default:
		return nil, permanent(fmt.Errorf("no email is written for event %q", d.Event))
	}
	key := renderKey{d.Event, d.NoticeID, d.Language}
	c.mu.Lock()
	r, ok := c.rendered[key]
	c.mu.Unlock()
	if !ok {
		data, err := c.changeData(ctx, d.NoticeID)
		if err != nil {
			return nil, err
		}
		subject, text, html, err := mail.Render(mail.NoticeSubprocessorChange, d.Language, data)
		if err != nil {
			return nil, permanent(err)
		}
		if r.body, err = mail.EncodeBody(text, html); err != nil {
			return nil, permanent(err)
		}
		r.subject = subject
		c.mu.Lock()
		c.rendered[key] = r
		c.mu.Unlock()
	}
	return &mail.Message{From: c.o.cfg.From, To: netmail.Address{Name: d.RecipientName, Address: d.Recipient},
		Subject: r.subject, Body: r.body, MessageID: c.messageID(d)}, nil
}

// changeData is the notice of a change as the templates read it: dates in
// the agreement's zone, the country and safeguard in words, and what the
// change makes of them.
func (c *composer) changeData(ctx context.Context, noticeID int64) (*mail.SubprocessorChange, error) {
	m, err := c.mailing(ctx, noticeID)
	if err != nil {
		return nil, err
	}
	p, err := c.o.processorProfile(ctx)
	if err != nil {
		return nil, err
	}
	n, ch, sp := m.Notice, m.Change, m.Subprocessor
	country, safeguard, purpose := sp.Country, sp.Safeguard, sp.Purpose
	switch ch.Kind {
	case art28.ChangeLocation:
		country, safeguard = ch.NewCountry, ch.NewSafeguard
	case art28.ChangePurpose:
		purpose = ch.NewPurpose
	}
	data := &mail.SubprocessorChange{ProcessorName: orDefault(p.LegalName, "Your processor"), CustomerName: m.CustomerName,
		Kind: string(ch.Kind), SubprocessorName: sp.Name, SubprocessorCountry: art28.CountryName(country), Purpose: purpose,
		ReplacesName: m.ReplacesName, EffectiveFrom: ch.EffectiveFrom, TimeZone: n.TimeZone,
		ObjectionAllowed: n.ObjectionAllowed, SilenceApproves: n.SilenceApproves, TerminationRight: n.TerminationRight,
		PortalURL: c.o.cfg.BaseURL + "/portal/notices", ListURL: c.o.cfg.BaseURL + "/subprocessors", Clauses: n.ClauseIDs}
	if safeguard != art28.SafeguardNone {
		data.Safeguard = safeguard.Label()
	}
	if n.WindowEnd != nil && n.ObjectionAllowed {
		data.WindowEnd = n.WindowEnd.In(n.Zone()).Format("2006-01-02 15:04 MST")
	}
	return data, nil
}

// changeEvent is the JSON a customer's endpoint receives for a notice of
// a change: enough to act on without calling back.
type changeEvent struct {
	Type         string              `json:"type"`
	Timestamp    time.Time           `json:"timestamp"`
	Notice       *art28.Notice       `json:"notice"`
	Change       *art28.Change       `json:"change"`
	Subprocessor *art28.Subprocessor `json:"subprocessor"`
	PortalURL    string              `json:"portal_url"`
}

func (c *composer) webhook(ctx context.Context, d *art28.Delivery) (*webhook.Delivery, error) {
	if d.Event != mail.NoticeSubprocessorChange && d.Event != mail.NoticeBreach && d.Event != mail.NoticeBulletin {
		return nil, permanent(fmt.Errorf("no webhook is written for event %q", d.Event))
	}
	id, err := strconv.ParseInt(d.Recipient, 10, 64)
	if err != nil {
		return nil, permanent(fmt.Errorf("webhook recipient %q is not an endpoint ID", d.Recipient))
	}
	url, secret, enabled, err := c.o.db.WebhookTarget(ctx, id)
	if err != nil {
		return nil, err
	}
	if !enabled {
		return nil, permanent(fmt.Errorf("endpoint %d was disabled", id))
	}
	switch d.Event {
	case mail.NoticeBreach:
		return c.breachWebhook(ctx, d, url, secret)
	case mail.NoticeBulletin:
		return c.bulletinWebhook(ctx, d, url, secret)
	}
	m, err := c.mailing(ctx, d.NoticeID)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(changeEvent{Type: "subprocessor.change", Timestamp: d.CreatedAt, Notice: m.Notice,
		Change: m.Change, Subprocessor: m.Subprocessor, PortalURL: c.o.cfg.BaseURL + "/portal/notices"})
	if err != nil {
		return nil, permanent(err)
	}
	return &webhook.Delivery{URL: url, Secrets: []string{secret}, ID: "msg_d" + strconv.FormatInt(d.ID, 10), Body: body}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
