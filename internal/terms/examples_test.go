package terms_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/calendar"
	"github.com/art28/art28/internal/terms"
)

// The seed agreements' terms files parse, and give the deadlines of the
// worked scenarios of SCENARIOS.md.
func TestSeedExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.yaml")
	if len(files) != 4 {
		t.Fatalf("want the four seed terms files in examples/, found %v", files)
	}
	byID := map[string]*art28.Terms{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tm, err := terms.Parse(f, data)
		if err != nil {
			t.Fatalf("%s:\n%v", f, err)
		}
		byID[tm.ID] = tm
	}
	cases := []struct {
		scenario, terms string
		clause          art28.ClauseKey
		from, want      string
	}{
		{"1 (G9.1)", "genz-saas-v1", art28.SubprocessorNotice, "2027-03-01T09:00:00+01:00", "2027-03-20T00:00:00+01:00"},
		{"1 (S4)", "septeo-remote-v1", art28.SubprocessorNotice, "2027-03-01T09:00:00+01:00", "2027-03-17T00:00:00+01:00"},
		{"1 (C7)", "conneqtos-v1", art28.SubprocessorNotice, "2027-03-01T09:00:00+01:00", "2027-03-16T00:00:00+01:00"},
		{"3 (G7.2)", "genz-saas-v1", art28.BreachNotification, "2027-02-15T16:20:00+01:00", "2027-02-16T16:20:00+01:00"},
		{"3 (C8)", "conneqtos-v1", art28.BreachNotification, "2027-02-15T16:20:00+01:00", "2027-02-18T16:20:00+01:00"},
		{"5 (L10)", "lenoit-backup-v1", art28.RetrievalWindow, "2027-01-31T18:00:00+01:00", "2027-03-03T00:00:00+01:00"},
		{"4 (S6)", "septeo-remote-v1", art28.AuditNotice, "2027-02-01T10:00:00+01:00", "2027-03-04T00:00:00+01:00"},
	}
	for _, c := range cases {
		tm := byID[c.terms]
		if tm == nil {
			t.Fatalf("no terms %s", c.terms)
		}
		cal, err := calendar.Lookup(tm.Calendar)
		if err != nil {
			t.Fatal(err)
		}
		from, _ := time.Parse(time.RFC3339, c.from)
		got, err := tm.Deadline(c.clause, from, cal)
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("scenario %s: %s %s from %s = %s, %v; want %s", c.scenario, c.terms, c.clause, c.from, got.Format(time.RFC3339), err, c.want)
		}
	}
	// L7 informs of changes without a window.
	if _, err := byID["lenoit-backup-v1"].Deadline(art28.SubprocessorNotice, time.Now(), nil); err == nil {
		t.Error("L7 has no objection window, yet a deadline was computed")
	}
}
