package http_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// newIncidentFixture is the seed with two customers on different clocks,
// as in SCENARIOS.md 3: Globex under the genz terms (24 hours, G7.2) and
// Acme, its agreement concluded, under the same terms with an override of
// 72 hours (C8). The profile names the DPO the notices give as contact.
func newIncidentFixture(t testing.TB, app *testrig.App) *testrig.Fixtures {
	t.Helper()
	f := testrig.Seed(t, app.DB)
	po := testrig.As(testrig.PrivacyOfficer)
	if err := app.Store.Processor.UpdateProfile(testrig.As(testrig.Owner), &art28.ProcessorProfile{LegalName: "Hosting GmbH",
		Country: "DE", DPOName: "Dana Schutz", DPOEmail: "dpo@hosting.example"}); err != nil {
		t.Fatal(err)
	}
	v := testrig.SeedTerms(t, app.Store, po, "genz-saas-v1.yaml")
	acme := f.Agreements["acme"]
	if _, err := app.Store.Agreements.ConcludeAgreement(po, acme.ID, art28.Conclusion{Method: art28.ConcludedSignature,
		AcceptedBy: "Acme CEO", AcceptedAt: app.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	for ag, overrides := range map[int64]string{
		f.Agreements["globex"].ID: "",
		acme.ID:                   "clauses:\n  breach_notification:\n    period: 72 hours\n    implements: [C8]\n",
	} {
		if _, err := app.Store.Terms.SetAgreementTerms(po, ag, v.ID, overrides); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func incidentTotal(t testing.TB, app *testrig.App) int {
	t.Helper()
	_, n, err := app.Store.Incidents.Incidents(testrig.As(testrig.Owner), art28.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The incident register through its forms, SCENARIOS.md 3 on two
// customers: a refused awareness in the future, an incident recorded with
// its times in Berlin and each customer's figures, the assessment that
// starts two clocks on different terms, a notice refused for a part
// neither given nor said to follow, the notices with what will follow,
// each customer's portal with its own figures only, an acknowledgement,
// the close, and an edit refused once closed.
func TestUIIncidentBreachNotices(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := newIncidentFixture(t, app)
	acmeID, globexID := f.Customers["acme"].ID, f.Customers["globex"].ID
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)

	p := b.get("/incidents/new").want(t, http.StatusOK)
	wantCSRF(t, p)
	if v := p.Doc.Find(`select[name="zone"] option[selected]`).AttrOr("value", ""); v != "UTC" {
		t.Errorf("the zone defaults to %q, want UTC", v)
	}
	if n := p.Doc.Find(`input[name="customer_ids"]`).Length(); n != 2 {
		t.Errorf("the form offers %d customers", n)
	}
	if cur, _ := p.Doc.Find(`header nav a[aria-current]`).Attr("href"); cur != "/incidents" {
		t.Errorf("navigation marks %q", cur)
	}

	form := url.Values{"title": {"Backup bucket publicly readable"}, "description": {"A bucket's policy allowed public reads."},
		"reporter": {"On-call engineer"}, "detected_at": {"2027-03-01T08:00"}, "aware_at": {"2027-03-02T09:30"}, "zone": {"Europe/Berlin"},
		"systems": {"s3://backups-eu\r\nbackup-runner"}, "service_ids": {fmt.Sprint(f.Services["hosting"].ID)},
		"data_categories": {"contact data"}, "scope": {"chosen"},
		"customer_ids":                     {fmt.Sprint(acmeID), fmt.Sprint(globexID)},
		fmt.Sprintf("subjects_%d", acmeID): {"40"}, fmt.Sprintf("records_%d", acmeID): {"900"},
		fmt.Sprintf("subjects_%d", globexID): {"120"}}

	// An awareness in the future is refused, by its field, as typed;
	// so is a figure that is not a number, naming its customer.
	before := testrig.ActivityCount(t, app.DB)
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("aware_at", "2027-03-01T09:30")
	bad.Set(fmt.Sprintf("subjects_%d", acmeID), "many")
	p = b.submit("/incidents", bad).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#err-affected"); !strings.Contains(got, "Acme GmbH") || !strings.Contains(got, "data subjects") {
		t.Errorf("figure error %q", got)
	}
	p = b.submit("/incidents", form).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#err-aware_at"); !strings.Contains(got, "future") {
		t.Fatalf("aware_at error %q", got)
	}
	if v := p.Doc.Find(`input[name="title"]`).AttrOr("value", ""); v != form.Get("title") {
		t.Errorf("title not kept: %q", v)
	}
	if v := p.Doc.Find(fmt.Sprintf(`input[name="records_%d"]`, acmeID)).AttrOr("value", ""); v != "900" {
		t.Errorf("Acme's records not kept: %q", v)
	}
	if _, ok := p.Doc.Find(fmt.Sprintf(`input[name="customer_ids"][value="%d"]`, globexID)).Attr("checked"); !ok {
		t.Error("Globex no longer ticked")
	}
	if incidentTotal(t, app) != 0 || testrig.ActivityCount(t, app.DB) != before {
		t.Fatal("a refused incident was stored")
	}

	// Finding customers keeps what was typed and stores nothing.
	find := url.Values{"find": {"1"}, "q": {"acme"}}
	for k, v := range form {
		find[k] = v
	}
	find.Set("customer_ids", fmt.Sprint(globexID))
	p = b.submit("/incidents", find).want(t, http.StatusOK)
	if n := p.Doc.Find(`table.picker tbody tr`).Length(); n != 2 || !strings.Contains(p.text("table.picker"), "Acme GmbH") {
		t.Errorf("find: %d rows: %q", n, p.text("table.picker"))
	}
	if incidentTotal(t, app) != 0 {
		t.Fatal("finding customers stored an incident")
	}

	// 09:30 in Berlin is 08:30 UTC: 30 minutes ago.
	form.Set("aware_at", "2027-03-01T09:30")
	p = b.submit("/incidents", form).want(t, http.StatusOK)
	id := idFrom(t, p.URL, "/incidents/")
	if !strings.Contains(p.text(".flash"), "2 customers affected") {
		t.Errorf("flash %q", p.text(".flash"))
	}
	inc, err := app.Store.Incidents.Incident(testrig.As(testrig.Owner), id)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2027, 3, 1, 8, 30, 0, 0, time.UTC); !inc.AwareAt.Equal(want) || len(inc.Systems) != 2 {
		t.Fatalf("stored: aware %s (want %s), systems %q", inc.AwareAt, want, inc.Systems)
	}
	if got := p.text(fmt.Sprintf("#affected-%d", acmeID)); !strings.Contains(got, "about 40") || !strings.Contains(got, "about 900") {
		t.Errorf("Acme's figures: %q", got)
	}
	if got := p.text(fmt.Sprintf("#affected-%d", globexID)); !strings.Contains(got, "about 120") || !strings.Contains(got, "not known yet") {
		t.Errorf("Globex's figures: %q", got)
	}
	wantCSRF(t, p)

	// The assessment starts a clock per agreement, each on its terms.
	p = b.submit(fmt.Sprintf("/incidents/%d/assess", id), url.Values{"assessment": {"breach"}}).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-reason") == "" {
		t.Fatal("no message by the reasoning")
	}
	p = b.submit(fmt.Sprintf("/incidents/%d/assess", id), url.Values{"assessment": {"breach"},
		"reason": {"Contact data were readable by anyone."}}).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "2 notice clocks") {
		t.Errorf("flash %q", p.text(".flash"))
	}
	globexClock := p.text(fmt.Sprintf("#clock-%d", f.Agreements["globex"].ID))
	for _, want := range []string{"Globex Inc.", "24 hours", "G7.2", "2027-03-02 09:30 CET", "2027-03-02 08:30 UTC", "in 23 h 30 min", "running"} {
		if !strings.Contains(globexClock, want) {
			t.Errorf("Globex's clock lacks %q: %q", want, globexClock)
		}
	}
	acmeClock := p.text(fmt.Sprintf("#clock-%d", f.Agreements["acme"].ID))
	for _, want := range []string{"Acme GmbH", "72 hours", "C8", "2027-03-04 09:30 CET", "2027-03-04 08:30 UTC", "in 2 d 23 h"} {
		if !strings.Contains(acmeClock, want) {
			t.Errorf("Acme's clock lacks %q: %q", want, acmeClock)
		}
	}
	if n := p.Doc.Find("#timeline .bt-row").Length(); n != 2 {
		t.Errorf("the timeline has %d bars", n)
	}
	if p.Doc.Find("#timeline .bt-track .bt-mark.due").Length() != 2 || p.Doc.Find("#timeline .bt-now").Length() != 2 {
		t.Errorf("the timeline lacks its deadlines or now:\n%s", p.text("#timeline"))
	}
	// Acme's 72 hours end the picture; Globex's 24 come a third of the way.
	if p.Doc.Find("#timeline .bt-window.w100").Length() != 1 || p.Doc.Find("#timeline .bt-window.w33").Length() != 1 {
		t.Errorf("the deadlines are not where they belong")
	}
	if got := p.text("#notice-form .hint"); !strings.Contains(got, "2 customers, 0 without a number of data subjects, 1 without a number of records") {
		t.Errorf("notice form hint %q", got)
	}

	// Closing waits for every notice.
	p = b.submit(fmt.Sprintf("/incidents/%d/close", id), url.Values{}).want(t, http.StatusConflict)
	if !strings.Contains(p.text("#close-error"), "not been notified") {
		t.Errorf("close before the notices: %q", p.text("#close-error"))
	}

	// A part neither given nor said to follow refuses every notice.
	app.Clock.Add(2 * time.Hour)
	notice := url.Values{"nature": {"Unauthorised read access to backup files."}, "data_categories": {"contact data"},
		"consequences": {"Contact data may be misused for phishing."}, "measures": {"The bucket was closed; access logs are analysed."}}
	p = b.submit(fmt.Sprintf("/incidents/%d/notices", id), notice).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#err-to_follow"); !strings.Contains(got, "records") || !strings.Contains(got, "Globex") {
		t.Fatalf("to_follow error %q", got)
	}
	if got := p.Doc.Find(`textarea[name="consequences"]`).Text(); got != notice.Get("consequences") {
		t.Errorf("consequences not kept: %q", got)
	}
	if list, _ := app.Store.Incidents.BreachNotices(testrig.As(testrig.Owner), id); len(list) != 0 {
		t.Fatalf("a refused notice stored %d notices", len(list))
	}
	notice.Set("to_follow", "records")
	p = b.submit(fmt.Sprintf("/incidents/%d/notices", id), notice).want(t, http.StatusOK)
	if got := p.text(".flash"); !strings.Contains(got, "2 agreements, 2 on time and 0 late") {
		t.Errorf("flash %q", got)
	}
	if n := p.Doc.Find("table.breach-notices tbody tr").Length(); n != 2 {
		t.Fatalf("%d notices listed", n)
	}
	if got := p.text("table.breach-notices"); !strings.Contains(got, "records") || !strings.Contains(got, "on time") ||
		!strings.Contains(got, "dpo@acme.example") {
		t.Errorf("notices: %q", got)
	}
	if got := p.text(fmt.Sprintf("#clock-%d", f.Agreements["globex"].ID)); !strings.Contains(got, "2027-03-01 11:00 UTC") || !strings.Contains(got, "on time") {
		t.Errorf("Globex's clock after the notice: %q", got)
	}
	if p.Doc.Find("#timeline .bt-mark.notified").Length() != 2 || p.Doc.Find("#timeline .bt-now").Length() != 0 {
		t.Errorf("the timeline after the notices:\n%s", p.html())
	}
	notices, err := app.Store.Incidents.BreachNotices(testrig.As(testrig.Owner), id)
	if err != nil || len(notices) != 2 {
		t.Fatal(err, len(notices))
	}
	var acmeNotice *art28.BreachNotice
	for _, n := range notices {
		if n.CustomerID == acmeID {
			acmeNotice = n
		}
	}

	// Each customer sees its own notice with its own figures only.
	portal := func(email string) *uiBrowser {
		c := newUIBrowser(t, app)
		c.signIn(email, testrig.FixturePassword)
		return c
	}
	globex := portal("admin@globex.example")
	p = globex.get("/portal").want(t, http.StatusOK)
	if p.Doc.Find(`a[href="/portal/incidents"]`).Length() < 2 {
		t.Error("the portal does not link to its incidents from the page and the navigation")
	}
	p = globex.get("/portal/incidents").want(t, http.StatusOK)
	if n := p.Doc.Find("section.breach-notice").Length(); n != 1 {
		t.Fatalf("Globex sees %d notices", n)
	}
	gtext := p.text("main")
	if !strings.Contains(p.text("section.breach-notice dd.part-subjects"), "about 120") ||
		!strings.Contains(p.text("section.breach-notice dd.part-records"), "to follow") ||
		strings.Contains(gtext, "about 40") || strings.Contains(gtext, "about 900") || strings.Contains(gtext, "Acme") {
		t.Errorf("Globex's portal: %q", gtext)
	}
	if !strings.Contains(p.text("section.breach-notice dd.part-dpo"), "dpo@hosting.example") {
		t.Errorf("the contact point is not the profile's DPO: %q", p.text("section.breach-notice"))
	}

	acme := portal("admin@acme.example")
	p = acme.get(fmt.Sprintf("/portal/incidents/%d", id)).want(t, http.StatusOK)
	atext := p.text("main")
	if p.text("main h1") != "Backup bucket publicly readable" || !strings.Contains(atext, "about 40") || !strings.Contains(atext, "about 900") ||
		strings.Contains(atext, "about 120") || strings.Contains(atext, "Globex") {
		t.Errorf("Acme's portal: %q", atext)
	}
	doc, _ := p.Doc.Find(`p.documentation a[href$="format=pdf"]`).Attr("href")
	if doc != fmt.Sprintf("/api/v1/incidents/%d/documentation?format=pdf", id) {
		t.Errorf("the documentation for Acme's own notification: %q", doc)
	}
	resp, err := acme.c.Get(acme.base + doc) // the portal's session is enough
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("the PDF: %d %.40q", resp.StatusCode, pdf)
	}
	if !strings.Contains(p.text(fmt.Sprintf("#clock-%d", f.Agreements["acme"].ID)), "72 hours") {
		t.Errorf("Acme's clock in its portal: %q", p.text("table.clocks"))
	}
	wantCSRF(t, p)
	app.Clock.Add(30 * time.Minute)
	ack := fmt.Sprintf("/portal/breach-notices/%d/acknowledge", acmeNotice.ID)
	p = acme.submit(ack, url.Values{"incident_id": {fmt.Sprint(id)}}).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "acknowledgement") || p.Doc.Find(fmt.Sprintf("#breach-notice-%d .badge.acknowledged", acmeNotice.ID)).Length() != 1 {
		t.Errorf("after acknowledging: %q", p.text("main"))
	}
	p = acme.submit(ack, url.Values{"incident_id": {fmt.Sprint(id)}}).want(t, http.StatusConflict)
	if !strings.Contains(p.text(".error"), "acknowledged") {
		t.Errorf("a second acknowledgement: %q", p.text(".error"))
	}
	globex.submit(ack, url.Values{"incident_id": {fmt.Sprint(id)}}).want(t, http.StatusNotFound)
	acme.get("/incidents").want(t, http.StatusForbidden)

	// The staff see the acknowledgement, in the table, the clock and the
	// picture, and every step in the incident's activity.
	p = b.get(fmt.Sprintf("/incidents/%d", id)).want(t, http.StatusOK)
	if p.Doc.Find(fmt.Sprintf("#breach-notice-%d .badge.acknowledged", acmeNotice.ID)).Length() != 1 {
		t.Errorf("the staff page does not show the acknowledgement: %q", p.text("table.breach-notices"))
	}
	if got := p.text(fmt.Sprintf("#clock-%d td.acked", f.Agreements["acme"].ID)); got != "2027-03-01 11:30 UTC" {
		t.Errorf("Acme's clock acknowledged at %q", got)
	}
	if p.Doc.Find("#timeline .bt-mark.acked").Length() != 1 {
		t.Error("the timeline does not mark the acknowledgement")
	}
	activity := p.text("#activity table")
	for _, want := range []string{"incident.record", "incident.assess", "incident.clock", "breach.notice", "breach.acknowledge"} {
		if !strings.Contains(activity, want) {
			t.Errorf("the activity lacks %s: %q", want, activity)
		}
	}
	p = b.get("/incidents").want(t, http.StatusOK)
	if got := p.text(fmt.Sprintf("#incident-%d", id)); !strings.Contains(got, "2 of 2 notified") || !strings.Contains(got, "breach") {
		t.Errorf("the register's row: %q", got)
	}

	// The figures follow: an edit, then phase 2 with nothing to follow.
	form.Set(fmt.Sprintf("records_%d", globexID), "300")
	p = b.submit(fmt.Sprintf("/incidents/%d", id), form).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "updated") || !strings.Contains(p.text(fmt.Sprintf("#affected-%d", globexID)), "about 300") {
		t.Errorf("after the edit: %q, %q", p.text(".flash"), p.text("table.affected"))
	}
	if got := p.Doc.Find(`form.notice-form textarea[name="consequences"]`).Text(); got != notice.Get("consequences") {
		t.Errorf("the update does not start from the last notice: %q", got)
	}
	notice.Del("to_follow")
	p = b.submit(fmt.Sprintf("/incidents/%d/notices", id), notice).want(t, http.StatusOK)
	if got := p.text(".flash"); !strings.Contains(got, "Notices issued to 2 agreements.") {
		t.Errorf("phase 2 flash %q", got)
	}
	p = globex.get("/portal/incidents").want(t, http.StatusOK)
	latest := p.Doc.Find("section.breach-notice").First()
	if n := p.Doc.Find("section.breach-notice").Length(); n != 2 || !strings.Contains(latest.Find("h4").Text(), "phase 2") ||
		strings.TrimSpace(latest.Find("dd.part-records").Text()) != "about 300" {
		t.Errorf("Globex's update: %d notices, %q", n, latest.Text())
	}

	// Closed, it takes no more changes.
	p = b.submit(fmt.Sprintf("/incidents/%d/close", id), url.Values{}).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "closed") || p.Doc.Find(`form[action$="/notices"]`).Length() != 0 {
		t.Errorf("after closing: %q", p.text(".flash"))
	}
	form.Set("title", "Renamed after the close")
	p = b.submit(fmt.Sprintf("/incidents/%d", id), form).want(t, http.StatusConflict)
	if !strings.Contains(p.text("#edit-error"), "closed") {
		t.Errorf("the refused edit: %q", p.text("#edit-error"))
	}
	if n := b.get("/incidents?state=open").Doc.Find("table.incidents tbody tr").Length(); n != 0 {
		t.Errorf("the open filter shows %d incidents", n)
	}

	// All customers with a running agreement for a service: Backup is
	// Globex's only, encrypted on its side (L3).
	p = b.submit("/incidents", url.Values{"title": {"Backup node stolen"}, "description": {"A backup node left the data centre."},
		"reporter": {"Facility"}, "detected_at": {"2027-03-01T09:00"}, "aware_at": {"2027-03-01T10:00"}, "zone": {"UTC"},
		"service_ids": {fmt.Sprint(f.Services["backup"].ID)}, "scope": {"all"}}).want(t, http.StatusOK)
	second := idFrom(t, p.URL, "/incidents/")
	if n := p.Doc.Find("table.affected tbody tr").Length(); n != 1 || p.Doc.Find(fmt.Sprintf("#affected-%d .badge.l3", globexID)).Length() != 1 {
		t.Errorf("scope all: %d rows: %q", n, p.text("table.affected"))
	}
	acme.get(fmt.Sprintf("/portal/incidents/%d", second)).want(t, http.StatusNotFound)
	p = globex.get(fmt.Sprintf("/portal/incidents/%d", second)).want(t, http.StatusOK)
	if !strings.Contains(p.text("main"), "being assessed") || p.Doc.Find("dl.figures .badge.l3").Length() != 1 {
		t.Errorf("Globex's second incident: %q", p.text("main"))
	}

	// Its notice states the encryption as a part of its own, for the staff
	// and in Globex's portal; the first incident's notices, on a service
	// that does not encrypt on the customer's side, do not.
	b.submit(fmt.Sprintf("/incidents/%d/assess", second), url.Values{"assessment": {"breach"},
		"reason": {"Backups left the data centre."}}).want(t, http.StatusOK)
	p = b.submit(fmt.Sprintf("/incidents/%d/notices", second), url.Values{"nature": {"A backup node was stolen."},
		"consequences": {"None expected."}, "measures": {"The node's keys were revoked."},
		"to_follow": {"subjects", "records"}}).want(t, http.StatusOK)
	if got := p.text("table.breach-notices dd.part-encrypted"); !strings.Contains(got, "encrypted on the customer's side") ||
		p.Doc.Find("table.breach-notices dd.part-encrypted .badge.l3").Length() != 1 {
		t.Errorf("the staff page does not show the encryption of the notice: %q", p.text("table.breach-notices"))
	}
	p = globex.get(fmt.Sprintf("/portal/incidents/%d", second)).want(t, http.StatusOK)
	if got := p.text("section.breach-notice dd.part-encrypted"); !strings.Contains(got, "we hold no key") {
		t.Errorf("Globex's portal does not show the encryption of the notice: %q", p.text("section.breach-notice"))
	}
	p = globex.get(fmt.Sprintf("/portal/incidents/%d", id)).want(t, http.StatusOK)
	if n := p.Doc.Find("section.breach-notice").Length(); n != 2 || p.Doc.Find("section.breach-notice dd.part-encrypted").Length() != 0 {
		t.Errorf("the first incident's %d notices show an encryption: %q", n, p.text("main"))
	}
}
