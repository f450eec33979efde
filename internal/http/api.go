package http

import (
	"net/http"
)

// apiRoutes is the route table of the JSON API. Every route that reads or
// changes one customer's records is marked Scoped.
func (s *Server) apiRoutes() []Route {
	return []Route{
		{Pattern: "GET /api/v1/openapi.json", Handle: s.apiOpenAPI},

		{Pattern: "GET /api/v1/customers", Handle: s.apiListCustomers},
		{Pattern: "POST /api/v1/customers", Handle: s.apiCreateCustomer},
		{Pattern: "GET /api/v1/customers/{id}", Scoped: true, Handle: s.apiGetCustomer},
		{Pattern: "PATCH /api/v1/customers/{id}", Scoped: true, Handle: s.apiUpdateCustomer},
		{Pattern: "GET /api/v1/customers/{id}/contacts", Scoped: true, Handle: s.apiListContacts},
		{Pattern: "POST /api/v1/customers/{id}/contacts", Scoped: true, Handle: s.apiCreateContact},
		{Pattern: "DELETE /api/v1/customers/{id}/contacts/{contact}", Scoped: true, Handle: s.apiDeleteContact},
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
