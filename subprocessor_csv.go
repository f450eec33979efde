package art28

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The register's CSV columns, for export and import alike, so that an
// exported file imports unchanged. Lists are separated by "; "; services
// are named, not numbered, because people edit these files.
var subprocessorCSVColumns = []string{"name", "legal_entity", "address", "country", "purpose", "services",
	"data_categories", "kind", "safeguard", "scc_module", "flow_down_signed_on", "flow_down_document", "listed"}

// publicCSVColumns are those the public list shows: not the flow-down
// documents, which are the processor's records.
var publicCSVColumns = []string{"name", "legal_entity", "country", "purpose", "services", "data_categories", "safeguard", "scc_module"}

// SubprocessorRow is one row of an imported file, with its line.
type SubprocessorRow struct {
	Line         int
	Subprocessor Subprocessor
	Services     []string // service names, resolved by the store
}

// WriteSubprocessorsCSV writes the register as CSV; public leaves out the
// processor's own records. serviceName names a service ID.
func WriteSubprocessorsCSV(w io.Writer, list []*Subprocessor, serviceName func(int64) string, public bool) error {
	cols := subprocessorCSVColumns
	if public {
		cols = publicCSVColumns
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	for _, s := range list {
		names := make([]string, len(s.ServiceIDs))
		for i, id := range s.ServiceIDs {
			names[i] = serviceName(id)
		}
		field := map[string]string{
			"name": s.Name, "legal_entity": s.LegalEntity, "address": s.Address, "country": s.Country,
			"purpose": s.Purpose, "services": strings.Join(names, "; "), "data_categories": strings.Join(s.DataCategories, "; "),
			"kind": string(s.Kind), "safeguard": string(s.Safeguard), "scc_module": s.SCCModule,
			"flow_down_signed_on": s.FlowDownSignedOn, "flow_down_document": s.FlowDownDocument,
			"listed": strconv.FormatBool(s.Listed),
		}
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = csvSafe(field[c])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet that
// opens the file (CSV injection): such a cell gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ReadSubprocessorsCSV reads an exported register. Every row is checked
// like an entry; the first error names its line and field. The columns
// may come in any order; name, country and purpose are required.
func ReadSubprocessorsCSV(data []byte) ([]SubprocessorRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, FieldError("csv", "is empty: the first line names the columns")
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(subprocessorCSVColumns, h) {
			return nil, FieldError("csv", "line 1: %q is not a column (%s)", h, strings.Join(subprocessorCSVColumns, ", "))
		}
		col[h] = i
	}
	for _, need := range []string{"name", "country", "purpose"} {
		if _, ok := col[need]; !ok {
			return nil, FieldError("csv", "line 1: the column %s is missing", need)
		}
	}
	var rows []SubprocessorRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimPrefix(strings.TrimSpace(rec[i]), "'")
			}
			return ""
		}
		row := SubprocessorRow{Line: line, Services: splitList(get("services"))}
		s := &row.Subprocessor
		s.Name, s.LegalEntity, s.Address, s.Country, s.Purpose = get("name"), get("legal_entity"), get("address"), get("country"), get("purpose")
		s.DataCategories = splitList(get("data_categories"))
		s.Kind, s.Safeguard, s.SCCModule = SubprocessorKind(get("kind")), Safeguard(get("safeguard")), get("scc_module")
		s.FlowDownSignedOn, s.FlowDownDocument = get("flow_down_signed_on"), get("flow_down_document")
		if v := get("listed"); v != "" {
			if s.Listed, err = strconv.ParseBool(v); err != nil {
				return nil, FieldError("csv", "line %d: listed: must be true or false", line)
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, FieldError("csv", "has no rows after the header")
	}
	return rows, nil
}

// RowError names the line of a row's error.
func RowError(line int, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Code == EINVALID {
		return FieldError("csv", "line %d: %s: %s", line, e.Field, e.Message)
	}
	if errors.As(err, &e) {
		return &Error{Code: e.Code, Field: "csv", Message: fmt.Sprintf("line %d: %s: %s", line, e.Field, e.Message)}
	}
	return err
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return FieldError("csv", "line %d: %v", pe.Line, pe.Err)
	}
	return FieldError("csv", "%v", err)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ";") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
