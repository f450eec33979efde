package mail_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/mail"
)

// english are phrases of the English breach notice and bulletin; none may
// appear in another language's.
var english = []string{"Dear ", "Kind regards", "to follow", "about ", "GDPR", "personal data breach", "Personal data breach",
	"the number of", "Update ", "We tell you", "acknowledge", "Acknowledge", "agreement", "portal:", "client-side encryption",
	"hold no key", "Mitigating factor"}

// breachWords is what the processor writes into a notice, in the
// customer's language.
var breachWords = map[string]struct{ title, nature, categories, dpo, consequences, measures, mitigation string }{
	"en": {"Backup bucket publicly readable", "A backup bucket was publicly readable for six hours.", "contact data, order history",
		"Dana Schmidt, dpo@acme.example", "Phishing emails to the customers concerned.",
		"The bucket was closed and its access logs reviewed.", "Payment data are not stored in the backups."},
	"de": {"Sicherungsspeicher öffentlich lesbar", "Ein Speicher für Sicherungskopien war sechs Stunden lang öffentlich lesbar.", "Kontaktdaten, Bestellhistorie",
		"Dana Schmidt, dpo@acme.example", "Phishing-E-Mails an die betroffenen Kundinnen und Kunden.",
		"Der Speicher wurde geschlossen und seine Zugriffsprotokolle ausgewertet.", "Zahlungsdaten sind in den Sicherungskopien nicht enthalten."},
	"fr": {"Sauvegardes lisibles publiquement", "Un espace de stockage des sauvegardes a été lisible publiquement pendant six heures.", "coordonnées, historique des commandes",
		"Dana Schmidt, dpo@acme.example", "Des courriels d'hameçonnage adressés aux clients concernés.",
		"L'espace a été fermé et ses journaux d'accès analysés.", "Les données de paiement ne figurent pas dans les sauvegardes."},
}

var awareAt = time.Date(2027, 3, 1, 14, 5, 0, 0, time.FixedZone("CET", 3600))

// breach is a notice in lang: the first (phase 1) with the records, the
// consequences and the measures to follow, or its update (phase 2) with
// everything, the encryption on the customer's side (L3) included.
func breach(lang string, phase int) mail.BreachNotice {
	w := breachWords[lang]
	subjects, records := mail.Count(12000), mail.Count(1234567)
	d := mail.BreachNotice{
		ProcessorName:  "Acme Cloud GmbH",
		CustomerName:   "Example Retail AG",
		IncidentTitle:  w.title,
		Phase:          phase,
		AwareAt:        awareAt,
		DueAt:          awareAt.Add(24 * time.Hour),
		Nature:         w.nature,
		DataCategories: strings.Split(w.categories, ", "),
		Subjects:       &subjects,
		DPO:            w.dpo,
		Mitigation:     w.mitigation,
		ToFollow:       []art28.NoticePart{art28.PartRecords, art28.PartConsequences, art28.PartMeasures},
		PortalURL:      "https://acme.example/portal/incidents/7",
		Clauses:        []string{"G7.2"},
	}
	if phase > 1 {
		d.Records, d.Consequences, d.Measures, d.ToFollow = &records, w.consequences, w.measures, nil
		d.ClientSideEncrypted = true
	}
	return d
}

// encryptionWords are how each language states client-side encryption (L3)
// as a mitigating factor: the label for one factor and for several, and
// the statement.
var encryptionWords = map[string]struct{ one, many, sep, said string }{
	"en": {"Mitigating factor", "Mitigating factors", ": ",
		"The data concerned were encrypted on your side before they reached us (client-side encryption). We hold no key to read them."},
	"de": {"Risikomindernder Umstand", "Risikomindernde Umstände", ": ",
		"Die betroffenen Daten wurden bei Ihnen verschlüsselt, bevor sie uns erreichten (clientseitige Verschlüsselung)."},
	"fr": {"Élément atténuant", "Éléments atténuants", " : ",
		"Les données concernées ont été chiffrées de votre côté avant de nous parvenir (chiffrement côté client)."},
}

