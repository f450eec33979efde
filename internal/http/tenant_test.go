package http_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	web "github.com/art28/art28/internal/http"
	"github.com/art28/art28/internal/testrig"
)

// tenant is one customer with a record of each kind the API addresses by
// ID, an admin who signs in and an API key bound to it.
type tenant struct {
	name                           string
	customer, contact, agreement   int64
	duty, notice, webhook          int64
	incident, breachNotice         int64
	bulletin                       int64
	user, key                      int64
	adminEmail, adminPass, keyText string
}

const tenantPassword = "tenant password long enough"

func newTenant(t *testing.T, app *testrig.App, name string, service int64) tenant {
	t.Helper()
	ctx := testrig.As(testrig.Owner)
	s := app.Store
	tn := tenant{name: name, adminEmail: "admin@" + strings.ToLower(name) + ".example", adminPass: tenantPassword}
	c := &art28.Customer{LegalName: name + " GmbH", Country: "DE"}
	if err := s.Customers.CreateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	tn.customer = c.ID
	ct := &art28.Contact{CustomerID: c.ID, Name: "Dora", Email: "dpo@" + strings.ToLower(name) + ".example", Roles: []art28.ContactRole{art28.ContactDPO}}
	if err := s.Customers.CreateContact(ctx, ct); err != nil {
		t.Fatal(err)
	}
	tn.contact = ct.ID
	ag := &art28.Agreement{CustomerID: c.ID, TemplateKey: "dpa", ServiceIDs: []int64{service}}
	if err := s.Agreements.CreateAgreement(ctx, ag); err != nil {
		t.Fatal(err)
	}
	tn.agreement = ag.ID
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	du := &art28.Duty{Kind: "test", Title: "A duty of " + name, CustomerID: c.ID, OpenedAt: at, DueAt: at.Add(time.Hour)}
	if err := s.Duties.OpenDuty(ctx, du); err != nil {
		t.Fatal(err)
	}
	tn.duty = du.ID
	tn.notice, tn.webhook = announceTo(t, app, tn, service)
	tn.incident, tn.breachNotice = breachOf(t, app, tn)
	b := &art28.Bulletin{Kind: art28.BulletinDisruption, Title: "An outage", Body: "Backups were late for a day.", CustomerIDs: []int64{tn.customer}}
	if err := s.Bulletins.IssueBulletin(ctx, b); err != nil {
		t.Fatal(err)
	}
	tn.bulletin = b.ID
	u := &art28.User{Email: tn.adminEmail, Name: name + " Admin", Role: art28.RoleCustomerAdmin, CustomerID: c.ID}
	if err := s.Users.CreateUser(ctx, u, tn.adminPass); err != nil {
		t.Fatal(err)
	}
	tn.user = u.ID
	k, secret := ownerKey(t, app, name+" portal", art28.RoleCustomerAdmin, c.ID)
	tn.key, tn.keyText = k.ID, secret
	return tn
}

