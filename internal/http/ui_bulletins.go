package http

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/art28/art28"
)

// Bulletins, the other notices the agreements demand (a disruption, an
// authority's action, a change of DPO…): the processor's staff issue them
// to every customer with a running agreement or to those chosen, and see
// how many acknowledged; a customer's staff read theirs in the portal and
// acknowledge each one.

// bulletinUIRoutes is the route table of the bulletin pages, staff and
// portal.
func (s *Server) bulletinUIRoutes() []Route {
	return []Route{
		{Pattern: "GET /bulletins", Handle: s.uiBulletins},
		{Pattern: "POST /bulletins", Handle: s.uiIssueBulletin},
		{Pattern: "GET /bulletins/{id}", Handle: s.uiBulletin},
		{Pattern: "POST /bulletins/{id}/send", Handle: s.uiSendBulletin},

		{Pattern: "GET /portal/bulletins", Handle: s.uiPortalBulletins},
		{Pattern: "POST /portal/bulletins/{id}/acknowledge", Handle: s.uiPortalAcknowledgeBulletin},
	}
}

const (
	bulletinsPerPage       = 25
	portalBulletinsPerPage = 10
)

// bulletinKindWords says what each kind of bulletin is about.
var bulletinKindWords = map[art28.BulletinKind]string{
	art28.BulletinDisruption:      "Significant disruption or failure",
	art28.BulletinViolation:       "Violation of the agreement or of the law",
	art28.BulletinAuthorityAction: "Action by a supervisory authority",
	art28.BulletinSeizure:         "Seizure or confiscation",
	art28.BulletinInsolvency:      "Insolvency or settlement proceedings",
	art28.BulletinLegalObligation: "Processing required by law",
	art28.BulletinMeasures:        "Measures no longer adequate",
	art28.BulletinCertification:   "Certification revoked",
	art28.BulletinDPOChange:       "Change of the data protection officer",
}

// bulletinKindText is a kind in words; an unknown one as it is.
func bulletinKindText(k art28.BulletinKind) string {
	if w, ok := bulletinKindWords[k]; ok {
		return w
	}
	return title(k)
}

// bulletinRow is a bulletin as the pages show it.
type bulletinRow struct {
	*art28.Bulletin
	Error *formError // a refused acknowledgement
}

// KindText is the bulletin's kind in words.
func (b bulletinRow) KindText() string { return bulletinKindText(b.Kind) }

// Clauses are the clause IDs it is given under, as text.
func (b bulletinRow) Clauses() string { return strings.Join(b.ClauseIDs, ", ") }

// LateBy is, for a customer's own copy, how late it was sent after the
// deadline its agreement set, in words; empty when on time or without one.
func (b bulletinRow) LateBy() string {
	if b.DueAt == nil || b.SentAt == nil || !b.SentAt.After(*b.DueAt) {
		return ""
	}
	return humanDuration(b.SentAt.Sub(*b.DueAt))
}

// bulletinKindOption is a kind the form offers, with its clauses.
type bulletinKindOption struct {
	Value   string
	Label   string
	Clauses string
}

// bulletinForm holds the form of a bulletin as typed.
type bulletinForm struct {
	Kind, Title, Body string
	// OccurredAt (when we learned of it) and ProcessingFrom (a legal
	// obligation's start) are datetime-local values in Zone; an empty
	// OccurredAt means now.
	OccurredAt, ProcessingFrom, Zone string
	WithheldReason                   string
	// Recipients is "all" (every customer with a running agreement) or
	// "chosen" (the customers ticked).
	Recipients string
	Chosen     []int64
	Query      string    // the customer search
	Rows       []pickRow // the customers the form shows: ticked, then found
	Found      int       // customers the search matches
	Error      *formError
}

// Kinds are the kinds the form offers, in order.
func (bulletinForm) Kinds() []bulletinKindOption {
	out := make([]bulletinKindOption, 0, len(art28.BulletinKinds))
	for _, k := range art28.BulletinKinds {
		out = append(out, bulletinKindOption{Value: string(k), Label: bulletinKindText(k), Clauses: strings.Join(k.Clauses(), ", ")})
	}
	return out
}

