package testrig

import (
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
)

// Fixture actors, processor staff by role. The store only records their IDs
// and names, so they need no user rows.
var (
	PrivacyOfficer = art28.Actor{UserID: 2, Name: "po@example.com", Role: art28.RolePrivacyOfficer, Source: "192.0.2.2"}
	Operator       = art28.Actor{UserID: 3, Name: "operator@example.com", Role: art28.RoleOperator, Source: "192.0.2.3"}
	ReadOnly       = art28.Actor{UserID: 4, Name: "auditor@example.com", Role: art28.RoleReadOnly, Source: "192.0.2.4"}
)

// CustomerAdmin returns an admin of the customer, confined to it.
func CustomerAdmin(customerID int64) art28.Actor {
	return art28.Actor{UserID: 1000 + customerID, Name: "admin@customer.example", Role: art28.RoleCustomerAdmin,
		CustomerID: customerID, Source: "198.51.100.1"}
}

// CustomerMember returns a member of the customer's staff, confined to it.
func CustomerMember(customerID int64) art28.Actor {
	return art28.Actor{UserID: 2000 + customerID, Name: "member@customer.example", Role: art28.RoleCustomerMember,
		CustomerID: customerID, Source: "198.51.100.2"}
}

// FixturePassword is the password of every fixture user.
const FixturePassword = "fixture password, long enough"

// Fixtures are named records Seed stores, for tests to refer to by name.
type Fixtures struct {
	// "acme" (Acme GmbH, DE) and "globex" (Globex Inc., US).
	Customers map[string]*art28.Customer
	// "acme-dpo" and "globex-dpo".
	Contacts map[string]*art28.Contact
	// "hosting" and "backup".
	Services map[string]*art28.Service
	// "dpa-standard".
	Templates map[string]*art28.AgreementTemplate
	// "acme" (a draft covering hosting) and "globex" (active, covering
	// hosting and backup).
	Agreements map[string]*art28.Agreement
	// "acme-admin", "globex-admin" and "globex-member", with FixturePassword.
	Users map[string]*art28.User
}

// Seed stores the fixtures in db, as the system, and returns them.
func Seed(t testing.TB, db *store.DB) *Fixtures {
	t.Helper()
	ctx := As(art28.SystemActor)
	f := &Fixtures{
		Customers:  map[string]*art28.Customer{},
		Contacts:   map[string]*art28.Contact{},
		Services:   map[string]*art28.Service{},
		Templates:  map[string]*art28.AgreementTemplate{},
		Agreements: map[string]*art28.Agreement{},
		Users:      map[string]*art28.User{},
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	customers, agreements, users := store.NewCustomers(db), store.NewAgreements(db), store.NewUsers(db)
	for name, c := range map[string]*art28.Customer{
		"acme":   {LegalName: "Acme GmbH", Country: "DE", EUEstablished: true},
		"globex": {LegalName: "Globex Inc.", Country: "US"},
	} {
		must(customers.CreateCustomer(ctx, c))
		f.Customers[name] = c
		ct := &art28.Contact{CustomerID: c.ID, Name: "DPO of " + c.LegalName, Email: "dpo@" + name + ".example",
			Roles: []art28.ContactRole{art28.ContactDPO}}
		must(customers.CreateContact(ctx, ct))
		f.Contacts[name+"-dpo"] = ct
	}
	for name, s := range map[string]*art28.Service{
		"hosting": {Name: "Hosting", Nature: "storage of the customer's files", Purposes: []string{"hosting"},
			DataCategories: []string{"contact data"}, SubjectCategories: []string{"customers"}, Locations: []string{"DE"}},
		"backup": {Name: "Backup", Nature: "encrypted copies", Purposes: []string{"backup"},
			DataCategories: []string{"any"}, SubjectCategories: []string{"any"}, Locations: []string{"FI"},
			ClientSideEncryption: true},
	} {
		must(store.NewServices(db).CreateService(ctx, s))
		f.Services[name] = s
	}
	tpl := &art28.AgreementTemplate{Key: "dpa-standard", Title: "Standard data processing agreement"}
	must(agreements.CreateTemplate(ctx, tpl))
	f.Templates[tpl.Key] = tpl

	acme := &art28.Agreement{CustomerID: f.Customers["acme"].ID, TemplateKey: tpl.Key,
		ServiceIDs: []int64{f.Services["hosting"].ID}}
	must(agreements.CreateAgreement(ctx, acme))
	f.Agreements["acme"] = acme
	globex := &art28.Agreement{CustomerID: f.Customers["globex"].ID, TemplateKey: tpl.Key,
		ServiceIDs: []int64{f.Services["hosting"].ID, f.Services["backup"].ID}}
	must(agreements.CreateAgreement(ctx, globex))
	globex, err := agreements.ConcludeAgreement(ctx, globex.ID, art28.Conclusion{Method: art28.ConcludedSignature,
		AcceptedBy: "Globex CEO", AcceptedAt: db.Now()})
	must(err)
	f.Agreements["globex"] = globex

	for name, u := range map[string]*art28.User{
		"acme-admin":    {Email: "admin@acme.example", Name: "Acme Admin", Role: art28.RoleCustomerAdmin, CustomerID: f.Customers["acme"].ID},
		"globex-admin":  {Email: "admin@globex.example", Name: "Globex Admin", Role: art28.RoleCustomerAdmin, CustomerID: f.Customers["globex"].ID},
		"globex-member": {Email: "member@globex.example", Name: "Globex Member", Role: art28.RoleCustomerMember, CustomerID: f.Customers["globex"].ID},
	} {
		must(users.CreateUser(ctx, u, FixturePassword))
		f.Users[name] = u
	}
	return f
}

// ActivityCount returns how many activity records db holds, so that a test
// can check a refused change recorded nothing.
func ActivityCount(t testing.TB, db *store.DB) int {
	t.Helper()
	_, n, err := store.NewActivities(db).Activities(As(art28.SystemActor), art28.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// WantError fails the test unless err has the code and, when field is not
// empty, names the field.
func WantError(t testing.TB, err error, code, field string) {
	t.Helper()
	if art28.ErrorCode(err) != code || (field != "" && art28.ErrorField(err) != field) {
		t.Fatalf("got error %v (code %q, field %q), want code %q field %q",
			err, art28.ErrorCode(err), art28.ErrorField(err), code, field)
	}
}
