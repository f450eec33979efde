package art28

import (
	"context"
	"slices"
	"time"
)

// SubprocessorKind tells a sub-processor from an ancillary service that is
// not one (G9.9: cleaning, telecoms, transport): both are kept in the
// register, only sub-processors are announced and listed.
type SubprocessorKind string

const (
	KindSubprocessor SubprocessorKind = "subprocessor"
	KindAncillary    SubprocessorKind = "ancillary"
)

// Safeguard is the Chapter V mechanism that lets data go to a sub-processor
// outside the EEA. Within the EEA none is needed. The names match the
// mechanisms a terms file's transfer_safeguards clause allows.
type Safeguard string

const (
	SafeguardNone       Safeguard = "none"         // within the EEA
	SafeguardAdequacy   Safeguard = "adequacy"     // Art. 45 decision for the country
	SafeguardSCC        Safeguard = "scc_2021_914" // standard contractual clauses, with a module
	SafeguardUKAddendum Safeguard = "uk_addendum"  // the UK's addendum to the SCC
	SafeguardBCR        Safeguard = "bcr"          // binding corporate rules, Art. 47
	SafeguardArt49      Safeguard = "art49"        // a derogation for a specific situation
)

// Safeguards lists every safeguard, in the order forms offer them.
var Safeguards = []Safeguard{SafeguardNone, SafeguardAdequacy, SafeguardSCC, SafeguardUKAddendum, SafeguardBCR, SafeguardArt49}

// Label is the safeguard in words, for pages and notices.
func (s Safeguard) Label() string {
	switch s {
	case SafeguardNone:
		return "none needed (EEA)"
	case SafeguardAdequacy:
		return "adequacy decision"
	case SafeguardSCC:
		return "standard contractual clauses (2021/914)"
	case SafeguardUKAddendum:
		return "UK addendum to the SCC"
	case SafeguardBCR:
		return "binding corporate rules"
	case SafeguardArt49:
		return "Art. 49 derogation"
	}
	return string(s)
}

// Art46 reports whether s is an "appropriate safeguard" of Art. 46, which
// a terms file may allow as a group (S4): the SCC, with or without the UK
// addendum, and binding corporate rules (Art. 46(2)(b)).
func (s Safeguard) Art46() bool {
	return s == SafeguardSCC || s == SafeguardUKAddendum || s == SafeguardBCR
}

// adequate lists the countries with an adequacy decision of the European
// Commission under Art. 45 (or its predecessor), by ISO code. The United
// States' decision covers only organisations certified under the Data
// Privacy Framework, which the register records as adequacy all the same;
// Canada's covers commercial organisations.
var adequate = map[string]bool{
	"AD": true, "AR": true, "CA": true, "CH": true, "FO": true, "GB": true, "GG": true, "IL": true,
	"IM": true, "JE": true, "JP": true, "KR": true, "NZ": true, "US": true, "UY": true,
}

// HasAdequacy reports whether the country has an adequacy decision.
func HasAdequacy(code string) bool { return adequate[code] }

// InEU reports whether the country is a member of the European Union: the
// EEA less Iceland, Liechtenstein and Norway.
func InEU(code string) bool {
	return InEEA(code) && code != "IS" && code != "LI" && code != "NO"
}

