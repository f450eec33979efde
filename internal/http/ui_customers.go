package http

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/art28/art28"
)

const (
	customersPerPage = 50
	activityPerPage  = 20
)

type customersPage struct {
	Query     string
	Country   string
	Customers []*art28.Customer
	Pager     pager
}

// customerForm holds the customer form as typed.
type customerForm struct {
	LegalName          string
	Address            string
	Country            string
	EUEstablished      bool
	Role               string
	UpstreamController string
	Language           string
	Error              *formError
}

func customerFormOf(c *art28.Customer) customerForm {
	return customerForm{LegalName: c.LegalName, Address: c.Address, Country: c.Country, EUEstablished: c.EUEstablished,
		Role: string(c.Role), UpstreamController: c.UpstreamController, Language: c.Language}
}

func readCustomerForm(r *http.Request) customerForm {
	f := r.PostFormValue
	return customerForm{LegalName: f("legal_name"), Address: f("address"), Country: f("country"),
		EUEstablished: f("eu_established") != "", Role: f("role"), UpstreamController: f("upstream_controller"),
		Language: f("language")}
}

func (s *Server) uiCustomers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	q := r.URL.Query()
	d := customersPage{Query: strings.TrimSpace(q.Get("q")), Country: strings.ToUpper(strings.TrimSpace(q.Get("country")))}
	n, p := pageParam(r, "page", customersPerPage)
	list, total, err := s.svc.Customers.Customers(r.Context(), art28.CustomerFilter{Query: d.Query, Country: d.Country, Page: p})
	if err != nil {
		return err
	}
	d.Customers, d.Pager = list, newPager(r, "page", n, customersPerPage, total)
	return s.render(w, r, http.StatusOK, "customers", "Customers", d)
}

func (s *Server) uiNewCustomer(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	if !a.Role.Can(art28.PermWrite) {
		return art28.Errorf(art28.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	return s.render(w, r, http.StatusOK, "customer_new", "New customer", customerForm{Role: string(art28.CustomerController)})
}

func (s *Server) uiCreateCustomer(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	form := readCustomerForm(r)
	c := &art28.Customer{LegalName: form.LegalName, Address: form.Address, Country: form.Country,
		EUEstablished: form.EUEstablished, Role: art28.CustomerRole(form.Role), UpstreamController: form.UpstreamController,
		Language: form.Language}
	err := s.svc.Customers.CreateCustomer(r.Context(), c)
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.render(w, r, status, "customer_new", "New customer", form)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d", c.ID), "The customer "+c.LegalName+" is created.")
}

// customerPage is everything the page of one customer shows. Each form has
// its own values and error, so that a refused form comes back as typed
// while the rest of the page is as stored.
type customerPage struct {
	Customer      *art28.Customer
	Edit          customerForm
	Contacts      []*art28.Contact
	ContactForm   contactForm
	Agreements    []*agreementView
	Templates     []*art28.AgreementTemplate
	Services      []*art28.Service
	AgreementForm agreementForm
	Users         []*art28.User
	UsersVisible  bool // false when the actor's role may not list users
	UserForm      userForm
	Webhooks      []*art28.WebhookEndpoint
	WebhookForm   webhookForm
	Activity      []*art28.Activity
	ActivityPager pager
}

// loadCustomerPage reads the customer page as stored.
func (s *Server) loadCustomerPage(r *http.Request, id int64) (*customerPage, error) {
	ctx := r.Context()
	c, err := s.svc.Customers.Customer(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &customerPage{Customer: c, Edit: customerFormOf(c),
		UserForm: userForm{Role: string(art28.RoleCustomerMember)}}
	if d.Contacts, err = s.svc.Customers.Contacts(ctx, id); err != nil {
		return nil, err
	}
	if d.Templates, err = s.svc.Agreements.Templates(ctx); err != nil {
		return nil, err
	}
	if d.Services, _, err = s.svc.Services.Services(ctx, art28.ServiceFilter{Page: art28.Page{Limit: art28.MaxLimit}}); err != nil {
		return nil, err
	}
	agreements, _, err := s.svc.Agreements.Agreements(ctx, art28.AgreementFilter{CustomerID: &id, Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return nil, err
	}
	d.Agreements = agreementViews(agreements, d.Templates, d.Services, s.cfg.Now())
	d.Users, _, err = s.svc.Users.Users(ctx, art28.UserFilter{CustomerID: &id, Page: art28.Page{Limit: art28.MaxLimit}})
	switch art28.ErrorCode(err) {
	case "":
		d.UsersVisible = true
	case art28.EFORBIDDEN:
	default:
		return nil, err
	}
	if d.Webhooks, err = s.svc.Webhooks.Webhooks(ctx, id); err != nil {
		return nil, err
	}
	n, p := pageParam(r, "activity", activityPerPage)
	activity, total, err := s.svc.Activities.Activities(ctx, art28.ActivityFilter{CustomerID: &id, Page: p})
	if err != nil {
		return nil, err
	}
	d.Activity, d.ActivityPager = activity, newPager(r, "activity", n, activityPerPage, total)
	return d, nil
}

// customerID reads the {id} of a customer page's URL and checks that the
// actor is processor staff.
func customerID(r *http.Request) (int64, error) {
	if _, err := requireStaff(r); err != nil {
		return 0, err
	}
	return pathID(r, "id")
}

func (s *Server) uiCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	d, err := s.loadCustomerPage(r, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "customer", d.Customer.LegalName, d)
}

// rerenderCustomer shows the customer page again with one form's values and
// error, set by fill.
func (s *Server) rerenderCustomer(w http.ResponseWriter, r *http.Request, id int64, status int, fill func(*customerPage)) error {
	d, err := s.loadCustomerPage(r, id)
	if err != nil {
		return err
	}
	fill(d)
	return s.render(w, r, status, "customer", d.Customer.LegalName, d)
}

func (s *Server) uiUpdateCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	form := readCustomerForm(r)
	role := art28.CustomerRole(form.Role)
	_, err = s.svc.Customers.UpdateCustomer(r.Context(), id, art28.CustomerUpdate{
		LegalName: &form.LegalName, Address: &form.Address, Country: &form.Country,
		EUEstablished: &form.EUEstablished, Role: &role, UpstreamController: &form.UpstreamController, Language: &form.Language,
	})
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderCustomer(w, r, id, status, func(d *customerPage) { d.Edit = form })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d", id), "The customer is saved.")
}
