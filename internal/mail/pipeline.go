package mail

import (
	"errors"
	"net/smtp"
	"net/textproto"
	"strings"
)

// SMTP command pipelining (RFC 2920): when the server offers PIPELINING,
// MAIL, RCPT and DATA go out in one write and their three replies are read
// after, so a message costs two round trips instead of four. Every notice
// of a breach is its own customer's, a message each; the two round trips
// saved were a fifth of what delivering one cost (docs/performance.md).

// errPipelineDesync marks a reply that left the connection in an unknown
// state: it is closed rather than used again.
var errPipelineDesync = errors.New("the server accepted DATA after refusing the sender or the recipient")

// pipelining reports whether the server offered PIPELINING in its EHLO.
func pipelining(c *smtp.Client) bool {
	ok, _ := c.Extension("PIPELINING")
	return ok
}

// pipelinedMail runs one mail transaction with MAIL, RCPT and DATA
// pipelined. It returns the command a failure belongs to ("MAIL", "RCPT"
// or "DATA") and whether the server may have accepted anything: until the
// MAIL reply is read, a failure means it did not.
func pipelinedMail(c *smtp.Client, from, to string, msg []byte) (op string, started bool, err error) {
	for _, a := range []string{from, to} {
		if strings.ContainsAny(a, "\r\n<>") {
			return "MAIL", false, errors.New("an address contains a line break or an angle bracket")
		}
	}
	// The same parameters net/smtp's Mail sends.
	params := ""
	if ok, _ := c.Extension("8BITMIME"); ok {
		params += " BODY=8BITMIME"
	}
	if ok, _ := c.Extension("SMTPUTF8"); ok {
		params += " SMTPUTF8"
	}
	t := c.Text
	t.W.WriteString("MAIL FROM:<" + from + ">" + params + "\r\n")
	t.W.WriteString("RCPT TO:<" + to + ">\r\n")
	t.W.WriteString("DATA\r\n")
	if err := t.W.Flush(); err != nil {
		return "MAIL", false, err
	}
	// The three replies come in order. A reply other than the one
	// expected is a *textproto.Error, and the next reply can still be
	// read; any other error means the connection is gone, and then a
	// refusal read before it is what the caller is told (a bad address
	// stays a permanent failure), with the connection marked lost.
	_, _, mailErr := t.ReadResponse(250)
	if mailErr != nil && !isReply(mailErr) {
		return "MAIL", false, mailErr
	}
	_, _, rcptErr := t.ReadResponse(25)
	if rcptErr != nil && !isReply(rcptErr) {
		if mailErr != nil {
			return "MAIL", false, connLost{mailErr}
		}
		return "RCPT", true, rcptErr
	}
	_, _, dataErr := t.ReadResponse(354)
	if dataErr != nil && !isReply(dataErr) {
		switch {
		case mailErr != nil:
			return "MAIL", false, connLost{mailErr}
		case rcptErr != nil:
			return "RCPT", true, connLost{rcptErr}
		}
		return "DATA", true, dataErr
	}
	if mailErr != nil || rcptErr != nil {
		if dataErr == nil {
			// A server that should have refused DATA did not. Anything
			// sent now would be delivered, so the connection is dropped
			// instead, which abandons the transaction.
			return "DATA", true, errPipelineDesync
		}
		if mailErr != nil {
			return "MAIL", false, mailErr
		}
		return "RCPT", true, rcptErr
	}
	if dataErr != nil {
		return "DATA", true, dataErr
	}
	w := t.DotWriter()
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return "DATA", true, err
	}
	if err := w.Close(); err != nil {
		return "DATA", true, err
	}
	_, _, err = t.ReadResponse(250)
	return "DATA", true, err
}

// isReply reports whether err is a reply of the server's, after which the
// connection can still be read.
func isReply(err error) bool {
	var tp *textproto.Error
	return errors.As(err, &tp)
}

// connLost is a server's refusal after which the connection was lost: the
// refusal is the error, and the connection is not used again (broken).
type connLost struct{ error }

func (e connLost) Unwrap() error { return e.error }
