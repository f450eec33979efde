package http

import (
	"net/http"

	"github.com/art28/art28"
)

// signInInput is the body of an API sign-in.
type signInInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// sessionBody answers a sign-in: the user, and the token the client must
// send as X-CSRF-Token with every request that changes something.
type sessionBody struct {
	User      *art28.User `json:"user"`
	CSRFToken string      `json:"csrf_token"`
}

// apiSignIn starts a browser session, for a single-page client on the same
// site. The session secret travels only in the HttpOnly cookie.
func (s *Server) apiSignIn(w http.ResponseWriter, r *http.Request) error {
	var in signInInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, sess, err := s.signIn(w, r, in.Email, in.Password)
	if err != nil {
		return err
	}
	return created(w, sessionBody{User: u, CSRFToken: sess.CSRFToken})
}

// apiSignOut ends the session of the cookie, if any. Signing out twice is
// not an error.
func (s *Server) apiSignOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.svc.Users.DeleteSession(r.Context(), c.Value); err != nil && art28.ErrorCode(err) != art28.ENOTFOUND {
			return err
		}
	}
	s.setCookie(w, sessionCookie, "", -1)
	return noContent(w)
}

// meBody describes the actor of a request.
type meBody struct {
	Kind       string     `json:"kind"` // user or api_key
	ID         int64      `json:"id"`
	Name       string     `json:"name"` // the user's e-mail or the key's name
	Role       art28.Role `json:"role"`
	CustomerID int64      `json:"customer_id,omitempty"`
	// CSRFToken is the session's token, so that a reloaded client can
	// recover it; absent for API keys.
	CSRFToken string `json:"csrf_token,omitempty"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a, signed := art28.ActorFrom(r.Context())
	if !signed {
		return art28.Errorf(art28.EUNAUTHORIZED, "Sign in first.")
	}
	me := meBody{Kind: a.Kind(), ID: a.ID(), Name: a.Name, Role: a.Role, CustomerID: a.CustomerID}
	if sess, ok := sessionFrom(r.Context()); ok {
		me.CSRFToken = sess.CSRFToken
	}
	return ok(w, me)
}
