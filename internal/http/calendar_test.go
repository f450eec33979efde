package http_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// The feed of duties at a secret address, read by an iCalendar parser the
// project did not write; a customer's feed holds its own duties only.
func TestCalendarFeed(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	f := testrig.Seed(t, app.DB)
	now := app.Clock.Now()
	po := testrig.As(testrig.PrivacyOfficer)
	for _, c := range []*art28.Customer{f.Customers["acme"], f.Customers["globex"]} {
		d := &art28.Duty{Kind: "subprocessor.objection_window", Title: "Objection window, " + c.LegalName + "; with a comma, too",
			CustomerID: c.ID, ClauseIDs: []string{"G9.1"}, OpenedAt: now, DueAt: now.Add(48 * time.Hour)}
		if err := app.Store.Duties.OpenDuty(po, d); err != nil {
			t.Fatal(err)
		}
	}
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := b.submit("/calendar", url.Values{}).want(t, http.StatusOK)
	feedURL := p.text("#calendar-url")
	if !strings.Contains(feedURL, "/calendar/") {
		t.Fatalf("no feed address shown: %q", feedURL)
	}
	u, _ := url.Parse(feedURL)
	read := func(path string) (*ics.Calendar, int) {
		t.Helper()
		res, err := http.Get(app.HTTP.URL + path) // no cookie: the address is the credential
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			return nil, res.StatusCode
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %q", ct)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(body)))
		if err != nil {
			t.Fatalf("not iCalendar: %v\n%s", err, body)
		}
		return cal, res.StatusCode
	}
	cal, _ := read(u.Path)
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("the owner's feed has %d events, want 2", len(events))
	}
	summary := events[0].GetProperty(ics.ComponentPropertySummary).Value
	end, err := events[0].GetEndAt()
	if err != nil || !end.Equal(now.Add(48*time.Hour)) || !strings.HasPrefix(summary, "Due: Objection window") {
		t.Fatalf("event: summary %q, end %v (%v)", summary, end, err)
	}

	// A new address retires the old one.
	b.submit("/calendar", url.Values{}).want(t, http.StatusOK)
	if _, status := read(u.Path); status != http.StatusNotFound {
		t.Fatalf("the old address answers %d", status)
	}
	if _, status := read("/calendar/not-a-token.ics"); status != http.StatusNotFound {
		t.Fatalf("a made-up address answers %d", status)
	}

	// A customer's member sees its own customer's duties only.
	member := &art28.User{Email: "m@acme.example", Name: "M", Role: art28.RoleCustomerMember, CustomerID: f.Customers["acme"].ID}
	if err := app.Store.Users.CreateUser(testrig.As(testrig.Owner), member, "member password long"); err != nil {
		t.Fatal(err)
	}
	cb := newUIBrowser(t, app)
	cb.signIn(member.Email, "member password long")
	mu, _ := url.Parse(cb.submit("/calendar", url.Values{}).want(t, http.StatusOK).text("#calendar-url"))
	mcal, _ := read(mu.Path)
	if ev := mcal.Events(); len(ev) != 1 || !strings.Contains(ev[0].GetProperty(ics.ComponentPropertySummary).Value, "Acme") {
		t.Fatalf("the member's feed: %d events", len(ev))
	}
}

func TestCalendarLinkInHeader(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite)
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	if b.get("/dashboard").want(t, http.StatusOK).Doc.Find(`header a[href="/calendar"]`).Length() != 1 {
		t.Fatal("no link to the calendar page in the header")
	}
}
