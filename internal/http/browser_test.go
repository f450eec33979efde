package http_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// chromiumPath returns the browser the browser tests drive: ART28_TEST_CHROMIUM,
// else Debian's /usr/bin/chromium. Without one the test fails when
// testrig.RequireAll, and is skipped, saying so, otherwise.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("ART28_TEST_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		msg := fmt.Sprintf("no Chromium at %s (set ART28_TEST_CHROMIUM or install the chromium package): the browser test cannot run", p)
		if testrig.RequireAll() {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	return p
}

// newBrowserTab starts a headless Chromium for the test and returns a tab.
// The flags suit a container where tests run as root: no sandbox, no GPU,
// nothing that reaches the network by itself, a throwaway profile.
func newBrowserTab(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	return tab
}

// TestBrowserSignInCreateCustomer is the main path of the UI in a real
// browser: sign in, create a customer with the form, find it in the list.
// With ART28_SCREENSHOT=1 it also saves the customers page as
// docs/screenshot.png, for the README.
func TestBrowserSignInCreateCustomer(t *testing.T) {
	tab := newBrowserTab(t)
	app := testrig.NewApp(t, store.SQLite)
	seedDemo(t, app)
	base := app.HTTP.URL

	// Sign in.
	if err := chromedp.Do(tab,
		chromedp.Navigate(base+"/customers"), // anonymous: sent to sign in
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), testrig.OwnerEmail),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testrig.OwnerPassword),
	); err != nil {
		t.Fatalf("sign-in form: %v", err)
	}
	resp, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type="submit"]`)))
	if err != nil {
		t.Fatalf("submit sign-in: %v", err)
	}
	if resp.Status != 200 {
		t.Fatalf("after sign-in: status %d", resp.Status)
	}
	loc, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/customers") {
		t.Fatalf("sign-in did not go back to the page asked for: %s", loc)
	}

	// Create a customer with the form.
	if err := chromedp.Do(tab,
		chromedp.Navigate(base+"/customers/new"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="legal_name"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="legal_name"]`), "Brightwater Clinics GmbH"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="address"]`), "Seestraße 12\n70174 Stuttgart"),
		chromedp.SetValue(chromedp.CSS(`select[name="country"]`), "DE"),
		chromedp.Click(chromedp.CSS(`input[name="eu_established"]`)),
	); err != nil {
		t.Fatalf("fill the customer form: %v", err)
	}
	resp, err = chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(`form[action="/customers"] button[type="submit"]`)))
	if err != nil {
		t.Fatalf("submit the customer form: %v", err)
	}
	if resp.Status != 200 {
		t.Fatalf("after creating: status %d", resp.Status)
	}
	h1, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`main h1`)))
	if err != nil {
		t.Fatal(err)
	}
	flash, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`.flash`)))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "Brightwater Clinics GmbH" || !strings.Contains(flash, "is created") {
		t.Fatalf("after creating: h1 %q, flash %q", h1, flash)
	}
	details, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`#details dl.props`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(details, "Germany (DE)") || !strings.Contains(details, "Seestraße 12") {
		t.Fatalf("details: %q", details)
	}

	// See it in the list.
	if err := chromedp.Do(tab,
		chromedp.Navigate(base+"/customers"),
		chromedp.WaitVisible(chromedp.CSS(`table.customers`)),
	); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`table.customers tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rows, "Brightwater Clinics GmbH") {
		t.Fatalf("the new customer is not in the list: %q", rows)
	}

	if os.Getenv("ART28_SCREENSHOT") == "1" {
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		out := filepath.Join("..", "..", "docs", "screenshot.png")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved %s (%d bytes)", out, len(png))
	}
}

// TestBrowserAnnounceChange is the main path of the register in a real
// browser: a privacy officer announces a new sub-processor from its page
// and lands on the change's page, with the tally of the agreements told.
func TestBrowserAnnounceChange(t *testing.T) {
	tab := newBrowserTab(t)
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	po := testrig.As(testrig.PrivacyOfficer)
	v := testrig.SeedTerms(t, app.Store, po, "genz-saas-v1.yaml")
	if _, err := app.Store.Terms.SetAgreementTerms(po, f.Agreements["globex"].ID, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	sp := &art28.Subprocessor{Name: "Hosting GmbH", Country: "DE", Purpose: "A second data centre", ServiceIDs: []int64{f.Services["hosting"].ID}}
	if err := app.Store.Subprocessors.CreateSubprocessor(po, sp); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("%s/register/subprocessors/%d", app.HTTP.URL, sp.ID)

	if err := chromedp.Do(tab,
		chromedp.Navigate(page), // anonymous: sent to sign in, then back
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), testrig.OwnerEmail),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testrig.OwnerPassword),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.announce textarea[name="summary"]`)),
		// The replacement's field shows only while that kind is chosen.
		chromedp.Click(chromedp.CSS(`form.announce input[name="kind"][value="replace"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.announce select[name="replaces_id"]`)),
		chromedp.Click(chromedp.CSS(`form.announce input[name="kind"][value="add"]`)),
		chromedp.WaitNotVisible(chromedp.CSS(`form.announce select[name="replaces_id"]`)),
		chromedp.SendKeys(chromedp.CSS(`form.announce textarea[name="summary"]`), "A second data centre in Frankfurt."),
	); err != nil {
		t.Fatalf("sign in and fill the announcement: %v", err)
	}
	resp, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(`form.announce button[type="submit"]`)))
	if err != nil || resp.Status != 200 {
		t.Fatalf("announce: %v, %v", resp, err)
	}
	h1, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`main h1`)))
	if err != nil {
		t.Fatal(err)
	}
	tally, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`#tally .tally-legend`)))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "Change #1: add Hosting GmbH" || !strings.Contains(tally, "1 agreement") || !strings.Contains(tally, "1 window open") {
		t.Fatalf("the change's page: h1 %q, tally %q", h1, tally)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`#tally .tally-bar span.open.p100`))); err != nil {
		t.Fatalf("the tally's bar: %v", err)
	}
}

