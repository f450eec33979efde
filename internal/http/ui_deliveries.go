package http

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/art28/art28"
)

// Webhook endpoints, in the portal and on the customer's page, and the
// delivery record across customers.

// webhookForm holds the "add an endpoint" form as typed.
type webhookForm struct {
	URL   string
	Error *formError
}

// webhookCreatedPage shows a new endpoint with its signing secret, this
// once: the lists never show it again.
type webhookCreatedPage struct {
	Endpoint *art28.WebhookEndpoint
	Customer string
	Back     string // the page the endpoint is listed on
}

// createWebhook registers the form's URL for the customer.
func (s *Server) createWebhook(r *http.Request, customerID int64) (*art28.WebhookEndpoint, webhookForm, error) {
	form := webhookForm{URL: strings.TrimSpace(r.PostFormValue("url"))}
	e, err := s.svc.Webhooks.CreateWebhook(r.Context(), customerID, form.URL)
	form.Error = toFormError(err)
	return e, form, err
}

// renderWebhookCreated answers the form that created an endpoint with its
// secret, on a page that is not cached.
func (s *Server) renderWebhookCreated(w http.ResponseWriter, r *http.Request, d webhookCreatedPage) error {
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "webhook_created", "Webhook endpoint added", d)
}

// portalWebhooksPage is a customer's endpoints. A customer admin manages
// them; a member reads them.
type portalWebhooksPage struct {
	Customer *art28.Customer
	Webhooks []*art28.WebhookEndpoint
	Form     webhookForm
}

func (s *Server) loadPortalWebhooks(r *http.Request, a art28.Actor) (*portalWebhooksPage, error) {
	c, err := s.svc.Customers.Customer(r.Context(), a.CustomerID)
	if err != nil {
		return nil, err
	}
	d := &portalWebhooksPage{Customer: c}
	if d.Webhooks, err = s.svc.Webhooks.Webhooks(r.Context(), a.CustomerID); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) uiPortalWebhooks(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	d, err := s.loadPortalWebhooks(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal_webhooks", "Webhooks", d)
}

// uiPortalCreateWebhook registers an endpoint for the actor's own
// customer; the store refuses a member with 403.
func (s *Server) uiPortalCreateWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	e, form, err := s.createWebhook(r, a.CustomerID)
	if status, ok := correctable(err); ok {
		d, lerr := s.loadPortalWebhooks(r, a)
		if lerr != nil {
			return lerr
		}
		d.Form = form
		return s.render(w, r, status, "portal_webhooks", "Webhooks", d)
	}
	if err != nil {
		return err
	}
	return s.renderWebhookCreated(w, r, webhookCreatedPage{Endpoint: e, Back: "/portal/webhooks"})
}

func (s *Server) uiPortalDisableWebhook(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Webhooks.DisableWebhook(r.Context(), a.CustomerID, id); err != nil {
		return err
	}
	return redirect(w, r, "/portal/webhooks", fmt.Sprintf("Endpoint #%d is disabled: nothing more is sent to it.", id))
}

// uiCreateCustomerWebhook registers an endpoint from the customer's page,
// for a customer who asked the processor to.
func (s *Server) uiCreateCustomerWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	e, form, err := s.createWebhook(r, id)
	if status, ok := correctable(err); ok {
		return s.rerenderCustomer(w, r, id, status, func(d *customerPage) { d.WebhookForm = form })
	}
	if err != nil {
		return err
	}
	c, err := s.svc.Customers.Customer(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderWebhookCreated(w, r, webhookCreatedPage{Endpoint: e, Customer: c.LegalName,
		Back: fmt.Sprintf("/customers/%d#webhooks", id)})
}

func (s *Server) uiDisableCustomerWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	endpoint, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	if err := s.svc.Webhooks.DisableWebhook(r.Context(), id, endpoint); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d#webhooks", id),
		fmt.Sprintf("Endpoint #%d is disabled: nothing more is sent to it.", endpoint))
}

// deliveriesPage is the delivery record across customers, newest first.
type deliveriesPage struct {
	State    string
	Channel  string
	Customer *art28.Customer // the customer the list is narrowed to, from a customer's page
	Rows     []deliveryRow
	Pager    pager
	CanRetry bool // the actor may, and the server can, make pending deliveries due
}

// States are the states the filter offers.
func (*deliveriesPage) States() []art28.DeliveryState {
	return []art28.DeliveryState{art28.DeliveryPending, art28.DeliverySent, art28.DeliveryFailed}
}

// Channels are the channels the filter suggests.
func (*deliveriesPage) Channels() []string { return []string{art28.ChannelEmail, art28.ChannelWebhook} }

// deliveryRow is one delivery with the names its row shows.
type deliveryRow struct {
	*art28.Delivery
	Customer string
	Endpoint string // a webhook recipient's URL, when the endpoint is known
}

func (s *Server) uiDeliveries(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &deliveriesPage{Channel: strings.ToLower(strings.TrimSpace(q.Get("channel"))),
		CanRetry: a.Role.Can(art28.PermWrite)}
	var f art28.DeliveryFilter
	if st := art28.DeliveryState(q.Get("state")); has(d.States(), st) {
		d.State, f.State = string(st), &st
	}
	if v := q.Get("customer_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return art28.FieldError("customer_id", "must be a customer's ID")
		}
		if d.Customer, err = s.svc.Customers.Customer(ctx, id); err != nil {
			return err
		}
		f.CustomerID = &id
	}
	n, p := pageParam(r, "page", deliveriesPerPage)
	if has(d.Channels(), d.Channel) {
		f.Channel = d.Channel
	} else {
		d.Channel = ""
	}
	f.Page = p
	list, total, err := s.svc.Deliveries.Deliveries(ctx, f)
	if err != nil {
		return err
	}
	d.Pager = newPager(r, "page", n, deliveriesPerPage, total)
	customers := map[int64]string{}
	endpoints := map[int64]map[string]string{} // customer -> endpoint ID -> URL
	for _, dl := range list {
		row := deliveryRow{Delivery: dl}
		if row.Customer, err = s.customerName(r, customers, dl.CustomerID); err != nil {
			return err
		}
		if dl.Channel == art28.ChannelWebhook {
			urls, ok := endpoints[dl.CustomerID]
			if !ok {
				urls = map[string]string{}
				eps, err := s.svc.Webhooks.Webhooks(ctx, dl.CustomerID)
				if err != nil && art28.ErrorCode(err) != art28.ENOTFOUND {
					return err
				}
				for _, e := range eps {
					urls[strconv.FormatInt(e.ID, 10)] = e.URL
				}
				endpoints[dl.CustomerID] = urls
			}
			row.Endpoint = urls[dl.Recipient]
		}
		d.Rows = append(d.Rows, row)
	}
	return s.render(w, r, http.StatusOK, "deliveries", "Deliveries", d)
}

// uiRetryDeliveries makes every pending delivery due now, for an operator
// who has fixed what made them fail.
func (s *Server) uiRetryDeliveries(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	n, err := s.svc.Deliveries.RetryNow(r.Context())
	if err != nil {
		return err
	}
	back := "/deliveries"
	q := url.Values{}
	for _, k := range []string{"state", "channel", "customer_id"} {
		if v := r.PostFormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	if len(q) > 0 {
		back += "?" + q.Encode()
	}
	msg := "No pending delivery was waiting for a later attempt: there is nothing to retry."
	switch {
	case n == 1:
		msg = "1 pending delivery is due now; the outbox sends it shortly."
	case n > 1:
		msg = fmt.Sprintf("%d pending deliveries are due now; the outbox sends them shortly.", n)
	}
	return redirect(w, r, back, msg)
}
