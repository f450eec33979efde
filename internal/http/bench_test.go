package http_test

// Benchmarks of the real server against trivial baselines served the same
// way (httptest on loopback, one HTTP client, keep-alive), so that the
// ratio is what matters, not the machine. See docs/performance.md.
//
//	go test -run '^$' -bench . -count 5 ./internal/http/

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/examples"
	"github.com/art28/art28/internal/baseline"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// benchGet sends GET url with the header b.N times and fails on any status
// but 200.
func benchGet(b *testing.B, c *http.Client, url string, h http.Header) {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header = h
	var n int64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		m, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", url, resp.StatusCode)
		}
		n = m
	}
	b.ReportMetric(float64(n), "resp-bytes")
}

// benchGetParallel is benchGet from 8 concurrent clients, like the load
// test: it shows what contention costs.
func benchGetParallel(b *testing.B, c *http.Client, url string, h http.Header) {
	b.Helper()
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = 16
	b.ReportAllocs()
	b.SetParallelism(4) // 4 per GOMAXPROCS: 8 clients on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header = h
		for pb.Next() {
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s: %d", url, resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkAgreementJSON is GET /api/v1/agreements/{id} with an API key,
// through the real server on SQLite.
func BenchmarkAgreementJSON(b *testing.B) {
	app := testrig.NewApp(b, store.SQLite)
	f := testrig.Seed(b, app.DB)
	secret, err := app.Store.APIKeys.CreateAPIKey(testrig.As(testrig.Owner),
		&art28.APIKey{Name: "bench", Role: art28.RoleReadOnly})
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{"Authorization": {"Bearer " + secret}, "Accept": {"application/json"}}
	url := fmt.Sprintf("%s/api/v1/agreements/%d", app.HTTP.URL, f.Agreements["globex"].ID)
	b.Run("serial", func(b *testing.B) { benchGet(b, app.HTTP.Client(), url, h) })
	b.Run("parallel", func(b *testing.B) { benchGetParallel(b, app.HTTP.Client(), url, h) })
}

// BenchmarkTrivialJSON is the baseline of BenchmarkAgreementJSON: a handler
// that JSON-encodes a small struct, served by httptest the same way.
func BenchmarkTrivialJSON(b *testing.B) {
	hs := httptest.NewServer(baseline.TrivialJSON())
	defer hs.Close()
	h := http.Header{"Accept": {"application/json"}}
	b.Run("serial", func(b *testing.B) { benchGet(b, hs.Client(), hs.URL+"/", h) })
	b.Run("parallel", func(b *testing.B) { benchGetParallel(b, hs.Client(), hs.URL+"/", h) })
}

// benchCustomers is the 50 customers both page benchmarks show.
var benchCustomers struct {
	once sync.Once
	list []*art28.Customer
}

func fiftyCustomers(b *testing.B, app *testrig.App) []*art28.Customer {
	b.Helper()
	ctx := testrig.As(testrig.Owner)
	countries := []string{"DE", "FR", "NL", "SE", "IT", "IE", "US"}
	for i := range 50 {
		c := &art28.Customer{LegalName: fmt.Sprintf("Customer %02d GmbH", i), Address: "Street 1, City",
			Country: countries[i%len(countries)], EUEstablished: i%len(countries) != 6, Role: art28.CustomerController}
		if err := app.Store.Customers.CreateCustomer(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	list, total, err := app.Store.Customers.Customers(ctx, art28.CustomerFilter{Page: art28.Page{Limit: 50}})
	if err != nil || total != 50 || len(list) != 50 {
		b.Fatalf("customers: %d/%d, %v", len(list), total, err)
	}
	return list
}

// BenchmarkCustomersPage is GET /customers (50 rows) signed in, through the
// real server on SQLite.
func BenchmarkCustomersPage(b *testing.B) {
	app := testrig.NewApp(b, store.SQLite)
	fiftyCustomers(b, app)
	body := strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, testrig.OwnerEmail, testrig.OwnerPassword))
	resp, err := app.HTTP.Client().Post(app.HTTP.URL+"/api/v1/session", "application/json", body)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == "art28_session" {
			cookie = c.String()
		}
	}
	if resp.StatusCode != http.StatusCreated || cookie == "" {
		b.Fatalf("sign in: %d, cookie %q", resp.StatusCode, cookie)
	}
	benchGet(b, app.HTTP.Client(), app.HTTP.URL+"/customers", http.Header{"Cookie": {cookie}})
}

// BenchmarkBareTemplate is the baseline of BenchmarkCustomersPage: the same
// 50 rows, from memory, rendered by html/template and served by httptest.
func BenchmarkBareTemplate(b *testing.B) {
	benchCustomers.once.Do(func() {
		app := testrig.NewApp(b, store.SQLite)
		benchCustomers.list = fiftyCustomers(b, app)
	})
	list := benchCustomers.list
	hs := httptest.NewServer(baseline.CustomersPage(list))
	defer hs.Close()
	benchGet(b, hs.Client(), hs.URL+"/", nil)
}

// BenchmarkBareTemplateDiscard renders the bare table into io.Discard, with
// no HTTP at all: the floor of both page benchmarks.
func BenchmarkBareTemplateDiscard(b *testing.B) {
	benchCustomers.once.Do(func() {
		app := testrig.NewApp(b, store.SQLite)
		benchCustomers.list = fiftyCustomers(b, app)
	})
	list := benchCustomers.list
	b.ReportAllocs()
	for b.Loop() {
		if err := baseline.CustomersTable.Execute(io.Discard, list); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransferCheck is GET /api/v1/transfer-check with an API key,
// through the real server on SQLite, for an agreement under the Genz terms
// and a sub-processor announced to it: the agreement, its terms (parsed
// once, then cached), the sub-processor and the latest notice are read on
// every request. Its baseline is BenchmarkTrivialJSON.
func BenchmarkTransferCheck(b *testing.B) {
	app := testrig.NewApp(b, store.SQLite)
	f := testrig.Seed(b, app.DB)
	ctx := testrig.As(testrig.Owner)
	genz, err := examples.Terms.ReadFile("genz-saas-v1.yaml")
	if err != nil {
		b.Fatal(err)
	}
	v, _, err := app.Store.Terms.ImportTerms(ctx, "dpa-standard", art28.TermsImport{Content: string(genz)})
	if err != nil {
		b.Fatal(err)
	}
	globex := f.Agreements["globex"]
	if _, err := app.Store.Terms.SetAgreementTerms(ctx, globex.ID, v.ID, ""); err != nil {
		b.Fatal(err)
	}
	sp := &art28.Subprocessor{Name: "Hosting GmbH", Country: "DE", Purpose: "hosting", ServiceIDs: []int64{f.Services["hosting"].ID}}
	if err := app.Store.Subprocessors.CreateSubprocessor(ctx, sp); err != nil {
		b.Fatal(err)
	}
	if _, err := app.Store.Changes.Announce(ctx, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "A host."}); err != nil {
		b.Fatal(err)
	}
	secret, err := app.Store.APIKeys.CreateAPIKey(ctx, &art28.APIKey{Name: "bench", Role: art28.RoleReadOnly})
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{"Authorization": {"Bearer " + secret}, "Accept": {"application/json"}}
	url := fmt.Sprintf("%s/api/v1/transfer-check?agreement=%d&subprocessor=%d", app.HTTP.URL, globex.ID, sp.ID)
	b.Run("serial", func(b *testing.B) { benchGet(b, app.HTTP.Client(), url, h) })
	b.Run("parallel", func(b *testing.B) { benchGetParallel(b, app.HTTP.Client(), url, h) })
}
