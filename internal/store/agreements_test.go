package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

const docHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestAgreementTemplates(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		s := store.NewAgreements(db)
		ctx := testrig.As(testrig.Operator)
		tpl := &art28.AgreementTemplate{Key: "dpa-2027", Title: " DPA 2027 "}
		if err := s.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		n := testrig.ActivityCount(t, db)
		testrig.WantError(t, s.CreateTemplate(ctx, &art28.AgreementTemplate{Key: "dpa-2027", Title: "Again"}), art28.ECONFLICT, "key")
		testrig.WantError(t, s.CreateTemplate(ctx, &art28.AgreementTemplate{Key: "Bad Key", Title: "X"}), art28.EINVALID, "key")
		testrig.WantError(t, s.CreateTemplate(ctx, &art28.AgreementTemplate{Key: "x", Title: ""}), art28.EINVALID, "title")
		testrig.WantError(t, s.CreateTemplate(testrig.As(testrig.ReadOnly), &art28.AgreementTemplate{Key: "y", Title: "Y"}), art28.EFORBIDDEN, "")
		testrig.WantError(t, s.CreateTemplate(testrig.As(testrig.CustomerAdmin(1)), &art28.AgreementTemplate{Key: "y", Title: "Y"}), art28.EFORBIDDEN, "")
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused creates recorded activity: %d -> %d", n, m)
		}
		list, err := s.Templates(testrig.As(testrig.CustomerMember(1)))
		if err != nil || len(list) != 1 || list[0].Key != "dpa-2027" || list[0].Title != "DPA 2027" {
			t.Fatalf("templates: %v %+v", err, list)
		}
	})
}

