package mail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/art28/art28/internal/mail"
)

// dutyReminder is a complete reminder of a customer's duty under an
// agreement in Berlin time.
func dutyReminder(escalation bool) mail.DutyReminder {
	d := mail.DutyReminder{
		ProcessorName: "Acme Cloud GmbH",
		Title:         "Answer the objection to Nimbus Storage SAS",
		Kind:          "subprocessor.objection",
		CustomerName:  "Example Retail AG",
		Clauses:       []string{"C7", "C8"},
		DueUTC:        "2027-03-05 04:00 UTC",
		DueLocal:      "2027-03-05 05:00 CET",
		TimeZone:      "Europe/Berlin",
		Label:         "50% of the period has passed",
		DutyURL:       "https://acme.example/duties/42",
	}
	if escalation {
		d.Label, d.Escalation = "overdue by 1 day", true
	}
	return d
}

func TestRenderDutyReminder(t *testing.T) {
	for _, escalation := range []bool{false, true} {
		d := dutyReminder(escalation)
		subject, text, html, err := mail.Render(mail.NoticeDutyReminder, "", d)
		if err != nil {
			t.Fatal(err)
		}
		for part, s := range map[string]string{"subject": subject, "text": text, "html": html} {
			if !strings.Contains(s, d.Title) || !strings.Contains(s, d.Label) || !strings.Contains(s, d.CustomerName) {
				t.Errorf("escalation %v: %s lacks the title, label or customer:\n%s", escalation, part, s)
			}
		}
		if got := strings.HasPrefix(subject, "Overdue: "); got != escalation {
			t.Errorf("escalation %v: subject %q", escalation, subject)
		}
		for _, want := range []string{d.DueUTC, d.DueLocal, d.TimeZone, "C7, C8", d.DutyURL} {
			if !strings.Contains(text, want) {
				t.Errorf("escalation %v: text lacks %q:\n%s", escalation, want, text)
			}
		}
		if !strings.Contains(html, `href="https://acme.example/duties/42"`) {
			t.Errorf("escalation %v: html lacks the link:\n%s", escalation, html)
		}
		if strings.Contains(text+html, "<no value>") {
			t.Errorf("escalation %v: a field is missing from the data", escalation)
		}
	}
	// A duty of no customer's, without an agreement, reads too.
	d := dutyReminder(false)
	d.CustomerName, d.DueLocal, d.TimeZone, d.Clauses, d.ProcessorName = "", "", "", nil, ""
	subject, text, _, err := mail.Render(mail.NoticeDutyReminder, "de", d)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Reminder: Answer the objection to Nimbus Storage SAS: 50% of the period has passed" ||
		strings.Contains(text, "Customer:") || strings.Contains(text, "time zone") || strings.Contains(text, "Clauses:") {
		t.Errorf("without customer and agreement: %q\n%s", subject, text)
	}
}

func TestRenderDutyReminderRefusesBadData(t *testing.T) {
	d := dutyReminder(false)
	d.DutyURL = ""
	if _, _, _, err := mail.Render(mail.NoticeDutyReminder, "en", d); err == nil || !strings.Contains(err.Error(), "DutyURL") {
		t.Errorf("no link: got %v", err)
	}
	d = dutyReminder(false)
	d.Title = "Evil\r\nBcc: x@example.org"
	if _, _, _, err := mail.Render(mail.NoticeDutyReminder, "en", d); err == nil {
		t.Error("a title with a line break rendered")
	}
	d = dutyReminder(false)
	d.TimeZone = ""
	if _, _, _, err := mail.Render(mail.NoticeDutyReminder, "en", d); err == nil || !strings.Contains(err.Error(), "TimeZone") {
		t.Errorf("a local time without its zone: got %v", err)
	}
}

// TestRenderDutyReminderGolden keeps a reminder and an escalation in
// testdata. Run with -update to rewrite.
func TestRenderDutyReminderGolden(t *testing.T) {
	for name, d := range map[string]mail.DutyReminder{"duty_reminder.en": dutyReminder(false),
		"duty_reminder.escalation.en": dutyReminder(true)} {
		subject, text, html, err := mail.Render(mail.NoticeDutyReminder, "en", d)
		if err != nil {
			t.Fatal(err)
		}
		for ext, got := range map[string]string{"txt": "Subject: " + subject + "\n\n" + text, "html": html} {
			file := filepath.Join("testdata", name+"."+ext)
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendering:\n%s", file, got)
			}
		}
	}
}
