package http

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/art28/art28"
)

// uiAnnounce announces a change from a sub-processor's page. The form
// shows every kind's fields at once (it works without JavaScript), so only
// the fields of the chosen kind are read.
func (s *Server) uiAnnounce(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	spID, err := formInt(r, "subprocessor_id")
	if err != nil {
		return err
	}
	if spID == 0 {
		return art28.FieldError("subprocessor_id", "is required")
	}
	f := r.PostFormValue
	form := announceForm{Kind: f("kind"), Summary: f("summary"), EffectiveFrom: strings.TrimSpace(f("effective_from"))}
	c := &art28.Change{Kind: art28.ChangeKind(form.Kind), SubprocessorID: spID, Summary: form.Summary, EffectiveFrom: form.EffectiveFrom}
	switch c.Kind {
	case art28.ChangeReplace:
		form.ReplacesID, err = formChoice(r, "replaces_id")
		c.ReplacesID = form.ReplacesID
	case art28.ChangeLocation:
		form.NewCountry, form.NewSafeguard, form.NewSCCModule = f("new_country"), f("new_safeguard"), f("new_scc_module")
		c.NewCountry, c.NewSafeguard, c.NewSCCModule = form.NewCountry, art28.Safeguard(form.NewSafeguard), form.NewSCCModule
	case art28.ChangePurpose:
		form.NewPurpose = f("new_purpose")
		c.NewPurpose = form.NewPurpose
	}
	var ann *art28.Announcement
	if err == nil {
		ann, err = s.svc.Changes.Announce(r.Context(), c)
	}
	if status, ok := correctable(err); ok {
		form.Error = toFormError(err)
		if form.Error.Field == "subprocessor_id" {
			form.Error.Field = "" // the entry itself: the message says what is wrong with it
		}
		return s.rerenderSubprocessor(w, r, spID, status, func(d *subprocessorPage) {
			if form.Kind != string(art28.ChangeLocation) {
				form.NewCountry, form.NewSafeguard, form.NewSCCModule = d.Announce.NewCountry, d.Announce.NewSafeguard, d.Announce.NewSCCModule
			}
			d.Announce = form
		})
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("The change is announced: %d agreements told, %d objection windows opened.", ann.Notices, ann.Duties)
	if n := len(ann.Skipped); n > 0 {
		ids := make([]string, 0, min(n, 10))
		for _, id := range ann.Skipped[:min(n, 10)] {
			ids = append(ids, "#"+strconv.FormatInt(id, 10))
		}
		more := ""
		if n > 10 {
			more = fmt.Sprintf(" and %d more", n-10)
		}
		msg += fmt.Sprintf(" %d agreements have no terms and were not told: %s%s.", n, strings.Join(ids, ", "), more)
	}
	return redirect(w, r, fmt.Sprintf("/changes/%d", ann.Change.ID), msg)
}

const (
	changesPerPage = 50
	noticesPerPage = 50
)

// changeRow is a change with the names its row shows.
type changeRow struct {
	*art28.Change
	Subprocessor string
	Replaces     string
	Tally        tallyView
}

type changesPage struct {
	Changes []changeRow
	Pager   pager
}

// subprocessorCache reads each sub-processor a page names once.
type subprocessorCache struct {
	s     *Server
	ctx   context.Context
	cache map[int64]*art28.Subprocessor
}

func (s *Server) newSubprocessorCache(ctx context.Context) *subprocessorCache {
	return &subprocessorCache{s: s, ctx: ctx, cache: map[int64]*art28.Subprocessor{}}
}

func (n *subprocessorCache) get(id int64) (*art28.Subprocessor, error) {
	if id == 0 {
		return nil, nil
	}
	if sp, ok := n.cache[id]; ok {
		return sp, nil
	}
	sp, err := n.s.svc.Subprocessors.Subprocessor(n.ctx, id)
	if err != nil {
		return nil, err
	}
	n.cache[id] = sp
	return sp, nil
}

func (n *subprocessorCache) name(id int64) (string, error) {
	sp, err := n.get(id)
	if sp == nil {
		return "", err
	}
	return sp.Name, nil
}

func (s *Server) uiChanges(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	n, p := pageParam(r, "page", changesPerPage)
	list, total, err := s.svc.Changes.Changes(r.Context(), art28.ChangeFilter{Page: p})
	if err != nil {
		return err
	}
	names := s.newSubprocessorCache(r.Context())
	d := changesPage{Pager: newPager(r, "page", n, changesPerPage, total)}
	for _, c := range list {
		row := changeRow{Change: c, Tally: newTally(c)}
		if row.Subprocessor, err = names.name(c.SubprocessorID); err != nil {
			return err
		}
		if row.Replaces, err = names.name(c.ReplacesID); err != nil {
			return err
		}
		d.Changes = append(d.Changes, row)
	}
	return s.render(w, r, http.StatusOK, "changes", "Changes", d)
}

// tallyView is a change's tally with the segments of its bar. Each
// segment's width is a whole percentage, a class of the stylesheet (the
// pages allow no inline style).
type tallyView struct {
	art28.NoticeTally
	Other    int // withdrawn notices: the tally counts them only among the agreements
	Segments []tallySegment
}

type tallySegment struct {
	Class, Label string
	N, Pct       int
}

func newTally(c *art28.Change) tallyView {
	t := c.Tally
	v := tallyView{NoticeTally: t}
	v.Other = max(0, t.Agreements-t.Open-t.Objected-t.Approved-t.KeptOff)
	parts := []tallySegment{
		{Class: "approved", Label: "approved", N: t.Approved},
		{Class: "open", Label: "window open", N: t.Open},
		{Class: "objected", Label: "objected", N: t.Objected},
		{Class: "kept_off", Label: "kept off", N: t.KeptOff},
		{Class: "withdrawn", Label: "withdrawn", N: v.Other},
	}
	if t.Agreements == 0 {
		return v
	}
	// Largest remainder, so that the widths add up to 100; a state with
	// any notice keeps at least 1% and stays visible.
	sum, order := 0, []int{}
	rems := make([]int, len(parts))
	for i := range parts {
		if parts[i].N == 0 {
			continue
		}
		exact := parts[i].N * 100
		parts[i].Pct, rems[i] = max(1, exact/t.Agreements), exact%t.Agreements
		sum += parts[i].Pct
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b] - rems[a] })
	for i := 0; sum < 100; i = (i + 1) % len(order) {
		parts[order[i]].Pct++
		sum++
	}
	for sum > 100 { // the 1% minimums overshot: take from the widest
		widest := 0
		for i := range parts {
			if parts[i].Pct > parts[widest].Pct {
				widest = i
			}
		}
		parts[widest].Pct--
		sum--
	}
	for _, p := range parts {
		if p.N > 0 {
			v.Segments = append(v.Segments, p)
		}
	}
	return v
}

