package http_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/art28/art28"
	web "github.com/art28/art28/internal/http"
	"github.com/art28/art28/internal/testrig"
)

// newValidator parses the embedded document and builds a validator that
// also asserts formats (date-time, email).
func newValidator(t testing.TB) (libopenapi.Document, validator.Validator) {
	t.Helper()
	doc, err := libopenapi.NewDocument(web.OpenAPIDocument())
	if err != nil {
		t.Fatalf("parse openapi.json: %v", err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("build validator: %v", errs)
	}
	return doc, v
}

// describe lists validation errors one per line, with the schema failures.
func describe(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  - %s: %s", e.Message, e.Reason)
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n      %s: %s", f.FieldPath, f.Reason)
		}
	}
	return b.String()
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	_, v := newValidator(t)
	if ok, errs := v.ValidateDocument(); !ok {
		t.Fatalf("openapi.json is not a valid OpenAPI document:%s", describe(errs))
	}
}

// documentedOperations returns "METHOD /path" for every operation of the
// document.
func documentedOperations(t testing.TB) map[string]bool {
	doc, _ := newValidator(t)
	m, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{}
	for p, item := range m.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			ops[strings.ToUpper(method)+" "+p] = true
		}
	}
	return ops
}

// apiPatterns returns the API route patterns of a server.
func apiPatterns(s *web.Server) map[string]bool {
	out := map[string]bool{}
	for _, rt := range s.Routes() {
		if hasPrefixAPI(rt.Pattern) {
			out[rt.Pattern] = true
		}
	}
	return out
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	routes := apiPatterns(web.New(web.Services{}, web.Config{}))
	ops := documentedOperations(t)
	for p := range routes {
		if !ops[p] {
			t.Errorf("route %q is not in openapi.json", p)
		}
	}
	for op := range ops {
		if !routes[op] {
			t.Errorf("openapi.json documents %q, which is not a route", op)
		}
	}
}

// conformance validates every exchange of a client against the document
// and notes which routes answered with success.
type conformance struct {
	t   testing.TB
	v   validator.Validator
	mux *http.ServeMux

	mu      sync.Mutex
	covered map[string]bool // route pattern -> answered 2xx
}

func newConformance(t testing.TB, s *web.Server) *conformance {
	_, v := newValidator(t)
	c := &conformance{t: t, v: v, mux: http.NewServeMux(), covered: map[string]bool{}}
	for p := range apiPatterns(s) {
		c.mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
	}
	return c
}

func (c *conformance) observe(req *http.Request, resp *http.Response, badInput bool) {
	c.t.Helper()
	what := fmt.Sprintf("%s %s -> %d", req.Method, req.URL.RequestURI(), resp.StatusCode)
	_, pattern := c.mux.Handler(req)
	if pattern == "" {
		c.t.Errorf("%s: no route", what)
	}
	if resp.StatusCode < 300 {
		c.mu.Lock()
		c.covered[pattern] = true
		c.mu.Unlock()
	}
	// The request is validated first, on its own, because the validator
	// reads its body.
	okReq, reqErrs := c.v.ValidateHttpRequestSync(req)
	switch {
	case badInput && okReq:
		c.t.Errorf("%s: the request breaks the API's rules but the document accepts it", what)
	case !badInput && !okReq:
		c.t.Errorf("%s: request does not match openapi.json:%s", what, describe(reqErrs))
	}
	if ok, errs := c.v.ValidateHttpResponse(req, resp); !ok {
		c.t.Errorf("%s: response does not match openapi.json:%s", what, describe(errs))
	}
}

