package art28

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TermsVersion is one imported version of a template's terms file. A file
// whose content (and so hash) changed is a new version.
type TermsVersion struct {
	ID          int64     `json:"id"`
	TemplateKey string    `json:"template_key"`
	Version     int       `json:"version"` // 1, 2, ... per template
	TermsID     string    `json:"terms"`   // the file's own ID
	Hash        string    `json:"hash"`    // SHA-256 of Content, and of LegalText when there is one, hex
	Content     string    `json:"content"`
	LegalText   string    `json:"legal_text"` // Markdown; may be empty
	ImportedAt  time.Time `json:"imported_at"`
	ImportedBy  string    `json:"imported_by"`
}

// TermsImport is what a new version of a template's terms is made of: the
// terms file (YAML) and, optionally, the legal text it sits next to
// (Markdown), which people read and the engine does not.
type TermsImport struct {
	Content   string `json:"content"`
	LegalText string `json:"legal_text"`
}

// TermsChange is one difference between two versions of terms.
type TermsChange struct {
	Key    string `json:"key"` // timezone, calendar, clauses.<clause>.<field>
	Before string `json:"before"`
	After  string `json:"after"`
}

// DiffTerms lists what differs from a to b, field by field, in key order.
// An empty Before means added; an empty After, removed.
func DiffTerms(a, b *Terms) []TermsChange {
	fa, fb := a.Fields(), b.Fields()
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	var out []TermsChange
	for k := range keys {
		if fa[k] != fb[k] {
			out = append(out, TermsChange{Key: k, Before: fa[k], After: fb[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Fields flattens the terms into key -> value, as a terms file writes them.
func (t *Terms) Fields() map[string]string {
	f := map[string]string{"timezone": t.TimeZone, "calendar": t.Calendar}
	for key, c := range t.Clauses {
		p := "clauses." + string(key) + "."
		for name, v := range c.fields() {
			if v != "" {
				f[p+name] = v
			}
		}
	}
	return f
}

func (c *ClauseTerms) fields() map[string]string {
	f := map[string]string{
		"channels": strings.Join(c.Channels, ", "), "implements": strings.Join(c.Implements, ", "),
		"objection": c.Objection, "silence": c.Silence, "lifted_by": strings.Join(c.LiftedBy, ", "),
		"outcome": c.Outcome, "allowed": strings.Join(c.Allowed, ", "), "otherwise": c.Otherwise,
	}
	roles := make([]string, len(c.Notify))
	for i, r := range c.Notify {
		roles[i] = string(r)
	}
	f["notify"] = strings.Join(roles, ", ")
	if c.Period != nil {
		f["period"] = c.Period.String()
		if c.Period.UndueDelay {
			f["target"] = Period{N: c.Period.N, Unit: c.Period.Unit}.String()
		}
	}
	if c.Roll {
		f["roll"] = "next working day"
	}
	if c.Max > 0 {
		f["max"] = strconv.Itoa(c.Max)
	}
	if c.Per != nil {
		f["per"] = c.Per.String()
	}
	return f
}

// EffectiveTerms are an agreement's terms: its template's version with the
// customer's negotiated overrides applied, and where each clause field
// comes from.
type EffectiveTerms struct {
	Version   *TermsVersion     `json:"version"`
	Overrides string            `json:"overrides"` // YAML, as stored
	Terms     *Terms            `json:"-"`
	Sources   map[string]string `json:"sources"` // field key -> "template" or "override"
}

// TermsService keeps versions of terms files and agreements' terms.
type TermsService interface {
	// ImportTerms stores a terms file and its legal text as the next
	// version of the template's terms; an unchanged pair (same hash)
	// returns the existing version and false. EINVALID (field content)
	// lists every error of the file; ENOTFOUND for an unknown template.
	ImportTerms(ctx context.Context, templateKey string, in TermsImport) (*TermsVersion, bool, error)
	// TermsVersions lists a template's versions, newest first.
	TermsVersions(ctx context.Context, templateKey string) ([]*TermsVersion, error)
	TermsVersion(ctx context.Context, id int64) (*TermsVersion, error)
	// SetAgreementTerms points an agreement at a version of its own
	// template's terms, with overrides (YAML with a clauses: mapping, or
	// empty); the merged terms are checked like a file. EINVALID naming
	// the field, ENOTFOUND.
	SetAgreementTerms(ctx context.Context, agreementID, versionID int64, overrides string) (*EffectiveTerms, error)
	// AgreementTerms returns an agreement's effective terms; ENOTFOUND when
	// it has none yet.
	AgreementTerms(ctx context.Context, agreementID int64) (*EffectiveTerms, error)
}

// String names a version for people: "genz-saas-v1 v2 (sha256 1a2b3c…)".
func (v *TermsVersion) String() string {
	return fmt.Sprintf("%s v%d (sha256 %.12s)", v.TemplateKey, v.Version, v.Hash)
}
