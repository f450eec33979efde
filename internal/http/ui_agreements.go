package http

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/art28/art28"
)

// agreementView is an agreement with what a page shows of it: its
// template's title, its services, the statuses it may move to, and its
// conclusion form.
type agreementView struct {
	*art28.Agreement
	Template string
	Services []*art28.Service
	Next     []art28.AgreementStatus
	Conclude concludeForm
}

// agreementForm holds the form that creates an agreement.
type agreementForm struct {
	TemplateKey string
	ServiceIDs  []int64
	Error       *formError
}

// concludeForm holds the form that records how a draft was concluded.
type concludeForm struct {
	Method       string
	AcceptedBy   string
	AcceptedAt   string // datetime-local, UTC
	AcceptedFrom string
	DocumentHash string
	Error        *formError
}

// datetimeLocal is the format of an <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

func agreementViews(list []*art28.Agreement, templates []*art28.AgreementTemplate, services []*art28.Service, now time.Time) []*agreementView {
	titles := map[string]string{}
	for _, t := range templates {
		titles[t.Key] = t.Title
	}
	byID := map[int64]*art28.Service{}
	for _, v := range services {
		byID[v.ID] = v
	}
	out := make([]*agreementView, 0, len(list))
	for _, ag := range list {
		v := &agreementView{Agreement: ag, Template: titles[ag.TemplateKey],
			Conclude: concludeForm{Method: string(art28.ConcludedElectronic), AcceptedAt: now.UTC().Format(datetimeLocal)}}
		if v.Template == "" {
			v.Template = ag.TemplateKey
		}
		for _, id := range ag.ServiceIDs {
			if svc, ok := byID[id]; ok {
				v.Services = append(v.Services, svc)
			} else {
				v.Services = append(v.Services, &art28.Service{ID: id, Name: fmt.Sprintf("service %d", id)})
			}
		}
		v.Next = nextStatuses(ag)
		out = append(out, v)
	}
	return out
}

// nextStatuses lists the statuses a button may move the agreement to. A
// draft becomes active only through its conclusion form, which records how.
func nextStatuses(ag *art28.Agreement) []art28.AgreementStatus {
	var out []art28.AgreementStatus
	for _, st := range agreementStatuses {
		if ag.Status.CanMoveTo(st) && !(st == art28.AgreementActive && ag.Conclusion == nil) {
			out = append(out, st)
		}
	}
	return out
}

// statusAction labels the button that moves an agreement to st.
func statusAction(st art28.AgreementStatus) string {
	switch st {
	case art28.AgreementActive:
		return "Make active again"
	case art28.AgreementTerminating:
		return "Start termination"
	case art28.AgreementEnded:
		return "End agreement"
	}
	return "Move to " + string(st)
}

func (s *Server) uiCreateAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := customerID(r)
	if err != nil {
		return err
	}
	form := agreementForm{TemplateKey: r.PostFormValue("template_key")}
	form.ServiceIDs, err = formIDs(r, "service_ids")
	if err == nil {
		ag := &art28.Agreement{CustomerID: id, TemplateKey: form.TemplateKey, ServiceIDs: append([]int64(nil), form.ServiceIDs...)}
		err = s.svc.Agreements.CreateAgreement(r.Context(), ag)
	}
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.rerenderCustomer(w, r, id, status, func(d *customerPage) { d.AgreementForm = form })
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d#agreements", id), "The draft agreement is created; record its conclusion when it is accepted.")
}

// customerAgreement reads the {id} and {agreement} of the URL and checks
// that the agreement belongs to the customer, so that a page never acts on
// an agreement it does not show.
func (s *Server) customerAgreement(r *http.Request) (customer, agreement int64, err error) {
	if customer, err = customerID(r); err != nil {
		return 0, 0, err
	}
	if agreement, err = pathID(r, "agreement"); err != nil {
		return 0, 0, err
	}
	ag, err := s.svc.Agreements.Agreement(r.Context(), agreement)
	if err != nil {
		return 0, 0, err
	}
	if ag.CustomerID != customer {
		return 0, 0, art28.Errorf(art28.ENOTFOUND, "Agreement %d not found.", agreement)
	}
	return customer, agreement, nil
}

func (s *Server) uiConcludeAgreement(w http.ResponseWriter, r *http.Request) error {
	id, agreement, err := s.customerAgreement(r)
	if err != nil {
		return err
	}
	f := r.PostFormValue
	form := concludeForm{Method: f("method"), AcceptedBy: f("accepted_by"), AcceptedAt: f("accepted_at"),
		AcceptedFrom: f("accepted_from"), DocumentHash: strings.TrimSpace(f("document_hash"))}
	c := art28.Conclusion{Method: art28.ConclusionMethod(form.Method), AcceptedBy: form.AcceptedBy,
		AcceptedFrom: form.AcceptedFrom, DocumentHash: form.DocumentHash}
	c.AcceptedAt, err = parseDatetimeLocal("accepted_at", form.AcceptedAt)
	if err == nil {
		_, err = s.svc.Agreements.ConcludeAgreement(r.Context(), agreement, c)
	}
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		form.Error.Field = strings.TrimPrefix(form.Error.Field, "conclusion.")
		return s.rerenderCustomer(w, r, id, status, func(d *customerPage) {
			for _, v := range d.Agreements {
				if v.ID == agreement {
					v.Conclude = form
				}
			}
		})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d#agreement-%d", id, agreement), "The conclusion is recorded; the agreement is active.")
}

// parseDatetimeLocal reads the value of a datetime-local input as UTC.
func parseDatetimeLocal(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, art28.FieldError(field, "is required")
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, art28.FieldError(field, "must be a date and time such as 2027-03-01T14:30 (UTC)")
}

func (s *Server) uiSetAgreementStatus(w http.ResponseWriter, r *http.Request) error {
	id, agreement, err := s.customerAgreement(r)
	if err != nil {
		return err
	}
	st := art28.AgreementStatus(r.PostFormValue("status"))
	if _, err := s.svc.Agreements.SetAgreementStatus(r.Context(), agreement, st); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/customers/%d#agreement-%d", id, agreement), "The agreement is now "+string(st)+".")
}
