package http

import (
	"net/http"
	"strconv"

	"github.com/art28/art28"
)

// queryID reads an optional positive integer query parameter; nil when it
// is absent.
func queryID(r *http.Request, name string) (*int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return nil, art28.FieldError(name, "must be a positive integer")
	}
	return &id, nil
}
