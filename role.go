package art28

// Role decides what an actor may do. Processor roles see every customer;
// customer roles see only their own.
type Role string

const (
	RoleOwner          Role = "owner"           // everything, including users and keys
	RolePrivacyOfficer Role = "privacy_officer" // all compliance records, the profile, API keys
	RoleOperator       Role = "operator"        // day-to-day records, customers' portal users
	RoleReadOnly       Role = "read_only"       // reads everything, changes nothing
	RoleCustomerAdmin  Role = "customer_admin"  // a customer's admin: its contacts and users
	RoleCustomerMember Role = "customer_member" // a customer's staff: reads its own records
)

// Roles lists every role, processor roles first.
var Roles = []Role{RoleOwner, RolePrivacyOfficer, RoleOperator, RoleReadOnly, RoleCustomerAdmin, RoleCustomerMember}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// IsCustomer reports whether r belongs to a customer's staff.
func (r Role) IsCustomer() bool { return r == RoleCustomerAdmin || r == RoleCustomerMember }

// Permission is an action class checked by services before they act.
type Permission int

const (
	PermRead              Permission = iota // read records in scope
	PermWrite                               // change compliance records (customers, services, agreements)
	PermManageProfile                       // change the processor profile
	PermManageUsers                         // create and disable processor users
	PermManageKeys                          // create and revoke API keys
	PermManageOwnCustomer                   // a customer admin's contacts and users
)

// Can reports whether r grants p.
func (r Role) Can(p Permission) bool {
	switch r {
	case RoleOwner:
		return p != PermManageOwnCustomer
	case RolePrivacyOfficer:
		return p == PermRead || p == PermWrite || p == PermManageProfile || p == PermManageKeys
	case RoleOperator:
		return p == PermRead || p == PermWrite
	case RoleReadOnly, RoleCustomerMember:
		return p == PermRead
	case RoleCustomerAdmin:
		return p == PermRead || p == PermManageOwnCustomer
	}
	return false
}

// Authorize returns EFORBIDDEN unless the actor of ctx holds p, and
// EUNAUTHORIZED when there is no actor.
func Authorize(a Actor, ok bool, p Permission) error {
	if !ok {
		return Errorf(EUNAUTHORIZED, "Sign in first.")
	}
	if !a.Role.Can(p) {
		return Errorf(EFORBIDDEN, "Your role (%s) does not allow this.", a.Role)
	}
	return nil
}
