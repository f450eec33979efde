package art28_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
)

func TestValidationNamesFieldAndReason(t *testing.T) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		check func() error
		field string
	}{
		{"customer without name", func() error { c := art28.Customer{Country: "DE"}; return c.Validate() }, "legal_name"},
		{"customer bad country", func() error { c := art28.Customer{LegalName: "X", Country: "EU"}; return c.Validate() }, "country"},
		{"controller with upstream", func() error {
			c := art28.Customer{LegalName: "X", Country: "DE", UpstreamController: "Y"}
			return c.Validate()
		}, "upstream_controller"},
		{"processor without upstream", func() error {
			c := art28.Customer{LegalName: "X", Country: "DE", Role: art28.CustomerProcessor}
			return c.Validate()
		}, "upstream_controller"},
		{"contact bad email", func() error {
			c := art28.Contact{Name: "A", Email: "a@b", Roles: []art28.ContactRole{art28.ContactDPO}}
			return c.Validate()
		}, "email"},
		{"contact unknown role", func() error {
			c := art28.Contact{Name: "A", Email: "a@b.example", Roles: []art28.ContactRole{"boss"}}
			return c.Validate()
		}, "roles"},
		{"service without purposes", func() error {
			s := art28.Service{Name: "S", Nature: "n", DataCategories: []string{"x"}, SubjectCategories: []string{"y"}, Locations: []string{"DE"}}
			return s.Validate()
		}, "purposes"},
		{"service bad location", func() error {
			s := art28.Service{Name: "S", Nature: "n", Purposes: []string{"p"}, DataCategories: []string{"x"}, SubjectCategories: []string{"y"}, Locations: []string{"Mars"}}
			return s.Validate()
		}, "locations"},
		{"electronic conclusion without hash", func() error {
			c := art28.Conclusion{Method: art28.ConcludedElectronic, AcceptedBy: "a", AcceptedAt: now, AcceptedFrom: "192.0.2.1"}
			return c.Validate(now)
		}, "conclusion.document_hash"},
		{"conclusion in the future", func() error {
			c := art28.Conclusion{Method: art28.ConcludedByUse, AcceptedAt: now.Add(time.Hour)}
			return c.Validate(now)
		}, "conclusion.accepted_at"},
		{"active agreement without conclusion", func() error {
			a := art28.Agreement{CustomerID: 1, TemplateKey: "t", ServiceIDs: []int64{1}, Status: art28.AgreementActive}
			return a.Validate(now)
		}, "conclusion"},
		{"customer role without customer", func() error {
			u := art28.User{Email: "a@b.example", Name: "A", Role: art28.RoleCustomerAdmin}
			return u.Validate()
		}, "customer_id"},
		{"short password", func() error { return art28.CheckPassword("short") }, "password"},
	}
	for _, c := range cases {
		err := c.check()
		if art28.ErrorCode(err) != art28.EINVALID || art28.ErrorField(err) != c.field || art28.ErrorMessage(err) == "" {
			t.Errorf("%s: got %v (field %q), want EINVALID on %s", c.name, err, art28.ErrorField(err), c.field)
		}
	}
}

func TestNormalisation(t *testing.T) {
	c := art28.Contact{Name: " Ann ", Email: "Ann@Example.COM", Roles: []art28.ContactRole{art28.ContactDPO, art28.ContactDPO}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Name != "Ann" || c.Email != "ann@example.com" || len(c.Roles) != 1 {
		t.Fatalf("not normalised: %+v", c)
	}
}

func TestAgreementTransitions(t *testing.T) {
	allowed := map[string]bool{"draft>active": true, "draft>ended": true, "active>terminating": true,
		"active>ended": true, "terminating>active": true, "terminating>ended": true}
	all := []art28.AgreementStatus{art28.AgreementDraft, art28.AgreementActive, art28.AgreementTerminating, art28.AgreementEnded}
	for _, from := range all {
		for _, to := range all {
			key := fmt.Sprintf("%s>%s", from, to)
			if from.CanMoveTo(to) != allowed[key] {
				t.Errorf("%s: CanMoveTo = %v", key, from.CanMoveTo(to))
			}
		}
	}
}

func TestRolePermissions(t *testing.T) {
	if art28.RoleReadOnly.Can(art28.PermWrite) || art28.RoleCustomerMember.Can(art28.PermWrite) {
		t.Fatal("read-only roles may write")
	}
	if !art28.RoleOwner.Can(art28.PermManageUsers) || art28.RolePrivacyOfficer.Can(art28.PermManageUsers) {
		t.Fatal("only the owner manages processor users")
	}
	if !art28.RoleCustomerAdmin.Can(art28.PermManageOwnCustomer) || art28.RoleCustomerAdmin.Can(art28.PermWrite) {
		t.Fatal("customer admin permissions wrong")
	}
}

func TestErrorsKeepInternalsFromClients(t *testing.T) {
	err := fmt.Errorf("query: %w", errors.New("pq: password authentication failed for user art28"))
	if art28.ErrorCode(err) != art28.EINTERNAL || strings.Contains(art28.ErrorMessage(err), "password") {
		t.Fatalf("internal error leaks: %q", art28.ErrorMessage(err))
	}
	var wrapped error = art28.FieldError("email", "is taken")
	art28.Wrap(&wrapped, "op")
	if art28.ErrorField(wrapped) != "email" || wrapped.Error() != "email: is taken" {
		t.Fatalf("Wrap changed an application error: %v", wrapped)
	}
}
