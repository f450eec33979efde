package http_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	web "github.com/art28/art28/internal/http"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestFirstRunSetup(t *testing.T) {
	db := testrig.OpenDB(t, store.SQLite)
	all := store.All(db)
	srv := web.New(web.Services{Processor: all.Processor, Services: all.Services, Customers: all.Customers,
		Agreements: all.Agreements, Users: all.Users, APIKeys: all.APIKeys, Activities: all.Activities, Terms: all.Terms, Duties: all.Duties},
		web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), FirstRunToken: "s3cr3t-token"})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(form url.Values) *http.Response {
		t.Helper()
		res, err := noRedirect.PostForm(hs.URL+"/setup", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res, _ := http.Get(hs.URL + "/setup?token=wrong"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("wrong token: %d", res.StatusCode)
	}
	if res, _ := http.Get(hs.URL + "/setup?token=s3cr3t-token"); res.StatusCode != http.StatusOK {
		t.Fatalf("setup form: %d", res.StatusCode)
	}
	if res := post(url.Values{"token": {"wrong"}, "email": {"a@b.example"}, "name": {"A"}, "password": {"long enough password"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("post with a wrong token: %d", res.StatusCode)
	}
	if res := post(url.Values{"token": {"s3cr3t-token"}, "email": {"a@b.example"}, "name": {"A"}, "password": {"short"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	if n, _ := db.UserCount(t.Context()); n != 0 {
		t.Fatalf("a user was created from bad input")
	}
	res := post(url.Values{"token": {"s3cr3t-token"}, "email": {"Owner@B.example"}, "name": {"Owner"}, "password": {"long enough password"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("setup: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if u, err := all.Users.Authenticate(t.Context(), "owner@b.example", "long enough password"); err != nil || u.Role != "owner" {
		t.Fatalf("the first owner cannot sign in: %v %+v", err, u)
	}
	// Once a user exists the page creates no one, token or not.
	if res := post(url.Values{"token": {"s3cr3t-token"}, "email": {"x@b.example"}, "name": {"X"}, "password": {"long enough password"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("second owner: %d", res.StatusCode)
	}
}
