package store_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/store"
	"github.com/art28/art28/internal/testrig"
)

// A new sub-processor announced to two agreements on different clocks
// (SCENARIOS.md 1): windows, an objection, approval by silence, the
// transfer check along the way, the resolution, and a withdrawn move.
func TestSubprocessorChangeLifecycle(t *testing.T) {
	genz, err := os.ReadFile("../../examples/genz-saas-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var clock time.Time
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		clock = time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)
		acme, globex := f.Agreements["acme"], f.Agreements["globex"]
		if _, err := all.Agreements.ConcludeAgreement(po, acme.ID, art28.Conclusion{Method: art28.ConcludedSignature,
			AcceptedBy: "Acme CEO", AcceptedAt: db.Now()}); err != nil {
			t.Fatal(err)
		}
		v, _, err := all.Terms.ImportTerms(po, "dpa-standard", art28.TermsImport{Content: string(genz)})
		if err != nil {
			t.Fatal(err)
		}
		// Globex under G9.1 as it stands; Acme with Septeo's 15 calendar days.
		if _, err := all.Terms.SetAgreementTerms(po, globex.ID, v.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := all.Terms.SetAgreementTerms(po, acme.ID, v.ID,
			"clauses:\n  subprocessor_notice:\n    period: 15 days\n    channels: [email]\n    implements: [S4]\n"); err != nil {
			t.Fatal(err)
		}

		// A third agreement, running but without terms: no window can be
		// computed for it, so it is left for a person, and counted.
		bare := &art28.Agreement{CustomerID: globex.CustomerID, TemplateKey: "dpa-standard", ServiceIDs: []int64{f.Services["hosting"].ID}}
		if err := all.Agreements.CreateAgreement(po, bare); err != nil {
			t.Fatal(err)
		}
		if _, err := all.Agreements.ConcludeAgreement(po, bare.ID, art28.Conclusion{Method: art28.ConcludedSignature,
			AcceptedBy: "Globex CFO", AcceptedAt: db.Now()}); err != nil {
			t.Fatal(err)
		}

		before := testrig.ActivityCount(t, db)
		bad := &art28.Subprocessor{Name: "Errors Inc", Country: "US", Purpose: "error tracking", ServiceIDs: []int64{f.Services["hosting"].ID}}
		testrig.WantError(t, all.Subprocessors.CreateSubprocessor(po, bad), art28.EINVALID, "safeguard")
		unknown := &art28.Subprocessor{Name: "Nowhere", Country: "XX", Purpose: "x", ServiceIDs: []int64{f.Services["hosting"].ID}}
		testrig.WantError(t, all.Subprocessors.CreateSubprocessor(po, unknown), art28.EINVALID, "country")
		if n := testrig.ActivityCount(t, db); n != before {
			t.Fatalf("refused entries recorded activity: %d -> %d", before, n)
		}
		sp := &art28.Subprocessor{Name: "Hosting GmbH", Country: "DE", Purpose: "hosting", ServiceIDs: []int64{f.Services["hosting"].ID}}
		if err := all.Subprocessors.CreateSubprocessor(po, sp); err != nil {
			t.Fatal(err)
		}
		testrig.WantError(t, all.Subprocessors.CreateSubprocessor(testrig.As(testrig.CustomerAdmin(acme.CustomerID)), &art28.Subprocessor{
			Name: "X", Country: "DE", Purpose: "x", ServiceIDs: []int64{f.Services["hosting"].ID}}), art28.EFORBIDDEN, "")

		ann, err := all.Changes.Announce(po, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "A second data centre."})
		if err != nil {
			t.Fatal(err)
		}
		if ann.Notices != 2 || ann.Duties != 2 || len(ann.Skipped) != 1 || ann.Skipped[0] != bare.ID || ann.Change.State != art28.ChangeAnnounced {
			t.Fatalf("announcement: %+v", ann)
		}
		if c, err := all.Changes.Change(po, ann.Change.ID); err != nil || c.Tally.Skipped != 1 || c.Tally.Agreements != 2 {
			t.Fatalf("the skipped agreement is not counted on the change: %v %+v", err, c)
		}
		_, err = all.Changes.Announce(po, &art28.Change{Kind: art28.ChangeAdd, SubprocessorID: sp.ID, Summary: "Again."})
		testrig.WantError(t, err, art28.ECONFLICT, "subprocessor_id")

		notices, _, err := all.Changes.Notices(po, art28.NoticeFilter{ChangeID: &ann.Change.ID})
		if err != nil || len(notices) != 2 {
			t.Fatalf("notices: %v %d", err, len(notices))
		}
		byAgreement := map[int64]*art28.Notice{}
		for _, n := range notices {
			byAgreement[n.AgreementID] = n
		}
		wantEnd := map[int64]string{globex.ID: "2027-03-20T00:00:00+01:00", acme.ID: "2027-03-17T00:00:00+01:00"}
		for id, want := range wantEnd {
			n := byAgreement[id]
			if n == nil || n.WindowEnd == nil || !n.WindowEnd.Equal(mustTime(t, want)) || n.DutyID == 0 || n.State != art28.NoticeOpen {
				t.Fatalf("agreement %d: notice %+v, want a window until %s", id, n, want)
			}
		}
		deliveries, _, err := all.Deliveries.Deliveries(po, art28.DeliveryFilter{})
		if err != nil || len(deliveries) != 2 {
			t.Fatalf("deliveries: %v %+v", err, deliveries)
		}
		for _, d := range deliveries {
			if d.Channel != art28.ChannelEmail || !strings.HasPrefix(d.Recipient, "dpo@") || d.State != art28.DeliveryPending {
				t.Fatalf("delivery %+v", d)
			}
		}

		check := func(agreementID int64, allowed bool, reason art28.TransferReason) *art28.TransferDecision {
			t.Helper()
			d, err := all.Transfers.CheckTransfer(po, agreementID, sp.ID, time.Time{})
			if err != nil || d.Allowed != allowed || d.Reason != reason {
				t.Fatalf("transfer check for agreement %d at %s: %v %+v, want %v %s", agreementID, clock, err, d, allowed, reason)
			}
			return d
		}
		check(globex.ID, false, art28.TransferWindowOpen)
		check(acme.ID, false, art28.TransferWindowOpen)

		// 5 March: Acme objects; Globex's member may not, Globex's admin may
		// not touch Acme's notice.
		clock = time.Date(2027, 3, 5, 9, 0, 0, 0, time.UTC)
		_, err = all.Changes.Object(testrig.As(testrig.CustomerMember(globex.CustomerID)), byAgreement[globex.ID].ID, "no")
		testrig.WantError(t, err, art28.EFORBIDDEN, "")
		_, err = all.Changes.Object(testrig.As(testrig.CustomerAdmin(globex.CustomerID)), byAgreement[acme.ID].ID, "no")
		testrig.WantError(t, err, art28.ENOTFOUND, "")
		_, err = all.Changes.Object(testrig.As(testrig.CustomerAdmin(acme.CustomerID)), byAgreement[acme.ID].ID, "  ")
		testrig.WantError(t, err, art28.EINVALID, "reason")
		n, err := all.Changes.Object(testrig.As(testrig.CustomerAdmin(acme.CustomerID)), byAgreement[acme.ID].ID, "Our framework contract excludes new hosts.")
		if err != nil || n.State != art28.NoticeObjected || n.ObjectedAt == nil {
			t.Fatalf("objection: %v %+v", err, n)
		}
		check(acme.ID, false, art28.TransferObjected)

		// The windows close: Globex's in silence, approved by the sweep.
		clock = time.Date(2027, 3, 19, 23, 0, 0, 0, time.UTC)
		approved, err := all.Changes.CloseWindows(testrig.As(art28.SystemActor), clock)
		if err != nil || approved != 1 {
			t.Fatalf("close windows: %v, approved %d, want 1", err, approved)
		}
		d := check(globex.ID, true, art28.TransferAuthorised)
		if d.Since == nil || !d.Since.Equal(mustTime(t, "2027-03-20T00:00:00+01:00")) || len(d.ClauseIDs) == 0 || d.ClauseIDs[0] != "G9.1" {
			t.Fatalf("authorised since %v on %v", d.Since, d.ClauseIDs)
		}
		_, err = all.Changes.Object(testrig.As(testrig.CustomerAdmin(globex.CustomerID)), byAgreement[globex.ID].ID, "too late")
		testrig.WantError(t, err, art28.ECONFLICT, "state")
		if c, _ := all.Changes.Change(po, ann.Change.ID); c.State != art28.ChangeAnnounced || c.Tally.Objected != 1 || c.Tally.Approved != 1 {
			t.Fatalf("an open objection keeps the change under way: %+v", c)
		}
		if got, _ := all.Duties.Duty(po, byAgreement[globex.ID].DutyID); got.State != art28.DutyDone {
			t.Fatalf("the window's duty: %+v", got)
		}

		// The processor keeps Acme's data off; the change completes and the
		// sub-processor is listed.
		_, err = all.Changes.Resolve(po, byAgreement[acme.ID].ID, "ignore")
		testrig.WantError(t, err, art28.EINVALID, "resolution")
		if n, err = all.Changes.Resolve(po, byAgreement[acme.ID].ID, art28.ResolveKeepOff); err != nil || n.State != art28.NoticeKeptOff {
			t.Fatalf("resolve: %v %+v", err, n)
		}
		c, _ := all.Changes.Change(po, ann.Change.ID)
		listed, _ := all.Subprocessors.Subprocessor(po, sp.ID)
		if c.State != art28.ChangeCompleted || !listed.Listed {
			t.Fatalf("completion: %+v listed=%v", c, listed.Listed)
		}
		check(acme.ID, false, art28.TransferObjected)
		check(globex.ID, true, art28.TransferAuthorised)
		_, err = all.Changes.Withdraw(po, c.ID, "too late")
		testrig.WantError(t, err, art28.ECONFLICT, "state")

		// A move to the United States: a safeguard is required, then the
		// move is announced and withdrawn; the listed host keeps working.
		_, err = all.Changes.Announce(po, &art28.Change{Kind: art28.ChangeLocation, SubprocessorID: sp.ID, Summary: "Move.", NewCountry: "US"})
		testrig.WantError(t, err, art28.EINVALID, "new_safeguard")
		move, err := all.Changes.Announce(po, &art28.Change{Kind: art28.ChangeLocation, SubprocessorID: sp.ID, Summary: "Move.",
			NewCountry: "US", NewSafeguard: art28.SafeguardSCC, NewSCCModule: "3"})
		if err != nil || move.Notices != 2 {
			t.Fatalf("move: %v %+v", err, move)
		}
		check(globex.ID, true, art28.TransferAuthorised)
		w, err := all.Changes.Withdraw(po, move.Change.ID, "The US region is not needed after all.")
		if err != nil || w.State != art28.ChangeWithdrawn {
			t.Fatalf("withdraw: %v %+v", err, w)
		}
		open := art28.DutyOpen
		if duties, _, _ := all.Duties.Duties(po, art28.DutyFilter{State: &open}); len(duties) != 0 {
			t.Fatalf("a withdrawn change left %d duties open", len(duties))
		}
		check(globex.ID, true, art28.TransferAuthorised)
		after, _ := all.Subprocessors.Subprocessor(po, sp.ID)
		if after.Country != "DE" {
			t.Fatalf("a withdrawn move moved the register: %s", after.Country)
		}
	}, store.WithClock(func() time.Time { return clock }))
}

