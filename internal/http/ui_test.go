package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// uiEachDB runs fn on an App on SQLite and on one on PostgreSQL.
func uiEachDB(t *testing.T, fn func(t *testing.T, app *testrig.App)) {
	for _, d := range testrig.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, testrig.NewApp(t, d)) })
	}
}

// uiBrowser is a person at a browser without JavaScript: a cookie jar,
// forms posted as application/x-www-form-urlencoded, redirects followed.
// It remembers the CSRF field of the last page, as a form on it would
// carry it.
type uiBrowser struct {
	t    testing.TB
	base string
	c    *http.Client
	csrf string
}

// uiPage is a page as the browser ends up on it, after redirects.
type uiPage struct {
	Status int
	URL    *url.URL
	Header http.Header
	Doc    *goquery.Document
}

func newUIBrowser(t testing.TB, app *testrig.App) *uiBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &uiBrowser{t: t, base: app.HTTP.URL, c: &http.Client{Jar: jar}}
}

func (b *uiBrowser) do(req *http.Request) uiPage {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		b.t.Fatalf("%s %s: parse HTML: %v", req.Method, req.URL, err)
	}
	if v, ok := doc.Find(`input[name="csrf"]`).First().Attr("value"); ok {
		b.csrf = v
	}
	return uiPage{Status: resp.StatusCode, URL: resp.Request.URL, Header: resp.Header, Doc: doc}
}

// get opens a page.
func (b *uiBrowser) get(path string) uiPage {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// submit posts a form with the CSRF field of the last page.
func (b *uiBrowser) submit(path string, form url.Values) uiPage {
	b.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if f.Get("csrf") == "" {
		f.Set("csrf", b.csrf)
	}
	return b.postRaw(path, f)
}

// postRaw posts exactly the form given.
func (b *uiBrowser) postRaw(path string, form url.Values) uiPage {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs in through the form, as a person would.
func (b *uiBrowser) signIn(email, password string) uiPage {
	b.t.Helper()
	form := b.get("/signin")
	token, ok := form.Doc.Find(`form[action="/signin"] input[name="csrf"]`).Attr("value")
	if !ok || token == "" {
		b.t.Fatalf("sign-in form without a csrf field:\n%s", form.html())
	}
	p := b.postRaw("/signin", url.Values{"csrf": {token}, "email": {email}, "password": {password}, "next": {"/"}})
	if p.Status != http.StatusOK || p.URL.Path == "/signin" {
		b.t.Fatalf("sign in as %s: %d at %s: %s", email, p.Status, p.URL, p.text(".error"))
	}
	return p
}

func (p uiPage) html() string {
	h, _ := p.Doc.Html()
	return h
}

// text returns the trimmed text of the elements matching sel.
func (p uiPage) text(sel string) string { return strings.TrimSpace(p.Doc.Find(sel).Text()) }

// want fails unless the page has the status.
func (p uiPage) want(t testing.TB, status int) uiPage {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d; page says: %s %s", p.URL, p.Status, status,
			p.text(".error, .field-error"), p.text("main"))
	}
	return p
}

// idFrom reads the ID at the end of a URL path such as /customers/12.
func idFrom(t testing.TB, u *url.URL, prefix string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(strings.TrimPrefix(u.Path, prefix), "%d", &id); err != nil || id <= 0 {
		t.Fatalf("no ID in %s after %s", u.Path, prefix)
	}
	return id
}

func customerCount(t testing.TB, app *testrig.App) int {
	t.Helper()
	_, n, err := app.Store.Customers.Customers(testrig.As(testrig.Owner), art28.CustomerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// uiCreateCustomer creates a customer through the form and returns its ID.
func uiCreateCustomer(t testing.TB, b *uiBrowser, name, country string) int64 {
	t.Helper()
	b.get("/customers/new").want(t, http.StatusOK)
	p := b.submit("/customers", url.Values{"legal_name": {name}, "country": {country}, "eu_established": {"1"},
		"role": {"controller"}, "address": {"Hauptstraße 1\n10115 Berlin"}}).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), name) {
		t.Fatalf("no flash naming %q after create: %q", name, p.text(".flash"))
	}
	return idFrom(t, p.URL, "/customers/")
}

