package http

import (
	"fmt"
	"net/http"

	"github.com/art28/art28"
)

type dutyPage struct {
	Duty     *art28.Duty
	Customer *art28.Customer
	Overdue  bool
	History  []*art28.Activity // opening, reminders, escalations, closing
	Reason   string
	Error    *formError
}

func (s *Server) loadDutyPage(r *http.Request) (*dutyPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	d, err := s.svc.Duties.Duty(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &dutyPage{Duty: d, Overdue: d.Overdue(s.cfg.Now())}
	if p.History, _, err = s.svc.Activities.Activities(r.Context(), art28.ActivityFilter{ObjectType: "duty", ObjectID: id,
		Page: art28.Page{Limit: 50}}); err != nil {
		return nil, err
	}
	if d.CustomerID != 0 {
		if p.Customer, err = s.svc.Customers.Customer(r.Context(), d.CustomerID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// uiDuty shows one duty: what, for whom, under which clause, due when, and
// who closed it; open duties have the forms that close them.
func (s *Server) uiDuty(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	p, err := s.loadDutyPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "duty", p.Duty.Title, p)
}

func (s *Server) uiCloseDuty(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	state, reason := art28.DutyState(r.PostFormValue("state")), r.PostFormValue("reason")
	_, err = s.svc.Duties.CloseDuty(r.Context(), id, state, reason)
	if status, ok := correctable(err); ok {
		p, lerr := s.loadDutyPage(r)
		if lerr != nil {
			return lerr
		}
		p.Reason, p.Error = reason, toFormError(err)
		return s.render(w, r, status, "duty", p.Duty.Title, p)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/duties/%d", id), "The duty is "+string(state)+".")
}
