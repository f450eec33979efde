package http

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/art28/art28"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages holds one parsed template set per page: the layout plus the page.
var pages = parsePages()

var funcs = template.FuncMap{
	"date":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"country": art28.CountryName,
	"join":    strings.Join,
	"add":     func(a, b int) int { return a + b },
	"sub":     func(a, b int) int { return a - b },
}

func parsePages() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html"))
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" {
			continue
		}
		out[strings.TrimSuffix(base, ".html")] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, n))
	}
	return out
}

// view is what every page template receives.
type view struct {
	Title  string
	Actor  art28.Actor
	Signed bool
	CSRF   string
	Flash  string
	Path   string
	Data   any
}

// render writes a page with the layout. Rendering goes to a buffer first so
// that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) error {
	t, ok := pages[page]
	if !ok {
		return art28.Errorf(art28.EINTERNAL, "no page %q", page)
	}
	v := view{Title: title, Path: r.URL.Path, Data: data, Flash: r.URL.Query().Get("flash")}
	v.Actor, v.Signed = art28.ActorFrom(r.Context())
	if sess, ok := sessionFrom(r.Context()); ok {
		v.CSRF = sess.CSRFToken
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// renderError shows an error page, or sends an anonymous visitor to sign in.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if art28.ErrorCode(err) == art28.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status, d := errorStatus(err)
	if rerr := s.render(w, r, status, "error", "Error", d); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, d.Message, status)
	}
}

// redirect sends the browser on after a successful form, with a message.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formError re-renders a form with the error next to its field and the
// values the user typed, with status 422.
type formError struct {
	Field   string
	Message string
}

func toFormError(err error) *formError {
	if err == nil {
		return nil
	}
	return &formError{Field: art28.ErrorField(err), Message: art28.ErrorMessage(err)}
}

// requireSignedIn returns EUNAUTHORIZED for anonymous visitors, so that the
// error path sends them to the sign-in page.
func requireSignedIn(r *http.Request) (art28.Actor, error) {
	a, ok := art28.ActorFrom(r.Context())
	if !ok {
		return a, art28.Errorf(art28.EUNAUTHORIZED, "Sign in first.")
	}
	return a, nil
}

// uiRoutes is the route table of the web UI and the customer portal.
func (s *Server) uiRoutes() []Route {
	return []Route{
		{Pattern: "GET /static/", Handle: s.uiStatic},
		{Pattern: "GET /{$}", Handle: s.uiHome},
		{Pattern: "GET /signin", Handle: s.uiSignInForm},
		{Pattern: "POST /signin", Handle: s.uiSignIn},
		{Pattern: "POST /signout", Handle: s.uiSignOut},
	}
}

func (s *Server) uiStatic(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.FileServerFS(staticFiles).ServeHTTP(w, r)
	return nil
}

// uiHome sends processor staff to the dashboard and customer staff to the
// portal.
func (s *Server) uiHome(w http.ResponseWriter, r *http.Request) error {
	a, err := requireSignedIn(r)
	if err != nil {
		return err
	}
	if a.IsCustomer() {
		return redirect(w, r, "/portal", "")
	}
	return redirect(w, r, "/dashboard", "")
}
