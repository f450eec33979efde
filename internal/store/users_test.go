package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestPassword(t *testing.T) {
	h, err := store.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || len(strings.Split(h, "$")) != 6 {
		t.Fatalf("hash %q is not a PHC argon2id string with the OWASP parameters", h)
	}
	h2, _ := store.HashPassword("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
	if !store.VerifyPassword(h, "correct horse battery staple") {
		t.Fatal("the right password does not verify")
	}
	for _, bad := range []string{"correct horse battery stapl", "", "Correct horse battery staple"} {
		if store.VerifyPassword(h, bad) {
			t.Fatalf("%q verifies", bad)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		strings.Replace(h, "m=19456", "m=99999999", 1), h[:len(h)-10]} {
		if store.VerifyPassword(bad, "correct horse battery staple") {
			t.Fatalf("malformed hash %q verifies", bad)
		}
	}
}

func TestCreateFirstOwner(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		s := store.NewUsers(db)
		ctx := context.Background()
		testrig.WantError(t, s.CreateFirstOwner(ctx, &art28.User{Email: "o@example.com", Name: "O"}, "short"), art28.EINVALID, "password")
		testrig.WantError(t, s.CreateFirstOwner(ctx, &art28.User{Email: "nope", Name: "O"}, testrig.OwnerPassword), art28.EINVALID, "email")
		if n := testrig.ActivityCount(t, db); n != 0 {
			t.Fatalf("refused first owners recorded %d activities", n)
		}
		u := &art28.User{Email: "Owner@Example.com", Name: "Olivia", Role: art28.RoleReadOnly}
		if err := s.CreateFirstOwner(ctx, u, testrig.OwnerPassword); err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Role != art28.RoleOwner || u.Email != "owner@example.com" {
			t.Fatalf("first owner %+v", u)
		}
		testrig.WantError(t, s.CreateFirstOwner(ctx, &art28.User{Email: "second@example.com", Name: "S"}, testrig.OwnerPassword),
			art28.ECONFLICT, "")
		acts, _, _ := store.NewActivities(db).Activities(testrig.As(testrig.Owner), art28.ActivityFilter{})
		if len(acts) != 1 || acts[0].ActorKind != "system" || acts[0].Action != "user.create" || acts[0].ObjectID != u.ID {
			t.Fatalf("activity %+v", acts)
		}
		if _, err := s.Authenticate(ctx, "owner@example.com", testrig.OwnerPassword); err != nil {
			t.Fatalf("the first owner cannot sign in: %v", err)
		}
	})
}

