package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// noticeFixture is the seed with the genz terms on Globex's agreement and
// one change announced to it: a new sub-processor in Germany, or, with
// consent, one in India that the terms allow only with prior consent.
type noticeFixture struct {
	*testrig.Fixtures
	Sub    *art28.Subprocessor
	Notice *art28.Notice
}

func newNoticeFixture(t *testing.T, app *testrig.App, consent bool, before func(f *testrig.Fixtures)) *noticeFixture {
	t.Helper()
	f := testrig.Seed(t, app.DB)
	po := testrig.As(testrig.PrivacyOfficer)
	v := testrig.SeedTerms(t, app.Store, po, "genz-saas-v1.yaml")
	if _, err := app.Store.Terms.SetAgreementTerms(po, f.Agreements["globex"].ID, v.ID, ""); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(f)
	}
	sp := &art28.Subprocessor{Name: "Hosting GmbH", Country: "DE", Purpose: "A second data centre", ServiceIDs: []int64{f.Services["hosting"].ID}}
	if consent {
		sp = &art28.Subprocessor{Name: "Support Desk Pvt Ltd", Country: "IN", Safeguard: art28.SafeguardArt49, Purpose: "Night support",
			ServiceIDs: []int64{f.Services["hosting"].ID}}
	}
	if err := app.Store.Subprocessors.CreateSubprocessor(po, sp); err != nil {
		t.Fatal(err)
	}
	ann, err := app.Store.Changes.Announce(po, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "A new sub-processor."})
	if err != nil || ann.Notices != 1 {
		t.Fatalf("announce: %v %+v", err, ann)
	}
	notices, _, err := app.Store.Changes.Notices(po, art28.NoticeFilter{ChangeID: &ann.Change.ID})
	if err != nil || len(notices) != 1 || notices[0].ConsentRequired != consent {
		t.Fatalf("notices: %v %+v", err, notices)
	}
	return &noticeFixture{Fixtures: f, Sub: sp, Notice: notices[0]}
}

