package outbox_test

import (
	"context"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/outbox"
	"github.com/art28/art28/internal/smtpsink"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// A breach notice and a bulletin reach a German- or French-speaking
// customer in its language, with the numbers, the date, the parts to
// follow, the encryption on its side (L3) and the kind of bulletin in that
// language's words.
func TestOutboxWritesNoticesInTheCustomersLanguage(t *testing.T) {
	want := map[string]struct {
		breachSubject string
		breach        []string
		date          *regexp.Regexp
		bulletin      []string
	}{
		"de": {"Verletzung des Schutzes personenbezogener Daten: ",
			[]string{"etwa 12.000", "wird nachgereicht", "(die Zahl der betroffenen Datensätze)", "Art. 33 Abs. 2 DSGVO",
				"G7.2 unseres Vertrags", "Datenschutzbeauftragter",
				"Risikomindernder Umstand: Die betroffenen Daten wurden bei Ihnen verschlüsselt"},
			regexp.MustCompile(`am \d\d\.\d\d\.\d{4} um \d\d:\d\d Uhr \(\w+\)`),
			[]string{"Sehr geehrte Damen und Herren", "Klausel G6.3", "(Maßnahme einer Aufsichtsbehörde)"}},
		"fr": {"Violation de données à caractère personnel : ",
			[]string{"environ 12\u00a0000", "information à suivre", "(le nombre d'enregistrements concernés)",
				"article 33, paragraphe 2, du RGPD", "G7.2 de notre contrat", "Délégué à la protection des données",
				"Élément atténuant : Les données concernées ont été chiffrées de votre côté"},
			regexp.MustCompile(`le \d\d/\d\d/\d{4} à \d\d h \d\d \(\w+\)`),
			[]string{"Madame, Monsieur", "clause G6.3", "(mesure d'une autorité de contrôle)"}},
	}
	english := []string{"Dear ", "Kind regards", "to follow", "about ", "GDPR", "a supervisory authority acts", "records concerned",
		"client-side encryption", "hold no key"}
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sink, err := smtpsink.Start("127.0.0.1:0", true)
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		v := testrig.SeedTerms(t, all, po, "genz-saas-v1.yaml")
		globex := f.Agreements["globex"]
		if _, err := all.Terms.SetAgreementTerms(po, globex.ID, v.ID, ""); err != nil {
			t.Fatal(err)
		}
		o := outbox.New(db, outbox.Config{Mail: newSender(t, sink), From: netmail.Address{Address: "privacy@processor.example"},
			BaseURL: "https://art28.processor.example"})
		for _, lang := range []string{"de", "fr"} {
			w := want[lang]
			if _, err := all.Customers.UpdateCustomer(po, globex.CustomerID, art28.CustomerUpdate{Language: &lang}); err != nil {
				t.Fatal(err)
			}
			subjects := int64(12000)
			aware := db.Now().Add(-2 * time.Hour)
			title := "Backup bucket publicly readable (" + lang + ")"
			// The backup, which Globex has, encrypts on the customer's side.
			inc := &art28.Incident{Title: title, Description: "Public reads were allowed.", Reporter: "On call",
				DetectedAt: aware, AwareAt: aware, ServiceIDs: []int64{f.Services["backup"].ID},
				Affected: []art28.Affected{{CustomerID: globex.CustomerID, Subjects: &subjects}}}
			if err := all.Incidents.RecordIncident(po, inc); err != nil {
				t.Fatal(err)
			}
			if _, err := all.Incidents.Assess(po, inc.ID, art28.AssessBreach, "Personal data exposed."); err != nil {
				t.Fatal(err)
			}
			if _, err := all.Incidents.IssueNotices(po, inc.ID, art28.BreachContent{Nature: "Unauthorised reads.", DPO: "Dana, dpo@hosting.example",
				Consequences: "Phishing.", Measures: "Closed.", ToFollow: []art28.NoticePart{art28.PartRecords}}); err != nil {
				t.Fatal(err)
			}
			b := &art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "Inspection (" + lang + ")",
				Body: "The authority inspects our data centre on 3 March.", AllRunning: true}
			if err := all.Bulletins.IssueBulletin(po, b); err != nil {
				t.Fatal(err)
			}
			before := len(sink.Messages())
			if _, err := o.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			var breaches, bulletins int
			for _, m := range sink.Messages()[before:] {
				subject, err := new(mime.WordDecoder).DecodeHeader(m.Subject)
				if err != nil {
					t.Fatal(err)
				}
				body := decoded(t, m.Data)
				var wants []string
				switch {
				case strings.HasSuffix(subject, title):
					breaches++
					if !strings.HasPrefix(subject, w.breachSubject) {
						t.Errorf("%s: breach subject %q", lang, subject)
					}
					if !w.date.MatchString(body) {
						t.Errorf("%s: the breach notice has no date in %s:\n%s", lang, w.date, body)
					}
					wants = w.breach
				case strings.HasSuffix(subject, b.Title):
					bulletins++
					wants = w.bulletin
				default:
					continue
				}
				for _, s := range wants {
					if !strings.Contains(body, s) {
						t.Errorf("%s: %q lacks %q:\n%s", lang, subject, s, body)
					}
				}
				for _, s := range english {
					if strings.Contains(subject+body, s) {
						t.Errorf("%s: %q has the English %q:\n%s", lang, subject, s, body)
					}
				}
			}
			if breaches == 0 || bulletins == 0 {
				t.Errorf("%s: %d breach notices and %d bulletins sent", lang, breaches, bulletins)
			}
		}
	})
}