// announceTo concludes the tenant's agreement under terms, registers a
// webhook endpoint and announces a new sub-processor of the tenant's own,
// which gives it a notice and deliveries.
func announceTo(t *testing.T, app *testrig.App, tn tenant, service int64) (notice, hook int64) {
	t.Helper()
	ctx := testrig.As(testrig.Owner)
	s := app.Store
	if _, err := s.Agreements.ConcludeAgreement(ctx, tn.agreement, art28.Conclusion{Method: art28.ConcludedSignature,
		AcceptedBy: "CEO", AcceptedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	v, _, err := s.Terms.ImportTerms(ctx, "dpa", art28.TermsImport{Content: "terms: dpa-v1\ntimezone: Europe/Berlin\ncalendar: DE\n" +
		"clauses:\n  subprocessor_notice:\n    period: 15 days\n    objection: allowed\n    silence: approves\n    implements: [S4]\n" +
		"  breach_notification:\n    period: 72 hours\n    implements: [C8]\n"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Terms.SetAgreementTerms(ctx, tn.agreement, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	e, err := s.Webhooks.CreateWebhook(ctx, tn.customer, "https://hooks."+strings.ToLower(tn.name)+".example/art28")
	if err != nil {
		t.Fatal(err)
	}
	// Named without the tenant's name: the other tenants are told of it too.
	sp := &art28.Subprocessor{Name: fmt.Sprintf("Host %d", tn.customer), Country: "DE", Purpose: "hosting", ServiceIDs: []int64{service}}
	if err := s.Subprocessors.CreateSubprocessor(ctx, sp); err != nil {
		t.Fatal(err)
	}
	a, err := s.Changes.Announce(ctx, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "A new host."})
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := s.Changes.Notices(ctx, art28.NoticeFilter{ChangeID: &a.Change.ID, CustomerID: &tn.customer})
	if err != nil || len(list) != 1 {
		t.Fatalf("the tenant's notice: %v %d", err, len(list))
	}
	return list[0].ID, e.ID
}

// breachOf records a breach that affects the tenant alone, and sends its
// notice.
func breachOf(t *testing.T, app *testrig.App, tn tenant) (incident, notice int64) {
	t.Helper()
	ctx := testrig.As(testrig.Owner)
	s := app.Store
	aware := app.DB.Now().Add(-time.Hour)
	i := &art28.Incident{Title: "A breach", Description: "Records were exposed.", Reporter: "On call", DetectedAt: aware, AwareAt: aware,
		Affected: []art28.Affected{{CustomerID: tn.customer}}}
	if err := s.Incidents.RecordIncident(ctx, i); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Incidents.Assess(ctx, i.ID, art28.AssessBreach, "Personal data exposed."); err != nil {
		t.Fatal(err)
	}
	list, err := s.Incidents.IssueNotices(ctx, i.ID, art28.BreachContent{Nature: "Exposure.", DPO: "dpo@hosting.example",
		Consequences: "Little.", Measures: "Closed.", ToFollow: []art28.NoticePart{art28.PartSubjects, art28.PartRecords}})
	if err != nil || len(list) != 1 {
		t.Fatalf("the tenant's breach notice: %v %d", err, len(list))
	}
	return i.ID, list[0].ID
}

// idFor returns the tenant's ID for a path parameter, chosen by the path
// segment before it (customers/{id} is a customer, contacts/{contact} a
// contact). ok is false for a kind of record this test does not know.
func (tn tenant) idFor(resource string) (int64, bool) {
	switch resource {
	case "customers":
		return tn.customer, true
	case "contacts":
		return tn.contact, true
	case "agreements":
		return tn.agreement, true
	case "users":
		return tn.user, true
	case "api-keys":
		return tn.key, true
	case "duties":
		return tn.duty, true
	case "notices":
		return tn.notice, true
	case "webhooks":
		return tn.webhook, true
	case "incidents":
		return tn.incident, true
	case "breach-notices":
		return tn.breachNotice, true
	case "bulletins":
		return tn.bulletin, true
	}
	return 0, false
}

// fill substitutes the tenant's IDs into a route's path pattern.
func (tn tenant) fill(t *testing.T, pattern string) string {
	t.Helper()
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		id, ok := tn.idFor(segs[i-1])
		if !ok {
			t.Fatalf("%s: the tenant test does not know whose record %s/%s is: teach tenant.idFor", pattern, segs[i-1], s)
		}
		segs[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(segs, "/")
}

// notCustomerRecords are the API paths that take an ID but address a
// record no customer owns; every other route with an ID must be Scoped.
var notCustomerRecords = map[string]bool{
	"/api/v1/services/{id}":                   true,
	"/api/v1/agreement-templates/{key}/terms": true, // the processor's own offer
	"/api/v1/terms-versions/{id}":             true,
	"/api/v1/terms-versions/{id}/diff":        true,
	// The register and the changes to it are the processor's; a customer
	// reads the listed ones (and those announced to it) and every change,
	// as the public list shows them.
	"/api/v1/subprocessors/{id}":         true,
	"/api/v1/subprocessors/{id}/reviews": true,
	"/api/v1/changes/{id}":               true,
	"/api/v1/changes/{id}/withdraw":      true,
	// A bulletin's recipient list and sending a withheld one are the
	// processor's alone: a customer is refused both (TestBulletinDeadlines).
	"/api/v1/bulletins/{id}/recipients": true,
	"/api/v1/bulletins/{id}/send":       true,
}

// scopedBodies are valid bodies for the Scoped routes that take one, so
// that a refusal comes from scoping, not from validation.
var scopedBodies = map[string]any{
	"PATCH /api/v1/customers/{id}":          map[string]any{"address": "Taken over"},
	"POST /api/v1/customers/{id}/contacts":  map[string]any{"name": "Mallory", "email": "mallory@evil.example", "roles": []string{"dpo"}},
	"POST /api/v1/customers/{id}/users":     map[string]any{"email": "mallory@evil.example", "name": "Mallory", "role": "customer_member", "password": "mallory's long password"},
	"POST /api/v1/agreements/{id}/conclude": map[string]any{"method": "signature", "accepted_by": "Mallory", "accepted_at": "2027-03-01T08:00:00Z"},
	"POST /api/v1/agreements/{id}/status":   map[string]any{"status": "ended"},
	"PUT /api/v1/agreements/{id}/terms":     map[string]any{"version_id": 1, "overrides": ""},
	"POST /api/v1/duties/{id}/close":        map[string]any{"state": "done"},
	"POST /api/v1/customers/{id}/webhooks":  map[string]any{"url": "https://evil.example/hook"},
	"POST /api/v1/notices/{id}/object":      map[string]any{"reason": "Mallory objects"},
	"POST /api/v1/notices/{id}/resolve":     map[string]any{"resolution": "keep_off"},
	"POST /api/v1/incidents/{id}/assess":    map[string]any{"assessment": "not_breach", "reason": "Mallory says so"},
	"POST /api/v1/incidents/{id}/notices":   map[string]any{"nature": "x", "dpo": "x", "consequences": "x", "measures": "x", "to_follow": []string{"subjects", "records"}},
	"PUT /api/v1/incidents/{id}": map[string]any{"title": "Taken over", "description": "x", "reporter": "Mallory",
		"detected_at": "2026-01-01T00:00:00Z", "aware_at": "2026-01-01T00:00:00Z"},
}

// TestEveryIDRouteIsScoped keeps a route that takes an ID from escaping
// the tenant test by not being marked Scoped.
func TestEveryIDRouteIsScoped(t *testing.T) {
	for _, rt := range web.New(web.Services{}, web.Config{}).Routes() {
		_, pattern, _ := strings.Cut(rt.Pattern, " ")
		if hasPrefixAPI(rt.Pattern) && !rt.Scoped && strings.Contains(pattern, "{") && !notCustomerRecords[pattern] {
			t.Errorf("%s takes an ID but is not Scoped: mark it Scoped, or add it to notCustomerRecords if no customer can own the record", rt.Pattern)
		}
	}
}

// TestTenantIsolation calls every Scoped route with customer A's
// credentials (its API key, and its admin's session) on customer B's
// records, and expects 403 or 404 with nothing written; the same GET
// routes on A's own records must work, so that a refusal proves scoping
// rather than a broken route. The route list comes from the server, so a
// route added later is tested too, and a route with an ID that is not
// Scoped fails.
func TestTenantIsolation(t *testing.T) {
	for _, d := range testrig.Dialects {
		t.Run(string(d), func(t *testing.T) {
			app := testrig.NewApp(t, d)
			ctx := testrig.As(testrig.Owner)
			svc := &art28.Service{Name: "Mail", Nature: "e-mail hosting", Purposes: []string{"e-mail"},
				DataCategories: []string{"messages"}, SubjectCategories: []string{"staff"}, Locations: []string{"DE"}}
			if err := app.Store.Services.CreateService(ctx, svc); err != nil {
				t.Fatal(err)
			}
			if err := app.Store.Agreements.CreateTemplate(ctx, &art28.AgreementTemplate{Key: "dpa", Title: "DPA"}); err != nil {
				t.Fatal(err)
			}
			a, b := newTenant(t, app, "Alpha", svc.ID), newTenant(t, app, "Beta", svc.ID)

			base := newClient(t, app)
			actors := []struct {
				name string
				c    *apiClient
			}{
				{"A's API key", base.withKey(a.keyText)},
				{"A's admin session", base.signIn(a.adminEmail, a.adminPass)},
			}

			for _, rt := range app.Server.Routes() {
				if !hasPrefixAPI(rt.Pattern) {
					continue
				}
				method, pattern, _ := strings.Cut(rt.Pattern, " ")
				if !rt.Scoped {
					continue
				}
				for _, actor := range actors {
					t.Run(rt.Pattern+" as "+actor.name, func(t *testing.T) {
						before := activityTotal(t, app)
						r := actor.c.call(method, b.fill(t, pattern), scopedBodies[rt.Pattern])
						if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
							t.Errorf("on B's record: %s: want 403 or 404", r)
						}
						if after := activityTotal(t, app); after != before {
							t.Errorf("on B's record: %s: activity went from %d to %d entries", r, before, after)
						}
						if method != http.MethodGet {
							return
						}
						own := actor.c.call(method, a.fill(t, pattern), nil)
						if own.Status != http.StatusOK {
							t.Errorf("on A's own record: %s: want 200, or the refusal above proves nothing", own)
						}
					})
				}
			}

			// Lists as A show none of B's records, and do show A's.
			for _, actor := range actors {
				for _, tc := range []struct {
					path    string
					minimum int // A's own records the list must show
				}{
					{"/api/v1/customers", 1},
					{"/api/v1/agreements", 1},
					{"/api/v1/duties", 1},
					{"/api/v1/notices", 1},
					{"/api/v1/deliveries", 2}, // its DPO by email, and its endpoint
					{path("/api/v1/notices?customer_id=%d", b.customer), 0},
					{path("/api/v1/deliveries?customer_id=%d", b.customer), 0},
					{"/api/v1/incidents", 1},
					{"/api/v1/bulletins", 1},
					{"/api/v1/activity?limit=500", 3},
					{"/api/v1/users", 0},
					{path("/api/v1/customers/%d/users", a.customer), 1},
					{path("/api/v1/customers/%d/activity", a.customer), 3},
					{path("/api/v1/customers/%d/agreements", a.customer), 1},
					{path("/api/v1/agreements?customer_id=%d", b.customer), 0},
					{path("/api/v1/activity?object_type=customer&object_id=%d", b.customer), 0},
					{path("/api/v1/activity?object_type=agreement&object_id=%d", b.agreement), 0},
				} {
					r := actor.c.call("GET", tc.path, nil).want(t, http.StatusOK)
					l := decodeAs[list[map[string]any]](t, r)
					if l.Total < tc.minimum || len(l.Items) < tc.minimum {
						t.Errorf("%s as %s: want at least %d of A's records", r, actor.name, tc.minimum)
					}
					if tc.minimum == 0 && l.Total != 0 {
						t.Errorf("%s as %s: want none", r, actor.name)
					}
					for _, it := range l.Items {
						if leaks(it, b, strings.HasPrefix(tc.path, "/api/v1/customers?") || tc.path == "/api/v1/customers") {
							t.Errorf("%s as %s: shows B's record %v", tc.path, actor.name, it)
						}
					}
				}
			}
			// Every other list route that answers A must not show B either.
			for _, rt := range app.Server.Routes() {
				method, pattern, _ := strings.Cut(rt.Pattern, " ")
				if method != http.MethodGet || !hasPrefixAPI(rt.Pattern) || strings.Contains(pattern, "{") || pattern == "/api/v1/openapi.json" {
					continue
				}
				for _, actor := range actors {
					r := actor.c.call("GET", pattern, nil)
					if r.Status != http.StatusOK {
						continue
					}
					if strings.Contains(string(r.Body), b.name) || strings.Contains(string(r.Body), b.adminEmail) {
						t.Errorf("%s as %s: mentions B", r, actor.name)
					}
				}
			}
		})
	}
}

// leaks reports whether a list item is, or belongs to, tenant b.
func leaks(item map[string]any, b tenant, isCustomer bool) bool {
	key := "customer_id"
	if isCustomer {
		key = "id"
	}
	id, _ := item[key].(float64)
	return int64(id) == b.customer
}
