package mail

import (
	"errors"
	"fmt"
	"net/textproto"
)

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("mail: sender is closed")

// Error is a failed delivery: the step that failed, the server's reply code
// when there was one, and whether retrying can help.
type Error struct {
	Op   string // "message", "connect", or the command: "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA"
	Code int    // the SMTP reply code; 0 for a network or local error
	Err  error

	permanent bool
}

func (e *Error) Error() string { return fmt.Sprintf("mail: %s: %v", e.Op, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// IsPermanent reports whether err means the message will never be accepted
// as it is: the server refused the recipient or the content with a 5xx
// reply, or the message itself is invalid. Everything else (4xx replies,
// network errors, timeouts, TLS and authentication failures) is temporary.
// A 5xx to MAIL or AUTH counts as temporary on purpose: it concerns the
// sender's configuration, which every message shares, so the outbox keeps
// retrying while an operator fixes it instead of failing each notice.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.permanent
}

// opError wraps err from step op, reading the reply code if the server
// sent one.
func opError(op string, err error) *Error {
	e := &Error{Op: op, Err: err}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		e.Code = tp.Code
	}
	e.permanent = op == "message" || (e.Code >= 500 && e.Code < 600 && (op == "RCPT" || op == "DATA"))
	return e
}

// broken reports whether the connection that produced err cannot be used
// again: anything but an ordinary reply; 421, with which a server
// announces that it is closing the connection; and a reply after which
// the connection was lost (pipelining reads several).
func broken(err error) bool {
	var tp *textproto.Error
	var lost connLost
	return !errors.As(err, &tp) || tp.Code == 421 || errors.As(err, &lost)
}
