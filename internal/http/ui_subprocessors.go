package http

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// subprocessorUIRoutes are the register, the changes and the customer's
// notices, on both sides.
func (s *Server) subprocessorUIRoutes() []Route {
	return []Route{
		{Pattern: "GET /register/subprocessors", Handle: s.uiRegister},
		{Pattern: "GET /register/subprocessors.csv", Handle: s.uiRegisterCSV},
		{Pattern: "POST /register/subprocessors/import", Handle: s.uiImportRegister},
		{Pattern: "GET /register/subprocessors/new", Handle: s.uiNewSubprocessor},
		{Pattern: "POST /register/subprocessors", Handle: s.uiCreateSubprocessor},
		{Pattern: "GET /register/subprocessors/{id}", Handle: s.uiSubprocessor},
		{Pattern: "POST /register/subprocessors/{id}", Handle: s.uiUpdateSubprocessor},
		{Pattern: "POST /register/subprocessors/{id}/reviews", Handle: s.uiAddReview},

		{Pattern: "GET /changes", Handle: s.uiChanges},
		{Pattern: "POST /changes", Handle: s.uiAnnounce},
		{Pattern: "GET /changes/{id}", Handle: s.uiChange},
		{Pattern: "POST /changes/{id}/withdraw", Handle: s.uiWithdraw},
		{Pattern: "GET /notices/{id}", Handle: s.uiNotice},
		{Pattern: "POST /notices/{id}/resolve", Handle: s.uiResolve},
		{Pattern: "GET /transfer-check", Handle: s.uiTransferCheck},

		{Pattern: "GET /portal/notices", Handle: s.uiPortalNotices},
		{Pattern: "POST /portal/notices/{id}/object", Handle: s.uiPortalObject},
		{Pattern: "POST /portal/notices/{id}/consent", Handle: s.uiPortalConsent},

		// How notices reach customers: their webhook endpoints, the
		// delivery record, and decisions they sent by letter or email.
		{Pattern: "GET /portal/webhooks", Handle: s.uiPortalWebhooks},
		{Pattern: "POST /portal/webhooks", Handle: s.uiPortalCreateWebhook},
		{Pattern: "POST /portal/webhooks/{id}/disable", Handle: s.uiPortalDisableWebhook},
		{Pattern: "POST /customers/{id}/webhooks", Handle: s.uiCreateCustomerWebhook},
		{Pattern: "POST /customers/{id}/webhooks/{webhook}/disable", Handle: s.uiDisableCustomerWebhook},
		{Pattern: "GET /deliveries", Handle: s.uiDeliveries},
		{Pattern: "POST /deliveries/retry", Handle: s.uiRetryDeliveries},
		{Pattern: "POST /notices/{id}/object", Handle: s.uiStaffObject},
		{Pattern: "POST /notices/{id}/consent", Handle: s.uiStaffConsent},
	}
}

const registerPerPage = 50

// registerPage is the register with its filters and the import form.
type registerPage struct {
	Query  string
	Listed string // "", "yes" or "no"
	Kind   string // "", "subprocessor" or "ancillary"
	Rows   []registerRow
	Pager  pager
	Import importForm
}

// registerRow is one entry as the register's table shows it.
type registerRow struct {
	*art28.Subprocessor
	Services   []string
	UnderWay   *art28.Change // a change announced and not yet completed
	LastReview string        // YYYY-MM-DD, or empty when never reviewed
}

// Announced reports whether the entry is being announced: not listed yet,
// with an addition or a replacement under way.
func (r registerRow) Announced() bool {
	return !r.Listed && r.UnderWay != nil && r.UnderWay.SubprocessorID == r.ID &&
		(r.UnderWay.Kind == art28.ChangeAdd || r.UnderWay.Kind == art28.ChangeReplace)
}

type importForm struct {
	CSV   string
	Error *formError
}

func (s *Server) uiRegister(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	d, err := s.loadRegister(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "register_subprocessors", "Sub-processors", d)
}

