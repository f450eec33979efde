package http_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// raw fetches a path as the browser and returns the response and its body,
// for what is not a page (a CSV file).
func (b *uiBrowser) raw(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, string(body)
}

// upload posts a multipart form with one file, as the import form does.
func (b *uiBrowser) upload(path, field, name string, content []byte) uiPage {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.base+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// wantCSRF fails unless every form of the page that posts carries its
// CSRF field (the browser's submit would otherwise borrow the sign-out
// form's and hide the omission).
func wantCSRF(t testing.TB, p uiPage) {
	t.Helper()
	p.Doc.Find(`form[method="post"]`).Each(func(_ int, f *goquery.Selection) {
		if f.Find(`input[name="csrf"]`).Length() == 0 {
			t.Errorf("%s: the form posting to %s has no csrf field", p.URL.Path, f.AttrOr("action", "?"))
		}
	})
}

func subprocessorTotal(t testing.TB, app *testrig.App) int {
	t.Helper()
	_, n, err := app.Store.Subprocessors.Subprocessors(testrig.As(testrig.Owner), art28.SubprocessorFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The register through its forms: a refused entry, an entry, a refused
// and an accepted import, the export, which imports unchanged into another
// installation, an edit and a review.
func TestUISubprocessorRegister(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	hosting, backup := fmt.Sprint(f.Services["hosting"].ID), fmt.Sprint(f.Services["backup"].ID)
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)

	p := b.get("/register/subprocessors/new").want(t, http.StatusOK)
	wantCSRF(t, p)
	if p.Doc.Find(`input[name="service_ids"]`).Length() != 2 || p.Doc.Find(`select[name="safeguard"] option`).Length() != 7 {
		t.Fatalf("the new-entry form lacks services or safeguards:\n%s", p.html())
	}
	if hint := p.text(`label.check:has(input[name="listed"]) + p.hint`); !strings.Contains(hint, "customers accepted") {
		t.Fatalf("the listed checkbox's hint: %q", hint)
	}

	// A US entry without a safeguard is refused next to the field, as typed.
	before := testrig.ActivityCount(t, app.DB)
	entry := url.Values{"name": {"Errors Inc"}, "legal_entity": {"Errors, Inc."}, "country": {"US"}, "purpose": {"Error tracking"},
		"service_ids": {hosting}, "data_categories": {"stack traces\r\nIP addresses"}, "kind": {"subprocessor"},
		"flow_down_signed_on": {"2026-01-15"}, "flow_down_document": {"contracts/errors.pdf"}}
	p = b.submit("/register/subprocessors", entry).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#err-safeguard"); !strings.Contains(got, "outside the EEA") {
		t.Fatalf("safeguard error %q", got)
	}
	if v, _ := p.Doc.Find(`input[name="name"]`).Attr("value"); v != "Errors Inc" {
		t.Fatalf("name not kept: %q", v)
	}
	if _, ok := p.Doc.Find(`select[name="country"] option[value="US"]`).Attr("selected"); !ok {
		t.Fatal("country not kept")
	}
	if subprocessorTotal(t, app) != 0 || testrig.ActivityCount(t, app.DB) != before {
		t.Fatal("a refused entry was stored")
	}
	entry.Set("safeguard", "scc_2021_914")
	p = b.submit("/register/subprocessors", entry).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-scc_module") == "" {
		t.Fatal("no message by the SCC module")
	}
	entry.Set("scc_module", "3")
	p = b.submit("/register/subprocessors", entry).want(t, http.StatusOK)
	errorsID := idFrom(t, p.URL, "/register/subprocessors/")
	if h1 := p.text("main h1"); h1 != "Errors Inc" || !strings.Contains(p.text(".flash"), "Errors Inc") {
		t.Fatalf("after create: h1 %q, flash %q", h1, p.text(".flash"))
	}
	if got := p.text("#details dl.props"); !strings.Contains(got, "standard contractual clauses (2021/914), module 3") ||
		!strings.Contains(got, "IP addresses") || !strings.Contains(got, "signed 2026-01-15") {
		t.Fatalf("details: %q", got)
	}
	b.submit("/register/subprocessors", entry).want(t, http.StatusConflict)

	// An import with a bad line stores nothing and names the line.
	b.get("/register/subprocessors")
	bad := "name,country,purpose,services\nOVHcloud,FR,Database storage,Hosting\nNowhere Ltd,XX,storage,Hosting\n"
	p = b.submit("/register/subprocessors/import", url.Values{"csv": {bad}}).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#err-csv"); !strings.Contains(got, "line 3") || !strings.Contains(got, "country") {
		t.Fatalf("import error %q", got)
	}
	if got := p.Doc.Find(`textarea[name="csv"]`).Text(); got != bad {
		t.Fatalf("the refused file was not kept: %q", got)
	}
	if subprocessorTotal(t, app) != 1 {
		t.Fatal("a refused import stored entries")
	}
	good := "name,legal_entity,country,purpose,services,safeguard,scc_module,listed,kind\n" +
		"OVHcloud,OVH SAS,FR,Database storage,Hosting; Backup,,,true,subprocessor\n" +
		"Cleaning Co,,DE,Office cleaning,,,,false,ancillary\n"
	p = b.submit("/register/subprocessors/import", url.Values{"csv": {good}}).want(t, http.StatusOK)
	if got := p.text(".flash"); got != "Imported 2 entries." {
		t.Fatalf("import flash %q", got)
	}
	wantCSRF(t, p)
	rows := p.Doc.Find("table.register tbody tr")
	if rows.Length() != 3 {
		t.Fatalf("the register shows %d rows", rows.Length())
	}
	errRow := p.Doc.Find("table.register tbody tr:has(a:contains('Errors Inc'))").Text()
	for _, want := range []string{"third country", "standard contractual clauses", "not listed", "signed 2026-01-15", "never", "Hosting"} {
		if !strings.Contains(errRow, want) {
			t.Errorf("the row of Errors Inc lacks %q: %q", want, errRow)
		}
	}
	ovhRow := p.Doc.Find("table.register tbody tr:has(a:contains('OVHcloud'))").Text()
	for _, want := range []string{"EU/EEA", "listed", "Hosting", "Backup", "not recorded"} {
		if !strings.Contains(ovhRow, want) {
			t.Errorf("the row of OVHcloud lacks %q: %q", want, ovhRow)
		}
	}
	if n := b.get("/register/subprocessors?listed=yes").Doc.Find("table.register tbody tr").Length(); n != 1 {
		t.Errorf("listed filter: %d rows", n)
	}
	if n := b.get("/register/subprocessors?kind=ancillary&q=clean").Doc.Find("table.register tbody tr").Length(); n != 1 {
		t.Errorf("kind and search filter: %d rows", n)
	}

	// The export has the full columns and imports unchanged elsewhere.
	resp, csv := b.raw("/register/subprocessors.csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(csv, "name,legal_entity,address,country,purpose,services,data_categories,kind,safeguard,scc_module,flow_down_signed_on,flow_down_document,listed") {
		t.Fatalf("export: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), csv)
	}
	other := testrig.NewApp(t, store.SQLite)
	testrig.Seed(t, other.DB)
	ob := newUIBrowser(t, other)
	ob.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	ob.get("/register/subprocessors")
	ob.upload("/register/subprocessors/import", "csv", "subprocessors.csv", []byte(csv)).want(t, http.StatusOK)
	// The same entries; services may come in another order, since each
	// installation numbers its services its own way.
	_, again := ob.raw("/register/subprocessors.csv")
	rowsOf := func(text string) []art28.SubprocessorRow {
		rows, err := art28.ReadSubprocessorsCSV([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			slices.Sort(rows[i].Services)
		}
		return rows
	}
	if !reflect.DeepEqual(rowsOf(csv), rowsOf(again)) {
		t.Fatalf("round trip changed the register:\n%s\nvs\n%s", csv, again)
	}

	// A listed entry's edit keeps what customers accepted, whatever is
	// sent: its country changes only through a change of location.
	listed, _, err := app.Store.Subprocessors.Subprocessors(testrig.As(testrig.Owner), art28.SubprocessorFilter{Query: "OVHcloud"})
	if err != nil || len(listed) != 1 {
		t.Fatal(listed, err)
	}
	ovhPage := fmt.Sprintf("/register/subprocessors/%d", listed[0].ID)
	p = b.get(ovhPage).want(t, http.StatusOK)
	if p.Doc.Find(`#details form select[name="country"]`).Length() != 0 {
		t.Fatal("a listed entry's edit form offers its country")
	}
	b.submit(ovhPage, url.Values{"name": {"OVHcloud"}, "legal_entity": {"OVH SAS"}, "country": {"US"}, "service_ids": {hosting},
		"flow_down_signed_on": {"2026-01-15"}}).want(t, http.StatusOK)
	if got, _ := app.Store.Subprocessors.Subprocessor(testrig.As(testrig.Owner), listed[0].ID); got.Country != "FR" ||
		got.FlowDownSignedOn != "2026-01-15" || len(got.ServiceIDs) != 1 {
		t.Fatalf("the listed entry after its edit: %+v", got)
	}

	// An edit and a review.
	page := fmt.Sprintf("/register/subprocessors/%d", errorsID)
	b.get(page)
	entry.Set("flow_down_document", "contracts/errors-2027.pdf")
	entry.Set("service_ids", backup)
	p = b.submit(page, entry).want(t, http.StatusOK)
	if got := p.text("#details dl.props"); !strings.Contains(got, "errors-2027.pdf") || !strings.Contains(got, "Backup") {
		t.Fatalf("after edit: %q", got)
	}
	p = b.submit(page+"/reviews", url.Values{"reviewed_on": {"2027-13-01"}, "reviewer": {"Dana"}, "outcome": {"passed"}}).
		want(t, http.StatusUnprocessableEntity)
	if p.text("#reviews #err-reviewed_on") == "" {
		t.Fatal("no message by the review date")
	}
	p = b.submit(page+"/reviews", url.Values{"reviewed_on": {"2027-02-20"}, "reviewer": {"Dana Weber"}, "outcome": {"passed_with_findings"},
		"documents": {"audits/errors-2027.pdf"}}).want(t, http.StatusOK)
	if got := p.text("table.reviews"); !strings.Contains(got, "Dana Weber") || !strings.Contains(got, "passed with findings") {
		t.Fatalf("reviews: %q", got)
	}
	if got := b.get("/register/subprocessors").text("table.register tbody tr:has(a:contains('Errors Inc'))"); !strings.Contains(got, "2027-02-20") {
		t.Fatalf("the register does not show the last review: %q", got)
	}
}

// A change from announcement to resolution (SCENARIOS.md 1): a new
// sub-processor announced to two agreements on their own clocks, the
// tally, an objection in the portal (not by a member), the processor's
// answer, the transfer check, an objection too late, and a withdrawal.
func TestUISubprocessorChange(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite) // 2027-03-01 09:00 UTC
	f := testrig.Seed(t, app.DB)
	po := testrig.As(testrig.PrivacyOfficer)
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	acme, globex := f.Agreements["acme"], f.Agreements["globex"]
	if _, err := app.Store.Agreements.ConcludeAgreement(po, acme.ID, art28.Conclusion{Method: art28.ConcludedSignature,
		AcceptedBy: "Acme CEO", AcceptedAt: app.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	v, _, err := app.Store.Terms.ImportTerms(po, "dpa-standard", art28.TermsImport{Content: string(genz)})
	if err != nil {
		t.Fatal(err)
	}
	// Globex under G9.1; Acme with ConneqtOS's 14 days and a right to
	// terminate over an objection (C7).
	if _, err := app.Store.Terms.SetAgreementTerms(po, globex.ID, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.Terms.SetAgreementTerms(po, acme.ID, v.ID, "clauses:\n  subprocessor_notice:\n    period: 14 days\n"+
		"    objection: allowed_with_termination\n    implements: [C7]\n"); err != nil {
		t.Fatal(err)
	}
	sp := &art28.Subprocessor{Name: "Hosting GmbH", Country: "DE", Purpose: "A second data centre", ServiceIDs: []int64{f.Services["hosting"].ID}}
	if err := app.Store.Subprocessors.CreateSubprocessor(po, sp); err != nil {
		t.Fatal(err)
	}
	spPage := fmt.Sprintf("/register/subprocessors/%d", sp.ID)

	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := staff.get(spPage).want(t, http.StatusOK)
	wantCSRF(t, p)
	var kinds []string
	p.Doc.Find(`form.announce input[name="kind"]`).Each(func(_ int, s *goquery.Selection) { kinds = append(kinds, s.AttrOr("value", "")) })
	if strings.Join(kinds, ",") != "add,replace" {
		t.Fatalf("a sub-processor not listed is offered %v", kinds)
	}

	// Refused announcements store nothing.
	p = staff.submit("/changes", url.Values{"subprocessor_id": {fmt.Sprint(sp.ID)}, "kind": {"add"}, "summary": {" "}}).
		want(t, http.StatusUnprocessableEntity)
	if p.text("#announce #err-summary") == "" {
		t.Fatalf("no message by the summary:\n%s", p.text("#announce"))
	}
	p = staff.submit("/changes", url.Values{"subprocessor_id": {fmt.Sprint(sp.ID)}, "kind": {"replace"}, "summary": {"Instead of the old one."}}).
		want(t, http.StatusUnprocessableEntity)
	if p.text("#announce #err-replaces_id") == "" || p.Doc.Find(`input[name="kind"][value="replace"][checked]`).Length() != 1 ||
		p.Doc.Find(`textarea[name="summary"]`).Text() != "Instead of the old one." {
		t.Fatalf("refused replacement: message or values lost:\n%s", p.text("#announce"))
	}
	if _, n, _ := app.Store.Changes.Changes(po, art28.ChangeFilter{}); n != 0 {
		t.Fatalf("%d changes stored from refused forms", n)
	}

	p = staff.submit("/changes", url.Values{"subprocessor_id": {fmt.Sprint(sp.ID)}, "kind": {"add"},
		"summary": {"A second data centre in Frankfurt."}, "new_country": {"US"}}).want(t, http.StatusOK)
	changeID := idFrom(t, p.URL, "/changes/")
	if !strings.Contains(p.text(".flash"), "2 agreements told, 2 objection windows opened") || p.text("main h1") != "Change #"+fmt.Sprint(changeID)+": add Hosting GmbH" {
		t.Fatalf("after announcing: %q, %q", p.text(".flash"), p.text("main h1"))
	}
	if got := p.text("#tally .tally-legend"); !strings.Contains(got, "2 agreements") || !strings.Contains(got, "2 window open") || !strings.Contains(got, "0 objected") {
		t.Fatalf("tally: %q", got)
	}
	if p.Doc.Find("#tally .tally-bar span.open.p100").Length() != 1 {
		t.Fatalf("tally bar:\n%s", p.text("#tally"))
	}
	rowOf := func(p uiPage, customer string) string {
		return p.text(fmt.Sprintf("table.notices tbody tr:has(a:contains(%q))", customer))
	}
	if got := rowOf(p, "Globex Inc."); !strings.Contains(got, "2027-03-20 00:00 CET") || !strings.Contains(got, "2027-03-19 23:00 UTC") || !strings.Contains(got, "G9.1") {
		t.Fatalf("Globex's notice: %q", got)
	}
	if got := rowOf(p, "Acme GmbH"); !strings.Contains(got, "2027-03-16 00:00 CET") {
		t.Fatalf("Acme's notice: %q", got)
	}
	// The change is under way: the sub-processor page says so, and a second
	// announcement is refused with 409.
	if got := staff.get(spPage).text("#announce .notice"); !strings.Contains(got, "under way") {
		t.Fatalf("the page of a sub-processor being announced: %q", got)
	}
	p = staff.submit("/changes", url.Values{"subprocessor_id": {fmt.Sprint(sp.ID)}, "kind": {"add"}, "summary": {"Again."}}).want(t, http.StatusConflict)
	if !strings.Contains(p.text("#announce .error"), "already under way") {
		t.Fatalf("409: %q", p.text("#announce"))
	}
	if got := staff.get("/register/subprocessors").text("table.register tbody tr:has(a:contains('Hosting GmbH'))"); !strings.Contains(got, "announced") {
		t.Fatalf("the register row: %q", got)
	}
	if got := staff.get("/changes").text("table.changes tbody tr"); !strings.Contains(got, "Hosting GmbH") || !strings.Contains(got, "announced") {
		t.Fatalf("the list of changes: %q", got)
	}

	// The transfer check while the windows run.
	check := fmt.Sprintf("/transfer-check?agreement=%d&subprocessor=%d", globex.ID, sp.ID)
	p = staff.get(check).want(t, http.StatusOK)
	if got := p.text("#decision"); !strings.Contains(got, "Refused") || !strings.Contains(got, "window_open") ||
		!strings.Contains(got, "objection window is open until") || !strings.Contains(got, "G9.1") {
		t.Fatalf("transfer check: %q", got)
	}
	p = staff.get(fmt.Sprintf("/transfer-check?agreement=999&subprocessor=%d", sp.ID)).want(t, http.StatusNotFound)
	if p.text("#err-agreement") == "" {
		t.Fatal("an unknown agreement is not named")
	}

	notices, _, err := app.Store.Changes.Notices(po, art28.NoticeFilter{ChangeID: &changeID})
	if err != nil {
		t.Fatal(err)
	}
	noticeOf := map[int64]int64{}
	for _, n := range notices {
		noticeOf[n.AgreementID] = n.ID
	}

	// A Globex member reads the notice and may not object.
	member := newUIBrowser(t, app)
	member.signIn("member@globex.example", testrig.FixturePassword)
	p = member.get("/portal").want(t, http.StatusOK)
	if p.Doc.Find(`a[href="/portal/notices"]`).Length() < 2 {
		t.Fatal("the portal does not link its notices (nav and page)")
	}
	p = member.get("/portal/notices").want(t, http.StatusOK)
	card := p.Doc.Find(fmt.Sprintf("#notice-%d", noticeOf[globex.ID]))
	if got := card.Text(); !strings.Contains(got, "Hosting GmbH") || !strings.Contains(got, "A second data centre in Frankfurt.") ||
		!strings.Contains(got, "2027-03-20 00:00 CET") || !strings.Contains(got, "dpo@globex.example") {
		t.Fatalf("the member's notice: %q", got)
	}
	if card.Find("form").Length() != 0 || card.Find(".readonly").Length() != 1 {
		t.Fatal("a member is offered the objection form")
	}
	if strings.Contains(p.html(), "Acme") {
		t.Fatal("Globex's portal shows Acme's notice")
	}
	objectURL := fmt.Sprintf("/portal/notices/%d/object", noticeOf[globex.ID])
	member.submit(objectURL, url.Values{"reason": {"No."}}).want(t, http.StatusForbidden)

	// Globex's admin objects, with a reason.
	admin := newUIBrowser(t, app)
	admin.signIn("admin@globex.example", testrig.FixturePassword)
	wantCSRF(t, admin.get("/portal/notices"))
	admin.submit(fmt.Sprintf("/portal/notices/%d/object", noticeOf[acme.ID]), url.Values{"reason": {"Not ours."}}).want(t, http.StatusNotFound)
	p = admin.submit(objectURL, url.Values{"reason": {"  "}}).want(t, http.StatusUnprocessableEntity)
	if got := p.text(fmt.Sprintf("#err-reason-%d", noticeOf[globex.ID])); got != "is required" || !strings.Contains(p.text("main > .error"), "reason is required") {
		t.Fatalf("empty reason: %q / %q", got, p.text("main > .error"))
	}
	p = admin.submit(objectURL, url.Values{"reason": {"Our framework contract excludes new hosts."}}).want(t, http.StatusOK)
	card = p.Doc.Find(fmt.Sprintf("#notice-%d", noticeOf[globex.ID]))
	if !strings.Contains(p.text(".flash"), "objection is recorded") || strings.TrimSpace(card.Find(".badge").First().Text()) != "objected" {
		t.Fatalf("after objecting: %q, %q", p.text(".flash"), card.Text())
	}

	// Acme's admin is told of its right to terminate (C7).
	acmeAdmin := newUIBrowser(t, app)
	acmeAdmin.signIn("admin@acme.example", testrig.FixturePassword)
	p = acmeAdmin.get("/portal/notices").want(t, http.StatusOK)
	if got := p.text(fmt.Sprintf("#notice-%d .notice", noticeOf[acme.ID])); !strings.Contains(got, "pro-rata refund") {
		t.Fatalf("no C7 sentence: %q", got)
	}

	// The processor sees the objection and keeps Globex's data off.
	p = staff.get(fmt.Sprintf("/changes/%d", changeID)).want(t, http.StatusOK)
	if got := p.text("#tally .tally-legend"); !strings.Contains(got, "1 objected") || !strings.Contains(got, "1 window open") {
		t.Fatalf("tally after the objection: %q", got)
	}
	if got := rowOf(p, "Globex Inc."); !strings.Contains(got, "Our framework contract excludes new hosts.") {
		t.Fatalf("the objection's reason: %q", got)
	}
	wantCSRF(t, p)
	resolve := fmt.Sprintf("/notices/%d/resolve", noticeOf[globex.ID])
	if p.Doc.Find(fmt.Sprintf(`form[action=%q] select[name="resolution"]`, resolve)).Length() != 1 {
		t.Fatal("no resolve form by the objection")
	}
	if p.Doc.Find(fmt.Sprintf(`form[action="/notices/%d/resolve"]`, noticeOf[acme.ID])).Length() != 0 {
		t.Fatal("a resolve form by a notice without objection")
	}
	p = staff.submit(resolve, url.Values{"resolution": {"ignore"}}).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(p.text("#notices .error"), "resolution must be keep_off") {
		t.Fatalf("bad resolution: %q", p.text("#notices .error"))
	}
	p = staff.submit(resolve, url.Values{"resolution": {"keep_off"}}).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "kept off") || !strings.Contains(rowOf(p, "Globex Inc."), "Resolved: keep off") {
		t.Fatalf("after resolving: %q, %q", p.text(".flash"), rowOf(p, "Globex Inc."))
	}
	if got := p.text("#tally .tally-legend"); !strings.Contains(got, "1 kept off") || !strings.Contains(got, "0 objected") {
		t.Fatalf("tally after the resolution: %q", got)
	}
	staff.submit(resolve, url.Values{"resolution": {"settled"}}).want(t, http.StatusConflict)
	if got := staff.get(check).text("#decision"); !strings.Contains(got, "objected") || !strings.Contains(got, "kept off") {
		t.Fatalf("transfer check after keep_off: %q", got)
	}

	// The notice's page lists its deliveries.
	p = staff.get(fmt.Sprintf("/notices/%d", noticeOf[globex.ID])).want(t, http.StatusOK)
	wantCSRF(t, p)
	if got := p.text("table.deliveries"); !strings.Contains(got, "dpo@globex.example") || !strings.Contains(got, "email") || !strings.Contains(got, "pending") {
		t.Fatalf("deliveries: %q", got)
	}

	// Another change is withdrawn, with a reason.
	other := &art28.Subprocessor{Name: "Backup Oy", Country: "FI", Purpose: "Off-site copies", ServiceIDs: []int64{f.Services["backup"].ID}}
	if err := app.Store.Subprocessors.CreateSubprocessor(po, other); err != nil {
		t.Fatal(err)
	}
	staff.get(fmt.Sprintf("/register/subprocessors/%d", other.ID))
	p = staff.submit("/changes", url.Values{"subprocessor_id": {fmt.Sprint(other.ID)}, "kind": {"add"}, "summary": {"Off-site copies in Finland."}}).
		want(t, http.StatusOK)
	otherID := idFrom(t, p.URL, "/changes/")
	withdraw := fmt.Sprintf("/changes/%d/withdraw", otherID)
	p = staff.submit(withdraw, url.Values{"reason": {""}}).want(t, http.StatusUnprocessableEntity)
	if p.text("#withdraw #err-reason") == "" {
		t.Fatal("no message by the withdrawal's reason")
	}
	p = staff.submit(withdraw, url.Values{"reason": {"Finland is not needed after all."}}).want(t, http.StatusOK)
	if p.text(".page-head .badge") != "withdrawn" || !strings.Contains(p.text("#details"), "Finland is not needed after all.") ||
		!strings.Contains(p.text("#tally .tally-legend"), "1 withdrawn") || p.Doc.Find("#withdraw").Length() != 0 {
		t.Fatalf("after withdrawing: %q / %q", p.text(".page-head"), p.text("#tally"))
	}
	p = staff.submit(withdraw, url.Values{"reason": {"Again."}}).want(t, http.StatusConflict)
	if got := p.text("#tally .error"); !strings.Contains(got, "already withdrawn") {
		t.Fatalf("a second withdrawal: %q", got)
	}

	// Acme's window has closed by the 17th (its sessions too): an
	// objection from a page loaded before is refused, and the page says why.
	app.Clock.T = time.Date(2027, 3, 17, 9, 0, 0, 0, time.UTC)
	acmeAdmin.signIn("admin@acme.example", testrig.FixturePassword)
	p = acmeAdmin.get("/portal/notices").want(t, http.StatusOK)
	if p.Doc.Find(fmt.Sprintf("#notice-%d form", noticeOf[acme.ID])).Length() != 0 {
		t.Fatal("an objection form after the window closed")
	}
	p = acmeAdmin.submit(fmt.Sprintf("/portal/notices/%d/object", noticeOf[acme.ID]), url.Values{"reason": {"Too late?"}}).
		want(t, http.StatusConflict)
	if got := p.text("main > .error"); !strings.Contains(got, "window closed") {
		t.Fatalf("objection after the window: %q", got)
	}
}

// A read-only user reads the register and the changes but is offered no
// form that changes them; customer staff cannot reach them.
func TestUISubprocessorPagesByRole(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	po := testrig.As(testrig.PrivacyOfficer)
	sp := &art28.Subprocessor{Name: "Hosting GmbH", Country: "DE", Purpose: "Hosting", ServiceIDs: []int64{f.Services["hosting"].ID}, Listed: true}
	if err := app.Store.Subprocessors.CreateSubprocessor(po, sp); err != nil {
		t.Fatal(err)
	}
	ro := &art28.User{Email: "ro@example.com", Name: "Rita Reader", Role: art28.RoleReadOnly}
	if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), ro, "read-only password, long"); err != nil {
		t.Fatal(err)
	}
	b := newUIBrowser(t, app)
	b.signIn(ro.Email, "read-only password, long")
	for path, h1 := range map[string]string{"/register/subprocessors": "Sub-processors", fmt.Sprintf("/register/subprocessors/%d", sp.ID): "Hosting GmbH",
		"/changes": "Changes", "/transfer-check": "Transfer check"} {
		p := b.get(path).want(t, http.StatusOK)
		if got := p.text("main h1"); got != h1 {
			t.Errorf("%s: h1 %q", path, got)
		}
		if n := p.Doc.Find(`main form[method="post"]`).Length(); n != 0 {
			t.Errorf("%s: a read-only user is offered %d forms", path, n)
		}
	}
	b.get("/register/subprocessors/new").want(t, http.StatusForbidden)

	// The owner is offered the kinds that fit a listed entry.
	owner := newUIBrowser(t, app)
	owner.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	var kinds []string
	owner.get(fmt.Sprintf("/register/subprocessors/%d", sp.ID)).Doc.Find(`form.announce input[name="kind"]`).Each(func(_ int, s *goquery.Selection) {
		kinds = append(kinds, s.AttrOr("value", ""))
	})
	if strings.Join(kinds, ",") != "remove,location,purpose" {
		t.Fatalf("a listed sub-processor is offered %v", kinds)
	}

	customer := newUIBrowser(t, app)
	customer.signIn("admin@acme.example", testrig.FixturePassword)
	for _, path := range []string{"/register/subprocessors", "/changes", "/transfer-check", "/register/subprocessors.csv"} {
		customer.get(path).want(t, http.StatusForbidden)
	}
	if got := customer.get("/portal/notices").want(t, http.StatusOK).text("#list table"); !strings.Contains(got, "Hosting GmbH") {
		t.Fatalf("the list for Acme's services: %q", got)
	}
}

