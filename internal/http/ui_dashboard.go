package http

import (
	"net/http"
	"time"

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
	OpenDuties  int
	Shown       int // duties in the timeline
	Timeline    []dutyBucket
}

// dutyBucket is one column of the duties timeline.
type dutyBucket struct {
	Name   string // overdue, today, this week, later
	Class  string
	Duties []*art28.Duty
}

// timeline sorts the next due duties into overdue, due today (UTC), due
// within seven days, and later, so that a person sees at a glance what is
// late and what comes next.
func timeline(duties []*art28.Duty, now time.Time) []dutyBucket {
	b := []dutyBucket{{Name: "Overdue", Class: "overdue"}, {Name: "Today", Class: "today"},
		{Name: "This week", Class: "week"}, {Name: "Later", Class: "later"}}
	y, m, d := now.UTC().Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	for _, du := range duties {
		switch {
		case du.Overdue(now):
			b[0].Duties = append(b[0].Duties, du)
		case du.DueAt.Before(tomorrow):
			b[1].Duties = append(b[1].Duties, du)
		case du.DueAt.Before(now.Add(7 * 24 * time.Hour)):
			b[2].Duties = append(b[2].Duties, du)
		default:
			b[3].Duties = append(b[3].Duties, du)
		}
	}
	return b
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
	open := art28.DutyOpen
	if _, d.OpenDuties, err = s.svc.Duties.Duties(ctx, art28.DutyFilter{State: &open, Page: one}); err != nil {
		return err
	}
	next, err := s.svc.Duties.NextDue(ctx, 40)
	if err != nil {
		return err
	}
	d.Timeline, d.Shown = timeline(next, s.cfg.Now()), len(next)
	return s.render(w, r, http.StatusOK, "dashboard", "Dashboard", d)
}