func (s *Server) loadRegister(r *http.Request) (*registerPage, error) {
	ctx := r.Context()
	q := r.URL.Query()
	d := &registerPage{Query: strings.TrimSpace(q.Get("q")), Listed: q.Get("listed"), Kind: q.Get("kind")}
	n, p := pageParam(r, "page", registerPerPage)
	f := art28.SubprocessorFilter{Query: d.Query, Page: p}
	switch d.Listed {
	case "yes", "no":
		listed := d.Listed == "yes"
		f.Listed = &listed
	default:
		d.Listed = ""
	}
	switch k := art28.SubprocessorKind(d.Kind); k {
	case art28.KindSubprocessor, art28.KindAncillary:
		f.Kind = &k
	default:
		d.Kind = ""
	}
	list, total, err := s.svc.Subprocessors.Subprocessors(ctx, f)
	if err != nil {
		return nil, err
	}
	names, err := s.uiServiceNames(ctx)
	if err != nil {
		return nil, err
	}
	underWay, err := s.uiChangesUnderWay(ctx)
	if err != nil {
		return nil, err
	}
	for _, sp := range list {
		row := registerRow{Subprocessor: sp, UnderWay: underWay[sp.ID]}
		for _, id := range sp.ServiceIDs {
			row.Services = append(row.Services, names(id))
		}
		// One read per row: the page shows at most registerPerPage entries.
		reviews, err := s.svc.Subprocessors.Reviews(ctx, sp.ID)
		if err != nil {
			return nil, err
		}
		if len(reviews) > 0 {
			row.LastReview = reviews[0].ReviewedOn
		}
		d.Rows = append(d.Rows, row)
	}
	d.Pager = newPager(r, "page", n, registerPerPage, total)
	return d, nil
}

