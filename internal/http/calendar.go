package http

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/art28/art28"
)

// feedDuties bounds a feed: the next duties by deadline.
const feedDuties = 500

// calendarFeed serves a user's open duties as an iCalendar feed (RFC 5545)
// at a secret address, so that deadlines show in the calendar people
// already read. The feed sees what its user sees.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	u, err := s.svc.Users.CalendarUser(r.Context(), token)
	if art28.ErrorCode(err) == art28.EUNAUTHORIZED {
		// A calendar cannot sign in: an unknown address is simply absent.
		return art28.Errorf(art28.ENOTFOUND, "No calendar at this address.")
	} else if err != nil {
		return err
	}
	ctx := art28.NewContext(r.Context(), art28.Actor{UserID: u.ID, Name: u.Email, Role: u.Role, CustomerID: u.CustomerID, Source: remoteAddr(r)})
	duties, err := s.svc.Duties.NextDue(ctx, feedDuties)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, err = w.Write([]byte(icalendar(duties, s.cfg.Now(), s.baseURL(r))))
	return err
}

// baseURL is the address the request came to, for links in the feed.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// icalendar writes duties as VEVENTs: each ends at its deadline (a
// one-minute event, so that calendars show the instant), with an alarm a
// day before.
func icalendar(duties []*art28.Duty, now time.Time, base string) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//art28//duties//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:art28 duties")
	stamp := now.UTC().Format("20060102T150405Z")
	for _, d := range duties {
		due := d.DueAt.UTC()
		line("BEGIN:VEVENT")
		line(fmt.Sprintf("UID:duty-%d@art28", d.ID))
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + due.Add(-time.Minute).Format("20060102T150405Z"))
		line("DTEND:" + due.Format("20060102T150405Z"))
		line("SUMMARY:" + escapeText("Due: "+d.Title))
		desc := fmt.Sprintf("%s, opened %s.", d.Kind, d.OpenedAt.UTC().Format("2006-01-02 15:04 UTC"))
		if len(d.ClauseIDs) > 0 {
			desc += " Clauses: " + strings.Join(d.ClauseIDs, ", ") + "."
		}
		line("DESCRIPTION:" + escapeText(desc))
		line(fmt.Sprintf("URL:%s/duties/%d", base, d.ID))
		line("BEGIN:VALARM")
		line("ACTION:DISPLAY")
		line("DESCRIPTION:" + escapeText("Due tomorrow: "+d.Title))
		line("TRIGGER:-P1D")
		line("END:VALARM")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

// escapeText escapes a TEXT value (RFC 5545, 3.3.11).
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 character (RFC 5545, 3.1).
func fold(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
	return b.String()
}

type calendarPage struct {
	URL string // shown once, right after it is made
}

func (s *Server) uiCalendar(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "calendar", "Calendar of duties", calendarPage{})
}

func (s *Server) uiNewCalendarToken(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireSignedIn(r); err != nil {
		return err
	}
	token, err := s.svc.Users.NewCalendarToken(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "calendar", "Calendar of duties", calendarPage{URL: s.baseURL(r) + "/calendar/" + token + ".ics"})
}
