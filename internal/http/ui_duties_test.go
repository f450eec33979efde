package http_test

import (
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

// The dashboard sorts open duties into overdue, today, this week and
// later; a duty's page closes it.
func TestUIDutiesTimeline(t *testing.T) {
	app := testrig.NewApp(t, store.SQLite) // clock: 2027-03-01 09:00 UTC
	f := testrig.Seed(t, app.DB)
	now := app.Clock.Now()
	po := testrig.As(testrig.PrivacyOfficer)
	duties := map[string]time.Duration{"late": -2 * time.Hour, "today": 5 * time.Hour, "week": 3 * 24 * time.Hour, "later": 30 * 24 * time.Hour}
	ids := map[string]int64{}
	for name, in := range duties {
		d := &art28.Duty{Kind: "test", Title: "Duty " + name, CustomerID: f.Customers["acme"].ID,
			OpenedAt: now.Add(-24 * time.Hour), DueAt: now.Add(in)}
		if err := app.Store.Duties.OpenDuty(po, d); err != nil {
			t.Fatal(err)
		}
		ids[name] = d.ID
	}
	b := newUIBrowser(t, app)
	b.signIn(testrig.OwnerEmail, testrig.OwnerPassword)
	p := b.get("/dashboard").want(t, http.StatusOK)
	for lane, title := range map[string]string{"overdue": "Duty late", "today": "Duty today", "week": "Duty week", "later": "Duty later"} {
		if got := p.text(".lane." + lane + " .duty .title"); got != title {
			t.Errorf("lane %s shows %q, want %q", lane, got, title)
		}
	}
	page := fmt.Sprintf("/duties/%d", ids["late"])
	if got := b.get(page).want(t, http.StatusOK).text("main .badge"); got != "overdue" {
		t.Errorf("late duty badge %q", got)
	}
	p = b.submit(page+"/close", url.Values{"state": {"waived"}, "reason": {" "}}).want(t, http.StatusUnprocessableEntity)
	if p.text("#err-reason") == "" {
		t.Fatal("no message by the reason field")
	}
	p = b.submit(page+"/close", url.Values{"state": {"waived"}, "reason": {"The change was withdrawn."}}).want(t, http.StatusOK)
	if !strings.Contains(p.text("dl.props"), "The change was withdrawn.") {
		t.Fatalf("waived duty page: %s", p.text("dl.props"))
	}
	if got := b.get("/dashboard").want(t, http.StatusOK).text(".lane.overdue .duty"); got != "" {
		t.Fatalf("a waived duty is still in the overdue lane: %q", got)
	}
}
