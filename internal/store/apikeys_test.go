package store_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestAPIKeys(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := testrig.NewClock(start)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = start // the dialects share the clock
		f := testrig.Seed(t, db)
		s := store.NewAPIKeys(db)
		acme := f.Customers["acme"].ID
		ctx := testrig.As(testrig.PrivacyOfficer)

		k := &art28.APIKey{Name: " CRM sync ", Role: art28.RoleOperator}
		secret, err := s.CreateAPIKey(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^art28_[A-Za-z0-9_-]{43}$`).MatchString(secret) {
			t.Fatalf("secret %q", secret)
		}
		if k.ID == 0 || k.Name != "CRM sync" || k.Prefix != secret[:12] || k.CreatedBy != testrig.PrivacyOfficer.UserID ||
			!k.CreatedAt.Equal(clock.Now()) || k.LastUsedAt != nil || k.RevokedAt != nil {
			t.Fatalf("created %+v", k)
		}
		ck := &art28.APIKey{Name: "Acme portal", Role: art28.RoleCustomerMember, CustomerID: acme}
		csecret, err := s.CreateAPIKey(testrig.As(testrig.Owner), ck)
		if err != nil {
			t.Fatal(err)
		}

		n := testrig.ActivityCount(t, db)
		for _, tc := range []struct {
			name        string
			actor       art28.Actor
			k           art28.APIKey
			code, field string
		}{
			{"owner key", testrig.Owner, art28.APIKey{Name: "x", Role: art28.RoleOwner}, art28.EINVALID, "role"},
			{"no name", testrig.Owner, art28.APIKey{Role: art28.RoleOperator}, art28.EINVALID, "name"},
			{"customer role without customer", testrig.Owner, art28.APIKey{Name: "x", Role: art28.RoleCustomerAdmin}, art28.EINVALID, "customer_id"},
			{"unknown customer", testrig.Owner, art28.APIKey{Name: "x", Role: art28.RoleCustomerAdmin, CustomerID: 999}, art28.EINVALID, "customer_id"},
			{"operator", testrig.Operator, art28.APIKey{Name: "x", Role: art28.RoleReadOnly}, art28.EFORBIDDEN, ""},
			{"read only", testrig.ReadOnly, art28.APIKey{Name: "x", Role: art28.RoleReadOnly}, art28.EFORBIDDEN, ""},
			{"customer admin", testrig.CustomerAdmin(acme), art28.APIKey{Name: "x", Role: art28.RoleCustomerMember, CustomerID: acme}, art28.EFORBIDDEN, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				k := tc.k
				secret, err := s.CreateAPIKey(testrig.As(tc.actor), &k)
				testrig.WantError(t, err, tc.code, tc.field)
				if secret != "" {
					t.Fatalf("refused key has secret %q", secret)
				}
			})
		}
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused keys recorded activity: %d -> %d", n, m)
		}
		// A privacy officer may grant every role but the owner's.
		for _, r := range []art28.Role{art28.RolePrivacyOfficer, art28.RoleReadOnly, art28.RoleCustomerAdmin} {
			k := &art28.APIKey{Name: "po's " + string(r), Role: r}
			if r.IsCustomer() {
				k.CustomerID = acme
			}
			if _, err := s.CreateAPIKey(ctx, k); err != nil {
				t.Fatalf("privacy officer grants %s: %v", r, err)
			}
		}

		list, err := s.APIKeys(ctx)
		if err != nil || len(list) != 5 || list[len(list)-1].ID != k.ID || list[len(list)-1].Prefix != k.Prefix {
			t.Fatalf("list: %v %+v", err, list)
		}
		_, err = s.APIKeys(testrig.As(testrig.Operator))
		testrig.WantError(t, err, art28.EFORBIDDEN, "")

		// Authentication needs no actor and records use once a minute.
		bg := context.Background()
		got, err := s.AuthenticateAPIKey(bg, secret)
		if err != nil || got.ID != k.ID || got.Role != art28.RoleOperator || got.LastUsedAt == nil || !got.LastUsedAt.Equal(clock.Now()) {
			t.Fatalf("authenticate: %v %+v", err, got)
		}
		first := clock.Now()
		clock.Add(30 * time.Second)
		if got, err = s.AuthenticateAPIKey(bg, secret); err != nil || !got.LastUsedAt.Equal(first) {
			t.Fatalf("use within a minute: %v %+v", err, got)
		}
		clock.Add(31 * time.Second)
		if got, err = s.AuthenticateAPIKey(bg, secret); err != nil || !got.LastUsedAt.Equal(clock.Now()) {
			t.Fatalf("use after a minute: %v %+v", err, got)
		}
		list, _ = s.APIKeys(ctx)
		if l := list[len(list)-1]; l.LastUsedAt == nil || !l.LastUsedAt.Equal(clock.Now()) {
			t.Fatalf("last_used_at not stored: %+v", l)
		}
		cgot, err := s.AuthenticateAPIKey(bg, csecret)
		if err != nil || cgot.CustomerID != acme {
			t.Fatalf("customer key: %v %+v", err, cgot)
		}
		last := "A"
		if secret[len(secret)-1] == 'A' {
			last = "B"
		}
		for _, bad := range []string{"", "art28_", secret[:len(secret)-1] + last, "Bearer " + secret, secret + "x"} {
			_, err := s.AuthenticateAPIKey(bg, bad)
			testrig.WantError(t, err, art28.EUNAUTHORIZED, "")
		}

		// Revocation.
		_, err = s.RevokeAPIKey(testrig.As(testrig.Operator), k.ID)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		_, err = s.RevokeAPIKey(ctx, 999)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		r, err := s.RevokeAPIKey(ctx, k.ID)
		if err != nil || r.RevokedAt == nil || !r.RevokedAt.Equal(clock.Now()) {
			t.Fatalf("revoke: %v %+v", err, r)
		}
		_, err = s.AuthenticateAPIKey(bg, secret)
		testrig.WantError(t, err, art28.EUNAUTHORIZED, "")
		_, err = s.RevokeAPIKey(ctx, k.ID)
		testrig.WantError(t, err, art28.ECONFLICT, "")

		acts, _, _ := store.NewActivities(db).Activities(ctx, art28.ActivityFilter{ObjectType: "api_key", ObjectID: k.ID})
		if len(acts) != 2 || acts[0].Action != "api_key.revoke" || acts[1].Action != "api_key.create" ||
			acts[0].ActorName != testrig.PrivacyOfficer.Name {
			t.Fatalf("activity %+v", acts)
		}
		acts, _, _ = store.NewActivities(db).Activities(ctx, art28.ActivityFilter{ObjectType: "api_key", ObjectID: ck.ID})
		if len(acts) != 1 || acts[0].CustomerID != acme {
			t.Fatalf("customer key activity %+v", acts)
		}
	}, store.WithClock(clock.Now))
}
