// Package webhook delivers art28's notices to the HTTP endpoints customers
// register, signed as the Standard Webhooks specification describes, so
// that a customer can check with any of its verifiers that a notice came
// from us, unchanged, and recently.
//
// Every delivery carries three headers: webhook-id (the same on every
// retry, so the receiver can drop duplicates), webhook-timestamp (Unix
// seconds of this attempt) and webhook-signature ("v1," and the base64
// HMAC-SHA256 of "id.timestamp.body").
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// The header names of the specification.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// secretPrefix marks a signing secret, as the specification suggests, so
// that one pasted in the wrong place is recognisable.
const secretPrefix = "whsec_"

// NewSecret returns a new signing secret: "whsec_" and the base64 of 32
// random bytes (the specification asks for 24 to 64).
func NewSecret() string {
	key := make([]byte, 32)
	rand.Read(key) // never fails; it crashes the program instead
	return secretPrefix + base64.StdEncoding.EncodeToString(key)
}

// ParseSecret returns the key of a "whsec_..." secret.
func ParseSecret(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, art28.FieldError("secret", "must start with %q", secretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, art28.FieldError("secret", "is not base64 after %q", secretPrefix)
	}
	if len(key) < 24 || len(key) > 64 {
		return nil, art28.FieldError("secret", "has a %d-byte key; it must have 24 to 64", len(key))
	}
	return key, nil
}

// Sign returns the webhook-signature value for one delivery: "v1," and the
// base64 HMAC-SHA256 of "id.timestamp.body" under the secret's key.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := ParseSecret(secret)
	if err != nil {
		return "", err
	}
	return sign(key, id, ts.Unix(), body), nil
}

func sign(key []byte, id string, unix int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, unix, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ValidateURL accepts an absolute http or https URL with a host, and
// nothing else: no other scheme, no user and password (they would end up
// in logs), no fragment (it is never sent).
func ValidateURL(raw string) error {
	const field = "url"
	if raw == "" {
		return art28.FieldError(field, "is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return art28.FieldError(field, "%q is not a URL", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return art28.FieldError(field, "%q has no scheme; use https://", raw)
	default:
		return art28.FieldError(field, "%q uses %s:, but only http and https are allowed", raw, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return art28.FieldError(field, "%q has no host", raw)
	}
	if u.User != nil {
		return art28.FieldError(field, "%q carries a user name or password; the signature is the authentication", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return art28.FieldError(field, "%q has a fragment, which is never sent", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return art28.FieldError(field, "%q has an invalid port", raw)
		}
	}
	return nil
}

// validID refuses an ID that cannot go into a header or that would make
// the signed content ambiguous to a careless verifier.
func validID(id string) error {
	if id == "" {
		return art28.FieldError("ID", "is required")
	}
	if len(id) > 255 {
		return art28.FieldError("ID", "is longer than 255 characters")
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > 0x7e {
			return art28.FieldError("ID", "%q must be printable ASCII without spaces", id)
		}
	}
	return nil
}
