package http

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/art28/art28"
)

// noticeRow is a notice with the customer its row names.
type noticeRow struct {
	*art28.Notice
	Customer string
	Error    *formError // a refused resolution of this notice
}

// uiNoticeRows names each notice's customer, one read per customer.
func (s *Server) uiNoticeRows(ctx context.Context, list []*art28.Notice) ([]*noticeRow, error) {
	customers := map[int64]string{}
	out := make([]*noticeRow, 0, len(list))
	for _, n := range list {
		name, ok := customers[n.CustomerID]
		if !ok {
			c, err := s.svc.Customers.Customer(ctx, n.CustomerID)
			if err != nil {
				return nil, err
			}
			name = c.LegalName
			customers[n.CustomerID] = name
		}
		out = append(out, &noticeRow{Notice: n, Customer: name})
	}
	return out, nil
}

// noticePage is one notice with its deliveries.
type noticePage struct {
	Notice       *noticeRow
	Change       *art28.Change
	Subprocessor *art28.Subprocessor
	Deliveries   []*art28.Delivery
	Pager        pager
	// A decision the customer sent by letter or email, recorded by staff
	// who write: an objection while its window is open, a consent while
	// one is asked for.
	CanObject  bool
	CanConsent bool
	Object     objectForm
	Consent    *formError
}

const deliveriesPerPage = 50

