package http

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/art28/art28"
)

type servicesPage struct {
	Services []*art28.Service
	Pager    pager
}

type servicePage struct {
	Service *art28.Service // nil on the page of a new service
	Form    serviceForm
}

// serviceForm holds the service form as typed: lists one entry a line,
// locations separated by commas.
type serviceForm struct {
	Name                 string
	Description          string
	Nature               string
	Purposes             string
	DataCategories       string
	SubjectCategories    string
	Sources              string
	SpecialCategories    string
	ClientSideEncryption bool
	Locations            string
	Error                *formError
}

func serviceFormOf(v *art28.Service) serviceForm {
	return serviceForm{
		Name: v.Name, Description: v.Description, Nature: v.Nature,
		Purposes: strings.Join(v.Purposes, "\n"), DataCategories: strings.Join(v.DataCategories, "\n"),
		SubjectCategories: strings.Join(v.SubjectCategories, "\n"), Sources: strings.Join(v.Sources, "\n"),
		SpecialCategories: strings.Join(v.SpecialCategories, "\n"), ClientSideEncryption: v.ClientSideEncryption,
		Locations: strings.Join(v.Locations, ", "),
	}
}

func readServiceForm(r *http.Request) serviceForm {
	f := r.PostFormValue
	return serviceForm{
		Name: f("name"), Description: f("description"), Nature: f("nature"),
		Purposes: f("purposes"), DataCategories: f("data_categories"), SubjectCategories: f("subject_categories"),
		Sources: f("sources"), SpecialCategories: f("special_categories"),
		ClientSideEncryption: f("client_side_encryption") != "", Locations: f("locations"),
	}
}

func (f serviceForm) service() *art28.Service {
	return &art28.Service{
		Name: f.Name, Description: f.Description, Nature: f.Nature,
		Purposes: lines(f.Purposes), DataCategories: lines(f.DataCategories),
		SubjectCategories: lines(f.SubjectCategories), Sources: lines(f.Sources),
		SpecialCategories: lines(f.SpecialCategories), ClientSideEncryption: f.ClientSideEncryption,
		Locations: commaList(f.Locations),
	}
}

const servicesPerPage = 50

func (s *Server) uiServices(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	n, p := pageParam(r, "page", servicesPerPage)
	list, total, err := s.svc.Services.Services(r.Context(), art28.ServiceFilter{Page: p})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "services", "Services", servicesPage{Services: list, Pager: newPager(r, "page", n, servicesPerPage, total)})
}

func (s *Server) uiNewService(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	if !a.Role.Can(art28.PermWrite) {
		return art28.Errorf(art28.EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	return s.render(w, r, http.StatusOK, "service", "New service", servicePage{})
}

func (s *Server) uiCreateService(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	form := readServiceForm(r)
	v := form.service()
	err := s.svc.Services.CreateService(r.Context(), v)
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		return s.render(w, r, status, "service", "New service", servicePage{Form: form})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/services/%d", v.ID), "The service "+v.Name+" is created.")
}

func (s *Server) uiService(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Services.Service(r.Context(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "service", v.Name, servicePage{Service: v, Form: serviceFormOf(v)})
}

func (s *Server) uiUpdateService(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := readServiceForm(r)
	v := form.service()
	v.ID = id
	err = s.svc.Services.UpdateService(r.Context(), v)
	if status, ok := correctable(err); ok {
		stored, serr := s.svc.Services.Service(r.Context(), id)
		if serr != nil {
			return serr
		}
		form.Error = toFormError(err)
		return s.render(w, r, status, "service", stored.Name, servicePage{Service: stored, Form: form})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/services/%d", id), "The service is saved.")
}
