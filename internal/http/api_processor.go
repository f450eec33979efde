package http

import (
	"net/http"

	"github.com/art28/art28"
)

func (s *Server) apiGetProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Processor.Profile(r.Context())
	if err != nil {
		return err
	}
	return ok(w, p)
}

// profileInput is what a client sends to replace the processor profile.
type profileInput struct {
	LegalName             string `json:"legal_name"`
	Address               string `json:"address"`
	Country               string `json:"country"`
	DPOName               string `json:"dpo_name"`
	DPOEmail              string `json:"dpo_email"`
	DPOPhone              string `json:"dpo_phone"`
	RepresentativeName    string `json:"representative_name"`
	RepresentativeAddress string `json:"representative_address"`
	SupervisoryAuthority  string `json:"supervisory_authority"`
}

func (s *Server) apiUpdateProfile(w http.ResponseWriter, r *http.Request) error {
	var in profileInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p := &art28.ProcessorProfile{LegalName: in.LegalName, Address: in.Address, Country: in.Country,
		DPOName: in.DPOName, DPOEmail: in.DPOEmail, DPOPhone: in.DPOPhone,
		RepresentativeName: in.RepresentativeName, RepresentativeAddress: in.RepresentativeAddress,
		SupervisoryAuthority: in.SupervisoryAuthority}
	if err := s.svc.Processor.UpdateProfile(r.Context(), p); err != nil {
		return err
	}
	return ok(w, p)
}