func (s *Server) loadNoticePage(r *http.Request, id int64) (*noticePage, error) {
	ctx := r.Context()
	n, err := s.svc.Changes.Notice(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.uiNoticeRows(ctx, []*art28.Notice{n})
	if err != nil {
		return nil, err
	}
	d := &noticePage{Notice: rows[0]}
	if d.Change, err = s.svc.Changes.Change(ctx, n.ChangeID); err != nil {
		return nil, err
	}
	if d.Subprocessor, err = s.svc.Subprocessors.Subprocessor(ctx, d.Change.SubprocessorID); err != nil {
		return nil, err
	}
	page, p := pageParam(r, "page", deliveriesPerPage)
	list, total, err := s.svc.Deliveries.Deliveries(ctx, art28.DeliveryFilter{Event: "subprocessor_change", NoticeID: &id, Page: p})
	if err != nil {
		return nil, err
	}
	d.Deliveries, d.Pager = list, newPager(r, "page", page, deliveriesPerPage, total)
	d.CanObject = n.State == art28.NoticeOpen && n.ObjectionAllowed && n.WindowOpen(s.cfg.Now())
	d.CanConsent = n.ConsentRequired && n.State == art28.NoticeOpen
	return d, nil
}

func (s *Server) uiNotice(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.loadNoticePage(r, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "notice", fmt.Sprintf("Notice #%d", id), d)
}

// uiResolve records the processor's answer to an objection, from the
// change's page or the notice's (the form's "from" says which to return
// to).
func (s *Server) uiResolve(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res := art28.Resolution(r.PostFormValue("resolution"))
	n, err := s.svc.Changes.Resolve(r.Context(), id, res)
	fromNotice := r.PostFormValue("from") == "notice"
	if status, ok := correctable(err); ok {
		ferr := toFormError(err)
		if fromNotice {
			d, lerr := s.loadNoticePage(r, id)
			if lerr != nil {
				return lerr
			}
			d.Notice.Error = ferr
			return s.render(w, r, status, "notice", fmt.Sprintf("Notice #%d", id), d)
		}
		notice, nerr := s.svc.Changes.Notice(r.Context(), id)
		if nerr != nil {
			return nerr
		}
		d, lerr := s.loadChangePage(r, notice.ChangeID)
		if lerr != nil {
			return lerr
		}
		d.Error = uiNoticeError(id, ferr)
		for _, row := range d.Notices {
			if row.ID == id {
				row.Error = ferr
			}
		}
		return s.render(w, r, status, "change", uiChangeTitle(d.Change, d.Subprocessor), d)
	}
	if err != nil {
		return err
	}
	msg := map[art28.Resolution]string{
		art28.ResolveKeepOff:     "The objection is resolved: this customer's data is kept off the sub-processor.",
		art28.ResolveTermination: "The objection is resolved: the customer terminates; the agreement is terminating.",
		art28.ResolveSettled:     "The objection is settled: the change applies to this customer once its window has closed.",
	}[res]
	if fromNotice {
		return redirect(w, r, fmt.Sprintf("/notices/%d", id), msg)
	}
	return redirect(w, r, fmt.Sprintf("/changes/%d#notice-%d", n.ChangeID, id), msg)
}

// rerenderNotice shows a notice's page again with one form's values and
// error, set by fill.
func (s *Server) rerenderNotice(w http.ResponseWriter, r *http.Request, id int64, status int, fill func(*noticePage)) error {
	d, err := s.loadNoticePage(r, id)
	if err != nil {
		return err
	}
	fill(d)
	return s.render(w, r, status, "notice", fmt.Sprintf("Notice #%d", id), d)
}

// uiStaffObject records an objection the customer sent by letter or
// email. The store records the staff member as the one who recorded it.
func (s *Server) uiStaffObject(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	if !can(a, "write") {
		return art28.Errorf(art28.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := objectForm{Reason: r.PostFormValue("reason")}
	_, err = s.svc.Changes.Object(r.Context(), id, form.Reason)
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderNotice(w, r, id, status, func(d *noticePage) { d.Object = form })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/notices/%d", id),
		"The customer's objection is recorded; until it is resolved the change does not apply to its data.")
}

// uiStaffConsent records a prior consent (G10.3) the customer sent by
// letter or email.
func (s *Server) uiStaffConsent(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	if !can(a, "write") {
		return art28.Errorf(art28.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.svc.Changes.Consent(r.Context(), id)
	if status, ok := correctable(err); ok {
		return s.rerenderNotice(w, r, id, status, func(d *noticePage) { d.Consent = toFormError(err) })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/notices/%d", id), "The customer's consent is recorded; the notice is approved.")
}

const portalNoticesPerPage = 20

// portalNoticesPage is what a customer's staff see of the changes to the
// sub-processor list: their own notices, latest first, and the list as it
// stands for the services their agreements cover. The store confines
// notices and deliveries to the actor's customer.
type portalNoticesPage struct {
	Customer      *art28.Customer
	Notices       []*portalNotice
	Pager         pager
	Subprocessors []*art28.Subprocessor
	Error         *formError // a refused objection or consent, shown at the top too
}

// portalNotice is one notice with what the customer needs to decide on it.
type portalNotice struct {
	*art28.Notice
	Change       *art28.Change
	Subprocessor *art28.Subprocessor
	Replaces     *art28.Subprocessor
	Deliveries   []*art28.Delivery
	CanObject    bool // objection allowed and the window open now
	CanConsent   bool
	WindowClosed bool // its window has ended (the sweep may not have run yet)
	Form         objectForm
}

type objectForm struct {
	Reason string
	Error  *formError
}

func (s *Server) loadPortalNotices(r *http.Request, a art28.Actor) (*portalNoticesPage, error) {
	ctx := r.Context()
	c, err := s.svc.Customers.Customer(ctx, a.CustomerID)
	if err != nil {
		return nil, err
	}
	d := &portalNoticesPage{Customer: c}
	n, p := pageParam(r, "page", portalNoticesPerPage)
	list, total, err := s.svc.Changes.Notices(ctx, art28.NoticeFilter{Page: p})
	if err != nil {
		return nil, err
	}
	d.Pager = newPager(r, "page", n, portalNoticesPerPage, total)
	now := s.cfg.Now()
	names := s.newSubprocessorCache(ctx)
	changes := map[int64]*art28.Change{}
	for _, no := range list {
		v := &portalNotice{Notice: no}
		if v.Change = changes[no.ChangeID]; v.Change == nil {
			if v.Change, err = s.svc.Changes.Change(ctx, no.ChangeID); err != nil {
				return nil, err
			}
			changes[no.ChangeID] = v.Change
		}
		if v.Subprocessor, err = names.get(v.Change.SubprocessorID); err != nil {
			return nil, err
		}
		if v.Replaces, err = names.get(v.Change.ReplacesID); err != nil {
			return nil, err
		}
		id := no.ID
		if v.Deliveries, _, err = s.svc.Deliveries.Deliveries(ctx, art28.DeliveryFilter{Event: "subprocessor_change",
			NoticeID: &id, Page: art28.Page{Limit: 20}}); err != nil {
			return nil, err
		}
		v.CanObject = no.ObjectionAllowed && no.WindowOpen(now)
		v.CanConsent = no.ConsentRequired && no.State == art28.NoticeOpen
		v.WindowClosed = no.WindowEnd != nil && !now.Before(*no.WindowEnd)
		d.Notices = append(d.Notices, v)
	}
	// The list as it stands, for the services the customer's agreements
	// cover: what the customer has accepted.
	id := a.CustomerID
	agreements, _, err := s.svc.Agreements.Agreements(ctx, art28.AgreementFilter{CustomerID: &id, Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return nil, err
	}
	var services []int64
	for _, ag := range agreements {
		services = append(services, ag.ServiceIDs...)
	}
	listed, kind := true, art28.KindSubprocessor
	all, _, err := s.svc.Subprocessors.Subprocessors(ctx, art28.SubprocessorFilter{Listed: &listed, Kind: &kind,
		Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return nil, err
	}
	for _, sp := range all {
		if slices.ContainsFunc(sp.ServiceIDs, func(id int64) bool { return slices.Contains(services, id) }) {
			d.Subprocessors = append(d.Subprocessors, sp)
		}
	}
	return d, nil
}

func (s *Server) uiPortalNotices(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	d, err := s.loadPortalNotices(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal_notices", "Sub-processor notices", d)
}

// rerenderPortalNotices shows the notices again with a refused form's
// values and error at its notice, and the error at the top as well, in
// case that notice is on another page.
func (s *Server) rerenderPortalNotices(w http.ResponseWriter, r *http.Request, a art28.Actor, id int64, status int, form objectForm) error {
	d, err := s.loadPortalNotices(r, a)
	if err != nil {
		return err
	}
	d.Error = uiNoticeError(id, form.Error)
	for _, n := range d.Notices {
		if n.ID == id {
			n.Form = form
		}
	}
	return s.render(w, r, status, "portal_notices", "Sub-processor notices", d)
}

// uiPortalObject records the customer's objection. Only a customer admin
// decides for the customer: the store refuses a member with 403.
func (s *Server) uiPortalObject(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := objectForm{Reason: r.PostFormValue("reason")}
	_, err = s.svc.Changes.Object(r.Context(), id, form.Reason)
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderPortalNotices(w, r, a, id, status, form)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/portal/notices#notice-%d", id),
		"Your objection is recorded. We will answer it; until then the change does not apply to your data.")
}

// uiPortalConsent records the customer's prior consent to a transfer that
// its agreement allows only with consent (G10.3).
func (s *Server) uiPortalConsent(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.svc.Changes.Consent(r.Context(), id)
	if status, ok := correctable(err); ok {
		return s.rerenderPortalNotices(w, r, a, id, status, objectForm{Error: toFormError(err)})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/portal/notices#notice-%d", id), "Your consent is recorded.")
}

// uiNoticeError is the summary of a refused action on a notice, for the top
// of a page that lists many: "Notice #4: reason is required".
func uiNoticeError(id int64, e *formError) *formError {
	msg := e.Message
	if e.Field != "" && e.Field != "state" {
		msg = title(e.Field) + " " + msg
	}
	return &formError{Message: fmt.Sprintf("Notice #%d: %s", id, msg)}
}
