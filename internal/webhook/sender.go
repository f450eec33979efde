package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Config configures a Sender.
type Config struct {
	Timeout   time.Duration     // for one delivery, answer included; default 10s
	UserAgent string            // default "art28-webhook/1"
	Transport http.RoundTripper // default a clone of http.DefaultTransport
	Now       func() time.Time  // the clock for webhook-timestamp; default time.Now
}

// Sender posts signed JSON payloads. It is safe for concurrent use.
type Sender struct {
	client    *http.Client
	timeout   time.Duration
	userAgent string
	now       func() time.Time
}

// NewSender returns a Sender.
func NewSender(cfg Config) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "art28-webhook/1"
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sender{
		client: &http.Client{
			Transport: cfg.Transport,
			// A redirect is reported, not followed: the signature was made
			// for the registered URL, and following would let an endpoint
			// point our requests anywhere, internal addresses included.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		timeout:   cfg.Timeout,
		userAgent: cfg.UserAgent,
		now:       cfg.Now,
	}
}

// Delivery is one payload for one endpoint.
type Delivery struct {
	URL string
	// Secrets sign the payload, one signature each: the current secret,
	// and during a rotation the previous one as well, so that a receiver
	// holding either can verify.
	Secrets []string
	// ID is the webhook-id: stable across retries of the same delivery.
	ID   string
	Body []byte // JSON
}

// Error is a failed delivery.
type Error struct {
	URL    string
	Status int // the HTTP status; 0 when there was no answer
	// RetryAfter is the wait the endpoint asked for in a Retry-After
	// header (with 429 or 503), or 0.
	RetryAfter time.Duration
	Err        error

	permanent bool
}

func (e *Error) Error() string { return fmt.Sprintf("webhook: %s: %v", e.URL, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// IsPermanent reports whether retrying err cannot help: the delivery is
// invalid, or the endpoint answered 4xx (410 Gone included) other than
// 408 and 429, or answered with a redirect, which is not followed and will
// not change by itself. 5xx, 408, 429, timeouts and network errors are
// temporary.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.permanent
}

// Send posts d, signed, and waits for a 2xx answer.
func (s *Sender) Send(ctx context.Context, d Delivery) error {
	invalid := func(err error) error { return &Error{URL: d.URL, Err: err, permanent: true} }
	if err := ValidateURL(d.URL); err != nil {
		return invalid(err)
	}
	if err := validID(d.ID); err != nil {
		return invalid(err)
	}
	if len(d.Secrets) == 0 {
		return invalid(art28.FieldError("Secrets", "at least one secret is required"))
	}
	if !json.Valid(d.Body) {
		return invalid(art28.FieldError("Body", "is not valid JSON"))
	}
	ts := s.now().Unix()
	sigs := make([]string, len(d.Secrets))
	for i, secret := range d.Secrets {
		key, err := ParseSecret(secret)
		if err != nil {
			return invalid(err)
		}
		sigs[i] = sign(key, d.ID, ts, d.Body)
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return invalid(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.userAgent)
	req.Header.Set(HeaderID, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, strings.Join(sigs, " "))

	resp, err := s.client.Do(req)
	if err != nil {
		return &Error{URL: d.URL, Err: err}
	}
	defer resp.Body.Close()
	// A short excerpt of the answer helps whoever reads the delivery log;
	// the rest is drained (within limits) so the connection can be reused.
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	e := &Error{URL: d.URL, Status: code}
	switch {
	case code >= 300 && code < 400:
		e.permanent = true
		e.Err = fmt.Errorf("%s, redirecting to %q; redirects are not followed, so the endpoint URL needs updating", resp.Status, resp.Header.Get("Location"))
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), s.now())
		e.Err = fmt.Errorf("%s%s", resp.Status, quote(excerpt))
	case code >= 400:
		e.permanent = true
		e.Err = fmt.Errorf("%s%s", resp.Status, quote(excerpt))
	default:
		e.Err = fmt.Errorf("unexpected %s", resp.Status)
	}
	return e
}

func quote(excerpt []byte) string {
	s := strings.TrimSpace(string(excerpt))
	if s == "" {
		return ""
	}
	return fmt.Sprintf(": %q", s)
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
