package http

import (
	"net/http"

	"github.com/art28/art28"
)

// userInput is what a client sends to create a user. The customer of
// customer staff comes from the path, never from the body.
type userInput struct {
	Email    string     `json:"email"`
	Name     string     `json:"name"`
	Role     art28.Role `json:"role"`
	Password string     `json:"password"`
}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	var processorStaff int64
	list, total, err := s.svc.Users.Users(r.Context(), art28.UserFilter{CustomerID: &processorStaff, Page: p})
	return listed(w, p, list, total, err)
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Role.IsCustomer() {
		return art28.FieldError("role", "must be a processor role; create customer staff under /api/v1/customers/{id}/users")
	}
	return s.createUser(w, r, in, 0)
}

func (s *Server) apiListCustomerUsers(w http.ResponseWriter, r *http.Request) error {
	id, err := s.customerInScope(r)
	if err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.svc.Users.Users(r.Context(), art28.UserFilter{CustomerID: &id, Page: p})
	return listed(w, p, list, total, err)
}

func (s *Server) apiCreateCustomerUser(w http.ResponseWriter, r *http.Request) error {
	id, err := s.customerInScope(r)
	if err != nil {
		return err
	}
	var in userInput
	if err := decode(r, &in); err != nil {
		return err
	}
	// Checked here, not only in the store: the store takes any other role
	// for a processor role and would answer 403 rather than name the field.
	if !in.Role.IsCustomer() {
		return art28.FieldError("role", "must be customer_admin or customer_member")
	}
	return s.createUser(w, r, in, id)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, in userInput, customerID int64) error {
	u := &art28.User{Email: in.Email, Name: in.Name, Role: in.Role, CustomerID: customerID}
	if err := s.svc.Users.CreateUser(r.Context(), u, in.Password); err != nil {
		return err
	}
	return created(w, u)
}

func (s *Server) apiDisableUser(w http.ResponseWriter, r *http.Request) error {
	return s.setUserDisabled(w, r, true)
}

func (s *Server) apiEnableUser(w http.ResponseWriter, r *http.Request) error {
	return s.setUserDisabled(w, r, false)
}

func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.svc.Users.SetUserDisabled(r.Context(), id, disabled)
	if err != nil {
		return err
	}
	return ok(w, u)
}