// Legend lists every count, the empty ones too: a zero is an answer.
func (v tallyView) Legend() []tallySegment {
	return []tallySegment{
		{Class: "approved", Label: "approved", N: v.Approved},
		{Class: "open", Label: "window open", N: v.Open},
		{Class: "objected", Label: "objected", N: v.Objected},
		{Class: "kept_off", Label: "kept off", N: v.KeptOff},
		{Class: "withdrawn", Label: "withdrawn", N: v.Other},
		{Class: "skipped", Label: "skipped (no terms)", N: v.Skipped},
	}
}

type changePage struct {
	Change       *art28.Change
	Subprocessor *art28.Subprocessor
	Replaces     *art28.Subprocessor
	Tally        tallyView
	State        string // the notices' filter
	Notices      []*noticeRow
	Pager        pager
	Withdraw     withdrawForm
	Error        *formError // a refused resolution, shown above the notices
}

type withdrawForm struct {
	Reason string
	Error  *formError
}

// States are the states the notices' filter offers.
func (*changePage) States() []art28.NoticeState { return uiNoticeStates }

// uiNoticeStates are the states the notices' filter offers.
var uiNoticeStates = []art28.NoticeState{art28.NoticeOpen, art28.NoticeObjected, art28.NoticeApproved,
	art28.NoticeKeptOff, art28.NoticeTerminate, art28.NoticeWithdrawn}

func (s *Server) loadChangePage(r *http.Request, id int64) (*changePage, error) {
	ctx := r.Context()
	c, err := s.svc.Changes.Change(ctx, id)
	if err != nil {
		return nil, err
	}
	names := s.newSubprocessorCache(ctx)
	d := &changePage{Change: c, Tally: newTally(c)}
	if d.Subprocessor, err = names.get(c.SubprocessorID); err != nil {
		return nil, err
	}
	if d.Replaces, err = names.get(c.ReplacesID); err != nil {
		return nil, err
	}
	f := art28.NoticeFilter{ChangeID: &id}
	if st := art28.NoticeState(r.URL.Query().Get("state")); has(uiNoticeStates, st) {
		d.State, f.State = string(st), &st
	}
	n, p := pageParam(r, "page", noticesPerPage)
	f.Page = p
	notices, total, err := s.svc.Changes.Notices(ctx, f)
	if err != nil {
		return nil, err
	}
	d.Pager = newPager(r, "page", n, noticesPerPage, total)
	if d.Notices, err = s.uiNoticeRows(ctx, notices); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) uiChange(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.loadChangePage(r, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "change", uiChangeTitle(d.Change, d.Subprocessor), d)
}

