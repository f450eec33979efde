package http

import (
	"net/http"

	"github.com/art28/art28"
)

func (s *Server) apiListCustomers(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, total, err := s.svc.Customers.Customers(r.Context(), art28.CustomerFilter{Query: q.Get("q"), Country: q.Get("country"), Page: p})
	return listed(w, p, list, total, err)
}

// customerInput is what a client sends to create a customer.
type customerInput struct {
	LegalName          string             `json:"legal_name"`
	Address            string             `json:"address"`
	Country            string             `json:"country"`
	EUEstablished      bool               `json:"eu_established"`
	Role               art28.CustomerRole `json:"role"`
	UpstreamController string             `json:"upstream_controller"`
	Language           string             `json:"language"`
}

func (s *Server) apiCreateCustomer(w http.ResponseWriter, r *http.Request) error {
	var in customerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c := &art28.Customer{LegalName: in.LegalName, Address: in.Address, Country: in.Country,
		EUEstablished: in.EUEstablished, Role: in.Role, UpstreamController: in.UpstreamController,
		Language: in.Language}
	if err := s.svc.Customers.CreateCustomer(r.Context(), c); err != nil {
		return err
	}
	return created(w, c)
}

func (s *Server) apiGetCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.svc.Customers.Customer(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, c)
}

func (s *Server) apiUpdateCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var u art28.CustomerUpdate
	if err := decode(r, &u); err != nil {
		return err
	}
	c, err := s.svc.Customers.UpdateCustomer(r.Context(), id, u)
	if err != nil {
		return err
	}
	return ok(w, c)
}

func (s *Server) apiListContacts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Customers.Contacts(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

// contactInput is what a client sends to add a contact.
type contactInput struct {
	Name  string              `json:"name"`
	Email string              `json:"email"`
	Phone string              `json:"phone"`
	Roles []art28.ContactRole `json:"roles"`
}

func (s *Server) apiCreateContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in contactInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c := &art28.Contact{CustomerID: id, Name: in.Name, Email: in.Email, Phone: in.Phone, Roles: in.Roles}
	if err := s.svc.Customers.CreateContact(r.Context(), c); err != nil {
		return err
	}
	return created(w, c)
}

func (s *Server) apiDeleteContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	contact, err := pathID(r, "contact")
	if err != nil {
		return err
	}
	if err := s.svc.Customers.DeleteContact(r.Context(), id, contact); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// customerInScope reads the {id} of a customer route and checks that the
// actor may see that customer, so that a list below it (activity,
// agreements, users) answers 404 for another customer's ID instead of an
// empty list.
func (s *Server) customerInScope(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	if _, err := s.svc.Customers.Customer(r.Context(), id); err != nil {
		return 0, err
	}
	return id, nil
}