func TestCreateUser(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		s := store.NewUsers(db)
		acme, globex := f.Customers["acme"].ID, f.Customers["globex"].ID
		pw := "a good long password"

		po := &art28.User{Email: "PO@example.com", Name: "Pat", Role: art28.RolePrivacyOfficer}
		if err := s.CreateUser(testrig.As(testrig.Owner), po, pw); err != nil {
			t.Fatal(err)
		}
		if po.ID == 0 || po.Email != "po@example.com" || po.CreatedAt.IsZero() || po.LastLoginAt != nil {
			t.Fatalf("created %+v", po)
		}
		got, err := s.User(testrig.As(testrig.ReadOnly), po.ID)
		if err != nil || got.Email != "po@example.com" || got.Role != art28.RolePrivacyOfficer || got.CustomerID != 0 ||
			!got.CreatedAt.Equal(po.CreatedAt) || got.DisabledAt != nil {
			t.Fatalf("read back %v %+v", err, got)
		}

		// A customer admin creates users of their own customer only.
		member := &art28.User{Email: "new@acme.example", Name: "New", Role: art28.RoleCustomerMember}
		if err := s.CreateUser(testrig.As(testrig.CustomerAdmin(acme)), member, pw); err != nil {
			t.Fatal(err)
		}
		if member.CustomerID != acme {
			t.Fatalf("customer admin's user got customer %d, want %d", member.CustomerID, acme)
		}
		// Processor staff who write records create any customer's users.
		if err := s.CreateUser(testrig.As(testrig.Operator),
			&art28.User{Email: "op-made@globex.example", Name: "G", Role: art28.RoleCustomerAdmin, CustomerID: globex}, pw); err != nil {
			t.Fatal(err)
		}

		n := testrig.ActivityCount(t, db)
		_, total, _ := s.Users(testrig.As(testrig.Owner), art28.UserFilter{})
		for _, tc := range []struct {
			name        string
			actor       art28.Actor
			u           art28.User
			password    string
			code, field string
		}{
			{"taken e-mail", testrig.Owner, art28.User{Email: "po@EXAMPLE.com", Name: "X", Role: art28.RoleOperator}, pw, art28.ECONFLICT, "email"},
			{"short password", testrig.Owner, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleOperator}, "short", art28.EINVALID, "password"},
			{"bad e-mail", testrig.Owner, art28.User{Email: "x", Name: "X", Role: art28.RoleOperator}, pw, art28.EINVALID, "email"},
			{"no name", testrig.Owner, art28.User{Email: "x@example.com", Role: art28.RoleOperator}, pw, art28.EINVALID, "name"},
			{"bad role", testrig.Owner, art28.User{Email: "x@example.com", Name: "X", Role: "king"}, pw, art28.EINVALID, "role"},
			{"customer role without customer", testrig.Owner, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleCustomerAdmin}, pw, art28.EINVALID, "customer_id"},
			{"processor role with customer", testrig.Owner, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleOperator, CustomerID: acme}, pw, art28.EINVALID, "customer_id"},
			{"unknown customer", testrig.Operator, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleCustomerMember, CustomerID: 999}, pw, art28.EINVALID, "customer_id"},
			{"privacy officer makes processor user", testrig.PrivacyOfficer, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleOperator}, pw, art28.EFORBIDDEN, ""},
			{"operator makes processor user", testrig.Operator, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleReadOnly}, pw, art28.EFORBIDDEN, ""},
			{"read only makes customer user", testrig.ReadOnly, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleCustomerMember, CustomerID: acme}, pw, art28.EFORBIDDEN, ""},
			{"customer admin makes processor user", testrig.CustomerAdmin(acme), art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleOwner}, pw, art28.EFORBIDDEN, ""},
			{"customer admin makes other customer's user", testrig.CustomerAdmin(acme), art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleCustomerMember, CustomerID: globex}, pw, art28.EFORBIDDEN, ""},
			{"customer member makes user", testrig.CustomerMember(acme), art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleCustomerMember}, pw, art28.EFORBIDDEN, ""},
			{"no actor", art28.Actor{}, art28.User{Email: "x@example.com", Name: "X", Role: art28.RoleOperator}, pw, art28.EUNAUTHORIZED, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx := context.Background()
				if tc.actor.Role != "" {
					ctx = testrig.As(tc.actor)
				}
				u := tc.u
				testrig.WantError(t, s.CreateUser(ctx, &u, tc.password), tc.code, tc.field)
			})
		}
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused creates recorded activity: %d -> %d", n, m)
		}
		if _, total2, _ := s.Users(testrig.As(testrig.Owner), art28.UserFilter{}); total2 != total {
			t.Fatalf("refused creates stored users: %d -> %d", total, total2)
		}

		// Lists.
		zero := int64(0)
		list, total, err := s.Users(testrig.As(testrig.Owner), art28.UserFilter{CustomerID: &zero})
		if err != nil || total != 1 || list[0].ID != po.ID {
			t.Fatalf("processor staff: %v %d %+v", err, total, list)
		}
		list, total, err = s.Users(testrig.As(testrig.Owner), art28.UserFilter{CustomerID: &globex})
		if err != nil || total != 3 || len(list) != 3 || list[0].Email != "admin@globex.example" {
			t.Fatalf("globex's users: %v %d %+v", err, total, list)
		}
		list, total, err = s.Users(testrig.As(testrig.CustomerMember(acme)), art28.UserFilter{})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("acme member sees: %v %d %+v", err, total, list)
		}
		for _, u := range list {
			if u.CustomerID != acme {
				t.Fatalf("acme member sees %+v", u)
			}
		}
		_, err = s.User(testrig.As(testrig.CustomerAdmin(acme)), po.ID)
		testrig.WantError(t, err, art28.ENOTFOUND, "")

		acts, _, _ := store.NewActivities(db).Activities(testrig.As(testrig.Owner), art28.ActivityFilter{ObjectType: "user", ObjectID: member.ID})
		if len(acts) != 1 || acts[0].Action != "user.create" || acts[0].CustomerID != acme || acts[0].ActorKind != "user" {
			t.Fatalf("activity %+v", acts)
		}
	})
}