func TestUISignInCreateAndSearchCustomer(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		b := newUIBrowser(t, app)
		home := b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
		if home.URL.Path != "/dashboard" || home.text("h1") != "Dashboard" {
			t.Fatalf("after sign-in: %s, h1 %q", home.URL, home.text("h1"))
		}

		id := uiCreateCustomer(t, b, "Acme Analytics GmbH", "DE")
		uiCreateCustomer(t, b, "Zeta Logistics SARL", "FR")

		page := b.get(fmt.Sprintf("/customers/%d", id)).want(t, http.StatusOK)
		if got := page.text("h1"); got != "Acme Analytics GmbH" {
			t.Fatalf("customer page h1 %q", got)
		}
		if got := page.text("#details dl.props"); !strings.Contains(got, "Germany (DE)") {
			t.Fatalf("details do not name the country: %q", got)
		}
		if got := page.text("#activity table"); !strings.Contains(got, "customer.create") || !strings.Contains(got, testrig.OwnerEmail) {
			t.Fatalf("activity does not record the creation: %q", got)
		}

		list := b.get("/customers?q="+url.QueryEscape("acme analytics")).want(t, http.StatusOK)
		links := list.Doc.Find("table.customers tbody tr td:first-child a")
		if links.Length() != 1 || strings.TrimSpace(links.Text()) != "Acme Analytics GmbH" {
			t.Fatalf("search for acme: %d rows %q", links.Length(), links.Text())
		}
		if href, _ := links.Attr("href"); href != fmt.Sprintf("/customers/%d", id) {
			t.Fatalf("row links to %q", href)
		}
		if v, _ := list.Doc.Find(`input[name="q"]`).Attr("value"); v != "acme analytics" {
			t.Fatalf("search box lost the query: %q", v)
		}
		if got := list.text(".pager .count"); got != "1–1 of 1" {
			t.Fatalf("pager says %q", got)
		}

		byCountry := b.get("/customers?country=FR").want(t, http.StatusOK)
		if got := byCountry.text("table.customers tbody"); !strings.Contains(got, "Zeta Logistics") || strings.Contains(got, "Acme") {
			t.Fatalf("country filter: %q", got)
		}
		if v, _ := byCountry.Doc.Find(`select[name="country"] option[selected]`).Attr("value"); v != "FR" {
			t.Fatalf("country filter not kept in the select: %q", v)
		}

		none := b.get("/customers?q=nobody").want(t, http.StatusOK)
		if none.Doc.Find("table.customers").Length() != 0 || !strings.Contains(none.text(".empty"), "No customer matches") {
			t.Fatalf("empty search: %q", none.text("main"))
		}
	})
}

func TestUICustomerPaging(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	ctx := testrig.As(testrig.Owner)
	for i := range 120 {
		if err := app.Store.Customers.CreateCustomer(ctx, &art28.Customer{LegalName: fmt.Sprintf("Customer %03d", i), Country: "DE"}); err != nil {
			t.Fatal(err)
		}
	}
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	first := b.get("/customers").want(t, http.StatusOK)
	if n := first.Doc.Find("table.customers tbody tr").Length(); n != 50 {
		t.Fatalf("first page has %d rows, want 50", n)
	}
	if got := first.text(".pager .count"); got != "1–50 of 120" {
		t.Fatalf("pager says %q", got)
	}
	if first.Doc.Find(`.pager a[rel="prev"]`).Length() != 0 {
		t.Fatal("first page links to a previous page")
	}
	next, _ := first.Doc.Find(`.pager a[rel="next"]`).Attr("href")
	if next != "/customers?page=2" {
		t.Fatalf("next link %q", next)
	}
	last := b.get("/customers?page=3").want(t, http.StatusOK)
	if n := last.Doc.Find("table.customers tbody tr").Length(); n != 20 {
		t.Fatalf("last page has %d rows, want 20", n)
	}
	if got := last.text(".pager .count"); got != "101–120 of 120" {
		t.Fatalf("pager says %q", got)
	}
	if last.Doc.Find(`.pager a[rel="next"]`).Length() != 0 {
		t.Fatal("last page links to a next page")
	}
	// Paging keeps the search.
	q := b.get("/customers?q=customer+0&page=2").want(t, http.StatusOK)
	prev, _ := q.Doc.Find(`.pager a[rel="prev"]`).Attr("href")
	if prev != "/customers?q=customer+0" {
		t.Fatalf("prev link %q", prev)
	}
}

