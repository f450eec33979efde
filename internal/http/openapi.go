package http

import (
	_ "embed"
	"net/http"
)

// openapiDocument describes the JSON API (OpenAPI 3.1). A test checks real
// responses against it.
//
//go:embed openapi.json
var openapiDocument []byte

// OpenAPIDocument returns the API description, for tests and tools.
func OpenAPIDocument() []byte { return openapiDocument }

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openapiDocument)
	return err
}
