package demo

import (
	"context"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
)

// demoIncidents records two incidents: one assessed as no breach, and a
// breach an hour old reaching three customers on their own clocks, whose
// first notices went out saying the numbers of records will follow. It
// also sends a bulletin (G6.3) to every running customer, and records a
// legal obligation (G4.5) withheld because the law forbids telling yet.
func demoIncidents(ctx context.Context, all store.AllServices) error {
	customers, _, err := all.Customers.Customers(ctx, art28.CustomerFilter{Page: art28.Page{Limit: 6}})
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	phish := &art28.Incident{Title: "Phishing e-mail to support staff", Description: "A support agent reported a phishing e-mail; nobody clicked the link.",
		Reporter: "Support team", DetectedAt: now.Add(-72 * time.Hour), AwareAt: now.Add(-72 * time.Hour), Systems: []string{"mail"}}
	if err := all.Incidents.RecordIncident(ctx, phish); err != nil {
		return err
	}
	if _, err := all.Incidents.Assess(ctx, phish.ID, art28.AssessNotBreach, "No personal data was accessed: the link was not opened."); err != nil {
		return err
	}
	n := func(v int64) *int64 { return &v }
	breach := &art28.Incident{Title: "Backup bucket publicly readable", Description: "A storage bucket's policy allowed public reads for 40 minutes.",
		Reporter: "On-call engineer", DetectedAt: now.Add(-90 * time.Minute), AwareAt: now.Add(-80 * time.Minute),
		Systems: []string{"object storage"}, DataCategories: []string{"contact data", "support tickets"},
		Consequences: "Contact data may be misused for phishing.", Measures: "The policy was corrected; access logs are being analysed."}
	for i, c := range customers {
		if i >= 3 {
			break
		}
		breach.Affected = append(breach.Affected, art28.Affected{CustomerID: c.ID, Subjects: n(int64(40 * (i + 1)))})
	}
	if err := all.Incidents.RecordIncident(ctx, breach); err != nil {
		return err
	}
	if _, err := all.Incidents.Assess(ctx, breach.ID, art28.AssessBreach, "Personal data were readable by anyone on the internet."); err != nil {
		return err
	}
	if _, err := all.Incidents.IssueNotices(ctx, breach.ID, art28.BreachContent{Nature: breach.Description,
		DataCategories: breach.DataCategories, Consequences: breach.Consequences, Measures: breach.Measures,
		ToFollow: []art28.NoticePart{art28.PartRecords}}); err != nil {
		return err
	}
	if err := all.Bulletins.IssueBulletin(ctx, &art28.Bulletin{Kind: art28.BulletinAuthorityAction, Title: "An inspection by our supervisory authority",
		Body:       "The supervisory authority will inspect our Karlsruhe data centre next month. Your data are not affected; we tell you as our agreement asks.",
		AllRunning: true, OccurredAt: now.Add(-5 * time.Hour)}); err != nil {
		return err
	}
	// A legal obligation the law forbids telling yet (G4.5): recorded,
	// withheld, due before the processing starts; sent from its page.
	start := now.Add(14 * 24 * time.Hour).Truncate(time.Hour)
	return all.Bulletins.IssueBulletin(ctx, &art28.Bulletin{Kind: art28.BulletinLegalObligation, Title: "A court order to preserve access logs",
		Body:           "A court orders us to keep the access logs of one account for twelve months from " + start.Format("2 January 2006") + ".",
		CustomerIDs:    []int64{customers[0].ID},
		ProcessingFrom: &start, WithheldReason: "The order forbids disclosure to the account holder until the investigation ends."})
}
