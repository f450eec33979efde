// Command art28-load measures a running art28 server on loopback against
// baselines it serves itself (in a child process), in the same run, so that ratios hold on a
// noisy machine. It has three modes:
//
//	art28-load -url URL [-header 'K: V'] [-baseline json|page] [-duration 10s] [-concurrency 8] [-rounds 3]
//	    load URL (loopback only) and, with -baseline, a trivial JSON
//	    handler or a bare html/template page of the same 50 customers
//	    (fetched once from URL's /api/v1/customers), alternating rounds.
//	art28-load -fill N -data DIR
//	    create a migrated SQLite database in DIR with one owner and N
//	    customers, inserted in one transaction.
//	art28-load -startup BIN -data DIR [-runs 3] [-idle 5s]
//	    start `BIN serve --data DIR`, time process start to /readyz 200,
//	    then read the idle RSS from /proc.
//
// See docs/performance.md.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/art28/art28"
	base "github.com/art28/art28/internal/baseline"
	"github.com/art28/art28/internal/store"
	_ "modernc.org/sqlite"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

// maxDuration bounds one load phase.
const maxDuration = 2 * time.Minute

func main() {
	var (
		target      = flag.String("url", "", "URL to load (loopback hosts only)")
		duration    = flag.Duration("duration", 10*time.Second, "duration of each load phase (at most 2m)")
		concurrency = flag.Int("concurrency", 8, "concurrent clients")
		baseline    = flag.String("baseline", "", "also load a baseline served by this tool: json or page")
		rounds      = flag.Int("rounds", 3, "alternating target/baseline rounds, each of -duration")
		fill        = flag.Int("fill", 0, "fill a new SQLite database in -data with N customers")
		data        = flag.String("data", "", "data folder (with -fill or -startup)")
		startup     = flag.String("startup", "", "art28 binary to start with `serve --data DIR` and time to ready")
		runs        = flag.Int("runs", 3, "startup runs")
		idle        = flag.Duration("idle", 5*time.Second, "idle time before reading RSS (with -startup)")
		serve       = flag.String("serve", "", "internal: serve the json or page baseline and print its address")
		hdr         headers
	)
	flag.Var(&hdr, "header", "request header 'Name: value' (repeatable)")
	flag.Parse()
	var err error
	switch {
	case *serve != "":
		err = serveBaseline(*serve, *target, hdr)
	case *fill > 0:
		err = fillDB(*data, *fill)
	case *startup != "":
		err = measureStartup(*startup, *data, *runs, *idle)
	case *target != "":
		err = load(*target, hdr, *baseline, *duration, *concurrency, *rounds)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "art28-load:", err)
		os.Exit(1)
	}
}

// loopbackURL refuses a URL whose host is not a loopback address.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("%s: only http:// on loopback", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%s: refusing a non-loopback host %q", raw, host)
	}
	return u, nil
}

// result is one load phase, or several merged.
type result struct {
	n, errs int
	elapsed time.Duration
	lat     []time.Duration
}

func (r *result) merge(o result) {
	r.n += o.n
	r.errs += o.errs
	r.elapsed += o.elapsed
	r.lat = append(r.lat, o.lat...)
}

func (r result) rps() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func (r result) String() string {
	return fmt.Sprintf("%9.0f req/s  p50 %8s  p99 %8s  (%d requests, %d errors)",
		r.rps(), r.pct(0.50).Round(time.Microsecond), r.pct(0.99).Round(time.Microsecond), r.n, r.errs)
}

func newRequest(u string, hdr headers) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	for _, h := range hdr {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return nil, fmt.Errorf("-header %q: want 'Name: value'", h)
		}
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return req, nil
}

// run loads req with c clients for d; any status but 200 is an error.
func run(req *http.Request, d time.Duration, c int) result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: c, MaxIdleConnsPerHost: c, MaxConnsPerHost: c},
		Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	parts := make([]result, c)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range c {
		wg.Go(func() {
			p := &parts[i]
			for ctx.Err() == nil {
				t := time.Now()
				resp, err := client.Do(req.Clone(ctx))
				if err != nil {
					if ctx.Err() == nil {
						p.errs++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					p.errs++
					continue
				}
				p.n++
				p.lat = append(p.lat, time.Since(t))
			}
		})
	}
	wg.Wait()
	var r result
	for _, p := range parts {
		r.merge(p)
	}
	r.elapsed = time.Since(start)
	return r
}