// TestRenderBreachNotice checks that each language carries every part of
// Art. 33(3), in its own words for the date, the numbers, what is to
// follow and the update, and nothing of the English.
func TestRenderBreachNotice(t *testing.T) {
	want := map[string]struct {
		date, subjects, records, toFollow string
		parts                             []string // the parts to follow of phase 1
		always, first, update             []string
	}{
		"en": {"2027-03-01 14:05 CET", "about 12,000", "about 1,234,567", "to follow",
			[]string{"the number of records concerned", "the likely consequences", "the measures taken or proposed"},
			[]string{"personal data breach", "Data protection officer or other contact point", "Measures taken or proposed"},
			[]string{"Art. 33(2) GDPR"}, []string{"update 2", "Art. 33(4) GDPR"}},
		"de": {"am 01.03.2027 um 14:05 Uhr (CET)", "etwa 12.000", "etwa 1.234.567", "wird nachgereicht",
			[]string{"die Zahl der betroffenen Datensätze", "die wahrscheinlichen Folgen", "die ergriffenen oder vorgeschlagenen Maßnahmen"},
			[]string{"Verletzung des Schutzes personenbezogener Daten", "Datenschutzbeauftragter", "Sehr geehrte Damen und Herren",
				"Ergriffene oder vorgeschlagene Maßnahmen", "Mit freundlichen Grüßen"},
			[]string{"Art. 33 Abs. 2 DSGVO"}, []string{"2. Meldung", "Art. 33 Abs. 4 DSGVO"}},
		"fr": {"le 01/03/2027 à 14 h 05 (CET)", "environ 12\u00a0000", "environ 1\u00a0234\u00a0567", "information à suivre",
			[]string{"le nombre d'enregistrements concernés", "les conséquences probables", "les mesures prises ou envisagées"},
			[]string{"violation de données à caractère personnel", "Délégué à la protection des données", "Madame, Monsieur",
				"Mesures prises ou envisagées", "Cordialement"},
			[]string{"article 33, paragraphe 2, du RGPD"}, []string{"2e notification", "article 33, paragraphe 4, du RGPD"}},
	}
	for _, lang := range langs {
		w := want[lang]
		for _, phase := range []int{1, 2} {
			d := breach(lang, phase)
			subject, text, html, err := mail.Render(mail.NoticeBreach, lang, d)
			if err != nil {
				t.Fatalf("%s phase %d: %v", lang, phase, err)
			}
			html = strings.ReplaceAll(html, "&#39;", "'")
			if !strings.Contains(subject, d.IncidentTitle) || phase > 1 && !strings.Contains(subject, "2") {
				t.Errorf("%s phase %d: subject %q", lang, phase, subject)
			}
			musts := append([]string{d.CustomerName, d.ProcessorName, d.Nature, d.DataCategories[0], d.DataCategories[1], d.DPO,
				d.Mitigation, "G7.2", w.date, w.subjects}, w.always...)
			enc := encryptionWords[lang]
			if d.ClientSideEncrypted { // the update: encrypted, and the processor's own words
				musts = append(musts, enc.many, enc.said)
			}
			if phase == 1 {
				musts = append(musts, w.toFollow)
				musts = append(musts, w.parts...)
				musts = append(musts, w.first...)
			} else {
				musts = append(musts, d.Consequences, d.Measures, w.records)
				musts = append(musts, w.update...)
			}
			for part, s := range map[string]string{"text": text, "html": html} {
				for _, m := range musts {
					if !strings.Contains(s, m) {
						t.Errorf("%s phase %d: %s lacks %q:\n%s", lang, phase, part, m, s)
					}
				}
				if strings.Contains(s, "<no value>") || strings.Contains(s, "%!") {
					t.Errorf("%s phase %d: %s has a missing field:\n%s", lang, phase, part, s)
				}
			}
			if !d.ClientSideEncrypted && (strings.Contains(text+html, enc.said) || strings.Contains(text+html, enc.many) ||
				!strings.Contains(text, enc.one+enc.sep+d.Mitigation)) {
				t.Errorf("%s phase %d: not encrypted on the customer's side, yet:\n%s", lang, phase, text)
			}
			if phase > 1 && strings.Contains(text, w.toFollow) {
				t.Errorf("%s phase 2: nothing is to follow, yet:\n%s", lang, text)
			}
			if !strings.Contains(text, d.PortalURL) || !strings.Contains(html, `href="`+d.PortalURL+`"`) {
				t.Errorf("%s phase %d: the portal link is missing", lang, phase)
			}
			if lang != "en" {
				for _, e := range english {
					if strings.Contains(subject+text+html, e) {
						t.Errorf("%s phase %d: English %q in the notice:\n%s\n%s", lang, phase, e, subject, text)
					}
				}
			}
		}
	}
}

