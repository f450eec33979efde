package art28

import (
	"context"
	"time"
)

// Service is one processing activity the processor carries out for its
// customers: the description of processing of L3, C2, C4 and G15 (nature,
// purposes, categories of data and of data subjects, sources), with the
// special categories it is declared for (C4), whether the customer encrypts
// client-side so that the processor has no access to content (L3, L6), and
// where the data is stored and processed.
type Service struct {
	ID                   int64     `json:"id"`
	Name                 string    `json:"name"`
	Description          string    `json:"description"`
	Nature               string    `json:"nature"`
	Purposes             []string  `json:"purposes"`
	DataCategories       []string  `json:"data_categories"`
	SubjectCategories    []string  `json:"subject_categories"`
	Sources              []string  `json:"sources"`
	SpecialCategories    []string  `json:"special_categories"`
	ClientSideEncryption bool      `json:"client_side_encryption"`
	Locations            []string  `json:"locations"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
}

// Validate normalises s and checks its fields.
func (s *Service) Validate() error {
	if err := checkText("name", &s.Name, true, MaxName); err != nil {
		return err
	}
	if err := checkText("description", &s.Description, false, MaxText); err != nil {
		return err
	}
	if err := checkText("nature", &s.Nature, true, MaxText); err != nil {
		return err
	}
	for _, l := range []struct {
		field    string
		list     *[]string
		required bool
	}{
		{"purposes", &s.Purposes, true},
		{"data_categories", &s.DataCategories, true},
		{"subject_categories", &s.SubjectCategories, true},
		{"sources", &s.Sources, false},
		{"special_categories", &s.SpecialCategories, false},
	} {
		if err := checkList(l.field, l.list, l.required); err != nil {
			return err
		}
	}
	return checkCountries("locations", &s.Locations, true)
}

// ServiceFilter selects services. Nil fields do not filter.
type ServiceFilter struct {
	IDs  []int64
	Page Page
}

// ServiceService keeps the services.
type ServiceService interface {
	// Service returns one service, ENOTFOUND if there is none.
	Service(ctx context.Context, id int64) (*Service, error)
	// Services lists services by name, with the total.
	Services(ctx context.Context, f ServiceFilter) ([]*Service, int, error)
	// CreateService validates and stores s, setting its ID and times.
	// EINVALID, ECONFLICT for a duplicate name.
	CreateService(ctx context.Context, s *Service) error
	// UpdateService replaces the service with s.ID. EINVALID, ENOTFOUND, ECONFLICT.
	UpdateService(ctx context.Context, s *Service) error
}
