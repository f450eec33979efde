package http

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/art28/art28"
)

// decode reads one JSON object from the body into v, strictly: unknown
// fields, wrong types, trailing data and non-JSON bodies are EINVALID errors
// naming the field where there is one.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/json" {
			return art28.FieldError("Content-Type", "must be application/json")
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return art28.Errorf(art28.EINVALID, "The body must hold one JSON object and nothing after it.")
		}
		if _, err := dec.Token(); err != io.EOF {
			return art28.Errorf(art28.EINVALID, "The body must hold one JSON object and nothing after it.")
		}
		return nil
	}
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return art28.Errorf(art28.EINVALID, "The body is empty; send a JSON object.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return art28.Errorf(art28.EINVALID, "The body is not valid JSON: it ends too early.")
	case errors.As(err, &syn):
		return art28.Errorf(art28.EINVALID, "The body is not valid JSON (at byte %d).", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return art28.Errorf(art28.EINVALID, "The body must be a JSON object.")
		}
		return art28.FieldError(field, "must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return art28.FieldError(name, "is not a known field")
	}
	return art28.Errorf(art28.EINVALID, "The body is not valid JSON.")
}

// jsonType names a Go kind as a JSON type for error messages.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	default:
		return "a number"
	}
}

// pathID reads a positive integer path parameter.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, art28.FieldError(name, "must be a positive integer")
	}
	return id, nil
}

// pageOf reads the offset and limit query parameters.
func pageOf(r *http.Request) (art28.Page, error) {
	var p art28.Page
	for _, q := range []struct {
		name string
		dst  *int
	}{{"offset", &p.Offset}, {"limit", &p.Limit}} {
		s := r.URL.Query().Get(q.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p, art28.FieldError(q.name, "must be a non-negative integer")
		}
		if q.name == "limit" && n > art28.MaxLimit {
			return p, art28.FieldError("limit", "must be at most %d", art28.MaxLimit)
		}
		*q.dst = n
	}
	return p.Normalize(), nil
}

// List is the JSON envelope of every list: the items of one page and the
// total number of matches.
type List[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

func newList[T any](items []T, total int, p art28.Page) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: total, Offset: p.Offset, Limit: p.Limit}
}

// listed answers one page of a list, or the error that fetching it gave.
func listed[T any](w http.ResponseWriter, p art28.Page, items []T, total int, err error) error {
	if err != nil {
		return err
	}
	return ok(w, newList(items, total, p))
}