func TestUIFormErrorKeepsValuesAndSavesNothing(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		b := newUIBrowser(t, app)
		b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
		b.get("/customers/new")
		before := customerCount(t, app)

		p := b.submit("/customers", url.Values{"legal_name": {"  "}, "country": {"DE"}, "address": {"Kept Street 5"},
			"role": {"controller"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-legal_name.field-error"); got != "is required" {
			t.Fatalf("legal_name error %q; page: %s", got, p.text("main"))
		}
		// The message sits in the label of the offending field.
		if p.Doc.Find(`label:has(input[name="legal_name"]) .field-error`).Length() != 1 {
			t.Fatal("the error is not next to the legal name field")
		}
		if v, _ := p.Doc.Find(`input[name="legal_name"]`).Attr("aria-invalid"); v != "true" {
			t.Fatal("the legal name field is not marked invalid")
		}
		if got := p.Doc.Find(`textarea[name="address"]`).Text(); got != "Kept Street 5" {
			t.Fatalf("address not kept: %q", got)
		}
		if v, _ := p.Doc.Find(`select[name="country"] option[selected]`).Attr("value"); v != "DE" {
			t.Fatalf("country not kept: %q", v)
		}
		if p.Doc.Find(".field-error").Length() != 1 {
			t.Fatalf("%d field errors, want 1", p.Doc.Find(".field-error").Length())
		}

		// A processor customer without its upstream controller.
		p = b.submit("/customers", url.Values{"legal_name": {"Upstream Ltd"}, "country": {"IE"}, "role": {"processor"}}).
			want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-upstream_controller"); got != "is required" {
			t.Fatalf("upstream_controller error %q", got)
		}
		if v, _ := p.Doc.Find(`input[name="role"][checked]`).Attr("value"); v != "processor" {
			t.Fatalf("role not kept: %q", v)
		}

		// A country the select does not offer, as a crafted request would send.
		p = b.submit("/customers", url.Values{"legal_name": {"Nowhere Inc"}, "country": {"XX"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-country"); !strings.Contains(got, "ISO 3166-1") {
			t.Fatalf("country error %q", got)
		}

		if after := customerCount(t, app); after != before {
			t.Fatalf("refused forms created customers: %d -> %d", before, after)
		}

		// A duplicate legal name is a conflict on the field, shown the same way.
		uiCreateCustomer(t, b, "Acme Analytics GmbH", "DE")
		b.get("/customers/new")
		p = b.submit("/customers", url.Values{"legal_name": {"ACME ANALYTICS GMBH"}, "country": {"DE"}}).want(t, http.StatusConflict)
		if got := p.text("#err-legal_name"); !strings.Contains(got, "exists") {
			t.Fatalf("duplicate error %q", got)
		}
		if v, _ := p.Doc.Find(`input[name="legal_name"]`).Attr("value"); v != "ACME ANALYTICS GMBH" {
			t.Fatalf("duplicate name not kept: %q", v)
		}
	})
}

func TestUIMissingCSRFIsRefused(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		b := newUIBrowser(t, app)
		b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
		before := customerCount(t, app)
		form := url.Values{"legal_name": {"Forged Corp"}, "country": {"DE"}}
		if p := b.postRaw("/customers", form); p.Status != http.StatusForbidden {
			t.Fatalf("no csrf: status %d", p.Status)
		}
		form.Set("csrf", "not-the-token")
		if p := b.postRaw("/customers", form); p.Status != http.StatusForbidden {
			t.Fatalf("wrong csrf: status %d", p.Status)
		}
		if after := customerCount(t, app); after != before {
			t.Fatalf("a form without its CSRF token created a customer")
		}
		// The sign-in form has its own, pre-session token.
		anon := newUIBrowser(t, app)
		p := anon.postRaw("/signin", url.Values{"email": {testrig.OwnerEmail}, "password": {testrig.OwnerPassword}})
		if p.Status != http.StatusForbidden {
			t.Fatalf("sign-in without csrf: status %d", p.Status)
		}
	})
}

func TestUIAnonymousIsSentToSignIn(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	b := newUIBrowser(t, app)
	for _, path := range []string{"/dashboard", "/customers", "/customers/1", "/services", "/users", "/api-keys", "/profile", "/portal"} {
		p := b.get(path).want(t, http.StatusOK)
		if p.URL.Path != "/signin" || p.URL.Query().Get("next") != path {
			t.Errorf("%s: ended at %s", path, p.URL)
		}
	}
}

