package http

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/art28/art28"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	art28.EINVALID:      http.StatusUnprocessableEntity,
	art28.ENOTFOUND:     http.StatusNotFound,
	art28.ECONFLICT:     http.StatusConflict,
	art28.EUNAUTHORIZED: http.StatusUnauthorized,
	art28.EFORBIDDEN:    http.StatusForbidden,
	art28.ETOOMANY:      http.StatusTooManyRequests,
	art28.EUNAVAILABLE:  http.StatusServiceUnavailable,
	art28.EINTERNAL:     http.StatusInternalServerError,
}

// errTooLarge is the code of a body over MaxBody; it maps to 413.
const errTooLarge = "too_large"

// ErrorBody is the JSON body of every API error.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail names the code, a message safe to show, and the offending
// field when there is one.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func errorStatus(err error) (int, ErrorDetail) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, ErrorDetail{Code: errTooLarge, Message: "The request body is larger than 1 MiB."}
	}
	code := art28.ErrorCode(err)
	return statusOf[code], ErrorDetail{Code: code, Message: art28.ErrorMessage(err), Field: art28.ErrorField(err)}
}

func writeAPIError(w http.ResponseWriter, err error) {
	status, d := errorStatus(err)
	writeJSON(w, status, ErrorBody{Error: d})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
