package art28

import (
	"context"
	"time"
)

// ProcessorProfile is the processor's own identity as its customers and the
// authorities see it: who it is, its DPO (G5.5), its representative and its
// lead supervisory authority. There is one per installation.
type ProcessorProfile struct {
	LegalName             string    `json:"legal_name"`
	Address               string    `json:"address"`
	Country               string    `json:"country"`
	DPOName               string    `json:"dpo_name"`
	DPOEmail              string    `json:"dpo_email"`
	DPOPhone              string    `json:"dpo_phone"`
	RepresentativeName    string    `json:"representative_name"`
	RepresentativeAddress string    `json:"representative_address"`
	SupervisoryAuthority  string    `json:"supervisory_authority"`
	UpdatedAt             time.Time `json:"updated_at"`
}

// Validate normalises p and checks its fields.
func (p *ProcessorProfile) Validate() error {
	if err := checkText("legal_name", &p.LegalName, true, MaxName); err != nil {
		return err
	}
	if err := checkText("address", &p.Address, false, MaxText); err != nil {
		return err
	}
	if err := checkCountry("country", &p.Country, false); err != nil {
		return err
	}
	if err := checkText("dpo_name", &p.DPOName, false, MaxName); err != nil {
		return err
	}
	if err := checkEmail("dpo_email", &p.DPOEmail, false); err != nil {
		return err
	}
	if err := checkText("dpo_phone", &p.DPOPhone, false, 50); err != nil {
		return err
	}
	if err := checkText("representative_name", &p.RepresentativeName, false, MaxName); err != nil {
		return err
	}
	if err := checkText("representative_address", &p.RepresentativeAddress, false, MaxText); err != nil {
		return err
	}
	return checkText("supervisory_authority", &p.SupervisoryAuthority, false, MaxName)
}

// ProcessorService keeps the processor profile.
type ProcessorService interface {
	// Profile returns the profile; an installation that has none yet
	// returns a zero profile, not an error.
	Profile(ctx context.Context) (*ProcessorProfile, error)

	// UpdateProfile replaces the profile. EINVALID for a bad field,
	// EFORBIDDEN without PermManageProfile.
	UpdateProfile(ctx context.Context, p *ProcessorProfile) error
}
