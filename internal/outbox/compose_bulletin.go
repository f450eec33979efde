package outbox

import (
	"context"
	"encoding/json"
	netmail "net/mail"
	"strconv"
	"strings"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/webhook"
)

func (c *composer) bulletinEmail(ctx context.Context, d *art28.Delivery) (*mail.Message, error) {
	m, err := c.o.db.BulletinMailing(ctx, d.NoticeID)
	if err != nil {
		return nil, err
	}
	p, err := c.o.processorProfile(ctx)
	if err != nil {
		return nil, err
	}
	b := m.Bulletin
	subject, text, html, err := mail.Render(mail.NoticeBulletin, d.Language, mail.Bulletin{
		ProcessorName: orDefault(p.LegalName, "Your processor"), CustomerName: m.Customer, Kind: b.Kind,
		Title: b.Title, Body: b.Body, PortalURL: c.o.cfg.BaseURL + "/portal/bulletins", Clauses: b.ClauseIDs})
	if err != nil {
		return nil, permanent(err)
	}
	return &mail.Message{From: c.o.cfg.From, To: netmail.Address{Name: d.RecipientName, Address: d.Recipient},
		Subject: strings.TrimSpace(subject), Text: text, HTML: html, MessageID: c.messageID(d)}, nil
}

// bulletinEvent is the JSON a customer's endpoint receives for a bulletin.
type bulletinEvent struct {
	Type      string          `json:"type"`
	Bulletin  *art28.Bulletin `json:"bulletin"`
	PortalURL string          `json:"portal_url"`
}

func (c *composer) bulletinWebhook(ctx context.Context, d *art28.Delivery, url, secret string) (*webhook.Delivery, error) {
	m, err := c.o.db.BulletinMailing(ctx, d.NoticeID)
	if err != nil {
		return nil, err
	}
	m.Bulletin.CustomerIDs = nil // the others' are not this customer's business
	body, err := json.Marshal(bulletinEvent{Type: "bulletin." + string(m.Bulletin.Kind), Bulletin: m.Bulletin,
		PortalURL: c.o.cfg.BaseURL + "/portal/bulletins"})
	if err != nil {
		return nil, permanent(err)
	}
	return &webhook.Delivery{URL: url, Secrets: []string{secret}, ID: "msg_d" + strconv.FormatInt(d.ID, 10), Body: body}, nil
}
