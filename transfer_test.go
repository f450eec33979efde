package art28_test

import (
	"testing"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/examples"
	"github.com/art28/art28/internal/terms"
)

func seedTerms(t *testing.T, name string) *art28.Terms {
	t.Helper()
	data, err := examples.Terms.ReadFile(name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	tm, err := terms.Parse(name+".yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// SCENARIOS.md 1 and 2, decided without a database: the windows of each
// seed, an objection, the EU-only data of L12 and the consent of G10.3.
func TestDecideTransfer(t *testing.T) {
	active := &art28.Agreement{ID: 1, Status: art28.AgreementActive}
	hosting := &art28.Subprocessor{ID: 7, Name: "Hosting GmbH", Country: "DE", Safeguard: art28.SafeguardNone, Kind: art28.KindSubprocessor}
	tracker := &art28.Subprocessor{ID: 8, Name: "Errors Inc", Country: "US", Safeguard: art28.SafeguardSCC, SCCModule: "3", Kind: art28.KindSubprocessor}
	add := &art28.Change{ID: 3, Kind: art28.ChangeAdd, State: art28.ChangeAnnounced}
	announced := at(t, "2027-03-01T09:00:00+01:00")
	notice := func(tz, end string, objection bool) *art28.Notice {
		n := &art28.Notice{ChangeID: 3, NoticeAt: announced, TimeZone: tz, State: art28.NoticeOpen,
			ObjectionAllowed: objection, SilenceApproves: objection}
		if end != "" {
			w := at(t, end)
			n.WindowEnd = &w
		} else {
			n.State, n.ApprovedAt = art28.NoticeApproved, &announced
		}
		return n
	}
	objected := notice("Europe/Paris", "2027-03-17T00:00:00+01:00", true)
	objectedAt := at(t, "2027-03-05T10:00:00+01:00")
	objected.State, objected.ObjectedAt, objected.Reason = art28.NoticeObjected, &objectedAt, "hosting outside our framework contract"
	consented := notice("Europe/Berlin", "2027-03-20T00:00:00+01:00", true)
	consented.ConsentRequired, consented.State, consented.ApprovedAt = true, art28.NoticeApproved, &objectedAt

	cases := []struct {
		name     string
		terms    string
		sp       *art28.Subprocessor
		notice   *art28.Notice
		at       string
		allowed  bool
		reason   art28.TransferReason
		clauseID string
	}{
		{"genz inside the window", "genz-saas-v1", hosting, notice("Europe/Berlin", "2027-03-20T00:00:00+01:00", true), "2027-03-19T23:59:59+01:00", false, art28.TransferWindowOpen, "G9.1"},
		{"genz window closed in silence", "genz-saas-v1", hosting, notice("Europe/Berlin", "2027-03-20T00:00:00+01:00", true), "2027-03-20T00:00:00+01:00", true, art28.TransferAuthorised, "G9.1"},
		{"septeo objected", "septeo-remote-v1", hosting, objected, "2027-04-01T00:00:00+02:00", false, art28.TransferObjected, "S4"},
		{"septeo window closed", "septeo-remote-v1", hosting, notice("Europe/Paris", "2027-03-17T00:00:00+01:00", true), "2027-03-17T00:00:00+01:00", true, art28.TransferAuthorised, "S4"},
		{"conneqtos not before the notice has run", "conneqtos-v1", hosting, notice("Europe/Dublin", "2027-03-16T00:00:00Z", true), "2027-03-15T12:00:00Z", false, art28.TransferWindowOpen, "C7"},
		{"lenoit informed, no window", "lenoit-backup-v1", hosting, notice("Europe/Berlin", "", false), "2027-03-01T09:00:00+01:00", true, art28.TransferAuthorised, "L7"},
		{"lenoit EU-only data and a US tracker", "lenoit-backup-v1", tracker, notice("Europe/Berlin", "", false), "2027-04-01T00:00:00+02:00", false, art28.TransferLocationNotAllowed, "L12"},
		{"septeo allows SCC once the window has closed", "septeo-remote-v1", tracker, notice("Europe/Paris", "2027-03-17T00:00:00+01:00", true), "2027-03-17T00:00:00+01:00", true, art28.TransferAuthorised, "S4"},
		{"genz needs prior consent", "genz-saas-v1", &art28.Subprocessor{ID: 9, Name: "Far Away Ltd", Country: "IN", Safeguard: art28.SafeguardArt49, Kind: art28.KindSubprocessor}, notice("Europe/Berlin", "2027-03-20T00:00:00+01:00", true), "2027-04-01T00:00:00+02:00", false, art28.TransferConsentRequired, "G10.3"},
		{"genz consent given", "genz-saas-v1", &art28.Subprocessor{ID: 9, Name: "Far Away Ltd", Country: "IN", Safeguard: art28.SafeguardArt49, Kind: art28.KindSubprocessor}, consented, "2027-04-01T00:00:00+02:00", true, art28.TransferAuthorised, "G9.1"},
		{"conneqtos refuses a derogation", "conneqtos-v1", &art28.Subprocessor{ID: 9, Name: "Far Away Ltd", Country: "IN", Safeguard: art28.SafeguardArt49, Kind: art28.KindSubprocessor}, nil, "2027-04-01T00:00:00Z", false, art28.TransferSafeguardMissing, "C10"},
		{"never announced", "genz-saas-v1", hosting, nil, "2027-04-01T00:00:00+02:00", false, art28.TransferNotAnnounced, "G9.1"},
		{"ancillary", "genz-saas-v1", &art28.Subprocessor{ID: 10, Name: "Cleaners", Country: "DE", Kind: art28.KindAncillary}, nil, "2027-04-01T00:00:00+02:00", false, art28.TransferNotSubprocessor, "G9.9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ch *art28.Change
			if c.notice != nil {
				ch = add
			}
			d := art28.DecideTransfer(art28.TransferFacts{At: at(t, c.at), Agreement: active, Terms: seedTerms(t, c.terms),
				Subprocessor: c.sp, Notice: c.notice, Change: ch})
			if d.Allowed != c.allowed || d.Reason != c.reason || d.Message == "" {
				t.Fatalf("got allowed=%v %s (%s), want allowed=%v %s", d.Allowed, d.Reason, d.Message, c.allowed, c.reason)
			}
			found := false
			for _, id := range d.ClauseIDs {
				found = found || id == c.clauseID
			}
			if !found {
				t.Fatalf("clause IDs %v, want %s among them", d.ClauseIDs, c.clauseID)
			}
		})
	}

	// A listed sub-processor runs under the agreement as accepted; once
	// removed it does not; a draft agreement allows nothing.
	listed := *hosting
	listed.Listed = true
	if d := art28.DecideTransfer(art28.TransferFacts{At: announced, Agreement: active, Terms: seedTerms(t, "genz-saas-v1"), Subprocessor: &listed}); !d.Allowed {
		t.Fatalf("listed: %+v", d)
	}
	removal := &art28.Change{ID: 4, Kind: art28.ChangeRemove, State: art28.ChangeAnnounced}
	if d := art28.DecideTransfer(art28.TransferFacts{At: announced, Agreement: active, Terms: seedTerms(t, "genz-saas-v1"), Subprocessor: &listed,
		Notice: notice("Europe/Berlin", "", false), Change: removal}); d.Allowed || d.Reason != art28.TransferRemoved {
		t.Fatalf("removed: %+v", d)
	}
	draft := &art28.Agreement{ID: 2, Status: art28.AgreementDraft}
	if d := art28.DecideTransfer(art28.TransferFacts{At: announced, Agreement: draft, Terms: seedTerms(t, "genz-saas-v1"), Subprocessor: &listed}); d.Allowed || d.Reason != art28.TransferAgreementInactive {
		t.Fatalf("draft: %+v", d)
	}
}

func TestSubprocessorValidate(t *testing.T) {
	for _, c := range []struct {
		sp    art28.Subprocessor
		field string
	}{
		{art28.Subprocessor{Name: "A", Country: "US", Purpose: "x", ServiceIDs: []int64{1}}, "safeguard"},
		{art28.Subprocessor{Name: "A", Country: "IN", Purpose: "x", ServiceIDs: []int64{1}, Safeguard: art28.SafeguardAdequacy}, "safeguard"},
		{art28.Subprocessor{Name: "A", Country: "US", Purpose: "x", ServiceIDs: []int64{1}, Safeguard: art28.SafeguardSCC}, "scc_module"},
		{art28.Subprocessor{Name: "A", Country: "XX", Purpose: "x", ServiceIDs: []int64{1}}, "country"},
		{art28.Subprocessor{Name: "A", Country: "DE", Purpose: "x"}, "service_ids"},
		{art28.Subprocessor{Name: "A", Country: "DE", Purpose: "x", ServiceIDs: []int64{1}, FlowDownSignedOn: "1 May"}, "flow_down_signed_on"},
	} {
		err := c.sp.Validate()
		if e, ok := err.(*art28.Error); !ok || e.Field != c.field {
			t.Errorf("%+v: got %v, want an error on %s", c.sp, err, c.field)
		}
	}
	ok := art28.Subprocessor{Name: "OVHcloud", Country: "fr", Purpose: "hosting", ServiceIDs: []int64{1}}
	if err := ok.Validate(); err != nil || ok.Safeguard != art28.SafeguardNone || ok.Country != "FR" || ok.Kind != art28.KindSubprocessor {
		t.Fatalf("a French host: %v %+v", err, ok)
	}
}
