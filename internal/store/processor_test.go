package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func TestProcessorProfile(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		s := store.NewProcessor(db)
		ctx := testrig.As(testrig.Owner)

		p, err := s.Profile(ctx)
		if err != nil || p.LegalName != "" || !p.UpdatedAt.IsZero() {
			t.Fatalf("profile before any save: %v %+v", err, p)
		}
		if _, err := s.Profile(context.Background()); art28.ErrorCode(err) != art28.EUNAUTHORIZED {
			t.Fatalf("profile without actor: %v", err)
		}

		p = &art28.ProcessorProfile{LegalName: " Example Cloud SE ", Country: "de", DPOEmail: "DPO@Example.COM"}
		if err := s.UpdateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		p2 := &art28.ProcessorProfile{LegalName: "Example Cloud SE", Country: "AT", DPOEmail: "dpo@example.com",
			SupervisoryAuthority: "DSB"}
		if err := s.UpdateProfile(testrig.As(testrig.PrivacyOfficer), p2); err != nil {
			t.Fatal(err)
		}
		// Customer staff may read it: it is public.
		got, err := s.Profile(testrig.As(testrig.CustomerMember(42)))
		if err != nil {
			t.Fatal(err)
		}
		if got.LegalName != "Example Cloud SE" || got.Country != "AT" || got.DPOEmail != "dpo@example.com" ||
			got.SupervisoryAuthority != "DSB" || !got.UpdatedAt.Equal(p2.UpdatedAt) {
			t.Fatalf("read back %+v, want %+v", got, p2)
		}

		acts, _, err := store.NewActivities(db).Activities(ctx, art28.ActivityFilter{ObjectType: "processor_profile"})
		if err != nil || len(acts) != 2 {
			t.Fatalf("activity: %v %+v", err, acts)
		}
		if a := acts[0]; a.Action != "processor.update" || a.ActorName != testrig.PrivacyOfficer.Name ||
			a.Summary != "country: DE -> AT; supervisory_authority:  -> DSB" {
			t.Fatalf("activity %+v", a)
		}
		if !strings.Contains(acts[1].Summary, "legal_name:  -> Example Cloud SE") {
			t.Fatalf("first activity %+v", acts[1])
		}

		n := testrig.ActivityCount(t, db)
		for _, tc := range []struct {
			name        string
			actor       art28.Actor
			p           art28.ProcessorProfile
			code, field string
		}{
			{"no legal name", testrig.Owner, art28.ProcessorProfile{Country: "DE"}, art28.EINVALID, "legal_name"},
			{"bad country", testrig.Owner, art28.ProcessorProfile{LegalName: "X", Country: "ZZ"}, art28.EINVALID, "country"},
			{"bad e-mail", testrig.Owner, art28.ProcessorProfile{LegalName: "X", DPOEmail: "dpo"}, art28.EINVALID, "dpo_email"},
			{"operator", testrig.Operator, art28.ProcessorProfile{LegalName: "X"}, art28.EFORBIDDEN, ""},
			{"read only", testrig.ReadOnly, art28.ProcessorProfile{LegalName: "X"}, art28.EFORBIDDEN, ""},
			{"customer admin", testrig.CustomerAdmin(1), art28.ProcessorProfile{LegalName: "X"}, art28.EFORBIDDEN, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.p
				testrig.WantError(t, s.UpdateProfile(testrig.As(tc.actor), &p), tc.code, tc.field)
			})
		}
		if got, _ := s.Profile(ctx); got.Country != "AT" || got.LegalName != "Example Cloud SE" {
			t.Fatalf("refused updates changed the profile: %+v", got)
		}
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused updates recorded activity: %d -> %d", n, m)
		}
	})
}