func load(target string, hdr headers, baseline string, d time.Duration, c, rounds int) error {
	u, err := loopbackURL(target)
	if err != nil {
		return err
	}
	if d <= 0 || d > maxDuration {
		return fmt.Errorf("-duration must be in (0, %s]", maxDuration)
	}
	if c < 1 || c > 256 {
		return errors.New("-concurrency must be in [1, 256]")
	}
	req, err := newRequest(u.String(), hdr)
	if err != nil {
		return err
	}
	// Check once, so that a wrong credential is not measured as speed.
	if resp, err := http.DefaultClient.Do(req); err != nil {
		return err
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", u, resp.Status)
		}
	}
	switch baseline {
	case "":
		r := run(req, d, c)
		fmt.Printf("target    %s  %s\n", r, u)
		return nil
	case "json", "page":
	default:
		return fmt.Errorf("-baseline %q: want json or page", baseline)
	}
	// The baseline runs in a process of its own, like the target, so that
	// both compete with this load generator for the CPU the same way.
	addr, stop, err := startBaseline(baseline, target, hdr)
	if err != nil {
		return err
	}
	defer stop()
	breq, err := newRequest("http://"+addr+"/", nil)
	if err != nil {
		return err
	}
	var tr, br result
	var ratios []float64
	for i := range max(1, rounds) {
		t := run(req, d, c)
		b := run(breq, d, c)
		fmt.Printf("round %d  target    %s\n", i+1, t)
		fmt.Printf("round %d  baseline  %s\n", i+1, b)
		ratios = append(ratios, t.rps()/b.rps())
		tr.merge(t)
		br.merge(b)
	}
	slices.Sort(ratios)
	fmt.Printf("target    %s  %s\n", tr, u)
	fmt.Printf("baseline  %s  (%s, same run)\n", br, baseline)
	fmt.Printf("ratio target/baseline RPS: %.1f%% (pooled); per round median %.1f%%, min %.1f%%, max %.1f%%\n",
		100*tr.rps()/br.rps(), 100*ratios[len(ratios)/2], 100*ratios[0], 100*ratios[len(ratios)-1])
	return nil
}

// startBaseline runs this tool with -serve in a child process and returns
// the address it listens on and a function that stops it.
func startBaseline(kind, target string, hdr headers) (addr string, stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	args := []string{"-serve", kind, "-url", target}
	for _, h := range hdr {
		args = append(args, "-header", h)
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("baseline process: %w", err)
	}
	return strings.TrimSpace(line), stop, nil
}

// serveBaseline is the child of startBaseline: it prints its address, then
// serves the baseline until killed.
func serveBaseline(kind, target string, hdr headers) error {
	u, err := loopbackURL(target)
	if err != nil {
		return err
	}
	var h http.Handler
	switch kind {
	case "json":
		h = base.TrivialJSON()
	case "page":
		if h, err = barePage(u, hdr); err != nil {
			return err
		}
	default:
		return fmt.Errorf("-serve %q: want json or page", kind)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	return http.Serve(ln, h)
}

// barePage fetches the first 50 customers from the server's API, with the
// same credentials, and serves them from memory through baseline.CustomersTable.
func barePage(u *url.URL, hdr headers) (http.Handler, error) {
	api := *u
	api.Path, api.RawQuery = "/api/v1/customers", "limit=50"
	req, err := newRequest(api.String(), hdr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var list struct {
		Items []*art28.Customer `json:"items"`
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", api.String(), resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "bare page: %d customers from %s\n", len(list.Items), api.String())
	return base.CustomersPage(list.Items), nil
}

// fillDB creates a migrated database in dir with one owner and n customers.
func fillDB(dir string, n int) error {
	if dir == "" {
		return errors.New("-fill needs -data")
	}
	path := filepath.Join(dir, "art28.db")
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists: -fill wants an empty folder", path)
	}
	ctx := context.Background()
	start := time.Now()
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return err
	}
	owner := &art28.User{Email: "owner@processor.example", Name: "Olivia Owner", Role: art28.RoleOwner}
	if err := store.All(db).Users.CreateFirstOwner(ctx, owner, "art28-demo-password"); err != nil {
		db.Close()
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	// The store has no bulk insert; write the rows as CreateCustomer would,
	// in one transaction, on the same driver and time format.
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_time_format=sqlite")
	if err != nil {
		return err
	}
	defer raw.Close()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO customers
		(legal_name, legal_name_key, address, country, eu_established, role, upstream_controller, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	countries := []string{"DE", "FR", "NL", "SE", "IT", "IE", "US"}
	now := time.Now().UTC().Truncate(time.Microsecond)
	for i := range n {
		name := fmt.Sprintf("Customer %06d GmbH", i)
		c := countries[i%len(countries)]
		if _, err := st.ExecContext(ctx, name, strings.ToLower(name), "Street 1, 10115 City", c, c != "US",
			art28.CustomerController, "", now, now); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	fmt.Printf("filled %s with %d customers in %s\n", path, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// measureStartup starts `bin serve --data dir` runs times, timing process
// start to the first /readyz 200, and reads VmRSS after idle.
func measureStartup(bin, dir string, runs int, idle time.Duration) error {
	if dir == "" {
		return errors.New("-startup needs -data")
	}
	for i := range max(1, runs) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(bin, "serve", "--data", dir, "--addr", addr)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return err
		}
		ready, err := waitReady("http://"+addr+"/readyz", start, 30*time.Second)
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return err
		}
		time.Sleep(idle)
		rss, hwm := procStatus(cmd.Process.Pid, "VmRSS"), procStatus(cmd.Process.Pid, "VmHWM")
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		fmt.Printf("run %d  ready after %s  idle VmRSS %s  VmHWM %s  (after %s idle)\n",
			i+1, ready.Round(time.Millisecond), rss, hwm, idle)
	}
	return nil
}

func waitReady(u string, start time.Time, limit time.Duration) (time.Duration, error) {
	c := &http.Client{Timeout: time.Second}
	for time.Since(start) < limit {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s: not ready after %s", u, limit)
}

func procStatus(pid int, key string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return "?"
}