// TestOpenAPIConformance drives a realistic session through every API
// route, with both kinds of credentials and the common errors, and checks
// every request and response against openapi.json.
func TestOpenAPIConformance(t *testing.T) {
	for _, d := range testrig.Dialects {
		t.Run(string(d), func(t *testing.T) {
			app := testrig.NewApp(t, d)
			conf := newConformance(t, app.Server)
			base := newClient(t, app)
			base.observe = conf.observe

			// Public: the document itself, and a failed sign-in.
			base.call("GET", "/api/v1/openapi.json", nil).want(t, 200)
			base.call("POST", "/api/v1/session", map[string]string{"email": testrig.OwnerEmail, "password": "wrong password!"}).
				wantError(t, 401, art28.EUNAUTHORIZED, "")
			base.callBad("GET", "/api/v1/me", nil).wantError(t, 401, art28.EUNAUTHORIZED, "")
			base.callBad("GET", "/api/v1/customers", nil).wantError(t, 401, art28.EUNAUTHORIZED, "")
			base.withKey("art28_not-a-key").call("GET", "/api/v1/customers", nil).wantError(t, 401, art28.EUNAUTHORIZED, "")

			// The owner signs in and creates an API key for a privacy officer.
			owner := base.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
			me := decodeAs[map[string]any](t, owner.call("GET", "/api/v1/me", nil).want(t, 200))
			if me["kind"] != "user" || me["role"] != "owner" || me["csrf_token"] != owner.csrf {
				t.Errorf("me = %v", me)
			}
			// A session that changes something without its CSRF token is refused.
			noCSRF := *owner
			noCSRF.csrf = ""
			noCSRF.call("POST", "/api/v1/agreement-templates", map[string]any{"key": "x", "title": "X"}).wantError(t, 403, art28.EFORBIDDEN, "")

			keyResp := owner.call("POST", "/api/v1/api-keys", map[string]any{"name": "compliance sync", "role": "privacy_officer"}).want(t, 201)
			newKey := decodeAs[struct {
				ID     int64  `json:"id"`
				Secret string `json:"secret"`
				Prefix string `json:"prefix"`
			}](t, keyResp)
			if !strings.HasPrefix(newKey.Secret, newKey.Prefix) || len(newKey.Secret) <= len(newKey.Prefix) {
				t.Errorf("new key: secret %q, prefix %q", newKey.Secret, newKey.Prefix)
			}
			po := base.withKey(newKey.Secret)
			me = decodeAs[map[string]any](t, po.call("GET", "/api/v1/me", nil).want(t, 200))
			if me["kind"] != "api_key" || me["role"] != "privacy_officer" {
				t.Errorf("me = %v", me)
			}
			keys := decodeAs[list[map[string]any]](t, owner.call("GET", "/api/v1/api-keys", nil).want(t, 200))
			for _, k := range keys.Items {
				if _, leaked := k["secret"]; leaked {
					t.Errorf("list shows a secret: %v", k)
				}
			}

			// The processor profile.
			po.call("GET", "/api/v1/processor", nil).want(t, 200)
			profile := map[string]any{"legal_name": "Hosting AG", "address": "Hauptstrasse 1, Berlin", "country": "de",
				"dpo_name": "Dana", "dpo_email": "dpo@hosting.example", "supervisory_authority": "BlnBDI"}
			po.call("PUT", "/api/v1/processor", profile).want(t, 200)
			got := decodeAs[map[string]any](t, po.call("GET", "/api/v1/processor", nil).want(t, 200))
			if got["country"] != "DE" || got["legal_name"] != "Hosting AG" {
				t.Errorf("profile = %v", got)
			}
			po.call("PUT", "/api/v1/processor", map[string]any{"legal_name": "Hosting AG", "country": "XX"}).
				wantError(t, 422, art28.EINVALID, "country")

			// Services.
			svcIn := map[string]any{"name": "Mail", "nature": "Hosting of e-mail", "purposes": []string{"e-mail"},
				"data_categories": []string{"messages"}, "subject_categories": []string{"staff"}, "locations": []string{"DE", "fi"}}
			svc := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/services", svcIn).want(t, 201))
			po.call("POST", "/api/v1/services", svcIn).wantError(t, 409, art28.ECONFLICT, "name")
			po.call("GET", "/api/v1/services?limit=10", nil).want(t, 200)
			po.call("GET", path("/api/v1/services/%d", svc.ID), nil).want(t, 200)
			svcIn["client_side_encryption"] = true
			po.call("PUT", path("/api/v1/services/%d", svc.ID), svcIn).want(t, 200)
			po.call("GET", "/api/v1/services/999999", nil).wantError(t, 404, art28.ENOTFOUND, "")

			// Customers and contacts.
			custIn := map[string]any{"legal_name": "Acme GmbH", "country": "DE", "eu_established": true}
			cust := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/customers", custIn).want(t, 201))
			po.call("POST", "/api/v1/customers", custIn).wantError(t, 409, art28.ECONFLICT, "legal_name")
			po.call("POST", "/api/v1/customers", map[string]any{"legal_name": "Nowhere Ltd", "country": "XX"}).
				wantError(t, 422, art28.EINVALID, "country")
			po.callBad("POST", "/api/v1/customers", map[string]any{"legal_name": 42, "country": "DE"}).
				wantError(t, 422, art28.EINVALID, "legal_name")
			po.call("GET", "/api/v1/customers?q=acme&country=DE", nil).want(t, 200)
			po.call("GET", path("/api/v1/customers/%d", cust.ID), nil).want(t, 200)
			po.call("GET", "/api/v1/customers/999999", nil).wantError(t, 404, art28.ENOTFOUND, "")
			po.call("PATCH", path("/api/v1/customers/%d", cust.ID), map[string]any{"address": "Ring 2, Hamburg"}).want(t, 200)
			contact := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", path("/api/v1/customers/%d/contacts", cust.ID),
				map[string]any{"name": "Carla", "email": "carla@acme.example", "roles": []string{"dpo", "legal"}}).want(t, 201))
			po.call("POST", path("/api/v1/customers/%d/contacts", cust.ID),
				map[string]any{"name": "Carla", "email": "carla@acme.example", "roles": []string{"dpo"}}).wantError(t, 409, art28.ECONFLICT, "email")
			po.callBad("POST", path("/api/v1/customers/%d/contacts", cust.ID),
				map[string]any{"name": "Carl", "email": "not-an-address", "roles": []string{"dpo"}}).wantError(t, 422, art28.EINVALID, "email")
			tmp := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", path("/api/v1/customers/%d/contacts", cust.ID),
				map[string]any{"name": "Temp", "email": "temp@acme.example", "roles": []string{"security"}}).want(t, 201))
			po.call("DELETE", path("/api/v1/customers/%d/contacts/%d", cust.ID, tmp.ID), nil).want(t, 204)
			po.call("DELETE", path("/api/v1/customers/%d/contacts/%d", cust.ID, tmp.ID), nil).wantError(t, 404, art28.ENOTFOUND, "")
			contacts := decodeAs[list[map[string]any]](t, po.call("GET", path("/api/v1/customers/%d/contacts", cust.ID), nil).want(t, 200))
			if contacts.Total != 1 || contacts.Items[0]["id"] != float64(contact.ID) {
				t.Errorf("contacts = %+v", contacts)
			}

			// Templates and agreements.
			tplIn := map[string]any{"key": "dpa-standard", "title": "Standard DPA", "description": "Our standard terms."}
			po.call("POST", "/api/v1/agreement-templates", tplIn).want(t, 201)
			po.call("POST", "/api/v1/agreement-templates", tplIn).wantError(t, 409, art28.ECONFLICT, "key")
			po.call("GET", "/api/v1/agreement-templates", nil).want(t, 200)
			agIn := map[string]any{"customer_id": cust.ID, "template_key": "dpa-standard", "service_ids": []int64{svc.ID}}
			ag := decodeAs[struct {
				ID         int64 `json:"id"`
				Status     string
				Conclusion any
			}](t, po.call("POST", "/api/v1/agreements", agIn).want(t, 201))
			if ag.Status != "draft" || ag.Conclusion != nil {
				t.Errorf("new agreement: %+v", ag)
			}
			po.call("POST", "/api/v1/agreements", map[string]any{"customer_id": cust.ID, "template_key": "dpa-standard", "service_ids": []int64{999999}}).
				wantError(t, 422, art28.EINVALID, "service_ids")
			po.call("GET", path("/api/v1/agreements?customer_id=%d&status=draft&offset=0&limit=5", cust.ID), nil).want(t, 200)
			po.call("GET", path("/api/v1/agreements/%d", ag.ID), nil).want(t, 200)
			po.call("GET", "/api/v1/agreements/999999", nil).wantError(t, 404, art28.ENOTFOUND, "")
			po.call("POST", path("/api/v1/agreements/%d/status", ag.ID), map[string]any{"status": "terminating"}).
				wantError(t, 409, art28.ECONFLICT, "status")
			conclusion := map[string]any{"method": "electronic", "accepted_by": "carla@acme.example",
				"accepted_at": "2027-03-01T08:30:00Z", "accepted_from": "198.51.100.7", "document_hash": strings.Repeat("ab", 32)}
			po.call("POST", path("/api/v1/agreements/%d/conclude", ag.ID), conclusion).want(t, 200)
			po.call("POST", path("/api/v1/agreements/%d/conclude", ag.ID), conclusion).wantError(t, 409, art28.ECONFLICT, "status")
			po.call("POST", path("/api/v1/agreements/%d/status", ag.ID), map[string]any{"status": "terminating"}).want(t, 200)
			po.call("GET", path("/api/v1/customers/%d/agreements?status=terminating", cust.ID), nil).want(t, 200)
			concluded := map[string]any{"customer_id": cust.ID, "template_key": "dpa-standard", "service_ids": []int64{svc.ID},
				"status": "active", "conclusion": map[string]any{"method": "signature", "accepted_by": "Carla", "accepted_at": "2026-12-01T10:00:00Z"}}
			po.call("POST", "/api/v1/agreements", concluded).want(t, 201)

			// Terms: versions of the template's terms file, and the
			// agreement's effective terms with a negotiated override.
			po.call("GET", path("/api/v1/agreements/%d/terms", ag.ID), nil).want(t, 200) // none yet: nulls
			file := "terms: dpa-standard-v1\ntimezone: Europe/Berlin\ncalendar: DE-BW\nclauses:\n  subprocessor_notice:\n    period: 14 working days\n    objection: allowed\n    silence: approves\n    implements: [G9.1]\n"
			po.call("POST", "/api/v1/agreement-templates/dpa-standard/terms", map[string]any{"content": "terms: x\n"}).
				wantError(t, 422, art28.EINVALID, "content")
			v1 := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/agreement-templates/dpa-standard/terms", map[string]any{"content": file}).want(t, 201))
			po.call("POST", "/api/v1/agreement-templates/dpa-standard/terms", map[string]any{"content": file}).want(t, 200)
			v2 := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/agreement-templates/dpa-standard/terms",
				map[string]any{"content": strings.Replace(file, "14 working days", "15 days", 1),
					"legal_text": "## G9.1 New sub-processors\nFifteen days' notice.\n"}).want(t, 201))
			po.call("GET", "/api/v1/agreement-templates/dpa-standard/terms", nil).want(t, 200)
			po.call("GET", path("/api/v1/terms-versions/%d", v1.ID), nil).want(t, 200)
			diff := decodeAs[struct {
				Changes []art28.TermsChange `json:"changes"`
			}](t, po.call("GET", path("/api/v1/terms-versions/%d/diff?from=%d", v2.ID, v1.ID), nil).want(t, 200))
			if len(diff.Changes) != 1 || diff.Changes[0].Before != "14 working days" || diff.Changes[0].After != "15 days" {
				t.Errorf("diff: %+v", diff.Changes)
			}
			po.callBad("GET", path("/api/v1/terms-versions/%d/diff?from=x", v2.ID), nil).wantError(t, 422, art28.EINVALID, "from")
			po.call("PUT", path("/api/v1/agreements/%d/terms", ag.ID), map[string]any{"version_id": v1.ID,
				"overrides": "clauses:\n  subprocessor_notice:\n    period: thirty days\n"}).wantError(t, 422, art28.EINVALID, "overrides")
			po.call("PUT", path("/api/v1/agreements/%d/terms", ag.ID), map[string]any{"version_id": v1.ID,
				"overrides": "clauses:\n  subprocessor_notice:\n    period: 30 days\n"}).want(t, 200)
			po.call("GET", path("/api/v1/agreements/%d/terms", ag.ID), nil).want(t, 200)

			// Duties: opened by hand here (capabilities open their own),
			// listed soonest first, closed.
			dutyIn := map[string]any{"kind": "audit.report", "title": "Send the audit report", "customer_id": cust.ID,
				"clause_ids": []string{"S6"}, "opened_at": "2027-03-01T09:00:00+01:00", "due_at": "2027-03-15T00:00:00+01:00"}
			duty := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/duties", dutyIn).want(t, 201))
			po.call("POST", "/api/v1/duties", map[string]any{"kind": "x", "title": "X", "opened_at": "2027-03-01T09:00:00Z", "due_at": "yesterday"}).
				wantError(t, 422, art28.EINVALID, "due_at")
			po.call("GET", "/api/v1/duties?state=open&due_before=2027-04-01T00:00:00Z", nil).want(t, 200)
			po.call("GET", path("/api/v1/duties/%d", duty.ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/duties/%d/close", duty.ID), map[string]any{"state": "waived"}).wantError(t, 422, art28.EINVALID, "reason")
			po.call("POST", path("/api/v1/duties/%d/close", duty.ID), map[string]any{"state": "done"}).want(t, 200)
			po.call("POST", path("/api/v1/duties/%d/close", duty.ID), map[string]any{"state": "done"}).wantError(t, 409, art28.ECONFLICT, "state")

			// Sub-processors: the register, a change announced to the
			// agreement above on its own clock, an objection and its
			// resolution, the delivery record, the transfer check.
			hook := decodeAs[struct {
				ID     int64  `json:"id"`
				Secret string `json:"secret"`
			}](t, po.call("POST", path("/api/v1/customers/%d/webhooks", cust.ID), map[string]any{"url": "https://hooks.acme.example/art28"}).want(t, 201))
			if !strings.HasPrefix(hook.Secret, "whsec_") {
				t.Errorf("webhook secret %q", hook.Secret)
			}
			po.call("POST", path("/api/v1/customers/%d/webhooks", cust.ID), map[string]any{"url": "ftp://x"}).wantError(t, 422, art28.EINVALID, "url")
			po.call("GET", path("/api/v1/customers/%d/webhooks", cust.ID), nil).want(t, 200)
			spIn := map[string]any{"name": "Hosting GmbH", "country": "DE", "purpose": "Hosting", "service_ids": []int64{svc.ID}}
			sp := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/subprocessors", spIn).want(t, 201))
			po.call("POST", "/api/v1/subprocessors", map[string]any{"name": "Errors Inc", "country": "US", "purpose": "Errors", "service_ids": []int64{svc.ID}}).
				wantError(t, 422, art28.EINVALID, "safeguard")
			po.call("GET", "/api/v1/subprocessors?listed=false&kind=subprocessor&q=host", nil).want(t, 200)
			po.call("GET", path("/api/v1/subprocessors/%d", sp.ID), nil).want(t, 200)
			spIn["legal_entity"] = "Hosting GmbH & Co. KG"
			po.call("PUT", path("/api/v1/subprocessors/%d", sp.ID), spIn).want(t, 200)
			po.call("POST", path("/api/v1/subprocessors/%d/reviews", sp.ID), map[string]any{"reviewed_on": "2026-11-01", "reviewer": "Dana", "outcome": "passed"}).want(t, 201)
			po.call("POST", path("/api/v1/subprocessors/%d/reviews", sp.ID), map[string]any{"reviewed_on": "soon", "reviewer": "Dana", "outcome": "passed"}).
				wantError(t, 422, art28.EINVALID, "reviewed_on")
			po.call("GET", path("/api/v1/subprocessors/%d/reviews", sp.ID), nil).want(t, 200)
			po.callCSV("POST", "/api/v1/subprocessors/import", "name,country,purpose,services\nOVHcloud,FR,SMS,Mail\n").want(t, 201)
			po.callCSV("POST", "/api/v1/subprocessors/import", "name,country,purpose\nNowhere,XX,x\n").wantError(t, 422, art28.EINVALID, "csv")
			if csv := po.call("GET", "/api/v1/subprocessors/export", nil).want(t, 200); !strings.Contains(string(csv.Body), "OVHcloud,,,FR,SMS,Mail") {
				t.Errorf("export: %s", csv.Body)
			}
			ann := decodeAs[struct {
				Change  struct{ ID int64 } `json:"change"`
				Notices int                `json:"notices"`
			}](t, po.call("POST", "/api/v1/changes", map[string]any{"kind": "add", "subprocessor_id": sp.ID, "summary": "A second data centre."}).want(t, 201))
			if ann.Notices != 1 {
				t.Errorf("announcement told %d agreements, want 1", ann.Notices)
			}
			po.call("POST", "/api/v1/changes", map[string]any{"kind": "add", "subprocessor_id": sp.ID, "summary": "Again."}).wantError(t, 409, art28.ECONFLICT, "subprocessor_id")
			po.callBad("POST", "/api/v1/changes", map[string]any{"kind": "sideways", "subprocessor_id": sp.ID, "summary": "?"}).wantError(t, 422, art28.EINVALID, "kind")
			po.call("GET", path("/api/v1/changes?limit=5&state=announced&subprocessor_id=%d", sp.ID), nil).want(t, 200)
			po.call("GET", path("/api/v1/changes/%d", ann.Change.ID), nil).want(t, 200)
			notices := decodeAs[list[struct {
				ID int64 `json:"id"`
			}]](t, po.call("GET", path("/api/v1/notices?change_id=%d&state=open", ann.Change.ID), nil).want(t, 200))
			if notices.Total != 1 {
				t.Fatalf("notices: %+v", notices)
			}
			notice := notices.Items[0].ID
			po.call("GET", path("/api/v1/notices/%d", notice), nil).want(t, 200)
			check := decodeAs[art28.TransferDecision](t, po.call("GET", path("/api/v1/transfer-check?agreement=%d&subprocessor=%d", ag.ID, sp.ID), nil).want(t, 200))
			if check.Allowed || check.Reason != art28.TransferWindowOpen || check.Until == nil {
				t.Errorf("transfer check in the window: %+v", check)
			}
			po.callBad("GET", path("/api/v1/transfer-check?agreement=%d", ag.ID), nil).wantError(t, 422, art28.EINVALID, "subprocessor")
			po.call("GET", path("/api/v1/transfer-check?agreement=%d&subprocessor=%d&at=2099-01-01T00:00:00Z", ag.ID, sp.ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/notices/%d/consent", notice), nil).wantError(t, 409, art28.ECONFLICT, "state")
			po.call("POST", path("/api/v1/notices/%d/object", notice), map[string]any{"reason": ""}).wantError(t, 422, art28.EINVALID, "reason")
			po.call("POST", path("/api/v1/notices/%d/object", notice), map[string]any{"reason": "Received by letter: no new hosts."}).want(t, 200)
			po.call("POST", path("/api/v1/notices/%d/resolve", notice), map[string]any{"resolution": "keep_off"}).want(t, 200)
			po.call("POST", path("/api/v1/notices/%d/resolve", notice), map[string]any{"resolution": "keep_off"}).wantError(t, 409, art28.ECONFLICT, "state")
			deliveries := decodeAs[list[art28.Delivery]](t, po.call("GET", path("/api/v1/deliveries?event=subprocessor_change&notice_id=%d", notice), nil).want(t, 200))
			if deliveries.Total != 2 { // Carla by email, and the webhook
				t.Errorf("deliveries: %+v", deliveries)
			}
			po.call("GET", "/api/v1/deliveries?state=pending&channel=email&limit=10", nil).want(t, 200)
			po.call("POST", "/api/v1/deliveries/retry", nil).want(t, 200)
			po.call("POST", path("/api/v1/customers/%d/webhooks/%d/disable", cust.ID, hook.ID), nil).want(t, 204)
			move := decodeAs[struct {
				Change struct{ ID int64 } `json:"change"`
			}](t, po.call("POST", "/api/v1/changes", map[string]any{"kind": "location", "subprocessor_id": sp.ID, "summary": "To the US.",
				"new_country": "US", "new_safeguard": "scc_2021_914", "new_scc_module": "3"}).want(t, 201))
			po.call("POST", path("/api/v1/changes/%d/withdraw", move.Change.ID), map[string]any{"reason": ""}).wantError(t, 422, art28.EINVALID, "reason")
			po.call("POST", path("/api/v1/changes/%d/withdraw", move.Change.ID), map[string]any{"reason": "Staying in Germany."}).want(t, 200)
			rm := decodeAs[struct {
				Change struct{ ID int64 } `json:"change"`
			}](t, po.call("POST", "/api/v1/changes", map[string]any{"kind": "remove", "subprocessor_id": sp.ID, "summary": "Leaving."}).want(t, 201))
			po.call("POST", path("/api/v1/changes/%d/withdraw", rm.Change.ID), map[string]any{"reason": "Staying after all."}).wantError(t, 409, art28.ECONFLICT, "state")
			// A transfer the terms allow only with the customer's consent
			// (G10.3): the notice asks for it, and the consent is recorded.
			po.call("PUT", path("/api/v1/agreements/%d/terms", ag.ID), map[string]any{"version_id": v1.ID,
				"overrides": "clauses:\n  transfer_safeguards:\n    allowed: [scc_2021_914]\n    otherwise: prior_consent\n    implements: [G10.3]\n"}).want(t, 200)
			far := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/subprocessors", map[string]any{"name": "Far Away Ltd", "country": "IN", "purpose": "Support",
				"service_ids": []int64{svc.ID}, "safeguard": "art49"}).want(t, 201))
			po.call("POST", "/api/v1/changes", map[string]any{"kind": "add", "subprocessor_id": far.ID, "summary": "Support from India."}).want(t, 201)
			consent := decodeAs[list[struct {
				ID              int64 `json:"id"`
				ConsentRequired bool  `json:"consent_required"`
			}]](t, po.call("GET", "/api/v1/notices?state=open", nil).want(t, 200))
			if consent.Total != 1 || !consent.Items[0].ConsentRequired {
				t.Fatalf("the notice asking for consent: %+v", consent)
			}
			po.call("POST", path("/api/v1/notices/%d/consent", consent.Items[0].ID), nil).want(t, 200)

			// Incidents: the register, a breach assessed on the
			// agreement's clock (its terms now carry breach_notification),
			// a notice that says what will follow, its acknowledgement,
			// and the close.
			po.call("PUT", path("/api/v1/agreements/%d/terms", ag.ID), map[string]any{"version_id": v1.ID,
				"overrides": "clauses:\n  breach_notification:\n    period: 72 hours\n    implements: [C8]\n"}).want(t, 200)
			incIn := map[string]any{"title": "Backup bucket readable", "description": "Public reads were allowed.", "reporter": "On call",
				"detected_at": "2027-03-01T07:00:00Z", "aware_at": "2027-03-01T08:00:00Z", "service_ids": []int64{svc.ID},
				"affected": []map[string]any{{"customer_id": cust.ID, "subjects": 120}}}
			po.call("POST", "/api/v1/incidents", map[string]any{"title": "x", "description": "x", "reporter": "x",
				"detected_at": "2027-03-01T07:00:00Z", "aware_at": "2099-01-01T00:00:00Z"}).wantError(t, 422, art28.EINVALID, "aware_at")
			inc := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/incidents", incIn).want(t, 201))
			po.call("GET", "/api/v1/incidents?state=open&assessment=pending", nil).want(t, 200)
			po.call("GET", path("/api/v1/incidents/%d", inc.ID), nil).want(t, 200)
			incIn["measures"] = "The bucket is closed."
			po.call("PUT", path("/api/v1/incidents/%d", inc.ID), incIn).want(t, 200)
			po.call("POST", path("/api/v1/incidents/%d/assess", inc.ID), map[string]any{"assessment": "maybe", "reason": "?"}).
				wantError(t, 422, art28.EINVALID, "assessment")
			clocks := decodeAs[list[art28.BreachClock]](t, po.call("POST", path("/api/v1/incidents/%d/assess", inc.ID),
				map[string]any{"assessment": "breach", "reason": "Contact data were exposed."}).want(t, 200))
			// The agreement under terms runs on C8's 72 hours; the other
			// running agreement, without terms, on the regulation's own
			// without undue delay (a 24-hour target).
			if clocks.Total != 2 || clocks.Items[0].Period != "without undue delay" ||
				!clocks.Items[0].DueAt.Equal(time.Date(2027, 3, 2, 8, 0, 0, 0, time.UTC)) ||
				!clocks.Items[1].DueAt.Equal(time.Date(2027, 3, 4, 8, 0, 0, 0, time.UTC)) {
				t.Errorf("clocks: %+v", clocks)
			}
			po.call("GET", path("/api/v1/incidents/%d/clocks", inc.ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/incidents/%d/notices", inc.ID), map[string]any{"nature": "Exposure.", "dpo": "Dana"}).
				wantError(t, 422, art28.EINVALID, "to_follow")
			breachNotices := decodeAs[list[art28.BreachNotice]](t, po.call("POST", path("/api/v1/incidents/%d/notices", inc.ID),
				map[string]any{"nature": "Exposure.", "dpo": "Dana", "consequences": "Phishing.", "measures": "Closed.",
					"to_follow": []string{"records"}}).want(t, 201))
			po.call("GET", path("/api/v1/incidents/%d/notices", inc.ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/breach-notices/%d/acknowledge", breachNotices.Items[0].ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/incidents/%d/close", inc.ID), nil).want(t, 200)
			po.call("PUT", path("/api/v1/incidents/%d", inc.ID), incIn).wantError(t, 409, art28.ECONFLICT, "state")
			// The customer's documentation for its own notification to its
			// supervisory authority (S8), as JSON and as a PDF; its own
			// figures, what is still to follow, the clock and the close.
			doc := decodeAs[struct {
				Customer struct {
					LegalName string `json:"legal_name"`
				} `json:"customer"`
				Breach struct {
					Subjects *int64   `json:"subjects"`
					ToFollow []string `json:"to_follow"`
				} `json:"breach"`
				Agreements []struct {
					ClauseIDs []string `json:"clause_ids"`
					OnTime    *bool    `json:"on_time"`
				} `json:"agreements"`
				Timeline []struct {
					Kind string `json:"kind"`
				} `json:"timeline"`
			}](t, po.call("GET", path("/api/v1/incidents/%d/documentation?customer_id=%d", inc.ID, cust.ID), nil).want(t, 200))
			var kinds []string
			for _, e := range doc.Timeline {
				kinds = append(kinds, e.Kind)
			}
			if doc.Customer.LegalName != "Acme GmbH" || doc.Breach.Subjects == nil || *doc.Breach.Subjects != 120 ||
				!slices.Equal(doc.Breach.ToFollow, []string{"records"}) || len(doc.Agreements) != 2 ||
				!slices.Equal(doc.Agreements[1].ClauseIDs, []string{"C8"}) || doc.Agreements[1].OnTime == nil ||
				!slices.Contains(kinds, "closed") {
				t.Errorf("documentation: %+v", doc)
			}
			pdf := po.call("GET", path("/api/v1/incidents/%d/documentation?customer_id=%d&format=pdf", inc.ID, cust.ID), nil).want(t, 200)
			if !strings.HasPrefix(string(pdf.Body), "%PDF-") || pdf.Header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(pdf.Header.Get("Content-Disposition"), "attachment;") {
				t.Errorf("documentation as PDF: %s, %q", pdf.Header, pdf.Body[:min(len(pdf.Body), 20)])
			}
			po.call("GET", path("/api/v1/incidents/%d/documentation", inc.ID), nil).wantError(t, 422, art28.EINVALID, "customer_id")
			po.callBad("GET", path("/api/v1/incidents/%d/documentation?customer_id=%d&format=docx", inc.ID, cust.ID), nil).
				wantError(t, 422, art28.EINVALID, "format")
			po.call("GET", path("/api/v1/incidents/%d/documentation?customer_id=999999", inc.ID), nil).wantError(t, 404, art28.ENOTFOUND, "")
			// A customer-bound key reads its own without naming it, and
			// no other customer's.
			docKey := decodeAs[struct {
				Secret string `json:"secret"`
			}](t, po.call("POST", "/api/v1/api-keys", map[string]any{"name": "acme compliance", "role": "customer_member", "customer_id": cust.ID}).want(t, 201))
			acmeKey := base.withKey(docKey.Secret)
			acmeKey.call("GET", path("/api/v1/incidents/%d/documentation?format=json", inc.ID), nil).want(t, 200)
			acmeKey.call("GET", path("/api/v1/incidents/%d/documentation?customer_id=%d", inc.ID, cust.ID+1), nil).wantError(t, 404, art28.ENOTFOUND, "")

			// Bulletins: one to every customer with a running agreement,
			// read and acknowledged by the customer's admin further down.
			po.call("POST", "/api/v1/bulletins", map[string]any{"kind": "gossip", "title": "x", "body": "x", "all_running": true}).
				wantError(t, 422, art28.EINVALID, "kind")
			bulletin := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/bulletins", map[string]any{"kind": "authority_action", "title": "An inspection",
				"body": "The authority inspects our data centre on 3 March.", "customer_ids": []int64{cust.ID}}).want(t, 201))
			po.call("GET", "/api/v1/bulletins?limit=5", nil).want(t, 200)
			po.call("GET", path("/api/v1/bulletins/%d", bulletin.ID), nil).want(t, 200)
			po.call("GET", path("/api/v1/bulletins/%d/recipients", bulletin.ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/bulletins/%d/send", bulletin.ID), nil).wantError(t, 409, art28.ECONFLICT, "sent_at")
			// A legal obligation the law forbids telling yet (G4.5): recorded, then sent.
			withheld := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, po.call("POST", "/api/v1/bulletins", map[string]any{"kind": "legal_obligation", "title": "A court order",
				"body": "A court orders us to keep access logs.", "customer_ids": []int64{cust.ID},
				"processing_from": "2030-01-01T00:00:00Z", "withheld_reason": "The order forbids telling yet."}).want(t, 201))
			po.call("POST", "/api/v1/bulletins", map[string]any{"kind": "disruption", "title": "x", "body": "x", "all_running": true,
				"occurred_at": "2999-01-01T00:00:00Z"}).wantError(t, 422, art28.EINVALID, "occurred_at")
			po.call("POST", path("/api/v1/bulletins/%d/send", withheld.ID), nil).want(t, 200)

			// Users: processor staff need the owner; customer staff.
			userIn := map[string]any{"email": "oscar@hosting.example", "name": "Oscar", "role": "operator", "password": "a long enough password"}
			user := decodeAs[struct {
				ID int64 `json:"id"`
			}](t, owner.call("POST", "/api/v1/users", userIn).want(t, 201))
			owner.call("POST", "/api/v1/users", userIn).wantError(t, 409, art28.ECONFLICT, "email")
			po.call("POST", "/api/v1/users", map[string]any{"email": "p@hosting.example", "name": "P", "role": "operator", "password": "a long enough password"}).
				wantError(t, 403, art28.EFORBIDDEN, "")
			owner.call("GET", "/api/v1/users", nil).want(t, 200)
			owner.call("POST", path("/api/v1/users/%d/disable", user.ID), nil).want(t, 200)
			owner.call("POST", path("/api/v1/users/%d/enable", user.ID), nil).want(t, 200)
			owner.call("POST", "/api/v1/users/999999/disable", nil).wantError(t, 404, art28.ENOTFOUND, "")
			admin := map[string]any{"email": "ada@acme.example", "name": "Ada", "role": "customer_admin", "password": "another long password"}
			po.call("POST", path("/api/v1/customers/%d/users", cust.ID), admin).want(t, 201)
			po.call("GET", path("/api/v1/customers/%d/users", cust.ID), nil).want(t, 200)

			// The customer's admin signs in and sees its own records only.
			ada := base.signIn("ada@acme.example", "another long password")
			me = decodeAs[map[string]any](t, ada.call("GET", "/api/v1/me", nil).want(t, 200))
			if me["customer_id"] != float64(cust.ID) {
				t.Errorf("me = %v", me)
			}
			ada.call("GET", path("/api/v1/customers/%d/activity", cust.ID), nil).want(t, 200)
			ada.call("POST", path("/api/v1/bulletins/%d/acknowledge", bulletin.ID), nil).want(t, 200)
			ada.call("POST", path("/api/v1/bulletins/%d/acknowledge", bulletin.ID), nil).wantError(t, 409, art28.ECONFLICT, "acknowledged_at")
			ada.call("POST", "/api/v1/services", svcIn).wantError(t, 403, art28.EFORBIDDEN, "")

			// API keys: a customer-bound key, revoked.
			ck := decodeAs[struct {
				ID     int64  `json:"id"`
				Secret string `json:"secret"`
			}](t, po.call("POST", "/api/v1/api-keys", map[string]any{"name": "acme portal", "role": "customer_member", "customer_id": cust.ID}).want(t, 201))
			base.withKey(ck.Secret).call("GET", path("/api/v1/customers/%d", cust.ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/api-keys/%d/revoke", ck.ID), nil).want(t, 200)
			po.call("POST", path("/api/v1/api-keys/%d/revoke", ck.ID), nil).wantError(t, 409, art28.ECONFLICT, "")
			base.withKey(ck.Secret).call("GET", path("/api/v1/customers/%d", cust.ID), nil).wantError(t, 401, art28.EUNAUTHORIZED, "")
			po.call("GET", "/api/v1/api-keys", nil).want(t, 200)

			// Activity.
			acts := decodeAs[list[map[string]any]](t, po.call("GET", path("/api/v1/activity?object_type=agreement&object_id=%d", ag.ID), nil).want(t, 200))
			if acts.Total != 6 { // create, conclude, status, terms three times
				t.Errorf("agreement activity: %+v", acts)
			}
			po.call("GET", "/api/v1/activity?limit=2&offset=1", nil).want(t, 200)
			po.call("GET", path("/api/v1/customers/%d/activity?limit=3", cust.ID), nil).want(t, 200)

			// Sign out; the session is gone.
			ada.call("DELETE", "/api/v1/session", nil).want(t, 204)
			ada.call("GET", "/api/v1/me", nil).wantError(t, 401, art28.EUNAUTHORIZED, "")
			owner.call("DELETE", "/api/v1/session", nil).want(t, 204)

			// A body over 1 MiB, and a guesser stopped by the sign-in limit on
			// the account it guesses; the same address may still sign in to
			// another account (an office shares one address).
			po.callBad("POST", "/api/v1/customers", map[string]any{"legal_name": strings.Repeat("a", 1<<20), "country": "DE"}).
				wantError(t, 413, "too_large", "")
			for range 10 {
				base.call("POST", "/api/v1/session", map[string]string{"email": "guess@hosting.example", "password": "guess guess guess"}).
					wantError(t, 401, art28.EUNAUTHORIZED, "")
			}
			base.call("POST", "/api/v1/session", map[string]string{"email": "guess@hosting.example", "password": "guess guess guess"}).
				wantError(t, 429, art28.ETOOMANY, "")
			base.call("POST", "/api/v1/session", map[string]string{"email": testrig.OwnerEmail, "password": testrig.OwnerPassword}).
				want(t, 201)

			var missed []string
			for p := range apiPatterns(app.Server) {
				if !conf.covered[p] {
					missed = append(missed, p)
				}
			}
			slices.Sort(missed)
			if len(missed) > 0 {
				t.Errorf("routes never answered with success in this test:\n  %s", strings.Join(missed, "\n  "))
			}
		})
	}
}