// webhookTarget reads an endpoint as the outbox does, secret included.
func webhookTarget(t *testing.T, app *testrig.App, id int64) (secret string, enabled bool) {
	t.Helper()
	_, secret, enabled, err := app.DB.WebhookTarget(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return secret, enabled
}

func webhooksOf(t *testing.T, app *testrig.App, customerID int64) []*art28.WebhookEndpoint {
	t.Helper()
	list, err := app.Store.Webhooks.Webhooks(testrig.As(testrig.Owner), customerID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// A customer's admin adds an endpoint in the portal, sees its secret
// once, and disables it; a member reads the endpoints and may not change
// them.
func TestUIPortalWebhooks(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	globex := f.Customers["globex"].ID

	admin := newUIBrowser(t, app)
	admin.signIn("admin@globex.example", testrig.FixturePassword)
	if n := admin.get("/portal").want(t, http.StatusOK).Doc.Find(`a[href="/portal/webhooks"]`).Length(); n < 2 {
		t.Fatalf("the portal links its webhooks %d times; want the nav and the page", n)
	}
	p := admin.get("/portal/webhooks").want(t, http.StatusOK)
	wantCSRF(t, p)
	if p.text("main h1") != "Webhooks" || p.Doc.Find(`header nav a[href="/portal/webhooks"][aria-current]`).Length() != 1 {
		t.Fatalf("the page: h1 %q", p.text("main h1"))
	}
	if p.Doc.Find(`form[action="/portal/webhooks"] input[name="url"]`).Length() != 1 {
		t.Fatal("an admin is not offered the form")
	}
	for _, h := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		if !strings.Contains(p.text("#verify"), h) {
			t.Errorf("the verification note does not name %s", h)
		}
	}

	// A URL that is not http(s) is refused by its field, as typed, and
	// nothing is stored.
	before := testrig.ActivityCount(t, app.DB)
	p = admin.submit("/portal/webhooks", url.Values{"url": {"ftp://hooks.globex.example/art28"}}).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#err-url"); !strings.Contains(got, "only http and https") {
		t.Fatalf("url error %q", got)
	}
	if v, _ := p.Doc.Find(`input[name="url"]`).Attr("value"); v != "ftp://hooks.globex.example/art28" {
		t.Fatalf("the URL was not kept: %q", v)
	}
	if len(webhooksOf(t, app, globex)) != 0 || testrig.ActivityCount(t, app.DB) != before {
		t.Fatal("a refused endpoint was stored")
	}

	// The secret is shown once, with how to verify.
	p = admin.submit("/portal/webhooks", url.Values{"url": {"https://hooks.globex.example/art28"}}).want(t, http.StatusOK)
	secret := p.text(".secret")
	if !strings.HasPrefix(secret, "whsec_") || p.text(".warning") == "" || !strings.Contains(p.text("#verify"), "webhook-signature") {
		t.Fatalf("created page: secret %q, warning %q", secret, p.text(".warning"))
	}
	eps := webhooksOf(t, app, globex)
	if len(eps) != 1 || eps[0].URL != "https://hooks.globex.example/art28" || eps[0].CreatedBy != "admin@globex.example" {
		t.Fatalf("stored endpoints: %+v", eps)
	}
	if stored, _ := webhookTarget(t, app, eps[0].ID); stored != secret {
		t.Fatal("the page shows another secret than the one that signs")
	}
	p = admin.get("/portal/webhooks").want(t, http.StatusOK)
	if strings.Contains(p.html(), secret) {
		t.Fatal("the list shows the secret again")
	}
	row := p.text(fmt.Sprintf("#webhook-%d", eps[0].ID))
	for _, want := range []string{"https://hooks.globex.example/art28", "admin@globex.example", "active", "2027-03-01"} {
		if !strings.Contains(row, want) {
			t.Errorf("the endpoint's row lacks %q: %q", want, row)
		}
	}
	disable := fmt.Sprintf("/portal/webhooks/%d/disable", eps[0].ID)

	// A member reads, and is refused the forms.
	member := newUIBrowser(t, app)
	member.signIn("member@globex.example", testrig.FixturePassword)
	p = member.get("/portal/webhooks").want(t, http.StatusOK)
	if !strings.Contains(p.text("table.webhooks"), "https://hooks.globex.example/art28") {
		t.Fatalf("the member's list: %q", p.text("main"))
	}
	if n := p.Doc.Find(`main form[method="post"]`).Length(); n != 0 || p.text(".readonly") == "" {
		t.Fatalf("a member is offered %d forms", n)
	}
	before = testrig.ActivityCount(t, app.DB)
	member.submit("/portal/webhooks", url.Values{"url": {"https://member.example/hook"}}).want(t, http.StatusForbidden)
	member.submit(disable, nil).want(t, http.StatusForbidden)
	if len(webhooksOf(t, app, globex)) != 1 || testrig.ActivityCount(t, app.DB) != before {
		t.Fatal("a member changed the endpoints")
	}

	// Another customer's endpoint is not Globex's to disable.
	acmeEP, err := app.Store.Webhooks.CreateWebhook(testrig.As(testrig.Owner), f.Customers["acme"].ID, "https://acme.example/hook")
	if err != nil {
		t.Fatal(err)
	}
	admin.get("/portal/webhooks")
	admin.submit(fmt.Sprintf("/portal/webhooks/%d/disable", acmeEP.ID), nil).want(t, http.StatusNotFound)
	if _, enabled := webhookTarget(t, app, acmeEP.ID); !enabled {
		t.Fatal("Globex's admin disabled Acme's endpoint")
	}
	if strings.Contains(admin.get("/portal/webhooks").html(), "acme.example") {
		t.Fatal("Globex's portal shows Acme's endpoint")
	}

	// The admin disables the endpoint.
	p = admin.submit(disable, nil).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "disabled") || !strings.Contains(p.text(fmt.Sprintf("#webhook-%d", eps[0].ID)), "disabled") ||
		p.Doc.Find(fmt.Sprintf(`form[action=%q]`, disable)).Length() != 0 {
		t.Fatalf("after disabling: %q / %q", p.text(".flash"), p.text("table.webhooks"))
	}
	if _, enabled := webhookTarget(t, app, eps[0].ID); enabled {
		t.Fatal("the endpoint is still enabled")
	}
	admin.submit(disable, nil).want(t, http.StatusNotFound)
}

