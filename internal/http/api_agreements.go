package http

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/art28/art28"
)

func (s *Server) apiListTemplates(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Agreements.Templates(r.Context())
	if err != nil {
		return err
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

// templateInput is what a client sends to create a template. A template has
// no server-set fields, but the API keeps its own input type all the same,
// so that a field added to the domain type does not become writable unseen.
type templateInput struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func (s *Server) apiCreateTemplate(w http.ResponseWriter, r *http.Request) error {
	var in templateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t := &art28.AgreementTemplate{Key: in.Key, Title: in.Title, Description: in.Description}
	if err := s.svc.Agreements.CreateTemplate(r.Context(), t); err != nil {
		return err
	}
	return created(w, t)
}

// agreementStatusOf reads an optional status query parameter.
func agreementStatusOf(r *http.Request) (*art28.AgreementStatus, error) {
	v := r.URL.Query().Get("status")
	if v == "" {
		return nil, nil
	}
	st := art28.AgreementStatus(v)
	switch st {
	case art28.AgreementDraft, art28.AgreementActive, art28.AgreementTerminating, art28.AgreementEnded:
		return &st, nil
	}
	return nil, art28.FieldError("status", "must be draft, active, terminating or ended")
}

func (s *Server) apiListAgreements(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	customerID, err := queryID(r, "customer_id")
	if err != nil {
		return err
	}
	st, err := agreementStatusOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.svc.Agreements.Agreements(r.Context(), art28.AgreementFilter{CustomerID: customerID, Status: st, Page: p})
	return listed(w, p, list, total, err)
}

func (s *Server) apiCustomerAgreements(w http.ResponseWriter, r *http.Request) error {
	id, err := s.customerInScope(r)
	if err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	st, err := agreementStatusOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.svc.Agreements.Agreements(r.Context(), art28.AgreementFilter{CustomerID: &id, Status: st, Page: p})
	return listed(w, p, list, total, err)
}

// conclusionInput is how an agreement was concluded, as a client sends it.
// accepted_at is a string so that a malformed time is reported against its
// field rather than as unreadable JSON.
type conclusionInput struct {
	Method       art28.ConclusionMethod `json:"method"`
	AcceptedBy   string                 `json:"accepted_by"`
	AcceptedAt   string                 `json:"accepted_at"`
	AcceptedFrom string                 `json:"accepted_from"`
	DocumentHash string                 `json:"document_hash"`
}

// conclusion converts in; field is the name of the time field in errors.
func (in conclusionInput) conclusion(field string) (art28.Conclusion, error) {
	c := art28.Conclusion{Method: in.Method, AcceptedBy: in.AcceptedBy, AcceptedFrom: in.AcceptedFrom, DocumentHash: in.DocumentHash}
	if in.AcceptedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, in.AcceptedAt)
		if err != nil {
			return c, art28.FieldError(field, "must be a date and time as in RFC 3339, e.g. 2027-03-01T09:00:00Z")
		}
		c.AcceptedAt = t
	}
	return c, nil
}

// agreementInput is what a client sends to create an agreement: usually a
// draft, or an agreement already concluded elsewhere with its conclusion.
type agreementInput struct {
	CustomerID  int64                 `json:"customer_id"`
	TemplateKey string                `json:"template_key"`
	ServiceIDs  []int64               `json:"service_ids"`
	Status      art28.AgreementStatus `json:"status"`
	Conclusion  *conclusionInput      `json:"conclusion"`
}

func (s *Server) apiCreateAgreement(w http.ResponseWriter, r *http.Request) error {
	var in agreementInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a := &art28.Agreement{CustomerID: in.CustomerID, TemplateKey: in.TemplateKey, ServiceIDs: in.ServiceIDs, Status: in.Status}
	if in.Conclusion != nil {
		c, err := in.Conclusion.conclusion("conclusion.accepted_at")
		if err != nil {
			return err
		}
		a.Conclusion = &c
	}
	if err := s.svc.Agreements.CreateAgreement(r.Context(), a); err != nil {
		return err
	}
	return created(w, a)
}

func (s *Server) apiGetAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.svc.Agreements.Agreement(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, a)
}

// apiConcludeAgreement takes the conclusion itself as the body.
func (s *Server) apiConcludeAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in conclusionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := in.conclusion("accepted_at")
	if err != nil {
		return err
	}
	a, err := s.svc.Agreements.ConcludeAgreement(r.Context(), id, c)
	if err != nil {
		// The domain names the fields as parts of an agreement; here the
		// body is the conclusion, so name them as the client sent them.
		return trimField(err, "conclusion.")
	}
	return ok(w, a)
}

// trimField removes prefix from the field an application error names.
func trimField(err error, prefix string) error {
	var e *art28.Error
	if !errors.As(err, &e) || !strings.HasPrefix(e.Field, prefix) {
		return err
	}
	c := *e
	c.Field = strings.TrimPrefix(e.Field, prefix)
	return &c
}

// statusInput is the body of a status change.
type statusInput struct {
	Status art28.AgreementStatus `json:"status"`
}

func (s *Server) apiSetAgreementStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in statusInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.svc.Agreements.SetAgreementStatus(r.Context(), id, in.Status)
	if err != nil {
		return err
	}
	return ok(w, a)
}