// Zones are the zones the form's times may be read in.
func (bulletinForm) Zones() []zoneOption { return incidentZones }

// More reports whether the search finds more customers than the form
// shows.
func (f bulletinForm) More() bool { return f.Found > customerPickerSize }

func readBulletinForm(r *http.Request) (bulletinForm, error) {
	f := r.PostFormValue
	form := bulletinForm{Kind: f("kind"), Title: f("title"), Body: f("body"), Recipients: f("recipients"),
		Query: strings.TrimSpace(f("q")), OccurredAt: strings.TrimSpace(f("occurred_at")),
		ProcessingFrom: strings.TrimSpace(f("processing_from")), Zone: f("zone"), WithheldReason: f("withheld_reason")}
	if form.Recipients != "chosen" {
		form.Recipients = "all"
	}
	var err error
	form.Chosen, err = formIDs(r, "customer_ids")
	return form, err
}

// bulletin is the bulletin the form describes: to every customer with a
// running agreement, or to the customers ticked. EINVALID for a time
// that cannot be read.
func (f bulletinForm) bulletin() (*art28.Bulletin, error) {
	b := &art28.Bulletin{Kind: art28.BulletinKind(f.Kind), Title: f.Title, Body: f.Body, WithheldReason: f.WithheldReason}
	if f.Recipients == "all" {
		b.AllRunning = true
	} else {
		b.CustomerIDs = f.Chosen
	}
	loc, err := incidentZone(f.Zone)
	if err != nil {
		return nil, err
	}
	if f.OccurredAt != "" {
		if b.OccurredAt, err = parseInZone("occurred_at", f.OccurredAt, loc); err != nil {
			return nil, err
		}
	}
	if f.ProcessingFrom != "" {
		t, err := parseInZone("processing_from", f.ProcessingFrom, loc)
		if err != nil {
			return nil, err
		}
		b.ProcessingFrom = &t
	}
	return b, nil
}

// bulletinsPage is the staff's list of bulletins with the form that
// issues one.
type bulletinsPage struct {
	Rows  []bulletinRow
	Pager pager
	Form  bulletinForm
}

// fillBulletinPicker lists the customers the form offers: those ticked,
// then those the search finds.
func (s *Server) fillBulletinPicker(r *http.Request, form *bulletinForm) error {
	ctx := r.Context()
	names, err := s.customerNames(ctx, form.Chosen)
	if err != nil {
		return err
	}
	form.Rows = form.Rows[:0]
	checked := map[int64]bool{}
	for _, id := range form.Chosen {
		if !checked[id] {
			checked[id] = true
			form.Rows = append(form.Rows, pickRow{ID: id, Name: names[id], Checked: true})
		}
	}
	slices.SortStableFunc(form.Rows, func(a, b pickRow) int { return strings.Compare(a.Name, b.Name) })
	found, total, err := s.svc.Customers.Customers(ctx, art28.CustomerFilter{Query: form.Query, Page: art28.Page{Limit: customerPickerSize}})
	if err != nil {
		return err
	}
	form.Found = total
	for _, c := range found {
		if !checked[c.ID] {
			form.Rows = append(form.Rows, pickRow{ID: c.ID, Name: c.LegalName})
		}
	}
	return nil
}

func (s *Server) renderBulletins(w http.ResponseWriter, r *http.Request, status int, form bulletinForm) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	n, p := pageParam(r, "page", bulletinsPerPage)
	list, total, err := s.svc.Bulletins.Bulletins(r.Context(), p)
	if err != nil {
		return err
	}
	d := &bulletinsPage{Pager: newPager(r, "page", n, bulletinsPerPage, total), Form: form}
	for _, b := range list {
		d.Rows = append(d.Rows, bulletinRow{Bulletin: b})
	}
	if a.Role.Can(art28.PermWrite) {
		if err := s.fillBulletinPicker(r, &d.Form); err != nil {
			return err
		}
	}
	return s.render(w, r, status, "bulletins", "Bulletins", d)
}

