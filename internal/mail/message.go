// Package mail sends art28's notices by email: it builds RFC 5322 messages
// (multipart/alternative, UTF-8, quoted-printable), renders the notice
// templates in the customer's language, and delivers over SMTP on a few
// long-lived connections, telling a permanent refusal from a failure worth
// retrying so that the outbox knows what to do with each delivery.
//
// The SMTP client is the standard library's net/smtp; this package adds
// what a notice sender needs around it: connection reuse, TLS policy,
// timeouts, and the classification of errors.
package mail

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"sort"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Message is one email to one recipient. A notice to several people is
// several messages, so that each has its own delivery record.
type Message struct {
	From, To netmail.Address
	Subject  string
	Text     string // the text/plain part; required
	HTML     string // the text/html part; when empty the message is text only

	// MessageID is the Message-ID without angle brackets, such as
	// "notice-12.customer-7.3f9a@art28.example". The outbox derives it from
	// the delivery, so that a retried send carries the same ID and the
	// recipient's system can spot the duplicate. When empty, Bytes makes a
	// random one in the sender's domain.
	MessageID string

	// Headers are extra header fields, such as List-Unsubscribe and
	// List-Unsubscribe-Post (RFC 8058). They cannot replace the fields that
	// Bytes writes itself.
	Headers map[string]string

	// Body, when set, is Text and HTML already encoded (EncodeBody), so
	// that the messages of one notice to many recipients encode it once.
	Body *Body
}

// Body is a message's content in its MIME form.
type Body struct {
	contentType string
	data        []byte
}

// EncodeBody encodes text and html as Bytes would, for messages that
// share them.
func EncodeBody(text, html string) (*Body, error) {
	if text == "" {
		return nil, art28.FieldError("Text", "is required")
	}
	var b bytes.Buffer
	ct, err := encodeBody(&b, "", text, html)
	if err != nil {
		return nil, err
	}
	return &Body{contentType: ct, data: b.Bytes()}, nil
}

// reserved are the fields Bytes writes; an extra header may not repeat
// them, or a caller could send a second From or break the MIME structure.
var reserved = map[string]bool{
	"date": true, "from": true, "to": true, "cc": true, "bcc": true, "sender": true,
	"subject": true, "message-id": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true,
}

// Validate reports the first field that cannot go into a message. A line
// break in any header value is refused rather than removed: it means the
// value came from somewhere that did not expect to end up in a header.
func (m *Message) Validate() error {
	if err := checkAddress("From", m.From); err != nil {
		return err
	}
	if err := checkAddress("To", m.To); err != nil {
		return err
	}
	if strings.TrimSpace(m.Subject) == "" {
		return art28.FieldError("Subject", "is required")
	}
	if err := checkHeaderValue("Subject", m.Subject); err != nil {
		return err
	}
	if m.Text == "" && m.Body == nil {
		return art28.FieldError("Text", "is required")
	}
	if m.MessageID != "" {
		if err := checkMessageID(m.MessageID); err != nil {
			return err
		}
	}
	for name, value := range m.Headers {
		field := "Headers[" + name + "]"
		if !validFieldName(name) {
			return art28.FieldError(field, "is not a valid header field name (printable ASCII without spaces or colons)")
		}
		if reserved[strings.ToLower(name)] {
			return art28.FieldError(field, "is written by the mail package and cannot be set as an extra header")
		}
		if err := checkHeaderValue(field, value); err != nil {
			return err
		}
	}
	return nil
}

func checkAddress(field string, a netmail.Address) error {
	if err := checkHeaderValue(field+".Name", a.Name); err != nil {
		return err
	}
	if a.Address == "" {
		return art28.FieldError(field+".Address", "is required")
	}
	if err := checkHeaderValue(field+".Address", a.Address); err != nil {
		return err
	}
	for _, r := range a.Address {
		// Internationalised addresses need SMTPUTF8 end to end, which a
		// notice cannot count on; an IDN domain can be given in its
		// punycode form instead.
		if r > 0x7e {
			return art28.FieldError(field+".Address", "%q has non-ASCII characters; use the punycode form of the domain", a.Address)
		}
	}
	p, err := netmail.ParseAddress("<" + a.Address + ">")
	if err != nil || p.Address != a.Address || strings.Count(a.Address, "@") != 1 {
		return art28.FieldError(field+".Address", "%q is not an email address", a.Address)
	}
	return nil
}

// checkHeaderValue refuses control characters, CR and LF above all: they
// are how a value would smuggle in a header of its own.
func checkHeaderValue(field, v string) error {
	for _, r := range v {
		switch {
		case r == '\r' || r == '\n':
			return art28.FieldError(field, "contains a line break (CR or LF); a header value must be one line")
		case r < 0x20 && r != '\t', r == 0x7f:
			return art28.FieldError(field, "contains the control character %U", r)
		}
	}
	return nil
}