// A transfer the agreement allows only with prior consent (G10.3): the
// customer's admin gives it in the portal; a member reads that it is
// needed.
func TestUIPortalConsent(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	po := testrig.As(testrig.PrivacyOfficer)
	v := testrig.SeedTerms(t, app.Store, po, "genz-saas-v1.yaml")
	if _, err := app.Store.Terms.SetAgreementTerms(po, f.Agreements["globex"].ID, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	sp := &art28.Subprocessor{Name: "Support Desk Pvt Ltd", Country: "IN", Safeguard: art28.SafeguardArt49, Purpose: "Night support",
		ServiceIDs: []int64{f.Services["hosting"].ID}}
	if err := app.Store.Subprocessors.CreateSubprocessor(po, sp); err != nil {
		t.Fatal(err)
	}
	ann, err := app.Store.Changes.Announce(po, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "Support at night."})
	if err != nil || ann.Notices != 1 {
		t.Fatalf("announce: %v %+v", err, ann)
	}
	notices, _, _ := app.Store.Changes.Notices(po, art28.NoticeFilter{ChangeID: &ann.Change.ID})
	consent := fmt.Sprintf("/portal/notices/%d/consent", notices[0].ID)

	member := newUIBrowser(t, app)
	member.signIn("member@globex.example", testrig.FixturePassword)
	p := member.get("/portal/notices").want(t, http.StatusOK)
	if !strings.Contains(p.text("article.notice-card"), "only with your prior consent (G10.3)") || p.Doc.Find(`form[action="`+consent+`"]`).Length() != 0 {
		t.Fatalf("the member's notice:\n%s", p.text("article.notice-card"))
	}
	member.submit(consent, nil).want(t, http.StatusForbidden)

	admin := newUIBrowser(t, app)
	admin.signIn("admin@globex.example", testrig.FixturePassword)
	admin.get("/portal/notices")
	p = admin.submit(consent, nil).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "consent is recorded") || !strings.Contains(p.text("article.notice-card"), "you gave your consent") {
		t.Fatalf("after consenting: %q\n%s", p.text(".flash"), p.text("article.notice-card"))
	}
	p = admin.submit(consent, nil).want(t, http.StatusConflict)
	if !strings.Contains(p.text("main > .error"), "asks for no consent") {
		t.Fatalf("a second consent: %q", p.text("main > .error"))
	}
}
