package mail_test

import (
	"fmt"
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
		golden(t, name, subject, text, html)
	}
}

// dutyDigest is a digest of a breach's notices at half their period and
// two overdue duties, listing three of the notices; to the owners, the
// overdue duties alone.
func dutyDigest(escalationsOnly bool) mail.DutyReminderDigest {
	overdue := mail.DutyDigestGroup{Kind: "subprocessor.review", Label: "overdue by 1 day", Escalation: true, Count: 2,
		Duties: []mail.DutyDigestLine{
			{Title: "Review sub-processor Nimbus Storage SAS", DueUTC: "2027-03-01 12:00 UTC", DutyURL: "https://acme.example/duties/7"},
			{Title: "Review sub-processor Old Backup Ltd", DueUTC: "2027-03-01 12:00 UTC", DutyURL: "https://acme.example/duties/8"},
		}}
	d := mail.DutyReminderDigest{ProcessorName: "Acme Cloud GmbH", EscalationsOnly: escalationsOnly, Total: 2, Overdue: 2,
		Groups: []mail.DutyDigestGroup{overdue}, DashboardURL: "https://acme.example/dashboard"}
	if escalationsOnly {
		return d
	}
	breach := mail.DutyDigestGroup{Kind: "breach.notice", Label: "50% of the period has passed", Count: 12}
	for i, c := range []string{"Example Retail AG", "Globex Inc.", "Initech GmbH"} {
		breach.Duties = append(breach.Duties, mail.DutyDigestLine{Title: "Notify " + c + " of the breach: Lost backup tape",
			CustomerName: c, DueUTC: "2027-03-05 04:00 UTC", DutyURL: fmt.Sprintf("https://acme.example/duties/%d", 42+i)})
	}
	d.Groups, d.Total = append(d.Groups, breach), 14
	return d
}

func TestRenderDutyReminderDigest(t *testing.T) {
	d := dutyDigest(false)
	subject, text, html, err := mail.Render(mail.NoticeDutyReminderDigest, "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Overdue: 2 of 14 open duties are past their deadline" {
		t.Errorf("officers' subject %q", subject)
	}
	for _, want := range []string{"2 sub-processor reviews: overdue by 1 day", "12 breach notices: 50% of the period has passed",
		"Notify Globex Inc. of the breach: Lost backup tape", "Globex Inc., due 2027-03-05 04:00 UTC", "https://acme.example/duties/43",
		"Review sub-processor Old Backup Ltd\n    due 2027-03-01 12:00 UTC", "... and 9 more, on the dashboard",
		"https://acme.example/dashboard", "you are a privacy officer of Acme Cloud GmbH"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "sub-processor reviews") > strings.Index(text, "breach notices") {
		t.Errorf("the groups are out of order:\n%s", text)
	}
	for _, want := range []string{`<a href="https://acme.example/duties/44">Notify Initech GmbH of the breach: Lost backup tape</a>`,
		`and 9 more, on <a href="https://acme.example/dashboard">the dashboard</a>`, "12 breach notices: 50% of the period has passed"} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(text+html, "<no value>") {
		t.Error("a field is missing from the data")
	}
	// The overdue group lists all its duties: no "more" line for it.
	if strings.Count(text, "more, on the dashboard") != 1 {
		t.Errorf("a group that lists every duty counts more:\n%s", text)
	}

	// To the owners: the overdue alone.
	subject, text, _, err = mail.Render(mail.NoticeDutyReminderDigest, "en", dutyDigest(true))
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Overdue: 2 duties are past their deadline" || strings.Contains(text, "breach") ||
		!strings.Contains(text, "you are an owner of Acme Cloud GmbH") {
		t.Errorf("owners' digest: %q\n%s", subject, text)
	}

	// Reminders alone, one of them of a kind opened by hand, and no
	// processor name.
	d = mail.DutyReminderDigest{Total: 5, DashboardURL: "https://acme.example/dashboard", Groups: []mail.DutyDigestGroup{
		{Kind: "breach.notice", Label: "the deadline has come", Count: 4},
		{Kind: "audit.answer", Label: "the deadline has come", Count: 1, Duties: []mail.DutyDigestLine{
			{Title: "Answer the audit", DueUTC: "2027-03-05 04:00 UTC", DutyURL: "https://acme.example/duties/9"}}},
	}}
	subject, text, _, err = mail.Render(mail.NoticeDutyReminderDigest, "de", d)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Reminder: 5 open duties" || !strings.Contains(text, "4 breach notices: the deadline has come\n  ... and 4 more") ||
		!strings.Contains(text, "1 duty of kind audit.answer: the deadline has come") ||
		!strings.Contains(text, "Answer the audit\n    due 2027-03-05 04:00 UTC") || strings.Contains(text, " of \n") ||
		!strings.Contains(text, "you are a privacy officer in art28") || strings.Contains(text, "past the deadline") {
		t.Errorf("reminders alone: %q\n%s", subject, text)
	}
}

func TestRenderDutyReminderDigestRefusesBadData(t *testing.T) {
	for name, c := range map[string]struct {
		change func(*mail.DutyReminderDigest)
		field  string
	}{
		"no dashboard":                     {func(d *mail.DutyReminderDigest) { d.DashboardURL = "" }, "DashboardURL"},
		"no groups":                        {func(d *mail.DutyReminderDigest) { d.Groups = nil }, "Groups"},
		"a total that is off":              {func(d *mail.DutyReminderDigest) { d.Total = 13 }, "Total"},
		"an overdue count that is off":     {func(d *mail.DutyReminderDigest) { d.Overdue = 0 }, "Overdue"},
		"fewer than listed":                {func(d *mail.DutyReminderDigest) { d.Groups[1].Count, d.Total = 2, 4 }, "Groups[1].Count"},
		"a duty without link":              {func(d *mail.DutyReminderDigest) { d.Groups[1].Duties[2].DutyURL = "" }, "Groups[1].Duties[2].DutyURL"},
		"a label of two lines":             {func(d *mail.DutyReminderDigest) { d.Groups[0].Label = "overdue\nby 1 day" }, "Groups[0].Label"},
		"a reminder in the owners' digest": {func(d *mail.DutyReminderDigest) { d.EscalationsOnly = true }, "Groups[1].Escalation"},
	} {
		d := dutyDigest(false)
		c.change(&d)
		_, _, _, err := mail.Render(mail.NoticeDutyReminderDigest, "en", d)
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: got %v, want an error naming %s", name, err, c.field)
		}
	}
}

// TestRenderDutyReminderDigestGolden keeps the officers' and the owners'
// digest in testdata. Run with -update to rewrite.
func TestRenderDutyReminderDigestGolden(t *testing.T) {
	for name, d := range map[string]mail.DutyReminderDigest{"duty_reminder_digest.en": dutyDigest(false),
		"duty_reminder_digest.owners.en": dutyDigest(true)} {
		subject, text, html, err := mail.Render(mail.NoticeDutyReminderDigest, "en", d)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name, subject, text, html)
	}
}
