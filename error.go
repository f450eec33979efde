package art28

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: each maps to one HTTP status in the
// HTTP adapter, and a client can act on each.
const (
	EINVALID      = "invalid"      // the input breaks a rule; Field names it
	ENOTFOUND     = "not_found"    // no such record, or not visible to the actor
	ECONFLICT     = "conflict"     // a duplicate, or a state that forbids the change
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, insufficient role
	ETOOMANY      = "too_many"     // rate limited
	EUNAVAILABLE  = "unavailable"  // a dependency is down; retry later
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// Error is the application error. Message is safe to show to a client; the
// wrapped Err carries the full chain for logs only.
type Error struct {
	Code    string
	Field   string // the offending input field, when there is one
	Message string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", msg, e.Err)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an application error with a formatted, client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error naming the field and the reason.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first application error in err's chain,
// EINTERNAL for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err. Errors that are not
// application errors never leak their text.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the offending field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Wrap adds context to *errp, once, at function entry:
//
//	defer art28.Wrap(&err, "store.CreateCustomer")
//
// Application errors keep their code and message.
func Wrap(errp *error, op string) {
	if *errp == nil {
		return
	}
	var e *Error
	if errors.As(*errp, &e) {
		return
	}
	*errp = fmt.Errorf("%s: %w", op, *errp)
}
