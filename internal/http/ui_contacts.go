package http

import (
	"fmt"
	"net/http"

	"github.com/art28/art28"
)

// contactForm holds the contact form as typed.
type contactForm struct {
	Name  string
	Email string
	Phone string
	Roles []string
	Error *formError
}

func readContactForm(r *http.Request) contactForm {
	f := r.PostFormValue
	return contactForm{Name: f("name"), Email: f("email"), Phone: f("phone"), Roles: r.PostForm["roles"]}
}

func (f contactForm) contact(customerID int64) *art28.Contact {
	c := &art28.Contact{CustomerID: customerID, Name: f.Name, Email: f.Email, Phone: f.Phone}
	for _, r := range f.Roles {
		c.Roles = append(c.Roles, art28.ContactRole(r))
	}
	return c
}

func (s *Server) uiCreateContact(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	form := readContactForm(r)
	c := form.contact(id)
	err = s.svc.Customers.CreateContact(r.Context(), c)
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderCustomer(w, r, id, status, func(d *customerPage) { d.ContactForm = form })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d#contacts", id), "The contact "+c.Name+" is added.")
}

func (s *Server) uiDeleteContact(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
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
	return redirect(w, r, fmt.Sprintf("/customers/%d#contacts", id), "The contact is removed.")
}