func checkMessageID(id string) error {
	const field = "MessageID"
	if err := checkHeaderValue(field, id); err != nil {
		return err
	}
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return art28.FieldError(field, "%q must look like left@right, without angle brackets", id)
	}
	for _, r := range id {
		if r <= ' ' || r > 0x7e || strings.ContainsRune(`<>()[]\,;:"`, r) {
			return art28.FieldError(field, "%q contains %q; use letters, digits and . - _ + = etc. without angle brackets", id, r)
		}
	}
	return nil
}

// validFieldName follows RFC 5322 section 3.6.8: printable ASCII except
// the colon.
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// Bytes returns the message in RFC 5322 form with CRLF line endings, dated
// now. For a given MessageID the output depends only on the message and
// now, so that it can be compared with a golden file.
func (m *Message) Bytes(now time.Time) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	id := m.MessageID
	if id == "" {
		id = randomID(m.From.Address)
	}

	// Quoted-printable grows UTF-8 text by up to three times; sizing the
	// buffers once saves most of the copying.
	size := 1024 + 3*(len(m.Text)+len(m.HTML))
	var b bytes.Buffer
	b.Grow(size)
	var err error
	w := func(name, value string) {
		if err == nil {
			err = writeField(&b, name, value)
		}
	}
	w("Date", now.Format(time.RFC1123Z))
	w("From", m.From.String())
	w("To", m.To.String())
	w("Message-ID", "<"+id+">")
	w("Subject", encodeText(m.Subject))
	w("MIME-Version", "1.0")
	names := make([]string, 0, len(m.Headers))
	for name := range m.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		w(name, encodeText(m.Headers[name]))
	}
	if err != nil {
		return nil, err
	}

	body := m.Body
	if body == nil {
		var enc bytes.Buffer
		enc.Grow(size)
		ct, err := encodeBody(&enc, id, m.Text, m.HTML)
		if err != nil {
			return nil, err
		}
		body = &Body{contentType: ct, data: enc.Bytes()}
	}
	if body.contentType == "text/plain; charset=utf-8" {
		w("Content-Transfer-Encoding", "quoted-printable")
	}
	w("Content-Type", body.contentType)
	b.WriteString("\r\n")
	b.Write(body.data)
	return b.Bytes(), err
}

// encodeBody writes the content of a message, text only or
// multipart/alternative, and returns its Content-Type. salt makes the
// boundary differ between messages of the same content.
func encodeBody(b *bytes.Buffer, salt, text, html string) (string, error) {
	if html == "" {
		return "text/plain; charset=utf-8", writeQP(b, text)
	}
	mw := multipart.NewWriter(b)
	// A boundary derived from the content keeps the output reproducible,
	// and cannot occur in the quoted-printable parts, whose lines never
	// start with "--" followed by this hash.
	sum := sha256.Sum256([]byte(salt + "\x00" + text + "\x00" + html))
	if err := mw.SetBoundary("art28-" + hex.EncodeToString(sum[:16])); err != nil {
		return "", err
	}
	for _, p := range []struct{ typ, content string }{{"text/plain", text}, {"text/html", html}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", p.typ+"; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return "", err
		}
		if err := writeQP(pw, p.content); err != nil {
			return "", err
		}
	}
	if err := mw.Close(); err != nil {
		return "", err
	}
	return mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}), nil
}

type writer interface{ Write([]byte) (int, error) }

// writeQP writes s quoted-printable; the encoder turns each line break
// into CRLF, so s may use either convention.
func writeQP(w writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(strings.ReplaceAll(s, "\r\n", "\n"))); err != nil {
		return err
	}
	return qp.Close()
}

// encodeText returns an unstructured header value as is when it is
// printable ASCII, and as RFC 2047 encoded-words otherwise.
func encodeText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] > 0x7e {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// writeField writes "Name: value", folded at spaces to keep lines within
// 78 characters where it can. A word longer than a line (a long URL) stays
// whole; only past RFC 5322's hard limit of 998 is the field refused.
func writeField(b *bytes.Buffer, name, value string) error {
	const soft, hard = 78, 998
	line := name + ": " + value
	n := 0
	for i, word := range strings.Split(line, " ") {
		if i > 0 {
			if word != "" && n+1+len(word) > soft {
				b.WriteString("\r\n")
				n = 0
			}
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
		if n > hard {
			return art28.FieldError(name, "has a word too long for a header line (over %d characters)", hard)
		}
	}
	b.WriteString("\r\n")
	return nil
}

// randomID makes a Message-ID in the domain of from.
func randomID(from string) string {
	domain := "art28.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return fmt.Sprintf("%s@%s", rand.Text(), domain)
}