// Subprocessor is one entry of the register: a company the processor
// engages (or an ancillary service it uses), what for, where, and why data
// may go there.
type Subprocessor struct {
	ID             int64            `json:"id"`
	Name           string           `json:"name"`
	LegalEntity    string           `json:"legal_entity"`
	Address        string           `json:"address"`
	Country        string           `json:"country"`
	Purpose        string           `json:"purpose"`
	ServiceIDs     []int64          `json:"service_ids"`
	DataCategories []string         `json:"data_categories"`
	Kind           SubprocessorKind `json:"kind"`
	Safeguard      Safeguard        `json:"safeguard"`
	SCCModule      string           `json:"scc_module"` // with the SCC: module 1-4
	// The flow-down contract that imposes the agreement's obligations on the
	// sub-processor (L7, C7, S4, G9.2): when it was signed and where it is.
	FlowDownSignedOn string `json:"flow_down_signed_on"` // YYYY-MM-DD, or empty when none yet
	FlowDownDocument string `json:"flow_down_document"`
	// Listed reports whether the sub-processor is on the list customers
	// have accepted; one being announced is not yet (see Change).
	Listed    bool      `json:"listed"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

var sccModules = []string{"1", "2", "3", "4"}

// Validate normalises s and checks its fields, including that a
// sub-processor outside the EEA has a safeguard fit for its country.
func (s *Subprocessor) Validate() error {
	if err := checkText("name", &s.Name, true, MaxName); err != nil {
		return err
	}
	if err := checkText("legal_entity", &s.LegalEntity, false, MaxName); err != nil {
		return err
	}
	if err := checkText("address", &s.Address, false, MaxText); err != nil {
		return err
	}
	if err := checkCountry("country", &s.Country, true); err != nil {
		return err
	}
	if err := checkText("purpose", &s.Purpose, true, MaxText); err != nil {
		return err
	}
	if err := checkList("data_categories", &s.DataCategories, false); err != nil {
		return err
	}
	if s.Kind == "" {
		s.Kind = KindSubprocessor
	}
	if s.Kind != KindSubprocessor && s.Kind != KindAncillary {
		return FieldError("kind", "must be subprocessor or ancillary")
	}
	if s.Kind == KindSubprocessor && len(s.ServiceIDs) == 0 {
		return FieldError("service_ids", "needs at least one service the sub-processor works for")
	}
	if err := s.checkSafeguard(); err != nil {
		return err
	}
	if err := checkText("flow_down_document", &s.FlowDownDocument, false, MaxName); err != nil {
		return err
	}
	if s.FlowDownSignedOn != "" {
		if _, err := time.Parse(time.DateOnly, s.FlowDownSignedOn); err != nil {
			return FieldError("flow_down_signed_on", "must be a date, YYYY-MM-DD")
		}
	}
	return nil
}

func (s *Subprocessor) checkSafeguard() error {
	if s.Safeguard == "" && InEEA(s.Country) {
		s.Safeguard = SafeguardNone
	}
	known := slices.Contains(Safeguards, s.Safeguard)
	switch {
	case s.Safeguard == "":
		return FieldError("safeguard", "is required for a sub-processor outside the EEA (%s)", CountryName(s.Country))
	case !known:
		return FieldError("safeguard", "%q is not a safeguard: none, adequacy, scc_2021_914, uk_addendum, bcr or art49", s.Safeguard)
	case s.Safeguard == SafeguardNone && !InEEA(s.Country):
		return FieldError("safeguard", "is required for a sub-processor outside the EEA (%s)", CountryName(s.Country))
	case s.Safeguard == SafeguardAdequacy && !HasAdequacy(s.Country):
		return FieldError("safeguard", "%s has no adequacy decision", CountryName(s.Country))
	case s.Safeguard == SafeguardUKAddendum && s.Country != "GB":
		return FieldError("safeguard", "the UK addendum is for transfers to the United Kingdom")
	}
	if s.Safeguard == SafeguardSCC || s.Safeguard == SafeguardUKAddendum {
		if !slices.Contains(sccModules, s.SCCModule) {
			return FieldError("scc_module", "must be the SCC module, 1 to 4")
		}
	} else if s.SCCModule != "" {
		return FieldError("scc_module", "is only for the standard contractual clauses")
	}
	return nil
}

// ReviewOutcome is the result of a due-diligence review (G9.3, G9.4).
type ReviewOutcome string

const (
	ReviewPassed       ReviewOutcome = "passed"
	ReviewWithFindings ReviewOutcome = "passed_with_findings"
	ReviewFailed       ReviewOutcome = "failed"
)

// Review is one documented check of a sub-processor's reliability and
// measures (S4, G9.3, G9.4, and the yearly audit of G9.5).
type Review struct {
	ID             int64         `json:"id"`
	SubprocessorID int64         `json:"subprocessor_id"`
	ReviewedOn     string        `json:"reviewed_on"` // YYYY-MM-DD
	Reviewer       string        `json:"reviewer"`
	Outcome        ReviewOutcome `json:"outcome"`
	Notes          string        `json:"notes"`
	Documents      []string      `json:"documents"` // references: file names, URLs, archive IDs
	CreatedAt      time.Time     `json:"created_at"`
}

// Validate normalises r and checks its fields.
func (r *Review) Validate() error {
	if _, err := time.Parse(time.DateOnly, r.ReviewedOn); err != nil {
		return FieldError("reviewed_on", "must be a date, YYYY-MM-DD")
	}
	if err := checkText("reviewer", &r.Reviewer, true, MaxName); err != nil {
		return err
	}
	if !slices.Contains([]ReviewOutcome{ReviewPassed, ReviewWithFindings, ReviewFailed}, r.Outcome) {
		return FieldError("outcome", "must be passed, passed_with_findings or failed")
	}
	if err := checkText("notes", &r.Notes, false, MaxText); err != nil {
		return err
	}
	return checkList("documents", &r.Documents, false)
}

// ReviewInterval is how often a sub-processor is reviewed: at least every
// 12 months (G9.5). A review opens the duty of the next one.
const ReviewInterval = "12 months"

// SubprocessorFilter selects register entries. Nil fields do not filter.
type SubprocessorFilter struct {
	Listed *bool
	Kind   *SubprocessorKind
	Query  string // part of the name or legal entity
	Page   Page
}

// SubprocessorService keeps the register. The processor's staff write it;
// customers read the entries that are listed.
type SubprocessorService interface {
	// CreateSubprocessor registers s. Listed is taken as given: an entry
	// created listed is one customers accepted with their agreement (the
	// seeds' own lists); a new one is announced with a Change instead.
	CreateSubprocessor(ctx context.Context, s *Subprocessor) error
	Subprocessor(ctx context.Context, id int64) (*Subprocessor, error)
	Subprocessors(ctx context.Context, f SubprocessorFilter) ([]*Subprocessor, int, error)
	// UpdateSubprocessor changes what an update may change without a
	// notice: name, legal entity, address, data categories, the flow-down
	// record. Country and purpose of a listed sub-processor change through
	// an announced Change (EINVALID naming the field otherwise).
	UpdateSubprocessor(ctx context.Context, s *Subprocessor) error
	// AddReview records a review and (re)opens the yearly review duty.
	AddReview(ctx context.Context, r *Review) error
	Reviews(ctx context.Context, subprocessorID int64) ([]*Review, error)
	// ImportSubprocessors creates the entries of a CSV file (the columns of
	// ExportSubprocessors) in one transaction: a bad row is an EINVALID
	// naming its line and field, and nothing is stored.
	ImportSubprocessors(ctx context.Context, csv []byte) (int, error)
}
