package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

var owner = art28.Actor{UserID: 1, Name: "owner@example.com", Role: art28.RoleOwner, Source: "192.0.2.1"}

func TestCustomers(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := art28.NewContext(context.Background(), owner)
		s := store.NewCustomers(db)
		c := &art28.Customer{LegalName: "  Acme GmbH ", Country: "de", EUEstablished: true}
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.LegalName != "Acme GmbH" || c.Country != "DE" || c.Role != art28.CustomerController {
			t.Fatalf("created %+v", c)
		}
		got, err := s.Customer(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LegalName != "Acme GmbH" || !got.EUEstablished || !got.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("read back %+v, want %+v", got, c)
		}
		dup := &art28.Customer{LegalName: "ACME GMBH", Country: "FR"}
		if err := s.CreateCustomer(ctx, dup); art28.ErrorCode(err) != art28.ECONFLICT || art28.ErrorField(err) != "legal_name" {
			t.Fatalf("duplicate: got %v", err)
		}
		bad := &art28.Customer{LegalName: "X", Country: "XX"}
		if err := s.CreateCustomer(ctx, bad); art28.ErrorCode(err) != art28.EINVALID || art28.ErrorField(err) != "country" {
			t.Fatalf("bad country: got %v", err)
		}
		fr := "FR"
		up, err := s.UpdateCustomer(ctx, c.ID, art28.CustomerUpdate{Country: &fr})
		if err != nil || up.Country != "FR" {
			t.Fatalf("update: %v %+v", err, up)
		}
		list, total, err := s.Customers(ctx, art28.CustomerFilter{Query: "acme"})
		if err != nil || total != 1 || len(list) != 1 || list[0].Country != "FR" {
			t.Fatalf("search: %v %d %+v", err, total, list)
		}
		acts, _, err := store.NewActivities(db).Activities(ctx, art28.ActivityFilter{CustomerID: &c.ID})
		if err != nil || len(acts) != 2 || acts[0].Summary != "country: DE -> FR" || acts[0].Source != "192.0.2.1" {
			t.Fatalf("activity: %v %+v", err, acts)
		}
		_ = time.Now
	})
}
