package http

import (
	"encoding/xml"
	"net"
	"strconv"
	"strings"
	"time"
)

// The Atom feed of the list (RFC 4287): one entry per change announced to
// it, latest first, so that a customer's feed reader learns of a change
// without anyone at the customer watching the page.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name  string `xml:"name"`
	Email string `xml:"email,omitempty"`
	URI   string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     string   `xml:"title"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Link      atomLink `xml:"link"`
	Summary   atomText `xml:"summary"`
	Content   atomText `xml:"content"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// tagAuthority is the host a request came to, without its port: the
// authority of the feed's tag: URIs (RFC 4151).
func tagAuthority(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if host == "" {
		return "localhost"
	}
	return host
}

// writeAtom writes the feed. Entry IDs are tag: URIs dated by the day the
// change was announced, so they never change; the feed's own ID is dated
// by a fixed day for the same reason.
func writeAtom(st *publicState, base, host string) ([]byte, error) {
	authority := tagAuthority(host)
	name := st.Profile.LegalName
	if name == "" {
		name = "art28"
	}
	f := atomFeed{
		ID:       "tag:" + authority + ",2026:subprocessors",
		Title:    "Sub-processor changes · " + name,
		Subtitle: "Every change announced to the list of sub-processors of " + name + ", latest first.",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + "/subprocessors.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/subprocessors"},
		},
		Author: atomPerson{Name: name, Email: st.Profile.DPOEmail, URI: base + "/subprocessors"},
	}
	updated := st.Modified
	for _, c := range st.Changes {
		pc := st.change(c)
		at := c.AnnouncedAt
		if c.ClosedAt != nil && c.ClosedAt.After(at) {
			at = *c.ClosedAt
		}
		if at.After(updated) {
			updated = at
		}
		title := pc.Title
		switch pc.State {
		case "withdrawn":
			title += " (withdrawn)"
		case "completed":
			title += " (completed)"
		}
		summary := pc.Title + ", in " + pc.CountryName + " (" + transferRegionOf(pc.Country).Label() + ")"
		if pc.Safeguard != "" {
			summary += ", safeguard: " + pc.SafeguardLabel
		}
		summary += ". " + pc.Summary
		f.Entries = append(f.Entries, atomEntry{
			ID:        "tag:" + authority + "," + c.AnnouncedAt.UTC().Format(time.DateOnly) + ":subprocessors/change/" + strconv.FormatInt(c.ID, 10),
			Title:     title,
			Published: atomTime(c.AnnouncedAt),
			Updated:   atomTime(at),
			Link:      atomLink{Rel: "alternate", Type: "text/html", Href: base + "/subprocessors#change-" + strconv.FormatInt(c.ID, 10)},
			Summary:   atomText{Type: "text", Text: summary},
			Content:   atomText{Type: "text", Text: changeWords(pc)},
		})
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0) // nothing yet; a fixed instant keeps the ETag stable
	}
	f.Updated = atomTime(updated)
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