// TestUICustomerStaffSeeOnlyTheirOwn: a customer member cannot reach the
// processor's pages, and the portal shows its own customer only.
func TestUICustomerStaffSeeOnlyTheirOwn(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		ctx := testrig.As(testrig.Owner)
		owner := newUIBrowser(t, app)
		owner.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
		acme := uiCreateCustomer(t, owner, "Acme Analytics GmbH", "DE")
		other := uiCreateCustomer(t, owner, "Other Corp SA", "BE")
		if err := app.Store.Customers.CreateContact(ctx, &art28.Contact{CustomerID: other, Name: "Olga Other",
			Email: "olga@other.example", Roles: []art28.ContactRole{art28.ContactDPO}}); err != nil {
			t.Fatal(err)
		}

		// The owner gives Acme's staff a sign-in, on Acme's page.
		owner.get(fmt.Sprintf("/customers/%d", acme))
		p := owner.submit(fmt.Sprintf("/customers/%d/users", acme), url.Values{"name": {"Mia Member"},
			"email": {"mia@acme.example"}, "role": {"customer_member"}, "password": {"a long member password"}}).want(t, http.StatusOK)
		if got := p.text("#users table"); !strings.Contains(got, "mia@acme.example") || !strings.Contains(got, "customer member") {
			t.Fatalf("customer users: %q", got)
		}
		// And an admin, through the same form, with a refused password first.
		p = owner.submit(fmt.Sprintf("/customers/%d/users", acme), url.Values{"name": {"Adam Admin"},
			"email": {"adam@acme.example"}, "role": {"customer_admin"}, "password": {"short"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-password"); !strings.Contains(got, "12") {
			t.Fatalf("password error %q", got)
		}
		if v, _ := p.Doc.Find(`#users input[name="email"]`).Attr("value"); v != "adam@acme.example" {
			t.Fatalf("e-mail not kept: %q", v)
		}
		if v, _ := p.Doc.Find(`#users input[name="password"]`).Attr("value"); v != "" {
			t.Fatal("the password was sent back to the browser")
		}
		owner.submit(fmt.Sprintf("/customers/%d/users", acme), url.Values{"name": {"Adam Admin"},
			"email": {"adam@acme.example"}, "role": {"customer_admin"}, "password": {"a long admin password"}}).want(t, http.StatusOK)

		member := newUIBrowser(t, app)
		home := member.signIn("mia@acme.example", "a long member password")
		if home.URL.Path != "/portal" {
			t.Fatalf("a customer member lands on %s", home.URL)
		}
		for _, path := range []string{"/customers", fmt.Sprintf("/customers/%d", other), fmt.Sprintf("/customers/%d", acme),
			"/services", "/users", "/api-keys", "/profile"} {
			member.get(path).want(t, http.StatusForbidden)
		}
		if p := member.get("/dashboard"); p.URL.Path != "/portal" {
			t.Fatalf("dashboard sends a member to %s", p.URL)
		}
		// Posting to the processor's forms is refused too, and saves nothing.
		before := customerCount(t, app)
		member.get("/portal")
		member.submit("/customers", url.Values{"legal_name": {"Sneaky Ltd"}, "country": {"DE"}}).want(t, http.StatusForbidden)
		member.submit(fmt.Sprintf("/customers/%d/contacts", other), url.Values{"name": {"X"}, "email": {"x@x.example"},
			"roles": {"dpo"}}).want(t, http.StatusForbidden)
		if customerCount(t, app) != before {
			t.Fatal("a customer member created a customer")
		}

		portal := member.get("/portal").want(t, http.StatusOK)
		if got := portal.text("h1"); got != "Acme Analytics GmbH" {
			t.Fatalf("portal h1 %q", got)
		}
		if strings.Contains(portal.html(), "Other Corp") || strings.Contains(portal.html(), "olga@other.example") {
			t.Fatal("the portal shows another customer's records")
		}
		// A member reads the contacts but has no form to change them.
		if portal.Doc.Find(`form[action="/portal/contacts"]`).Length() != 0 {
			t.Fatal("a customer member sees the add-contact form")
		}
		member.submit("/portal/contacts", url.Values{"name": {"X"}, "email": {"x@acme.example"}, "roles": {"dpo"}}).
			want(t, http.StatusForbidden)

		users := member.get("/portal/users").want(t, http.StatusOK)
		if got := users.text("table.users"); !strings.Contains(got, "mia@acme.example") || !strings.Contains(got, "adam@acme.example") {
			t.Fatalf("portal users: %q", got)
		}
		if users.Doc.Find(`form[action="/portal/users"]`).Length() != 0 {
			t.Fatal("a customer member sees the add-user form")
		}

		// The admin manages Acme's contacts and users, and only Acme's.
		admin := newUIBrowser(t, app)
		admin.signIn("adam@acme.example", "a long admin password")
		admin.get("/portal")
		p = admin.submit("/portal/contacts", url.Values{"name": {"Dora DPO"}, "email": {"dora@acme.example"},
			"roles": {"dpo", "security"}}).want(t, http.StatusOK)
		if got := p.text("#contacts table"); !strings.Contains(got, "dora@acme.example") || !strings.Contains(got, "dpo") {
			t.Fatalf("portal contacts after add: %q", got)
		}
		p = admin.submit("/portal/contacts", url.Values{"name": {"No Role"}, "email": {"norole@acme.example"}}).
			want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-roles"); got != "needs at least one role" {
			t.Fatalf("roles error %q", got)
		}
		contacts, err := app.Store.Customers.Contacts(ctx, acme)
		if err != nil || len(contacts) != 1 {
			t.Fatalf("Acme's contacts: %v, %v", contacts, err)
		}
		// Another customer's contact ID in the URL finds nothing: the portal
		// works on the actor's customer only.
		otherContacts, err := app.Store.Customers.Contacts(ctx, other)
		if err != nil || len(otherContacts) != 1 {
			t.Fatal(otherContacts, err)
		}
		admin.submit(fmt.Sprintf("/portal/contacts/%d/delete", otherContacts[0].ID), nil).want(t, http.StatusNotFound)
		admin.submit(fmt.Sprintf("/portal/contacts/%d/delete", contacts[0].ID), nil).want(t, http.StatusOK)
		if c, _ := app.Store.Customers.Contacts(ctx, acme); len(c) != 0 {
			t.Fatal("the admin's removal did not remove the contact")
		}

		admin.get("/portal/users")
		admin.submit("/portal/users", url.Values{"name": {"Nina New"}, "email": {"nina@acme.example"},
			"role": {"customer_member"}, "password": {"another long password"}, "customer_id": {fmt.Sprint(other)}}).want(t, http.StatusOK)
		u, _, err := app.Store.Users.Users(ctx, art28.UserFilter{CustomerID: &acme})
		if err != nil || len(u) != 3 {
			t.Fatalf("Acme's users: %d, %v", len(u), err)
		}
		if o, _, _ := app.Store.Users.Users(ctx, art28.UserFilter{CustomerID: &other}); len(o) != 0 {
			t.Fatal("a customer admin created a user at another customer")
		}
	})
}

