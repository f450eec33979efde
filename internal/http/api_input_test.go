package http_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// TestAPIBadInput sends broken, unknown, mistyped, oversized, invalid and
// duplicate input to the API: each must be a 4xx naming the field, never a
// 500, and must write nothing.
func TestAPIBadInput(t *testing.T) {
	for _, d := range testrig.Dialects {
		t.Run(string(d), func(t *testing.T) {
			app := testrig.NewApp(t, d)
			_, secret := ownerKey(t, app, "input tests", art28.RolePrivacyOfficer, 0)
			base := newClient(t, app)
			po := base.withKey(secret)
			owner := base.signIn(testrig.OwnerEmail, testrig.OwnerPassword)

			// Records the duplicates collide with.
			cust := decodeAs[struct{ ID int64 }](t, po.call("POST", "/api/v1/customers",
				map[string]any{"legal_name": "Acme GmbH", "country": "DE"}).want(t, 201))
			po.call("POST", path("/api/v1/customers/%d/contacts", cust.ID),
				map[string]any{"name": "Carla", "email": "carla@acme.example", "roles": []string{"dpo"}}).want(t, 201)
			svc := decodeAs[struct{ ID int64 }](t, po.call("POST", "/api/v1/services", map[string]any{"name": "Mail",
				"nature": "e-mail hosting", "purposes": []string{"e-mail"}, "data_categories": []string{"messages"},
				"subject_categories": []string{"staff"}, "locations": []string{"DE"}}).want(t, 201))
			po.call("POST", "/api/v1/agreement-templates", map[string]any{"key": "dpa", "title": "DPA"}).want(t, 201)
			ag := decodeAs[struct{ ID int64 }](t, po.call("POST", "/api/v1/agreements",
				map[string]any{"customer_id": cust.ID, "template_key": "dpa", "service_ids": []int64{svc.ID}}).want(t, 201))
			owner.call("POST", "/api/v1/users", map[string]any{"email": "oscar@hosting.example", "name": "Oscar",
				"role": "operator", "password": "a long enough password"}).want(t, 201)

			customers := path("/api/v1/customers/%d", cust.ID)
			contacts := customers + "/contacts"
			services := path("/api/v1/services/%d", svc.ID)
			agreement := path("/api/v1/agreements/%d", ag.ID)
			huge := `{"legal_name": "` + strings.Repeat("a", 1<<20) + `", "country": "DE"}`
			serviceWith := func(field string, v any) map[string]any {
				m := map[string]any{"name": "Files", "nature": "file hosting", "purposes": []string{"files"},
					"data_categories": []string{"documents"}, "subject_categories": []string{"staff"}, "locations": []string{"DE"}}
				m[field] = v
				return m
			}
			user := func(email, role, password string) map[string]any {
				return map[string]any{"email": email, "name": "Someone", "role": role, "password": password}
			}

			for _, tc := range []struct {
				name         string
				as           *apiClient
				method, path string
				body         any
				contentType  string // default application/json
				status       int
				code, field  string
			}{
				{"malformed JSON", po, "POST", "/api/v1/customers", `{"legal_name": "B",`, "", 422, art28.EINVALID, ""},
				{"not JSON", po, "POST", "/api/v1/customers", `legal_name=B`, "", 422, art28.EINVALID, ""},
				{"syntax error", po, "POST", "/api/v1/customers", `{"legal_name" "B"}`, "", 422, art28.EINVALID, ""},
				{"empty body", po, "POST", "/api/v1/customers", ``, "", 422, art28.EINVALID, ""},
				{"array body", po, "POST", "/api/v1/customers", `[]`, "", 422, art28.EINVALID, ""},
				{"trailing data", po, "POST", "/api/v1/customers", `{"legal_name": "B", "country": "DE"} {}`, "", 422, art28.EINVALID, ""},
				{"wrong content type", po, "POST", "/api/v1/customers", `{"legal_name": "B", "country": "DE"}`, "text/plain", 422, art28.EINVALID, "Content-Type"},
				{"unknown field", po, "POST", "/api/v1/customers", `{"legal_name": "B", "country": "DE", "id": 7}`, "", 422, art28.EINVALID, "id"},
				{"unknown field on update", po, "PATCH", customers, `{"created_at": "2020-01-01T00:00:00Z"}`, "", 422, art28.EINVALID, "created_at"},
				{"unknown nested field", po, "POST", "/api/v1/agreements", `{"customer_id": 1, "template_key": "dpa", "service_ids": [1], "status": "active", "conclusion": {"method": "signature", "signed": true}}`, "", 422, art28.EINVALID, "signed"}, // encoding/json names no path
				{"wrong type", po, "POST", "/api/v1/customers", `{"legal_name": 5, "country": "DE"}`, "", 422, art28.EINVALID, "legal_name"},
				{"wrong type bool", po, "POST", "/api/v1/customers", `{"legal_name": "B", "country": "DE", "eu_established": "yes"}`, "", 422, art28.EINVALID, "eu_established"},
				{"wrong type list", po, "POST", "/api/v1/services", serviceWith("purposes", "files"), "", 422, art28.EINVALID, "purposes"},
				{"wrong type ID", po, "POST", "/api/v1/agreements", `{"customer_id": "one", "template_key": "dpa", "service_ids": [1]}`, "", 422, art28.EINVALID, "customer_id"},
				{"wrong nested type", po, "POST", "/api/v1/agreements", `{"customer_id": 1, "template_key": "dpa", "service_ids": [1], "conclusion": {"method": 3}}`, "", 422, art28.EINVALID, "conclusion.method"},
				{"body over 1 MiB", po, "POST", "/api/v1/customers", huge, "", 413, "too_large", ""},
				{"body over 1 MiB on update", po, "PUT", services, huge, "", 413, "too_large", ""},
				{"invalid contact e-mail", po, "POST", contacts, map[string]any{"name": "X", "email": "not-an-address", "roles": []string{"dpo"}}, "", 422, art28.EINVALID, "email"},
				{"e-mail with display name", po, "POST", contacts, map[string]any{"name": "X", "email": "X <x@acme.example>", "roles": []string{"dpo"}}, "", 422, art28.EINVALID, "email"},
				{"invalid DPO e-mail", po, "PUT", "/api/v1/processor", map[string]any{"legal_name": "Hosting AG", "dpo_email": "dpo@"}, "", 422, art28.EINVALID, "dpo_email"},
				{"invalid user e-mail", owner, "POST", "/api/v1/users", user("oscar", "operator", "a long enough password"), "", 422, art28.EINVALID, "email"},
				{"invalid country", po, "POST", "/api/v1/customers", map[string]any{"legal_name": "B", "country": "XX"}, "", 422, art28.EINVALID, "country"},
				{"invalid country on update", po, "PATCH", customers, map[string]any{"country": "Germany"}, "", 422, art28.EINVALID, "country"},
				{"invalid location", po, "PUT", services, serviceWith("locations", []string{"DE", "ZZ"}), "", 422, art28.EINVALID, "locations"},
				{"invalid profile country", po, "PUT", "/api/v1/processor", map[string]any{"legal_name": "Hosting AG", "country": "EU"}, "", 422, art28.EINVALID, "country"},
				{"missing required field", po, "POST", "/api/v1/customers", map[string]any{"country": "DE"}, "", 422, art28.EINVALID, "legal_name"},
				{"invalid contact role", po, "POST", contacts, map[string]any{"name": "X", "email": "x@acme.example", "roles": []string{"ceo"}}, "", 422, art28.EINVALID, "roles"},
				{"invalid template key", po, "POST", "/api/v1/agreement-templates", map[string]any{"key": "Not A Key", "title": "T"}, "", 422, art28.EINVALID, "key"},
				{"unknown template", po, "POST", "/api/v1/agreements", map[string]any{"customer_id": cust.ID, "template_key": "nope", "service_ids": []int64{svc.ID}}, "", 422, art28.EINVALID, "template_key"},
				{"unknown customer", po, "POST", "/api/v1/agreements", map[string]any{"customer_id": 999999, "template_key": "dpa", "service_ids": []int64{svc.ID}}, "", 422, art28.EINVALID, "customer_id"},
				{"no services", po, "POST", "/api/v1/agreements", map[string]any{"customer_id": cust.ID, "template_key": "dpa", "service_ids": []int64{}}, "", 422, art28.EINVALID, "service_ids"},
				{"active without conclusion", po, "POST", "/api/v1/agreements", map[string]any{"customer_id": cust.ID, "template_key": "dpa", "service_ids": []int64{svc.ID}, "status": "active"}, "", 422, art28.EINVALID, "conclusion"},
				{"malformed accepted_at", po, "POST", agreement + "/conclude", map[string]any{"method": "signature", "accepted_by": "Carla", "accepted_at": "yesterday"}, "", 422, art28.EINVALID, "accepted_at"},
				{"malformed nested accepted_at", po, "POST", "/api/v1/agreements", map[string]any{"customer_id": cust.ID, "template_key": "dpa", "service_ids": []int64{svc.ID}, "status": "active", "conclusion": map[string]any{"method": "signature", "accepted_by": "Carla", "accepted_at": "1 March"}}, "", 422, art28.EINVALID, "conclusion.accepted_at"},
				{"future accepted_at", po, "POST", agreement + "/conclude", map[string]any{"method": "signature", "accepted_by": "Carla", "accepted_at": "2030-01-01T00:00:00Z"}, "", 422, art28.EINVALID, "accepted_at"},
				{"unknown conclusion method", po, "POST", agreement + "/conclude", map[string]any{"method": "handshake", "accepted_by": "Carla", "accepted_at": "2027-03-01T08:00:00Z"}, "", 422, art28.EINVALID, "method"},
				{"electronic without hash", po, "POST", agreement + "/conclude", map[string]any{"method": "electronic", "accepted_by": "Carla", "accepted_at": "2027-03-01T08:00:00Z", "accepted_from": "192.0.2.1"}, "", 422, art28.EINVALID, "document_hash"},
				{"unknown status", po, "POST", agreement + "/status", map[string]any{"status": "paused"}, "", 422, art28.EINVALID, "status"},
				{"customer role at /users", owner, "POST", "/api/v1/users", user("c@acme.example", "customer_admin", "a long enough password"), "", 422, art28.EINVALID, "role"},
				{"processor role at customer users", po, "POST", customers + "/users", user("o@acme.example", "owner", "a long enough password"), "", 422, art28.EINVALID, "role"},
				{"no role at customer users", po, "POST", customers + "/users", map[string]any{"email": "n@acme.example", "name": "N", "password": "a long enough password"}, "", 422, art28.EINVALID, "role"},
				{"unknown role", owner, "POST", "/api/v1/users", user("r@hosting.example", "root", "a long enough password"), "", 422, art28.EINVALID, "role"},
				{"short password", owner, "POST", "/api/v1/users", user("s@hosting.example", "operator", "short"), "", 422, art28.EINVALID, "password"},
				{"owner API key", po, "POST", "/api/v1/api-keys", map[string]any{"name": "k", "role": "owner"}, "", 422, art28.EINVALID, "role"},
				{"customer key without customer", po, "POST", "/api/v1/api-keys", map[string]any{"name": "k", "role": "customer_member"}, "", 422, art28.EINVALID, "customer_id"},
				{"duplicate customer", po, "POST", "/api/v1/customers", map[string]any{"legal_name": "ACME GmbH", "country": "FR"}, "", 409, art28.ECONFLICT, "legal_name"},
				{"duplicate customer, other case and spacing", po, "POST", "/api/v1/customers", map[string]any{"legal_name": " acme gmbh ", "country": "DE"}, "", 409, art28.ECONFLICT, "legal_name"},
				{"duplicate service", po, "POST", "/api/v1/services", serviceWith("name", "MAIL"), "", 409, art28.ECONFLICT, "name"},
				{"duplicate template", po, "POST", "/api/v1/agreement-templates", map[string]any{"key": "dpa", "title": "Again"}, "", 409, art28.ECONFLICT, "key"},
				{"duplicate contact", po, "POST", contacts, map[string]any{"name": "C2", "email": "CARLA@acme.example", "roles": []string{"legal"}}, "", 409, art28.ECONFLICT, "email"},
				{"duplicate user", owner, "POST", "/api/v1/users", user("Oscar@Hosting.example", "read_only", "a long enough password"), "", 409, art28.ECONFLICT, "email"},
				{"bad path ID", po, "GET", "/api/v1/customers/abc", nil, "", 422, art28.EINVALID, "id"},
				{"zero path ID", po, "PATCH", "/api/v1/customers/0", map[string]any{"address": "x"}, "", 422, art28.EINVALID, "id"},
				{"bad sub-ID", po, "DELETE", contacts + "/-1", nil, "", 422, art28.EINVALID, "contact"},
				{"negative offset", po, "GET", "/api/v1/customers?offset=-1", nil, "", 422, art28.EINVALID, "offset"},
				{"limit too large", po, "GET", "/api/v1/agreements?limit=501", nil, "", 422, art28.EINVALID, "limit"},
				{"bad status filter", po, "GET", "/api/v1/agreements?status=paused", nil, "", 422, art28.EINVALID, "status"},
				{"bad customer filter", po, "GET", "/api/v1/agreements?customer_id=x", nil, "", 422, art28.EINVALID, "customer_id"},
				{"bad object filter", po, "GET", "/api/v1/activity?object_id=0", nil, "", 422, art28.EINVALID, "object_id"},
				{"sub-processor in an unknown country", po, "POST", "/api/v1/subprocessors", map[string]any{"name": "X", "country": "XX", "purpose": "x", "service_ids": []int64{svc.ID}}, "", 422, art28.EINVALID, "country"},
				{"non-EEA sub-processor without safeguard", po, "POST", "/api/v1/subprocessors", map[string]any{"name": "X", "country": "US", "purpose": "x", "service_ids": []int64{svc.ID}}, "", 422, art28.EINVALID, "safeguard"},
				{"adequacy where there is none", po, "POST", "/api/v1/subprocessors", map[string]any{"name": "X", "country": "CN", "purpose": "x", "service_ids": []int64{svc.ID}, "safeguard": "adequacy"}, "", 422, art28.EINVALID, "safeguard"},
				{"sub-processor of an unknown service", po, "POST", "/api/v1/subprocessors", map[string]any{"name": "X", "country": "DE", "purpose": "x", "service_ids": []int64{999999}}, "", 422, art28.EINVALID, "service_ids"},
				{"malformed CSV row", po, "POST", "/api/v1/subprocessors/import", "name,country,purpose\nA,DE,x\n\"B,DE,x\n", "text/csv", 422, art28.EINVALID, "csv"},
				{"CSV as JSON", po, "POST", "/api/v1/subprocessors/import", `{"name": "A"}`, "", 422, art28.EINVALID, "Content-Type"},
				{"announcement of nothing", po, "POST", "/api/v1/changes", map[string]any{"kind": "add", "subprocessor_id": 999999, "summary": "x"}, "", 422, art28.EINVALID, "subprocessor_id"},
				{"announcement without summary", po, "POST", "/api/v1/changes", map[string]any{"kind": "add", "subprocessor_id": 1, "summary": ""}, "", 422, art28.EINVALID, "summary"},
				{"bad resolution", po, "POST", "/api/v1/notices/1/resolve", map[string]any{"resolution": "ignore"}, "", 422, art28.EINVALID, "resolution"},
				{"transfer check without agreement", po, "GET", "/api/v1/transfer-check?subprocessor=1", nil, "", 422, art28.EINVALID, "agreement"},
				{"transfer check at a time without zone", po, "GET", "/api/v1/transfer-check?agreement=1&subprocessor=1&at=2027-03-01T09:00:00", nil, "", 422, art28.EINVALID, "at"},
				{"webhook to a non-HTTP URL", po, "POST", customers + "/webhooks", map[string]any{"url": "javascript:alert(1)"}, "", 422, art28.EINVALID, "url"},
				{"sign-in without password", base, "POST", "/api/v1/session", map[string]any{"email": testrig.OwnerEmail}, "", 401, art28.EUNAUTHORIZED, ""},
				{"sign-in with unknown field", base, "POST", "/api/v1/session", map[string]any{"email": testrig.OwnerEmail, "password": testrig.OwnerPassword, "remember": true}, "", 422, art28.EINVALID, "remember"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := activityTotal(t, app)
					b := bodyBytes(t, tc.body)
					h := tc.as.header(tc.method, b)
					if tc.contentType != "" {
						h.Set("Content-Type", tc.contentType)
					}
					r := tc.as.send(tc.method, tc.path, b, h, true)
					r.wantError(t, tc.status, tc.code, tc.field)
					if after := activityTotal(t, app); after != before {
						t.Errorf("%s: activity went from %d to %d entries: something was written", tc.name, before, after)
					}
				})
			}

			// The customer, its contacts and the agreement are as they were.
			c := decodeAs[map[string]any](t, po.call("GET", customers, nil).want(t, 200))
			if c["legal_name"] != "Acme GmbH" || c["country"] != "DE" {
				t.Errorf("customer changed: %v", c)
			}
			if l := decodeAs[list[any]](t, po.call("GET", contacts, nil).want(t, 200)); l.Total != 1 {
				t.Errorf("contacts: %+v", l)
			}
			if a := decodeAs[map[string]any](t, po.call("GET", agreement, nil).want(t, 200)); a["status"] != "draft" {
				t.Errorf("agreement changed: %v", a)
			}
		})
	}
}

// TestAPISessionNeedsCSRF checks that a session changes nothing without its
// CSRF token, while an API key needs none.
func TestAPISessionNeedsCSRF(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	owner := newClient(t, app).signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	before := activityTotal(t, app)
	for _, token := range []string{"", "wrong"} {
		c := *owner
		c.csrf = token
		c.call("POST", "/api/v1/customers", map[string]any{"legal_name": "B", "country": "DE"}).wantError(t, http.StatusForbidden, art28.EFORBIDDEN, "")
		c.call("DELETE", "/api/v1/session", nil).wantError(t, http.StatusForbidden, art28.EFORBIDDEN, "")
	}
	if after := activityTotal(t, app); after != before {
		t.Errorf("activity went from %d to %d entries", before, after)
	}
	owner.call("POST", "/api/v1/customers", map[string]any{"legal_name": "B", "country": "DE"}).want(t, http.StatusCreated)
}
