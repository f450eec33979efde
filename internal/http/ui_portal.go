package http

import (
	"net/http"

	"github.com/art28/art28"
)

// portalPage is what a customer's staff see of their own organisation. It
// is read with the actor's customer only: no page of the portal takes a
// customer ID from the URL.
type portalPage struct {
	Customer    *art28.Customer
	Agreements  []*agreementView
	Contacts    []*art28.Contact
	ContactForm contactForm
	Processor   *art28.ProcessorProfile
}

func (s *Server) loadPortal(r *http.Request, a art28.Actor) (*portalPage, error) {
	ctx := r.Context()
	id := a.CustomerID
	c, err := s.svc.Customers.Customer(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &portalPage{Customer: c}
	agreements, _, err := s.svc.Agreements.Agreements(ctx, art28.AgreementFilter{CustomerID: &id, Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, ag := range agreements {
		ids = append(ids, ag.ServiceIDs...)
	}
	services := []*art28.Service{}
	if len(ids) > 0 {
		if services, _, err = s.svc.Services.Services(ctx, art28.ServiceFilter{IDs: ids, Page: art28.Page{Limit: art28.MaxLimit}}); err != nil {
			return nil, err
		}
	}
	templates, err := s.svc.Agreements.Templates(ctx)
	if err != nil {
		return nil, err
	}
	d.Agreements = agreementViews(agreements, templates, services, s.cfg.Now())
	if d.Contacts, err = s.svc.Customers.Contacts(ctx, id); err != nil {
		return nil, err
	}
	if d.Processor, err = s.svc.Processor.Profile(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) uiPortal(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	d, err := s.loadPortal(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal", d.Customer.LegalName, d)
}

func (s *Server) uiPortalCreateContact(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	form := readContactForm(r)
	c := form.contact(a.CustomerID)
	err = s.svc.Customers.CreateContact(r.Context(), c)
	if status, ok := correctable(err); ok {
		d, lerr := s.loadPortal(r, a)
		if lerr != nil {
			return lerr
		}
		form.Error = toFormError(err)
		d.ContactForm = form
		return s.render(w, r, status, "portal", d.Customer.LegalName, d)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/portal#contacts", "The contact "+c.Name+" is added.")
}

func (s *Server) uiPortalDeleteContact(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	contact, err := pathID(r, "contact")
	if err != nil {
		return err
	}
	if err := s.svc.Customers.DeleteContact(r.Context(), a.CustomerID, contact); err != nil {
		return err
	}
	return redirect(w, r, "/portal#contacts", "The contact is removed.")
}

type portalUsersPage struct {
	Customer *art28.Customer
	Users    []*art28.User
	Form     userForm
	Roles    []art28.Role
}

func (s *Server) loadPortalUsers(r *http.Request, a art28.Actor) (*portalUsersPage, error) {
	id := a.CustomerID
	c, err := s.svc.Customers.Customer(r.Context(), id)
	if err != nil {
		return nil, err
	}
	list, _, err := s.svc.Users.Users(r.Context(), art28.UserFilter{CustomerID: &id, Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return nil, err
	}
	return &portalUsersPage{Customer: c, Users: list, Form: userForm{Role: string(art28.RoleCustomerMember)}, Roles: customerRoles}, nil
}

func (s *Server) uiPortalUsers(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	d, err := s.loadPortalUsers(r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal_users", "Our users", d)
}

// uiPortalCreateUser lets a customer admin give a colleague a sign-in. The
// new user belongs to the admin's own customer, whatever the form says.
func (s *Server) uiPortalCreateUser(w http.ResponseWriter, r *http.Request) error {
	a, err := requireCustomer(r)
	if err != nil {
		return err
	}
	form := readUserForm(r)
	if !has(customerRoles, art28.Role(form.Role)) {
		err = art28.FieldError("role", "must be customer_admin or customer_member")
	} else {
		_, err = s.createFormUser(r, form, a.CustomerID)
	}
	if status, ok := correctable(err); ok {
		d, lerr := s.loadPortalUsers(r, a)
		if lerr != nil {
			return lerr
		}
		form.Error = toFormError(err)
		d.Form = form
		return s.render(w, r, status, "portal_users", "Our users", d)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/portal/users", "The user "+form.Email+" can now sign in.")
}