// Processor staff add and disable a customer's endpoint on its page; a
// read-only user sees the endpoints only.
func TestUICustomerWebhooks(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	globex := f.Customers["globex"].ID
	page := fmt.Sprintf("/customers/%d", globex)

	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := staff.get(page).want(t, http.StatusOK)
	wantCSRF(t, p)
	if p.text("#webhooks-h") != "Webhook endpoints" || p.Doc.Find(fmt.Sprintf(`#webhooks form[action="%s/webhooks"]`, page)).Length() != 1 {
		t.Fatalf("no webhook section with its form:\n%s", p.text("#webhooks"))
	}

	before := testrig.ActivityCount(t, app.DB)
	p = staff.submit(page+"/webhooks", url.Values{"url": {"hooks.globex.example/art28"}}).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#webhooks #err-url"); !strings.Contains(got, "no scheme") {
		t.Fatalf("url error %q", got)
	}
	if p.Doc.Find("#webhooks details[open]").Length() != 1 {
		t.Fatal("the refused form is closed")
	}
	if len(webhooksOf(t, app, globex)) != 0 || testrig.ActivityCount(t, app.DB) != before {
		t.Fatal("a refused endpoint was stored")
	}

	p = staff.submit(page+"/webhooks", url.Values{"url": {"https://hooks.globex.example/art28"}}).want(t, http.StatusOK)
	secret := p.text(".secret")
	if !strings.HasPrefix(secret, "whsec_") || !strings.Contains(p.text("dl.props"), "Globex Inc.") ||
		p.Doc.Find(fmt.Sprintf(`a[href="%s#webhooks"]`, page)).Length() == 0 {
		t.Fatalf("created page: secret %q, %q", secret, p.text("main"))
	}
	eps := webhooksOf(t, app, globex)
	if len(eps) != 1 || eps[0].CreatedBy != testrig.OwnerEmail {
		t.Fatalf("stored endpoints: %+v", eps)
	}
	p = staff.get(page).want(t, http.StatusOK)
	if strings.Contains(p.html(), secret) || !strings.Contains(p.text("#webhooks table"), "https://hooks.globex.example/art28") {
		t.Fatalf("the customer page's endpoints: %q", p.text("#webhooks"))
	}
	if !strings.Contains(p.text("table.activity"), "webhook.create") {
		t.Fatalf("the activity does not show the endpoint: %q", p.text("table.activity"))
	}

	ro := &art28.User{Email: "ro@example.com", Name: "Rita Reader", Role: art28.RoleReadOnly}
	if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), ro, "read-only password, long"); err != nil {
		t.Fatal(err)
	}
	reader := newUIBrowser(t, app)
	reader.signIn(ro.Email, "read-only password, long")
	p = reader.get(page).want(t, http.StatusOK)
	if !strings.Contains(p.text("#webhooks table"), "hooks.globex.example") || p.Doc.Find("#webhooks form").Length() != 0 {
		t.Fatalf("a read-only user's view: %q", p.text("#webhooks"))
	}
	disable := fmt.Sprintf("%s/webhooks/%d/disable", page, eps[0].ID)
	reader.submit(disable, nil).want(t, http.StatusForbidden)

	p = staff.submit(disable, nil).want(t, http.StatusOK)
	if p.URL.Path != page || !strings.Contains(p.text(".flash"), "disabled") || !strings.Contains(p.text("#webhooks table"), "disabled") {
		t.Fatalf("after disabling: %s %q / %q", p.URL, p.text(".flash"), p.text("#webhooks"))
	}
	if _, enabled := webhookTarget(t, app, eps[0].ID); enabled {
		t.Fatal("the endpoint is still enabled")
	}
}