// Client-side encryption alone is one mitigating factor, stated in the
// customer's language; without it or a mitigation written by the
// processor, the notice names none.
func TestRenderBreachNoticeEncryptedOnly(t *testing.T) {
	for _, lang := range langs {
		enc := encryptionWords[lang]
		d := breach(lang, 1)
		d.Mitigation, d.ClientSideEncrypted = "", true
		_, text, html, err := mail.Render(mail.NoticeBreach, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, enc.one+enc.sep+enc.said) || strings.Contains(text, enc.many) ||
			!strings.Contains(html, ">"+enc.one+"</th><td>"+enc.said) {
			t.Errorf("%s: the encryption is not the one mitigating factor:\n%s\n%s", lang, text, html)
		}
		d.ClientSideEncrypted = false
		_, text, html, err = mail.Render(mail.NoticeBreach, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text+html, enc.one) || strings.Contains(text+html, enc.said) {
			t.Errorf("%s: a mitigating factor where there is none:\n%s", lang, text)
		}
	}
}

// Every part a notice can leave to follow has words in every language: a
// part without them would leave an empty place in the list.
func TestRenderBreachNoticeNamesEveryPart(t *testing.T) {
	for _, lang := range langs {
		d := breach(lang, 1)
		d.ToFollow = slices.Clone(art28.NoticeParts)
		_, text, html, err := mail.Render(mail.NoticeBreach, lang, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{text, html} {
			if strings.Contains(s, "(, ") || strings.Contains(s, ", , ") || strings.Contains(s, ", )") || strings.Contains(s, "()") {
				t.Errorf("%s: a part has no words:\n%s", lang, s)
			}
		}
	}
}

func bulletin(kind art28.BulletinKind) mail.Bulletin {
	return mail.Bulletin{ProcessorName: "Acme Cloud GmbH", CustomerName: "Example Retail AG", Kind: kind,
		Title: "Inspection by the authority", Body: "The authority inspects our data centre\non 3 March 2027.",
		PortalURL: "https://acme.example/portal/bulletins", Clauses: kind.Clauses()}
}

// TestRenderBulletin checks every kind in every language: each has its own
// words, and no language reads as English.
func TestRenderBulletin(t *testing.T) {
	want := map[string][]string{
		"en": {"Dear Example Retail AG", "We tell you under", "of our agreement", "Kind regards"},
		"de": {"Sehr geehrte Damen und Herren", "Wir informieren Sie nach", "unseres Vertrags", "Mit freundlichen Grüßen"},
		"fr": {"Madame, Monsieur", "Nous vous en informons au titre", "de notre contrat", "Cordialement"},
	}
	// One clause, or several.
	clauses := map[string][2]string{"en": {"clause ", "clauses "}, "de": {"Klausel ", "den Klauseln "},
		"fr": {"de la clause ", "des clauses "}}
	for _, lang := range langs {
		seen := map[string]art28.BulletinKind{}
		for _, kind := range art28.BulletinKinds {
			d := bulletin(kind)
			subject, text, html, err := mail.Render(mail.NoticeBulletin, lang, d)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, kind, err)
			}
			if !strings.Contains(subject, d.Title) || !strings.Contains(subject, d.ProcessorName) {
				t.Errorf("%s %s: subject %q", lang, kind, subject)
			}
			clause := clauses[lang][0]
			if len(d.Clauses) > 1 {
				clause = clauses[lang][1]
			}
			musts := append([]string{d.CustomerName, d.ProcessorName, d.Body, clause + strings.Join(d.Clauses, ", ")}, want[lang]...)
			for part, s := range map[string]string{"text": text, "html": html} {
				for _, m := range musts {
					if !strings.Contains(s, m) {
						t.Errorf("%s %s: %s lacks %q:\n%s", lang, kind, part, m, s)
					}
				}
				if strings.Contains(s, "()") || strings.Contains(s, "("+string(kind)+")") || strings.Contains(s, "<no value>") {
					t.Errorf("%s %s: %s has no words for the kind:\n%s", lang, kind, part, s)
				}
			}
			if !strings.Contains(text, d.PortalURL) || !strings.Contains(html, `href="`+d.PortalURL+`"`) {
				t.Errorf("%s %s: the portal link is missing", lang, kind)
			}
			if other, ok := seen[text]; ok {
				t.Errorf("%s: %s and %s read the same:\n%s", lang, kind, other, text)
			}
			seen[text] = kind
			if lang != "en" {
				for _, e := range english {
					if strings.Contains(subject+text+html, e) {
						t.Errorf("%s %s: English %q in the bulletin:\n%s", lang, kind, e, text)
					}
				}
			}
		}
	}
}

