package breachdoc

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func n(v int64) *int64 { return &v }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(t time.Time) *time.Time { return &t }

// fixture is scenario 3 seen from one customer, Müller GmbH, whose backups
// were encrypted on its side, as both its notices said: notified 40
// minutes late under G7.2, the records to follow, acknowledged, then a
// second phase that still owes the records while the register already
// holds them. Other AG is affected too; none of its figures may reach
// Müller's documentation.
func fixture() Input {
	aware := at("2027-02-15T15:20:00Z")
	return Input{
		Processor: art28.ProcessorProfile{LegalName: "Hosting GmbH", Address: "Hauptstraße 1, 10115 Berlin", Country: "DE",
			DPOName: "Dana Schütz", DPOEmail: "dpo@hosting.example", DPOPhone: "+49 30 123456", SupervisoryAuthority: "BlnBDI"},
		Customer: art28.Customer{ID: 7, LegalName: "Müller GmbH", Address: "Königsallee 5, Düsseldorf", Country: "DE",
			Role: art28.CustomerController},
		Incident: art28.Incident{ID: 3, Title: "Backup bucket publicly readable", Description: "A bucket's policy allowed public reads.",
			Reporter: "On-call engineer", DetectedAt: aware.Add(-time.Hour), AwareAt: aware, Assessment: art28.AssessBreach,
			AssessmentReason: "Personal data were readable by anyone.", AssessedAt: ptr(aware.Add(10 * time.Minute)),
			State: art28.IncidentOpen, Consequences: "internal draft", Measures: "internal draft",
			Affected: []art28.Affected{{CustomerID: 7, Subjects: n(120), Records: n(300), ClientSideEncrypted: true},
				{CustomerID: 8, Subjects: n(40), Records: n(900)}}},
		Clocks: []art28.BreachClock{
			{AgreementID: 12, CustomerID: 8, Customer: "Other AG", ClauseIDs: []string{"C8"}, Period: "72 hours", AwareAt: aware,
				DueAt: aware.Add(72 * time.Hour), NotifiedAt: ptr(at("2027-02-16T16:00:00Z"))},
			{AgreementID: 11, CustomerID: 7, Customer: "Müller GmbH", ClauseIDs: []string{"G7.2"}, Period: "24 hours", AwareAt: aware,
				DueAt: aware.Add(24 * time.Hour), NotifiedAt: ptr(at("2027-02-16T16:00:00Z")),
				AcknowledgedAt: ptr(at("2027-02-16T17:00:00Z"))},
		},
		Notices: []*art28.BreachNotice{
			{ID: 23, IncidentID: 3, AgreementID: 11, CustomerID: 7, Phase: 2, IssuedAt: at("2027-02-17T09:00:00Z"), IssuedBy: "po@hosting.example",
				Content: art28.BreachContent{Nature: "Unauthorised read access to backup files.", DataCategories: []string{"contact data", "invoices"},
					Subjects: n(120), DPO: "Dana Schütz, dpo@hosting.example", Consequences: "Contact data may be misused for phishing.",
					Measures:   "The bucket was closed at 16:45; access logs are being analysed.",
					Mitigation: "Payment data are not stored in the backups.", ClientSideEncrypted: true,
					ToFollow: []art28.NoticePart{art28.PartRecords}}},
			{ID: 22, IncidentID: 3, AgreementID: 12, CustomerID: 8, Phase: 1, IssuedAt: at("2027-02-16T16:00:00Z"), IssuedBy: "po@hosting.example",
				Content: art28.BreachContent{Nature: "Unauthorised read access to backup files.", Subjects: n(40), Records: n(900)}},
			{ID: 21, IncidentID: 3, AgreementID: 11, CustomerID: 7, Phase: 1, IssuedAt: at("2027-02-16T16:00:00Z"), IssuedBy: "po@hosting.example",
				DueAt: ptr(aware.Add(24 * time.Hour)), Late: 40 * time.Minute,
				AcknowledgedAt: ptr(at("2027-02-16T17:00:00Z")), AcknowledgedBy: "anna@mueller.example",
				Content: art28.BreachContent{Nature: "Unauthorised read access to backup files.", DataCategories: []string{"contact data"},
					Subjects: n(120), DPO: "Dana Schütz, dpo@hosting.example", Consequences: "Contact data may be misused for phishing.",
					Measures: "The bucket was closed at 16:45.", ClientSideEncrypted: true,
					ToFollow: []art28.NoticePart{art28.PartRecords, art28.PartSubjects}}},
		},
		Zones:       map[int64]string{11: "Europe/Berlin", 12: "Europe/Paris"},
		GeneratedAt: at("2027-02-17T10:00:00+01:00"),
	}
}

