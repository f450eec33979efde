package http

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// publicState is what the public list shows, read once per request as the
// public actor: the processor's profile, the listed sub-processors (never
// an ancillary service), and every change announced to the list.
type publicState struct {
	Profile  *art28.ProcessorProfile
	Listed   []*art28.Subprocessor         // listed sub-processors, by name
	entries  map[int64]*art28.Subprocessor // every sub-processor, for the changes' words
	services map[int64]string
	Changes  []*art28.Change // latest first
	// windowsClose is, for each announced change, when the last of its
	// objection windows closes; absent when none has a window.
	windowsClose map[int64]time.Time
	// Modified is the latest instant anything shown changed: the
	// Last-Modified of every representation.
	Modified time.Time
}

// publicContext is the context the public pages read the store in: an
// anonymous visitor, whoever is signed in, so that every visitor sees the
// same list.
func publicContext(ctx context.Context, source string) context.Context {
	return art28.NewContext(ctx, art28.PublicActor(source))
}

// loadPublic reads the public state. It calls only the reads the list
// needs; the store's filters leave ancillary services out.
func (s *Server) loadPublic(ctx context.Context) (*publicState, error) {
	st := &publicState{entries: map[int64]*art28.Subprocessor{}, services: map[int64]string{}, windowsClose: map[int64]time.Time{}}
	var err error
	if st.Profile, err = s.svc.Processor.Profile(ctx); err != nil {
		return nil, err
	}
	kind := art28.KindSubprocessor
	all, err := readAll(func(p art28.Page) ([]*art28.Subprocessor, int, error) {
		return s.svc.Subprocessors.Subprocessors(ctx, art28.SubprocessorFilter{Kind: &kind, Page: p})
	})
	if err != nil {
		return nil, err
	}
	for _, sp := range all {
		if sp.Kind != art28.KindSubprocessor {
			continue // the filter's job; kept here too, as the list is public
		}
		st.entries[sp.ID] = sp
		if sp.Listed {
			st.Listed = append(st.Listed, sp)
			st.touch(sp.UpdatedAt)
		}
	}
	services, err := readAll(func(p art28.Page) ([]*art28.Service, int, error) {
		return s.svc.Services.Services(ctx, art28.ServiceFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	for _, svc := range services {
		st.services[svc.ID] = svc.Name
	}
	if st.Changes, err = readAll(func(p art28.Page) ([]*art28.Change, int, error) {
		return s.svc.Changes.Changes(ctx, art28.ChangeFilter{Page: p})
	}); err != nil {
		return nil, err
	}
	for _, c := range st.Changes {
		st.touch(c.AnnouncedAt)
		if c.ClosedAt != nil {
			st.touch(*c.ClosedAt)
		}
		if sp := st.entries[c.SubprocessorID]; sp != nil {
			st.touch(sp.UpdatedAt)
		}
		if c.State != art28.ChangeAnnounced {
			continue
		}
		// Only the latest window end leaves this function: which
		// customers were told is not the public's business.
		notices, err := readAll(func(p art28.Page) ([]*art28.Notice, int, error) {
			return s.svc.Changes.Notices(ctx, art28.NoticeFilter{ChangeID: &c.ID, Page: p})
		})
		if err != nil {
			return nil, err
		}
		for _, n := range notices {
			if n.WindowEnd != nil && n.WindowEnd.After(st.windowsClose[c.ID]) {
				st.windowsClose[c.ID] = n.WindowEnd.UTC()
			}
		}
	}
	st.touch(st.Profile.UpdatedAt)
	return st, nil
}

func (st *publicState) touch(t time.Time) {
	if t.After(st.Modified) {
		st.Modified = t.UTC()
	}
}

// readAll reads every page of a list.
func readAll[T any](list func(art28.Page) ([]T, int, error)) ([]T, error) {
	var out []T
	for offset := 0; ; {
		items, total, err := list(art28.Page{Offset: offset, Limit: art28.MaxLimit})
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		offset += len(items)
		if len(items) == 0 || offset >= total {
			return out, nil
		}
	}
}

// The list in JSON: the shape is the public contract of
// /subprocessors.json, so its fields are named here, not borrowed from the
// register's records.
type publicList struct {
	Processor        publicProcessor      `json:"processor"`
	UpdatedAt        *time.Time           `json:"updated_at"`
	Subprocessors    []publicSubprocessor `json:"subprocessors"`
	AnnouncedChanges []publicChange       `json:"announced_changes"`
}

type publicProcessor struct {
	Name string    `json:"name"`
	DPO  publicDPO `json:"dpo"`
}

type publicDPO struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

type publicSubprocessor struct {
	Name           string   `json:"name"`
	LegalEntity    string   `json:"legal_entity"`
	Country        string   `json:"country"`
	CountryName    string   `json:"country_name"`
	EEA            bool     `json:"eea"`
	Purpose        string   `json:"purpose"`
	Services       []string `json:"services"`
	DataCategories []string `json:"data_categories"`
	Safeguard      string   `json:"safeguard"`
	SafeguardLabel string   `json:"safeguard_label"`
	SCCModule      string   `json:"scc_module"`
	// For the page: the region of the picture and the safeguard's colour.
	Region transferRegion `json:"-"`
	Class  string         `json:"-"`
}

// publicChange is an announced change as the list shows it: what it does,
// to whom, where and under which safeguard once it takes effect.
type publicChange struct {
	ID             int64      `json:"id"`
	Kind           string     `json:"kind"`
	Subprocessor   string     `json:"subprocessor"`
	LegalEntity    string     `json:"legal_entity"`
	Replaces       string     `json:"replaces,omitempty"`
	Country        string     `json:"country"`
	CountryName    string     `json:"country_name"`
	EEA            bool       `json:"eea"`
	Purpose        string     `json:"purpose"`
	Safeguard      string     `json:"safeguard"`
	SafeguardLabel string     `json:"safeguard_label"`
	Summary        string     `json:"summary"`
	EffectiveFrom  string     `json:"effective_from"`
	State          string     `json:"state"`
	AnnouncedAt    time.Time  `json:"announced_at"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	// WindowsCloseBy is when the last customer's objection window closes;
	// null when no agreement gives one. Each window runs on its own
	// agreement's clock.
	WindowsCloseBy *time.Time `json:"windows_close_by"`
	Title          string     `json:"-"`
	Class          string     `json:"-"`
}

// RegionN and RegionLabel place an entry for the page.
func (p publicSubprocessor) RegionN() int        { return int(p.Region) }
func (p publicSubprocessor) RegionLabel() string { return p.Region.Label() }
func (c publicChange) RegionN() int              { return int(transferRegionOf(c.Country)) }
func (c publicChange) RegionLabel() string       { return transferRegionOf(c.Country).Label() }

func (st *publicState) list() publicList {
	p := st.Profile
	out := publicList{
		Processor:        publicProcessor{Name: p.LegalName, DPO: publicDPO{Name: p.DPOName, Email: p.DPOEmail, Phone: p.DPOPhone}},
		Subprocessors:    []publicSubprocessor{},
		AnnouncedChanges: []publicChange{},
	}
	if !st.Modified.IsZero() {
		m := st.Modified
		out.UpdatedAt = &m
	}
	for _, sp := range st.Listed {
		names := make([]string, 0, len(sp.ServiceIDs))
		for _, id := range sp.ServiceIDs {
			names = append(names, st.serviceName(id))
		}
		slices.Sort(names)
		out.Subprocessors = append(out.Subprocessors, publicSubprocessor{
			Name: sp.Name, LegalEntity: sp.LegalEntity, Country: sp.Country, CountryName: art28.CountryName(sp.Country),
			EEA: art28.InEEA(sp.Country), Purpose: sp.Purpose, Services: names, DataCategories: nonNil(sp.DataCategories),
			Safeguard: string(sp.Safeguard), SafeguardLabel: sp.Safeguard.Label(), SCCModule: sp.SCCModule,
			Region: transferRegionOf(sp.Country), Class: safeguardClass(sp.Safeguard),
		})
	}
	for _, c := range st.Changes {
		if c.State == art28.ChangeAnnounced {
			out.AnnouncedChanges = append(out.AnnouncedChanges, st.change(c))
		}
	}
	return out
}

func (st *publicState) serviceName(id int64) string {
	if n, ok := st.services[id]; ok {
		return n
	}
	return "service " + strconv.FormatInt(id, 10)
}

// change describes c with the sub-processor as the change leaves it.
func (st *publicState) change(c *art28.Change) publicChange {
	sp := st.entries[c.SubprocessorID]
	if sp == nil { // not a sub-processor the public list may name
		sp = &art28.Subprocessor{Name: "a sub-processor"}
	}
	// A change says what it does, whether it is under way, done or
	// withdrawn: a move names where to, a new purpose the purpose.
	country, safeguard, purpose := sp.Country, sp.Safeguard, sp.Purpose
	switch c.Kind {
	case art28.ChangeLocation:
		country, safeguard = c.NewCountry, c.NewSafeguard
	case art28.ChangePurpose:
		purpose = c.NewPurpose
	}
	out := publicChange{ID: c.ID, Kind: string(c.Kind), Subprocessor: sp.Name, LegalEntity: sp.LegalEntity,
		Country: country, CountryName: art28.CountryName(country), EEA: art28.InEEA(country), Purpose: purpose,
		Safeguard: string(safeguard), SafeguardLabel: safeguard.Label(), Summary: c.Summary, EffectiveFrom: c.EffectiveFrom,
		State: string(c.State), AnnouncedAt: c.AnnouncedAt.UTC(), ClosedAt: c.ClosedAt, Class: safeguardClass(safeguard)}
	if old := st.entries[c.ReplacesID]; c.Kind == art28.ChangeReplace && old != nil {
		out.Replaces = old.Name
	}
	if end, ok := st.windowsClose[c.ID]; ok {
		out.WindowsCloseBy = &end
	}
	out.Title = changeTitle(out)
	return out
}

// changeTitle says what a change does, in a line.
func changeTitle(c publicChange) string {
	switch art28.ChangeKind(c.Kind) {
	case art28.ChangeAdd:
		return "New sub-processor: " + c.Subprocessor
	case art28.ChangeReplace:
		if c.Replaces != "" {
			return c.Subprocessor + " replaces " + c.Replaces
		}
		return c.Subprocessor + " replaces a sub-processor"
	case art28.ChangeRemove:
		return "Sub-processor removed: " + c.Subprocessor
	case art28.ChangeLocation:
		return c.Subprocessor + " moves to " + c.CountryName
	case art28.ChangePurpose:
		return "New purpose for " + c.Subprocessor
	}
	return c.Subprocessor
}

// changeWords is a change in words: the text of its feed entry.
func changeWords(c publicChange) string {
	var b strings.Builder
	line := func(label, v string) {
		if v != "" {
			b.WriteString(label + ": " + v + "\n")
		}
	}
	line("Change", kindWords[art28.ChangeKind(c.Kind)])
	name := c.Subprocessor
	if c.LegalEntity != "" && c.LegalEntity != c.Subprocessor {
		name += " (" + c.LegalEntity + ")"
	}
	line("Sub-processor", name)
	line("Replaces", c.Replaces)
	if c.Country != "" {
		line("Country", c.CountryName+" ("+transferRegionOf(c.Country).Label()+")")
	}
	line("Purpose", c.Purpose)
	if c.Safeguard != "" {
		line("Safeguard", c.SafeguardLabel)
	}
	line("Effective from", c.EffectiveFrom)
	status := "announced " + c.AnnouncedAt.Format("2006-01-02")
	switch {
	case c.State == string(art28.ChangeCompleted) && c.ClosedAt != nil:
		status = "completed " + c.ClosedAt.Format("2006-01-02") + "; " + status
	case c.State == string(art28.ChangeWithdrawn) && c.ClosedAt != nil:
		status = "withdrawn " + c.ClosedAt.Format("2006-01-02") + "; " + status
	case c.WindowsCloseBy != nil:
		status += "; customers' objection windows close by " + c.WindowsCloseBy.Format("2006-01-02 15:04 UTC")
	default:
		status += "; objection windows run on each agreement's own clock"
	}
	line("Status", status)
	if c.Summary != "" {
		b.WriteString("\n" + c.Summary + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

var kindWords = map[art28.ChangeKind]string{
	art28.ChangeAdd:      "a new sub-processor",
	art28.ChangeReplace:  "a sub-processor replaced",
	art28.ChangeRemove:   "a sub-processor removed",
	art28.ChangeLocation: "a new location",
	art28.ChangePurpose:  "a new purpose",
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