// TestUIServicesAgreementsAndPortal walks an agreement's life through the
// forms: a service, a draft, a refused conclusion, the conclusion, a status
// change; then the customer sees it in the portal.
func TestUIServicesAgreementsAndPortal(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		ctx := testrig.As(testrig.Owner)
		if err := app.Store.Agreements.CreateTemplate(ctx, &art28.AgreementTemplate{Key: "genz", Title: "Genz DPA"}); err != nil {
			t.Fatal(err)
		}
		b := newUIBrowser(t, app)
		b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)

		// A service, with a refused location first.
		b.get("/services/new").want(t, http.StatusOK)
		svc := url.Values{"name": {"Backup"}, "nature": {"Storage of encrypted backups"},
			"purposes": {"Backup\r\nRestore on request\r\n"}, "data_categories": {"Any data in the backups"},
			"subject_categories": {"Customers' end users\nCustomers' staff"}, "special_categories": {"Health data"},
			"client_side_encryption": {"1"}, "locations": {"de, XX"}}
		p := b.submit("/services", svc).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-locations"); !strings.Contains(got, `"XX"`) {
			t.Fatalf("locations error %q", got)
		}
		if v, _ := p.Doc.Find(`input[name="locations"]`).Attr("value"); v != "de, XX" {
			t.Fatalf("locations not kept: %q", v)
		}
		if got := p.Doc.Find(`textarea[name="purposes"]`).Text(); !strings.Contains(got, "Restore on request") {
			t.Fatalf("purposes not kept: %q", got)
		}
		svc.Set("locations", "de, fr")
		p = b.submit("/services", svc).want(t, http.StatusOK)
		serviceID := idFrom(t, p.URL, "/services/")
		if got := p.text("dl.props"); !strings.Contains(got, "Germany (DE), France (FR)") || !strings.Contains(got, "Restore on request") {
			t.Fatalf("service page: %q", got)
		}
		if got := p.Doc.Find(`textarea[name="subject_categories"]`).Text(); got != "Customers' end users\nCustomers' staff" {
			t.Fatalf("edit form lists %q", got)
		}
		// Edit: one purpose fewer, no encryption.
		svc.Set("purposes", "Backup")
		svc.Del("client_side_encryption")
		b.submit(fmt.Sprintf("/services/%d", serviceID), svc).want(t, http.StatusOK)
		got, err := app.Store.Services.Service(ctx, serviceID)
		if err != nil || len(got.Purposes) != 1 || got.ClientSideEncryption || strings.Join(got.Locations, ",") != "DE,FR" {
			t.Fatalf("service after edit: %+v, %v", got, err)
		}
		if list := b.get("/services").want(t, http.StatusOK); !strings.Contains(list.text("table.services"), "Backup") {
			t.Fatalf("services list: %q", list.text("main"))
		}

		acme := uiCreateCustomer(t, b, "Acme Analytics GmbH", "DE")
		cpath := fmt.Sprintf("/customers/%d", acme)
		b.get(cpath)

		// An agreement without a service is refused, next to the checkboxes.
		p = b.submit(cpath+"/agreements", url.Values{"template_key": {"genz"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#agreements #err-service_ids"); got != "needs at least one service" {
			t.Fatalf("service_ids error %q", got)
		}
		if _, ok := p.Doc.Find(`#agreements details.panel`).Last().Attr("open"); !ok {
			t.Fatal("the refused agreement form is folded away")
		}
		p = b.submit(cpath+"/agreements", url.Values{"template_key": {"genz"}, "service_ids": {fmt.Sprint(serviceID)}}).want(t, http.StatusOK)
		art := p.Doc.Find("article.agreement")
		if art.Length() != 1 || !strings.Contains(art.Find("h3").Text(), "Genz DPA") || strings.TrimSpace(art.Find(".badge").Text()) != "draft" {
			t.Fatalf("agreements: %q", art.Text())
		}
		agID := strings.TrimPrefix(art.AttrOr("id", ""), "agreement-")
		// A draft cannot be made active by a button: only by its conclusion.
		if art.Find(`button[name="status"][value="active"]`).Length() != 0 {
			t.Fatal("a draft offers to become active without a conclusion")
		}
		if art.Find(`button[name="status"][value="ended"]`).Length() != 1 {
			t.Fatal("a draft does not offer to end")
		}
		if v, _ := art.Find(`input[name="accepted_at"]`).Attr("value"); v != "2027-03-01T09:00" {
			t.Fatalf("accepted_at defaults to %q", v)
		}

		conclude := url.Values{"method": {"electronic"}, "accepted_by": {"jane@acme.example"},
			"accepted_at": {"2027-02-28T14:30"}, "accepted_from": {"203.0.113.7"}, "document_hash": {"abc"}}
		p = b.submit(cpath+"/agreements/"+agID+"/conclude", conclude).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-document_hash"); !strings.Contains(got, "SHA-256") {
			t.Fatalf("document_hash error %q", got)
		}
		if v, _ := p.Doc.Find(`input[name="accepted_by"]`).Attr("value"); v != "jane@acme.example" {
			t.Fatalf("accepted_by not kept: %q", v)
		}
		if v, _ := p.Doc.Find(`input[name="accepted_at"]`).Attr("value"); v != "2027-02-28T14:30" {
			t.Fatalf("accepted_at not kept: %q", v)
		}
		p = b.submit(cpath+"/agreements/"+agID+"/conclude", url.Values{"method": {"signature"}, "accepted_by": {"Jane Doe"},
			"accepted_at": {"2027-03-02T10:00"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-accepted_at"); got != "is in the future" {
			t.Fatalf("a conclusion in the future: accepted_at error %q", got)
		}
		p = b.submit(cpath+"/agreements/"+agID+"/conclude", url.Values{"method": {"signature"}, "accepted_by": {"Jane Doe"},
			"accepted_at": {"yesterday"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-accepted_at"); !strings.Contains(got, "UTC") {
			t.Fatalf("an unreadable time: accepted_at error %q", got)
		}
		hash := strings.Repeat("ab", 32)
		conclude.Set("document_hash", hash)
		p = b.submit(cpath+"/agreements/"+agID+"/conclude", conclude).want(t, http.StatusOK)
		art = p.Doc.Find("article.agreement")
		if strings.TrimSpace(art.Find("h3 .badge").Text()) != "active" {
			t.Fatalf("after conclusion: %q", art.Text())
		}
		if got := art.Find("dl.props").Text(); !strings.Contains(got, "2027-02-28 14:30 UTC") || !strings.Contains(got, hash) {
			t.Fatalf("conclusion record: %q", got)
		}
		ag, err := app.Store.Agreements.Agreement(ctx, mustInt(t, agID))
		if err != nil || ag.Conclusion == nil || ag.Conclusion.AcceptedAt.UTC().Format("2006-01-02T15:04") != "2027-02-28T14:30" {
			t.Fatalf("stored conclusion: %+v, %v", ag, err)
		}
		// The status buttons follow CanMoveTo.
		if art.Find(`button[name="status"][value="terminating"]`).Length() != 1 || art.Find(`button[name="status"][value="active"]`).Length() != 0 {
			t.Fatalf("buttons of an active agreement: %q", art.Find("form.buttons").Text())
		}
		p = b.submit(cpath+"/agreements/"+agID+"/status", url.Values{"status": {"terminating"}}).want(t, http.StatusOK)
		art = p.Doc.Find("article.agreement")
		if strings.TrimSpace(art.Find("h3 .badge").Text()) != "terminating" || art.Find(`button[name="status"][value="active"]`).Length() != 1 {
			t.Fatalf("after termination started: %q", art.Text())
		}
		// A move CanMoveTo refuses is a conflict.
		b.submit(cpath+"/agreements/"+agID+"/status", url.Values{"status": {"draft"}}).want(t, http.StatusConflict)
		// An agreement is acted on only under its own customer's URL.
		other := uiCreateCustomer(t, b, "Other Corp SA", "BE")
		b.submit(fmt.Sprintf("/customers/%d/agreements/%s/status", other, agID), url.Values{"status": {"ended"}}).want(t, http.StatusNotFound)

		// Contacts on the customer page: roles as checkboxes.
		b.get(cpath)
		p = b.submit(cpath+"/contacts", url.Values{"name": {"Olaf Owner"}, "email": {"not-an-email"}, "roles": {"account_owner", "legal"}}).
			want(t, http.StatusUnprocessableEntity)
		if got := p.text("#contacts #err-email"); got != "is not a valid e-mail address" {
			t.Fatalf("email error %q", got)
		}
		if p.Doc.Find(`#contacts input[name="roles"][value="legal"][checked]`).Length() != 1 ||
			p.Doc.Find(`#contacts input[name="roles"][value="dpo"][checked]`).Length() != 0 {
			t.Fatal("role checkboxes not kept")
		}
		p = b.submit(cpath+"/contacts", url.Values{"name": {"Olaf Owner"}, "email": {"olaf@acme.example"}, "roles": {"account_owner", "legal"}}).
			want(t, http.StatusOK)
		if got := p.text("#contacts table"); !strings.Contains(got, "olaf@acme.example") || !strings.Contains(got, "account owner") {
			t.Fatalf("contacts: %q", got)
		}

		// Acme's member sees the agreement, its service and its conclusion.
		if err := app.Store.Users.CreateUser(ctx, &art28.User{Email: "mia@acme.example", Name: "Mia", Role: art28.RoleCustomerMember,
			CustomerID: acme}, "a long member password"); err != nil {
			t.Fatal(err)
		}
		m := newUIBrowser(t, app)
		m.signIn("mia@acme.example", "a long member password")
		portal := m.get("/portal").want(t, http.StatusOK)
		pa := portal.Doc.Find("#agreements article.agreement")
		if pa.Length() != 1 || !strings.Contains(pa.Find("h3").Text(), "Genz DPA") || !strings.Contains(pa.Find("details.service summary").Text(), "Backup") {
			t.Fatalf("portal agreement: %q", pa.Text())
		}
		if got := pa.Find("dl.props").First().Text(); !strings.Contains(got, "jane@acme.example") || !strings.Contains(got, hash) {
			t.Fatalf("portal conclusion: %q", got)
		}
		if got := portal.text("#contacts table"); !strings.Contains(got, "olaf@acme.example") {
			t.Fatalf("portal contacts: %q", got)
		}
		// The customer page's activity records it all, paged.
		act := b.get(cpath).Doc.Find("#activity table tbody tr")
		if act.Length() < 5 {
			t.Fatalf("activity has %d rows", act.Length())
		}
	})
}

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

func TestUIProfile(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		b := newUIBrowser(t, app)
		b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
		p := b.get("/profile").want(t, http.StatusOK)
		if p.Doc.Find(`form[action="/profile"]`).Length() != 1 {
			t.Fatal("the owner has no profile form")
		}
		form := url.Values{"legal_name": {"Backup Co GmbH"}, "country": {"DE"}, "dpo_name": {"Dana DPO"}, "dpo_email": {"dpo@"}}
		p = b.submit("/profile", form).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-dpo_email"); got != "is not a valid e-mail address" {
			t.Fatalf("dpo_email error %q", got)
		}
		if v, _ := p.Doc.Find(`input[name="dpo_name"]`).Attr("value"); v != "Dana DPO" {
			t.Fatalf("dpo_name not kept: %q", v)
		}
		if prof, _ := app.Store.Processor.Profile(testrig.As(testrig.Owner)); prof.LegalName != "" {
			t.Fatal("a refused profile was saved")
		}
		form.Set("dpo_email", "DPO@backup.example")
		p = b.submit("/profile", form).want(t, http.StatusOK)
		if got := p.text("dl.props"); !strings.Contains(got, "dpo@backup.example") || !strings.Contains(got, "Backup Co GmbH") {
			t.Fatalf("profile: %q", got)
		}
		if p.text(".flash") == "" {
			t.Fatal("no flash after saving")
		}

		// A read-only user sees the profile without the form.
		if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), &art28.User{Email: "ro@backup.example", Name: "Rita",
			Role: art28.RoleReadOnly}, "a long read-only password"); err != nil {
			t.Fatal(err)
		}
		ro := newUIBrowser(t, app)
		ro.signIn("ro@backup.example", "a long read-only password")
		p = ro.get("/profile").want(t, http.StatusOK)
		if p.Doc.Find(`form[action="/profile"]`).Length() != 0 || !strings.Contains(p.text("dl.props"), "Backup Co GmbH") {
			t.Fatalf("read-only profile page: form %d", p.Doc.Find(`form[action="/profile"]`).Length())
		}
		ro.submit("/profile", form).want(t, http.StatusForbidden)
		// Nor do the other pages offer forms it could not use.
		for path, sel := range map[string]string{
			"/customers": `a[href="/customers/new"]`, "/services": `a[href="/services/new"]`,
			"/users": `form[action="/users"]`,
		} {
			if p := ro.get(path).want(t, http.StatusOK); p.Doc.Find(sel).Length() != 0 {
				t.Errorf("%s shows %s to a read-only user", path, sel)
			}
		}
	})
}

