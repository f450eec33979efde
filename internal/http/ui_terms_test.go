package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// A privacy officer imports a template's terms file in the UI, sees its
// clauses, imports a changed version and sees the difference, then sets an
// agreement's terms with an override; the customer sees them in the portal.
func TestUITerms(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	key := f.Templates["dpa-standard"].Key
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)

	p := b.submit("/templates/"+key+"/terms", url.Values{"content": {"terms: x\ntimezone: Mars/Base\n"}}).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(p.text("#err-content"), "timezone") || !strings.Contains(p.Doc.Find(`textarea[name="content"]`).Text(), "Mars/Base") {
		t.Fatalf("a broken file: errors or text lost:\n%s", p.html())
	}
	p = b.submit("/templates/"+key+"/terms", url.Values{"content": {string(genz)}}).want(t, http.StatusOK)
	if got := p.text("main h1"); !strings.HasPrefix(got, "Version 1") || !strings.Contains(p.text("table.terms"), "14 working days") {
		t.Fatalf("version page: %q\n%s", got, p.text("table.terms"))
	}
	changed := strings.Replace(string(genz), "period: 3 months", "period: 6 months", 1)
	legal := "## G9.1 New sub-processors\n\nFourteen working days' notice.<script>alert(1)</script>\n"
	p = b.submit("/templates/"+key+"/terms", url.Values{"content": {changed}, "legal_text": {legal}}).want(t, http.StatusOK)
	if h := p.text("article.legal h2#g91-new-sub-processors"); h != "G9.1 New sub-processors" || p.Doc.Find("article.legal script").Length() != 0 {
		t.Fatalf("legal text rendered as %q, or with its script:\n%s", h, p.html())
	}
	if diff := p.text("table.diff"); !strings.Contains(diff, "clauses.termination_notice.period") || !strings.Contains(diff, "6 months") {
		t.Fatalf("the diff from version 1: %q", diff)
	}
	if rows := b.get("/templates/"+key).want(t, http.StatusOK).Doc.Find("table.versions tbody tr").Length(); rows != 2 {
		t.Fatalf("the template lists %d versions, want 2", rows)
	}

	ag := f.Agreements["acme"]
	versions, _ := app.Store.Terms.TermsVersions(testrig.As(testrig.Owner), key)
	v1 := versions[1]
	termsURL := fmt.Sprintf("/agreements/%d/terms", ag.ID)
	b.get(termsURL).want(t, http.StatusOK)
	p = b.submit(termsURL, url.Values{"version_id": {fmt.Sprint(v1.ID)}, "overrides": {"clauses:\n  subprocessor_notice:\n    period: thirty days\n"}}).
		want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(p.text("pre.error"), "overrides") {
		t.Fatalf("bad override: %q", p.text("pre.error"))
	}
	if _, err := app.Store.Terms.AgreementTerms(testrig.As(testrig.Owner), ag.ID); art28.ErrorCode(err) != art28.ENOTFOUND {
		t.Fatalf("terms were set from bad input: %v", err)
	}
	p = b.submit(termsURL, url.Values{"version_id": {fmt.Sprint(v1.ID)}, "overrides": {"clauses:\n  subprocessor_notice:\n    period: 30 days\n"}}).
		want(t, http.StatusOK)
	table := p.text("table.terms")
	if !strings.Contains(table, "30 days") || !strings.Contains(table, "override") || !strings.Contains(table, "G9.1") {
		t.Fatalf("effective terms: %q", table)
	}

	// The customer's member sees them; another customer's does not.
	member := &art28.User{Email: "m@acme.example", Name: "M", Role: art28.RoleCustomerMember, CustomerID: ag.CustomerID}
	if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), member, "member password long"); err != nil {
		t.Fatal(err)
	}
	cb := newUIBrowser(t, app)
	cb.signIn(member.Email, "member password long")
	if p := cb.get(termsURL).want(t, http.StatusOK); !strings.Contains(p.text("table.terms"), "30 days") || p.Doc.Find(`form[action$="/terms"]`).Length() != 0 {
		t.Fatal("the customer does not see its terms, or may change them")
	}
	// Under the version with a legal text, the customer reads it too.
	if _, err := app.Store.Terms.SetAgreementTerms(testrig.As(testrig.Owner), ag.ID, versions[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	if p := cb.get(termsURL).want(t, http.StatusOK); !strings.Contains(p.text("article.legal"), "Fourteen working days") {
		t.Fatalf("the customer does not see the legal text:\n%s", p.html())
	}
	cb.get(fmt.Sprintf("/agreements/%d/terms", f.Agreements["globex"].ID)).want(t, http.StatusNotFound)
}
