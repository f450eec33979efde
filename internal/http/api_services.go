package http

import (
	"net/http"

	"github.com/art28/art28"
)

func (s *Server) apiListServices(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.svc.Services.Services(r.Context(), art28.ServiceFilter{Page: p})
	return listed(w, p, list, total, err)
}

// serviceInput is what a client sends to create or replace a service.
type serviceInput struct {
	Name                 string   `json:"name"`
	Description          string   `json:"description"`
	Nature               string   `json:"nature"`
	Purposes             []string `json:"purposes"`
	DataCategories       []string `json:"data_categories"`
	SubjectCategories    []string `json:"subject_categories"`
	Sources              []string `json:"sources"`
	SpecialCategories    []string `json:"special_categories"`
	ClientSideEncryption bool     `json:"client_side_encryption"`
	Locations            []string `json:"locations"`
}

func (in serviceInput) service(id int64) *art28.Service {
	return &art28.Service{ID: id, Name: in.Name, Description: in.Description, Nature: in.Nature,
		Purposes: in.Purposes, DataCategories: in.DataCategories, SubjectCategories: in.SubjectCategories,
		Sources: in.Sources, SpecialCategories: in.SpecialCategories,
		ClientSideEncryption: in.ClientSideEncryption, Locations: in.Locations}
}

func (s *Server) apiCreateService(w http.ResponseWriter, r *http.Request) error {
	var in serviceInput
	if err := decode(r, &in); err != nil {
		return err
	}
	svc := in.service(0)
	if err := s.svc.Services.CreateService(r.Context(), svc); err != nil {
		return err
	}
	return created(w, svc)
}

func (s *Server) apiGetService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	svc, err := s.svc.Services.Service(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, svc)
}

func (s *Server) apiUpdateService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in serviceInput
	if err := decode(r, &in); err != nil {
		return err
	}
	svc := in.service(id)
	if err := s.svc.Services.UpdateService(r.Context(), svc); err != nil {
		return err
	}
	return ok(w, svc)
}
