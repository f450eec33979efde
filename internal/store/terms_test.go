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
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		s := store.NewTerms(db)
		po := testrig.As(testrig.PrivacyOfficer)
		key := f.Templates["dpa-standard"].Key

		before := testrig.ActivityCount(t, db)
		_, _, err := s.ImportTerms(po, key, []byte("terms: x\ntimezone: Mars/Base\n"))
		testrig.WantError(t, err, art28.EINVALID, "content")
		if !strings.Contains(err.Error(), "timezone") || testrig.ActivityCount(t, db) != before {
			t.Fatalf("a broken file: %v (activity %d -> %d)", err, before, testrig.ActivityCount(t, db))
		}
		_, _, err = s.ImportTerms(po, "no-such-template", genz)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		_, _, err = s.ImportTerms(testrig.As(testrig.ReadOnly), key, genz)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")

		v1, created, err := s.ImportTerms(po, key, genz)
		if err != nil || !created || v1.Version != 1 || v1.TermsID != "genz-saas-v1" || len(v1.Hash) != 64 {
			t.Fatalf("import: %v %v %+v", err, created, v1)
		}
		same, created, err := s.ImportTerms(po, key, genz)
		if err != nil || created || same.ID != v1.ID {
			t.Fatalf("the same file again is the same version: %v %v %+v", err, created, same)
		}
		changed := strings.Replace(string(genz), "period: 3 months", "period: 6 months", 1)
		v2, created, err := s.ImportTerms(po, key, []byte(changed))
		if err != nil || !created || v2.Version != 2 {
			t.Fatalf("a changed file is a new version: %v %v %+v", err, created, v2)
		}
		list, err := s.TermsVersions(po, key)
		if err != nil || len(list) != 2 || list[0].Version != 2 {
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