// TestBrowserBreachNotice is scenario 3 in a real browser, on two
// customers under different terms: the staff record a breach that reaches
// both, assess it and issue the notices; Acme's admin, in a browser
// context of its own, finds its notice in the portal and acknowledges it;
// the incident's page then shows the acknowledgement.
func TestBrowserBreachNotice(t *testing.T) {
	tab := newBrowserTab(t)
	app := testrig.NewApp(t, store.SQLite)
	f := newIncidentFixture(t, app)
	acmeID, globexID := f.Customers["acme"].ID, f.Customers["globex"].ID
	base := app.HTTP.URL
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// Record the incident.
	if err := chromedp.Do(tab,
		chromedp.Navigate(base+"/incidents/new"), // anonymous: sent to sign in, then back
		chromedp.WaitVisible(css(`input[name="email"]`)),
		chromedp.SendKeys(css(`input[name="email"]`), testrig.OwnerEmail),
		chromedp.SendKeys(css(`input[name="password"]`), testrig.OwnerPassword),
		chromedp.Click(css(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`form.incident-form input[name="title"]`)),
		chromedp.SendKeys(css(`input[name="title"]`), "Backup bucket publicly readable"),
		chromedp.SendKeys(css(`textarea[name="description"]`), "A bucket's policy allowed public reads."),
		chromedp.SendKeys(css(`input[name="reporter"]`), "On-call engineer"),
		chromedp.SetValue(css(`input[name="detected_at"]`), "2027-03-01T08:00"),
		chromedp.SetValue(css(`input[name="aware_at"]`), "2027-03-01T08:30"),
		chromedp.SetValue(css(`select[name="zone"]`), "UTC"),
		chromedp.Click(css(fmt.Sprintf(`input[name="service_ids"][value="%d"]`, f.Services["hosting"].ID))),
		chromedp.Click(css(fmt.Sprintf(`input[name="customer_ids"][value="%d"]`, acmeID))),
		chromedp.Click(css(fmt.Sprintf(`input[name="customer_ids"][value="%d"]`, globexID))),
		chromedp.SendKeys(css(fmt.Sprintf(`input[name="subjects_%d"]`, acmeID)), "40"),
		chromedp.SendKeys(css(fmt.Sprintf(`input[name="records_%d"]`, acmeID)), "900"),
		chromedp.SendKeys(css(fmt.Sprintf(`input[name="subjects_%d"]`, globexID)), "120"),
	); err != nil {
		t.Fatalf("sign in and fill the incident: %v", err)
	}
	resp, err := chromedp.RunResponse(tab, chromedp.Click(css(`form.incident-form button[name="record"]`)))
	if err != nil || resp.Status != 200 {
		t.Fatalf("record: %v, %v", resp, err)
	}
	h1, err := chromedp.Run(tab, chromedp.Text(css(`main h1`)))
	if err != nil || h1 != "Incident #1: Backup bucket publicly readable" {
		t.Fatalf("the incident's page: h1 %q, %v", h1, err)
	}

	// Assess it: two clocks, 24 and 72 hours.
	if err := chromedp.Do(tab,
		chromedp.WaitVisible(css(`form.assess textarea[name="reason"]`)),
		chromedp.Click(css(`form.assess input[name="assessment"][value="breach"]`)),
		chromedp.SendKeys(css(`form.assess textarea[name="reason"]`), "Contact data were readable by anyone."),
	); err != nil {
		t.Fatalf("fill the assessment: %v", err)
	}
	if resp, err := chromedp.RunResponse(tab, chromedp.Click(css(`form.assess button[type="submit"]`))); err != nil || resp.Status != 200 {
		t.Fatalf("assess: %v, %v", resp, err)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(css(`#clocks table.clocks`)), chromedp.WaitVisible(css(`#timeline .bt-track`))); err != nil {
		t.Fatalf("the clocks: %v", err)
	}
	clocks, err := chromedp.Run(tab, chromedp.Text(css(`#clocks table.clocks tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"24 hours", "G7.2", "2027-03-02 09:30 CET", "72 hours", "C8", "2027-03-04 09:30 CET"} {
		if !strings.Contains(clocks, want) {
			t.Errorf("the clocks lack %q: %q", want, clocks)
		}
	}

	// Issue the notices; Globex's records will follow.
	if err := chromedp.Do(tab,
		chromedp.WaitVisible(css(`form.notice-form textarea[name="consequences"]`)),
		chromedp.SendKeys(css(`form.notice-form textarea[name="consequences"]`), "Contact data may be misused for phishing."),
		chromedp.SendKeys(css(`form.notice-form textarea[name="measures"]`), "The bucket was closed; access logs are analysed."),
		chromedp.Click(css(`form.notice-form input[name="to_follow"][value="records"]`)),
	); err != nil {
		t.Fatalf("fill the notice: %v", err)
	}
	if resp, err := chromedp.RunResponse(tab, chromedp.Click(css(`form.notice-form button[type="submit"]`))); err != nil || resp.Status != 200 {
		t.Fatalf("issue: %v, %v", resp, err)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(css(`table.breach-notices`))); err != nil {
		t.Fatalf("the notices: %v", err)
	}
	flash, err := chromedp.Run(tab, chromedp.Text(css(`.flash`)))
	if err != nil || !strings.Contains(flash, "2 agreements, 2 on time") {
		t.Fatalf("after issuing: flash %q, %v", flash, err)
	}
	notices, err := app.Store.Incidents.BreachNotices(testrig.As(testrig.Owner), 1)
	if err != nil || len(notices) != 2 {
		t.Fatalf("notices: %v %d", err, len(notices))
	}
	var acmeNotice int64
	for _, n := range notices {
		if n.CustomerID == acmeID {
			acmeNotice = n.ID
		}
	}

	// Acme's admin, with cookies of its own, acknowledges its notice.
	acme, cancel := chromedp.NewContext(tab, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	notice := fmt.Sprintf(`#breach-notice-%d`, acmeNotice)
	if err := chromedp.Do(acme,
		chromedp.Navigate(base+"/portal/incidents"),
		chromedp.WaitVisible(css(`input[name="email"]`)),
		chromedp.SendKeys(css(`input[name="email"]`), "admin@acme.example"),
		chromedp.SendKeys(css(`input[name="password"]`), testrig.FixturePassword),
		chromedp.Click(css(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(css(notice+` form.ack button[type="submit"]`)),
	); err != nil {
		t.Fatalf("Acme's portal: %v", err)
	}
	text, err := chromedp.Run(acme, chromedp.Text(css(notice)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "about 40") || !strings.Contains(text, "about 900") || strings.Contains(text, "about 120") {
		t.Errorf("Acme's notice: %q", text)
	}
	if resp, err := chromedp.RunResponse(acme, chromedp.Click(css(notice+` form.ack button[type="submit"]`))); err != nil || resp.Status != 200 {
		t.Fatalf("acknowledge: %v, %v", resp, err)
	}
	if err := chromedp.Do(acme, chromedp.WaitVisible(css(notice+` .badge.acknowledged`))); err != nil {
		t.Fatalf("after acknowledging: %v", err)
	}

	// The staff's page shows it.
	if err := chromedp.Do(tab,
		chromedp.Navigate(base+"/incidents/1"),
		chromedp.WaitVisible(css(notice+` .badge.acknowledged`)),
		chromedp.WaitVisible(css(`#timeline .bt-mark.acked`)),
	); err != nil {
		t.Fatalf("the staff's page after the acknowledgement: %v", err)
	}
	acked, err := chromedp.Run(tab, chromedp.Text(css(fmt.Sprintf(`#clock-%d td.acked`, f.Agreements["acme"].ID))))
	if err != nil || !strings.Contains(acked, "2027-03-01") {
		t.Fatalf("Acme's clock: acknowledged %q, %v", acked, err)
	}
}

// seedDemo fills an App with a small processor's register, like the demo
// data: a profile, services, a template, customers in several countries with
// contacts and agreements in each status.
func seedDemo(t *testing.T, app *testrig.App) {
	t.Helper()
	ctx := testrig.As(testrig.Owner)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(app.Store.Processor.UpdateProfile(ctx, &art28.ProcessorProfile{LegalName: "Nordvault Backup GmbH",
		Country: "DE", DPOName: "Dana Weber", DPOEmail: "dpo@nordvault.example"}))
	must(app.Store.Agreements.CreateTemplate(ctx, &art28.AgreementTemplate{Key: "standard-dpa", Title: "Standard DPA"}))
	backup := &art28.Service{Name: "Cloud Backup", Nature: "Storage of encrypted backups", Purposes: []string{"Backup", "Restore"},
		DataCategories: []string{"Any data in the backups"}, SubjectCategories: []string{"Customers' end users"},
		ClientSideEncryption: true, Locations: []string{"DE", "FI"}}
	hosting := &art28.Service{Name: "Managed Hosting", Nature: "Hosting of web applications", Purposes: []string{"Hosting"},
		DataCategories: []string{"Account data", "Usage data"}, SubjectCategories: []string{"Customers' end users", "Customers' staff"},
		Locations: []string{"DE"}}
	must(app.Store.Services.CreateService(ctx, backup))
	must(app.Store.Services.CreateService(ctx, hosting))
	customers := []struct {
		name, country string
		eu            bool
		status        art28.AgreementStatus
	}{
		{"Alpenblick Hotels AG", "AT", true, art28.AgreementActive},
		{"Baltic Freight SIA", "LV", true, art28.AgreementActive},
		{"Casa Verde Seguros S.A.", "ES", true, art28.AgreementDraft},
		{"Dunmore Legal LLP", "IE", true, art28.AgreementActive},
		{"Fjordline Analytics AS", "NO", true, art28.AgreementTerminating},
		{"Helvetia Robotics SA", "CH", false, art28.AgreementActive},
		{"Lumière Editions SARL", "FR", true, art28.AgreementActive},
		{"Polder Energie B.V.", "NL", true, art28.AgreementEnded},
		{"Vistula Software sp. z o.o.", "PL", true, art28.AgreementDraft},
	}
	for i, x := range customers {
		c := &art28.Customer{LegalName: x.name, Country: x.country, EUEstablished: x.eu}
		must(app.Store.Customers.CreateCustomer(ctx, c))
		must(app.Store.Customers.CreateContact(ctx, &art28.Contact{CustomerID: c.ID, Name: "Account Owner",
			Email: fmt.Sprintf("owner%d@customer.example", i), Roles: []art28.ContactRole{art28.ContactAccountOwner}}))
		ag := &art28.Agreement{CustomerID: c.ID, TemplateKey: "standard-dpa", ServiceIDs: []int64{backup.ID}}
		if i%2 == 0 {
			ag.ServiceIDs = append(ag.ServiceIDs, hosting.ID)
		}
		must(app.Store.Agreements.CreateAgreement(ctx, ag))
		if x.status == art28.AgreementDraft {
			continue
		}
		_, err := app.Store.Agreements.ConcludeAgreement(ctx, ag.ID, art28.Conclusion{Method: art28.ConcludedSignature,
			AcceptedBy: "Managing director", AcceptedAt: app.Clock.Now().Add(-48 * time.Hour)})
		must(err)
		if x.status != art28.AgreementActive {
			_, err = app.Store.Agreements.SetAgreementStatus(ctx, ag.ID, x.status)
			must(err)
		}
	}
}

// A bulletin in a real browser: the privacy team issues a disruption
// (G7.4) to every running customer, backdated to when it learned of it;
// its page shows each customer's deadline from its own terms (seed 003's
// 24-hour target, in Berlin time) and that both were told on time; Acme's
// admin acknowledges it in the portal, and the staff's page shows it.
func TestBrowserBulletin(t *testing.T) {
	tab := newBrowserTab(t)
	app := testrig.NewApp(t, store.SQLite)
	f := newIncidentFixture(t, app) // Globex and Acme on seed 003's terms
	acmeID := f.Customers["acme"].ID
	base := app.HTTP.URL
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	if err := chromedp.Do(tab,
		chromedp.Navigate(base+"/bulletins"),
		chromedp.WaitVisible(css(`input[name="email"]`)),
		chromedp.SendKeys(css(`input[name="email"]`), testrig.OwnerEmail),
		chromedp.SendKeys(css(`input[name="password"]`), testrig.OwnerPassword),
		chromedp.Click(css(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`form.bulletin-form select[name="kind"]`)),
		chromedp.SetValue(css(`select[name="kind"]`), "disruption"),
		chromedp.SendKeys(css(`input[name="title"]`), "Storage outage in FRA1"),
		chromedp.SendKeys(css(`textarea[name="body"]`), "Our storage in Frankfurt was unavailable for two hours."),
		chromedp.SetValue(css(`input[name="occurred_at"]`), "2027-03-01T07:00"),
		chromedp.SetValue(css(`select[name="zone"]`), "UTC"),
	); err != nil {
		t.Fatalf("sign in and fill the bulletin: %v", err)
	}
	if resp, err := chromedp.RunResponse(tab, chromedp.Click(css(`form.bulletin-form button[name="issue"]`))); err != nil || resp.Status != 200 {
		t.Fatalf("issue: %v, %v", resp, err)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(css(`table.bulletin-recipients`))); err != nil {
		t.Fatalf("the bulletin's page: %v", err)
	}
	row, err := chromedp.Run(tab, chromedp.Text(css(fmt.Sprintf(`#recipient-%d`, acmeID))))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"G7.4", "2027-03-02 08:00 CET", "2027-03-02 07:00 UTC", "on time", "not yet"} {
		if !strings.Contains(row, want) {
			t.Errorf("Acme's row lacks %q: %q", want, row)
		}
	}
	page, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	acme, cancel := chromedp.NewContext(tab, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(acme,
		chromedp.Navigate(base+"/portal/bulletins"),
		chromedp.WaitVisible(css(`input[name="email"]`)),
		chromedp.SendKeys(css(`input[name="email"]`), "admin@acme.example"),
		chromedp.SendKeys(css(`input[name="password"]`), testrig.FixturePassword),
		chromedp.Click(css(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`article.bulletin form.ack button[type="submit"]`)),
	); err != nil {
		t.Fatalf("Acme's portal: %v", err)
	}
	card, err := chromedp.Run(acme, chromedp.Text(css(`article.bulletin`)))
	if err != nil || !strings.Contains(card, "Storage outage in FRA1") || !strings.Contains(card, "unavailable for two hours") ||
		!strings.Contains(card, "Due under our agreement by 2027-03-02 07:00 UTC") || !strings.Contains(card, "sent on time") {
		t.Fatalf("Acme's bulletin: %q, %v", card, err)
	}
	if resp, err := chromedp.RunResponse(acme, chromedp.Click(css(`article.bulletin form.ack button[type="submit"]`))); err != nil || resp.Status != 200 {
		t.Fatalf("acknowledge: %v, %v", resp, err)
	}
	if err := chromedp.Do(acme, chromedp.WaitVisible(css(`article.bulletin .badge.acknowledged`))); err != nil {
		t.Fatalf("after acknowledging: %v", err)
	}

	page, _, _ = strings.Cut(page, "?") // another URL than the one shown, so that the page is loaded anew
	if err := chromedp.Do(tab, chromedp.Navigate(page), chromedp.WaitVisible(css(`table.bulletin-recipients`))); err != nil {
		t.Fatal(err)
	}
	acked, err := chromedp.Run(tab, chromedp.Text(css(fmt.Sprintf(`#recipient-%d td.acked`, acmeID))))
	if err != nil || !strings.Contains(acked, "2027-03-01") {
		t.Fatalf("Acme's acknowledgement on the staff's page: %q, %v", acked, err)
	}
}
