package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/terms"
)

// Terms implements art28.TermsService.
type Terms struct{ db *DB }

// NewTerms returns the terms store of db.
func NewTerms(db *DB) *Terms { return &Terms{db: db} }

var _ art28.TermsService = (*Terms)(nil)

// maxTermsFile bounds an imported terms file, and maxLegalText its legal
// text (the longest seed is some 45 KB).
const (
	maxTermsFile = 256 << 10
	maxLegalText = 1 << 20
)

// versionHash identifies a version by its terms file's hash and, when
// there is one, its legal text: a file with no legal text keeps the hash
// `art28 terms check` prints.
func versionHash(termsHash, legalText string) string {
	if legalText == "" {
		return termsHash
	}
	h := sha256.New()
	h.Write([]byte(termsHash))
	h.Write([]byte{0})
	h.Write([]byte(legalText))
	return hex.EncodeToString(h.Sum(nil))
}

const termsVersionColumns = `id, template_key, version, terms_id, hash, content, legal_text, imported_at, imported_by`

func scanTermsVersion(row interface{ Scan(...any) error }) (*art28.TermsVersion, error) {
	v := &art28.TermsVersion{}
	err := row.Scan(&v.ID, &v.TemplateKey, &v.Version, &v.TermsID, &v.Hash, &v.Content, &v.LegalText, &v.ImportedAt, &v.ImportedBy)
	v.ImportedAt = v.ImportedAt.UTC()
	return v, err
}

// invalidTerms turns the parser's errors into one EINVALID naming field.
func invalidTerms(field string, err error) error {
	var errs terms.Errors
	if errors.As(err, &errs) {
		return &art28.Error{Code: art28.EINVALID, Field: field, Message: errs.Error()}
	}
	return err
}

// ImportTerms stores content as the next version of the template's terms.
func (s *Terms) ImportTerms(ctx context.Context, templateKey string, in art28.TermsImport) (v *art28.TermsVersion, created bool, err error) {
	defer art28.Wrap(&err, "store.ImportTerms")
	a, err := authorizeProcessorWrite(ctx, "terms")
	if err != nil {
		return nil, false, err
	}
	if len(in.Content) > maxTermsFile {
		return nil, false, art28.FieldError("content", "is larger than %d KiB", maxTermsFile>>10)
	}
	if len(in.LegalText) > maxLegalText {
		return nil, false, art28.FieldError("legal_text", "is larger than %d KiB", maxLegalText>>10)
	}
	if !utf8.ValidString(in.LegalText) {
		return nil, false, art28.FieldError("legal_text", "is not valid UTF-8")
	}
	t, err := terms.Parse(templateKey+".yaml", []byte(in.Content))
	if err != nil {
		return nil, false, invalidTerms("content", err)
	}
	hash := versionHash(t.Hash, in.LegalText)
	err = s.db.update(ctx, func(tx *Tx) error {
		n, err := tx.count(ctx, `SELECT COUNT(*) FROM agreement_templates WHERE key = ?`, templateKey)
		if err != nil {
			return err
		}
		if n == 0 {
			return errNotFound("Template", templateKey)
		}
		v, err = scanTermsVersion(tx.queryRow(ctx, `SELECT `+termsVersionColumns+` FROM terms_versions
			WHERE template_key = ? AND hash = ?`, templateKey, hash))
		if err == nil {
			return nil // the same file again: the same version
		} else if err != sql.ErrNoRows {
			return err
		}
		var last int
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM terms_versions WHERE template_key = ?`,
			templateKey).Scan(&last); err != nil {
			return err
		}
		v = &art28.TermsVersion{TemplateKey: templateKey, Version: last + 1, TermsID: t.ID, Hash: hash,
			Content: in.Content, LegalText: in.LegalText, ImportedAt: tx.Now, ImportedBy: a.Name}
		if v.ID, err = tx.insert(ctx, `INSERT INTO terms_versions
			(template_key, version, terms_id, hash, content, legal_text, imported_at, imported_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			v.TemplateKey, v.Version, v.TermsID, v.Hash, v.Content, v.LegalText, v.ImportedAt, v.ImportedBy); err != nil {
			return err
		}
		created = true
		return tx.record(ctx, a, "terms.import", "terms_version", v.ID, 0, "imported "+v.String())
	})
	return v, created, err
}