// An unknown language is English; a regional tag is its language.
func TestRenderNoticesFallBack(t *testing.T) {
	for name, data := range map[string]any{mail.NoticeBreach: breach("en", 2), mail.NoticeBulletin: bulletin(art28.BulletinSeizure)} {
		render := func(lang string) string {
			s, text, html, err := mail.Render(name, lang, data)
			if err != nil {
				t.Fatalf("%s %q: %v", name, lang, err)
			}
			return s + "\n" + text + "\n" + html
		}
		en, de, fr := render("en"), render("de"), render("fr")
		if en == de || en == fr || de == fr {
			t.Fatalf("%s: two languages read the same", name)
		}
		for lang, want := range map[string]string{"": en, "xx": en, "EN-gb": en, "it": en, "de-AT": de, "de_CH": de, "fr-BE": fr} {
			if got := render(lang); got != want {
				t.Errorf("%s %q: got\n%s", name, lang, got)
			}
		}
	}
}

func TestRenderNoticesRefuseBadData(t *testing.T) {
	for field, change := range map[string]func(*mail.BreachNotice){
		"Phase":         func(d *mail.BreachNotice) { d.Phase = 0 },
		"AwareAt":       func(d *mail.BreachNotice) { d.AwareAt = time.Time{} },
		"ToFollow":      func(d *mail.BreachNotice) { d.ToFollow = append(d.ToFollow, "mood") },
		"IncidentTitle": func(d *mail.BreachNotice) { d.IncidentTitle = "Evil\r\nBcc: x@example.org" },
		"PortalURL":     func(d *mail.BreachNotice) { d.PortalURL = " " },
		"CustomerName":  func(d *mail.BreachNotice) { d.CustomerName = "" },
	} {
		d := breach("de", 1)
		change(&d)
		if _, _, _, err := mail.Render(mail.NoticeBreach, "de", d); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("bad %s: got %v", field, err)
		}
	}
	for field, change := range map[string]func(*mail.Bulletin){
		"Kind":  func(d *mail.Bulletin) { d.Kind = "gossip" },
		"Title": func(d *mail.Bulletin) { d.Title = "Evil\nBcc: x@example.org" },
		"Body":  func(d *mail.Bulletin) { d.Body = "" },
	} {
		d := bulletin(art28.BulletinDisruption)
		change(&d)
		if _, _, _, err := mail.Render(mail.NoticeBulletin, "fr", d); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("bad %s: got %v", field, err)
		}
	}
}

func TestCountGroup(t *testing.T) {
	for n, want := range map[mail.Count]string{0: "0", 7: "7", 999: "999", 1000: "1.000", 12000: "12.000", 999999: "999.999",
		1234567: "1.234.567", -1234: "-1.234"} {
		if got := n.Group("."); got != want {
			t.Errorf("%d: got %q, want %q", n, got, want)
		}
	}
	if mail.NewCount(nil) != nil {
		t.Error("NewCount(nil) is not nil")
	}
}

// TestRenderNoticesGolden keeps the first breach notice, its update and a
// bulletin in each language in testdata. Run with -update to rewrite.
func TestRenderNoticesGolden(t *testing.T) {
	for _, lang := range langs {
		b := bulletin(art28.BulletinAuthorityAction)
		switch lang { // the processor writes them in the customer's language
		case "de":
			b.Title, b.Body = "Prüfung durch die Aufsichtsbehörde", "Die Aufsichtsbehörde prüft am 3. März 2027\nunser Rechenzentrum."
		case "fr":
			b.Title, b.Body = "Contrôle de l'autorité", "L'autorité contrôle notre centre de données\nle 3 mars 2027."
		}
		for name, data := range map[string]any{
			"breach_notice." + lang:        breach(lang, 1),
			"breach_notice.update." + lang: breach(lang, 2),
			"bulletin." + lang:             b,
		} {
			notice, _, _ := strings.Cut(name, ".")
			subject, text, html, err := mail.Render(notice, lang, data)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, subject, text, html)
		}
	}
}
