package http

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/art28/art28"
)

// subprocessorAPIRoutes are the register, changes, notices, deliveries,
// webhook endpoints and the transfer check.
func (s *Server) subprocessorAPIRoutes() []Route {
	return []Route{
		{Pattern: "GET /api/v1/subprocessors", Handle: s.apiListSubprocessors},
		{Pattern: "POST /api/v1/subprocessors", Handle: s.apiCreateSubprocessor},
		{Pattern: "GET /api/v1/subprocessors/export", Handle: s.apiExportSubprocessors},
		{Pattern: "POST /api/v1/subprocessors/import", Handle: s.apiImportSubprocessors},
		{Pattern: "GET /api/v1/subprocessors/{id}", Handle: s.apiGetSubprocessor},
		{Pattern: "PUT /api/v1/subprocessors/{id}", Handle: s.apiUpdateSubprocessor},
		{Pattern: "GET /api/v1/subprocessors/{id}/reviews", Handle: s.apiListReviews},
		{Pattern: "POST /api/v1/subprocessors/{id}/reviews", Handle: s.apiAddReview},

		{Pattern: "GET /api/v1/changes", Handle: s.apiListChanges},
		{Pattern: "POST /api/v1/changes", Handle: s.apiAnnounce},
		{Pattern: "GET /api/v1/changes/{id}", Handle: s.apiGetChange},
		{Pattern: "POST /api/v1/changes/{id}/withdraw", Handle: s.apiWithdraw},

		{Pattern: "GET /api/v1/notices", Handle: s.apiListNotices},
		{Pattern: "GET /api/v1/notices/{id}", Scoped: true, Handle: s.apiGetNotice},
		{Pattern: "POST /api/v1/notices/{id}/object", Scoped: true, Handle: s.apiObject},
		{Pattern: "POST /api/v1/notices/{id}/consent", Scoped: true, Handle: s.apiConsent},
		{Pattern: "POST /api/v1/notices/{id}/resolve", Scoped: true, Handle: s.apiResolve},

		{Pattern: "GET /api/v1/deliveries", Handle: s.apiListDeliveries},
		{Pattern: "POST /api/v1/deliveries/retry", Handle: s.apiRetryDeliveries},
		{Pattern: "GET /api/v1/customers/{id}/webhooks", Scoped: true, Handle: s.apiListWebhooks},
		{Pattern: "POST /api/v1/customers/{id}/webhooks", Scoped: true, Handle: s.apiCreateWebhook},
		{Pattern: "POST /api/v1/customers/{id}/webhooks/{webhook}/disable", Scoped: true, Handle: s.apiDisableWebhook},

		{Pattern: "GET /api/v1/transfer-check", Handle: s.apiTransferCheck},
	}
}

func (s *Server) apiListSubprocessors(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := art28.SubprocessorFilter{Query: q.Get("q"), Page: p}
	if v := q.Get("listed"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return art28.FieldError("listed", "must be true or false")
		}
		f.Listed = &b
	}
	if v := q.Get("kind"); v != "" {
		k := art28.SubprocessorKind(v)
		if k != art28.KindSubprocessor && k != art28.KindAncillary {
			return art28.FieldError("kind", "must be subprocessor or ancillary")
		}
		f.Kind = &k
	}
	list, total, err := s.svc.Subprocessors.Subprocessors(r.Context(), f)
	return listed(w, p, list, total, err)
}

// subprocessorInput is the body that creates or replaces an entry; the
// server's own fields (id, times) are not part of it.
type subprocessorInput struct {
	Name             string                 `json:"name"`
	LegalEntity      string                 `json:"legal_entity"`
	Address          string                 `json:"address"`
	Country          string                 `json:"country"`
	Purpose          string                 `json:"purpose"`
	ServiceIDs       []int64                `json:"service_ids"`
	DataCategories   []string               `json:"data_categories"`
	Kind             art28.SubprocessorKind `json:"kind"`
	Safeguard        art28.Safeguard        `json:"safeguard"`
	SCCModule        string                 `json:"scc_module"`
	FlowDownSignedOn string                 `json:"flow_down_signed_on"`
	FlowDownDocument string                 `json:"flow_down_document"`
	Listed           bool                   `json:"listed"`
}

func (in subprocessorInput) entry() *art28.Subprocessor {
	return &art28.Subprocessor{Name: in.Name, LegalEntity: in.LegalEntity, Address: in.Address, Country: in.Country,
		Purpose: in.Purpose, ServiceIDs: in.ServiceIDs, DataCategories: in.DataCategories, Kind: in.Kind,
		Safeguard: in.Safeguard, SCCModule: in.SCCModule, FlowDownSignedOn: in.FlowDownSignedOn,
		FlowDownDocument: in.FlowDownDocument, Listed: in.Listed}
}

