// Package terms reads terms files (format v1, docs/terms.md) into the
// domain's Terms, and reports every problem as file:line: key: reason.
package terms

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/calendar"
	"go.yaml.in/yaml/v3"
)

// Error is one problem in a terms file.
type Error struct {
	File   string
	Line   int
	Key    string // the key path, such as clauses.subprocessor_notice.period
	Reason string
}

func (e Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Key, e.Reason)
}

// Errors are all the problems found in a file, in the order of the file.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Enumerations of docs/terms.md.
var (
	channels   = []string{"email", "post", "registered_letter", "portal", "webhook", "list_page"}
	objections = []string{"allowed", "allowed_with_termination", "not_allowed"}
	silences   = []string{"approves", "nothing"}
	lifters    = []string{"breach", "incident", "other_audit", "authority_order", "specific_reason"}
	outcomes   = []string{"return", "delete", "controller_choice"}
	mechanisms = []string{"adequacy", "scc_2021_914", "uk_addendum", "bcr", "art46"}
	otherwises = []string{"prior_consent", "refused"}
	termsID    = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	clauseID   = regexp.MustCompile(`^[LCSG]([0-9]+(\.[0-9]+)*|-annex)$`)
	yamlLine   = regexp.MustCompile(`line (\d+)`)
)

// common are the fields every clause may have.
var common = []string{"period", "target", "roll", "channels", "notify", "implements"}

// own are the fields of each clause key besides the common ones.
var own = map[art28.ClauseKey][]string{
	art28.BreachNotification: nil,
	art28.SubprocessorNotice: {"objection", "silence"},
	art28.AuditNotice:        nil,
	art28.AuditFrequency:     {"max", "per", "lifted_by"},
	art28.TerminationNotice:  nil,
	art28.RetrievalWindow:    nil,
	art28.EndOfContract:      {"outcome"},
	art28.DataLocation:       {"allowed"},
	art28.TransferSafeguards: {"allowed", "otherwise"},
	art28.RequestForwarding:  nil,

	art28.DisruptionNotice:      nil,
	art28.ViolationNotice:       nil,
	art28.AuthorityActionNotice: nil,
	art28.SeizureNotice:         nil,
	art28.LegalObligationNotice: nil,
	art28.MeasuresNotice:        nil,
	art28.CertificationNotice:   nil,
	art28.DPOChangeNotice:       nil,
}

// Parse reads a terms file; name is used in error messages. It returns
// Errors listing every problem, or the terms.
func Parse(name string, data []byte) (*art28.Terms, error) {
	p := &parser{file: name}
	doc := p.document(data)
	if doc == nil {
		return nil, p.errs
	}
	return p.terms(doc, data)
}

// document reads data into the mapping at its top, or reports why not.
func (p *parser) document(data []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		p.fail(line, "", "not valid YAML: "+strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.fail(1, "", "a terms file is a mapping with the keys terms, timezone, calendar and clauses")
		return nil
	}
	return doc.Content[0]
}

// Merge applies overrides (YAML with a single key, clauses, whose clauses
// and fields replace or add to the base's) to a valid terms file, and
// checks the result like a file. Errors name the overrides' lines. Sources
// maps each field key of the result to "template" or "override".
func Merge(base []byte, overrides string) (*art28.Terms, map[string]string, error) {
	p := &parser{file: "overrides"}
	top := p.document(base)
	if top == nil {
		return nil, nil, p.errs
	}
	overridden := map[string]bool{}
	if strings.TrimSpace(overrides) != "" {
		o := p.document([]byte(overrides))
		if o == nil {
			return nil, nil, p.errs
		}
		f := p.fields(o, "", []string{"clauses"})
		oc := f["clauses"]
		if oc == nil || oc.Kind != yaml.MappingNode {
			p.fail(o.Line, "clauses", "overrides change clauses only: write clauses: and the clause keys under it")
			return nil, nil, p.errs
		}
		bc := mapValue(top, "clauses")
		for i := 0; i+1 < len(oc.Content); i += 2 {
			ck, cv := oc.Content[i], oc.Content[i+1]
			target := mapValue(bc, ck.Value)
			if target == nil || cv.Kind != yaml.MappingNode {
				// A clause the template lacks comes whole from the overrides.
				bc.Content = append(bc.Content, ck, cv)
				for j := 0; j+1 < len(cv.Content); j += 2 {
					overridden["clauses."+ck.Value+"."+cv.Content[j].Value] = true
				}
				continue
			}
			for j := 0; j+1 < len(cv.Content); j += 2 {
				fk, fv := cv.Content[j], cv.Content[j+1]
				overridden["clauses."+ck.Value+"."+fk.Value] = true
				if !setMapValue(target, fk.Value, fv) {
					target.Content = append(target.Content, fk, fv)
				}
			}
		}
		if len(p.errs) > 0 {
			return nil, nil, p.errs
		}
	}
	t, err := p.terms(top, append(append([]byte{}, base...), overrides...))
	if err != nil {
		return nil, nil, err
	}
	sources := map[string]string{}
	for k := range t.Fields() {
		sources[k] = "template"
		if overridden[k] {
			sources[k] = "override"
		}
	}
	return t, sources, nil
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setMapValue replaces the value of key in a mapping node.
func setMapValue(m *yaml.Node, key string, v *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return true
		}
	}
	return false
}