func TestUIUsers(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		b := newUIBrowser(t, app)
		b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
		p := b.get("/users").want(t, http.StatusOK)
		if got := p.text("table.users"); !strings.Contains(got, testrig.OwnerEmail) {
			t.Fatalf("users: %q", got)
		}
		// The owner cannot disable themself from the list.
		if p.Doc.Find(`form[action="/users/1/disable"]`).Length() != 0 {
			t.Fatal("the list offers to disable the signed-in user")
		}
		p = b.submit("/users", url.Values{"name": {"Otto Operator"}, "email": {"otto@backup.example"}, "role": {"operator"},
			"password": {"short"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-password"); !strings.Contains(got, "at least 12") {
			t.Fatalf("password error %q", got)
		}
		if v, _ := p.Doc.Find(`select[name="role"] option[selected]`).Attr("value"); v != "operator" {
			t.Fatalf("role not kept: %q", v)
		}
		p = b.submit("/users", url.Values{"name": {"Otto Operator"}, "email": {"otto@backup.example"}, "role": {"operator"},
			"password": {"an operator's long password"}}).want(t, http.StatusOK)
		row := p.Doc.Find("table.users tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "otto@backup.example")
		})
		action, _ := row.Find("form").Attr("action")
		if !strings.HasSuffix(action, "/disable") {
			t.Fatalf("otto's row has no disable form: %q", row.Text())
		}

		otto := newUIBrowser(t, app)
		otto.signIn("otto@backup.example", "an operator's long password")
		p = b.submit(action, nil).want(t, http.StatusOK)
		if !strings.Contains(p.text(".flash"), "disabled") {
			t.Fatalf("flash %q", p.text(".flash"))
		}
		// Disabling ends otto's session.
		if p := otto.get("/customers"); p.URL.Path != "/signin" {
			t.Fatalf("a disabled user still reaches %s", p.URL)
		}
		row = p.Doc.Find("table.users tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "otto@backup.example")
		})
		if !strings.Contains(row.Find(".badge").Text(), "disabled") {
			t.Fatalf("otto's row: %q", row.Text())
		}
		enable, _ := row.Find("form").Attr("action")
		b.submit(enable, nil).want(t, http.StatusOK)
		otto.signIn("otto@backup.example", "an operator's long password")
	})
}