func (s *Server) apiCreateSubprocessor(w http.ResponseWriter, r *http.Request) error {
	var in subprocessorInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sp := in.entry()
	if err := s.svc.Subprocessors.CreateSubprocessor(r.Context(), sp); err != nil {
		return err
	}
	return created(w, sp)
}

func (s *Server) apiGetSubprocessor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sp, err := s.svc.Subprocessors.Subprocessor(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, sp)
}

func (s *Server) apiUpdateSubprocessor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in subprocessorInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sp := in.entry()
	sp.ID = id
	if err := s.svc.Subprocessors.UpdateSubprocessor(r.Context(), sp); err != nil {
		return err
	}
	return ok(w, sp)
}

// apiExportSubprocessors writes the whole register as CSV, in the columns
// the import reads.
func (s *Server) apiExportSubprocessors(w http.ResponseWriter, r *http.Request) error {
	a, _ := art28.ActorFrom(r.Context())
	if a.IsCustomer() {
		return art28.Errorf(art28.EFORBIDDEN, "The register's export is for the processor's staff; the public list has a CSV form.")
	}
	var all []*art28.Subprocessor
	for p := (art28.Page{Limit: art28.MaxLimit}); ; p.Offset += p.Limit {
		list, total, err := s.svc.Subprocessors.Subprocessors(r.Context(), art28.SubprocessorFilter{Page: p})
		if err != nil {
			return err
		}
		all = append(all, list...)
		if p.Offset+p.Limit >= total {
			break
		}
	}
	name, err := s.uiServiceNames(r.Context())
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := art28.WriteSubprocessorsCSV(&b, all, name, false); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="subprocessors.csv"`)
	_, err = w.Write(b.Bytes())
	return err
}

// importResult says how many entries a CSV import created.
type importResult struct {
	Created int `json:"created"`
}

func (s *Server) apiImportSubprocessors(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		return art28.FieldError("Content-Type", "must be text/csv")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // over MaxBody: 413
	}
	n, err := s.svc.Subprocessors.ImportSubprocessors(r.Context(), body)
	if err != nil {
		return err
	}
	return created(w, importResult{Created: n})
}

func (s *Server) apiListReviews(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Subprocessors.Reviews(r.Context(), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*art28.Review{}
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

// reviewInput records a review.
type reviewInput struct {
	ReviewedOn string              `json:"reviewed_on"`
	Reviewer   string              `json:"reviewer"`
	Outcome    art28.ReviewOutcome `json:"outcome"`
	Notes      string              `json:"notes"`
	Documents  []string            `json:"documents"`
}

func (s *Server) apiAddReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in reviewInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rv := &art28.Review{SubprocessorID: id, ReviewedOn: in.ReviewedOn, Reviewer: in.Reviewer, Outcome: in.Outcome,
		Notes: in.Notes, Documents: in.Documents}
	if err := s.svc.Subprocessors.AddReview(r.Context(), rv); err != nil {
		return err
	}
	return created(w, rv)
}

func (s *Server) apiListChanges(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	f := art28.ChangeFilter{Page: p}
	if v := r.URL.Query().Get("state"); v != "" {
		st := art28.ChangeState(v)
		if st != art28.ChangeAnnounced && st != art28.ChangeCompleted && st != art28.ChangeWithdrawn {
			return art28.FieldError("state", "must be announced, completed or withdrawn")
		}
		f.State = &st
	}
	if f.SubprocessorID, err = queryID(r, "subprocessor_id"); err != nil {
		return err
	}
	list, total, err := s.svc.Changes.Changes(r.Context(), f)
	return listed(w, p, list, total, err)
}

// changeInput announces a change.
type changeInput struct {
	Kind           art28.ChangeKind `json:"kind"`
	SubprocessorID int64            `json:"subprocessor_id"`
	ReplacesID     int64            `json:"replaces_id"`
	NewCountry     string           `json:"new_country"`
	NewSafeguard   art28.Safeguard  `json:"new_safeguard"`
	NewSCCModule   string           `json:"new_scc_module"`
	NewPurpose     string           `json:"new_purpose"`
	Summary        string           `json:"summary"`
	EffectiveFrom  string           `json:"effective_from"`
}

func (s *Server) apiAnnounce(w http.ResponseWriter, r *http.Request) error {
	var in changeInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.svc.Changes.Announce(r.Context(), &art28.Change{Kind: in.Kind, SubprocessorID: in.SubprocessorID,
		ReplacesID: in.ReplacesID, NewCountry: in.NewCountry, NewSafeguard: in.NewSafeguard, NewSCCModule: in.NewSCCModule,
		NewPurpose: in.NewPurpose, Summary: in.Summary, EffectiveFrom: in.EffectiveFrom})
	if err != nil {
		return err
	}
	return created(w, a)
}

func (s *Server) apiGetChange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.svc.Changes.Change(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, c)
}

// reasonInput carries the reason of an objection or a withdrawal.
type reasonInput struct {
	Reason string `json:"reason"`
}

func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in reasonInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.svc.Changes.Withdraw(r.Context(), id, in.Reason)
	if err != nil {
		return err
	}
	return ok(w, c)
}

func (s *Server) apiListNotices(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	f := art28.NoticeFilter{Page: p}
	if f.ChangeID, err = queryID(r, "change_id"); err != nil {
		return err
	}
	if f.CustomerID, err = queryID(r, "customer_id"); err != nil {
		return err
	}
	if v := r.URL.Query().Get("state"); v != "" {
		st := art28.NoticeState(v)
		switch st {
		case art28.NoticeOpen, art28.NoticeApproved, art28.NoticeObjected, art28.NoticeKeptOff, art28.NoticeTerminate, art28.NoticeWithdrawn:
		default:
			return art28.FieldError("state", "must be open, approved, objected, kept_off, terminate or withdrawn")
		}
		f.State = &st
	}
	list, total, err := s.svc.Changes.Notices(r.Context(), f)
	return listed(w, p, list, total, err)
}

func (s *Server) apiGetNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.svc.Changes.Notice(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, n)
}

func (s *Server) apiObject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in reasonInput
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := s.svc.Changes.Object(r.Context(), id, in.Reason)
	if err != nil {
		return err
	}
	return ok(w, n)
}

func (s *Server) apiConsent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.svc.Changes.Consent(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, n)
}

// resolveInput is the processor's answer to an objection.
type resolveInput struct {
	Resolution art28.Resolution `json:"resolution"`
}

func (s *Server) apiResolve(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in resolveInput
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := s.svc.Changes.Resolve(r.Context(), id, in.Resolution)
	if err != nil {
		return err
	}
	return ok(w, n)
}

func (s *Server) apiListDeliveries(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := art28.DeliveryFilter{Event: q.Get("event"), Channel: q.Get("channel"), Page: p}
	if f.Channel != "" && f.Channel != art28.ChannelEmail && f.Channel != art28.ChannelWebhook {
		return art28.FieldError("channel", "must be email or webhook")
	}
	if f.NoticeID, err = queryID(r, "notice_id"); err != nil {
		return err
	}
	if f.CustomerID, err = queryID(r, "customer_id"); err != nil {
		return err
	}
	if v := q.Get("state"); v != "" {
		st := art28.DeliveryState(v)
		if st != art28.DeliveryPending && st != art28.DeliverySent && st != art28.DeliveryFailed {
			return art28.FieldError("state", "must be pending, sent or failed")
		}
		f.State = &st
	}
	list, total, err := s.svc.Deliveries.Deliveries(r.Context(), f)
	return listed(w, p, list, total, err)
}

// retried says how many pending deliveries were made due.
type retried struct {
	MadeDue int `json:"made_due"`
}

func (s *Server) apiRetryDeliveries(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.Deliveries.RetryNow(r.Context())
	if err != nil {
		return err
	}
	return ok(w, retried{MadeDue: n})
}

func (s *Server) apiListWebhooks(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Webhooks.Webhooks(r.Context(), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*art28.WebhookEndpoint{}
	}
	return ok(w, newList(list, len(list), art28.Page{Limit: len(list)}))
}

// webhookInput registers an endpoint.
type webhookInput struct {
	URL string `json:"url"`
}

func (s *Server) apiCreateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in webhookInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := s.svc.Webhooks.CreateWebhook(r.Context(), id, in.URL)
	if err != nil {
		return err
	}
	return created(w, e)
}

func (s *Server) apiDisableWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	wid, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	if err := s.svc.Webhooks.DisableWebhook(r.Context(), id, wid); err != nil {
		return err
	}
	return noContent(w)
}

// apiTransferCheck answers whether data under an agreement may go to a
// sub-processor, now or at the time given.
func (s *Server) apiTransferCheck(w http.ResponseWriter, r *http.Request) error {
	agreement, err := queryID(r, "agreement")
	if err != nil {
		return err
	}
	sp, err := queryID(r, "subprocessor")
	if err != nil {
		return err
	}
	if agreement == nil {
		return art28.FieldError("agreement", "is required")
	}
	if sp == nil {
		return art28.FieldError("subprocessor", "is required")
	}
	var at time.Time
	if v := r.URL.Query().Get("at"); v != "" {
		if at, err = time.Parse(time.RFC3339, v); err != nil {
			return art28.FieldError("at", "must be an RFC 3339 time with its zone")
		}
	}
	d, err := s.svc.Transfers.CheckTransfer(r.Context(), *agreement, *sp, at)
	if err != nil {
		return err
	}
	return ok(w, d)
}