func TestAgreements(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := testrig.NewClock(start)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock.T = start // the dialects share the clock
		f := testrig.Seed(t, db)
		s := store.NewAgreements(db)
		ctx := testrig.As(testrig.Operator)
		acme, globex := f.Customers["acme"], f.Customers["globex"]
		hosting, backup := f.Services["hosting"], f.Services["backup"]

		a := &art28.Agreement{CustomerID: acme.ID, TemplateKey: "dpa-standard",
			ServiceIDs: []int64{backup.ID, hosting.ID, backup.ID}}
		if err := s.CreateAgreement(ctx, a); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.Status != art28.AgreementDraft || len(a.ServiceIDs) != 2 || a.Conclusion != nil ||
			!a.CreatedAt.Equal(clock.Now()) {
			t.Fatalf("created %+v", a)
		}
		got, err := s.Agreement(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CustomerID != acme.ID || got.TemplateKey != "dpa-standard" || got.Status != art28.AgreementDraft ||
			got.Conclusion != nil || len(got.ServiceIDs) != 2 || got.ServiceIDs[0] != min(hosting.ID, backup.ID) ||
			!got.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("read back %+v", got)
		}

		// Bad input: the field is named, nothing is written.
		n := testrig.ActivityCount(t, db)
		_, total, _ := s.Agreements(ctx, art28.AgreementFilter{})
		for _, tc := range []struct {
			name        string
			actor       art28.Actor
			a           art28.Agreement
			code, field string
		}{
			{"no customer", testrig.Operator, art28.Agreement{TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID}}, art28.EINVALID, "customer_id"},
			{"unknown customer", testrig.Operator, art28.Agreement{CustomerID: 999, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID}}, art28.EINVALID, "customer_id"},
			{"unknown template", testrig.Operator, art28.Agreement{CustomerID: acme.ID, TemplateKey: "nope", ServiceIDs: []int64{hosting.ID}}, art28.EINVALID, "template_key"},
			{"no services", testrig.Operator, art28.Agreement{CustomerID: acme.ID, TemplateKey: "dpa-standard"}, art28.EINVALID, "service_ids"},
			{"unknown service", testrig.Operator, art28.Agreement{CustomerID: acme.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID, 999}}, art28.EINVALID, "service_ids"},
			{"active without conclusion", testrig.Operator, art28.Agreement{CustomerID: acme.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID}, Status: art28.AgreementActive}, art28.EINVALID, "conclusion"},
			{"conclusion in the future", testrig.Operator, art28.Agreement{CustomerID: acme.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID}, Status: art28.AgreementActive,
				Conclusion: &art28.Conclusion{Method: art28.ConcludedSignature, AcceptedBy: "X", AcceptedAt: clock.Now().Add(time.Hour)}}, art28.EINVALID, "conclusion.accepted_at"},
			{"read only", testrig.ReadOnly, art28.Agreement{CustomerID: acme.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID}}, art28.EFORBIDDEN, ""},
			{"customer admin", testrig.CustomerAdmin(acme.ID), art28.Agreement{CustomerID: acme.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID}}, art28.EFORBIDDEN, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := tc.a
				testrig.WantError(t, s.CreateAgreement(testrig.As(tc.actor), &a), tc.code, tc.field)
			})
		}
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused creates recorded activity: %d -> %d", n, m)
		}
		if _, total2, _ := s.Agreements(ctx, art28.AgreementFilter{}); total2 != total {
			t.Fatalf("refused creates stored agreements: %d -> %d", total, total2)
		}

		// An agreement already in force can be recorded with its conclusion.
		imported := &art28.Agreement{CustomerID: globex.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting.ID},
			Status: art28.AgreementActive, Conclusion: &art28.Conclusion{Method: art28.ConcludedByUse,
				AcceptedAt: time.Date(2025, 1, 2, 3, 4, 5, 6000, time.FixedZone("CET", 3600))}}
		if err := s.CreateAgreement(ctx, imported); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Agreement(ctx, imported.ID)
		if got.Conclusion == nil || got.Conclusion.Method != art28.ConcludedByUse ||
			!got.Conclusion.AcceptedAt.Equal(imported.Conclusion.AcceptedAt) || got.Status != art28.AgreementActive {
			t.Fatalf("imported read back %+v %+v", got, got.Conclusion)
		}

		// Conclude.
		c := art28.Conclusion{Method: art28.ConcludedElectronic, AcceptedBy: "Jane Doe", AcceptedAt: clock.Now().Add(-time.Minute),
			AcceptedFrom: "203.0.113.9", DocumentHash: docHash}
		n = testrig.ActivityCount(t, db)
		bad := c
		bad.DocumentHash = "abc"
		_, err = s.ConcludeAgreement(ctx, a.ID, bad)
		testrig.WantError(t, err, art28.EINVALID, "conclusion.document_hash")
		_, err = s.ConcludeAgreement(testrig.As(testrig.ReadOnly), a.ID, c)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		_, err = s.ConcludeAgreement(ctx, 9999, c)
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused conclusions recorded activity: %d -> %d", n, m)
		}
		done, err := s.ConcludeAgreement(ctx, a.ID, c)
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != art28.AgreementActive || done.Conclusion.AcceptedBy != "Jane Doe" || !done.UpdatedAt.Equal(clock.Now()) {
			t.Fatalf("concluded %+v", done)
		}
		got, _ = s.Agreement(ctx, a.ID)
		if got.Status != art28.AgreementActive || got.Conclusion == nil || *got.Conclusion != c {
			t.Fatalf("concluded read back %+v %+v, want %+v", got, got.Conclusion, c)
		}
		_, err = s.ConcludeAgreement(ctx, a.ID, c)
		testrig.WantError(t, err, art28.ECONFLICT, "status")

		// Status transitions.
		_, err = s.SetAgreementStatus(ctx, a.ID, art28.AgreementDraft)
		testrig.WantError(t, err, art28.ECONFLICT, "status")
		_, err = s.SetAgreementStatus(ctx, a.ID, "paused")
		testrig.WantError(t, err, art28.EINVALID, "status")
		_, err = s.SetAgreementStatus(testrig.As(testrig.CustomerAdmin(acme.ID)), a.ID, art28.AgreementTerminating)
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		term, err := s.SetAgreementStatus(ctx, a.ID, art28.AgreementTerminating)
		if err != nil || term.Status != art28.AgreementTerminating {
			t.Fatalf("terminating: %v %+v", err, term)
		}
		if _, err := s.SetAgreementStatus(ctx, a.ID, art28.AgreementActive); err != nil {
			t.Fatalf("back to active: %v", err)
		}
		if _, err := s.SetAgreementStatus(ctx, a.ID, art28.AgreementEnded); err != nil {
			t.Fatalf("ended: %v", err)
		}
		_, err = s.SetAgreementStatus(ctx, a.ID, art28.AgreementActive)
		testrig.WantError(t, err, art28.ECONFLICT, "status")
		// A draft becomes active only by being concluded.
		_, err = s.SetAgreementStatus(ctx, f.Agreements["acme"].ID, art28.AgreementActive)
		testrig.WantError(t, err, art28.ECONFLICT, "status")

		acts, _, _ := store.NewActivities(db).Activities(ctx, art28.ActivityFilter{ObjectType: "agreement", ObjectID: a.ID})
		var actions []string
		for _, x := range acts {
			actions = append(actions, x.Action)
			if x.CustomerID != acme.ID || x.ActorName != testrig.Operator.Name {
				t.Errorf("activity %+v: want customer %d and the operator", x, acme.ID)
			}
		}
		if strings.Join(actions, " ") != "agreement.status agreement.status agreement.status agreement.conclude agreement.create" {
			t.Fatalf("actions %v", actions)
		}
		if !strings.Contains(acts[3].Summary, "Jane Doe") || !strings.Contains(acts[3].Summary, docHash) ||
			acts[0].Summary != "status: active -> ended" {
			t.Fatalf("summaries %q / %q", acts[3].Summary, acts[0].Summary)
		}

		// Lists and filters.
		list, total, err := s.Agreements(ctx, art28.AgreementFilter{CustomerID: &acme.ID})
		if err != nil || total != 2 || len(list) != 2 || list[0].ID != a.ID || len(list[0].ServiceIDs) != 2 {
			t.Fatalf("acme's agreements: %v %d %+v", err, total, list)
		}
		active := art28.AgreementActive
		list, total, err = s.Agreements(ctx, art28.AgreementFilter{Status: &active})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("active agreements: %v %d %+v", err, total, list)
		}
		for _, x := range list {
			if x.Status != art28.AgreementActive || x.CustomerID != globex.ID || x.Conclusion == nil {
				t.Fatalf("active agreement %+v", x)
			}
		}
		list, total, err = s.Agreements(ctx, art28.AgreementFilter{Page: art28.Page{Limit: 1}})
		if err != nil || total != 4 || len(list) != 1 {
			t.Fatalf("first page: %v %d %+v", err, total, list)
		}
	}, store.WithClock(clock.Now))
}
