package http

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// The incident register for the processor's staff: the list, the form
// that records an incident, and one incident's page with its assessment,
// the clocks of its breach notices, a picture of its timeline, the
// notices issued and the activity record. The customer's side is in
// ui_portal_incidents.go.

// incidentUIRoutes is the route table of the incident pages, staff and
// portal.
func (s *Server) incidentUIRoutes() []Route {
	return []Route{
		{Pattern: "GET /incidents", Handle: s.uiIncidents},
		{Pattern: "GET /incidents/new", Handle: s.uiNewIncident},
		{Pattern: "POST /incidents", Handle: s.uiRecordIncident},
		{Pattern: "GET /incidents/{id}", Handle: s.uiIncident},
		{Pattern: "POST /incidents/{id}", Handle: s.uiUpdateIncident},
		{Pattern: "POST /incidents/{id}/assess", Handle: s.uiAssessIncident},
		{Pattern: "POST /incidents/{id}/notices", Handle: s.uiIssueBreachNotices},
		{Pattern: "POST /incidents/{id}/close", Handle: s.uiCloseIncident},
		{Pattern: "POST /breach-notices/{id}/acknowledge", Handle: s.uiStaffAcknowledge},

		{Pattern: "GET /portal/incidents", Handle: s.uiPortalIncidents},
		{Pattern: "GET /portal/incidents/{id}", Handle: s.uiPortalIncident},
		{Pattern: "POST /portal/breach-notices/{id}/acknowledge", Handle: s.uiPortalAcknowledge},
	}
}

const (
	incidentsPerPage     = 25
	incidentClocksPage   = 50
	incidentAffectedPage = 50
	breachNoticesPage    = 50
	customerPickerSize   = 50
)

var (
	incidentStates = []art28.IncidentState{art28.IncidentOpen, art28.IncidentClosed}
	assessments    = []art28.Assessment{art28.AssessPending, art28.AssessBreach, art28.AssessNotBreach}
)

// ----- The register -----

// incidentRow is an incident with the counts of its clocks.
type incidentRow struct {
	*art28.Incident
	Affected int
	Clocks   int
	Notified int
	Owed     int // notices not yet given
	Late     int // given late, or owed past the deadline
	NextDue  *time.Time
	Now      time.Time
}

// NextDueIn says when the next owed notice is due: "in 3 h" or "overdue
// by 2 h".
func (r incidentRow) NextDueIn() string {
	if r.NextDue == nil {
		return ""
	}
	return dueIn(*r.NextDue, r.Now)
}

// dueIn is a deadline relative to now.
func dueIn(due, now time.Time) string {
	if due.After(now) {
		return "in " + humanDuration(due.Sub(now))
	}
	return "overdue by " + humanDuration(now.Sub(due))
}

type incidentsPage struct {
	State      string
	Assessment string
	Rows       []incidentRow
	Pager      pager
}

// States and Assessments are what the filters offer.
func (*incidentsPage) States() []art28.IncidentState   { return incidentStates }
func (*incidentsPage) Assessments() []art28.Assessment { return assessments }

