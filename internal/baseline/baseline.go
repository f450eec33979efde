// Package baseline holds the handlers that art28's performance figures are
// measured against, in the same run: a trivial JSON handler and the
// customers table rendered by a bare html/template from memory. The Go
// benchmarks and the load tool share them, so both compare with the same
// thing.
package baseline

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/art28/art28"
)

// TrivialJSON answers a small fixed object, the cheapest JSON handler.
func TrivialJSON() http.Handler {
	v := struct {
		ID      int64     `json:"id"`
		Name    string    `json:"name"`
		Active  bool      `json:"active"`
		Created time.Time `json:"created_at"`
	}{1, "Globex Inc.", true, time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	})
}

// CustomersTable is the table of the real customers page (same rows, same
// columns, same cells) without layout, database or session.
var CustomersTable = template.Must(template.New("bare").Funcs(template.FuncMap{
	"title": func(s art28.CustomerRole) string {
		if s == "" {
			return ""
		}
		return strings.ToUpper(string(s[:1])) + string(s[1:])
	},
	"date":    func(t time.Time) string { return t.Format("2 Jan 2006") },
	"country": art28.CountryName,
}).Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customers</title></head><body>
<h1>Customers</h1>
<table class="customers">
  <thead><tr><th>Legal name</th><th>Country</th><th>EU/EEA</th><th>Role</th><th>Since</th></tr></thead>
  <tbody>
  {{range .}}
  <tr>
    <td><a href="/customers/{{.ID}}">{{.LegalName}}</a></td>
    <td>{{country .Country}} <span class="muted">({{.Country}})</span></td>
    <td>{{if .EUEstablished}}yes{{else}}<span class="muted">no</span>{{end}}</td>
    <td>{{title .Role}}{{with .UpstreamController}}<br><span class="muted small">for {{.}}</span>{{end}}</td>
    <td class="nowrap">{{date .CreatedAt}}</td>
  </tr>
  {{end}}
  </tbody>
</table>
</body></html>
`))

// CustomersPage serves list through CustomersTable.
func CustomersPage(list []*art28.Customer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// Rendering from memory fails only when the client has gone (the end
		// of a load phase), when there is no one left to tell.
		CustomersTable.Execute(w, list)
	})
}
