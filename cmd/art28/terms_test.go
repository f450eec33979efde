package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCmd(args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestTermsCheckAndDeadline(t *testing.T) {
	good := writeFile(t, "good.yaml", "terms: example-v1\ntimezone: Europe/Berlin\ncalendar: DE-BW\nclauses:\n  subprocessor_notice:\n    period: 14 working days\n  end_of_contract:\n    outcome: delete\n")
	bad := writeFile(t, "bad.yaml", "terms: example-v1\ntimezone: Europe/Berlin\ncalendar: DE-QQ\nclauses:\n  subprocessor_notice:\n    period: 14 workdays\n")

	out, _, err := runCmd("terms", "check", good)
	if err != nil || !strings.Contains(out, "good.yaml: ok (terms example-v1, 2 clauses") {
		t.Fatalf("check good: %v %q", err, out)
	}
	_, errs, err := runCmd("terms", "check", good, bad)
	if err == nil || !strings.Contains(errs, "bad.yaml:3: calendar:") || !strings.Contains(errs, "bad.yaml:6: clauses.subprocessor_notice.period:") {
		t.Fatalf("check bad: want every error and a failure, got %v\n%s", err, errs)
	}

	out, _, err = runCmd("terms", "deadline", good, "subprocessor_notice", "--from", "2026-12-18T10:00:00+01:00")
	if err != nil || strings.TrimSpace(out) != "2027-01-13T00:00:00+01:00" {
		t.Fatalf("deadline: %v %q", err, out)
	}
	if _, _, err := runCmd("terms", "deadline", good, "end_of_contract", "--from", "2026-12-18T10:00:00+01:00"); err == nil || !strings.Contains(err.Error(), "has no period") {
		t.Fatalf("a clause without a period: %v", err)
	}
	if _, _, err := runCmd("terms", "deadline", good, "subprocessor_notice", "--from", "2026-12-18T10:00:00"); err == nil || !strings.Contains(err.Error(), "--from") {
		t.Fatalf("a time without a zone: %v", err)
	}
	if _, _, err := runCmd("terms", "deadline", good, "breach_notification", "--from", "2026-12-18T10:00:00Z"); err == nil {
		t.Fatal("a clause the terms lack")
	}
}
