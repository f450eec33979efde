package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/testrig"
)

// apiClient calls the API of a test App as one actor: an API key, a
// session (cookie and CSRF token), or nobody.
type apiClient struct {
	t       testing.TB
	app     *testrig.App
	bearer  string // API key secret
	session string // session cookie value
	csrf    string // X-CSRF-Token sent with the session on unsafe methods

	// observe, when set, sees every exchange, with both bodies readable
	// again; badInput tells it the request is meant to break the document.
	observe func(req *http.Request, resp *http.Response, badInput bool)
}

// apiResp is an answer, read in full.
type apiResp struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
}

func (r apiResp) String() string {
	return fmt.Sprintf("%s %s -> %d %s", r.Method, r.Path, r.Status, bytes.TrimSpace(r.Body))
}

func newClient(t testing.TB, app *testrig.App) *apiClient { return &apiClient{t: t, app: app} }

// withKey returns a client that authenticates with the API key secret.
func (c *apiClient) withKey(secret string) *apiClient {
	d := *c
	d.bearer, d.session, d.csrf = secret, "", ""
	return &d
}

// anonymous returns a client without credentials.
func (c *apiClient) anonymous() *apiClient {
	d := *c
	d.bearer, d.session, d.csrf = "", "", ""
	return &d
}

// bodyBytes encodes a request body: nil for none, []byte and string as
// they are, anything else as JSON.
func bodyBytes(t testing.TB, body any) []byte {
	switch b := body.(type) {
	case nil:
		return nil
	case []byte:
		return b
	case string:
		return []byte(b)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *apiClient) newRequest(method, path string, body []byte, header http.Header) *http.Request {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.app.HTTP.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = append([]string(nil), v...)
	}
	return req
}

func (c *apiClient) header(method string, body []byte) http.Header {
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Accept", "application/json")
	if c.bearer != "" {
		h.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.session != "" {
		h.Set("Cookie", (&http.Cookie{Name: "art28_session", Value: c.session}).String())
		if method != http.MethodGet && c.csrf != "" {
			h.Set("X-CSRF-Token", c.csrf)
		}
	}
	return h
}

// call sends a request; the body is encoded by bodyBytes.
func (c *apiClient) call(method, path string, body any) apiResp {
	c.t.Helper()
	b := bodyBytes(c.t, body)
	return c.send(method, path, b, c.header(method, b), false)
}

// callCSV sends a CSV body.
func (c *apiClient) callCSV(method, path, csv string) apiResp {
	c.t.Helper()
	b := []byte(csv)
	h := c.header(method, b)
	h.Set("Content-Type", "text/csv")
	return c.send(method, path, b, h, false)
}

// callBad is call for a request meant to break the API document (a wrong
// type, a missing field, no credentials).
func (c *apiClient) callBad(method, path string, body any) apiResp {
	c.t.Helper()
	b := bodyBytes(c.t, body)
	return c.send(method, path, b, c.header(method, b), true)
}

func (c *apiClient) send(method, path string, body []byte, h http.Header, bad bool) apiResp {
	c.t.Helper()
	resp, err := c.app.HTTP.Client().Do(c.newRequest(method, path, body, h))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := apiResp{Method: method, Path: path, Status: resp.StatusCode, Header: resp.Header, Body: rb}
	if r.Status >= 500 {
		c.t.Errorf("server error: %s", r)
	}
	if c.observe != nil {
		req := c.newRequest(method, path, body, h)
		resp.Body = io.NopCloser(bytes.NewReader(rb))
		resp.Request = req
		c.observe(req, resp, bad)
	}
	return r
}

// want fails the test unless the answer has the status.
func (r apiResp) want(t testing.TB, status int) apiResp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: want %d", r, status)
	}
	return r
}

// wantError checks an error answer: its status, code and field.
func (r apiResp) wantError(t testing.TB, status int, code, field string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: want %d %s (field %q)", r, status, code, field)
		return
	}
	var e struct {
		Error struct {
			Code, Message, Field string
		}
	}
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Errorf("%s: not an error body: %v", r, err)
		return
	}
	if e.Error.Code != code || e.Error.Field != field || e.Error.Message == "" {
		t.Errorf("%s: want code %q field %q", r, code, field)
	}
}

// decodeAs reads the JSON body of an answer.
func decodeAs[T any](t testing.TB, r apiResp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%s: %v", r, err)
	}
	return v
}

// list is the envelope of every list.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// signIn starts a session through the API and returns a client using it.
func (c *apiClient) signIn(email, password string) *apiClient {
	c.t.Helper()
	r := c.anonymous().call(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": password}).want(c.t, http.StatusCreated)
	d := c.anonymous()
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == "art28_session" {
			d.session = ck.Value
		}
	}
	if d.session == "" {
		c.t.Fatalf("%s: no session cookie", r)
	}
	s := decodeAs[struct {
		CSRFToken string `json:"csrf_token"`
	}](c.t, r)
	if s.CSRFToken == "" {
		c.t.Fatalf("%s: no csrf_token", r)
	}
	d.csrf = s.CSRFToken
	return d
}

// ownerKey creates an API key with the role through the store, acting as
// the owner, and returns its secret.
func ownerKey(t testing.TB, app *testrig.App, name string, role art28.Role, customerID int64) (*art28.APIKey, string) {
	t.Helper()
	k := &art28.APIKey{Name: name, Role: role, CustomerID: customerID}
	secret, err := app.Store.APIKeys.CreateAPIKey(testrig.As(testrig.Owner), k)
	if err != nil {
		t.Fatal(err)
	}
	return k, secret
}

// activityTotal is the number of activity entries, read as the owner: a
// request that writes anything adds at least one.
func activityTotal(t testing.TB, app *testrig.App) int {
	t.Helper()
	_, n, err := app.Store.Activities.Activities(testrig.As(testrig.Owner), art28.ActivityFilter{Page: art28.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// path builds a path from a format and IDs.
func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// hasPrefixAPI reports whether a route pattern is an API route.
func hasPrefixAPI(pattern string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(p, "/api/v1/")
}
