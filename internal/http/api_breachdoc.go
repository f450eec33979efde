package http

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/breachdoc"
)

// apiBreachDocumentation answers one customer's documentation of a breach
// for its own notification to its supervisory authority (S8), as JSON or
// as a PDF to download. Customer staff get their own customer's, and
// another customer's ID is a 404 like any record they cannot see; the
// processor's staff name the customer.
func (s *Server) apiBreachDocumentation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	format := q.Get("format")
	switch format {
	case "":
		format = "json"
	case "json", "pdf":
	default:
		return art28.FieldError("format", "must be json or pdf")
	}
	a, _ := art28.ActorFrom(r.Context())
	customerID := a.CustomerID
	if v := q.Get("customer_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return art28.FieldError("customer_id", "must be a positive integer")
		}
		if a.IsCustomer() && n != a.CustomerID {
			return art28.Errorf(art28.ENOTFOUND, "Customer %d not found.", n)
		}
		customerID = n
	}
	if customerID == 0 {
		return art28.FieldError("customer_id", "is required: the documentation is one affected customer's, with its own figures")
	}

	in, err := s.breachDocInput(r, id, customerID)
	if err != nil {
		return err
	}
	if err := in.Check(); err != nil {
		return err
	}
	doc := breachdoc.Build(in)
	render, ctype := doc.JSON, "application/json"
	if format == "pdf" {
		render, ctype = doc.PDF, "application/pdf"
	}
	body, err := render()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if format == "pdf" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="breach-%d-customer-%d.pdf"`, id, customerID))
	}
	_, err = w.Write(body)
	return err
}

// breachDocInput reads what the documentation needs through the services,
// in the caller's scope: a customer's staff read only their own.
func (s *Server) breachDocInput(r *http.Request, id, customerID int64) (breachdoc.Input, error) {
	ctx := r.Context()
	in := breachdoc.Input{GeneratedAt: s.cfg.Now().UTC(), Zones: map[int64]string{}}
	// The incident first: a customer it does not touch learns nothing more.
	i, err := s.svc.Incidents.Incident(ctx, id)
	if err != nil {
		return in, err
	}
	c, err := s.svc.Customers.Customer(ctx, customerID)
	if err != nil {
		return in, err
	}
	p, err := s.svc.Processor.Profile(ctx)
	if err != nil {
		return in, err
	}
	in.Incident, in.Customer, in.Processor = *i, *c, *p
	if i.Assessment != art28.AssessBreach {
		return in, nil // Check says why there is nothing
	}
	if in.Clocks, err = s.svc.Incidents.Clocks(ctx, id); err != nil {
		return in, err
	}
	if in.Notices, err = s.svc.Incidents.BreachNotices(ctx, id); err != nil {
		return in, err
	}
	for _, ck := range in.Clocks {
		if ck.CustomerID != customerID {
			continue
		}
		// The times of the PDF are the agreement's; UTC when its terms
		// cannot be read.
		if e, err := s.svc.Terms.AgreementTerms(ctx, ck.AgreementID); err == nil && e.Terms != nil {
			in.Zones[ck.AgreementID] = e.Terms.TimeZone
		} else if err != nil && art28.ErrorCode(err) != art28.ENOTFOUND {
			return in, err
		}
	}
	return in, nil
}