// TermsVersions lists a template's versions, newest first.
func (s *Terms) TermsVersions(ctx context.Context, templateKey string) (list []*art28.TermsVersion, err error) {
	defer art28.Wrap(&err, "store.TermsVersions")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT `+termsVersionColumns+` FROM terms_versions WHERE template_key = ?
			ORDER BY version DESC`, templateKey)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanTermsVersion(rows)
			if err != nil {
				return err
			}
			list = append(list, v)
		}
		return rows.Err()
	})
	return list, err
}

// TermsVersion returns one version.
func (s *Terms) TermsVersion(ctx context.Context, id int64) (v *art28.TermsVersion, err error) {
	defer art28.Wrap(&err, "store.TermsVersion")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		v, err = findTermsVersion(ctx, tx, id)
		return err
	})
	return v, err
}

func findTermsVersion(ctx context.Context, tx *Tx, id int64) (*art28.TermsVersion, error) {
	v, err := scanTermsVersion(tx.queryRow(ctx, `SELECT `+termsVersionColumns+` FROM terms_versions WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Terms version", id)
	}
	return v, err
}

// SetAgreementTerms points an agreement at a version of its template's
// terms, with overrides.
func (s *Terms) SetAgreementTerms(ctx context.Context, agreementID, versionID int64, overrides string) (e *art28.EffectiveTerms, err error) {
	defer art28.Wrap(&err, "store.SetAgreementTerms")
	a, err := authorizeProcessorWrite(ctx, "agreement terms")
	if err != nil {
		return nil, err
	}
	if len(overrides) > maxTermsFile {
		return nil, art28.FieldError("overrides", "is larger than %d KiB", maxTermsFile>>10)
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		ag, err := findAgreement(ctx, tx, a, agreementID)
		if err != nil {
			return err
		}
		v, err := findTermsVersion(ctx, tx, versionID)
		if art28.ErrorCode(err) == art28.ENOTFOUND {
			return art28.FieldError("version_id", "no terms version %d exists", versionID)
		} else if err != nil {
			return err
		}
		if v.TemplateKey != ag.TemplateKey {
			return art28.FieldError("version_id", "is a version of %s, but the agreement is under %s", v.TemplateKey, ag.TemplateKey)
		}
		if e, err = effective(v, overrides); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE agreements SET terms_version_id = ?, terms_overrides = ?, updated_at = ? WHERE id = ?`,
			v.ID, overrides, tx.Now, ag.ID); err != nil {
			return err
		}
		summary := "terms set to " + v.String()
		if n := countOverrides(e); n > 0 {
			summary += fmt.Sprintf(" with %d overridden field(s)", n)
		}
		return tx.record(ctx, a, "agreement.terms", "agreement", ag.ID, ag.CustomerID, summary)
	})
	return e, err
}

// AgreementTerms returns an agreement's effective terms.
func (s *Terms) AgreementTerms(ctx context.Context, agreementID int64) (e *art28.EffectiveTerms, err error) {
	defer art28.Wrap(&err, "store.AgreementTerms")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		if _, err := findAgreement(ctx, tx, a, agreementID); err != nil {
			return err
		}
		var versionID sql.NullInt64
		var overrides string
		if err := tx.queryRow(ctx, `SELECT terms_version_id, terms_overrides FROM agreements WHERE id = ?`,
			agreementID).Scan(&versionID, &overrides); err != nil {
			return err
		}
		if !versionID.Valid {
			return art28.Errorf(art28.ENOTFOUND, "Agreement %d has no terms yet.", agreementID)
		}
		v, err := findTermsVersion(ctx, tx, versionID.Int64)
		if err != nil {
			return err
		}
		e, err = effective(v, overrides)
		return err
	})
	return e, err
}

// effective merges overrides into a version's terms.
func effective(v *art28.TermsVersion, overrides string) (*art28.EffectiveTerms, error) {
	t, sources, err := terms.Merge([]byte(v.Content), overrides)
	if err != nil {
		return nil, invalidTerms("overrides", err)
	}
	return &art28.EffectiveTerms{Version: v, Overrides: strings.TrimSpace(overrides), Terms: t, Sources: sources}, nil
}

func countOverrides(e *art28.EffectiveTerms) int {
	n := 0
	for _, src := range e.Sources {
		if src == "override" {
			n++
		}
	}
	return n
}
