package mail_test

import (
	"strings"
	"testing"

	"github.com/art28/art28/internal/mail"
)

var langs = []string{"en", "de", "fr"}

func confirmation() mail.SubscriptionConfirm {
	return mail.SubscriptionConfirm{
		ProcessorName: "Acme Cloud GmbH",
		ConfirmURL:    "https://acme.example/subprocessors/confirm?token=c0nf1rm",
		ListURL:       "https://acme.example/subprocessors",
	}
}

// listChange is a complete message to a subscriber of the public list.
func listChange(kind string) mail.ListChange {
	d := mail.ListChange{
		ProcessorName:       "Acme Cloud GmbH",
		Kind:                kind,
		SubprocessorName:    "Nimbus Storage SAS",
		SubprocessorCountry: "France",
		Purpose:             "Encrypted backup storage",
		Safeguard:           "none needed (EEA)",
		Summary:             "A second backup site, closer to our data centre.",
		EffectiveFrom:       "2027-02-01",
		ListURL:             "https://acme.example/subprocessors",
		UnsubscribeURL:      "https://acme.example/subprocessors/unsubscribe?token=unsub",
	}
	if kind == mail.ChangeReplace {
		d.ReplacesName = "Old Backup Ltd"
	}
	return d
}

func TestRenderSubscriptionConfirm(t *testing.T) {
	for _, lang := range langs {
		d := confirmation()
		subject, text, html, err := mail.Render(mail.NoticeSubscriptionConfirm, lang, d)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !strings.Contains(subject, d.ProcessorName) {
			t.Errorf("%s: subject %q lacks the processor", lang, subject)
		}
		if !strings.Contains(text, d.ConfirmURL) || !strings.Contains(text, "48") {
			t.Errorf("%s: text lacks the link or its lifetime:\n%s", lang, text)
		}
		if !strings.Contains(html, `href="https://acme.example/subprocessors/confirm?token=c0nf1rm"`) {
			t.Errorf("%s: html lacks the link:\n%s", lang, html)
		}
		if strings.Contains(text+html, "<no value>") {
			t.Errorf("%s: a field is missing from the data", lang)
		}
		d.ListURL = ""
		if _, text, _, err := mail.Render(mail.NoticeSubscriptionConfirm, lang, d); err != nil || strings.Contains(text, "https://acme.example/subprocessors\n") {
			t.Errorf("%s without a list address: %v\n%s", lang, err, text)
		}
	}
}

func TestRenderListChange(t *testing.T) {
	for _, lang := range langs {
		for _, kind := range kinds {
			d := listChange(kind)
			subject, text, html, err := mail.Render(mail.NoticeListChange, lang, d)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, kind, err)
			}
			for part, s := range map[string]string{"subject": subject, "text": text, "html": html} {
				if !strings.Contains(s, d.SubprocessorName) {
					t.Errorf("%s %s: %s lacks the sub-processor:\n%s", lang, kind, part, s)
				}
			}
			if !strings.Contains(text, d.UnsubscribeURL) || !strings.Contains(text, d.Summary) {
				t.Errorf("%s %s: text lacks the unsubscribe link or the summary:\n%s", lang, kind, text)
			}
			if !strings.Contains(html, `href="https://acme.example/subprocessors/unsubscribe?token=unsub"`) {
				t.Errorf("%s %s: html lacks the unsubscribe link:\n%s", lang, kind, html)
			}
			if kind == mail.ChangeReplace && !strings.Contains(subject, "Old Backup Ltd") {
				t.Errorf("%s replace: subject lacks the replaced sub-processor: %q", lang, subject)
			}
			if strings.Contains(text+html, "<no value>") {
				t.Errorf("%s %s: a field is missing from the data", lang, kind)
			}
		}
		// A replacement whose predecessor is not named still reads.
		d := listChange(mail.ChangeReplace)
		d.ReplacesName = ""
		if subject, _, _, err := mail.Render(mail.NoticeListChange, lang, d); err != nil || strings.HasSuffix(subject, " ") {
			t.Errorf("%s replace without a name: %v %q", lang, err, subject)
		}
	}
}

func TestRenderSubscriberMessagesRefuseBadData(t *testing.T) {
	d := listChange(mail.ChangeAdd)
	d.UnsubscribeURL = ""
	if _, _, _, err := mail.Render(mail.NoticeListChange, "en", d); err == nil || !strings.Contains(err.Error(), "UnsubscribeURL") {
		t.Errorf("no unsubscribe link: got %v", err)
	}
	d = listChange("rename")
	if _, _, _, err := mail.Render(mail.NoticeListChange, "en", d); err == nil || !strings.Contains(err.Error(), "Kind") {
		t.Errorf("unknown kind: got %v", err)
	}
	d = listChange(mail.ChangeAdd)
	d.SubprocessorName = "Evil\r\nBcc: x@example.org"
	if _, _, _, err := mail.Render(mail.NoticeListChange, "en", d); err == nil {
		t.Error("a name with a line break rendered")
	}
	c := confirmation()
	c.ConfirmURL = " "
	if _, _, _, err := mail.Render(mail.NoticeSubscriptionConfirm, "de", c); err == nil || !strings.Contains(err.Error(), "ConfirmURL") {
		t.Errorf("no confirmation link: got %v", err)
	}
}

// TestRenderSubscriberGolden keeps both messages in each language in
// testdata. Run with -update to rewrite.
func TestRenderSubscriberGolden(t *testing.T) {
	words := map[string][3]string{
		"en": {"France", "Encrypted backup storage", "none needed (EEA)"},
		"de": {"Frankreich", "Verschlüsselte Speicherung von Sicherungskopien", "nicht erforderlich (EWR)"},
		"fr": {"France", "Stockage chiffré des sauvegardes", "aucune requise (EEE)"},
	}
	for _, lang := range langs {
		lc := listChange(mail.ChangeReplace)
		lc.SubprocessorCountry, lc.Purpose, lc.Safeguard = words[lang][0], words[lang][1], words[lang][2]
		for name, data := range map[string]any{mail.NoticeSubscriptionConfirm: confirmation(), mail.NoticeListChange: lc} {
			subject, text, html, err := mail.Render(name, lang, data)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+"."+lang, subject, text, html)
		}
	}
}
