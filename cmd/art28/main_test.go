package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/art28/art28"
	"github.com/art28/art28/internal/smtpsink"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28/internal/demo"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// startMain runs the real wiring on port 0 with a fresh database.
func startMain(t *testing.T, cfg *Config) (*Main, *bytes.Buffer) {
	t.Helper()
	var out, logs bytes.Buffer
	m := NewMain(cfg, &out, &logs)
	if err := m.Run(context.Background()); err != nil {
		m.Close(context.Background())
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	return m, &out
}

func testConfig(t *testing.T, args ...string) *Config {
	t.Helper()
	cfg, err := parseConfig("test", append([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestMainServesDemoEndToEnd(t *testing.T) {
	m, out := startMain(t, testConfig(t, "--demo"))
	base := "http://" + m.Addr()
	if !strings.Contains(out.String(), "owner@processor.example") || !strings.Contains(out.String(), demo.Password) {
		t.Fatalf("demo credentials not printed:\n%s", out)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(base + path)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", path, err, res)
		}
		res.Body.Close()
	}
	body, _ := json.Marshal(map[string]string{"email": "owner@processor.example", "password": demo.Password})
	res, err := http.Post(base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("sign in: %v %v", err, res)
	}
	var sess struct {
		CSRFToken string `json:"csrf_token"`
	}
	json.NewDecoder(res.Body).Decode(&sess)
	res.Body.Close()
	cookie := res.Cookies()
	req, _ := http.NewRequest("GET", base+"/api/v1/customers?limit=5", nil)
	for _, c := range cookie {
		req.AddCookie(c)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("customers: %v %v", err, res)
	}
	var list struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	if list.Total < 30 || len(list.Items) != 5 {
		t.Fatalf("demo customers: total %d, page %d", list.Total, len(list.Items))
	}
	// Every demo agreement has its template's terms (the seed terms files).
	req, _ = http.NewRequest("GET", base+"/api/v1/agreements/1/terms", nil)
	for _, c := range cookie {
		req.AddCookie(c)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("agreement terms: %v %v", err, res)
	}
	var eff struct {
		Version *struct {
			TermsID string `json:"terms"`
		} `json:"version"`
	}
	json.NewDecoder(res.Body).Decode(&eff)
	res.Body.Close()
	if eff.Version == nil || eff.Version.TermsID != "lenoit-backup-v1" {
		t.Fatalf("demo agreement 1 terms: %+v", eff.Version)
	}
	// The demo carries open duties, computed from the agreements' terms.
	req, _ = http.NewRequest("GET", base+"/api/v1/duties?state=open", nil)
	for _, c := range cookie {
		req.AddCookie(c)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("duties: %v %v", err, res)
	}
	var duties struct {
		Total int `json:"total"`
		Items []struct {
			Kind string `json:"kind"`
		} `json:"items"`
	}
	json.NewDecoder(res.Body).Decode(&duties)
	res.Body.Close()
	kinds := map[string]bool{}
	for _, d := range duties.Items {
		kinds[d.Kind] = true
	}
	if duties.Total < 6 || len(kinds) < 3 {
		t.Fatalf("demo duties: %d of kinds %v", duties.Total, kinds)
	}
	res, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"art28_http_requests_total", `route="GET /api/v1/customers"`, "art28_db_connections_open", "art28_jobs{"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Shutdown is ordered and idempotent.
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func TestMainFirstRunToken(t *testing.T) {
	m, out := startMain(t, testConfig(t))
	if m.FirstRunToken == "" || !strings.Contains(out.String(), "/setup?token="+m.FirstRunToken) {
		t.Fatalf("no first-run token printed:\n%s", out)
	}
}

func TestMainRefusesPostgresSchemaBehind(t *testing.T) {
	dsn := testrig.PostgresDSN(t)
	var logs bytes.Buffer
	m := NewMain(testConfig(t, "--database-url", dsn), io.Discard, &logs)
	err := m.Run(context.Background())
	m.Close(context.Background())
	if err == nil || !strings.Contains(err.Error(), "art28 migrate") {
		t.Fatalf("want a refusal naming art28 migrate, got %v", err)
	}
	m2, _ := startMain(t, testConfig(t, "--database-url", dsn, "--migrate"))
	if m2.DB.Dialect() != store.Postgres {
		t.Fatal("not on PostgreSQL")
	}
	res, err := http.Get("http://" + m2.Addr() + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", err, res)
	}
}

func TestConfigValidationAndRedaction(t *testing.T) {
	env := func(k string) string {
		if k == "ART28_DATABASE_URL" {
			return "postgres://art28:s3cret@db.internal:5432/art28"
		}
		return ""
	}
	cfg, err := parseConfig("serve", nil, env)
	if err != nil {
		t.Fatal(err)
	}
	red := cfg.Redacted()
	for i := 0; i < len(red); i += 2 {
		if strings.Contains(fmtAny(red[i+1]), "s3cret") {
			t.Fatalf("secret in log: %v", red)
		}
	}
	if cfg.SecureCookies {
		t.Fatal("loopback default should not force Secure cookies")
	}
	_, err = parseConfig("serve", []string{"--addr", "nonsense", "--workers", "0", "--database-url", "mysql://x"}, func(string) string { return "" })
	for _, want := range []string{"--addr", "--workers", "--database-url"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want an error naming %s, got %v", want, err)
		}
	}
}

func fmtAny(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestMainDemoRestartPrintsSameSignIns(t *testing.T) {
	cfg := testConfig(t, "--demo")
	m, first := startMain(t, cfg)
	m.Close(context.Background())
	_, second := startMain(t, cfg)
	for _, email := range []string{"owner@processor.example", "readonly@processor.example", "admin@alder-logistics.example", "member@birch-logistics.example"} {
		if !strings.Contains(first.String(), email) || !strings.Contains(second.String(), email) {
			t.Errorf("%s missing from the sign-ins printed:\nfirst:\n%s\nsecond:\n%s", email, first, second)
		}
	}
}

func TestUserCreateCommand(t *testing.T) {
	dir := t.TempDir()
	old := getenv
	t.Cleanup(func() { getenv = old })
	getenv = func(k string) string {
		if k == "ART28_PASSWORD" {
			return "a long enough password"
		}
		return ""
	}
	var out bytes.Buffer
	ctx := context.Background()
	err := run(ctx, []string{"user", "create", "--email", "ops@example.com", "--name", "Ops", "--role", "operator", "--data", dir}, strings.NewReader(""), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "first user must be an owner") {
		t.Fatalf("want the first user refused unless owner, got %v", err)
	}
	if err := run(ctx, []string{"user", "create", "--email", "boss@example.com", "--name", "Boss", "--data", dir}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"user", "create", "--email", "not-an-email", "--name", "X", "--role", "operator", "--data", dir}, strings.NewReader(""), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "email:") {
		t.Fatalf("want an error naming the email field, got %v", err)
	}
	if err := run(ctx, []string{"user", "create", "--email", "ops@example.com", "--name", "Ops", "--role", "operator", "--data", dir}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "created owner boss@example.com") || !strings.Contains(out.String(), "created operator ops@example.com") {
		t.Fatalf("output: %s", out.String())
	}
}

func TestConfigReminders(t *testing.T) {
	none := func(string) string { return "" }
	cfg, err := parseConfig("serve", nil, none)
	if err != nil || len(cfg.Reminders.At) != 3 || cfg.Reminders.At[2] != 1 || cfg.Reminders.Escalate != 24*time.Hour {
		t.Fatalf("defaults: %v %+v", err, cfg.Reminders)
	}
	for _, bad := range [][]string{{"--duty-reminders", "50"}, {"--duty-reminders", "150%"}, {"--duty-escalation", "5s"}} {
		if _, err := parseConfig("serve", bad, none); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: want an error naming the flag, got %v", bad, err)
		}
	}
}

// The demo announces a new sub-processor to every running agreement; with
// an SMTP server configured, `serve` delivers those notices through the
// outbox, each once, and records them sent.
func TestServeDeliversNotices(t *testing.T) {
	sink, err := smtpsink.Start("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	m, _ := startMain(t, testConfig(t, "--demo", "--smtp-addr", sink.Addr, "--smtp-starttls", "off",
		"--mail-from", "Privacy <privacy@processor.example>"))
	ctx := art28.NewContext(context.Background(), art28.SystemActor)
	deadline := time.Now().Add(20 * time.Second)
	for {
		pending := art28.DeliveryPending
		_, n, err := store.NewDeliveries(m.DB).Deliveries(ctx, art28.DeliveryFilter{State: &pending})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still pending", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	sent := art28.DeliverySent
	_, total, err := store.NewDeliveries(m.DB).Deliveries(ctx, art28.DeliveryFilter{State: &sent})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || sink.Count() != total {
		t.Fatalf("%d deliveries sent, the server got %d messages", total, sink.Count())
	}
	seen := map[string]bool{}
	for _, msg := range sink.Messages() {
		if seen[msg.MessageID] {
			t.Fatalf("Message-ID %s twice", msg.MessageID)
		}
		seen[msg.MessageID] = true
	}
}
