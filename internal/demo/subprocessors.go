package demo

import (
	"context"
	"fmt"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
)

// demoSubprocessors registers the sub-processors that seed 002 lists, with
// their flow-down contracts and reviews (one review is over a year old, so
// its yearly review is overdue), an ancillary service that is not a
// sub-processor (G9.9), and announces a new hosting sub-processor to every
// running agreement, on each agreement's clock. The first customer objects,
// so that the portal and the change page show an objection.
func demoSubprocessors(ctx context.Context, all store.AllServices, serviceIDs []int64) error {
	entries := []art28.Subprocessor{
		{Name: "Pipedrive", LegalEntity: "Pipedrive Inc.", Address: "New York, United States", Country: "US",
			Purpose: "CRM", Safeguard: art28.SafeguardSCC, SCCModule: "3"},
		{Name: "OVHcloud", LegalEntity: "OVH SAS", Address: "2 rue Kellermann, 59100 Roubaix, France", Country: "FR",
			Purpose: "SMS credits for notifications; database storage of monitoring data"},
		{Name: "IONOS", LegalEntity: "IONOS SARL", Address: "7 place de la Gare, 57200 Sarreguemines, France", Country: "FR",
			Purpose: "Hosting"},
		{Name: "Sentry", LegalEntity: "Functional Software, Inc.", Address: "45 Fremont Street, San Francisco, CA 94105, United States",
			Country: "US", Purpose: "Application log collection", Safeguard: art28.SafeguardSCC, SCCModule: "3"},
		{Name: "HubSpot", LegalEntity: "HubSpot, Inc.", Address: "Cambridge, Massachusetts, United States", Country: "US",
			Purpose: "Marketing email sending", Safeguard: art28.SafeguardAdequacy},
		{Name: "Zendesk", LegalEntity: "Zendesk, Inc.", Address: "1019 Market Street, San Francisco, CA 94103, United States",
			Country: "US", Purpose: "Customer tickets and knowledge base", Safeguard: art28.SafeguardSCC, SCCModule: "3"},
	}
	reviewed := []string{"2026-02-10", "2026-05-04", "2025-09-15", "2026-07-01", "2026-03-20", "2026-08-12"}
	for i := range entries {
		sp := entries[i]
		sp.ServiceIDs, sp.Listed = serviceIDs, true
		sp.DataCategories = []string{"contact data", "usage data"}
		sp.FlowDownSignedOn, sp.FlowDownDocument = "2025-01-15", fmt.Sprintf("contracts/%s-dpa-2025.pdf", sp.Name)
		if err := all.Subprocessors.CreateSubprocessor(ctx, &sp); err != nil {
			return err
		}
		if err := all.Subprocessors.AddReview(ctx, &art28.Review{SubprocessorID: sp.ID, ReviewedOn: reviewed[i],
			Reviewer: "Dana Schutz (DPO)", Outcome: art28.ReviewPassed, Documents: []string{fmt.Sprintf("reviews/%s-%s.pdf", sp.Name, reviewed[i])}}); err != nil {
			return err
		}
	}
	cleaner := &art28.Subprocessor{Name: "Rhein Gebäudereinigung", LegalEntity: "Rhein Gebäudereinigung GmbH", Country: "DE",
		Purpose: "Office cleaning", Kind: art28.KindAncillary}
	if err := all.Subprocessors.CreateSubprocessor(ctx, cleaner); err != nil {
		return err
	}
	host := &art28.Subprocessor{Name: "Hetzner Online", LegalEntity: "Hetzner Online GmbH", Address: "Industriestr. 25, 91710 Gunzenhausen, Germany",
		Country: "DE", Purpose: "Hosting in a second data centre", ServiceIDs: serviceIDs, DataCategories: []string{"all customer data"},
		FlowDownSignedOn: "2026-11-02", FlowDownDocument: "contracts/hetzner-dpa-2026.pdf"}
	if err := all.Subprocessors.CreateSubprocessor(ctx, host); err != nil {
		return err
	}
	a, err := all.Changes.Announce(ctx, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: host.ID,
		Summary: "We add a second data centre in Germany, run by Hetzner, so that backups and hosting survive the loss of one site."})
	if err != nil {
		return err
	}
	notices, _, err := all.Changes.Notices(ctx, art28.NoticeFilter{ChangeID: &a.Change.ID, Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return err
	}
	for i := len(notices) - 1; i >= 0; i-- { // the oldest agreement is the first customer's
		if n := notices[i]; n.ObjectionAllowed {
			_, err := all.Changes.Object(ctx, n.ID, "Our contract with our own clients names the data centres; a new one needs their consent first.")
			return err
		}
	}
	return nil
}
