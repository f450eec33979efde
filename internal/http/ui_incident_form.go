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

// The form of an incident, to record it and to update it: its facts, its
// times read in a zone the form names, and its scope: the customers
// ticked one by one, or every customer with a running agreement for the
// services chosen, each with its own approximate figures.

// zoneOption is a time zone the incident form reads its times in.
type zoneOption struct{ Name, Label string }

// incidentZones are the zones the incident form offers: the people who
// record an incident are not all in one zone, so the form says which one
// its times are in, UTC unless chosen.
var incidentZones = []zoneOption{
	{"UTC", "UTC"},
	{"Europe/London", "Europe/London (GMT/BST)"},
	{"Europe/Lisbon", "Europe/Lisbon (WET/WEST)"},
	{"Europe/Berlin", "Europe/Berlin (CET/CEST)"},
	{"Europe/Helsinki", "Europe/Helsinki (EET/EEST)"},
	{"America/New_York", "America/New_York (ET)"},
	{"America/Los_Angeles", "America/Los_Angeles (PT)"},
	{"Asia/Kolkata", "Asia/Kolkata (IST)"},
	{"Asia/Singapore", "Asia/Singapore (SGT)"},
	{"Australia/Sydney", "Australia/Sydney (AET)"},
}

// incidentZone is the zone a form names; EINVALID for one not offered.
func incidentZone(name string) (*time.Location, error) {
	if name == "" {
		name = "UTC"
	}
	if !slices.ContainsFunc(incidentZones, func(z zoneOption) bool { return z.Name == name }) {
		return nil, art28.FieldError("zone", "must be one of the zones offered")
	}
	loc, err := art28.LoadZone(name)
	if err != nil {
		return nil, art28.FieldError("zone", "is not known to this server")
	}
	return loc, nil
}

// parseInZone reads a datetime-local value as a wall-clock time in loc. A
// time a daylight-saving change skips or repeats is taken as Go's
// time.Date takes it.
func parseInZone(field, v string, loc *time.Location) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, art28.FieldError(field, "is required")
	}
	t, err := parseDatetimeLocal(field, v)
	if err != nil {
		return time.Time{}, art28.FieldError(field, "must be a date and time such as 2027-03-01T14:30")
	}
	y, mo, d := t.Date()
	return time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), 0, loc), nil
}

// incidentForm holds the form of an incident as typed: its facts, its
// scope and each customer's figures.
type incidentForm struct {
	Title, Description, Reporter string
	DetectedAt, AwareAt          string // datetime-local, in Zone
	Zone                         string
	Systems, DataCategories      string // one a line
	Consequences, Measures       string
	ServiceIDs                   []int64
	// Scope is "chosen" (the customers ticked) or "all" (every customer
	// with a running agreement for the services chosen, and those ticked).
	Scope   string
	Chosen  []int64
	Figures map[int64]figure // as typed, by customer ID
	Query   string           // the customer search
	Rows    []pickRow        // the customers the form shows: ticked, then found
	Found   int              // customers the search matches
	Error   *formError
}

// figure is a customer's approximate numbers as typed; empty when not
// known yet.
type figure struct{ Subjects, Records string }

// pickRow is one customer in the form's list.
type pickRow struct {
	ID      int64
	Name    string
	Checked bool
	figure
}

// Zones are the zones the form's times may be read in.
func (incidentForm) Zones() []zoneOption { return incidentZones }

