package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func bulletinTotal(t testing.TB, app *testrig.App) int {
	t.Helper()
	_, n, err := app.Store.Bulletins.Bulletins(testrig.As(testrig.Owner), art28.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A bulletin through its forms: refused for a bad kind and an empty title,
// each by its field with what was typed kept and nothing stored; issued to
// every customer with a running agreement (Globex only in the seed); read
// and acknowledged in Globex's portal, a second acknowledgement refused
// with 409; not shown to Acme; counted on the staff list; and no form for
// a read-only user, whose post is refused.
func TestUIBulletins(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)

	p := staff.get("/bulletins").want(t, http.StatusOK)
	wantCSRF(t, p)
	if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("a signed-in page may be cached: Cache-Control %q", cc)
	}
	if cc := staff.get("/api/v1/bulletins").Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("a signed-in API answer may be cached: Cache-Control %q", cc)
	}
	if cur, _ := p.Doc.Find(`header nav a[aria-current]`).Attr("href"); cur != "/bulletins" {
		t.Errorf("navigation marks %q", cur)
	}
	if got := p.text(`select[name="kind"] option[value="violation"]`); !strings.Contains(got, "G7.4, G6.2") {
		t.Errorf("the violation option says %q", got)
	}
	if n := p.Doc.Find(`input[name="customer_ids"]`).Length(); n != 2 {
		t.Errorf("the form offers %d customers", n)
	}

	form := url.Values{"kind": {"disruption"}, "title": {"Storage outage in FRA1"},
		"body": {"Our storage in Frankfurt was unavailable for two hours.\nNo data was lost."}, "recipients": {"all"}}
	before := testrig.ActivityCount(t, app.DB)
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("kind", "meteor_strike")
	p = staff.submit("/bulletins", bad).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-kind") == "" {
		t.Fatalf("no message by the kind: %q", p.text(".error"))
	}
	if v := p.Doc.Find(`input[name="title"]`).AttrOr("value", ""); v != form.Get("title") {
		t.Errorf("title not kept: %q", v)
	}
	if v := p.text(`textarea[name="body"]`); v != form.Get("body") {
		t.Errorf("body not kept: %q", v)
	}
	bad.Set("kind", "disruption")
	bad.Set("title", "  ")
	bad.Set("recipients", "chosen")
	bad.Set("customer_ids", fmt.Sprint(f.Customers["acme"].ID))
	p = staff.submit("/bulletins", bad).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-title") == "" {
		t.Fatalf("no message by the title: %q", p.text(".error"))
	}
	if v := p.Doc.Find(`select[name="kind"] option[selected]`).AttrOr("value", ""); v != "disruption" {
		t.Errorf("kind not kept: %q", v)
	}
	if _, ok := p.Doc.Find(`input[name="recipients"][value="chosen"]`).Attr("checked"); !ok {
		t.Error("the recipients choice is not kept")
	}
	if _, ok := p.Doc.Find(fmt.Sprintf(`input[name="customer_ids"][value="%d"]`, f.Customers["acme"].ID)).Attr("checked"); !ok {
		t.Error("Acme no longer ticked")
	}
	if bulletinTotal(t, app) != 0 || testrig.ActivityCount(t, app.DB) != before {
		t.Fatal("a refused bulletin was stored")
	}

	p = staff.submit("/bulletins", form).want(t, http.StatusOK)
	list, _, err := app.Store.Bulletins.Bulletins(testrig.As(testrig.Owner), art28.Page{})
	if err != nil || len(list) != 1 {
		t.Fatalf("stored: %v, %v", list, err)
	}
	id := list[0].ID
	if p.URL.Path != fmt.Sprintf("/bulletins/%d", id) || !strings.Contains(p.text(".flash"), "issued to 1 customers") {
		t.Fatalf("after issuing: %s %q", p.URL, p.text(".flash"))
	}
	// Its page: Globex told, no deadline (its agreement has no terms).
	recipient := p.text(fmt.Sprintf("#recipient-%d", f.Customers["globex"].ID))
	for _, want := range []string{"Globex", "no deadline", "not yet"} {
		if !strings.Contains(recipient, want) {
			t.Errorf("Globex's row on the bulletin's page lacks %q: %q", want, recipient)
		}
	}
	p = staff.get("/bulletins").want(t, http.StatusOK)
	row := p.text(fmt.Sprintf("#bulletin-%d", id))
	for _, want := range []string{"Storage outage in FRA1", "Significant disruption or failure", "G7.4", testrig.OwnerEmail,
		"every customer with a running agreement (1)", "0 of 1 acknowledged"} {
		if !strings.Contains(row, want) {
			t.Errorf("the staff row lacks %q: %q", want, row)
		}
	}

	// Globex's member reads and acknowledges it; once only.
	member := newUIBrowser(t, app)
	member.signIn("member@globex.example", testrig.FixturePassword)
	if !strings.Contains(member.get("/portal").text("#bulletins"), "Bulletins") {
		t.Error("the portal has no bulletins section")
	}
	p = member.get("/portal/bulletins").want(t, http.StatusOK)
	if cur, _ := p.Doc.Find(`header nav a[aria-current]`).Attr("href"); cur != "/portal/bulletins" {
		t.Errorf("portal navigation marks %q", cur)
	}
	card := p.text(fmt.Sprintf("#bulletin-%d", id))
	for _, want := range []string{"Storage outage in FRA1", "Significant disruption or failure", "G7.4", "No data was lost."} {
		if !strings.Contains(card, want) {
			t.Errorf("the portal card lacks %q: %q", want, card)
		}
	}
	ack := fmt.Sprintf("/portal/bulletins/%d/acknowledge", id)
	if p.Doc.Find(fmt.Sprintf(`form[action="%s"]`, ack)).Length() != 1 {
		t.Fatal("no Acknowledge button")
	}
	// The acknowledgement answers 303, back to the list.
	noFollow := *member.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest(http.MethodPost, member.base+ack, strings.NewReader(url.Values{"csrf": {member.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/bulletins?flash=") {
		t.Fatalf("acknowledge: %d to %q, want 303 to the list", resp.StatusCode, loc)
	}
	res := member.get(resp.Header.Get("Location")).want(t, http.StatusOK)
	if !strings.Contains(res.text(".flash"), "acknowledgement") {
		t.Errorf("flash %q", res.text(".flash"))
	}
	card = res.text(fmt.Sprintf("#bulletin-%d", id))
	if !strings.Contains(card, "Acknowledged 20") || res.Doc.Find(fmt.Sprintf(`form[action="%s"]`, ack)).Length() != 0 {
		t.Errorf("after acknowledging: %q", card)
	}
	res = member.submit(ack, nil).want(t, http.StatusConflict)
	if got := res.text(".error"); !strings.Contains(got, fmt.Sprintf("Bulletin #%d", id)) || !strings.Contains(got, "acknowledged it") {
		t.Errorf("409 at the top: %q", got)
	}
	if got := res.text(fmt.Sprintf("#bulletin-%d .field-error", id)); !strings.Contains(got, "acknowledged it") {
		t.Errorf("409 by the bulletin: %q", got)
	}

	// Acme has no running agreement: it sees nothing.
	acme := newUIBrowser(t, app)
	acme.signIn("admin@acme.example", testrig.FixturePassword)
	p = acme.get("/portal/bulletins").want(t, http.StatusOK)
	if strings.Contains(p.text("main"), "Storage outage") || p.text(".empty") == "" {
		t.Errorf("Acme sees: %q", p.text("main"))
	}
	acme.submit(ack, nil).want(t, http.StatusNotFound)
	acme.get("/bulletins").want(t, http.StatusForbidden)

	p = staff.get("/bulletins").want(t, http.StatusOK)
	if got := p.text(fmt.Sprintf("#bulletin-%d", id)); !strings.Contains(got, "1 of 1 acknowledged") {
		t.Errorf("the staff row after acknowledging: %q", got)
	}
	staff.submit(ack, nil).want(t, http.StatusForbidden)

	// A read-only user reads the list, has no form, and may not issue.
	ro := &art28.User{Email: "ro@example.com", Name: "Rita Reader", Role: art28.RoleReadOnly}
	if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), ro, "read-only password, long"); err != nil {
		t.Fatal(err)
	}
	reader := newUIBrowser(t, app)
	reader.signIn(ro.Email, "read-only password, long")
	p = reader.get("/bulletins").want(t, http.StatusOK)
	if !strings.Contains(p.text("table.bulletins"), "Storage outage in FRA1") || p.Doc.Find(`form[action^="/bulletins"]`).Length() != 0 {
		t.Fatalf("a read-only user's view: form %d, %q", p.Doc.Find(`form[action^="/bulletins"]`).Length(), p.text("main"))
	}
	reader.submit("/bulletins", form).want(t, http.StatusForbidden)
	if bulletinTotal(t, app) != 1 {
		t.Fatal("a read-only user issued a bulletin")
	}
}