// The delivery record across customers: a sent email and a webhook
// waiting for its retry, filtered by state and channel, made due by
// "Retry now"; customer staff cannot see it.
func TestUIDeliveries(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	var ep *art28.WebhookEndpoint
	fx := newNoticeFixture(t, app, false, func(f *testrig.Fixtures) {
		var err error
		if ep, err = app.Store.Webhooks.CreateWebhook(testrig.As(testrig.Owner), f.Customers["globex"].ID, "https://hooks.globex.example/art28"); err != nil {
			t.Fatal(err)
		}
	})
	ctx := context.Background()
	email, err := app.DB.ClaimDeliveries(ctx, art28.ChannelEmail, 10, time.Minute)
	if err != nil || len(email) != 1 {
		t.Fatalf("email deliveries: %v %+v", err, email)
	}
	if err := app.DB.MarkSent(ctx, email[0].ID); err != nil {
		t.Fatal(err)
	}
	hooks, err := app.DB.ClaimDeliveries(ctx, art28.ChannelWebhook, 10, time.Minute)
	if err != nil || len(hooks) != 1 {
		t.Fatalf("webhook deliveries: %v %+v", err, hooks)
	}
	later := app.Clock.Now().Add(time.Hour)
	if err := app.DB.MarkFailed(ctx, hooks[0].ID, "HTTP 503 Service Unavailable", &later); err != nil {
		t.Fatal(err)
	}

	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := staff.get("/deliveries").want(t, http.StatusOK)
	wantCSRF(t, p)
	if p.text("main h1") != "Deliveries" || p.Doc.Find(`header nav a[href="/deliveries"][aria-current]`).Length() != 1 {
		t.Fatalf("h1 %q, or not marked in the nav", p.text("main h1"))
	}
	rows := p.Doc.Find("table.deliveries tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("%d rows:\n%s", rows.Length(), p.text("main"))
	}
	noticeLink := fmt.Sprintf(`a[href="/notices/%d"]`, fx.Notice.ID)
	mail := p.Doc.Find(fmt.Sprintf("#delivery-%d", email[0].ID))
	for _, want := range []string{"Globex Inc.", "DPO of Globex Inc.", "dpo@globex.example", "email", "sent", "2027-03-01"} {
		if !strings.Contains(mail.Text(), want) {
			t.Errorf("the email's row lacks %q: %q", want, mail.Text())
		}
	}
	hook := p.Doc.Find(fmt.Sprintf("#delivery-%d", hooks[0].ID))
	for _, want := range []string{fmt.Sprintf("endpoint #%d", ep.ID), "https://hooks.globex.example/art28", "webhook", "pending",
		"HTTP 503", "2027-03-01 10:00 UTC", "not yet"} {
		if !strings.Contains(hook.Text(), want) {
			t.Errorf("the webhook's row lacks %q: %q", want, hook.Text())
		}
	}
	if mail.Find(noticeLink).Length() != 1 || hook.Find(noticeLink).Length() != 1 {
		t.Error("a row does not link its notice")
	}
	staff.get(fmt.Sprintf("/notices/%d", fx.Notice.ID)).want(t, http.StatusOK)

	for query, want := range map[string]int64{
		"?state=pending": hooks[0].ID, "?state=sent": email[0].ID, "?channel=webhook": hooks[0].ID, "?channel=email": email[0].ID,
		"?state=pending&channel=webhook": hooks[0].ID,
	} {
		p := staff.get("/deliveries"+query).want(t, http.StatusOK)
		rows := p.Doc.Find("table.deliveries tbody tr")
		if rows.Length() != 1 || rows.AttrOr("id", "") != fmt.Sprintf("delivery-%d", want) {
			t.Errorf("%s: rows %q", query, p.text("table.deliveries tbody"))
		}
	}
	// From a customer's page, its webhook deliveries only.
	globex, acme := fx.Customers["globex"].ID, fx.Customers["acme"].ID
	link := fmt.Sprintf("/deliveries?customer_id=%d&channel=webhook", globex)
	if staff.get(fmt.Sprintf("/customers/%d", globex)).Doc.Find(fmt.Sprintf(`#webhooks a[href=%q]`, link)).Length() != 1 {
		t.Fatal("the customer page does not link its webhook deliveries")
	}
	p = staff.get(link).want(t, http.StatusOK)
	if rows := p.Doc.Find("table.deliveries tbody tr"); rows.Length() != 1 || !strings.Contains(p.text("main > .notice"), "Globex Inc.") {
		t.Fatalf("Globex's webhook deliveries: %q / %q", p.text("main > .notice"), p.text("table.deliveries tbody"))
	}
	p = staff.get(fmt.Sprintf("/deliveries?customer_id=%d", acme)).want(t, http.StatusOK)
	if p.Doc.Find("table.deliveries").Length() != 0 || !strings.Contains(p.text("main > .notice"), "Acme GmbH") {
		t.Fatalf("Acme's deliveries: %q", p.text("main"))
	}
	staff.get("/deliveries?customer_id=abc").want(t, http.StatusUnprocessableEntity)
	staff.get("/deliveries?customer_id=999").want(t, http.StatusNotFound)

	p = staff.get("/deliveries?state=failed").want(t, http.StatusOK)
	if p.Doc.Find("table.deliveries").Length() != 0 || !strings.Contains(p.text(".empty"), "No delivery matches") {
		t.Fatalf("failed: %q", p.text("main"))
	}
	if p.Doc.Find(`select[name="state"] option[value="failed"][selected]`).Length() != 1 {
		t.Fatal("the filter does not keep its state")
	}

	// Retry now makes the webhook due at once, and comes back to the filter.
	p = staff.get("/deliveries?state=pending").want(t, http.StatusOK)
	if p.Doc.Find(`form[action="/deliveries/retry"] input[name="state"][value="pending"]`).Length() != 1 {
		t.Fatal("no Retry now form keeping the filter")
	}
	p = staff.submit("/deliveries/retry", url.Values{"state": {"pending"}}).want(t, http.StatusOK)
	if got := p.text(".flash"); !strings.Contains(got, "1 pending delivery is due now") || p.URL.Query().Get("state") != "pending" {
		t.Fatalf("after Retry now: %s %q", p.URL, got)
	}
	if got := p.text(fmt.Sprintf("#delivery-%d", hooks[0].ID)); !strings.Contains(got, "2027-03-01 09:00 UTC") {
		t.Fatalf("the webhook's next attempt: %q", got)
	}
	due, err := app.DB.ClaimDeliveries(ctx, art28.ChannelWebhook, 10, time.Minute)
	if err != nil || len(due) != 1 {
		t.Fatalf("the retried webhook is not due: %v %+v", err, due)
	}
	p = staff.submit("/deliveries/retry", nil).want(t, http.StatusOK)
	if got := p.text(".flash"); !strings.Contains(got, "nothing to retry") {
		t.Fatalf("a second Retry now: %q", got)
	}

	// A read-only user reads the record but may not retry.
	ro := &art28.User{Email: "ro@example.com", Name: "Rita Reader", Role: art28.RoleReadOnly}
	if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), ro, "read-only password, long"); err != nil {
		t.Fatal(err)
	}
	reader := newUIBrowser(t, app)
	reader.signIn(ro.Email, "read-only password, long")
	p = reader.get("/deliveries").want(t, http.StatusOK)
	if p.Doc.Find("table.deliveries tbody tr").Length() != 2 || p.Doc.Find(`main form[method="post"]`).Length() != 0 {
		t.Fatalf("a read-only user's page: %q", p.text("main"))
	}
	reader.submit("/deliveries/retry", nil).want(t, http.StatusForbidden)

	// Customer staff have their notices' deliveries in the portal, not here.
	customer := newUIBrowser(t, app)
	customer.signIn("admin@globex.example", testrig.FixturePassword)
	customer.get("/deliveries").want(t, http.StatusForbidden)
	customer.get("/portal")
	customer.submit("/deliveries/retry", nil).want(t, http.StatusForbidden)
	if customer.get("/portal").Doc.Find(`a[href="/deliveries"]`).Length() != 0 {
		t.Fatal("the portal links the processor's deliveries")
	}
}

