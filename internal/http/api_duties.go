package http

import (
	"net/http"
	"time"

	"github.com/art28/art28"
)

func (s *Server) apiListDuties(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	f := art28.DutyFilter{Page: p}
	q := r.URL.Query()
	if st := q.Get("state"); st != "" {
		state := art28.DutyState(st)
		if state != art28.DutyOpen && state != art28.DutyDone && state != art28.DutyWaived {
			return art28.FieldError("state", "must be open, done or waived")
		}
		f.State = &state
	}
	if f.CustomerID, err = queryID(r, "customer_id"); err != nil {
		return err
	}
	if db := q.Get("due_before"); db != "" {
		t, err := time.Parse(time.RFC3339, db)
		if err != nil {
			return art28.FieldError("due_before", "must be an RFC 3339 time with its zone")
		}
		f.DueBefore = &t
	}
	list, total, err := s.svc.Duties.Duties(r.Context(), f)
	return listed(w, p, list, total, err)
}

// dutyInput opens a duty by hand: one the engine does not open itself.
type dutyInput struct {
	Kind        string          `json:"kind"`
	Title       string          `json:"title"`
	CustomerID  int64           `json:"customer_id"`
	AgreementID int64           `json:"agreement_id"`
	Clause      art28.ClauseKey `json:"clause"`
	ClauseIDs   []string        `json:"clause_ids"`
	OpenedAt    string          `json:"opened_at"`
	DueAt       string          `json:"due_at"`
}

func (s *Server) apiOpenDuty(w http.ResponseWriter, r *http.Request) error {
	var in dutyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d := &art28.Duty{Kind: in.Kind, Title: in.Title, CustomerID: in.CustomerID, AgreementID: in.AgreementID,
		Clause: in.Clause, ClauseIDs: in.ClauseIDs}
	for _, t := range []struct {
		field string
		in    string
		dst   *time.Time
	}{{"opened_at", in.OpenedAt, &d.OpenedAt}, {"due_at", in.DueAt, &d.DueAt}} {
		v, err := time.Parse(time.RFC3339, t.in)
		if err != nil {
			return art28.FieldError(t.field, "must be an RFC 3339 time with its zone")
		}
		*t.dst = v
	}
	if err := s.svc.Duties.OpenDuty(r.Context(), d); err != nil {
		return err
	}
	return created(w, d)
}

func (s *Server) apiGetDuty(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.svc.Duties.Duty(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, d)
}

// dutyClose closes a duty: done, or waived with a reason.
type dutyClose struct {
	State  art28.DutyState `json:"state"`
	Reason string          `json:"reason"`
}

func (s *Server) apiCloseDuty(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in dutyClose
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := s.svc.Duties.CloseDuty(r.Context(), id, in.State, in.Reason)
	if err != nil {
		return err
	}
	return ok(w, d)
}
