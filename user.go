package art28

import (
	"context"
	"time"
)

// User is a person who signs in: processor staff (CustomerID 0) or a
// customer's staff (CustomerID set, customer roles only).
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        Role       `json:"role"`
	CustomerID  int64      `json:"customer_id,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
	DisabledAt  *time.Time `json:"disabled_at"`
}

// MinPasswordLength follows NIST SP 800-63B for passwords chosen by people.
const MinPasswordLength = 12

// Validate normalises u and checks its fields, and that a customer role goes
// with a customer and a processor role without one.
func (u *User) Validate() error {
	if err := checkEmail("email", &u.Email, true); err != nil {
		return err
	}
	if err := checkText("name", &u.Name, true, MaxName); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return FieldError("role", "must be one of owner, privacy_officer, operator, read_only, customer_admin, customer_member")
	}
	if u.Role.IsCustomer() && u.CustomerID == 0 {
		return FieldError("customer_id", "is required for a customer role")
	}
	if !u.Role.IsCustomer() && u.CustomerID != 0 {
		return FieldError("customer_id", "must be empty for a processor role")
	}
	return nil
}

// CheckPassword checks a new password's strength.
func CheckPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		return FieldError("password", "must be at least %d characters", MinPasswordLength)
	}
	if len(pw) > 1024 {
		return FieldError("password", "is longer than 1024 bytes")
	}
	return nil
}

// UserFilter selects users.
type UserFilter struct {
	CustomerID *int64 // 0 selects processor staff
	Page       Page
}

// Session is a signed-in browser. Its ID is only ever stored hashed.
type Session struct {
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// UserService keeps users, their passwords and sessions.
type UserService interface {
	User(ctx context.Context, id int64) (*User, error)
	Users(ctx context.Context, f UserFilter) ([]*User, int, error)
	// CreateUser stores u with the password, hashed. EINVALID, ECONFLICT for
	// a taken e-mail, EFORBIDDEN when the actor may not create that role.
	CreateUser(ctx context.Context, u *User, password string) error
	// CreateFirstOwner creates the first owner of a new installation, with
	// no actor; ECONFLICT once any user exists.
	CreateFirstOwner(ctx context.Context, u *User, password string) error
	// SetUserDisabled disables or re-enables a user and ends its sessions.
	SetUserDisabled(ctx context.Context, id int64, disabled bool) (*User, error)

	// Authenticate checks an e-mail and password. Any failure is the same
	// EUNAUTHORIZED, so that it does not tell which accounts exist.
	Authenticate(ctx context.Context, email, password string) (*User, error)
	// CreateSession starts a session for the user and returns its secret
	// token, which is stored only as a hash.
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (token string, s *Session, err error)
	// SessionUser resolves a session token; EUNAUTHORIZED if unknown or expired.
	SessionUser(ctx context.Context, token string) (*User, *Session, error)
	DeleteSession(ctx context.Context, token string) error

	// NewCalendarToken gives the signed-in user a new secret for the
	// address of its iCalendar feed of duties; the old address stops
	// working. The token is stored only as a hash.
	NewCalendarToken(ctx context.Context) (string, error)
	// CalendarUser resolves a feed token to its enabled user;
	// EUNAUTHORIZED otherwise.
	CalendarUser(ctx context.Context, token string) (*User, error)
}
