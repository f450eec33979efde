package terms_test

import (
	"os"
	"strings"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/terms"
)

func TestMergeOverrides(t *testing.T) {
	base, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A negotiated 30 days instead of 14 working days, and a clause the
	// template lacks.
	tm, sources, err := terms.Merge(base, "clauses:\n  subprocessor_notice:\n    period: 30 days\n  retrieval_window:\n    period: 30 days\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := tm.Clauses[art28.SubprocessorNotice].Period.String(); got != "30 days" {
		t.Fatalf("period %s", got)
	}
	if tm.Clauses[art28.SubprocessorNotice].Objection != "allowed" {
		t.Fatal("the template's other fields were lost")
	}
	for key, want := range map[string]string{
		"clauses.subprocessor_notice.period":    "override",
		"clauses.subprocessor_notice.objection": "template",
		"clauses.retrieval_window.period":       "override",
		"clauses.breach_notification.period":    "template",
	} {
		if sources[key] != want {
			t.Errorf("source of %s: %q, want %q", key, sources[key], want)
		}
	}
	// The base is not changed by a merge.
	again, _, err := terms.Merge(base, "")
	if err != nil || again.Clauses[art28.SubprocessorNotice].Period.String() != "14 working days" {
		t.Fatalf("empty overrides: %v %+v", err, again)
	}

	for _, c := range []struct{ overrides, want string }{
		{"clauses:\n  subprocessor_notice:\n    period: 30 weekdays\n", "overrides:3: clauses.subprocessor_notice.period:"},
		{"terms: other\n", "overrides:1: terms: is not a known key"},
		{"clauses:\n  subprocessor_notice:\n    colour: red\n", "overrides:3: clauses.subprocessor_notice.colour: is not a known key"},
		{"clauses:\n  subprocessor_notice:\n    roll: next working day\n", "clauses.subprocessor_notice.roll: applies to periods in days or months only"},
		{"clauses: [\n", "not valid YAML"},
	} {
		_, _, err := terms.Merge(base, c.overrides)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("overrides %q: got %v, want %q", c.overrides, err, c.want)
		}
	}
}

func TestDiffTerms(t *testing.T) {
	base, _ := os.ReadFile("../../examples/genz-saas-v1.yaml")
	a, err := terms.Parse("a", base)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := terms.Merge(base, "clauses:\n  subprocessor_notice:\n    period: 30 days\n  retrieval_window:\n    period: 30 days\n")
	if err != nil {
		t.Fatal(err)
	}
	got := art28.DiffTerms(a, b)
	want := []art28.TermsChange{
		{Key: "clauses.retrieval_window.period", Before: "", After: "30 days"},
		{Key: "clauses.subprocessor_notice.period", Before: "14 working days", After: "30 days"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("diff %+v, want %+v", got, want)
	}
	if d := art28.DiffTerms(a, a); len(d) != 0 {
		t.Fatalf("a version differs from itself: %+v", d)
	}
}
