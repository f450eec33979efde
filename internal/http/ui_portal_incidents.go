package http

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/art28/art28"
)

// The customer's side of the incident register: the incidents that touch
// the customer, with its own notices, figures and clocks, and the button
// that acknowledges a notice. The store confines every read to the
// actor's customer; any of its staff may read and acknowledge.

const portalIncidentsPerPage = 10

// portalIncidentsPage lists the customer's incidents, or shows one
// (Single).
type portalIncidentsPage struct {
	Customer  *art28.Customer
	Incidents []*portalIncident
	Pager     pager
	Single    bool
	Error     *formError // a refused acknowledgement, shown at the top too
}

// portalIncident is one incident as its customer sees it: what the
// notices said, its own figures and its own clocks. The register's
// internal notes (description, reasoning) stay with the processor; the
// notices are the communication.
type portalIncident struct {
	*art28.Incident
	Figures  *art28.Affected
	Clocks   []clockRow
	Timeline breachTimeline
	Notices  []*breachNoticeRow
}

// Assessed says where the assessment stands, in the customer's words.
func (p *portalIncident) Assessed() string {
	switch p.Assessment {
	case art28.AssessBreach:
		return "a personal data breach of your data"
	case art28.AssessNotBreach:
		return "not a personal data breach"
	}
	return "being assessed"
}

func (s *Server) loadPortalIncident(r *http.Request, i *art28.Incident) (*portalIncident, error) {
	ctx := r.Context()
	v := &portalIncident{Incident: i}
	if len(i.Affected) > 0 { // the store gives a customer its own only
		v.Figures = &i.Affected[0]
	}
	clocks, err := s.svc.Incidents.Clocks(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	v.Timeline = newBreachTimeline(i, clocks, now)
	for _, c := range clocks {
		row := clockRow{BreachClock: c, Now: now}
		if e, err := s.svc.Terms.AgreementTerms(ctx, c.AgreementID); err == nil && e.Terms != nil {
			row.Zone = e.Terms.TimeZone
		} else if err != nil && art28.ErrorCode(err) != art28.ENOTFOUND {
			return nil, err
		}
		v.Clocks = append(v.Clocks, row)
	}
	notices, err := s.svc.Incidents.BreachNotices(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(notices, func(a, b *art28.BreachNotice) int { return b.IssuedAt.Compare(a.IssuedAt) })
	v.Notices, err = s.breachNoticeRows(ctx, notices, nil)
	return v, err
}

func (s *Server) uiPortalIncidents(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.svc.Customers.Customer(ctx, a.CustomerID)
	if err != nil {
		return err
	}
	d := &portalIncidentsPage{Customer: c}
	n, p := pageParam(r, "page", portalIncidentsPerPage)
	list, total, err := s.svc.Incidents.Incidents(ctx, art28.IncidentFilter{Page: p})
	if err != nil {
		return err
	}
	d.Pager = newPager(r, "page", n, portalIncidentsPerPage, total)
	for _, i := range list {
		full, err := s.svc.Incidents.Incident(ctx, i.ID)
		if err != nil {
			return err
		}
		v, err := s.loadPortalIncident(r, full)
		if err != nil {
			return err
		}
		d.Incidents = append(d.Incidents, v)
	}
	return s.render(w, r, http.StatusOK, "portal_incidents", "Incidents", d)
}

func (s *Server) loadPortalIncidentPage(r *http.Request, a art28.Actor, id int64) (*portalIncidentsPage, error) {
	ctx := r.Context()
	c, err := s.svc.Customers.Customer(ctx, a.CustomerID)
	if err != nil {
		return nil, err
	}
	i, err := s.svc.Incidents.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := s.loadPortalIncident(r, i)
	if err != nil {
		return nil, err
	}
	return &portalIncidentsPage{Customer: c, Incidents: []*portalIncident{v}, Single: true}, nil
}

// uiPortalIncident shows one incident: the page a breach notice's email
// links to.
func (s *Server) uiPortalIncident(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.loadPortalIncidentPage(r, a, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal_incidents", d.Incidents[0].Title, d)
}

// uiPortalAcknowledge records that the customer has read a notice.
func (s *Server) uiPortalAcknowledge(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
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
		d, lerr := s.loadPortalIncidentPage(r, a, incident)
		if lerr != nil {
			return lerr
		}
		d.Error = uiBreachNoticeError(id, ferr)
		for _, row := range d.Incidents[0].Notices {
			if row.ID == id {
				row.Error = ferr
			}
		}
		return s.render(w, r, status, "portal_incidents", d.Incidents[0].Title, d)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/portal/incidents/%d#breach-notice-%d", bn.IncidentID, id),
		fmt.Sprintf("Thank you: your acknowledgement of notice #%d is recorded.", id))
}
