// Package http serves art28 over HTTP: the JSON API under /api/v1 with its
// OpenAPI document, the server-rendered web UI for the processor's staff,
// the customer portal, and the health and metrics endpoints. Handlers are
// thin: they decode, call a domain service, and encode.
package http

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Services are the domain services the server calls.
type Services struct {
	Processor  art28.ProcessorService
	Services   art28.ServiceService
	Customers  art28.CustomerService
	Agreements art28.AgreementService
	Users      art28.UserService
	APIKeys    art28.APIKeyService
	Activities art28.ActivityService
	Terms      art28.TermsService
	Duties     art28.DutyService

	Subprocessors art28.SubprocessorService
	Changes       art28.ChangeService
	Transfers     art28.TransferService
	Deliveries    art28.DeliveryService
	Subscriptions art28.SubscriptionService
	Webhooks      art28.WebhookService
	Incidents     art28.IncidentService
	Bulletins     art28.BulletinService
}

// Config is what the server needs besides the services.
type Config struct {
	Logger *slog.Logger
	// Ready reports whether the server can serve: database reachable and
	// schema current.
	Ready func(ctx context.Context) error
	// BaseURL is where people reach art28 (https://art28.example.com), for
	// absolute links in feeds; empty takes the request's own host.
	BaseURL string
	// SecureCookies marks cookies Secure; off only for plain-HTTP loopback
	// development.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// FirstRunToken, when set, guards the page that creates the first owner.
	FirstRunToken string
	// Metrics receives HTTP measurements; nil disables them.
	Metrics *Metrics
	Now     func() time.Time
}

// Server is the HTTP surface of art28.
type Server struct {
	svc     Services
	cfg     Config
	log     *slog.Logger
	limiter *limiter
	handler http.Handler
	routes  []Route
}

// Route is one entry of a route table. Scoped marks API routes that read or
// change one customer's records, so that the tenant isolation test can call
// each with another customer's credentials.
type Route struct {
	Pattern string // "METHOD /path/{id}"
	Scoped  bool
	Handle  handlerFunc
}

// handlerFunc is a handler that returns its error to one wrapper, which
// turns it into a status and a client-safe body.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// New builds the server.
func New(svc Services, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger, limiter: newLimiter(cfg.Now)}
	mux := http.NewServeMux()
	for _, table := range [][]Route{s.apiRoutes(), s.subprocessorAPIRoutes(), s.incidentAPIRoutes(), s.bulletinAPIRoutes(), s.uiRoutes(), s.subprocessorUIRoutes(), s.incidentUIRoutes(), s.bulletinUIRoutes(),
		s.publicRoutes(), s.setupRoutes()} {
		s.routes = append(s.routes, table...)
	}
	for _, rt := range s.routes {
		mux.Handle(rt.Pattern, s.wrap(rt))
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics.Handler())
	}
	s.handler = s.recoverPanics(s.measure(s.limitBody(s.authenticate(mux))))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns the route table, for tests.
func (s *Server) Routes() []Route { return s.routes }

// wrap turns a handlerFunc into an http.Handler with one error path: API
// routes answer JSON, UI routes an HTML page.
func (s *Server) wrap(rt Route) http.Handler {
	api := isAPI(rt.Pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(w, r)
		err := rt.Handle(w, r)
		if err == nil {
			return
		}
		if art28.ErrorCode(err) == art28.EINTERNAL {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		if api {
			writeAPIError(w, err)
		} else {
			s.renderError(w, r, err)
		}
	})
}

func isAPI(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(path, "/api/v1/")
}

// recoverPanics turns a panic into a 500 without a stack trace for the
// client, and logs it.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				err := art28.Errorf(art28.EINTERNAL, "Internal error.")
				if strings.HasPrefix(r.URL.Path, "/api/") {
					writeAPIError(w, err)
				} else {
					s.renderError(w, r, err)
				}
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// MaxBody bounds request bodies; a larger body is refused with 413.
const MaxBody = 1 << 20

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// remoteAddr is the client's address for the activity record. art28 does
// not trust forwarding headers: a proxy in front should be configured to
// connect from its own address, which is then recorded.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