func (s *Server) uiIncidents(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &incidentsPage{}
	var f art28.IncidentFilter
	if st := art28.IncidentState(q.Get("state")); has(incidentStates, st) {
		d.State, f.State = string(st), &st
	}
	if as := art28.Assessment(q.Get("assessment")); has(assessments, as) {
		d.Assessment, f.Assessment = string(as), &as
	}
	n, p := pageParam(r, "page", incidentsPerPage)
	f.Page = p
	list, total, err := s.svc.Incidents.Incidents(ctx, f)
	if err != nil {
		return err
	}
	d.Pager = newPager(r, "page", n, incidentsPerPage, total)
	now := s.cfg.Now()
	for _, i := range list {
		// Two reads a row: the list carries the facts only. A page
		// shows at most incidentsPerPage incidents.
		full, err := s.svc.Incidents.Incident(ctx, i.ID)
		if err != nil {
			return err
		}
		clocks, err := s.svc.Incidents.Clocks(ctx, i.ID)
		if err != nil {
			return err
		}
		row := incidentRow{Incident: i, Affected: len(full.Affected), Clocks: len(clocks), Now: now}
		for _, c := range clocks {
			switch {
			case c.NotifiedAt != nil:
				row.Notified++
				if c.Late != "" {
					row.Late++
				}
			default:
				row.Owed++
				if now.After(c.DueAt) {
					row.Late++
				}
				if row.NextDue == nil || c.DueAt.Before(*row.NextDue) {
					due := c.DueAt
					row.NextDue = &due
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return s.render(w, r, http.StatusOK, "incidents", "Incidents", d)
}

// newIncidentPage is the form that records an incident.
type newIncidentPage struct {
	Form     incidentForm
	Services []*art28.Service
}

func (s *Server) renderNewIncident(w http.ResponseWriter, r *http.Request, status int, form incidentForm) error {
	ctx := r.Context()
	services, err := s.uiAllServices(ctx)
	if err != nil {
		return err
	}
	if err := s.fillPicker(ctx, &form); err != nil {
		return err
	}
	return s.render(w, r, status, "incident_new", "Record an incident", &newIncidentPage{Form: form, Services: services})
}

func (s *Server) uiNewIncident(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	if !a.Role.Can(art28.PermWrite) {
		return art28.Errorf(art28.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	return s.renderNewIncident(w, r, http.StatusOK, incidentForm{Zone: "UTC", Scope: "chosen", Figures: map[int64]figure{}})
}

// uiRecordIncident records an incident; the form's "Find" button instead
// shows it again with the customers the search finds, nothing stored.
func (s *Server) uiRecordIncident(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	form, err := readIncidentForm(r)
	if err == nil && r.PostFormValue("find") != "" {
		return s.renderNewIncident(w, r, http.StatusOK, form)
	}
	var i *art28.Incident
	if err == nil {
		i, err = s.incidentOf(r.Context(), &form)
	}
	if err == nil {
		err = s.svc.Incidents.RecordIncident(r.Context(), i)
	}
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.renderNewIncident(w, r, status, form)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/incidents/%d", i.ID),
		fmt.Sprintf("The incident is recorded, %d customers affected. Assess it: is it a personal data breach?", len(i.Affected)))
}

// ----- One incident -----

// incidentPage is one incident with everything done about it. Each form
// keeps its own values and error.
type incidentPage struct {
	Incident *art28.Incident
	Services []*art28.Service
	Names    func(int64) string // service names
	Now      time.Time

	Affected      []affectedRow
	AffectedPager pager
	Figures       figuresSummary

	Clocks      []clockRow
	ClocksPager pager
	Timeline    breachTimeline

	Notices      []*breachNoticeRow
	NoticesPager pager
	NoticeCount  int
	NextPhase    int
	Owed         int // agreements not notified yet

	Activity      []*art28.Activity
	ActivityPager pager

	DPO      string // the profile's contact point, for the notice form's hint
	Edit     incidentForm
	EditOpen bool
	Assess   assessForm
	Notice   breachForm
	Close    *formError
	Ack      *formError // a refused acknowledgement, with its notice
}

// affectedRow is one customer an incident touches, with its figures.
type affectedRow struct {
	art28.Affected
	Name  string
	Clock bool // has a clock: one of its running agreements is affected
}

// figuresSummary counts what the notices will carry of each customer's
// figures, for the notice form's hint.
type figuresSummary struct {
	Customers  int // with a clock
	NoSubjects int
	NoRecords  int
	Encrypted  int
}

// clockRow is one agreement's clock, with its deadline in the
// agreement's zone when its terms give one.
type clockRow struct {
	art28.BreachClock
	Zone string
	Now  time.Time
}

// DueIn is the deadline relative to now while the notice is owed.
func (c clockRow) DueIn() string {
	if c.NotifiedAt != nil {
		return ""
	}
	return dueIn(c.DueAt, c.Now)
}

// Overdue reports a notice owed past its deadline.
func (c clockRow) Overdue() bool { return c.NotifiedAt == nil && c.Now.After(c.DueAt) }

// LateBy is how late the first notice went, in words; empty when on time.
func (c clockRow) LateBy() string {
	if c.NotifiedAt == nil || !c.NotifiedAt.After(c.DueAt) {
		return ""
	}
	return humanDuration(c.NotifiedAt.Sub(c.DueAt))
}

// breachNoticeRow is a notice as the incident's page lists it.
type breachNoticeRow struct {
	*art28.BreachNotice
	Customer   string
	Parts      []noticePart
	Deliveries []*art28.Delivery
	Delivered  int // deliveries in all
	Error      *formError
}

// LateBy is how late phase 1 went, in words.
func (n breachNoticeRow) LateBy() string {
	if n.Late <= 0 {
		return ""
	}
	return humanDuration(n.Late)
}

// noticePart is one part of a notice's contents as shown.
type noticePart struct {
	Key      string // the part, "encrypted" for client-side encryption, or "" (mitigation)
	Label    string
	Value    string
	List     []string
	ToFollow bool
}

// noticeParts lays out a notice's contents in the order of Art. 33(3),
// with the parts still to follow marked.
func noticeParts(c art28.BreachContent) []noticePart {
	follows := func(p art28.NoticePart) bool { return slices.Contains(c.ToFollow, p) }
	num := func(v *int64) string {
		if v == nil {
			return ""
		}
		return "about " + strconv.FormatInt(*v, 10)
	}
	out := []noticePart{
		{Key: string(art28.PartNature), Label: "Nature of the breach", Value: c.Nature, ToFollow: follows(art28.PartNature)},
		{Label: "Categories of personal data", List: c.DataCategories},
		{Key: string(art28.PartSubjects), Label: "Data subjects concerned", Value: num(c.Subjects), ToFollow: follows(art28.PartSubjects)},
		{Key: string(art28.PartRecords), Label: "Records concerned", Value: num(c.Records), ToFollow: follows(art28.PartRecords)},
		{Key: string(art28.PartDPO), Label: "Contact point (DPO)", Value: c.DPO, ToFollow: follows(art28.PartDPO)},
		{Key: string(art28.PartConsequences), Label: "Likely consequences", Value: c.Consequences, ToFollow: follows(art28.PartConsequences)},
		{Key: string(art28.PartMeasures), Label: "Measures taken or proposed", Value: c.Measures, ToFollow: follows(art28.PartMeasures)},
	}
	if c.ClientSideEncrypted {
		out = append(out, noticePart{Key: "encrypted", Label: "Mitigating factor (L3)",
			Value: "The data concerned were encrypted on the customer's side before they reached us: we hold no key to read them."})
	}
	if c.Mitigation != "" {
		out = append(out, noticePart{Label: "Mitigating factors", Value: c.Mitigation})
	}
	return out
}

// assessForm holds the assessment as typed.
type assessForm struct {
	Assessment string
	Reason     string
	Error      *formError
}

// breachForm holds the notice form as typed.
type breachForm struct {
	Nature, DataCategories, DPO, Consequences, Measures, Mitigation string
	ToFollow                                                        []string
	Error                                                           *formError
}

// Parts are the parts a notice may say will follow.
func (breachForm) Parts() []noticePart {
	labels := map[art28.NoticePart]string{art28.PartNature: "nature", art28.PartSubjects: "number of data subjects",
		art28.PartRecords: "number of records", art28.PartDPO: "contact point", art28.PartConsequences: "consequences",
		art28.PartMeasures: "measures"}
	out := make([]noticePart, 0, len(art28.NoticeParts))
	for _, p := range art28.NoticeParts {
		out = append(out, noticePart{Key: string(p), Label: labels[p]})
	}
	return out
}

func (f breachForm) content() art28.BreachContent {
	c := art28.BreachContent{Nature: f.Nature, DataCategories: lines(f.DataCategories), DPO: f.DPO,
		Consequences: f.Consequences, Measures: f.Measures, Mitigation: f.Mitigation}
	for _, p := range f.ToFollow {
		c.ToFollow = append(c.ToFollow, art28.NoticePart(p))
	}
	return c
}

// pageSlice returns the items of one page of a list held in memory.
func pageSlice[T any](list []T, p art28.Page) []T {
	if p.Offset >= len(list) {
		return nil
	}
	return list[p.Offset:min(len(list), p.Offset+p.Limit)]
}

func (s *Server) loadIncidentPage(r *http.Request, id int64) (*incidentPage, error) {
	ctx := r.Context()
	i, err := s.svc.Incidents.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	d := &incidentPage{Incident: i, Now: now, Edit: incidentFormOf(i)}
	if d.Services, err = s.uiAllServices(ctx); err != nil {
		return nil, err
	}
	if d.Names, err = s.uiServiceNames(ctx); err != nil {
		return nil, err
	}
	clocks, err := s.svc.Incidents.Clocks(ctx, id)
	if err != nil {
		return nil, err
	}
	d.Timeline = newBreachTimeline(i, clocks, now)
	withClock := map[int64]bool{}
	for _, c := range clocks {
		withClock[c.CustomerID] = true
		if c.NotifiedAt == nil {
			d.Owed++
		}
	}

	// The scope, a page at a time: a breach may reach thousands.
	ids := make([]int64, 0, len(i.Affected))
	for _, af := range i.Affected {
		ids = append(ids, af.CustomerID)
		if withClock[af.CustomerID] {
			d.Figures.Customers++
			if af.Subjects == nil {
				d.Figures.NoSubjects++
			}
			if af.Records == nil {
				d.Figures.NoRecords++
			}
			if af.ClientSideEncrypted {
				d.Figures.Encrypted++
			}
		}
	}
	names, err := s.customerNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	n, p := pageParam(r, "affected", incidentAffectedPage)
	d.AffectedPager = newPager(r, "affected", n, incidentAffectedPage, len(i.Affected))
	for _, af := range pageSlice(i.Affected, p) {
		d.Affected = append(d.Affected, affectedRow{Affected: af, Name: names[af.CustomerID], Clock: withClock[af.CustomerID]})
	}

	n, p = pageParam(r, "clocks", incidentClocksPage)
	d.ClocksPager = newPager(r, "clocks", n, incidentClocksPage, len(clocks))
	for _, c := range pageSlice(clocks, p) {
		row := clockRow{BreachClock: c, Now: now}
		if e, err := s.svc.Terms.AgreementTerms(ctx, c.AgreementID); err == nil && e.Terms != nil {
			row.Zone = e.Terms.TimeZone
		} else if err != nil && art28.ErrorCode(err) != art28.ENOTFOUND {
			return nil, err
		}
		d.Clocks = append(d.Clocks, row)
	}

	notices, err := s.svc.Incidents.BreachNotices(ctx, id)
	if err != nil {
		return nil, err
	}
	d.NoticeCount, d.NextPhase = len(notices), 1
	for _, bn := range notices {
		d.NextPhase = max(d.NextPhase, bn.Phase+1)
	}
	// Latest first: an update is what a reader looks for.
	slices.SortStableFunc(notices, func(a, b *art28.BreachNotice) int {
		if c := b.IssuedAt.Compare(a.IssuedAt); c != 0 {
			return c
		}
		return strings.Compare(names[a.CustomerID], names[b.CustomerID])
	})
	n, p = pageParam(r, "notices", breachNoticesPage)
	d.NoticesPager = newPager(r, "notices", n, breachNoticesPage, len(notices))
	if d.Notices, err = s.breachNoticeRows(ctx, pageSlice(notices, p), names); err != nil {
		return nil, err
	}

	n, p = pageParam(r, "activity", activityPerPage)
	activity, total, err := s.svc.Activities.Activities(ctx, art28.ActivityFilter{ObjectType: "incident", ObjectID: id, Page: p})
	if err != nil {
		return nil, err
	}
	d.Activity, d.ActivityPager = activity, newPager(r, "activity", n, activityPerPage, total)

	profile, err := s.svc.Processor.Profile(ctx)
	if err != nil {
		return nil, err
	}
	d.DPO = strings.Join(nonEmpty(profile.DPOName, profile.DPOEmail, profile.DPOPhone), ", ")
	// The notice starts from the register's facts; an update, from what
	// the last notice said where the register has nothing newer. The
	// mitigation is not carried over: the last notice's may hold the
	// sentence on client-side encryption its customer alone was told.
	d.Notice = breachForm{Nature: i.Description, DataCategories: strings.Join(i.DataCategories, "\n"),
		Consequences: i.Consequences, Measures: i.Measures}
	if len(notices) > 0 {
		last := notices[0].Content
		d.Notice.Nature = last.Nature
		if len(i.DataCategories) == 0 {
			d.Notice.DataCategories = strings.Join(last.DataCategories, "\n")
		}
		if strings.TrimSpace(i.Consequences) == "" {
			d.Notice.Consequences = last.Consequences
		}
		if strings.TrimSpace(i.Measures) == "" {
			d.Notice.Measures = last.Measures
		}
	}
	if err := s.fillPicker(ctx, &d.Edit); err != nil {
		return nil, err
	}
	return d, nil
}

func nonEmpty(v ...string) []string {
	var out []string
	for _, s := range v {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// breachNoticeRows names each notice's customer and reads its deliveries.
func (s *Server) breachNoticeRows(ctx context.Context, list []*art28.BreachNotice, names map[int64]string) ([]*breachNoticeRow, error) {
	out := make([]*breachNoticeRow, 0, len(list))
	for _, bn := range list {
		row := &breachNoticeRow{BreachNotice: bn, Customer: names[bn.CustomerID], Parts: noticeParts(bn.Content)}
		id := bn.ID
		var err error
		if row.Deliveries, row.Delivered, err = s.svc.Deliveries.Deliveries(ctx, art28.DeliveryFilter{Event: "breach_notice",
			NoticeID: &id, Page: art28.Page{Limit: 10}}); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

func incidentTitle(i *art28.Incident) string { return fmt.Sprintf("Incident #%d: %s", i.ID, i.Title) }

func (s *Server) uiIncident(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.loadIncidentPage(r, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "incident", incidentTitle(d.Incident), d)
}

// rerenderIncident shows an incident's page again with one form's values
// and error, set by fill.
func (s *Server) rerenderIncident(w http.ResponseWriter, r *http.Request, id int64, status int, fill func(*incidentPage)) error {
	d, err := s.loadIncidentPage(r, id)
	if err != nil {
		return err
	}
	fill(d)
	return s.render(w, r, status, "incident", incidentTitle(d.Incident), d)
}

// uiUpdateIncident changes an open incident's facts, scope and figures;
// the form's "Find" button shows it again with the customers found.
func (s *Server) uiUpdateIncident(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	form, err := readIncidentForm(r)
	find := err == nil && r.PostFormValue("find") != ""
	var i *art28.Incident
	if err == nil && !find {
		if i, err = s.incidentOf(ctx, &form); err == nil {
			i.ID = id
			err = s.svc.Incidents.UpdateIncident(ctx, i)
		}
	}
	status, ok := correctable(err)
	if find {
		status, ok = http.StatusOK, true
	}
	if ok {
		form.Error = toFormError(err)
		if err := s.fillPicker(ctx, &form); err != nil {
			return err
		}
		return s.rerenderIncident(w, r, id, status, func(d *incidentPage) { d.Edit, d.EditOpen = form, true })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/incidents/%d", id), "The incident is updated.")
}

func (s *Server) uiAssessIncident(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := assessForm{Assessment: r.PostFormValue("assessment"), Reason: r.PostFormValue("reason")}
	clocks, err := s.svc.Incidents.Assess(r.Context(), id, art28.Assessment(form.Assessment), form.Reason)
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderIncident(w, r, id, status, func(d *incidentPage) { d.Assess = form })
	}
	if err != nil {
		return err
	}
	msg := "Assessed: not a personal data breach. The incident stays documented in the register."
	if form.Assessment == string(art28.AssessBreach) {
		msg = fmt.Sprintf("Assessed as a personal data breach: %d notice clocks run.", len(clocks))
		if len(clocks) > 0 {
			first := clocks[0].DueAt
			for _, c := range clocks {
				if c.DueAt.Before(first) {
					first = c.DueAt
				}
			}
			msg += fmt.Sprintf(" The first notice is due %s (%s).", first.UTC().Format("2006-01-02 15:04 UTC"), dueIn(first, s.cfg.Now()))
		}
	}
	return redirect(w, r, fmt.Sprintf("/incidents/%d#clocks", id), msg)
}

func (s *Server) uiIssueBreachNotices(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostFormValue
	form := breachForm{Nature: f("nature"), DataCategories: f("data_categories"), DPO: f("dpo"), Consequences: f("consequences"),
		Measures: f("measures"), Mitigation: f("mitigation"), ToFollow: r.PostForm["to_follow"]}
	list, err := s.svc.Incidents.IssueNotices(r.Context(), id, form.content())
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderIncident(w, r, id, status, func(d *incidentPage) { d.Notice = form })
	}
	if err != nil {
		return err
	}
	late, phase := 0, 0
	for _, bn := range list {
		if bn.Late > 0 {
			late++
		}
		phase = max(phase, bn.Phase)
	}
	msg := fmt.Sprintf("Notices issued to %d agreements", len(list))
	if phase == 1 {
		msg += fmt.Sprintf(", %d on time and %d late", len(list)-late, late)
	}
	return redirect(w, r, fmt.Sprintf("/incidents/%d#notices", id), msg+". They go out by the channels each agreement names, and are in each customer's portal.")
}

func (s *Server) uiCloseIncident(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.svc.Incidents.CloseIncident(r.Context(), id)
	if status, ok := correctable(err); ok {
		return s.rerenderIncident(w, r, id, status, func(d *incidentPage) { d.Close = toFormError(err) })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/incidents/%d", id), "The incident is closed: it takes no more updates or notices.")
}

// uiStaffAcknowledge records an acknowledgement the customer gave
// otherwise (by email, by phone).
func (s *Server) uiStaffAcknowledge(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	incident, err := formInt(r, "incident_id")
	if err != nil {
		return err
	}
	bn, err := s.svc.Incidents.Acknowledge(r.Context(), id)
	if status, ok := correctable(err); ok && incident > 0 {
		ferr := toFormError(err)
		return s.rerenderIncident(w, r, incident, status, func(d *incidentPage) {
			d.Ack = uiBreachNoticeError(id, ferr)
			for _, row := range d.Notices {
				if row.ID == id {
					row.Error = ferr
				}
			}
		})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/incidents/%d#breach-notice-%d", bn.IncidentID, id), "The acknowledgement is recorded.")
}

// uiBreachNoticeError is the summary of a refused action on a notice.
func uiBreachNoticeError(id int64, e *formError) *formError {
	return &formError{Message: fmt.Sprintf("Breach notice #%d: %s", id, e.Message)}
}
