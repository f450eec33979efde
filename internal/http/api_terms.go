package http

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/terms"
)

// termsField is one field of a clause, with where it comes from.
type termsField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source,omitempty"` // template or override, in effective terms
}

// termsClause is one clause of terms as the API shows it.
type termsClause struct {
	Key        art28.ClauseKey `json:"key"`
	Implements []string        `json:"implements"`
	Fields     []termsField    `json:"fields"`
}

// termsBody is terms as the API shows them: zone, calendar and clauses in
// the order of the format's clause keys.
type termsBody struct {
	TimeZone string        `json:"timezone"`
	Calendar string        `json:"calendar"`
	Clauses  []termsClause `json:"clauses"`
}

func termsJSON(t *art28.Terms, sources map[string]string) termsBody {
	out := termsBody{TimeZone: t.TimeZone, Calendar: t.Calendar, Clauses: []termsClause{}}
	fields := t.Fields()
	for _, key := range art28.ClauseKeys {
		c, ok := t.Clauses[key]
		if !ok {
			continue
		}
		tc := termsClause{Key: key, Implements: c.Implements, Fields: []termsField{}}
		if tc.Implements == nil {
			tc.Implements = []string{}
		}
		prefix := "clauses." + string(key) + "."
		var names []string
		for k := range fields {
			if len(k) > len(prefix) && k[:len(prefix)] == prefix && k[len(prefix):] != "implements" {
				names = append(names, k[len(prefix):])
			}
		}
		sort.Strings(names)
		for _, n := range names {
			tc.Fields = append(tc.Fields, termsField{Name: n, Value: fields[prefix+n], Source: sources[prefix+n]})
		}
		out.Clauses = append(out.Clauses, tc)
	}
	return out
}

func (s *Server) apiListTermsVersions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Terms.TermsVersions(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	if list == nil {
		list = []*art28.TermsVersion{}
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

func (s *Server) apiImportTerms(w http.ResponseWriter, r *http.Request) error {
	var in art28.TermsImport
	if err := decode(r, &in); err != nil {
		return err
	}
	v, isNew, err := s.svc.Terms.ImportTerms(r.Context(), r.PathValue("key"), in)
	if err != nil {
		return err
	}
	if isNew {
		return created(w, v)
	}
	return ok(w, v)
}

// termsVersionBody is a version with its terms read.
type termsVersionBody struct {
	*art28.TermsVersion
	Terms termsBody `json:"parsed"`
}

func (s *Server) apiGetTermsVersion(w http.ResponseWriter, r *http.Request) error {
	v, t, err := s.termsVersionOf(r)
	if err != nil {
		return err
	}
	return ok(w, termsVersionBody{TermsVersion: v, Terms: termsJSON(t, nil)})
}

// termsVersionOf reads the version the path's {id} names, with its terms.
func (s *Server) termsVersionOf(r *http.Request) (*art28.TermsVersion, *art28.Terms, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	v, err := s.svc.Terms.TermsVersion(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	t, err := parsedVersion(v)
	return v, t, err
}

// parsedVersion reads a stored version; it was checked on import.
func parsedVersion(v *art28.TermsVersion) (*art28.Terms, error) {
	return terms.Parse(v.TemplateKey+".yaml", []byte(v.Content))
}

// termsDiff is the difference between two versions.
type termsDiff struct {
	From    int64               `json:"from"`
	To      int64               `json:"to"`
	Changes []art28.TermsChange `json:"changes"`
}

func (s *Server) apiDiffTermsVersions(w http.ResponseWriter, r *http.Request) error {
	to, err := pathID(r, "id")
	if err != nil {
		return err
	}
	from, err := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	if err != nil || from <= 0 {
		return art28.FieldError("from", "must be the ID of the version to compare with")
	}
	var terms [2]*art28.Terms
	for i, id := range []int64{from, to} {
		v, err := s.svc.Terms.TermsVersion(r.Context(), id)
		if err != nil {
			if art28.ErrorCode(err) == art28.ENOTFOUND && i == 0 {
				return art28.FieldError("from", "no terms version %d exists", id)
			}
			return err
		}
		if terms[i], err = parsedVersion(v); err != nil {
			return err
		}
	}
	changes := art28.DiffTerms(terms[0], terms[1])
	if changes == nil {
		changes = []art28.TermsChange{}
	}
	return ok(w, termsDiff{From: from, To: to, Changes: changes})
}

// effectiveBody is an agreement's effective terms; Version is null until
// the agreement has terms.
type effectiveBody struct {
	Version   *art28.TermsVersion `json:"version"`
	Overrides string              `json:"overrides"`
	Terms     *termsBody          `json:"terms"`
}

func (s *Server) apiAgreementTerms(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The agreement first: its scope decides what the caller may see.
	if _, err := s.svc.Agreements.Agreement(r.Context(), id); err != nil {
		return err
	}
	e, err := s.svc.Terms.AgreementTerms(r.Context(), id)
	if art28.ErrorCode(err) == art28.ENOTFOUND {
		return ok(w, effectiveBody{})
	} else if err != nil {
		return err
	}
	return ok(w, effective(e))
}

func effective(e *art28.EffectiveTerms) effectiveBody {
	tb := termsJSON(e.Terms, e.Sources)
	return effectiveBody{Version: e.Version, Overrides: e.Overrides, Terms: &tb}
}

// agreementTermsInput sets an agreement's terms.
type agreementTermsInput struct {
	VersionID int64  `json:"version_id"`
	Overrides string `json:"overrides"`
}

func (s *Server) apiSetAgreementTerms(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in agreementTermsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.VersionID <= 0 {
		return art28.FieldError("version_id", "is required")
	}
	e, err := s.svc.Terms.SetAgreementTerms(r.Context(), id, in.VersionID, in.Overrides)
	if err != nil {
		return err
	}
	return ok(w, effective(e))
}
