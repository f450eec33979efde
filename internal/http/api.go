package http

import (
	"net/http"
)

// apiRoutes is the route table of the JSON API. Every route that reads or
// changes one customer's records by ID is marked Scoped, so that the tenant
// test calls it with another customer's credentials. A route whose path
// takes an ID is Scoped unless the record can never belong to a customer
// (tenant_test.go keeps that short list).
func (s *Server) apiRoutes() []Route {
	return []Route{
		{Pattern: "GET /api/v1/openapi.json", Handle: s.apiOpenAPI},

		{Pattern: "POST /api/v1/session", Handle: s.apiSignIn},
		{Pattern: "DELETE /api/v1/session", Handle: s.apiSignOut},
		{Pattern: "GET /api/v1/me", Handle: s.apiMe},

		{Pattern: "GET /api/v1/processor", Handle: s.apiGetProfile},
		{Pattern: "PUT /api/v1/processor", Handle: s.apiUpdateProfile},

		{Pattern: "GET /api/v1/services", Handle: s.apiListServices},
		{Pattern: "POST /api/v1/services", Handle: s.apiCreateService},
		{Pattern: "GET /api/v1/services/{id}", Handle: s.apiGetService},
		{Pattern: "PUT /api/v1/services/{id}", Handle: s.apiUpdateService},

		{Pattern: "GET /api/v1/customers", Handle: s.apiListCustomers},
		{Pattern: "POST /api/v1/customers", Handle: s.apiCreateCustomer},
		{Pattern: "GET /api/v1/customers/{id}", Scoped: true, Handle: s.apiGetCustomer},
		{Pattern: "PATCH /api/v1/customers/{id}", Scoped: true, Handle: s.apiUpdateCustomer},
		{Pattern: "GET /api/v1/customers/{id}/contacts", Scoped: true, Handle: s.apiListContacts},
		{Pattern: "POST /api/v1/customers/{id}/contacts", Scoped: true, Handle: s.apiCreateContact},
		{Pattern: "DELETE /api/v1/customers/{id}/contacts/{contact}", Scoped: true, Handle: s.apiDeleteContact},
		{Pattern: "GET /api/v1/customers/{id}/activity", Scoped: true, Handle: s.apiCustomerActivity},
		{Pattern: "GET /api/v1/customers/{id}/agreements", Scoped: true, Handle: s.apiCustomerAgreements},
		{Pattern: "GET /api/v1/customers/{id}/users", Scoped: true, Handle: s.apiListCustomerUsers},
		{Pattern: "POST /api/v1/customers/{id}/users", Scoped: true, Handle: s.apiCreateCustomerUser},

		{Pattern: "GET /api/v1/agreement-templates", Handle: s.apiListTemplates},
		{Pattern: "POST /api/v1/agreement-templates", Handle: s.apiCreateTemplate},
		{Pattern: "GET /api/v1/agreement-templates/{key}/terms", Handle: s.apiListTermsVersions},
		{Pattern: "POST /api/v1/agreement-templates/{key}/terms", Handle: s.apiImportTerms},
		{Pattern: "GET /api/v1/terms-versions/{id}", Handle: s.apiGetTermsVersion},
		{Pattern: "GET /api/v1/terms-versions/{id}/diff", Handle: s.apiDiffTermsVersions},

		{Pattern: "GET /api/v1/agreements", Handle: s.apiListAgreements},
		{Pattern: "POST /api/v1/agreements", Handle: s.apiCreateAgreement},
		{Pattern: "GET /api/v1/agreements/{id}", Scoped: true, Handle: s.apiGetAgreement},
		{Pattern: "POST /api/v1/agreements/{id}/conclude", Scoped: true, Handle: s.apiConcludeAgreement},
		{Pattern: "POST /api/v1/agreements/{id}/status", Scoped: true, Handle: s.apiSetAgreementStatus},
		{Pattern: "GET /api/v1/agreements/{id}/terms", Scoped: true, Handle: s.apiAgreementTerms},

		{Pattern: "GET /api/v1/duties", Handle: s.apiListDuties},
		{Pattern: "POST /api/v1/duties", Handle: s.apiOpenDuty},
		{Pattern: "GET /api/v1/duties/{id}", Scoped: true, Handle: s.apiGetDuty},
		{Pattern: "POST /api/v1/duties/{id}/close", Scoped: true, Handle: s.apiCloseDuty},
		{Pattern: "PUT /api/v1/agreements/{id}/terms", Scoped: true, Handle: s.apiSetAgreementTerms},

		// A user or key may belong to a customer, so these are Scoped too.
		{Pattern: "GET /api/v1/users", Handle: s.apiListUsers},
		{Pattern: "POST /api/v1/users", Handle: s.apiCreateUser},
		{Pattern: "POST /api/v1/users/{id}/disable", Scoped: true, Handle: s.apiDisableUser},
		{Pattern: "POST /api/v1/users/{id}/enable", Scoped: true, Handle: s.apiEnableUser},

		{Pattern: "GET /api/v1/api-keys", Handle: s.apiListAPIKeys},
		{Pattern: "POST /api/v1/api-keys", Handle: s.apiCreateAPIKey},
		{Pattern: "POST /api/v1/api-keys/{id}/revoke", Scoped: true, Handle: s.apiRevokeAPIKey},

		{Pattern: "GET /api/v1/activity", Handle: s.apiListActivity},
	}
}

// created writes a 201 with the resource.
func created(w http.ResponseWriter, v any) error {
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// ok writes a 200 with the resource.
func ok(w http.ResponseWriter, v any) error {
	writeJSON(w, http.StatusOK, v)
	return nil
}

// noContent writes a 204.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}
