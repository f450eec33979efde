package http

import (
	"net/http"
	"time"

	"github.com/art28/art28"
)

// bulletinAPIRoutes are the other notices of issue 5: disruptions,
// authority action, seizure, insolvency, legal obligations, inadequate
// measures, revoked certifications, DPO changes.
func (s *Server) bulletinAPIRoutes() []Route {
	return []Route{
		{Pattern: "GET /api/v1/bulletins", Handle: s.apiListBulletins},
		{Pattern: "POST /api/v1/bulletins", Handle: s.apiIssueBulletin},
		{Pattern: "GET /api/v1/bulletins/{id}", Scoped: true, Handle: s.apiGetBulletin},
		{Pattern: "POST /api/v1/bulletins/{id}/acknowledge", Scoped: true, Handle: s.apiAcknowledgeBulletin},
		{Pattern: "GET /api/v1/bulletins/{id}/recipients", Handle: s.apiBulletinRecipients},
		{Pattern: "POST /api/v1/bulletins/{id}/send", Handle: s.apiSendBulletin},
	}
}

func (s *Server) apiListBulletins(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.svc.Bulletins.Bulletins(r.Context(), p)
	return listed(w, p, list, total, err)
}

// bulletinInput issues a bulletin.
type bulletinInput struct {
	Kind           art28.BulletinKind `json:"kind"`
	Title          string             `json:"title"`
	Body           string             `json:"body"`
	AllRunning     bool               `json:"all_running"`
	CustomerIDs    []int64            `json:"customer_ids"`
	OccurredAt     *time.Time         `json:"occurred_at"`
	ProcessingFrom *time.Time         `json:"processing_from"`
	WithheldReason string             `json:"withheld_reason"`
}

func (s *Server) apiIssueBulletin(w http.ResponseWriter, r *http.Request) error {
	var in bulletinInput
	if err := decode(r, &in); err != nil {
		return err
	}
	b := &art28.Bulletin{Kind: in.Kind, Title: in.Title, Body: in.Body, AllRunning: in.AllRunning, CustomerIDs: in.CustomerIDs,
		ProcessingFrom: in.ProcessingFrom, WithheldReason: in.WithheldReason}
	if in.OccurredAt != nil {
		b.OccurredAt = *in.OccurredAt
	}
	if err := s.svc.Bulletins.IssueBulletin(r.Context(), b); err != nil {
		return err
	}
	return created(w, b)
}

func (s *Server) apiGetBulletin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Bulletins.Bulletin(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, b)
}

func (s *Server) apiAcknowledgeBulletin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Bulletins.AcknowledgeBulletin(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, b)
}

func (s *Server) apiBulletinRecipients(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Bulletins.BulletinRecipients(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

func (s *Server) apiSendBulletin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Bulletins.SendBulletin(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, b)
}
