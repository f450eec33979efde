package terms_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/calendar"
	"github.com/art28/art28/internal/terms"
)

const minimal = `terms: example-v1
timezone: Europe/Berlin
calendar: DE-BW
clauses:
  subprocessor_notice:
    period: 14 working days
`

func TestMinimalFileIsAccepted(t *testing.T) {
	tm, err := terms.Parse("example.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if tm.ID != "example-v1" || tm.TimeZone != "Europe/Berlin" || tm.Calendar != "DE-BW" || len(tm.Hash) != 64 {
		t.Fatalf("parsed %+v", tm)
	}
	cal, _ := calendar.Lookup(tm.Calendar)
	from := time.Date(2026, 12, 18, 10, 0, 0, 0, time.UTC)
	got, err := tm.Deadline(art28.SubprocessorNotice, from, cal)
	if err != nil || got.Format(time.RFC3339) != "2027-01-13T00:00:00+01:00" {
		t.Fatalf("deadline %s, %v", got.Format(time.RFC3339), err)
	}
	if _, err := tm.Deadline(art28.BreachNotification, from, cal); err == nil {
		t.Fatal("a deadline for a clause the terms lack")
	}
	changed, _ := terms.Parse("example.yaml", []byte(minimal+"    roll: next working day\n"))
	if changed != nil {
		t.Fatal("roll on working days was accepted")
	}
}

func TestEveryClauseField(t *testing.T) {
	src := `terms: full-v1
title: Everything
timezone: Europe/Paris
calendar: FR-67
clauses:
  breach_notification:
    period: without undue delay
    target: 24 hours
    channels: [email, portal]
    notify: [administrator, dpo]
    implements: [L9, S8]
  subprocessor_notice:
    period: 15 days
    roll: next working day
    objection: allowed
    silence: approves
    channels: [post, email]
    implements: [S4]
  audit_frequency:
    max: 1
    per: 12 months
    lifted_by: [breach, incident]
    implements: [S6, G8.7]
  end_of_contract:
    outcome: controller_choice
    implements: [G13.6, G-annex]
  data_location:
    allowed: [EU]
  transfer_safeguards:
    allowed: [adequacy, scc_2021_914]
    otherwise: prior_consent
`
	tm, err := terms.Parse("full.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b := tm.Clauses[art28.BreachNotification]
	if !b.Period.UndueDelay || b.Period.N != 24 || len(b.Notify) != 2 || b.Implements[1] != "S8" {
		t.Errorf("breach_notification: %+v", b)
	}
	s := tm.Clauses[art28.SubprocessorNotice]
	if !s.Roll || s.Objection != "allowed" || s.Silence != "approves" {
		t.Errorf("subprocessor_notice: %+v", s)
	}
	a := tm.Clauses[art28.AuditFrequency]
	if a.Max != 1 || a.Per.String() != "12 months" || len(a.LiftedBy) != 2 {
		t.Errorf("audit_frequency: %+v", a)
	}
	if tm.Clauses[art28.TransferSafeguards].Otherwise != "prior_consent" || tm.Clauses[art28.DataLocation].Allowed[0] != "EU" {
		t.Errorf("transfers: %+v %+v", tm.Clauses[art28.TransferSafeguards], tm.Clauses[art28.DataLocation])
	}
}

// Each broken file gives errors naming file, line, key and reason.
func TestBrokenFilesNameLineKeyAndReason(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // substrings of the error lines, in order
	}{
		{"unknown top-level key", minimal + "colour: blue\n", []string{"x.yaml:7: colour: is not a known key"}},
		{"unknown clause", strings.Replace(minimal, "subprocessor_notice", "subprocessor_notise", 1),
			[]string{"x.yaml:5: clauses.subprocessor_notise: is not a known key"}},
		{"unknown field", minimal + "    objections: allowed\n", []string{"x.yaml:7: clauses.subprocessor_notice.objections: is not a known key"}},
		{"malformed period", strings.Replace(minimal, "14 working days", "14 workdays", 1),
			[]string{"x.yaml:6: clauses.subprocessor_notice.period:", "working days or months"}},
		{"unknown zone", strings.Replace(minimal, "Europe/Berlin", "Europe/Karlsruhe", 1), []string{"x.yaml:2: timezone:", "not an IANA time zone"}},
		{"unknown calendar", strings.Replace(minimal, "DE-BW", "DE-XX", 1), []string{"x.yaml:3: calendar:", "not known"}},
		{"missing keys", "terms: x\n", []string{"x.yaml:1: timezone: is required", "x.yaml:1: calendar: is required", "x.yaml:1: clauses: is required"}},
		{"undue delay without target", strings.Replace(minimal, "14 working days", "without undue delay", 1),
			[]string{"x.yaml:6: clauses.subprocessor_notice.period:", "internal target"}},
		{"target without undue delay", minimal + "    target: 24 hours\n", []string{"x.yaml:7: clauses.subprocessor_notice.target:"}},
		{"bad clause ID", minimal + "    implements: [G9.1, X1]\n", []string{"x.yaml:7: clauses.subprocessor_notice.implements:", `"X1"`}},
		{"not YAML", "terms: [\n", []string{"x.yaml:", "not valid YAML"}},
		{"twice", minimal + "terms: again\n", []string{"x.yaml:7: terms: is given twice"}},
		{"several at once", strings.Replace(strings.Replace(minimal, "Europe/Berlin", "Mars/Base", 1), "14 working days", "fortnight", 1),
			[]string{"x.yaml:2: timezone:", "x.yaml:6: clauses.subprocessor_notice.period:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm, err := terms.Parse("x.yaml", []byte(c.src))
			var errs terms.Errors
			if tm != nil || !errors.As(err, &errs) {
				t.Fatalf("accepted, or not Errors: %v", err)
			}
			text := err.Error()
			at := 0
			for _, w := range c.want {
				i := strings.Index(text[at:], w)
				if i < 0 {
					t.Fatalf("errors lack %q (in order):\n%s", w, text)
				}
				at += i + len(w)
			}
		})
	}
}

// FuzzParse: no input panics; what parses has a valid period everywhere.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte("terms: a\ntimezone: UTC\ncalendar: FR\nclauses:\n  breach_notification:\n    period: without undue delay\n    target: 24 hours\n"))
	f.Add([]byte("terms: [\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("terms: a\nclauses:\n  audit_frequency:\n    max: 0\n    per: 12 months\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tm, err := terms.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for k, c := range tm.Clauses {
			if c.Period != nil && c.Period.N <= 0 {
				t.Fatalf("%s: period %+v", k, c.Period)
			}
		}
	})
}
