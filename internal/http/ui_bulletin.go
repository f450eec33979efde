package http

import (
	"fmt"
	"net/http"
	"time"

	"github.com/art28/art28"
)

// One bulletin's page for the processor's staff: what it said, and per
// customer the deadline its agreement set, when it was told, how late,
// and when it acknowledged. A withheld bulletin (G4.5) is sent from here.

// bulletinPage is a bulletin with its recipients.
type bulletinPage struct {
	Bulletin   bulletinRow
	Recipients []bulletinRecipientRow
	Error      *formError
}

// bulletinRecipientRow is one customer's copy as the page shows it.
type bulletinRecipientRow struct {
	*art28.BulletinRecipient
	Now time.Time
}

// LateBy is how late the customer was told, in words; empty when on time.
func (r bulletinRecipientRow) LateBy() string {
	if r.Late <= 0 {
		return ""
	}
	return humanDuration(r.Late)
}

// Overdue reports a withheld copy past its deadline.
func (r bulletinRecipientRow) Overdue() bool {
	return r.NotifiedAt == nil && r.DueAt != nil && r.Now.After(*r.DueAt)
}

func (s *Server) renderBulletin(w http.ResponseWriter, r *http.Request, status int, id int64, ferr *formError) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	ctx := r.Context()
	b, err := s.svc.Bulletins.Bulletin(ctx, id)
	if err != nil {
		return err
	}
	list, err := s.svc.Bulletins.BulletinRecipients(ctx, id)
	if err != nil {
		return err
	}
	d := &bulletinPage{Bulletin: bulletinRow{Bulletin: b}, Error: ferr}
	now := s.cfg.Now()
	for _, rc := range list {
		d.Recipients = append(d.Recipients, bulletinRecipientRow{BulletinRecipient: rc, Now: now})
	}
	return s.render(w, r, status, "bulletin", b.Title, d)
}

func (s *Server) uiBulletin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderBulletin(w, r, http.StatusOK, id, nil)
}

// uiSendBulletin sends a withheld bulletin; one sent already is refused
// with 409, shown on its page.
func (s *Server) uiSendBulletin(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Bulletins.SendBulletin(r.Context(), id)
	if status, ok := correctable(err); ok {
		return s.renderBulletin(w, r, status, id, toFormError(err))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/bulletins/%d", id),
		fmt.Sprintf("The bulletin is sent to %d customers.", b.Recipients))
}
