package store_test

import (
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// Client-side encryption (L3) is a mitigation for a customer only when the
// incident names services the customer has, and every one of them
// encrypts on the customer's side. An incident that names no service, or
// only services the customer does not have, claims nothing for it.
func TestIncidentClientSideEncryption(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		globex := f.Agreements["globex"].CustomerID // hosting and backup (backup encrypts on the customer's side)
		acme := f.Agreements["acme"].CustomerID     // hosting only
		backup, hosting := f.Services["backup"].ID, f.Services["hosting"].ID
		aware := db.Now().Add(-time.Hour).Truncate(time.Second)
		for _, c := range []struct {
			name     string
			services []int64
			want     map[int64]bool
		}{
			{"no service named", nil, map[int64]bool{globex: false, acme: false}},
			{"the backup only", []int64{backup}, map[int64]bool{globex: true, acme: false}},
			{"backup and hosting", []int64{backup, hosting}, map[int64]bool{globex: false, acme: false}},
		} {
			inc := &art28.Incident{Title: "Exposure: " + c.name, Description: "Records were exposed.", Reporter: "On call",
				DetectedAt: aware, AwareAt: aware, ServiceIDs: c.services,
				Affected: []art28.Affected{{CustomerID: globex}, {CustomerID: acme}}}
			if err := all.Incidents.RecordIncident(po, inc); err != nil {
				t.Fatal(err)
			}
			got, err := all.Incidents.Incident(po, inc.ID)
			if err != nil || len(got.Affected) != 2 {
				t.Fatalf("%s: %v %+v", c.name, err, got)
			}
			for _, af := range got.Affected {
				if af.ClientSideEncrypted != c.want[af.CustomerID] {
					t.Errorf("%s: customer %d encrypted on its side %v, want %v", c.name, af.CustomerID, af.ClientSideEncrypted, c.want[af.CustomerID])
				}
			}
		}
	})
}
