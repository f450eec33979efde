package http

import (
	"net/http"

	"github.com/art28/art28"
)

type profilePage struct {
	Profile *art28.ProcessorProfile // as stored
	Form    profileForm
}

// profileForm holds the values of the profile form as typed.
type profileForm struct {
	art28.ProcessorProfile
	Error *formError
}

// uiProfile shows the processor profile, with the form to change it for the
// roles that may.
func (s *Server) uiProfile(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	p, err := s.svc.Processor.Profile(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "profile", "Processor profile", profilePage{Profile: p, Form: profileForm{ProcessorProfile: *p}})
}

func (s *Server) uiUpdateProfile(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	f := r.PostFormValue
	in := art28.ProcessorProfile{
		LegalName: f("legal_name"), Address: f("address"), Country: f("country"),
		DPOName: f("dpo_name"), DPOEmail: f("dpo_email"), DPOPhone: f("dpo_phone"),
		RepresentativeName: f("representative_name"), RepresentativeAddress: f("representative_address"),
		SupervisoryAuthority: f("supervisory_authority"),
	}
	p := in // the store normalises its argument; the form shows what was typed
	err := s.svc.Processor.UpdateProfile(r.Context(), &p)
	if status, ok := correctable(err); ok {
		stored, serr := s.svc.Processor.Profile(r.Context())
		if serr != nil {
			return serr
		}
		return s.render(w, r, status, "profile", "Processor profile",
			profilePage{Profile: stored, Form: profileForm{ProcessorProfile: in, Error: toFormError(err)}})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/profile", "The processor profile is saved.")
}