func TestUIAPIKeySecretShownOnce(t *testing.T) {
	uiEachDB(t, func(t *testing.T, app *testrig.App) {
		acme := &art28.Customer{LegalName: "Acme Analytics GmbH", Country: "DE"}
		if err := app.Store.Customers.CreateCustomer(testrig.As(testrig.Owner), acme); err != nil {
			t.Fatal(err)
		}
		b := newUIBrowser(t, app)
		b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
		p := b.get("/api-keys").want(t, http.StatusOK)
		if p.Doc.Find(`select[name="customer_id"] option[value="`+fmt.Sprint(acme.ID)+`"]`).Length() != 1 {
			t.Fatal("the customer select does not offer Acme")
		}
		p = b.submit("/api-keys", url.Values{"name": {"Acme sync"}, "role": {"customer_admin"}}).want(t, http.StatusUnprocessableEntity)
		if got := p.text("#err-customer_id"); got == "" {
			t.Fatalf("no customer_id error: %q", p.text(".error"))
		}
		p = b.submit("/api-keys", url.Values{"name": {"Acme sync"}, "role": {"customer_admin"}, "customer_id": {fmt.Sprint(acme.ID)}}).
			want(t, http.StatusOK)
		secret := p.text(".secret")
		if !strings.HasPrefix(secret, "art28_") || p.text(".warning") == "" {
			t.Fatalf("created page: secret %q, warning %q", secret, p.text(".warning"))
		}
		// The secret works, and the list never shows it again.
		k, err := app.Store.APIKeys.AuthenticateAPIKey(context.Background(), secret)
		if err != nil || k.CustomerID != acme.ID || k.Role != art28.RoleCustomerAdmin {
			t.Fatalf("the shown secret: %+v, %v", k, err)
		}
		list := b.get("/api-keys").want(t, http.StatusOK)
		if strings.Contains(list.html(), secret) {
			t.Fatal("the key list shows the secret")
		}
		row := list.Doc.Find("table.keys tbody tr")
		if row.Length() != 1 || !strings.Contains(row.Text(), k.Prefix) || !strings.Contains(row.Text(), "Acme Analytics GmbH") {
			t.Fatalf("key row: %q", row.Text())
		}
		revoke, _ := row.Find("form").Attr("action")
		p = b.submit(revoke, nil).want(t, http.StatusOK)
		if !strings.Contains(p.text("table.keys .badge"), "revoked") || p.Doc.Find("table.keys form").Length() != 0 {
			t.Fatalf("after revoking: %q", p.text("table.keys"))
		}
		if _, err := app.Store.APIKeys.AuthenticateAPIKey(context.Background(), secret); art28.ErrorCode(err) != art28.EUNAUTHORIZED {
			t.Fatalf("a revoked key authenticates: %v", err)
		}
	})
}