// An objection the customer sent by letter, recorded by staff on the
// notice's page: refused without a reason, refused to a read-only user
// and to customer staff, then recorded in the staff member's name.
func TestUIStaffRecordsObjection(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	fx := newNoticeFixture(t, app, false, nil)
	page := fmt.Sprintf("/notices/%d", fx.Notice.ID)
	object := page + "/object"

	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := staff.get(page).want(t, http.StatusOK)
	wantCSRF(t, p)
	if p.Doc.Find(fmt.Sprintf(`form[action=%q] textarea[name="reason"]`, object)).Length() != 1 ||
		!strings.Contains(p.text("#object summary"), "Record an objection received by letter or email") {
		t.Fatalf("no objection form:\n%s", p.text("main"))
	}
	if p.Doc.Find(fmt.Sprintf(`form[action="%s/consent"]`, page)).Length() != 0 {
		t.Fatal("a consent form on a notice that asks for none")
	}

	ro := &art28.User{Email: "ro@example.com", Name: "Rita Reader", Role: art28.RoleReadOnly}
	if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), ro, "read-only password, long"); err != nil {
		t.Fatal(err)
	}
	reader := newUIBrowser(t, app)
	reader.signIn(ro.Email, "read-only password, long")
	if reader.get(page).Doc.Find(`main form[method="post"]`).Length() != 0 {
		t.Fatal("a read-only user is offered a form")
	}
	customer := newUIBrowser(t, app)
	customer.signIn("admin@globex.example", testrig.FixturePassword)
	customer.get("/portal")

	before := testrig.ActivityCount(t, app.DB)
	p = staff.submit(object, url.Values{"reason": {"  "}}).want(t, http.StatusUnprocessableEntity)
	if got := p.text("#object #err-reason"); got != "is required" || p.Doc.Find("#object[open]").Length() != 1 {
		t.Fatalf("empty reason: %q", got)
	}
	reader.submit(object, url.Values{"reason": {"By letter."}}).want(t, http.StatusForbidden)
	customer.submit(object, url.Values{"reason": {"Through the staff page."}}).want(t, http.StatusForbidden)
	n, err := app.Store.Changes.Notice(testrig.As(testrig.Owner), fx.Notice.ID)
	if err != nil || n.State != art28.NoticeOpen || testrig.ActivityCount(t, app.DB) != before {
		t.Fatalf("a refused objection was stored: %v %+v", err, n)
	}

	reason := "Letter of 2 March 2027: our framework contract excludes new hosts."
	p = staff.submit(object, url.Values{"reason": {reason}}).want(t, http.StatusOK)
	if p.URL.Path != page || !strings.Contains(p.text(".flash"), "objection is recorded") || p.text(".page-head .badge") != "objected" {
		t.Fatalf("after recording: %s %q %q", p.URL, p.text(".flash"), p.text(".page-head"))
	}
	if got := p.text("dl.props"); !strings.Contains(got, "by "+testrig.OwnerEmail) || !strings.Contains(got, reason) {
		t.Fatalf("the notice's record: %q", got)
	}
	if p.Doc.Find(fmt.Sprintf(`form[action="%s/resolve"]`, page)).Length() != 1 || p.Doc.Find("#object").Length() != 0 {
		t.Fatal("after the objection: no resolve form, or still an objection form")
	}
	n, err = app.Store.Changes.Notice(testrig.As(testrig.Owner), fx.Notice.ID)
	if err != nil || n.State != art28.NoticeObjected || n.ObjectedBy != testrig.OwnerEmail || n.Reason != reason {
		t.Fatalf("the stored notice: %v %+v", err, n)
	}
	acts, _, err := app.Store.Activities.Activities(testrig.As(testrig.Owner), art28.ActivityFilter{ObjectType: "notice", ObjectID: fx.Notice.ID})
	if err != nil {
		t.Fatal(err)
	}
	var recorded *art28.Activity
	for _, a := range acts {
		if a.Action == "notice.object" {
			recorded = a
		}
	}
	if recorded == nil || recorded.ActorName != testrig.OwnerEmail || recorded.ActorKind != "user" || recorded.CustomerID != fx.Customers["globex"].ID {
		t.Fatalf("the activity record: %+v", recorded)
	}

	// A second objection is a conflict, shown on the page.
	p = staff.submit(object, url.Values{"reason": {"Again."}}).want(t, http.StatusConflict)
	if got := p.text("main .error"); !strings.Contains(got, "already objected") {
		t.Fatalf("409: %q", got)
	}
}

