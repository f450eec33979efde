package http

import (
	"net/http"

	"github.com/art28/art28"
)

func (s *Server) apiListAPIKeys(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.APIKeys.APIKeys(r.Context())
	if err != nil {
		return err
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

// apiKeyInput is what a client sends to create an API key.
type apiKeyInput struct {
	Name       string     `json:"name"`
	Role       art28.Role `json:"role"`
	CustomerID int64      `json:"customer_id"`
}

// newAPIKey is the answer to a key's creation: the key and, this once, its
// secret.
type newAPIKey struct {
	*art28.APIKey
	Secret string `json:"secret"`
}

func (s *Server) apiCreateAPIKey(w http.ResponseWriter, r *http.Request) error {
	var in apiKeyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	k := &art28.APIKey{Name: in.Name, Role: in.Role, CustomerID: in.CustomerID}
	secret, err := s.svc.APIKeys.CreateAPIKey(r.Context(), k)
	if err != nil {
		return err
	}
	return created(w, newAPIKey{APIKey: k, Secret: secret})
}

func (s *Server) apiRevokeAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	k, err := s.svc.APIKeys.RevokeAPIKey(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, k)
}
