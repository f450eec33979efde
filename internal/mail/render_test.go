package mail_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/art28/art28/internal/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares a rendering with testdata/base.txt (the subject line,
// then the text) and testdata/base.html, or rewrites them with -update.
func golden(t *testing.T, base, subject, text, html string) {
	t.Helper()
	for ext, got := range map[string]string{"txt": "Subject: " + subject + "\n\n" + text, "html": html} {
		file := filepath.Join("testdata", base+"."+ext)
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

var kinds = []string{mail.ChangeAdd, mail.ChangeReplace, mail.ChangeRemove, mail.ChangeLocation, mail.ChangePurpose}

// change is a complete sub-processor notice, as C7 asks for it.
func change(kind string) mail.SubprocessorChange {
	d := mail.SubprocessorChange{
		ProcessorName:       "Acme Cloud GmbH",
		CustomerName:        "Example Retail AG",
		Kind:                kind,
		SubprocessorName:    "Nimbus Storage SAS",
		SubprocessorCountry: "France",
		Purpose:             "Encrypted backup storage",
		Safeguard:           "Processing within the EU",
		EffectiveFrom:       "2027-02-01",
		WindowEnd:           "2027-01-13 00:00",
		TimeZone:            "Europe/Berlin",
		ObjectionAllowed:    true,
		SilenceApproves:     true,
		TerminationRight:    true,
		PortalURL:           "https://acme.example/portal/changes/42",
		ListURL:             "https://acme.example/trust/subprocessors",
		Clauses:             []string{"C7"},
	}
	if kind == mail.ChangeReplace {
		d.ReplacesName = "Old Backup Ltd"
	}
	return d
}

func TestRenderSubprocessorChange(t *testing.T) {
	for _, lang := range []string{"en", "de", "fr"} {
		for _, kind := range kinds {
			for _, window := range []bool{true, false} {
				d := change(kind)
				if !window {
					d.WindowEnd, d.ObjectionAllowed, d.SilenceApproves, d.TerminationRight = "", false, false, false
				}
				subject, text, html, err := mail.Render(mail.NoticeSubprocessorChange, lang, d)
				if err != nil {
					t.Fatalf("%s %s: %v", lang, kind, err)
				}
				for part, s := range map[string]string{"subject": subject, "text": text, "html": html} {
					if !strings.Contains(s, d.SubprocessorName) {
						t.Errorf("%s %s: %s lacks the sub-processor name:\n%s", lang, kind, part, s)
					}
					if window && !strings.Contains(s, d.WindowEnd) {
						t.Errorf("%s %s: %s lacks the window end:\n%s", lang, kind, part, s)
					}
				}
				if window && !strings.Contains(text, "C7") {
					t.Errorf("%s %s: text lacks the clause ID:\n%s", lang, kind, text)
				}
				if !strings.Contains(html, `href="https://acme.example/portal/changes/42"`) {
					t.Errorf("%s %s: html lacks the portal link:\n%s", lang, kind, html)
				}
				if kind == mail.ChangeReplace && !strings.Contains(text, "Old Backup Ltd") {
					t.Errorf("%s replace: text lacks the replaced sub-processor:\n%s", lang, text)
				}
				if strings.Contains(text, "<no value>") || strings.Contains(html, "<no value>") {
					t.Errorf("%s %s: a field is missing from the data", lang, kind)
				}
			}
		}
	}
}

func TestRenderFallsBackToEnglish(t *testing.T) {
	en, _, _, err := mail.Render(mail.NoticeSubprocessorChange, "en", change(mail.ChangeAdd))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"xx", "", "EN-gb"} {
		got, _, _, err := mail.Render(mail.NoticeSubprocessorChange, lang, change(mail.ChangeAdd))
		if err != nil || got != en {
			t.Errorf("lang %q: got %q, %v; want the English subject %q", lang, got, err, en)
		}
	}
	de, _, _, _ := mail.Render(mail.NoticeSubprocessorChange, "de", change(mail.ChangeAdd))
	if at, _, _, _ := mail.Render(mail.NoticeSubprocessorChange, "de-AT", change(mail.ChangeAdd)); at != de {
		t.Errorf("de-AT: got %q, want the German subject %q", at, de)
	}
}

func TestRenderRefusesBadData(t *testing.T) {
	if _, _, _, err := mail.Render("no_such_notice", "en", nil); err == nil {
		t.Error("an unknown notice rendered")
	}
	bad := change(mail.ChangeAdd)
	bad.Kind = "rename"
	if _, _, _, err := mail.Render(mail.NoticeSubprocessorChange, "en", bad); err == nil || !strings.Contains(err.Error(), "Kind") {
		t.Errorf("unknown kind: got %v, want an error naming Kind", err)
	}
	bad = change(mail.ChangeReplace)
	bad.ReplacesName = ""
	if _, _, _, err := mail.Render(mail.NoticeSubprocessorChange, "en", bad); err == nil || !strings.Contains(err.Error(), "ReplacesName") {
		t.Errorf("replace without ReplacesName: got %v", err)
	}
	bad = change(mail.ChangeAdd)
	bad.SubprocessorName = "Evil\r\nBcc: x@example.org"
	if _, _, _, err := mail.Render(mail.NoticeSubprocessorChange, "en", bad); err == nil {
		t.Error("a name with a line break rendered")
	}
}

// TestRenderGolden keeps one full notice per language in testdata, so that
// a change to the wording shows in review. Run with -update to rewrite.
func TestRenderGolden(t *testing.T) {
	// The caller gives country, purpose and safeguard in the notice's
	// language.
	words := map[string][3]string{
		"en": {"France", "Encrypted backup storage", "Processing within the EU"},
		"de": {"Frankreich", "Verschlüsselte Speicherung von Sicherungskopien", "Verarbeitung innerhalb der EU"},
		"fr": {"France", "Stockage chiffré des sauvegardes", "Traitement au sein de l'UE"},
	}
	for _, lang := range []string{"en", "de", "fr"} {
		d := change(mail.ChangeReplace)
		d.SubprocessorCountry, d.Purpose, d.Safeguard = words[lang][0], words[lang][1], words[lang][2]
		subject, text, html, err := mail.Render(mail.NoticeSubprocessorChange, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "subprocessor_change."+lang, subject, text, html)
	}
}