// A consent the customer sent by email, recorded by staff.
func TestUIStaffRecordsConsent(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	fx := newNoticeFixture(t, app, true, nil)
	page := fmt.Sprintf("/notices/%d", fx.Notice.ID)
	consent := page + "/consent"

	staff := newUIBrowser(t, app)
	staff.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := staff.get(page).want(t, http.StatusOK)
	wantCSRF(t, p)
	form := p.Doc.Find(fmt.Sprintf(`form[action=%q]`, consent))
	if form.Length() != 1 || !strings.Contains(form.Text(), "Record consent received") || !strings.Contains(form.Text(), "G10.3") {
		t.Fatalf("no consent form:\n%s", p.text("main"))
	}

	customer := newUIBrowser(t, app)
	customer.signIn("admin@globex.example", testrig.FixturePassword)
	customer.get("/portal")
	customer.submit(consent, nil).want(t, http.StatusForbidden)

	p = staff.submit(consent, nil).want(t, http.StatusOK)
	if !strings.Contains(p.text(".flash"), "consent is recorded") || p.text(".page-head .badge") != "approved" ||
		p.Doc.Find(fmt.Sprintf(`form[action=%q]`, consent)).Length() != 0 {
		t.Fatalf("after recording: %q %q", p.text(".flash"), p.text(".page-head"))
	}
	acts, _, err := app.Store.Activities.Activities(testrig.As(testrig.Owner), art28.ActivityFilter{ObjectType: "notice", ObjectID: fx.Notice.ID})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range acts {
		found = found || (a.Action == "notice.consent" && a.ActorName == testrig.OwnerEmail)
	}
	if !found {
		t.Fatalf("no consent recorded in the owner's name: %+v", acts)
	}

	p = staff.submit(consent, nil).want(t, http.StatusConflict)
	if got := p.text("main .error"); !strings.Contains(got, "asks for no consent") {
		t.Fatalf("a second consent: %q", got)
	}
}
