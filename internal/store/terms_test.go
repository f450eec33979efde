package store_test

import (
	"os"
	"strings"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestTermsVersionsAndAgreementTerms(t *testing.T) {
	genzFile, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	genz := string(genzFile)
	if err != nil {
		t.Fatal(err)
	}
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		s := store.NewTerms(db)
		po := testrig.As(testrig.PrivacyOfficer)
		key := f.Templates["dpa-standard"].Key

		before := testrig.ActivityCount(t, db)
		file := func(content string) art28.TermsImport { return art28.TermsImport{Content: content} }
		_, _, err := s.ImportTerms(po, key, file("terms: x\ntimezone: Mars/Base\n"))
		testrig.WantError(t, err, art28.EINVALID, "content")
		if !strings.Contains(err.Error(), "timezone") || testrig.ActivityCount(t, db) != before {
			t.Fatalf("a broken file: %v (activity %d -> %d)", err, before, testrig.ActivityCount(t, db))
		}
		_, _, err = s.ImportTerms(po, "no-such-template", file(genz))
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		_, _, err = s.ImportTerms(testrig.As(testrig.ReadOnly), key, file(genz))
		testrig.WantError(t, err, art28.EFORBIDDEN, "")

		_, _, err = s.ImportTerms(po, key, art28.TermsImport{Content: genz, LegalText: "\xff"})
		testrig.WantError(t, err, art28.EINVALID, "legal_text")

		v1, created, err := s.ImportTerms(po, key, file(genz))
		if err != nil || !created || v1.Version != 1 || v1.TermsID != "genz-saas-v1" || len(v1.Hash) != 64 {
			t.Fatalf("import: %v %v %+v", err, created, v1)
		}
		same, created, err := s.ImportTerms(po, key, file(genz))
		if err != nil || created || same.ID != v1.ID {
			t.Fatalf("the same file again is the same version: %v %v %+v", err, created, same)
		}
		changed := strings.Replace(genz, "period: 3 months", "period: 6 months", 1)
		v2, created, err := s.ImportTerms(po, key, file(changed))
		if err != nil || !created || v2.Version != 2 {
			t.Fatalf("a changed file is a new version: %v %v %+v", err, created, v2)
		}
		// The same terms with a legal text, then with a changed one: each a
		// new version, its text kept as given.
		v3, created, err := s.ImportTerms(po, key, art28.TermsImport{Content: changed, LegalText: "## G9.1 New sub-processors\n"})
		if err != nil || !created || v3.Version != 3 || v3.Hash == v2.Hash || v3.LegalText != "## G9.1 New sub-processors\n" {
			t.Fatalf("a legal text makes a new version: %v %v %+v", err, created, v3)
		}
		v4, created, err := s.ImportTerms(po, key, art28.TermsImport{Content: changed, LegalText: "## G9.1 New sub-processors (amended)\n"})
		if err != nil || !created || v4.Version != 4 {
			t.Fatalf("a changed legal text makes a new version: %v %v %+v", err, created, v4)
		}
		if got, err := s.TermsVersion(po, v3.ID); err != nil || got.LegalText != v3.LegalText {
			t.Fatalf("legal text read back: %v %+v", err, got)
		}
		list, err := s.TermsVersions(po, key)
		if err != nil || len(list) != 4 || list[0].Version != 4 {
			t.Fatalf("versions: %v %+v", err, list)
		}

		ag := f.Agreements["acme"]
		if ag.TemplateKey != key {
			t.Fatalf("fixture agreement under %s", ag.TemplateKey)
		}
		_, err = s.AgreementTerms(po, ag.ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		_, err = s.SetAgreementTerms(po, ag.ID, v1.ID, "clauses:\n  subprocessor_notice:\n    period: 30 weekdays\n")
		testrig.WantError(t, err, art28.EINVALID, "overrides")
		_, err = s.SetAgreementTerms(po, ag.ID, 9999, "")
		testrig.WantError(t, err, art28.EINVALID, "version_id")

		e, err := s.SetAgreementTerms(po, ag.ID, v1.ID, "clauses:\n  subprocessor_notice:\n    period: 30 days\n")
		if err != nil {
			t.Fatal(err)
		}
		if e.Terms.Clauses[art28.SubprocessorNotice].Period.String() != "30 days" ||
			e.Sources["clauses.subprocessor_notice.period"] != "override" || e.Sources["clauses.audit_notice.period"] != "template" {
			t.Fatalf("effective terms: %+v %v", e.Terms.Clauses[art28.SubprocessorNotice], e.Sources)
		}
		// The customer reads its own agreement's terms; another customer cannot.
		own, err := s.AgreementTerms(testrig.As(testrig.CustomerMember(ag.CustomerID)), ag.ID)
		if err != nil || own.Version.ID != v1.ID {
			t.Fatalf("own terms: %v", err)
		}
		_, err = s.AgreementTerms(testrig.As(testrig.CustomerMember(f.Customers["globex"].ID)), ag.ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		acts, _, _ := store.NewActivities(db).Activities(po, art28.ActivityFilter{ObjectType: "agreement", ObjectID: ag.ID})
		if len(acts) == 0 || acts[0].Action != "agreement.terms" || !strings.Contains(acts[0].Summary, "1 overridden field") {
			t.Fatalf("activity: %+v", acts)
		}
	})
}
