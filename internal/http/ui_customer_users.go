package http

import (
	"fmt"
	"net/http"

	"github.com/art28/art28"
)

// customerRoles are the roles of a customer's staff.
var customerRoles = []art28.Role{art28.RoleCustomerAdmin, art28.RoleCustomerMember}

// uiCreateCustomerUser gives a customer's staff member a sign-in to the
// portal, from the customer's page.
func (s *Server) uiCreateCustomerUser(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	form := readUserForm(r)
	if !has(customerRoles, art28.Role(form.Role)) {
		err = art28.FieldError("role", "must be customer_admin or customer_member")
	} else {
		_, err = s.createFormUser(r, form, id)
	}
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderCustomer(w, r, id, status, func(d *customerPage) { d.UserForm = form })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d#users", id), "The portal user "+form.Email+" is created.")
}
