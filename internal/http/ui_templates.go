package http

import (
	"net/http"

	"github.com/art28/art28"
)

// templateForm holds the form that adds an agreement template.
type templateForm struct {
	Key         string
	Title       string
	Description string
	Error       *formError
}

type templatesPage struct {
	Templates []*art28.AgreementTemplate
	Form      templateForm
}

func (s *Server) uiTemplates(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	list, err := s.svc.Agreements.Templates(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "templates", "Agreement templates", templatesPage{Templates: list})
}

func (s *Server) uiCreateTemplate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	f := r.PostFormValue
	form := templateForm{Key: f("key"), Title: f("title"), Description: f("description")}
	t := &art28.AgreementTemplate{Key: form.Key, Title: form.Title, Description: form.Description}
	err := s.svc.Agreements.CreateTemplate(r.Context(), t)
	if status, ok := correctable(err); ok {
		list, lerr := s.svc.Agreements.Templates(r.Context())
		if lerr != nil {
			return lerr
		}
		form.Error = toFormError(err)
		return s.render(w, r, status, "templates", "Agreement templates", templatesPage{Templates: list, Form: form})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/templates", "The template "+t.Key+" is added; agreements can now use it.")
}