// terms reads the top mapping of a terms file; data is what its hash is of.
func (p *parser) terms(top *yaml.Node, data []byte) (*art28.Terms, error) {
	sum := sha256.Sum256(data)
	t := &art28.Terms{Clauses: map[art28.ClauseKey]*art28.ClauseTerms{}, Hash: hex.EncodeToString(sum[:])}
	seen := p.fields(top, "", []string{"terms", "title", "timezone", "calendar", "clauses"})
	for _, req := range []string{"terms", "timezone", "calendar", "clauses"} {
		if seen[req] == nil {
			p.fail(top.Line, req, "is required")
		}
	}
	if n := seen["terms"]; n != nil {
		if t.ID = p.str(n, "terms"); t.ID != "" && !termsID.MatchString(t.ID) {
			p.fail(n.Line, "terms", "must be 1-64 lower-case letters, digits, '.', '_' or '-'")
		}
	}
	if n := seen["title"]; n != nil {
		t.Title = p.str(n, "title")
	}
	if n := seen["timezone"]; n != nil {
		if t.TimeZone = p.str(n, "timezone"); t.TimeZone != "" {
			if _, err := time.LoadLocation(t.TimeZone); err != nil || t.TimeZone == "Local" {
				p.fail(n.Line, "timezone", fmt.Sprintf("%q is not an IANA time zone, such as Europe/Paris", t.TimeZone))
			}
		}
	}
	if n := seen["calendar"]; n != nil {
		if t.Calendar = p.str(n, "calendar"); t.Calendar != "" {
			if c, err := calendar.Lookup(t.Calendar); err != nil {
				p.fail(n.Line, "calendar", err.Error())
			} else {
				t.Calendar = c.Code()
			}
		}
	}
	if n := seen["clauses"]; n != nil {
		p.clauses(n, t)
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		return nil, p.errs
	}
	return t, nil
}

type parser struct {
	file string
	errs Errors
}

func (p *parser) fail(line int, key, reason string) {
	p.errs = append(p.errs, Error{File: p.file, Line: line, Key: key, Reason: reason})
}

// fields reads a mapping whose keys must be among allowed; it reports
// unknown and repeated keys and returns the values by key.
func (p *parser) fields(n *yaml.Node, path string, allowed []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		switch {
		case !slices.Contains(allowed, k.Value):
			p.fail(k.Line, key, "is not a known key here (known: "+strings.Join(allowed, ", ")+")")
		case out[k.Value] != nil:
			p.fail(k.Line, key, "is given twice")
		default:
			out[k.Value] = v
		}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// str reads a scalar string.
func (p *parser) str(n *yaml.Node, key string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n.Line, key, "must be a single value")
		return ""
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		p.fail(n.Line, key, "is empty")
	}
	return s
}