// TestUIPagesRender opens every page of the UI with data on it, as the
// owner, so that a template error anywhere fails here.
func TestUIPagesRender(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	ctx := testrig.As(testrig.Owner)
	c := &art28.Customer{LegalName: "Acme Analytics GmbH", Country: "DE", Role: art28.CustomerProcessor, UpstreamController: "Big Retail AG"}
	svc := &art28.Service{Name: "Hosting", Nature: "Hosting", Purposes: []string{"Hosting"}, DataCategories: []string{"Any"},
		SubjectCategories: []string{"Users"}, Locations: []string{"DE"}}
	if err := app.Store.Customers.CreateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.Services.CreateService(ctx, svc); err != nil {
		t.Fatal(err)
	}
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	for path, h1 := range map[string]string{
		"/dashboard": "Dashboard", "/profile": "Processor profile", "/services": "Services", "/services/new": "New service",
		fmt.Sprintf("/services/%d", svc.ID): "Hosting", "/customers": "Customers", "/customers/new": "New customer",
		fmt.Sprintf("/customers/%d", c.ID): "Acme Analytics GmbH", "/users": "Users", "/api-keys": "API keys",
		"/templates": "Agreement templates",
	} {
		p := b.get(path).want(t, http.StatusOK)
		if got := p.text("main h1"); got != h1 {
			t.Errorf("%s: h1 %q, want %q", path, got, h1)
		}
		if cur, _ := p.Doc.Find(`header nav a[aria-current]`).Attr("href"); path != "/dashboard" && !strings.HasPrefix(path, cur) {
			t.Errorf("%s: navigation marks %q", path, cur)
		}
		if p.Doc.Find(`form[method="post"]`).FilterFunction(func(_ int, f *goquery.Selection) bool {
			return f.Find(`input[name="csrf"]`).Length() == 0
		}).Length() != 0 {
			t.Errorf("%s: a form without its csrf field", path)
		}
	}
	dash := b.get("/dashboard")
	if got := dash.text(`.cards a.card[href="/customers"] .n`); got != "1" {
		t.Errorf("dashboard counts %q customers", got)
	}
	if got := dash.text("table.activity"); !strings.Contains(got, "service.create") {
		t.Errorf("dashboard activity: %q", got)
	}
	b.get("/customers/999999").want(t, http.StatusNotFound)
	b.get("/services/abc").want(t, http.StatusUnprocessableEntity)
}

func TestUITemplates(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := b.submit("/templates", url.Values{"key": {"Bad Key"}, "title": {"Standard DPA"}}).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-key") == "" || p.Doc.Find(`input[name="title"]`).AttrOr("value", "") != "Standard DPA" {
		t.Errorf("bad key: no message by the field or the title was lost:\n%s", p.html())
	}
	if list, _ := app.Store.Agreements.Templates(testrig.As(testrig.Owner)); len(list) != 0 {
		t.Fatalf("a template was stored from bad input: %+v", list)
	}
	p = b.submit("/templates", url.Values{"key": {"standard-v1"}, "title": {"Standard DPA"}, "description": {"Our own"}}).want(t, http.StatusOK)
	if got := p.text("table.templates code"); got != "standard-v1" {
		t.Errorf("templates list shows %q", got)
	}
	b.submit("/templates", url.Values{"key": {"standard-v1"}, "title": {"Again"}}).want(t, http.StatusConflict)
}
