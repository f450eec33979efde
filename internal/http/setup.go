package http

import (
	"crypto/subtle"
	"net/http"

	"github.com/art28/art28"
)

// setupRoutes serve the first-run page: while no user exists, whoever holds
// the one-time token printed at start creates the first owner.
func (s *Server) setupRoutes() []Route {
	return []Route{
		{Pattern: "GET /setup", Handle: s.uiSetupForm},
		{Pattern: "POST /setup", Handle: s.uiSetup},
	}
}

type setupPage struct {
	Token string
	Email string
	Name  string
	Error *formError
}

func (s *Server) setupToken(r *http.Request) error {
	got := r.FormValue("token")
	want := s.cfg.FirstRunToken
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return art28.Errorf(art28.ENOTFOUND, "There is no first-run setup at this address.")
	}
	return nil
}

func (s *Server) uiSetupForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.setupToken(r); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "setup", "Create the first owner", setupPage{Token: r.FormValue("token")})
}

func (s *Server) uiSetup(w http.ResponseWriter, r *http.Request) error {
	if err := s.setupToken(r); err != nil {
		return err
	}
	u := &art28.User{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: art28.RoleOwner}
	if err := s.svc.Users.CreateFirstOwner(r.Context(), u, r.PostFormValue("password")); err != nil {
		status, _ := errorStatus(err)
		return s.render(w, r, status, "setup", "Create the first owner",
			setupPage{Token: r.FormValue("token"), Email: u.Email, Name: u.Name, Error: toFormError(err)})
	}
	return redirect(w, r, "/signin", "The owner account is ready: sign in.")
}