// list reads a sequence of strings (a single value counts as a list of
// one), each checked against allowed when given.
func (p *parser) list(n *yaml.Node, key string, allowed []string) []string {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []string
	for _, it := range items {
		s := p.str(it, key)
		if s == "" {
			continue
		}
		if allowed != nil && !slices.Contains(allowed, s) {
			p.fail(it.Line, key, fmt.Sprintf("%q is not one of %s", s, strings.Join(allowed, ", ")))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) enum(n *yaml.Node, key string, allowed []string) string {
	s := p.str(n, key)
	if s != "" && !slices.Contains(allowed, s) {
		p.fail(n.Line, key, fmt.Sprintf("%q is not one of %s", s, strings.Join(allowed, ", ")))
		return ""
	}
	return s
}

func (p *parser) period(n *yaml.Node, key string, target *yaml.Node) *art28.Period {
	s := p.str(n, key)
	if s == "" {
		return nil
	}
	var targets []string
	if target != nil {
		targets = append(targets, p.str(target, key))
	}
	per, err := art28.ParsePeriod(s, targets...)
	if err != nil {
		p.fail(n.Line, key, err.Error())
		return nil
	}
	if target != nil && !per.UndueDelay {
		p.fail(target.Line, strings.TrimSuffix(key, "period")+"target", "is only for a period of \"without undue delay\"")
		return nil
	}
	return &per
}

func (p *parser) clauses(n *yaml.Node, t *art28.Terms) {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		p.fail(n.Line, "clauses", "must map at least one clause key to its terms")
		return
	}
	keys := make([]string, len(art28.ClauseKeys))
	for i, k := range art28.ClauseKeys {
		keys[i] = string(k)
	}
	for k, v := range p.fields(n, "clauses", keys) {
		path := "clauses." + k
		if v.Kind != yaml.MappingNode {
			p.fail(v.Line, path, "must be a mapping of the clause's fields")
			continue
		}
		key := art28.ClauseKey(k)
		t.Clauses[key] = p.clause(v, path, key)
	}
}

func (p *parser) clause(n *yaml.Node, path string, key art28.ClauseKey) *art28.ClauseTerms {
	f := p.fields(n, path, append(slices.Clone(common), own[key]...))
	c := &art28.ClauseTerms{}
	if v := f["period"]; v != nil {
		c.Period = p.period(v, path+".period", f["target"])
	} else if v := f["target"]; v != nil {
		p.fail(v.Line, path+".target", "is only for a period of \"without undue delay\"")
	}
	if v := f["roll"]; v != nil {
		if s := p.str(v, path+".roll"); s != "" && s != "next working day" {
			p.fail(v.Line, path+".roll", `must be "next working day" (leave it out for no roll)`)
		} else if c.Period != nil && (c.Period.Unit == art28.Hours || c.Period.Unit == art28.WorkingDays) {
			p.fail(v.Line, path+".roll", "applies to periods in days or months only")
		} else {
			c.Roll = s != ""
		}
	}
	if v := f["channels"]; v != nil {
		c.Channels = p.list(v, path+".channels", channels)
	}
	if v := f["notify"]; v != nil {
		roles := make([]string, len(art28.ContactRoles))
		for i, r := range art28.ContactRoles {
			roles[i] = string(r)
		}
		for _, r := range p.list(v, path+".notify", roles) {
			c.Notify = append(c.Notify, art28.ContactRole(r))
		}
	}
	if v := f["implements"]; v != nil {
		for _, id := range p.list(v, path+".implements", nil) {
			if !clauseID.MatchString(id) {
				p.fail(v.Line, path+".implements", fmt.Sprintf("%q is not a clause ID of CLAUSES.md, such as G9.1 or C7", id))
				continue
			}
			c.Implements = append(c.Implements, id)
		}
	}
	if v := f["objection"]; v != nil {
		c.Objection = p.enum(v, path+".objection", objections)
	}
	if v := f["silence"]; v != nil {
		c.Silence = p.enum(v, path+".silence", silences)
	}
	if v := f["max"]; v != nil {
		s := p.str(v, path+".max")
		if n, err := strconv.Atoi(s); s != "" && (err != nil || n < 1 || n > 100) {
			p.fail(v.Line, path+".max", "must be a whole number from 1 to 100")
		} else {
			c.Max = n
		}
	}
	if v := f["per"]; v != nil {
		if c.Per = p.period(v, path+".per", nil); c.Per != nil && c.Per.UndueDelay {
			p.fail(v.Line, path+".per", "must be a number of days or months")
		}
	}
	if v := f["lifted_by"]; v != nil {
		c.LiftedBy = p.list(v, path+".lifted_by", lifters)
	}
	if key == art28.AuditFrequency && (f["max"] == nil || f["per"] == nil) {
		p.fail(n.Line, path, "needs max and per")
	}
	if v := f["outcome"]; v != nil {
		c.Outcome = p.enum(v, path+".outcome", outcomes)
	}
	if v := f["allowed"]; v != nil {
		if key == art28.TransferSafeguards {
			c.Allowed = p.list(v, path+".allowed", mechanisms)
		} else {
			for _, code := range p.list(v, path+".allowed", nil) {
				code = strings.ToUpper(code)
				if code != "EU" && code != "EEA" && art28.CountryName(code) == code {
					p.fail(v.Line, path+".allowed", fmt.Sprintf("%q is not EU, EEA or an ISO 3166-1 country code", code))
					continue
				}
				c.Allowed = append(c.Allowed, code)
			}
		}
	}
	if v := f["otherwise"]; v != nil {
		c.Otherwise = p.enum(v, path+".otherwise", otherwises)
	}
	return c
}