func uiChangeTitle(c *art28.Change, sp *art28.Subprocessor) string {
	name := fmt.Sprint(c.SubprocessorID)
	if sp != nil {
		name = sp.Name
	}
	return fmt.Sprintf("Change #%d: %s %s", c.ID, c.Kind, name)
}

func (s *Server) uiWithdraw(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := withdrawForm{Reason: r.PostFormValue("reason")}
	c, err := s.svc.Changes.Withdraw(r.Context(), id, form.Reason)
	if status, ok := correctable(err); ok {
		d, lerr := s.loadChangePage(r, id)
		if lerr != nil {
			return lerr
		}
		form.Error = toFormError(err)
		d.Withdraw = form
		return s.render(w, r, status, "change", uiChangeTitle(d.Change, d.Subprocessor), d)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/changes/%d", id),
		fmt.Sprintf("The change is withdrawn; its %d notices are withdrawn and their windows closed.", c.Tally.Agreements))
}

// transferCheckPage is the transfer check's form and, once asked, its
// answer.
type transferCheckPage struct {
	Agreement     string
	Subprocessor  string
	At            string // datetime-local, UTC
	Subprocessors []*art28.Subprocessor
	Error         *formError

	Decision *art28.TransferDecision
	Ag       *art28.Agreement
	Customer *art28.Customer
	Sub      *art28.Subprocessor
	Zone     string // the agreement's time zone, when it has terms
}

// uiTransferCheck answers whether an agreement's data may go to a
// sub-processor, at a time (now when none), with the reason and clauses.
func (s *Server) uiTransferCheck(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &transferCheckPage{Agreement: strings.TrimSpace(q.Get("agreement")), Subprocessor: strings.TrimSpace(q.Get("subprocessor")),
		At: strings.TrimSpace(q.Get("at"))}
	var err error
	if d.Subprocessors, _, err = s.svc.Subprocessors.Subprocessors(ctx, art28.SubprocessorFilter{Page: art28.Page{Limit: art28.MaxLimit}}); err != nil {
		return err
	}
	status := http.StatusOK
	if d.Agreement != "" || d.Subprocessor != "" {
		err = s.runTransferCheck(ctx, d)
		if code := art28.ErrorCode(err); code == art28.EINVALID || code == art28.ENOTFOUND {
			status, _ = errorStatus(err)
			d.Error, d.Decision = toFormError(err), nil
		} else if err != nil {
			return err
		}
	}
	return s.render(w, r, status, "transfer_check", "Transfer check", d)
}

func (s *Server) runTransferCheck(ctx context.Context, d *transferCheckPage) error {
	agID, err := strconv.ParseInt(strings.TrimPrefix(d.Agreement, "#"), 10, 64)
	if err != nil || agID <= 0 {
		return art28.FieldError("agreement", "must be an agreement's number, such as 12")
	}
	spID, err := strconv.ParseInt(d.Subprocessor, 10, 64)
	if err != nil || spID <= 0 {
		return art28.FieldError("subprocessor", "must be chosen from the list")
	}
	var at time.Time
	if d.At != "" {
		if at, err = parseDatetimeLocal("at", d.At); err != nil {
			return err
		}
	}
	if d.Ag, err = s.svc.Agreements.Agreement(ctx, agID); err != nil {
		return notFoundAs(err, "agreement")
	}
	if d.Sub, err = s.svc.Subprocessors.Subprocessor(ctx, spID); err != nil {
		return notFoundAs(err, "subprocessor")
	}
	if d.Customer, err = s.svc.Customers.Customer(ctx, d.Ag.CustomerID); err != nil {
		return err
	}
	if e, err := s.svc.Terms.AgreementTerms(ctx, agID); err == nil && e.Terms != nil {
		d.Zone = e.Terms.TimeZone
	} else if err != nil && art28.ErrorCode(err) != art28.ENOTFOUND {
		return err
	}
	d.Decision, err = s.svc.Transfers.CheckTransfer(ctx, agID, spID, at)
	return err
}

// notFoundAs names the form field of a lookup that found nothing.
func notFoundAs(err error, field string) error {
	if art28.ErrorCode(err) == art28.ENOTFOUND {
		return &art28.Error{Code: art28.ENOTFOUND, Field: field, Message: art28.ErrorMessage(err)}
	}
	return err
}
