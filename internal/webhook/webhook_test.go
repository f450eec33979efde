package webhook_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/art28/art28/internal/webhook"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

const body = `{"type":"subprocessor.change","data":{"notice":12,"subprocessor":"Nimbus Storage SAS"}}`

func delivery(url string, secrets ...string) webhook.Delivery {
	return webhook.Delivery{URL: url, Secrets: secrets, ID: "msg_notice-12.customer-7", Body: []byte(body)}
}

// TestSendVerifiesWithStandardWebhooks checks the signature with the
// reference Go library of the Standard Webhooks project, as a customer's
// endpoint would.
func TestSendVerifiesWithStandardWebhooks(t *testing.T) {
	secret := webhook.NewSecret()
	verifier, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	var got atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		payload, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		if string(payload) != body {
			t.Errorf("body %q", payload)
		}
		if err := verifier.Verify(payload, r.Header); err != nil {
			t.Errorf("the reference verifier refuses the delivery: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	if err := webhook.NewSender(webhook.Config{}).Send(context.Background(), delivery(srv.URL, secret)); err != nil {
		t.Fatal(err)
	}
	if got.Load() != 1 {
		t.Fatalf("%d verified deliveries, want 1", got.Load())
	}
}

// TestSignMatchesStandardWebhooks compares our signature with the
// reference library's for a fixed instant, and checks that a rotated pair
// of secrets gives two signatures either of which verifies.
func TestSignMatchesStandardWebhooks(t *testing.T) {
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("an example key of thirty-two b.."))
	ts := time.Unix(1_798_000_000, 0)
	ours, err := webhook.Sign(secret, "msg_1", ts, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := standardwebhooks.NewWebhook(secret)
	theirs, err := ref.Sign("msg_1", ts, []byte(body))
	if err != nil || ours != theirs {
		t.Fatalf("ours %q, reference %q (%v)", ours, theirs, err)
	}

	old, current := webhook.NewSecret(), webhook.NewSecret()
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { header = r.Header.Clone() }))
	defer srv.Close()
	if err := webhook.NewSender(webhook.Config{}).Send(context.Background(), delivery(srv.URL, current, old)); err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(header.Get(webhook.HeaderSignature))); n != 2 {
		t.Errorf("%d signatures, want 2", n)
	}
	for _, s := range []string{old, current} {
		v, _ := standardwebhooks.NewWebhook(s)
		if err := v.Verify([]byte(body), header); err != nil {
			t.Errorf("a receiver holding one of the rotated secrets cannot verify: %v", err)
		}
	}
}

func TestSendClassifiesAnswers(t *testing.T) {
	var status atomic.Int32
	var redirected atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		if s := int(status.Load()); s >= 300 && s < 400 {
			http.Redirect(w, r, "/elsewhere", s)
			return
		}
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(int(status.Load()))
		io.WriteString(w, "answer body")
	})
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) { redirected.Store(true) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	s := webhook.NewSender(webhook.Config{})
	secret := webhook.NewSecret()

	for _, c := range []struct {
		status    int
		ok        bool
		permanent bool
	}{
		{200, true, false}, {201, true, false}, {202, true, false}, {204, true, false},
		{400, false, true}, {401, false, true}, {403, false, true}, {404, false, true}, {410, false, true}, {422, false, true},
		{408, false, false}, {429, false, false}, {500, false, false}, {502, false, false}, {503, false, false},
		{301, false, true}, {302, false, true}, {307, false, true}, {308, false, true},
	} {
		status.Store(int32(c.status))
		err := s.Send(context.Background(), delivery(srv.URL+"/hook", secret))
		if c.ok {
			if err != nil {
				t.Errorf("%d: %v", c.status, err)
			}
			continue
		}
		var e *webhook.Error
		if !errors.As(err, &e) || e.Status != c.status {
			t.Errorf("%d: got %v, want a webhook.Error with that status", c.status, err)
			continue
		}
		if webhook.IsPermanent(err) != c.permanent {
			t.Errorf("%d: IsPermanent = %v, want %v (%v)", c.status, !c.permanent, c.permanent, err)
		}
		if (c.status == 429 || c.status == 503) && e.RetryAfter != 2*time.Minute {
			t.Errorf("%d: RetryAfter %v, want 2m", c.status, e.RetryAfter)
		}
	}
	if redirected.Load() {
		t.Error("a redirect was followed")
	}
}

func TestSendNetworkErrorsAreTemporary(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close()
	err := webhook.NewSender(webhook.Config{}).Send(context.Background(), delivery(url, webhook.NewSecret()))
	if err == nil || webhook.IsPermanent(err) {
		t.Fatalf("connection refused: got %v, want a temporary error", err)
	}
}

func TestSendTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	err := webhook.NewSender(webhook.Config{Timeout: 100 * time.Millisecond}).Send(context.Background(), delivery(srv.URL, webhook.NewSecret()))
	if err == nil || webhook.IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow endpoint: got %v, want a temporary timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the timeout took %v", d)
	}
}

func TestSendRefusesBadDeliveries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	s := webhook.NewSender(webhook.Config{})
	good := delivery(srv.URL, webhook.NewSecret())
	for name, spoil := range map[string]func(d *webhook.Delivery){
		"ftp url":    func(d *webhook.Delivery) { d.URL = "ftp://example.org/hook" },
		"no secret":  func(d *webhook.Delivery) { d.Secrets = nil },
		"bad secret": func(d *webhook.Delivery) { d.Secrets = []string{"hunter2"} },
		"short secret": func(d *webhook.Delivery) {
			d.Secrets = []string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("short"))}
		},
		"not json":      func(d *webhook.Delivery) { d.Body = []byte("<xml/>") },
		"no id":         func(d *webhook.Delivery) { d.ID = "" },
		"id line break": func(d *webhook.Delivery) { d.ID = "a\r\nX-Evil: 1" },
	} {
		d := good
		spoil(&d)
		if err := s.Send(context.Background(), d); err == nil || !webhook.IsPermanent(err) {
			t.Errorf("%s: got %v, want a permanent error", name, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d bad deliveries reached the endpoint", hits.Load())
	}
}

func TestValidateURL(t *testing.T) {
	for _, ok := range []string{"https://hooks.customer.example/art28", "http://127.0.0.1:8080/hook?x=1", "HTTPS://Example.org"} {
		if err := webhook.ValidateURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for bad, reason := range map[string]string{
		"":                             "required",
		"hooks.customer.example/art28": "no scheme",
		"ftp://example.org/hook":       "only http and https",
		"javascript:alert(1)":          "only http and https",
		"file:///etc/passwd":           "only http and https",
		"https://":                     "no host",
		"https://user:pw@example.org/": "password",
		"https://example.org/#x":       "fragment",
		"https://example.org:99999/":   "port",
		"http://exa mple.org/":         "not a URL",
	} {
		err := webhook.ValidateURL(bad)
		if err == nil || !strings.HasPrefix(err.Error(), "url: ") || !strings.Contains(err.Error(), reason) {
			t.Errorf("%q: got %v, want an error about %q", bad, err, reason)
		}
	}
}

func TestNewSecret(t *testing.T) {
	a, b := webhook.NewSecret(), webhook.NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") {
		t.Fatalf("secrets %q and %q", a, b)
	}
	key, err := webhook.ParseSecret(a)
	if err != nil || len(key) != 32 {
		t.Fatalf("key of %d bytes (%v)", len(key), err)
	}
}