func readIncidentForm(r *http.Request) (incidentForm, error) {
	f := r.PostFormValue
	form := incidentForm{Title: f("title"), Description: f("description"), Reporter: f("reporter"),
		DetectedAt: strings.TrimSpace(f("detected_at")), AwareAt: strings.TrimSpace(f("aware_at")), Zone: f("zone"),
		Systems: f("systems"), DataCategories: f("data_categories"), Consequences: f("consequences"), Measures: f("measures"),
		Scope: f("scope"), Query: strings.TrimSpace(f("q")), Figures: map[int64]figure{}}
	if form.Scope != "all" {
		form.Scope = "chosen"
	}
	for k, v := range r.PostForm {
		kind, idText, ok := strings.Cut(k, "_")
		if !ok || (kind != "subjects" && kind != "records") || len(v) == 0 {
			continue
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		fig := form.Figures[id]
		if kind == "subjects" {
			fig.Subjects = strings.TrimSpace(v[0])
		} else {
			fig.Records = strings.TrimSpace(v[0])
		}
		form.Figures[id] = fig
	}
	var err error
	if form.ServiceIDs, err = formIDs(r, "service_ids"); err != nil {
		return form, err
	}
	form.Chosen, err = formIDs(r, "customer_ids")
	return form, err
}

// incidentFormOf is the form of a stored incident, its times in UTC.
func incidentFormOf(i *art28.Incident) incidentForm {
	form := incidentForm{Title: i.Title, Description: i.Description, Reporter: i.Reporter,
		DetectedAt: i.DetectedAt.UTC().Format(datetimeLocal), AwareAt: i.AwareAt.UTC().Format(datetimeLocal), Zone: "UTC",
		Systems: strings.Join(i.Systems, "\n"), DataCategories: strings.Join(i.DataCategories, "\n"),
		Consequences: i.Consequences, Measures: i.Measures, ServiceIDs: i.ServiceIDs, Scope: "chosen",
		Figures: map[int64]figure{}}
	for _, af := range i.Affected {
		form.Chosen = append(form.Chosen, af.CustomerID)
		form.Figures[af.CustomerID] = figure{Subjects: optInt(af.Subjects), Records: optInt(af.Records)}
	}
	return form
}

func optInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

// incident turns the form into an incident: its times read in the
// chosen zone, its scope resolved to customers with their figures.
func (s *Server) incidentOf(ctx context.Context, form *incidentForm) (*art28.Incident, error) {
	i := &art28.Incident{Title: form.Title, Description: form.Description, Reporter: form.Reporter,
		Systems: lines(form.Systems), DataCategories: lines(form.DataCategories), Consequences: form.Consequences,
		Measures: form.Measures, ServiceIDs: append([]int64(nil), form.ServiceIDs...)}
	loc, err := incidentZone(form.Zone)
	if err != nil {
		return nil, err
	}
	if i.DetectedAt, err = parseInZone("detected_at", form.DetectedAt, loc); err != nil {
		return nil, err
	}
	if i.AwareAt, err = parseInZone("aware_at", form.AwareAt, loc); err != nil {
		return nil, err
	}
	ids := slices.Clone(form.Chosen)
	if form.Scope == "all" {
		if len(form.ServiceIDs) == 0 {
			return nil, art28.FieldError("service_ids", "needs the services whose customers are affected, or pick the customers one by one")
		}
		running, err := s.runningCustomers(ctx, form.ServiceIDs)
		if err != nil {
			return nil, err
		}
		ids = append(ids, running...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		af := art28.Affected{CustomerID: id}
		fig := form.Figures[id]
		for _, n := range []struct {
			what, text string
			dst        **int64
		}{{"data subjects", fig.Subjects, &af.Subjects}, {"records", fig.Records, &af.Records}} {
			if n.text == "" {
				continue
			}
			v, err := strconv.ParseInt(strings.ReplaceAll(n.text, "_", ""), 10, 64)
			if err != nil || v < 0 {
				name := fmt.Sprintf("customer #%d", id)
				if c, cerr := s.svc.Customers.Customer(ctx, id); cerr == nil {
					name = c.LegalName
				}
				return nil, art28.FieldError("affected", "%s: the number of %s must be a whole number, 0 or more, or empty while not known", name, n.what)
			}
			*n.dst = &v
		}
		i.Affected = append(i.Affected, af)
	}
	return i, nil
}

// runningCustomers lists the customers with an active or terminating
// agreement that covers one of the services.
func (s *Server) runningCustomers(ctx context.Context, services []int64) ([]int64, error) {
	var out []int64
	for _, st := range []art28.AgreementStatus{art28.AgreementActive, art28.AgreementTerminating} {
		for seen := 0; ; {
			list, total, err := s.svc.Agreements.Agreements(ctx, art28.AgreementFilter{Status: &st,
				Page: art28.Page{Offset: seen, Limit: art28.MaxLimit}})
			if err != nil {
				return nil, err
			}
			for _, ag := range list {
				if slices.ContainsFunc(ag.ServiceIDs, func(id int64) bool { return slices.Contains(services, id) }) {
					out = append(out, ag.CustomerID)
				}
			}
			seen += len(list)
			if len(list) == 0 || seen >= total {
				break
			}
		}
	}
	return out, nil
}

// customerNames names customers: one read each when few, else the whole
// list page by page.
func (s *Server) customerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) <= customerPickerSize {
		for _, id := range ids {
			if _, ok := out[id]; ok {
				continue
			}
			c, err := s.svc.Customers.Customer(ctx, id)
			if art28.ErrorCode(err) == art28.ENOTFOUND {
				out[id] = fmt.Sprintf("customer #%d", id)
				continue
			} else if err != nil {
				return nil, err
			}
			out[id] = c.LegalName
		}
		return out, nil
	}
	for seen := 0; ; {
		list, total, err := s.svc.Customers.Customers(ctx, art28.CustomerFilter{Page: art28.Page{Offset: seen, Limit: art28.MaxLimit}})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			out[c.ID] = c.LegalName
		}
		seen += len(list)
		if len(list) == 0 || seen >= total {
			break
		}
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = fmt.Sprintf("customer #%d", id)
		}
	}
	return out, nil
}

// fillPicker lists the customers the form shows: those ticked, by name,
// then those the search finds (the first customers when it is empty).
func (s *Server) fillPicker(ctx context.Context, form *incidentForm) error {
	names, err := s.customerNames(ctx, form.Chosen)
	if err != nil {
		return err
	}
	form.Rows = form.Rows[:0]
	checked := map[int64]bool{}
	for _, id := range form.Chosen {
		if checked[id] {
			continue
		}
		checked[id] = true
		form.Rows = append(form.Rows, pickRow{ID: id, Name: names[id], Checked: true, figure: form.Figures[id]})
	}
	slices.SortStableFunc(form.Rows, func(a, b pickRow) int { return strings.Compare(a.Name, b.Name) })
	found, total, err := s.svc.Customers.Customers(ctx, art28.CustomerFilter{Query: form.Query, Page: art28.Page{Limit: customerPickerSize}})
	if err != nil {
		return err
	}
	form.Found = total
	for _, c := range found {
		if !checked[c.ID] {
			form.Rows = append(form.Rows, pickRow{ID: c.ID, Name: c.LegalName, figure: form.Figures[c.ID]})
		}
	}
	return nil
}

// More reports whether the search finds more customers than the form
// shows.
func (f incidentForm) More() bool { return f.Found > customerPickerSize }