func TestSubprocessorRegisterCSVAndReviews(t *testing.T) {
	testrig.EachDB(t, func(t *testing.T, db *store.DB) {
		f := testrig.Seed(t, db)
		all := store.All(db)
		po := testrig.As(testrig.PrivacyOfficer)

		before := testrig.ActivityCount(t, db)
		_, err := all.Subprocessors.ImportSubprocessors(po, []byte("name,country,purpose,services\n"+
			"OVHcloud,FR,SMS credits,Hosting\n"+
			"Nowhere Ltd,XX,storage,Hosting\n"))
		testrig.WantError(t, err, art28.EINVALID, "csv")
		if !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "country") {
			t.Fatalf("the error names neither line nor field: %v", err)
		}
		_, err = all.Subprocessors.ImportSubprocessors(po, []byte("name,country,purpose,services\nOVHcloud,FR,SMS,No such service\n"))
		testrig.WantError(t, err, art28.EINVALID, "csv")
		if _, total, _ := all.Subprocessors.Subprocessors(po, art28.SubprocessorFilter{}); total != 0 || testrig.ActivityCount(t, db) != before {
			t.Fatalf("a refused file stored %d entries", total)
		}
		csv := "name,legal_entity,country,purpose,services,safeguard,scc_module,listed\n" +
			"OVHcloud,OVH SAS,FR,Database storage,Hosting; Backup,,,true\n" +
			"Sentry,\"Functional Software, Inc.\",US,Application logs,Hosting,scc_2021_914,3,true\n"
		n, err := all.Subprocessors.ImportSubprocessors(po, []byte(csv))
		if err != nil || n != 2 {
			t.Fatalf("import: %v %d", err, n)
		}
		list, _, err := all.Subprocessors.Subprocessors(po, art28.SubprocessorFilter{})
		if err != nil || len(list) != 2 || list[0].Name != "OVHcloud" || len(list[0].ServiceIDs) != 2 ||
			list[1].LegalEntity != "Functional Software, Inc." || list[1].Safeguard != art28.SafeguardSCC || !list[1].Listed {
			t.Fatalf("imported: %v %+v", err, list)
		}
		// What is exported imports again, unchanged.
		var out strings.Builder
		names := map[int64]string{f.Services["hosting"].ID: "Hosting", f.Services["backup"].ID: "Backup"}
		if err := art28.WriteSubprocessorsCSV(&out, list, func(id int64) string { return names[id] }, false); err != nil {
			t.Fatal(err)
		}
		rows, err := art28.ReadSubprocessorsCSV([]byte(out.String()))
		if err != nil || len(rows) != 2 || rows[1].Subprocessor.SCCModule != "3" || len(rows[0].Services) != 2 {
			t.Fatalf("round trip: %v %+v\n%s", err, rows, out.String())
		}

		// A listed entry's country changes only through a notice.
		moved := *list[0]
		moved.Country = "DE"
		testrig.WantError(t, all.Subprocessors.UpdateSubprocessor(po, &moved), art28.EINVALID, "country")
		renamed := *list[0]
		renamed.FlowDownSignedOn, renamed.FlowDownDocument = "2026-01-15", "contracts/ovh-dpa.pdf"
		if err := all.Subprocessors.UpdateSubprocessor(po, &renamed); err != nil {
			t.Fatal(err)
		}

		// Reviews: each opens the next, due by the end of the day 12 months
		// on, and closes the last.
		r1 := &art28.Review{SubprocessorID: list[0].ID, ReviewedOn: "2026-02-01", Reviewer: "Dana", Outcome: art28.ReviewPassed}
		if err := all.Subprocessors.AddReview(po, r1); err != nil {
			t.Fatal(err)
		}
		testrig.WantError(t, all.Subprocessors.AddReview(po, &art28.Review{SubprocessorID: list[0].ID, ReviewedOn: "2026-13-01",
			Reviewer: "Dana", Outcome: art28.ReviewPassed}), art28.EINVALID, "reviewed_on")
		r2 := &art28.Review{SubprocessorID: list[0].ID, ReviewedOn: "2026-06-01", Reviewer: "Dana", Outcome: art28.ReviewWithFindings,
			Documents: []string{"audits/ovh-2026.pdf"}}
		if err := all.Subprocessors.AddReview(po, r2); err != nil {
			t.Fatal(err)
		}
		open := art28.DutyOpen
		duties, _, _ := all.Duties.Duties(po, art28.DutyFilter{State: &open})
		if len(duties) != 1 || duties[0].Kind != "subprocessor.review" || !duties[0].DueAt.Equal(mustTime(t, "2027-06-02T00:00:00Z")) {
			t.Fatalf("review duties: %d, the first %+v", len(duties), *duties[0])
		}
		reviews, err := all.Subprocessors.Reviews(po, list[0].ID)
		if err != nil || len(reviews) != 2 || reviews[0].ReviewedOn != "2026-06-01" {
			t.Fatalf("reviews: %v %+v", err, reviews)
		}
	})
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
