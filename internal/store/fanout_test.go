package store_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// The fan-out writes its rows a batch of agreements at a time, with one
// multi-row INSERT per table. A change announced in batches of three (full
// batches through the prepared statement, then a shorter last one) writes
// the same notices, duties, deliveries and activity entries, in the same
// order, as one announced in a single batch.
func TestAnnounceInBatches(t *testing.T) {
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		v, _, err := all.Terms.ImportTerms(po, "dpa-standard", art28.TermsImport{Content: string(genz)})
		must(err)
		hosting := f.Services["hosting"].ID
		signed := art28.Conclusion{Method: art28.ConcludedSignature, AcceptedBy: "CEO", AcceptedAt: clock.Add(-time.Hour)}
		acme, globex := f.Agreements["acme"], f.Agreements["globex"]
		_, err = all.Agreements.ConcludeAgreement(po, acme.ID, signed)
		must(err)
		for _, id := range []int64{acme.ID, globex.ID} {
			_, err = all.Terms.SetAgreementTerms(po, id, v.ID, "")
			must(err)
		}
		// Customers with two recipients, with none in the default roles
		// (every contact is told), with a webhook endpoint, with a longer
		// window, and one agreement without terms (skipped).
		for i := range 10 {
			c := &art28.Customer{LegalName: fmt.Sprintf("Batch %02d GmbH", i), Country: "DE", EUEstablished: true,
				Role: art28.CustomerController, Language: []string{"", "de", "fr"}[i%3]}
			must(all.Customers.CreateCustomer(po, c))
			roles := [][]art28.ContactRole{{art28.ContactDPO}, {art28.ContactSecurity}, {art28.ContactLegal, art28.ContactDPO}}[i%3]
			must(all.Customers.CreateContact(po, &art28.Contact{CustomerID: c.ID, Name: "First", Email: fmt.Sprintf("first@b%d.example", i), Roles: roles}))
			if i%3 == 0 {
				must(all.Customers.CreateContact(po, &art28.Contact{CustomerID: c.ID, Name: "Second", Email: fmt.Sprintf("second@b%d.example", i),
					Roles: []art28.ContactRole{art28.ContactLegal}}))
			}
			if i%4 == 0 {
				_, err := all.Webhooks.CreateWebhook(testrig.As(art28.SystemActor), c.ID, fmt.Sprintf("https://hooks.b%d.example/art28", i))
				must(err)
			}
			a := &art28.Agreement{CustomerID: c.ID, TemplateKey: "dpa-standard", ServiceIDs: []int64{hosting}}
			must(all.Agreements.CreateAgreement(po, a))
			_, err = all.Agreements.ConcludeAgreement(po, a.ID, signed)
			must(err)
			if i == 7 {
				continue
			}
			overrides := ""
			if i%2 == 1 {
				overrides = "clauses:\n  subprocessor_notice:\n    period: 30 days\n"
			}
			_, err = all.Terms.SetAgreementTerms(po, a.ID, v.ID, overrides)
			must(err)
		}

		// announce announces a new sub-processor in batches of batch
		// agreements and describes each notice by agreement, without IDs
		// or the sub-processor's name.
		announce := func(name string, batch int) (*art28.Announcement, map[int64]string, int) {
			defer store.SetFanoutBatch(batch)()
			sp := &art28.Subprocessor{Name: name, Country: "DE", Purpose: "hosting", ServiceIDs: []int64{hosting}}
			must(all.Subprocessors.CreateSubprocessor(po, sp))
			before := testrig.ActivityCount(t, db)
			ann, err := all.Changes.Announce(po, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "A second site."})
			must(err)
			written := testrig.ActivityCount(t, db) - before
			notices, _, err := all.Changes.Notices(po, art28.NoticeFilter{ChangeID: &ann.Change.ID, Page: art28.Page{Limit: 100}})
			must(err)
			slices.SortFunc(notices, func(a, b *art28.Notice) int { return int(a.ID - b.ID) })
			out := map[int64]string{}
			for i, n := range notices {
				if i > 0 && n.AgreementID < notices[i-1].AgreementID {
					t.Errorf("%s: notice %d (agreement %d) written after agreement %d's", name, n.ID, n.AgreementID, notices[i-1].AgreementID)
				}
				var b strings.Builder
				fmt.Fprintf(&b, "customer %d at %s window %v %s objection %v silence %v consent %v termination %v clauses %v %s",
					n.CustomerID, n.NoticeAt, n.WindowEnd, n.TimeZone, n.ObjectionAllowed, n.SilenceApproves, n.ConsentRequired,
					n.TerminationRight, n.ClauseIDs, n.State)
				if n.DutyID != 0 {
					d, err := all.Duties.Duty(po, n.DutyID)
					must(err)
					if d.AgreementID != n.AgreementID || d.CustomerID != n.CustomerID {
						t.Errorf("%s: notice %d of agreement %d has the duty of agreement %d", name, n.ID, n.AgreementID, d.AgreementID)
					}
					fmt.Fprintf(&b, "; duty %s %q %s %v opened %s due %s", d.Kind, strings.Replace(d.Title, name, "SP", 1), d.Clause,
						d.ClauseIDs, d.OpenedAt, d.DueAt)
				}
				ds, _, err := all.Deliveries.Deliveries(po, art28.DeliveryFilter{NoticeID: &n.ID, Page: art28.Page{Limit: 100}})
				must(err)
				slices.SortFunc(ds, func(a, b *art28.Delivery) int { return int(a.ID - b.ID) })
				for _, d := range ds {
					fmt.Fprintf(&b, "; %s to %s %q in %q, %s, due %s", d.Channel, d.Recipient, d.RecipientName, d.Language, d.State, d.NextAttemptAt)
				}
				out[n.AgreementID] = b.String()
			}
			return ann, out, written
		}
		one, a, aw := announce("One batch", 1000)
		three, b, bw := announce("Batches of three", 3)
		if one.Notices != 11 || one.Duties != 11 || len(one.Skipped) != 1 {
			t.Fatalf("one batch: %d notices, %d duties, skipped %v", one.Notices, one.Duties, one.Skipped)
		}
		if three.Notices != one.Notices || three.Duties != one.Duties || !slices.Equal(three.Skipped, one.Skipped) || bw != aw {
			t.Fatalf("batches of three: %d notices, %d duties, skipped %v, %d activities; one batch: %d, %d, %v, %d",
				three.Notices, three.Duties, three.Skipped, bw, one.Notices, one.Duties, one.Skipped, aw)
		}
		if !maps.Equal(a, b) {
			for id := range a {
				if a[id] != b[id] {
					t.Errorf("agreement %d:\none batch:        %s\nbatches of three: %s", id, a[id], b[id])
				}
			}
			t.Fatal("the batches wrote different rows")
		}
		if !strings.Contains(strings.Join(slices.Collect(maps.Values(a)), "\n"), "webhook to ") {
			t.Fatal("no webhook delivery was written")
		}
	}, store.WithClock(func() time.Time { return clock }))
}
