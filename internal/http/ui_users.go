package http

import (
	"fmt"
	"net/http"

	"github.com/art28/art28"
)

// userForm holds the form that creates a user. The password is never sent
// back to the browser.
type userForm struct {
	Email string
	Name  string
	Role  string
	Error *formError
}

func readUserForm(r *http.Request) userForm {
	f := r.PostFormValue
	return userForm{Email: f("email"), Name: f("name"), Role: f("role")}
}

// createFormUser creates the user of a form with its initial password.
func (s *Server) createFormUser(r *http.Request, form userForm, customerID int64) (*art28.User, error) {
	u := &art28.User{Email: form.Email, Name: form.Name, Role: art28.Role(form.Role), CustomerID: customerID}
	if err := s.svc.Users.CreateUser(r.Context(), u, r.PostFormValue("password")); err != nil {
		return nil, err
	}
	return u, nil
}

type usersPage struct {
	Users []*art28.User
	Pager pager
	Form  userForm
	Roles []art28.Role // the roles a processor user may have
}

// processorRoles are the roles of the processor's staff.
var processorRoles = []art28.Role{art28.RoleOwner, art28.RolePrivacyOfficer, art28.RoleOperator, art28.RoleReadOnly}

const usersPerPage = 50

func (s *Server) loadUsersPage(r *http.Request) (*usersPage, error) {
	staff := int64(0)
	n, p := pageParam(r, "page", usersPerPage)
	list, total, err := s.svc.Users.Users(r.Context(), art28.UserFilter{CustomerID: &staff, Page: p})
	if err != nil {
		return nil, err
	}
	return &usersPage{Users: list, Pager: newPager(r, "page", n, usersPerPage, total),
		Form: userForm{Role: string(art28.RoleOperator)}, Roles: processorRoles}, nil
}

func (s *Server) uiUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	d, err := s.loadUsersPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "users", "Users", d)
}

func (s *Server) uiCreateUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	form := readUserForm(r)
	u, err := s.createFormUser(r, form, 0)
	if status, ok := correctable(err); ok {
		d, lerr := s.loadUsersPage(r)
		if lerr != nil {
			return lerr
		}
		form.Error = toFormError(err)
		d.Form = form
		return s.render(w, r, status, "users", "Users", d)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/users", fmt.Sprintf("The user %s is created; give them their initial password by a separate channel.", u.Email))
}

func (s *Server) uiDisableUser(w http.ResponseWriter, r *http.Request) error {
	return s.uiSetUserDisabled(w, r, true)
}

func (s *Server) uiEnableUser(w http.ResponseWriter, r *http.Request) error {
	return s.uiSetUserDisabled(w, r, false)
}

func (s *Server) uiSetUserDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if disabled && id == a.UserID {
		return art28.Errorf(art28.ECONFLICT, "You cannot disable yourself; ask another owner.")
	}
	u, err := s.svc.Users.SetUserDisabled(r.Context(), id, disabled)
	if err != nil {
		return err
	}
	back := "/users"
	if u.CustomerID != 0 {
		back = fmt.Sprintf("/customers/%d#users", u.CustomerID)
	}
	if disabled {
		return redirect(w, r, back, "The user "+u.Email+" is disabled and signed out.")
	}
	return redirect(w, r, back, "The user "+u.Email+" is enabled again.")
}
