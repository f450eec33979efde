package http_test

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// publicFixture is an App with a processor profile, a register that holds
// what the public may see and what it may not, and an agreement whose
// terms give an objection window, so that a change stays announced.
type publicFixture struct {
	app      *testrig.App
	f        *testrig.Fixtures
	newcomer *art28.Subprocessor // unlisted, announced in the tests
	brit     *art28.Subprocessor // listed, in GB
}

func newPublicFixture(t *testing.T) *publicFixture {
	t.Helper()
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	ctx := testrig.As(testrig.Owner)
	if err := app.Store.Processor.UpdateProfile(ctx, &art28.ProcessorProfile{LegalName: "Acme Cloud GmbH", Country: "DE",
		DPOName: "Dana Privacy", DPOEmail: "dpo@acme-cloud.example", DPOPhone: "+49 30 1234567"}); err != nil {
		t.Fatal(err)
	}
	v := testrig.SeedTerms(t, app.Store, ctx, "genz-saas-v1.yaml")
	if _, err := app.Store.Terms.SetAgreementTerms(ctx, f.Agreements["globex"].ID, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	hosting := []int64{f.Services["hosting"].ID}
	fx := &publicFixture{app: app, f: f}
	for _, sp := range []*art28.Subprocessor{
		{Name: "Nimbus Storage SAS", LegalEntity: "Nimbus Storage SAS", Country: "FR", Purpose: "Encrypted backups", Listed: true,
			DataCategories: []string{"contact data"}, FlowDownDocument: "contracts/nimbus-dpa.pdf", FlowDownSignedOn: "2026-01-05"},
		{Name: "Hetzner Online GmbH", Country: "DE", Purpose: "Hosting", Listed: true},
		{Name: "Cloudflare, Inc.", Country: "US", Purpose: "Content delivery", Safeguard: art28.SafeguardAdequacy, Listed: true},
		{Name: "Zendesk, Inc.", Country: "US", Purpose: "Customer support tickets", Safeguard: art28.SafeguardSCC, SCCModule: "3", Listed: true},
		{Name: "Sydney Analytics Pty Ltd", Country: "AU", Purpose: "Error tracking", Safeguard: art28.SafeguardSCC, SCCModule: "2", Listed: true},
		{Name: "Brit Support Ltd", Country: "GB", Purpose: "Telephone support", Safeguard: art28.SafeguardAdequacy, Listed: true},
		{Name: "Secret Prospect Ltd", Country: "DE", Purpose: "Not yet decided"},
		{Name: "Newcomer Backup SAS", Country: "NL", Purpose: "Second backup site"},
		{Name: "Office Cleaning GmbH", Country: "DE", Purpose: "Cleaning the offices", Kind: art28.KindAncillary, Listed: true},
	} {
		if sp.Kind != art28.KindAncillary {
			sp.ServiceIDs = hosting
		}
		if err := app.Store.Subprocessors.CreateSubprocessor(ctx, sp); err != nil {
			t.Fatalf("%s: %v", sp.Name, err)
		}
		switch sp.Name {
		case "Newcomer Backup SAS":
			fx.newcomer = sp
		case "Brit Support Ltd":
			fx.brit = sp
		}
	}
	return fx
}

// announce announces a change a minute later than anything before, so
// that Last-Modified moves. A change that widens stays announced while
// Globex's window runs; a removal completes at once.
func (fx *publicFixture) announce(t *testing.T, c *art28.Change) *art28.Change {
	t.Helper()
	fx.app.Clock.Add(time.Minute)
	ann, err := fx.app.Store.Changes.Announce(testrig.As(testrig.Owner), c)
	if err != nil {
		t.Fatal(err)
	}
	// Read it again: the announcement's copy does not show a completion
	// in the same transaction.
	got, err := fx.app.Store.Changes.Change(testrig.As(testrig.Owner), ann.Change.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// publicFetch GETs path anonymously with extra headers.
func publicFetch(t *testing.T, app *testrig.App, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, app.HTTP.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

var publicNames = []string{"Nimbus Storage SAS", "Hetzner Online GmbH", "Cloudflare, Inc.", "Zendesk, Inc.", "Sydney Analytics Pty Ltd", "Brit Support Ltd"}

func TestPublicListPage(t *testing.T) {
	fx := newPublicFixture(t)
	b := newUIBrowser(t, fx.app)
	p := b.get("/subprocessors").want(t, http.StatusOK)
	if got := p.text("main h1"); got != "Sub-processors" {
		t.Errorf("h1 %q", got)
	}
	var rows []string
	p.Doc.Find("table.sp-table tbody th.sp-name").Each(func(_ int, s *goquery.Selection) {
		rows = append(rows, s.Text())
	})
	if len(rows) != len(publicNames) {
		t.Fatalf("table rows %q, want the %d listed sub-processors", rows, len(publicNames))
	}
	page := p.html()
	for _, name := range publicNames {
		if !strings.Contains(p.text("table.sp-table"), name) {
			t.Errorf("the table lacks %s", name)
		}
	}
	for _, hidden := range []string{"Secret Prospect", "Office Cleaning", "Newcomer Backup", "nimbus-dpa.pdf"} {
		if strings.Contains(page, hidden) {
			t.Errorf("the public page shows %q", hidden)
		}
	}
	// The picture: an inline SVG, a column per region, a card per country.
	svg := p.Doc.Find("figure.sp-map svg.wide[role=img]")
	if svg.Length() != 1 || svg.Find("title#map-wide-title").Length() != 1 || p.Doc.Find("figure.sp-map svg.narrow text.country-name").Length() != 5 || !strings.Contains(svg.Find("desc").Text(), "6 sub-processors") {
		t.Fatalf("no accessible picture:\n%s", page)
	}
	var countries []string
	svg.Find("text.country-name").Each(func(_ int, s *goquery.Selection) { countries = append(countries, s.Text()) })
	slices.Sort(countries)
	if want := []string{"Australia", "France", "Germany", "United Kingdom", "United States of America"}; !slices.Equal(countries, want) {
		t.Errorf("countries in the picture: %q, want %q", countries, want)
	}
	regions := svg.Find("text.region-title").Text()
	for _, r := range []string{"EU / EEA", "Adequacy decision", "Other third countries"} {
		if !strings.Contains(regions, r) {
			t.Errorf("the picture lacks the region %q: %q", r, regions)
		}
	}
	if n := svg.Find("g.item.sg-scc").Length(); n != 2 {
		t.Errorf("%d sub-processors coloured for the SCC, want 2", n)
	}
	if legend := svg.Find("g.legend").Text(); !strings.Contains(legend, "standard contractual clauses") || !strings.Contains(legend, "adequacy decision") {
		t.Errorf("legend: %q", legend)
	}
	// The DPO contact, and a subscription form with no form token for an
	// anonymous visitor.
	contact := p.text("#contact")
	if !strings.Contains(contact, "Dana Privacy") || !strings.Contains(contact, "+49 30 1234567") {
		t.Errorf("contact: %q", contact)
	}
	if href, _ := p.Doc.Find(`#contact a[href^="mailto:"]`).Attr("href"); href != "mailto:dpo@acme-cloud.example" {
		t.Errorf("DPO e-mail link %q", href)
	}
	if p.Doc.Find(`form[action="/subprocessors/subscribe"] input[name=email]`).Length() != 1 || p.Doc.Find(`input[name=csrf]`).Length() != 0 {
		t.Errorf("subscription form:\n%s", p.html())
	}
	if p.Doc.Find(`link[rel=stylesheet][href="/static/public.css"]`).Length() != 1 || p.Doc.Find(`link[rel=alternate][type="application/atom+xml"]`).Length() != 1 {
		t.Errorf("the page does not link its stylesheet or its feed")
	}
	if res, body := publicFetch(t, fx.app, "/static/public.css", nil); res.StatusCode != http.StatusOK || !strings.Contains(string(body), ".sg-scc") {
		t.Errorf("public.css: %d", res.StatusCode)
	}

	// An announced change shows with when its windows close; the newcomer
	// is not on the list until they have.
	c := fx.announce(t, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: fx.newcomer.ID, Summary: "A second backup site.",
		EffectiveFrom: "2027-04-01"})
	p = b.get("/subprocessors").want(t, http.StatusOK)
	ann := p.Doc.Find("#change-" + idStr(c.ID))
	if ann.Length() != 1 || !strings.Contains(ann.Text(), "Newcomer Backup SAS") || !strings.Contains(ann.Text(), "2027-04-01") ||
		!strings.Contains(ann.Text(), "close by 2027-03-") {
		t.Fatalf("announced change: %q", ann.Text())
	}
	if strings.Contains(p.text("table.sp-table"), "Newcomer") || strings.Contains(p.text("figure.sp-map"), "Newcomer") {
		t.Error("an announced sub-processor is drawn as listed")
	}
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

func TestPublicJSONAndCSV(t *testing.T) {
	fx := newPublicFixture(t)
	c := fx.announce(t, &art28.Change{Kind: art28.ChangeLocation, SubprocessorID: fx.brit.ID, NewCountry: "US",
		NewSafeguard: art28.SafeguardSCC, NewSCCModule: "3", Summary: "Support moves to our US team."})

	res, body := publicFetch(t, fx.app, "/subprocessors.json", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var l struct {
		Processor struct {
			Name string `json:"name"`
			DPO  struct {
				Name, Email, Phone string
			} `json:"dpo"`
		} `json:"processor"`
		UpdatedAt     *time.Time `json:"updated_at"`
		Subprocessors []struct {
			Name           string   `json:"name"`
			LegalEntity    string   `json:"legal_entity"`
			Country        string   `json:"country"`
			CountryName    string   `json:"country_name"`
			EEA            bool     `json:"eea"`
			Purpose        string   `json:"purpose"`
			Services       []string `json:"services"`
			Safeguard      string   `json:"safeguard"`
			SafeguardLabel string   `json:"safeguard_label"`
			SCCModule      string   `json:"scc_module"`
		} `json:"subprocessors"`
		AnnouncedChanges []struct {
			ID             int64      `json:"id"`
			Kind           string     `json:"kind"`
			Subprocessor   string     `json:"subprocessor"`
			Country        string     `json:"country"`
			Safeguard      string     `json:"safeguard"`
			Summary        string     `json:"summary"`
			WindowsCloseBy *time.Time `json:"windows_close_by"`
		} `json:"announced_changes"`
	}
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("decode: %v\n%s", err, body)
	}
	if l.Processor.Name != "Acme Cloud GmbH" || l.Processor.DPO.Email != "dpo@acme-cloud.example" || l.Processor.DPO.Name != "Dana Privacy" ||
		l.UpdatedAt == nil || !l.UpdatedAt.Equal(c.AnnouncedAt) {
		t.Errorf("processor and time: %+v", l)
	}
	var names []string
	for _, sp := range l.Subprocessors {
		names = append(names, sp.Name)
		switch sp.Name {
		case "Nimbus Storage SAS":
			if !sp.EEA || sp.CountryName != "France" || sp.Safeguard != "none" || sp.SafeguardLabel == "" || !slices.Equal(sp.Services, []string{"Hosting"}) ||
				sp.LegalEntity != "Nimbus Storage SAS" || sp.Purpose != "Encrypted backups" {
				t.Errorf("Nimbus: %+v", sp)
			}
		case "Zendesk, Inc.":
			if sp.EEA || sp.Safeguard != "scc_2021_914" || sp.SCCModule != "3" || sp.Country != "US" {
				t.Errorf("Zendesk: %+v", sp)
			}
		}
	}
	slices.Sort(names)
	want := slices.Sorted(slices.Values(publicNames))
	if !slices.Equal(names, want) {
		t.Errorf("json lists %q, want %q", names, want)
	}
	if len(l.AnnouncedChanges) != 1 {
		t.Fatalf("announced changes: %+v", l.AnnouncedChanges)
	}
	if a := l.AnnouncedChanges[0]; a.ID != c.ID || a.Kind != "location" || a.Subprocessor != "Brit Support Ltd" || a.Country != "US" ||
		a.Safeguard != "scc_2021_914" || a.WindowsCloseBy == nil || !a.WindowsCloseBy.After(c.AnnouncedAt) {
		t.Errorf("announced change: %+v", a)
	}

	res, body = publicFetch(t, fx.app, "/subprocessors.csv", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, body)
	}
	wantCols := []string{"name", "legal_entity", "country", "purpose", "services", "data_categories", "safeguard", "scc_module"}
	if !slices.Equal(recs[0], wantCols) {
		t.Errorf("csv columns %q, want %q", recs[0], wantCols)
	}
	if len(recs) != 1+len(publicNames) {
		t.Errorf("csv has %d rows, want %d", len(recs)-1, len(publicNames))
	}
	for _, hidden := range []string{"flow_down", "nimbus-dpa.pdf", "2026-01-05", "Office Cleaning", "Secret Prospect", "Newcomer"} {
		if strings.Contains(string(body), hidden) {
			t.Errorf("csv shows %q", hidden)
		}
	}
}

func TestPublicAtomFeed(t *testing.T) {
	fx := newPublicFixture(t)
	parse := func() *gofeed.Feed {
		t.Helper()
		res, body := publicFetch(t, fx.app, "/subprocessors.atom", nil)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("atom: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		feed, err := gofeed.NewParser().ParseString(string(body))
		if err != nil {
			t.Fatalf("gofeed cannot parse the feed: %v\n%s", err, body)
		}
		if feed.FeedType != "atom" {
			t.Fatalf("feed type %q", feed.FeedType)
		}
		return feed
	}
	if feed := parse(); len(feed.Items) != 0 || feed.Title == "" {
		t.Fatalf("a feed with no change: %+v", feed)
	}
	add := fx.announce(t, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: fx.newcomer.ID, Summary: "A second backup site."})
	remove := fx.announce(t, &art28.Change{Kind: art28.ChangeRemove, SubprocessorID: mustListed(t, fx, "/subprocessors").ID,
		Summary: "Hosting moves to our own data centre."})
	purpose := fx.announce(t, &art28.Change{Kind: art28.ChangePurpose, SubprocessorID: fx.brit.ID, NewPurpose: "Telephone and chat support",
		Summary: "Chat too."})
	if add.State != art28.ChangeAnnounced || remove.State != art28.ChangeCompleted || purpose.State != art28.ChangeAnnounced {
		t.Fatalf("states: %s %s %s", add.State, remove.State, purpose.State)
	}
	fx.app.Clock.Add(time.Hour)
	if _, err := fx.app.Store.Changes.Withdraw(testrig.As(testrig.Owner), purpose.ID, "We keep phone support only."); err != nil {
		t.Fatal(err)
	}
	feed := parse()
	if len(feed.Items) != 3 {
		t.Fatalf("%d entries, want one per change", len(feed.Items))
	}
	if feed.UpdatedParsed == nil || !feed.UpdatedParsed.Equal(fx.app.Clock.T.Truncate(time.Second)) {
		t.Errorf("feed updated %v, want the withdrawal at %v", feed.UpdatedParsed, fx.app.Clock.T)
	}
	byID := map[string]*gofeed.Item{}
	for _, it := range feed.Items {
		if !strings.HasPrefix(it.GUID, "tag:127.0.0.1,2027-03-01:subprocessors/change/") || it.UpdatedParsed == nil || it.Title == "" {
			t.Errorf("entry %+v", it)
		}
		byID[it.GUID[strings.LastIndex(it.GUID, "/")+1:]] = it
	}
	a, r, w := byID[idStr(add.ID)], byID[idStr(remove.ID)], byID[idStr(purpose.ID)]
	if a == nil || r == nil || w == nil {
		t.Fatalf("entries %v", byID)
	}
	if !strings.Contains(a.Title, "Newcomer Backup SAS") || !strings.HasSuffix(a.Link, "/subprocessors#change-"+idStr(add.ID)) {
		t.Errorf("add entry: %q %q", a.Title, a.Link)
	}
	for _, words := range []string{"Netherlands", "EU/EEA", "none needed", "A second backup site.", "objection windows close by"} {
		if !strings.Contains(a.Content, words) {
			t.Errorf("add entry content lacks %q:\n%s", words, a.Content)
		}
	}
	if !strings.Contains(r.Title, "Hetzner Online GmbH") || !strings.Contains(r.Title, "completed") || !strings.Contains(r.Content, "Germany") {
		t.Errorf("completed entry: %q\n%s", r.Title, r.Content)
	}
	if !strings.Contains(w.Title, "withdrawn") || !strings.Contains(w.Content, "United Kingdom") || !strings.Contains(w.Description, "adequacy decision") ||
		!strings.Contains(w.Content, "Telephone and chat support") {
		t.Errorf("withdrawn entry: %q\n%s\n%s", w.Title, w.Description, w.Content)
	}
}

func TestPublicListValidators(t *testing.T) {
	fx := newPublicFixture(t)
	for _, path := range []string{"/subprocessors", "/subprocessors.json", "/subprocessors.csv", "/subprocessors.atom"} {
		t.Run(path, func(t *testing.T) {
			res, _ := publicFetch(t, fx.app, path, nil)
			etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(etag, `"`) || modified == "" ||
				res.Header.Get("Cache-Control") != "public, max-age=300" {
				t.Fatalf("%d, ETag %q, Last-Modified %q, Cache-Control %q", res.StatusCode, etag, modified, res.Header.Get("Cache-Control"))
			}
			if again, _ := publicFetch(t, fx.app, path, nil); again.Header.Get("ETag") != etag {
				t.Fatalf("the ETag of an unchanged list changed: %s, %s", etag, again.Header.Get("ETag"))
			}
			if res, body := publicFetch(t, fx.app, path, map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("If-None-Match: %d with %d bytes", res.StatusCode, len(body))
			}
			if res, _ := publicFetch(t, fx.app, path, map[string]string{"If-Modified-Since": modified}); res.StatusCode != http.StatusNotModified {
				t.Errorf("If-Modified-Since: %d", res.StatusCode)
			}
			// A change: a new ETag, a later Last-Modified, and the old
			// validators no longer match.
			fx.app.Clock.Add(time.Minute)
			fx.announce(t, &art28.Change{Kind: art28.ChangeRemove, SubprocessorID: mustListed(t, fx, path).ID, Summary: "No longer needed."})
			res2, _ := publicFetch(t, fx.app, path, map[string]string{"If-None-Match": etag})
			if res2.StatusCode != http.StatusOK || res2.Header.Get("ETag") == etag {
				t.Errorf("after a change: %d, ETag %s (was %s)", res2.StatusCode, res2.Header.Get("ETag"), etag)
			}
			if res2.Header.Get("Last-Modified") == modified {
				t.Errorf("after a change Last-Modified is still %s", modified)
			}
			if res, _ := publicFetch(t, fx.app, path, map[string]string{"If-Modified-Since": modified}); res.StatusCode != http.StatusOK {
				t.Errorf("If-Modified-Since before the change: %d", res.StatusCode)
			}
		})
	}
	// A signed-in visitor's page carries a form token: private.
	b := newUIBrowser(t, fx.app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	req, _ := http.NewRequest(http.MethodGet, fx.app.HTTP.URL+"/subprocessors", nil)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
		t.Errorf("signed-in page: Cache-Control %q", cc)
	}
}

// mustListed picks a different listed sub-processor for each subtest to
// announce the removal of.
func mustListed(t *testing.T, fx *publicFixture, path string) *art28.Subprocessor {
	t.Helper()
	name := map[string]string{"/subprocessors": "Hetzner Online GmbH", "/subprocessors.json": "Cloudflare, Inc.",
		"/subprocessors.csv": "Zendesk, Inc.", "/subprocessors.atom": "Sydney Analytics Pty Ltd"}[path]
	list, _, err := fx.app.Store.Subprocessors.Subprocessors(testrig.As(testrig.Owner), art28.SubprocessorFilter{Query: name})
	if err != nil || len(list) != 1 {
		t.Fatalf("%s: %v %d", name, err, len(list))
	}
	return list[0]
}

func TestPublicSubscription(t *testing.T) {
	fx := newPublicFixture(t)
	app := fx.app
	system := testrig.As(art28.SystemActor)
	confirmations := func() []*art28.Delivery {
		t.Helper()
		list, _, err := app.Store.Deliveries.Deliveries(system, art28.DeliveryFilter{Event: "subscription_confirm"})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	subscriberCount := func() int {
		t.Helper()
		_, n, err := app.Store.Subscriptions.Subscribers(system, art28.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Bad input: 422, the field named, nothing stored.
	b := newUIBrowser(t, app)
	b.get("/subprocessors")
	before := testrig.ActivityCount(t, app.DB)
	p := b.postRaw("/subprocessors/subscribe", url.Values{"email": {"not an address"}, "language": {"de"}}).want(t, http.StatusUnprocessableEntity)
	if p.Doc.Find(`#err-email`).Length() != 1 || p.Doc.Find(`input[name=email][aria-invalid=true]`).Length() != 1 {
		t.Errorf("the error does not name the e-mail field:\n%s", p.text("#subscribe"))
	}
	if v, _ := p.Doc.Find(`input[name=email]`).Attr("value"); v != "not an address" {
		t.Errorf("the form lost what was typed: %q", v)
	}
	if n := testrig.ActivityCount(t, app.DB); n != before || subscriberCount() != 0 || len(confirmations()) != 0 {
		t.Fatalf("a refused subscription stored something")
	}

	// Subscribing: the same answer for a new address, the same one again,
	// and another.
	subscribe := func(email string) string {
		t.Helper()
		p := b.postRaw("/subprocessors/subscribe", url.Values{"email": {email}, "language": {"de"}}).want(t, http.StatusOK)
		if p.URL.Path != "/subprocessors" {
			t.Fatalf("after subscribing: at %s", p.URL)
		}
		return p.text(".flash")
	}
	first := subscribe("reader@example.com")
	if first == "" || strings.Contains(first, "reader@example.com") {
		t.Fatalf("answer: %q", first)
	}
	d := confirmations()
	if len(d) != 1 || d[0].Recipient != "reader@example.com" || d[0].Language != "de" || d[0].State != art28.DeliveryPending || d[0].Channel != "email" {
		t.Fatalf("deliveries: %+v", d)
	}
	if again := subscribe("reader@example.com"); again != first {
		t.Errorf("a repeated address gets another answer: %q, first %q", again, first)
	}
	if other := subscribe("other@example.com"); other != first {
		t.Errorf("another address gets another answer: %q", other)
	}
	if n := len(confirmations()); n != 2 {
		t.Errorf("%d confirmations queued, want one per address", n)
	}

	// Confirming: a bad link is refused and says why; the real one works.
	p = b.get("/subprocessors/confirm?token=bogus").want(t, http.StatusNotFound)
	if msg := p.text(".error"); !strings.Contains(msg, "not known") {
		t.Errorf("bad token: %q", msg)
	}
	b.get("/subprocessors/confirm").want(t, http.StatusNotFound)
	sub, confirm, unsubscribe, err := app.Store.Subscriptions.Mailing(system, d[0].NoticeID)
	if err != nil {
		t.Fatal(err)
	}
	p = b.get("/subprocessors/confirm?token="+url.QueryEscape(confirm)).want(t, http.StatusOK)
	if got := p.text("main h1"); got != "Subscription confirmed" {
		t.Errorf("confirm page: %q", got)
	}
	if sub, _, _, _ = app.Store.Subscriptions.Mailing(system, sub.ID); sub.State != art28.SubscriberConfirmed {
		t.Fatalf("after confirming: %+v", sub)
	}

	// The unsubscribe link opens a page with a button, which changes nothing.
	p = b.get("/subprocessors/unsubscribe?token="+url.QueryEscape(unsubscribe)).want(t, http.StatusOK)
	if action, _ := p.Doc.Find(`form[method=post] button[type=submit]`).Parents().Filter("form").Attr("action"); !strings.Contains(action, url.QueryEscape(unsubscribe)) {
		t.Errorf("unsubscribe form action %q", action)
	}
	if sub, _, _, _ = app.Store.Subscriptions.Mailing(system, sub.ID); sub.State != art28.SubscriberConfirmed {
		t.Fatalf("opening the unsubscribe link unsubscribed")
	}
	// One-click (RFC 8058): a POST from the mail provider, no cookie, no
	// form token, the token in the query.
	res, err := http.Post(app.HTTP.URL+"/subprocessors/unsubscribe?token="+url.QueryEscape(unsubscribe),
		"application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d", res.StatusCode)
	}
	if sub, _, _, _ = app.Store.Subscriptions.Mailing(system, sub.ID); sub.State != art28.SubscriberUnsubscribed {
		t.Fatalf("after one-click: %+v", sub)
	}
	res, err = http.Post(app.HTTP.URL+"/subprocessors/unsubscribe?token=bogus", "application/x-www-form-urlencoded",
		strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("one-click with a bad token: %d", res.StatusCode)
	}

	// A signed-in visitor subscribes too: the form carries the session's token.
	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p = staff.get("/subprocessors").want(t, http.StatusOK)
	if p.Doc.Find(`form[action="/subprocessors/subscribe"] input[name=csrf]`).Length() != 1 {
		t.Fatal("the signed-in page's form has no form token")
	}
	staff.submit("/subprocessors/subscribe", url.Values{"email": {"staff@example.com"}, "language": {"fr"}}).want(t, http.StatusOK)
	if n := len(confirmations()); n != 3 {
		t.Errorf("%d confirmations after a signed-in subscription, want 3", n)
	}
	acts, _, err := app.Store.Activities.Activities(system, art28.ActivityFilter{ObjectType: "subscriber"})
	if err != nil || len(acts) == 0 || acts[len(acts)-1].ActorName != "public" || acts[len(acts)-1].Source != "127.0.0.1" {
		t.Errorf("activity: %v %+v", err, acts)
	}
}