func TestAuthenticateAndSessions(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := testrig.NewClock(start)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = start // the dialects share the clock
		s := store.NewUsers(db)
		ctx := context.Background()
		owner := &art28.User{Email: testrig.OwnerEmail, Name: "Olivia"}
		if err := s.CreateFirstOwner(ctx, owner, testrig.OwnerPassword); err != nil {
			t.Fatal(err)
		}
		op := &art28.User{Email: "op@example.com", Name: "Otto", Role: art28.RoleOperator}
		if err := s.CreateUser(testrig.As(testrig.Owner), op, "operator's password"); err != nil {
			t.Fatal(err)
		}

		// Every failure is the same error.
		n := testrig.ActivityCount(t, db)
		var msgs []string
		for _, c := range [][2]string{
			{"nobody@example.com", testrig.OwnerPassword},
			{testrig.OwnerEmail, "wrong password!!"},
			{testrig.OwnerEmail, ""},
			{"", ""},
		} {
			u, err := s.Authenticate(ctx, c[0], c[1])
			if u != nil || art28.ErrorCode(err) != art28.EUNAUTHORIZED {
				t.Fatalf("Authenticate(%q, %q) = %+v, %v", c[0], c[1], u, err)
			}
			msgs = append(msgs, err.Error())
		}
		for _, m := range msgs {
			if m != "Wrong e-mail or password." {
				t.Fatalf("failures differ: %q", msgs)
			}
		}
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("failed sign-ins recorded activity: %d -> %d", n, m)
		}
		// An unknown e-mail costs an argon2 verification too. The bound is
		// loose: without the dummy verification the ratio is a thousandfold.
		fastest := func(email string) time.Duration {
			best := time.Hour
			for range 3 {
				start := time.Now()
				s.Authenticate(ctx, email, "wrong password!!")
				best = min(best, time.Since(start))
			}
			return best
		}
		if unknown, known := fastest("nobody@example.com"), fastest(testrig.OwnerEmail); unknown < known/4 {
			t.Fatalf("an unknown e-mail is answered in %v, a wrong password in %v", unknown, known)
		}

		clock.Add(time.Hour)
		u, err := s.Authenticate(ctx, "  OP@example.com ", "operator's password")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != op.ID || u.LastLoginAt == nil || !u.LastLoginAt.Equal(clock.Now()) {
			t.Fatalf("signed in %+v", u)
		}
		got, _ := s.User(testrig.As(testrig.Owner), op.ID)
		if got.LastLoginAt == nil || !got.LastLoginAt.Equal(clock.Now()) {
			t.Fatalf("last_login_at not stored: %+v", got)
		}
		acts, _, _ := store.NewActivities(db).Activities(testrig.As(testrig.Owner), art28.ActivityFilter{})
		if a := acts[0]; a.Action != "user.sign_in" || a.ActorID != op.ID || a.ActorKind != "user" || a.ActorName != "op@example.com" {
			t.Fatalf("sign-in activity %+v", a)
		}

		// Sessions.
		token, sess, err := s.CreateSession(ctx, op.ID, 8*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(token) != 43 || sess.CSRFToken == "" || sess.CSRFToken == token || !sess.ExpiresAt.Equal(clock.Now().Add(8*time.Hour)) {
			t.Fatalf("session %q %+v", token, sess)
		}
		su, ss, err := s.SessionUser(ctx, token)
		if err != nil || su.ID != op.ID || su.Role != art28.RoleOperator || ss.CSRFToken != sess.CSRFToken ||
			!ss.ExpiresAt.Equal(sess.ExpiresAt) || ss.UserID != op.ID {
			t.Fatalf("session user: %v %+v %+v", err, su, ss)
		}
		for _, bad := range []string{"", "nope", token + "x"} {
			_, _, err := s.SessionUser(ctx, bad)
			testrig.WantError(t, err, art28.EUNAUTHORIZED, "")
		}
		_, _, err = s.CreateSession(ctx, 999, time.Hour)
		testrig.WantError(t, err, art28.EUNAUTHORIZED, "")

		// Expiry.
		clock.Add(8*time.Hour - time.Second)
		if _, _, err := s.SessionUser(ctx, token); err != nil {
			t.Fatalf("session a second before expiry: %v", err)
		}
		short, _, err := s.CreateSession(ctx, op.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second)
		_, _, err = s.SessionUser(ctx, token)
		testrig.WantError(t, err, art28.EUNAUTHORIZED, "")
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		if _, _, err := s.SessionUser(ctx, short); err != nil {
			t.Fatalf("unexpired session after the cleanup: %v", err)
		}

		// Sign-out.
		if err := s.DeleteSession(ctx, short); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.SessionUser(ctx, short)
		testrig.WantError(t, err, art28.EUNAUTHORIZED, "")
		if err := s.DeleteSession(ctx, short); err != nil {
			t.Fatalf("second sign-out: %v", err)
		}

		// Disabling ends sessions and sign-ins; enabling allows sign-ins again.
		live, _, err := s.CreateSession(ctx, op.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.SetUserDisabled(testrig.As(testrig.Operator), op.ID, true)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		d, err := s.SetUserDisabled(testrig.As(testrig.Owner), op.ID, true)
		if err != nil || d.DisabledAt == nil || !d.DisabledAt.Equal(clock.Now()) {
			t.Fatalf("disable: %v %+v", err, d)
		}
		_, _, err = s.SessionUser(ctx, live)
		testrig.WantError(t, err, art28.EUNAUTHORIZED, "")
		_, err = s.Authenticate(ctx, "op@example.com", "operator's password")
		if err == nil || err.Error() != "Wrong e-mail or password." {
			t.Fatalf("disabled user signs in: %v", err)
		}
		_, _, err = s.CreateSession(ctx, op.ID, time.Hour)
		testrig.WantError(t, err, art28.EUNAUTHORIZED, "")
		e, err := s.SetUserDisabled(testrig.As(testrig.Owner), op.ID, false)
		if err != nil || e.DisabledAt != nil {
			t.Fatalf("enable: %v %+v", err, e)
		}
		if _, err := s.Authenticate(ctx, "op@example.com", "operator's password"); err != nil {
			t.Fatalf("re-enabled user cannot sign in: %v", err)
		}
		acts, _, _ = store.NewActivities(db).Activities(testrig.As(testrig.Owner), art28.ActivityFilter{ObjectType: "user", ObjectID: op.ID})
		var actions []string
		for _, a := range acts {
			actions = append(actions, a.Action)
		}
		if strings.Join(actions, " ") != "user.sign_in user.enable user.disable user.sign_in user.create" {
			t.Fatalf("actions %v", actions)
		}

		// The last enabled owner stays.
		_, err = s.SetUserDisabled(testrig.As(testrig.Owner), owner.ID, true)
		testrig.WantError(t, err, art28.ECONFLICT, "")
		_, err = s.SetUserDisabled(testrig.As(testrig.Owner), 999, true)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
	}, store.WithClock(clock.Now))
}

func TestSetCustomerUserDisabled(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		s := store.NewUsers(db)
		acme, globex := f.Customers["acme"].ID, f.Customers["globex"].ID
		member := f.Users["globex-member"]
		n := testrig.ActivityCount(t, db)
		_, err := s.SetUserDisabled(testrig.As(testrig.CustomerAdmin(acme)), member.ID, true)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		_, err = s.SetUserDisabled(testrig.As(testrig.CustomerMember(globex)), member.ID, true)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused changes recorded activity: %d -> %d", n, m)
		}
		u, err := s.SetUserDisabled(testrig.As(testrig.CustomerAdmin(globex)), member.ID, true)
		if err != nil || u.DisabledAt == nil {
			t.Fatalf("globex admin disables its member: %v %+v", err, u)
		}
		acts, _, _ := store.NewActivities(db).Activities(testrig.As(testrig.CustomerMember(globex)), art28.ActivityFilter{ObjectType: "user", ObjectID: member.ID})
		if len(acts) != 2 || acts[0].Action != "user.disable" || acts[0].CustomerID != globex {
			t.Fatalf("activity %+v", acts)
		}
	})
}
