package http

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
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
	"date":           func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"country":        art28.CountryName,
	"countryOptions": countryOptions,
	"join":           strings.Join,
	"add":            func(a, b int) int { return a + b },
	"sub":            func(a, b int) int { return a - b },
	"can":            can,
	"has":            contains,
	"fielderr":       fieldErr,
	"formerr":        formErr,
	"invalid":        invalid,
	"current":        current,
	"title":          title,
	"dict":           dict,
	"action":         statusAction,
	"contactRoles":   func() []art28.ContactRole { return art28.ContactRoles },
	"customerRoles":  func() []art28.Role { return customerRoles },
	"markdown":       markdown,
	"inZone":         inZone,
	"eea":            art28.InEEA,
	"safeguards":     safeguardOptions,
}

// parsePages parses every page with the layout and the partials: files whose
// name starts with "_" hold only {{define}}d blocks shared by several pages.
func parsePages() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html"))
	if partials, _ := fs.Glob(templateFiles, "templates/_*.html"); len(partials) > 0 {
		layout = template.Must(layout.ParseFS(templateFiles, partials...))
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" || strings.HasPrefix(base, "_") {
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
		to, fragment, _ := strings.Cut(to, "#")
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
		if fragment != "" {
			to += "#" + fragment
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
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

// correctable reports whether the user can correct err in the form they
// sent (a refused value, a duplicate name), and the status to re-render the
// form with: 422 or 409. Other errors go to the error page.
func correctable(err error) (int, bool) {
	switch art28.ErrorCode(err) {
	case art28.EINVALID:
		return http.StatusUnprocessableEntity, true
	case art28.ECONFLICT:
		return http.StatusConflict, true
	}
	return 0, false
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

		{Pattern: "GET /dashboard", Handle: s.uiDashboard},
		{Pattern: "GET /duties/{id}", Handle: s.uiDuty},
		{Pattern: "GET /calendar", Handle: s.uiCalendar},
		{Pattern: "POST /calendar", Handle: s.uiNewCalendarToken},
		{Pattern: "GET /calendar/{token}", Handle: s.calendarFeed},
		{Pattern: "POST /duties/{id}/close", Handle: s.uiCloseDuty},

		{Pattern: "GET /profile", Handle: s.uiProfile},
		{Pattern: "POST /profile", Handle: s.uiUpdateProfile},

		{Pattern: "GET /services", Handle: s.uiServices},
		{Pattern: "GET /services/new", Handle: s.uiNewService},
		{Pattern: "POST /services", Handle: s.uiCreateService},
		{Pattern: "GET /services/{id}", Handle: s.uiService},
		{Pattern: "POST /services/{id}", Handle: s.uiUpdateService},

		{Pattern: "GET /templates", Handle: s.uiTemplates},
		{Pattern: "POST /templates", Handle: s.uiCreateTemplate},
		{Pattern: "GET /templates/{key}", Handle: s.uiTemplate},
		{Pattern: "POST /templates/{key}/terms", Handle: s.uiImportTerms},
		{Pattern: "GET /terms-versions/{id}", Handle: s.uiTermsVersion},
		{Pattern: "GET /agreements/{id}/terms", Handle: s.uiAgreementTerms},
		{Pattern: "POST /agreements/{id}/terms", Handle: s.uiSetAgreementTerms},

		{Pattern: "GET /customers", Handle: s.uiCustomers},
		{Pattern: "GET /customers/new", Handle: s.uiNewCustomer},
		{Pattern: "POST /customers", Handle: s.uiCreateCustomer},
		{Pattern: "GET /customers/{id}", Handle: s.uiCustomer},
		{Pattern: "POST /customers/{id}", Handle: s.uiUpdateCustomer},
		{Pattern: "POST /customers/{id}/contacts", Handle: s.uiCreateContact},
		{Pattern: "POST /customers/{id}/contacts/{contact}/delete", Handle: s.uiDeleteContact},
		{Pattern: "POST /customers/{id}/agreements", Handle: s.uiCreateAgreement},
		{Pattern: "POST /customers/{id}/agreements/{agreement}/conclude", Handle: s.uiConcludeAgreement},
		{Pattern: "POST /customers/{id}/agreements/{agreement}/status", Handle: s.uiSetAgreementStatus},
		{Pattern: "POST /customers/{id}/users", Handle: s.uiCreateCustomerUser},

		{Pattern: "GET /users", Handle: s.uiUsers},
		{Pattern: "POST /users", Handle: s.uiCreateUser},
		{Pattern: "POST /users/{id}/disable", Handle: s.uiDisableUser},
		{Pattern: "POST /users/{id}/enable", Handle: s.uiEnableUser},

		{Pattern: "GET /api-keys", Handle: s.uiAPIKeys},
		{Pattern: "POST /api-keys", Handle: s.uiCreateAPIKey},
		{Pattern: "POST /api-keys/{id}/revoke", Handle: s.uiRevokeAPIKey},

		{Pattern: "GET /portal", Handle: s.uiPortal},
		{Pattern: "POST /portal/contacts", Handle: s.uiPortalCreateContact},
		{Pattern: "POST /portal/contacts/{contact}/delete", Handle: s.uiPortalDeleteContact},
		{Pattern: "GET /portal/users", Handle: s.uiPortalUsers},
		{Pattern: "POST /portal/users", Handle: s.uiPortalCreateUser},
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

// requireStaff returns EFORBIDDEN for customer staff: the processor's pages
// are not theirs, their own records are in the portal.
func requireStaff(r *http.Request) (art28.Actor, error) {
	a, err := requireSignedIn(r)
	if err != nil {
		return a, err
	}
	if a.IsCustomer() {
		return a, art28.Errorf(art28.EFORBIDDEN, "This page is for the processor's staff; your organisation's records are in the portal.")
	}
	return a, nil
}

// requireCustomer returns EFORBIDDEN for processor staff, who have no portal.
func requireCustomer(r *http.Request) (art28.Actor, error) {
	a, err := requireSignedIn(r)
	if err != nil {
		return a, err
	}
	if !a.IsCustomer() {
		return a, art28.Errorf(art28.EFORBIDDEN, "The portal is for customer staff; the processor's pages start at the dashboard.")
	}
	return a, nil
}

// permissions names the permissions for templates: {{if can .Actor "write"}}.
var permissions = map[string]art28.Permission{
	"read":         art28.PermRead,
	"write":        art28.PermWrite,
	"profile":      art28.PermManageProfile,
	"users":        art28.PermManageUsers,
	"keys":         art28.PermManageKeys,
	"own_customer": art28.PermManageOwnCustomer,
}

// can reports whether the actor's role grants the named permission. Pages
// use it only to hide forms that would be refused: the services check again.
func can(a art28.Actor, perm string) bool {
	p, ok := permissions[perm]
	if !ok {
		panic("template: unknown permission " + perm)
	}
	return a.Role.Can(p)
}

// contains reports whether the slice list holds an element that prints as v
// does; for checkboxes, whose values are text.
func contains(list any, v any) bool {
	l := reflect.ValueOf(list)
	if l.Kind() != reflect.Slice {
		return false
	}
	want := fmt.Sprint(v)
	for i := range l.Len() {
		if fmt.Sprint(l.Index(i).Interface()) == want {
			return true
		}
	}
	return false
}

// has reports whether list holds v.
func has[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// fieldErr renders the message of a form error next to its field, or nothing
// when the error is about another field.
func fieldErr(e *formError, field string) template.HTML {
	if e == nil || e.Field != field {
		return ""
	}
	return template.HTML(`<p class="field-error" id="err-` + template.HTMLEscapeString(field) + `">` +
		template.HTMLEscapeString(e.Message) + `</p>`)
}

// formErr renders the summary at the top of a form with an error: a pointer
// to the field when the form shows that field (fieldErr places the message
// there), else the message itself.
func formErr(e *formError, fields ...string) template.HTML {
	if e == nil {
		return ""
	}
	msg := e.Message
	if e.Field != "" && has(fields, e.Field) {
		msg = "Please correct the field marked below."
	} else if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return template.HTML(`<p class="error" role="alert">` + template.HTMLEscapeString(msg) + `</p>`)
}

// invalid marks an input whose value was refused, for assistive technology
// and the stylesheet.
func invalid(e *formError, field string) template.HTMLAttr {
	if e == nil || e.Field != field {
		return ""
	}
	return template.HTMLAttr(`aria-invalid="true" aria-describedby="err-` + template.HTMLEscapeString(field) + `"`)
}

// current marks the navigation link of the section the page belongs to.
func current(path, section string) template.HTMLAttr {
	if path == section || strings.HasPrefix(path, section+"/") {
		return `aria-current="page"`
	}
	return ""
}

// title turns an identifier such as "customer_admin" into "customer admin".
func title(s any) string {
	return strings.ReplaceAll(fmt.Sprint(s), "_", " ")
}

// dict builds the argument of a partial template from pairs of names and
// values: {{template "pager" dict "Pager" .Data.Pager "Label" "customers"}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// lines splits a textarea into its non-empty, trimmed lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// commaList splits "DE, FR NL" into its entries; commas or spaces separate.
func commaList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}

// formInt reads an optional positive integer form field; EINVALID naming the
// field when it is not one.
func formInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, art28.FieldError(name, "must be a positive whole number")
	}
	return n, nil
}

// formIDs reads a checkbox group of IDs.
func formIDs(r *http.Request, name string) ([]int64, error) {
	var out []int64
	for _, v := range r.PostForm[name] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, art28.FieldError(name, "has an invalid ID %q", v)
		}
		out = append(out, n)
	}
	return out, nil
}

