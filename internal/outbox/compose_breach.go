package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"slices"
	"strconv"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/webhook"
)

// The messages of a breach notice: each notice is one customer's, with
// its own figures, so its recipients share one rendering.

func (c *composer) breachData(ctx context.Context, m *store.BreachMailing) (*mail.BreachNotice, error) {
	p, err := c.o.processorProfile(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := art28.LoadZone(m.Zone)
	if err != nil {
		loc = time.UTC
	}
	// The times, numbers and parts stay raw: each language's template
	// writes them its own way.
	n, content := m.Notice, m.Notice.Content
	d := &mail.BreachNotice{ProcessorName: orDefault(p.LegalName, "Your processor"), CustomerName: m.Customer,
		IncidentTitle: m.Incident, Phase: n.Phase, AwareAt: m.AwareAt.In(loc), Nature: content.Nature,
		DataCategories: content.DataCategories, Subjects: mail.NewCount(content.Subjects), Records: mail.NewCount(content.Records),
		DPO: content.DPO, Consequences: content.Consequences, Measures: content.Measures, Mitigation: content.Mitigation,
		ClientSideEncrypted: content.ClientSideEncrypted, ToFollow: slices.Clone(content.ToFollow),
		PortalURL: fmt.Sprintf("%s/portal/incidents/%d", c.o.cfg.BaseURL, n.IncidentID), Clauses: m.Clauses}
	if n.DueAt != nil {
		d.DueAt = n.DueAt.In(loc)
	}
	return d, nil
}

func (c *composer) breachEmail(ctx context.Context, d *art28.Delivery) (*mail.Message, error) {
	key := renderKey{d.Event, d.NoticeID, d.Language}
	c.mu.Lock()
	r, ok := c.rendered[key]
	c.mu.Unlock()
	if !ok {
		m, err := c.breachMailing(ctx, d.NoticeID)
		if err != nil {
			return nil, err
		}
		data, err := c.breachData(ctx, m)
		if err != nil {
			return nil, err
		}
		subject, text, html, err := mail.Render(mail.NoticeBreach, d.Language, data)
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

// breachEvent is the JSON a customer's endpoint receives for a breach
// notice.
type breachEvent struct {
	Type      string              `json:"type"`
	Timestamp time.Time           `json:"timestamp"`
	Incident  string              `json:"incident"`
	AwareAt   time.Time           `json:"aware_at"`
	Notice    *art28.BreachNotice `json:"notice"`
	PortalURL string              `json:"portal_url"`
}

func (c *composer) breachWebhook(ctx context.Context, d *art28.Delivery, url, secret string) (*webhook.Delivery, error) {
	m, err := c.breachMailing(ctx, d.NoticeID)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(breachEvent{Type: "breach.notice", Timestamp: d.CreatedAt, Incident: m.Incident, AwareAt: m.AwareAt,
		Notice: m.Notice, PortalURL: fmt.Sprintf("%s/portal/incidents/%d", c.o.cfg.BaseURL, m.Notice.IncidentID)})
	if err != nil {
		return nil, permanent(err)
	}
	return &webhook.Delivery{URL: url, Secrets: []string{secret}, ID: "msg_d" + strconv.FormatInt(d.ID, 10), Body: body}, nil
}