// A legal obligation the law forbids telling yet (G4.5) through the form:
// a reason on a kind that may not be withheld, and a time in the future,
// are refused by their fields; the withheld one is recorded, shown as
// withheld, hidden from the customer, and sent from its page; a second
// send is refused with 409 on the page.
func TestUIWithheldBulletin(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	globex := f.Customers["globex"].ID
	form := url.Values{"kind": {"disruption"}, "title": {"A court order to keep logs"}, "body": {"We must keep access logs for a year."},
		"recipients": {"chosen"}, "customer_ids": {fmt.Sprint(globex)}, "zone": {"Europe/Berlin"},
		"withheld_reason": {"The order forbids telling the customer until 1 June."}, "processing_from": {"2099-06-01T00:00"}}
	p := staff.submit("/bulletins", form).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-processing_from") == "" && p.text("#err-withheld_reason") == "" {
		t.Fatalf("no message by the field: %q", p.text(".error"))
	}
	form.Set("kind", "legal_obligation")
	form.Set("occurred_at", "2099-01-01T00:00")
	p = staff.submit("/bulletins", form).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-occurred_at") == "" {
		t.Fatalf("no message by occurred_at: %q", p.text(".error"))
	}
	if bulletinTotal(t, app) != 0 {
		t.Fatal("a refused bulletin was stored")
	}
	form.Del("occurred_at")
	p = staff.submit("/bulletins", form).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "withheld") || !strings.Contains(p.text("dd.sent"), "withheld") {
		t.Fatalf("after recording: %s %q %q", p.URL, p.text(".flash"), p.text("dd.sent"))
	}
	if due := p.text(fmt.Sprintf("#recipient-%d .due", globex)); !strings.Contains(due, "2099-05-31") {
		t.Errorf("Globex's deadline is not the processing's start (Berlin midnight): %q", due)
	}
	send := p.URL.Path + "/send"
	member := newUIBrowser(t, app)
	member.signIn("member@globex.example", testrig.FixturePassword)
	if strings.Contains(member.get("/portal/bulletins").text("main"), "court order") {
		t.Fatal("Globex sees a withheld bulletin")
	}
	p = staff.submit(send, nil).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "sent to 1 customers") || strings.Contains(p.text("dd.sent"), "withheld") {
		t.Fatalf("after sending: %q %q", p.text(".flash"), p.text("dd.sent"))
	}
	if !strings.Contains(member.get("/portal/bulletins").text("main"), "court order") {
		t.Fatal("Globex does not see the sent bulletin")
	}
	p = staff.submit(send, nil).want(t, http.StatusConflict)
	if !strings.Contains(p.text(".error"), "sent on") {
		t.Errorf("a second send: %q", p.text(".error"))
	}
}
