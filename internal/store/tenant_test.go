package store_test

import (
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// TestTenantIsolation proves that an actor confined to customer A neither
// reads nor changes customer B's records: reads of B's are ENOTFOUND, as if
// they did not exist, writes are ENOTFOUND or EFORBIDDEN, and lists show
// only A's.
func TestTenantIsolation(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		a, b := f.Customers["acme"], f.Customers["globex"]
		customers, agreements, users := store.NewCustomers(db), store.NewAgreements(db), store.NewUsers(db)
		activities := store.NewActivities(db)
		bAgreement, bUser, bContact := f.Agreements["globex"], f.Users["globex-member"], f.Contacts["globex-dpo"]

		for _, actor := range []art28.Actor{
			testrig.CustomerAdmin(a.ID),
			testrig.CustomerMember(a.ID),
			{APIKeyID: 77, Name: "acme key", Role: art28.RoleCustomerAdmin, CustomerID: a.ID},
		} {
			t.Run(actor.Kind()+"-"+string(actor.Role), func(t *testing.T) {
				ctx := testrig.As(actor)
				n := testrig.ActivityCount(t, db)
				notFound := func(what string, err error) {
					t.Helper()
					if art28.ErrorCode(err) != art28.ENOTFOUND {
						t.Errorf("%s of B: got %v, want not found", what, err)
					}
				}
				refused := func(what string, err error) {
					t.Helper()
					if c := art28.ErrorCode(err); c != art28.ENOTFOUND && c != art28.EFORBIDDEN {
						t.Errorf("%s of B: got %v, want not found or forbidden", what, err)
					}
				}

				// Reads of B's records.
				_, err := customers.Customer(ctx, b.ID)
				notFound("customer", err)
				_, err = customers.Contacts(ctx, b.ID)
				notFound("contacts", err)
				_, err = agreements.Agreement(ctx, bAgreement.ID)
				notFound("agreement", err)
				_, err = users.User(ctx, bUser.ID)
				notFound("user", err)

				// Writes to B's records.
				_, err = customers.UpdateCustomer(ctx, b.ID, art28.CustomerUpdate{Address: new(string)})
				refused("update customer", err)
				refused("create contact", customers.CreateContact(ctx, &art28.Contact{CustomerID: b.ID, Name: "Mallory",
					Email: "mallory@example.com", Roles: []art28.ContactRole{art28.ContactDPO}}))
				refused("delete contact", customers.DeleteContact(ctx, b.ID, bContact.ID))
				refused("delete contact through A", customers.DeleteContact(ctx, a.ID, bContact.ID))
				refused("create user", users.CreateUser(ctx, &art28.User{Email: "mallory@example.com", Name: "Mallory",
					Role: art28.RoleCustomerAdmin, CustomerID: b.ID}, "a long enough password"))
				_, err = users.SetUserDisabled(ctx, bUser.ID, true)
				refused("disable user", err)
				_, err = agreements.ConcludeAgreement(ctx, bAgreement.ID, art28.Conclusion{Method: art28.ConcludedByUse, AcceptedAt: db.Now()})
				refused("conclude agreement", err)
				_, err = agreements.SetAgreementStatus(ctx, bAgreement.ID, art28.AgreementEnded)
				refused("end agreement", err)
				refused("create agreement", agreements.CreateAgreement(ctx, &art28.Agreement{CustomerID: b.ID,
					TemplateKey: "dpa-standard", ServiceIDs: []int64{f.Services["hosting"].ID}}))

				if m := testrig.ActivityCount(t, db); m != n {
					t.Fatalf("refused changes recorded activity: %d -> %d", n, m)
				}
				if c, err := customers.Contacts(testrig.As(testrig.Owner), b.ID); err != nil || len(c) != 1 {
					t.Fatalf("B's contacts changed: %v %+v", err, c)
				}
				if u, err := users.User(testrig.As(testrig.Owner), bUser.ID); err != nil || u.DisabledAt != nil {
					t.Fatalf("B's user changed: %v %+v", err, u)
				}

				// Lists show only A's records, even when asked for B's.
				cl, total, err := customers.Customers(ctx, art28.CustomerFilter{})
				if err != nil || total != 1 || len(cl) != 1 || cl[0].ID != a.ID {
					t.Errorf("customers: %v %d %+v", err, total, cl)
				}
				al, total, err := agreements.Agreements(ctx, art28.AgreementFilter{})
				if err != nil || total != 1 || len(al) != 1 || al[0].CustomerID != a.ID {
					t.Errorf("agreements: %v %d %+v", err, total, al)
				}
				if al, total, err = agreements.Agreements(ctx, art28.AgreementFilter{CustomerID: &b.ID}); err != nil || total != 0 || len(al) != 0 {
					t.Errorf("agreements of B: %v %d %+v", err, total, al)
				}
				ul, total, err := users.Users(ctx, art28.UserFilter{})
				if err != nil || total != 1 || len(ul) != 1 || ul[0].CustomerID != a.ID {
					t.Errorf("users: %v %d %+v", err, total, ul)
				}
				if ul, total, err = users.Users(ctx, art28.UserFilter{CustomerID: &b.ID}); err != nil || total != 0 || len(ul) != 0 {
					t.Errorf("users of B: %v %d %+v", err, total, ul)
				}
				zero := int64(0)
				if ul, total, err = users.Users(ctx, art28.UserFilter{CustomerID: &zero}); err != nil || total != 0 || len(ul) != 0 {
					t.Errorf("processor staff: %v %d %+v", err, total, ul)
				}
				acts, total, err := activities.Activities(ctx, art28.ActivityFilter{})
				if err != nil || total == 0 || len(acts) != total {
					t.Errorf("activity: %v %d %+v", err, total, acts)
				}
				for _, x := range acts {
					if x.CustomerID != a.ID {
						t.Errorf("activity of another customer: %+v", x)
					}
				}
				if acts, total, err = activities.Activities(ctx, art28.ActivityFilter{CustomerID: &b.ID}); err != nil || total != 0 || len(acts) != 0 {
					t.Errorf("activity of B: %v %d %+v", err, total, acts)
				}
				if acts, total, err = activities.Activities(ctx, art28.ActivityFilter{ObjectType: "agreement", ObjectID: bAgreement.ID}); err != nil || total != 0 || len(acts) != 0 {
					t.Errorf("activity of B's agreement: %v %d %+v", err, total, acts)
				}
			})
		}

		// The same reads succeed for B's own staff, so the refusals above are
		// about the tenant, not the records.
		ctx := testrig.As(testrig.CustomerMember(b.ID))
		if _, err := customers.Customer(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := agreements.Agreement(ctx, bAgreement.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := users.User(ctx, bUser.ID); err != nil {
			t.Fatal(err)
		}
		if _, total, err := activities.Activities(ctx, art28.ActivityFilter{ObjectType: "agreement", ObjectID: bAgreement.ID}); err != nil || total == 0 {
			t.Fatalf("B's agreement activity for B: %v %d", err, total)
		}
	})
}
