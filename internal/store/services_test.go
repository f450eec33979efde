package store_test

import (
	"context"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

func newService(name string) *art28.Service {
	return &art28.Service{Name: name, Nature: "storage", Purposes: []string{"hosting", " hosting ", ""},
		DataCategories: []string{"contact data"}, SubjectCategories: []string{"employees"}, Locations: []string{"de", "fi"}}
}

func TestServices(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		s := store.NewServices(db)
		ctx := testrig.As(testrig.Operator)

		svc := newService(" Mail ")
		if err := s.CreateService(ctx, svc); err != nil {
			t.Fatal(err)
		}
		if svc.ID == 0 || svc.Name != "Mail" || len(svc.Purposes) != 1 || svc.Locations[1] != "FI" || svc.CreatedAt.IsZero() {
			t.Fatalf("created %+v", svc)
		}
		got, err := s.Service(testrig.As(testrig.CustomerMember(7)), svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Mail" || got.Nature != "storage" || len(got.Purposes) != 1 || got.Purposes[0] != "hosting" ||
			len(got.Sources) != 0 || got.Sources == nil || got.Locations[0] != "DE" || !got.CreatedAt.Equal(svc.CreatedAt) {
			t.Fatalf("read back %+v", got)
		}
		if _, err := s.Service(ctx, svc.ID+100); art28.ErrorCode(err) != art28.ENOTFOUND {
			t.Fatalf("missing service: %v", err)
		}

		n := testrig.ActivityCount(t, db)
		testrig.WantError(t, s.CreateService(ctx, newService("MAIL")), art28.ECONFLICT, "name")
		bad := newService("Backup")
		bad.Locations = []string{"XX"}
		testrig.WantError(t, s.CreateService(ctx, bad), art28.EINVALID, "locations")
		bad = newService("Backup")
		bad.Purposes = nil
		testrig.WantError(t, s.CreateService(ctx, bad), art28.EINVALID, "purposes")
		testrig.WantError(t, s.CreateService(testrig.As(testrig.ReadOnly), newService("Backup")), art28.EFORBIDDEN, "")
		testrig.WantError(t, s.CreateService(testrig.As(testrig.CustomerAdmin(1)), newService("Backup")), art28.EFORBIDDEN, "")
		testrig.WantError(t, s.CreateService(context.Background(), newService("Backup")), art28.EUNAUTHORIZED, "")
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused creates recorded activity: %d -> %d", n, m)
		}

		backup := newService("Backup")
		if err := s.CreateService(ctx, backup); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.Services(ctx, art28.ServiceFilter{})
		if err != nil || total != 2 || len(list) != 2 || list[0].Name != "Backup" || list[1].Name != "Mail" {
			t.Fatalf("list: %v %d %+v", err, total, list)
		}
		list, total, err = s.Services(ctx, art28.ServiceFilter{IDs: []int64{svc.ID}})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != svc.ID {
			t.Fatalf("list by ID: %v %d %+v", err, total, list)
		}
		list, total, err = s.Services(ctx, art28.ServiceFilter{Page: art28.Page{Offset: 1, Limit: 1}})
		if err != nil || total != 2 || len(list) != 1 || list[0].Name != "Mail" {
			t.Fatalf("page 2: %v %d %+v", err, total, list)
		}

		// Update: replace, keep created_at, record the change.
		up := *got
		up.Description = "Mailboxes"
		up.ClientSideEncryption = true
		if err := s.UpdateService(ctx, &up); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Service(ctx, svc.ID)
		if got.Description != "Mailboxes" || !got.ClientSideEncryption || !got.CreatedAt.Equal(svc.CreatedAt) {
			t.Fatalf("after update %+v", got)
		}
		acts, _, _ := store.NewActivities(db).Activities(ctx, art28.ActivityFilter{ObjectType: "service", ObjectID: svc.ID})
		if len(acts) != 2 || acts[0].Action != "service.update" ||
			acts[0].Summary != "description:  -> Mailboxes; client_side_encryption: false -> true" {
			t.Fatalf("activity %+v", acts)
		}

		n = testrig.ActivityCount(t, db)
		dup := *got
		dup.Name = "backup"
		testrig.WantError(t, s.UpdateService(ctx, &dup), art28.ECONFLICT, "name")
		missing := *got
		missing.ID = 9999
		testrig.WantError(t, s.UpdateService(ctx, &missing), art28.ENOTFOUND, "")
		empty := *got
		empty.Nature = " "
		testrig.WantError(t, s.UpdateService(ctx, &empty), art28.EINVALID, "nature")
		same := *got
		testrig.WantError(t, s.UpdateService(testrig.As(testrig.ReadOnly), &same), art28.EFORBIDDEN, "")
		if m := testrig.ActivityCount(t, db); m != n {
			t.Fatalf("refused updates recorded activity: %d -> %d", n, m)
		}
		if got2, _ := s.Service(ctx, svc.ID); got2.Name != "Mail" || got2.Nature != "storage" {
			t.Fatalf("refused updates changed the service: %+v", got2)
		}
	})
}