func (s *Server) uiBulletins(w http.ResponseWriter, r *http.Request) error {
	return s.renderBulletins(w, r, http.StatusOK, bulletinForm{Recipients: "all", Zone: "UTC"})
}

// uiIssueBulletin issues a bulletin; the form's "Find" button instead
// shows it again with the customers the search finds, nothing stored.
func (s *Server) uiIssueBulletin(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	if !a.Role.Can(art28.PermWrite) {
		return art28.Errorf(art28.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	form, err := readBulletinForm(r)
	if err == nil && r.PostFormValue("find") != "" {
		return s.renderBulletins(w, r, http.StatusOK, form)
	}
	var b *art28.Bulletin
	if err == nil {
		b, err = form.bulletin()
	}
	if err == nil {
		err = s.svc.Bulletins.IssueBulletin(r.Context(), b)
	}
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.renderBulletins(w, r, status, form)
	}
	if err != nil {
		return err
	}
	if b.Withheld() {
		return redirect(w, r, fmt.Sprintf("/bulletins/%d", b.ID),
			fmt.Sprintf("The bulletin is recorded for %d customers and withheld: nothing is sent until you send it.", b.Recipients))
	}
	return redirect(w, r, fmt.Sprintf("/bulletins/%d", b.ID),
		fmt.Sprintf("The bulletin is issued to %d customers: by email to their contacts, and in their portal, where they acknowledge it.", b.Recipients))
}

// ----- The portal -----

// portalBulletinsPage lists the customer's bulletins, latest first.
type portalBulletinsPage struct {
	Customer *art28.Customer
	Rows     []*bulletinRow
	Pager    pager
	Error    *formError // a refused acknowledgement, shown at the top too
}

func (s *Server) loadPortalBulletins(r *http.Request, a art28.Actor) (*portalBulletinsPage, error) {
	ctx := r.Context()
	c, err := s.svc.Customers.Customer(ctx, a.CustomerID)
	if err != nil {
		return nil, err
	}
	n, p := pageParam(r, "page", portalBulletinsPerPage)
	list, total, err := s.svc.Bulletins.Bulletins(ctx, p)
	if err != nil {
		return nil, err
	}
	d := &portalBulletinsPage{Customer: c, Pager: newPager(r, "page", n, portalBulletinsPerPage, total)}
	for _, b := range list {
		d.Rows = append(d.Rows, &bulletinRow{Bulletin: b})
	}
	return d, nil
}

func (s *Server) uiPortalBulletins(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	d, err := s.loadPortalBulletins(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal_bulletins", "Bulletins", d)
}

// uiPortalAcknowledgeBulletin records that the customer has read a
// bulletin; one already acknowledged is refused with 409, shown on the
// list.
func (s *Server) uiPortalAcknowledgeBulletin(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Bulletins.AcknowledgeBulletin(r.Context(), id)
	if status, ok := correctable(err); ok {
		ferr := toFormError(err)
		d, lerr := s.loadPortalBulletins(r, a)
		if lerr != nil {
			return lerr
		}
		d.Error = &formError{Message: fmt.Sprintf("Bulletin #%d: %s", id, ferr.Message)}
		for _, row := range d.Rows {
			if row.ID == id {
				row.Error = ferr
			}
		}
		return s.render(w, r, status, "portal_bulletins", "Bulletins", d)
	}
	if err != nil {
		return err
	}
	back := "/portal/bulletins"
	if n, _ := pageParam(r, "page", portalBulletinsPerPage); n > 1 {
		back += fmt.Sprintf("?page=%d", n)
	}
	return redirect(w, r, fmt.Sprintf("%s#bulletin-%d", back, b.ID),
		fmt.Sprintf("Thank you: your acknowledgement of %q is recorded.", b.Title))
}