func TestCheck(t *testing.T) {
	if err := fixture().Check(); err != nil {
		t.Fatalf("a notified customer: %v", err)
	}
	for name, tc := range map[string]struct {
		change func(*Input)
		want   string
	}{
		"not a breach": {func(in *Input) { in.Incident.Assessment = art28.AssessNotBreach }, "not assessed as a personal data breach"},
		"not affected": {func(in *Input) { in.Customer.ID = 9 }, "does not affect customer 9"},
		"not notified": {func(in *Input) { in.Notices = in.Notices[1:2] }, "has not been sent a breach notice"},
	} {
		in := fixture()
		tc.change(&in)
		err := in.Check()
		if art28.ErrorCode(err) != art28.ENOTFOUND || !strings.Contains(art28.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want not_found saying %q", name, err, tc.want)
		}
	}
}

func TestBuildKeepsTheCustomersOwn(t *testing.T) {
	d := Build(fixture())
	if len(d.Agreements) != 1 || d.Agreements[0].ID != 11 {
		t.Fatalf("agreements: %+v", d.Agreements)
	}
	a := d.Agreements[0]
	if len(a.Phases) != 2 || a.Phases[0].Phase != 1 || a.Phases[1].Phase != 2 {
		t.Fatalf("phases: %+v", a.Phases)
	}
	if a.OnTime == nil || *a.OnTime || a.LateMinutes != 40 || !a.AcknowledgedAt.Equal(at("2027-02-16T17:00:00Z")) {
		t.Errorf("clock: on time %v, late %d min, acknowledged %v", a.OnTime, a.LateMinutes, a.AcknowledgedAt)
	}
	b := d.Breach
	if b.Phase != 2 || *b.Subjects != 120 || b.Records != nil || !slices.Equal(b.ToFollow, []string{"records"}) ||
		!b.ClientSideEncrypted || b.Mitigation != "Payment data are not stored in the backups." {
		t.Errorf("the latest notice: %+v", b)
	}
	if !a.Phases[0].Content.ClientSideEncrypted {
		t.Errorf("phase 1 said the data were encrypted on Müller's side: %+v", a.Phases[0].Content)
	}
	// Art. 33(3)'s order, whatever order the notice gave.
	if got := a.Phases[0].Content.ToFollow; !slices.Equal(got, []string{"subjects", "records"}) {
		t.Errorf("phase 1 to follow: %v", got)
	}
	if i := d.Incident; *i.Subjects != 120 || *i.Records != 300 || !i.ClientSideEncrypted {
		t.Errorf("the register's figures: %+v", i)
	}
	if d.TimeZone != "Europe/Berlin" || d.Customer.LegalName != "Müller GmbH" || d.Processor.DPO.Email != "dpo@hosting.example" {
		t.Errorf("documentation: zone %q, customer %q, DPO %+v", d.TimeZone, d.Customer.LegalName, d.Processor.DPO)
	}
	kinds := make([]string, len(d.Timeline))
	for k, e := range d.Timeline {
		kinds[k] = e.Kind
	}
	want := []string{EventDetected, EventAware, EventAssessed, EventDeadline, EventNotice, EventAcknowledged, EventNotice}
	if !slices.Equal(kinds, want) {
		t.Errorf("timeline: %v, want %v", kinds, want)
	}
	if s := d.Timeline[4].Summary; !strings.Contains(s, "40 min late") || !strings.Contains(s, "to follow: subjects, records") {
		t.Errorf("phase 1 on the timeline: %q", s)
	}
	js, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Other AG", "900", `"id": 12`, "Europe/Paris", "internal draft"} {
		if bytes.Contains(js, []byte(leak)) {
			t.Errorf("the documentation holds %q, which is not Müller's", leak)
		}
	}
}

// TestJSON checks the export against a golden file (go test -update
// rewrites it), so that a change to a field name shows in review, and
// reads it back into the same value.
func TestJSON(t *testing.T) {
	d := Build(fixture())
	js, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "documentation.json")
	if *update {
		if err := os.WriteFile(golden, js, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, want) {
		t.Errorf("the JSON export differs from %s (go test -update to accept):\n%s", golden, js)
	}
	var back Documentation
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, d) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, d)
	}
	// Every field is always there, null or empty rather than missing, so
	// that a consumer can rely on the names.
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	breach := m["breach"].(map[string]any)
	for _, k := range []string{"phase", "issued_at", "nature", "data_categories", "subjects", "records", "dpo", "consequences",
		"measures", "mitigation", "to_follow", "client_side_encrypted"} {
		if _, ok := breach[k]; !ok {
			t.Errorf("breach has no %q", k)
		}
	}
	if breach["records"] != nil || breach["subjects"] != float64(120) || breach["client_side_encrypted"] != true {
		t.Errorf("breach figures: subjects %v, records %v, encrypted %v", breach["subjects"], breach["records"], breach["client_side_encrypted"])
	}
}