// pager is the state of one paged list: which page, how many, and links to
// the neighbours that keep the other query parameters (search, filters).
type pager struct {
	Param string // the query parameter of the page number
	Page  int    // 1-based
	Limit int
	Total int
	Prev  string // URL of the previous page, "" on the first
	Next  string // URL of the next page, "" on the last
}

// pageParam reads a 1-based page number from the query; anything else is 1.
func pageParam(r *http.Request, param string, limit int) (int, art28.Page) {
	n, err := strconv.Atoi(r.URL.Query().Get(param))
	if err != nil || n < 1 {
		n = 1
	}
	return n, art28.Page{Offset: (n - 1) * limit, Limit: limit}
}

func newPager(r *http.Request, param string, page, limit, total int) pager {
	p := pager{Param: param, Page: page, Limit: limit, Total: total}
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("flash")
		if n == 1 {
			q.Del(param)
		} else {
			q.Set(param, strconv.Itoa(n))
		}
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(min(page-1, p.Pages()))
	}
	if page*limit < total {
		p.Next = link(page + 1)
	}
	return p
}

// From and To number the first and last item shown, 1-based.
func (p pager) From() int {
	if p.Total == 0 {
		return 0
	}
	return min((p.Page-1)*p.Limit+1, p.Total)
}

func (p pager) To() int { return min(p.Page*p.Limit, p.Total) }

// Pages is the number of pages, at least 1.
func (p pager) Pages() int { return max(1, (p.Total+p.Limit-1)/p.Limit) }
