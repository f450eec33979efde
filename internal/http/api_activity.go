package http

import (
	"net/http"

	"github.com/art28/art28"
)

func (s *Server) apiListActivity(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	objectID, err := queryID(r, "object_id")
	if err != nil {
		return err
	}
	f := art28.ActivityFilter{ObjectType: r.URL.Query().Get("object_type"), Page: p}
	if objectID != nil {
		f.ObjectID = *objectID
	}
	list, total, err := s.svc.Activities.Activities(r.Context(), f)
	return listed(w, p, list, total, err)
}

func (s *Server) apiCustomerActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := s.customerInScope(r)
	if err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.svc.Activities.Activities(r.Context(), art28.ActivityFilter{CustomerID: &id, Page: p})
	return listed(w, p, list, total, err)
}
