package http

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/art28/art28"
)

type templatePage struct {
	Template *art28.AgreementTemplate
	Versions []*art28.TermsVersion
	Import   art28.TermsImport // the import form's text, kept on an error
	Error    *formError
}

func (s *Server) loadTemplatePage(r *http.Request) (*templatePage, error) {
	key := r.PathValue("key")
	list, err := s.svc.Agreements.Templates(r.Context())
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		if t.Key == key {
			versions, err := s.svc.Terms.TermsVersions(r.Context(), key)
			if err != nil {
				return nil, err
			}
			return &templatePage{Template: t, Versions: versions}, nil
		}
	}
	return nil, art28.Errorf(art28.ENOTFOUND, "Template %s not found.", key)
}

func (s *Server) uiTemplate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	d, err := s.loadTemplatePage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "template", d.Template.Title, d)
}

// uiImportTerms imports the pasted terms file as the template's next
// version, or shows every error of the file next to the text.
func (s *Server) uiImportTerms(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	in := art28.TermsImport{Content: r.PostFormValue("content"), LegalText: r.PostFormValue("legal_text")}
	v, isNew, err := s.svc.Terms.ImportTerms(r.Context(), r.PathValue("key"), in)
	if status, ok := correctable(err); ok {
		d, lerr := s.loadTemplatePage(r)
		if lerr != nil {
			return lerr
		}
		d.Import, d.Error = in, toFormError(err)
		return s.render(w, r, status, "template", d.Template.Title, d)
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Imported as version %d.", v.Version)
	if !isNew {
		msg = fmt.Sprintf("This file is already version %d; nothing changed.", v.Version)
	}
	return redirect(w, r, fmt.Sprintf("/terms-versions/%d", v.ID), msg)
}

type termsVersionPage struct {
	Version  *art28.TermsVersion
	Terms    termsBody
	Previous *art28.TermsVersion
	Changes  []art28.TermsChange
}

func (s *Server) uiTermsVersion(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	v, t, err := s.termsVersionOf(r)
	if err != nil {
		return err
	}
	d := termsVersionPage{Version: v, Terms: termsJSON(t, nil)}
	// The difference from the version before, so that a reviewer sees what
	// an import changed.
	versions, err := s.svc.Terms.TermsVersions(r.Context(), v.TemplateKey)
	if err != nil {
		return err
	}
	for _, p := range versions {
		if p.Version == v.Version-1 {
			pt, err := parsedVersion(p)
			if err != nil {
				return err
			}
			d.Previous, d.Changes = p, art28.DiffTerms(pt, t)
		}
	}
	return s.render(w, r, http.StatusOK, "terms_version", v.String(), d)
}

type agreementTermsPage struct {
	Agreement *art28.Agreement
	Customer  *art28.Customer
	Effective effectiveBody
	Versions  []*art28.TermsVersion
	Form      agreementTermsForm
}

type agreementTermsForm struct {
	VersionID int64
	Overrides string
	Error     *formError
}

func (s *Server) loadAgreementTermsPage(r *http.Request) (*agreementTermsPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	ag, err := s.svc.Agreements.Agreement(r.Context(), id)
	if err != nil {
		return nil, err
	}
	c, err := s.svc.Customers.Customer(r.Context(), ag.CustomerID)
	if err != nil {
		return nil, err
	}
	d := &agreementTermsPage{Agreement: ag, Customer: c}
	e, err := s.svc.Terms.AgreementTerms(r.Context(), id)
	switch {
	case err == nil:
		d.Effective = effective(e)
		d.Form = agreementTermsForm{VersionID: e.Version.ID, Overrides: e.Overrides}
	case art28.ErrorCode(err) != art28.ENOTFOUND:
		return nil, err
	}
	if d.Versions, err = s.svc.Terms.TermsVersions(r.Context(), ag.TemplateKey); err != nil {
		return nil, err
	}
	if d.Form.VersionID == 0 && len(d.Versions) > 0 {
		d.Form.VersionID = d.Versions[0].ID
	}
	return d, nil
}

// uiAgreementTerms shows an agreement's effective terms, each field with
// its source; customer staff see their own agreements' terms.
func (s *Server) uiAgreementTerms(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	d, err := s.loadAgreementTermsPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "agreement_terms", "Terms of agreement #"+strconv.FormatInt(d.Agreement.ID, 10), d)
}

func (s *Server) uiSetAgreementTerms(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	versionID, _ := strconv.ParseInt(r.PostFormValue("version_id"), 10, 64)
	overrides := r.PostFormValue("overrides")
	_, err = s.svc.Terms.SetAgreementTerms(r.Context(), id, versionID, overrides)
	if status, ok := correctable(err); ok {
		d, lerr := s.loadAgreementTermsPage(r)
		if lerr != nil {
			return lerr
		}
		d.Form = agreementTermsForm{VersionID: versionID, Overrides: overrides, Error: toFormError(err)}
		return s.render(w, r, status, "agreement_terms", "Terms of agreement #"+strconv.FormatInt(id, 10), d)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/agreements/%d/terms", id), "The agreement's terms are set.")
}
