package http

import (
	"net/http"
	"time"

	"github.com/art28/art28"
)

// incidentAPIRoutes are the incident register and its breach notices.
func (s *Server) incidentAPIRoutes() []Route {
	return []Route{
		{Pattern: "GET /api/v1/incidents", Handle: s.apiListIncidents},
		{Pattern: "POST /api/v1/incidents", Handle: s.apiRecordIncident},
		{Pattern: "GET /api/v1/incidents/{id}", Scoped: true, Handle: s.apiGetIncident},
		{Pattern: "PUT /api/v1/incidents/{id}", Scoped: true, Handle: s.apiUpdateIncident},
		{Pattern: "POST /api/v1/incidents/{id}/assess", Scoped: true, Handle: s.apiAssess},
		{Pattern: "POST /api/v1/incidents/{id}/notices", Scoped: true, Handle: s.apiIssueNotices},
		{Pattern: "GET /api/v1/incidents/{id}/notices", Scoped: true, Handle: s.apiBreachNotices},
		{Pattern: "GET /api/v1/incidents/{id}/clocks", Scoped: true, Handle: s.apiClocks},
		{Pattern: "POST /api/v1/incidents/{id}/close", Scoped: true, Handle: s.apiCloseIncident},
		{Pattern: "POST /api/v1/breach-notices/{id}/acknowledge", Scoped: true, Handle: s.apiAcknowledge},
		{Pattern: "GET /api/v1/incidents/{id}/documentation", Scoped: true, Handle: s.apiBreachDocumentation},
	}
}

func (s *Server) apiListIncidents(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	f := art28.IncidentFilter{Page: p}
	q := r.URL.Query()
	if v := q.Get("state"); v != "" {
		st := art28.IncidentState(v)
		if st != art28.IncidentOpen && st != art28.IncidentClosed {
			return art28.FieldError("state", "must be open or closed")
		}
		f.State = &st
	}
	if v := q.Get("assessment"); v != "" {
		as := art28.Assessment(v)
		if as != art28.AssessPending && as != art28.AssessBreach && as != art28.AssessNotBreach {
			return art28.FieldError("assessment", "must be pending, breach or not_breach")
		}
		f.Assessment = &as
	}
	list, total, err := s.svc.Incidents.Incidents(r.Context(), f)
	return listed(w, p, list, total, err)
}

// incidentInput records or replaces an incident's facts and figures.
type incidentInput struct {
	Title          string           `json:"title"`
	Description    string           `json:"description"`
	Reporter       string           `json:"reporter"`
	DetectedAt     string           `json:"detected_at"`
	AwareAt        string           `json:"aware_at"`
	Systems        []string         `json:"systems"`
	ServiceIDs     []int64          `json:"service_ids"`
	DataCategories []string         `json:"data_categories"`
	Consequences   string           `json:"consequences"`
	Measures       string           `json:"measures"`
	Affected       []art28.Affected `json:"affected"`
}

func (in incidentInput) incident() (*art28.Incident, error) {
	i := &art28.Incident{Title: in.Title, Description: in.Description, Reporter: in.Reporter, Systems: in.Systems,
		ServiceIDs: in.ServiceIDs, DataCategories: in.DataCategories, Consequences: in.Consequences, Measures: in.Measures,
		Affected: in.Affected}
	for _, t := range []struct {
		field string
		in    string
		dst   *time.Time
	}{{"detected_at", in.DetectedAt, &i.DetectedAt}, {"aware_at", in.AwareAt, &i.AwareAt}} {
		v, err := time.Parse(time.RFC3339, t.in)
		if err != nil {
			return nil, art28.FieldError(t.field, "must be an RFC 3339 time with its zone")
		}
		*t.dst = v
	}
	return i, nil
}

func (s *Server) apiRecordIncident(w http.ResponseWriter, r *http.Request) error {
	var in incidentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	i, err := in.incident()
	if err != nil {
		return err
	}
	if err := s.svc.Incidents.RecordIncident(r.Context(), i); err != nil {
		return err
	}
	return created(w, i)
}

func (s *Server) apiGetIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	i, err := s.svc.Incidents.Incident(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, i)
}

func (s *Server) apiUpdateIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in incidentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	i, err := in.incident()
	if err != nil {
		return err
	}
	i.ID = id
	if err := s.svc.Incidents.UpdateIncident(r.Context(), i); err != nil {
		return err
	}
	return ok(w, i)
}

// assessInput is the assessment of an incident.
type assessInput struct {
	Assessment art28.Assessment `json:"assessment"`
	Reason     string           `json:"reason"`
}

func (s *Server) apiAssess(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assessInput
	if err := decode(r, &in); err != nil {
		return err
	}
	clocks, err := s.svc.Incidents.Assess(r.Context(), id, in.Assessment, in.Reason)
	if err != nil {
		return err
	}
	return ok(w, newList(clocks, len(clocks), art28.Page{Limit: len(clocks)}))
}

func (s *Server) apiIssueNotices(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in art28.BreachContent
	if err := decode(r, &in); err != nil {
		return err
	}
	list, err := s.svc.Incidents.IssueNotices(r.Context(), id, in)
	if err != nil {
		return err
	}
	return created(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

func (s *Server) apiBreachNotices(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Incidents.BreachNotices(r.Context(), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*art28.BreachNotice{}
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

func (s *Server) apiClocks(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Incidents.Clocks(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

func (s *Server) apiCloseIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	i, err := s.svc.Incidents.CloseIncident(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, i)
}

func (s *Server) apiAcknowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.svc.Incidents.Acknowledge(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, n)
}
