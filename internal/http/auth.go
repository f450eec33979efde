package http

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/art28/art28"
)

const (
	sessionCookie = "art28_session"
	csrfCookie    = "art28_csrf" // before sign-in, for the sign-in form itself
)

type sessionKey struct{}

// sessionFrom returns the browser session of the request, if any.
func sessionFrom(ctx context.Context) (*art28.Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(*art28.Session)
	return s, ok
}

// authenticate resolves the actor of a request, from a Bearer API key or a
// session cookie, and puts it in the context. A request without credentials
// goes on without an actor; the services refuse what needs one. A bad API
// key is refused here, so that a client learns at once its key is wrong.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		src := remoteAddr(r)
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				writeAPIError(w, art28.Errorf(art28.EUNAUTHORIZED, "Use the Authorization header as: Bearer <API key>."))
				return
			}
			k, err := s.svc.APIKeys.AuthenticateAPIKey(ctx, strings.TrimSpace(secret))
			if err != nil {
				writeAPIError(w, err)
				return
			}
			ctx = art28.NewContext(ctx, art28.Actor{APIKeyID: k.ID, Name: k.Name, Role: k.Role, CustomerID: k.CustomerID, Source: src})
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, sess, err := s.svc.Users.SessionUser(ctx, c.Value)
			if err == nil {
				ctx = art28.NewContext(ctx, art28.Actor{UserID: u.ID, Name: u.Email, Role: u.Role, CustomerID: u.CustomerID, Source: src})
				ctx = context.WithValue(ctx, sessionKey{}, sess)
				// A session may change state only with its CSRF token: a
				// form field for the UI, a header for API calls.
				if !safeMethod(r.Method) && !s.validCSRF(r, sess.CSRFToken) {
					if strings.HasPrefix(r.URL.Path, "/api/") {
						writeAPIError(w, art28.Errorf(art28.EFORBIDDEN, "Missing or wrong X-CSRF-Token header."))
					} else {
						s.renderError(w, r.WithContext(ctx), art28.Errorf(art28.EFORBIDDEN, "The form has expired; reload the page and try again."))
					}
					return
				}
			}
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		if _, signed := art28.ActorFrom(ctx); signed {
			// What a signed-in request gets back is one account's data (a
			// page, a breach's documentation, an export): no cache keeps
			// it, so that it is not shown again after signing out nor
			// stale after a change.
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func (s *Server) validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && !strings.HasPrefix(r.URL.Path, "/api/") {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure unless configured
// for plain-HTTP development. Lax (not Strict) so that a link from an e-mail
// to the portal finds the reader signed in; CSRF tokens guard every change.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds()),
	})
}

// limiter bounds failed sign-ins per account and per client address, in
// memory: a replica counts its own attempts, which bounds a guesser all the
// same.
type limiter struct {
	mu    sync.Mutex
	now   func() time.Time
	tries map[string][]time.Time
}

// Sign-in limits in signInWindow. An account is closed to guessing after a
// few failures; an address gets more room, because a whole office (or a
// proxy in front of art28) may share one.
const (
	accountBurst = 10
	addressBurst = 100
	signInWindow = 15 * time.Minute
)

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, tries: map[string][]time.Time{}}
}

// allow reports whether another attempt is allowed for the account and the
// address.
func (l *limiter) allow(account, address string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	return len(l.prune(account, now)) < accountBurst && len(l.prune(address, now)) < addressBurst
}

// fail records a failed attempt for each key.
func (l *limiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		l.tries[k] = append(l.prune(k, now), now)
	}
	if len(l.tries) > 100_000 { // a flood of addresses: forget the oldest state
		clear(l.tries)
	}
}

func (l *limiter) prune(k string, now time.Time) []time.Time {
	ts := l.tries[k]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > signInWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.tries, k)
		return nil
	}
	l.tries[k] = ts
	return ts
}

// signIn checks the credentials under the rate limit and starts a session.
// It is shared by the UI form and the API.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, email, password string) (*art28.User, *art28.Session, error) {
	ip, acct := "ip:"+remoteAddr(r), "acct:"+strings.ToLower(strings.TrimSpace(email))
	if !s.limiter.allow(acct, ip) {
		return nil, nil, art28.Errorf(art28.ETOOMANY, "Too many failed sign-ins; wait 15 minutes and try again.")
	}
	// No one is signed in yet: the actor carries only the address, for the
	// activity record of the sign-in.
	ctx := art28.NewContext(r.Context(), art28.Actor{Source: remoteAddr(r)})
	u, err := s.svc.Users.Authenticate(ctx, email, password)
	if err != nil {
		if art28.ErrorCode(err) == art28.EUNAUTHORIZED {
			s.limiter.fail(ip, acct)
		}
		return nil, nil, err
	}
	token, sess, err := s.svc.Users.CreateSession(ctx, u.ID, s.cfg.SessionTTL)
	if err != nil {
		return nil, nil, err
	}
	s.setCookie(w, sessionCookie, token, s.cfg.SessionTTL)
	return u, sess, nil
}