// uiServiceNames returns a function naming a service ID, for pages and the
// register's CSV export alike.
func (s *Server) uiServiceNames(ctx context.Context) (func(int64) string, error) {
	list, _, err := s.svc.Services.Services(ctx, art28.ServiceFilter{Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return nil, err
	}
	byID := map[int64]string{}
	for _, v := range list {
		byID[v.ID] = v.Name
	}
	return func(id int64) string {
		if n, ok := byID[id]; ok {
			return n
		}
		return fmt.Sprintf("service %d", id)
	}, nil
}

// uiAllChanges reads every change the filter selects, latest first; a
// processor announces a few dozen changes a year.
func (s *Server) uiAllChanges(ctx context.Context, f art28.ChangeFilter) ([]*art28.Change, error) {
	var out []*art28.Change
	for {
		f.Page = art28.Page{Offset: len(out), Limit: art28.MaxLimit}
		list, total, err := s.svc.Changes.Changes(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		if len(list) == 0 || len(out) >= total {
			return out, nil
		}
	}
}

// uiChangesUnderWay maps each sub-processor a change under way concerns (as
// the one announced or the one replaced) to that change.
func (s *Server) uiChangesUnderWay(ctx context.Context) (map[int64]*art28.Change, error) {
	announced := art28.ChangeAnnounced
	all, err := s.uiAllChanges(ctx, art28.ChangeFilter{State: &announced})
	if err != nil {
		return nil, err
	}
	out := map[int64]*art28.Change{}
	for _, c := range all {
		if c.State != art28.ChangeAnnounced {
			continue
		}
		out[c.SubprocessorID] = c
		if c.ReplacesID != 0 {
			out[c.ReplacesID] = c
		}
	}
	return out, nil
}

// uiRegisterCSV exports the whole register with the processor's own
// columns; the file imports unchanged.
func (s *Server) uiRegisterCSV(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	ctx := r.Context()
	var list []*art28.Subprocessor
	for {
		page, total, err := s.svc.Subprocessors.Subprocessors(ctx, art28.SubprocessorFilter{
			Page: art28.Page{Offset: len(list), Limit: art28.MaxLimit}})
		if err != nil {
			return err
		}
		list = append(list, page...)
		if len(page) == 0 || len(list) >= total {
			break
		}
	}
	names, err := s.uiServiceNames(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := art28.WriteSubprocessorsCSV(&buf, list, names, false); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="subprocessors.csv"`)
	h.Set("X-Content-Type-Options", "nosniff")
	_, err = buf.WriteTo(w)
	return err
}

// uiImportRegister imports a CSV file, uploaded or pasted. A bad row
// stores nothing; the text comes back with the error naming its line, so
// that it can be corrected in place.
func (s *Server) uiImportRegister(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	data := []byte(r.PostFormValue("csv"))
	if f, _, ferr := r.FormFile("csv"); ferr == nil {
		b, rerr := io.ReadAll(f)
		f.Close()
		if rerr != nil {
			return rerr
		}
		if len(bytes.TrimSpace(b)) > 0 {
			data = b
		}
	}
	n, err := s.svc.Subprocessors.ImportSubprocessors(r.Context(), data)
	if status, ok := correctable(err); ok {
		d, lerr := s.loadRegister(r)
		if lerr != nil {
			return lerr
		}
		d.Import = importForm{CSV: string(data), Error: toFormError(err)}
		return s.render(w, r, status, "register_subprocessors", "Sub-processors", d)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/register/subprocessors", fmt.Sprintf("Imported %d entries.", n))
}

// subprocessorForm holds the register form as typed.
type subprocessorForm struct {
	Name             string
	LegalEntity      string
	Address          string
	Country          string
	Purpose          string
	ServiceIDs       []int64
	DataCategories   string // one a line
	Kind             string
	Safeguard        string
	SCCModule        string
	FlowDownSignedOn string
	FlowDownDocument string
	Listed           bool
	Error            *formError
}

func subprocessorFormOf(sp *art28.Subprocessor) subprocessorForm {
	return subprocessorForm{Name: sp.Name, LegalEntity: sp.LegalEntity, Address: sp.Address, Country: sp.Country,
		Purpose: sp.Purpose, ServiceIDs: sp.ServiceIDs, DataCategories: strings.Join(sp.DataCategories, "\n"),
		Kind: string(sp.Kind), Safeguard: string(sp.Safeguard), SCCModule: sp.SCCModule,
		FlowDownSignedOn: sp.FlowDownSignedOn, FlowDownDocument: sp.FlowDownDocument, Listed: sp.Listed}
}

func readSubprocessorForm(r *http.Request) (subprocessorForm, error) {
	f := r.PostFormValue
	form := subprocessorForm{Name: f("name"), LegalEntity: f("legal_entity"), Address: f("address"), Country: f("country"),
		Purpose: f("purpose"), DataCategories: f("data_categories"), Kind: f("kind"), Safeguard: f("safeguard"),
		SCCModule: f("scc_module"), FlowDownSignedOn: strings.TrimSpace(f("flow_down_signed_on")),
		FlowDownDocument: f("flow_down_document"), Listed: f("listed") != ""}
	var err error
	form.ServiceIDs, err = formIDs(r, "service_ids")
	return form, err
}

func (f subprocessorForm) subprocessor() *art28.Subprocessor {
	return &art28.Subprocessor{Name: f.Name, LegalEntity: f.LegalEntity, Address: f.Address, Country: f.Country,
		Purpose: f.Purpose, ServiceIDs: append([]int64(nil), f.ServiceIDs...), DataCategories: lines(f.DataCategories),
		Kind: art28.SubprocessorKind(f.Kind), Safeguard: art28.Safeguard(f.Safeguard), SCCModule: f.SCCModule,
		FlowDownSignedOn: f.FlowDownSignedOn, FlowDownDocument: f.FlowDownDocument, Listed: f.Listed}
}

// subprocessorPage is the page of one entry, or of a new one (Sub nil).
// Each form keeps its own values and error.
type subprocessorPage struct {
	Sub        *art28.Subprocessor
	Services   []*art28.Service
	Form       subprocessorForm
	Reviews    []*art28.Review
	ReviewForm reviewForm
	Changes    []*art28.Change // concerning it, latest first
	UnderWay   *art28.Change
	Others     map[int64]string // names of the entries its changes concern
	Listed     []*art28.Subprocessor
	Announce   announceForm
	Names      func(int64) string
}

type reviewForm struct {
	ReviewedOn string
	Reviewer   string
	Outcome    string
	Notes      string
	Documents  string // one a line
	Error      *formError
}

// announceForm holds the "announce a change" form as typed.
type announceForm struct {
	Kind          string
	ReplacesID    int64
	NewCountry    string
	NewSafeguard  string
	NewSCCModule  string
	NewPurpose    string
	Summary       string
	EffectiveFrom string
	Error         *formError
}

// Kinds are the kinds of change that fit the entry: an addition or a
// replacement for one not listed, the others for one listed.
func (p *subprocessorPage) Kinds() []art28.ChangeKind {
	if p.Sub == nil || p.Sub.Kind == art28.KindAncillary {
		return nil
	}
	if p.Sub.Listed {
		return []art28.ChangeKind{art28.ChangeRemove, art28.ChangeLocation, art28.ChangePurpose}
	}
	return []art28.ChangeKind{art28.ChangeAdd, art28.ChangeReplace}
}

func (s *Server) uiAllServices(ctx context.Context) ([]*art28.Service, error) {
	list, _, err := s.svc.Services.Services(ctx, art28.ServiceFilter{Page: art28.Page{Limit: art28.MaxLimit}})
	return list, err
}

func (s *Server) uiNewSubprocessor(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	if !a.Role.Can(art28.PermWrite) {
		return art28.Errorf(art28.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	services, err := s.uiAllServices(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "register_subprocessor", "New sub-processor", &subprocessorPage{Services: services,
		Form: subprocessorForm{Kind: string(art28.KindSubprocessor)}})
}

func (s *Server) uiCreateSubprocessor(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	form, err := readSubprocessorForm(r)
	sp := form.subprocessor()
	if err == nil {
		err = s.svc.Subprocessors.CreateSubprocessor(r.Context(), sp)
	}
	if status, ok := correctable(err); ok {
		services, serr := s.uiAllServices(r.Context())
		if serr != nil {
			return serr
		}
		form.Error = toFormError(err)
		return s.render(w, r, status, "register_subprocessor", "New sub-processor", &subprocessorPage{Services: services, Form: form})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/register/subprocessors/%d", sp.ID), "The sub-processor "+sp.Name+" is registered.")
}

// loadSubprocessorPage reads the page of one entry as stored.
func (s *Server) loadSubprocessorPage(ctx context.Context, id int64) (*subprocessorPage, error) {
	sp, err := s.svc.Subprocessors.Subprocessor(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &subprocessorPage{Sub: sp, Form: subprocessorFormOf(sp), Others: map[int64]string{id: sp.Name},
		ReviewForm: reviewForm{Outcome: string(art28.ReviewPassed)}}
	if d.Services, err = s.uiAllServices(ctx); err != nil {
		return nil, err
	}
	if d.Names, err = s.uiServiceNames(ctx); err != nil {
		return nil, err
	}
	if d.Reviews, err = s.svc.Subprocessors.Reviews(ctx, id); err != nil {
		return nil, err
	}
	all, err := s.uiAllChanges(ctx, art28.ChangeFilter{SubprocessorID: &id})
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		d.Changes = append(d.Changes, c)
		if c.State == art28.ChangeAnnounced {
			d.UnderWay = c
		}
		for _, other := range []int64{c.SubprocessorID, c.ReplacesID} {
			if _, ok := d.Others[other]; other != 0 && !ok {
				o, err := s.svc.Subprocessors.Subprocessor(ctx, other)
				if err != nil {
					return nil, err
				}
				d.Others[other] = o.Name
			}
		}
	}
	if !sp.Listed {
		listed := true
		kind := art28.KindSubprocessor
		if d.Listed, _, err = s.svc.Subprocessors.Subprocessors(ctx, art28.SubprocessorFilter{Listed: &listed, Kind: &kind,
			Page: art28.Page{Limit: art28.MaxLimit}}); err != nil {
			return nil, err
		}
	}
	d.Announce = announceForm{NewCountry: sp.Country, NewSafeguard: string(sp.Safeguard), NewSCCModule: sp.SCCModule}
	if !sp.Listed {
		// Adding is what one does with an entry not listed; for a listed
		// one the kind is chosen, never preset: removal is one of them.
		d.Announce.Kind = string(art28.ChangeAdd)
	}
	return d, nil
}

func (s *Server) uiSubprocessor(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.loadSubprocessorPage(r.Context(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "register_subprocessor", d.Sub.Name, d)
}

// rerenderSubprocessor shows an entry's page again with one form's values
// and error, set by fill.
func (s *Server) rerenderSubprocessor(w http.ResponseWriter, r *http.Request, id int64, status int, fill func(*subprocessorPage)) error {
	d, err := s.loadSubprocessorPage(r.Context(), id)
	if err != nil {
		return err
	}
	fill(d)
	return s.render(w, r, status, "register_subprocessor", d.Sub.Name, d)
}

// uiUpdateSubprocessor saves what changes without a notice. What customers
// accepted of a listed entry (country, safeguard, purpose) and what only a
// change moves (listed, kind) are kept as stored: the form shows them but
// does not send them.
func (s *Server) uiUpdateSubprocessor(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	stored, err := s.svc.Subprocessors.Subprocessor(r.Context(), id)
	if err != nil {
		return err
	}
	form, err := readSubprocessorForm(r)
	form.Kind, form.Listed = string(stored.Kind), stored.Listed
	if stored.Listed {
		form.Country, form.Safeguard, form.SCCModule, form.Purpose = stored.Country, string(stored.Safeguard), stored.SCCModule, stored.Purpose
	}
	sp := form.subprocessor()
	sp.ID = id
	if err == nil {
		err = s.svc.Subprocessors.UpdateSubprocessor(r.Context(), sp)
	}
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderSubprocessor(w, r, id, status, func(d *subprocessorPage) { d.Form = form })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/register/subprocessors/%d", id), "The sub-processor is saved.")
}

func (s *Server) uiAddReview(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostFormValue
	form := reviewForm{ReviewedOn: strings.TrimSpace(f("reviewed_on")), Reviewer: f("reviewer"), Outcome: f("outcome"),
		Notes: f("notes"), Documents: f("documents")}
	rv := &art28.Review{SubprocessorID: id, ReviewedOn: form.ReviewedOn, Reviewer: form.Reviewer,
		Outcome: art28.ReviewOutcome(form.Outcome), Notes: form.Notes, Documents: lines(form.Documents)}
	err = s.svc.Subprocessors.AddReview(r.Context(), rv)
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderSubprocessor(w, r, id, status, func(d *subprocessorPage) { d.ReviewForm = form })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/register/subprocessors/%d#reviews", id),
		"The review of "+rv.ReviewedOn+" is recorded; the next is due within 12 months.")
}

// inZone shows t in an IANA zone with the zone's abbreviation, such as
// "2027-03-20 00:00 CET"; in UTC when the zone is empty or unknown.
func inZone(t time.Time, zone string) string {
	loc, err := art28.LoadZone(zone)
	if zone == "" || err != nil || loc == time.UTC {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// safeguardOptions are the safeguards with their labels, for selects.
func safeguardOptions() []art28.Safeguard { return art28.Safeguards }

// formChoice reads an optional positive ID from a form; 0 when empty.
func formChoice(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, art28.FieldError(name, "must be chosen from the list")
	}
	return n, nil
}
