package outbox

import (
	"context"
	"fmt"
	netmail "net/mail"
	"net/url"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
	"github.com/art28/art28/internal/store"
)

// The messages of the public list's subscriptions: the confirmation of a
// subscription (double opt-in), and a change to the list. Each carries
// links of its recipient's own, so neither is shared between recipients.

func (c *composer) subscriptions() *store.Subscriptions { return store.NewSubscriptions(c.o.db) }

func (c *composer) system(ctx context.Context) context.Context {
	return art28.NewContext(ctx, art28.SystemActor)
}

func (c *composer) confirmation(ctx context.Context, d *art28.Delivery) (*mail.Message, error) {
	sub, confirm, _, err := c.subscriptions().Mailing(c.system(ctx), d.NoticeID)
	if err != nil {
		return nil, err
	}
	if sub.State != art28.SubscriberPending || confirm == "" {
		return nil, permanent(fmt.Errorf("not sent: the subscription is %s", sub.State))
	}
	p, err := c.o.processorProfile(ctx)
	if err != nil {
		return nil, err
	}
	subject, text, html, err := mail.Render(mail.NoticeSubscriptionConfirm, sub.Language, mail.SubscriptionConfirm{
		ProcessorName: orDefault(p.LegalName, "Your processor"),
		ConfirmURL:    c.o.cfg.BaseURL + "/subprocessors/confirm?token=" + url.QueryEscape(confirm),
		ListURL:       c.o.cfg.BaseURL + "/subprocessors"})
	if err != nil {
		return nil, permanent(err)
	}
	return &mail.Message{From: c.o.cfg.From, To: netmail.Address{Address: d.Recipient}, Subject: subject, Text: text, HTML: html,
		MessageID: c.messageID(d)}, nil
}

func (c *composer) listChange(ctx context.Context, d *art28.Delivery) (*mail.Message, error) {
	sub, _, unsubscribe, err := c.subscriptions().MailingTo(c.system(ctx), d.Recipient)
	if err != nil {
		return nil, err
	}
	if sub.State != art28.SubscriberConfirmed {
		return nil, permanent(fmt.Errorf("not sent: the subscription is %s", sub.State))
	}
	m, err := c.o.db.ChangeMailing(ctx, d.NoticeID)
	if err != nil {
		return nil, err
	}
	p, err := c.o.processorProfile(ctx)
	if err != nil {
		return nil, err
	}
	ch, sp := m.Change, m.Subprocessor
	country, safeguard, purpose := sp.Country, sp.Safeguard, sp.Purpose
	switch ch.Kind {
	case art28.ChangeLocation:
		country, safeguard = ch.NewCountry, ch.NewSafeguard
	case art28.ChangePurpose:
		purpose = ch.NewPurpose
	}
	data := mail.ListChange{ProcessorName: orDefault(p.LegalName, "Your processor"), Kind: string(ch.Kind),
		SubprocessorName: sp.Name, ReplacesName: m.ReplacesName, SubprocessorCountry: art28.CountryName(country), Purpose: purpose,
		Summary: ch.Summary, EffectiveFrom: ch.EffectiveFrom, ListURL: c.o.cfg.BaseURL + "/subprocessors",
		UnsubscribeURL: c.o.cfg.BaseURL + "/subprocessors/unsubscribe?token=" + url.QueryEscape(unsubscribe)}
	if safeguard != art28.SafeguardNone {
		data.Safeguard = safeguard.Label()
	}
	subject, text, html, err := mail.Render(mail.NoticeListChange, sub.Language, data)
	if err != nil {
		return nil, permanent(err)
	}
	return &mail.Message{From: c.o.cfg.From, To: netmail.Address{Address: d.Recipient}, Subject: subject, Text: text, HTML: html,
		MessageID: c.messageID(d), Headers: map[string]string{
			// RFC 8058: one click in the mail client ends the subscription.
			"List-Unsubscribe":      "<" + data.UnsubscribeURL + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		}}, nil
}
