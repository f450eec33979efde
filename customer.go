package art28

import (
	"context"
	"slices"
	"time"
)

// CustomerRole is the customer's role for the data it entrusts (L1, S2, G3):
// usually the controller; sometimes itself a processor for an upstream
// controller, which makes this processor a sub-processor and lets the
// upstream controller invoke its rights directly.
type CustomerRole string

const (
	CustomerController CustomerRole = "controller"
	CustomerProcessor  CustomerRole = "processor"
)

// Customer is a controller (or a processor, see CustomerRole) the processor
// works for.
type Customer struct {
	ID                 int64        `json:"id"`
	LegalName          string       `json:"legal_name"`
	Address            string       `json:"address"`
	Country            string       `json:"country"`
	EUEstablished      bool         `json:"eu_established"` // established in the EU/EEA (L12)
	Role               CustomerRole `json:"role"`
	UpstreamController string       `json:"upstream_controller"` // when Role is processor
	Language           string       `json:"language"`            // of notices: en, de or fr; empty for English
	CreatedAt          time.Time    `json:"created_at"`
	UpdatedAt          time.Time    `json:"updated_at"`
}

// Validate normalises c and checks its fields.
func (c *Customer) Validate() error {
	if err := checkText("legal_name", &c.LegalName, true, MaxName); err != nil {
		return err
	}
	if err := checkText("address", &c.Address, false, MaxText); err != nil {
		return err
	}
	if err := checkCountry("country", &c.Country, true); err != nil {
		return err
	}
	if !slices.Contains(Languages, c.Language) {
		return FieldError("language", "must be one of en, de, fr, or empty")
	}
	if c.Role == "" {
		c.Role = CustomerController
	}
	switch c.Role {
	case CustomerController:
		if c.UpstreamController != "" {
			return FieldError("upstream_controller", "is only for a customer whose role is processor")
		}
	case CustomerProcessor:
		if err := checkText("upstream_controller", &c.UpstreamController, true, MaxName); err != nil {
			return err
		}
	default:
		return FieldError("role", "must be controller or processor")
	}
	return nil
}

// Languages are those notices are written in; "" is English.
var Languages = []string{"", "en", "de", "fr"}

// CustomerUpdate changes the fields that are set.
type CustomerUpdate struct {
	LegalName          *string       `json:"legal_name"`
	Address            *string       `json:"address"`
	Country            *string       `json:"country"`
	EUEstablished      *bool         `json:"eu_established"`
	Role               *CustomerRole `json:"role"`
	UpstreamController *string       `json:"upstream_controller"`
	Language           *string       `json:"language"`
}

// Apply applies u to c.
func (u CustomerUpdate) Apply(c *Customer) {
	set(&c.LegalName, u.LegalName)
	set(&c.Address, u.Address)
	set(&c.Country, u.Country)
	set(&c.EUEstablished, u.EUEstablished)
	set(&c.Role, u.Role)
	set(&c.UpstreamController, u.UpstreamController)
	set(&c.Language, u.Language)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// ContactRole is why a contact is told things: notices go to the roles a
// clause names (C7 account owners, S8 administrator, ...).
type ContactRole string

const (
	ContactAccountOwner  ContactRole = "account_owner"
	ContactAdministrator ContactRole = "administrator"
	ContactDPO           ContactRole = "dpo"
	ContactSecurity      ContactRole = "security"
	ContactLegal         ContactRole = "legal"
)

// ContactRoles lists every contact role.
var ContactRoles = []ContactRole{ContactAccountOwner, ContactAdministrator, ContactDPO, ContactSecurity, ContactLegal}

// Contact is a person at a customer, with the roles they hold.
type Contact struct {
	ID         int64         `json:"id"`
	CustomerID int64         `json:"customer_id"`
	Name       string        `json:"name"`
	Email      string        `json:"email"`
	Phone      string        `json:"phone"`
	Roles      []ContactRole `json:"roles"`
	CreatedAt  time.Time     `json:"created_at"`
}

// Validate normalises c and checks its fields.
func (c *Contact) Validate() error {
	if err := checkText("name", &c.Name, true, MaxName); err != nil {
		return err
	}
	if err := checkEmail("email", &c.Email, true); err != nil {
		return err
	}
	if err := checkText("phone", &c.Phone, false, 50); err != nil {
		return err
	}
	if len(c.Roles) == 0 {
		return FieldError("roles", "needs at least one role")
	}
	seen := map[ContactRole]bool{}
	roles := make([]ContactRole, 0, len(c.Roles)) // a new slice: the caller keeps what it passed
	for _, r := range c.Roles {
		ok := false
		for _, x := range ContactRoles {
			ok = ok || r == x
		}
		if !ok {
			return FieldError("roles", "%q is not a contact role", r)
		}
		if !seen[r] {
			seen[r] = true
			roles = append(roles, r)
		}
	}
	c.Roles = roles
	return nil
}

// CustomerFilter selects customers. Query matches the legal name.
type CustomerFilter struct {
	Query   string
	Country string
	Page    Page
}

// CustomerService keeps customers and their contacts. Customer staff see
// only their own customer: others are ENOTFOUND.
type CustomerService interface {
	Customer(ctx context.Context, id int64) (*Customer, error)
	// Customers lists customers by legal name, with the total.
	Customers(ctx context.Context, f CustomerFilter) ([]*Customer, int, error)
	// CreateCustomer: EINVALID, ECONFLICT for a duplicate legal name.
	CreateCustomer(ctx context.Context, c *Customer) error
	// UpdateCustomer: EINVALID, ENOTFOUND, ECONFLICT.
	UpdateCustomer(ctx context.Context, id int64, u CustomerUpdate) (*Customer, error)

	Contacts(ctx context.Context, customerID int64) ([]*Contact, error)
	// CreateContact: EINVALID, ENOTFOUND, ECONFLICT for a duplicate e-mail
	// at the same customer.
	CreateContact(ctx context.Context, c *Contact) error
	// DeleteContact: ENOTFOUND.
	DeleteContact(ctx context.Context, customerID, id int64) error
}