func TestPDF(t *testing.T) {
	in := fixture()
	doc := Build(in)
	pdf, err := doc.PDF()
	if err != nil {
		t.Fatal(err)
	}
	checkStructure(t, pdf)

	// Uncompressed, the page content shows the text as the core font
	// draws it: Windows-1252 bytes.
	raw, err := doc.pdf(false)
	if err != nil {
		t.Fatal(err)
	}
	checkStructure(t, raw)
	text := contentText(raw)
	for _, want := range []string{"Personal data breach", "M\xfcller GmbH", "Backup bucket publicly readable",
		"Dana Sch\xfctz, dpo@hosting.example", "Late by 40 min.", "G7.2", "To follow.", "encrypted on the customer's side",
		"Payment data are not stored in the backups.",
		"2027-02-16 17:00 CET", // the first notice, in the agreement's zone
		"the approximate number of personal data records concerned", "Page 1 of "} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	if strings.Contains(text, "900") || strings.Contains(text, "Other AG") {
		t.Error("the PDF shows another customer's figures")
	}
	// The encryption prints in the summary and under each phase that
	// stated it; Other AG's notice did not, so its PDF has no such line.
	if n := strings.Count(text, "Client-side encryption (L3)"); n != 3 {
		t.Errorf("the encryption prints %d times, want 3 (the summary and both phases)", n)
	}
	in.Customer = art28.Customer{ID: 8, LegalName: "Other AG", Country: "DE"}
	if err := in.Check(); err != nil {
		t.Fatal(err)
	}
	if raw, err = Build(in).pdf(false); err != nil {
		t.Fatal(err)
	}
	if other := contentText(raw); !strings.Contains(other, "Other AG") || strings.Contains(other, "encryption") ||
		strings.Contains(other, "encrypted") {
		t.Errorf("Other AG's PDF states an encryption its notice did not")
	}
}

// TestPDFLongAndForeign gives the PDF a description that spans pages and
// names outside Windows-1252: they print folded, not as dots.
func TestPDFLongAndForeign(t *testing.T) {
	in := fixture()
	in.Customer.LegalName = "Łódź Dvořák Sp. z o.o."
	in.Incident.Description = strings.Repeat("A line of the description that wraps and wraps until the page is full. ", 400)
	raw, err := Build(in).pdf(false)
	if err != nil {
		t.Fatal(err)
	}
	checkStructure(t, raw)
	text := contentText(raw)
	if !strings.Contains(text, "L\xf3dz Dvor\xe1k Sp. z o.o.") {
		t.Errorf("the folded name is missing")
	}
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(raw, -1))
	if pages < 4 || !strings.Contains(text, "Page "+strconv.Itoa(pages)+" of "+strconv.Itoa(pages)) {
		t.Errorf("%d pages; the last footer is missing", pages)
	}
}

// checkStructure checks what a reader needs to open the file: the header,
// the end marker, and a cross-reference table whose every entry points at
// the object it names.
func checkStructure(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %.20q ... %q", pdf, pdf[max(0, len(pdf)-20):])
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off >= len(pdf) || !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at the xref table", off)
	}
	sec := regexp.MustCompile(`^xref\s+(\d+) (\d+)\s+`).FindSubmatch(pdf[off:])
	if sec == nil {
		t.Fatal("unreadable xref table")
	}
	first, count := atoi(sec[1]), atoi(sec[2])
	entries := regexp.MustCompile(`(\d{10}) (\d{5}) ([nf])`).FindAllSubmatch(pdf[off+len(sec[0]):], count)
	if len(entries) != count || count < 5 {
		t.Fatalf("xref lists %d of %d entries", len(entries), count)
	}
	for k, e := range entries {
		if string(e[3]) != "n" {
			continue
		}
		obj, at := first+k, atoi(e[1])
		if at >= len(pdf) || !bytes.HasPrefix(pdf[at:], []byte(strconv.Itoa(obj)+" 0 obj")) {
			t.Errorf("xref: object %d is not at %d", obj, at)
		}
	}
}

func atoi(b []byte) int { v, _ := strconv.Atoi(string(b)); return v }

// contentText joins the strings the page content draws with Tj, with
// PDF string escapes undone.
func contentText(pdf []byte) string {
	var b strings.Builder
	for _, m := range regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\) ?Tj`).FindAllSubmatch(pdf, -1) {
		s := string(m[1])
		s = strings.NewReplacer(`\\`, `\`, `\(`, `(`, `\)`, `)`, `\r`, "\r").Replace(s)
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return b.String()
}
