package http

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/art28/art28"
)

type signInPage struct {
	Email string
	Next  string
	Token string // the pre-session CSRF token
	Error *formError
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) uiSignInForm(w http.ResponseWriter, r *http.Request) error {
	token := randomToken(18)
	s.setCookie(w, csrfCookie, token, 0)
	return s.render(w, r, http.StatusOK, "signin", "Sign in", signInPage{Next: safeNext(r.URL.Query().Get("next")), Token: token})
}

// uiSignIn checks the pre-session CSRF token (double submit: cookie and
// form field), then the credentials under the rate limit.
func (s *Server) uiSignIn(w http.ResponseWriter, r *http.Request) error {
	email, next := r.PostFormValue("email"), safeNext(r.PostFormValue("next"))
	c, err := r.Cookie(csrfCookie)
	form := r.PostFormValue("csrf")
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) != 1 {
		return s.render(w, r, http.StatusForbidden, "signin", "Sign in", signInPage{Email: email, Next: next, Token: form,
			Error: &formError{Message: "The form has expired; please try again."}})
	}
	u, _, err := s.signIn(w, r, email, r.PostFormValue("password"))
	if err != nil {
		status, _ := errorStatus(err)
		return s.render(w, r, status, "signin", "Sign in", signInPage{Email: email, Next: next, Token: form, Error: toFormError(err)})
	}
	if next == "/" && u.Role.IsCustomer() {
		next = "/portal"
	}
	return redirect(w, r, next, "")
}

func (s *Server) uiSignOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.svc.Users.DeleteSession(r.Context(), c.Value); err != nil && art28.ErrorCode(err) != art28.ENOTFOUND {
			return err
		}
	}
	s.setCookie(w, sessionCookie, "", -1)
	return redirect(w, r, "/signin", "You are signed out.")
}
