package http

import (
	"net/http"

	"github.com/art28/art28"
)

type dashboardPage struct {
	Customers   int
	Agreements  []statusCount
	Services    int
	Users       int  // the processor's staff
	PortalUsers int  // customers' staff
	UsersKnown  bool // false when the actor's role may not list users
	Activity    []*art28.Activity
}

type statusCount struct {
	Status art28.AgreementStatus
	Count  int
}

// agreementStatuses lists the statuses in the order of an agreement's life.
var agreementStatuses = []art28.AgreementStatus{art28.AgreementDraft, art28.AgreementActive, art28.AgreementTerminating, art28.AgreementEnded}

// uiDashboard shows the counts of the register and the latest activity.
// Customer staff have the portal instead.
func (s *Server) uiDashboard(w http.ResponseWriter, r *http.Request) error {
	a, err := requireSignedIn(r)
	if err != nil {
		return err
	}
	if a.IsCustomer() {
		return redirect(w, r, "/portal", "")
	}
	ctx := r.Context()
	var d dashboardPage
	one := art28.Page{Limit: 1}
	if _, d.Customers, err = s.svc.Customers.Customers(ctx, art28.CustomerFilter{Page: one}); err != nil {
		return err
	}
	for _, st := range agreementStatuses {
		_, n, err := s.svc.Agreements.Agreements(ctx, art28.AgreementFilter{Status: &st, Page: one})
		if err != nil {
			return err
		}
		d.Agreements = append(d.Agreements, statusCount{st, n})
	}
	if _, d.Services, err = s.svc.Services.Services(ctx, art28.ServiceFilter{Page: one}); err != nil {
		return err
	}
	staff := int64(0)
	_, d.Users, err = s.svc.Users.Users(ctx, art28.UserFilter{CustomerID: &staff, Page: one})
	switch art28.ErrorCode(err) {
	case "":
		d.UsersKnown = true
		_, all, err := s.svc.Users.Users(ctx, art28.UserFilter{Page: one})
		if err != nil {
			return err
		}
		d.PortalUsers = all - d.Users
	case art28.EFORBIDDEN:
	default:
		return err
	}
	if d.Activity, _, err = s.svc.Activities.Activities(ctx, art28.ActivityFilter{Page: art28.Page{Limit: 15}}); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dashboard", "Dashboard", d)
}
