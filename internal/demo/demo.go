// Package demo loads a data set a newcomer can click through: one processor
// whose agreement templates are the four seed agreements, a few dozen
// customers with contacts and agreements, and a user for each role.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/examples"
	"github.com/art28/art28/internal/calendar"
	"github.com/art28/art28/internal/store"
)

// Password is every demo user's password. The demo is for trying art28
// out, never for real data.
const Password = "art28-demo-password"

// Credential is one demo sign-in.
type Credential struct {
	Role     art28.Role
	Email    string
	Customer string
}

// Templates are the four seed agreements, offered as templates.
var Templates = []art28.AgreementTemplate{
	{Key: "lenoit-backup-v1", Title: "LenoIT Cloud-PBS backup DPA", Description: "Seed 000: client-side encrypted backups, EU-only storage, 30 days to retrieve after the end."},
	{Key: "conneqtos-v1", Title: "ConneqtOS work management DPA", Description: "Seed 001: 14 days' notice of sub-processor changes, breach notice within 72 hours, deemed signed by use."},
	{Key: "septeo-remote-v1", Title: "Septeo remote control and hosting DPA", Description: "Seed 002: 15 days to object to a sub-processor, yearly audits with 30 days' notice by registered letter."},
	{Key: "genz-saas-v1", Title: "Genz IT Solutions SaaS and hosting DPA (German law)", Description: "Seed 003: breach notice within 24 hours, 14 working days for new sub-processors, 3 months' termination notice."},
}

var services = []art28.Service{
	{Name: "Cloud backup", Nature: "Storage of encrypted backups and restoration on request",
		Purposes: []string{"Backup", "Disaster recovery"}, DataCategories: []string{"Any data in the customer's backups (encrypted)"},
		SubjectCategories: []string{"Customer's employees", "Customer's clients"}, Sources: []string{"Customer's systems"},
		ClientSideEncryption: true, Locations: []string{"DE", "FR"}},
	{Name: "Work management", Nature: "Hosting and operation of a project and task management application",
		Purposes: []string{"Project management", "Team collaboration"}, DataCategories: []string{"Identification data", "Contact data", "Work content"},
		SubjectCategories: []string{"Customer's employees", "Customer's contractors"}, Sources: []string{"Data subjects", "Customer"},
		Locations: []string{"IE", "DE"}},
	{Name: "Remote control", Nature: "Remote access to and maintenance of the customer's machines",
		Purposes: []string{"IT support", "Maintenance"}, DataCategories: []string{"Identification data", "Connection logs", "Screen content"},
		SubjectCategories: []string{"Customer's employees"}, Sources: []string{"Customer's machines"}, Locations: []string{"FR"}},
	{Name: "Managed hosting", Nature: "Hosting, development and operation of the customer's applications",
		Purposes: []string{"Hosting", "Software development", "Support"}, DataCategories: []string{"Identification data", "Contact data", "Contract data", "Usage data"},
		SubjectCategories: []string{"Customer's clients", "Customer's employees"}, Sources: []string{"Customer's applications"},
		SpecialCategories: []string{"Health data (only where the customer declares it)"}, Locations: []string{"DE"}},
}

var (
	prefixes = []string{"Alder", "Birch", "Cedar", "Delta", "Elbe", "Fjord", "Granit", "Harbor", "Iris", "Jura", "Kessel", "Linden"}
	suffixes = []struct{ name, country string }{
		{"GmbH", "DE"}, {"SAS", "FR"}, {"B.V.", "NL"}, {"AB", "SE"}, {"S.r.l.", "IT"}, {"Ltd", "IE"},
	}
	trades = []string{"Logistics", "Dental", "Consulting"}
)

// Load fills an empty database with the demo data set and returns the
// demo sign-ins. A database that already has users is left as it is.
func Load(ctx context.Context, all store.AllServices) ([]Credential, error) {
	sys := art28.NewContext(ctx, art28.Actor{Name: "demo", Role: art28.RoleOwner, Source: "demo"})
	owner := &art28.User{Email: "owner@processor.example", Name: "Olivia Owner", Role: art28.RoleOwner}
	creds := []Credential{{Role: owner.Role, Email: owner.Email}}
	if err := all.Users.CreateFirstOwner(ctx, owner, Password); art28.ErrorCode(err) == art28.ECONFLICT {
		return existingCredentials(ctx, all)
	} else if err != nil {
		return nil, err
	}
	for _, u := range []*art28.User{
		{Email: "privacy@processor.example", Name: "Pia Privacy", Role: art28.RolePrivacyOfficer},
		{Email: "operator@processor.example", Name: "Oskar Operator", Role: art28.RoleOperator},
		{Email: "readonly@processor.example", Name: "Rita Reader", Role: art28.RoleReadOnly},
	} {
		if err := all.Users.CreateUser(sys, u, Password); err != nil {
			return nil, err
		}
		creds = append(creds, Credential{Role: u.Role, Email: u.Email})
	}
	if err := all.Processor.UpdateProfile(sys, &art28.ProcessorProfile{
		LegalName: "Demo Cloud Services GmbH", Address: "Kaiserstraße 12\n76133 Karlsruhe", Country: "DE",
		DPOName: "Dana Schutz", DPOEmail: "dpo@processor.example", DPOPhone: "+49 721 555 0100",
		SupervisoryAuthority: "Landesbeauftragter für Datenschutz und Informationsfreiheit Baden-Württemberg",
	}); err != nil {
		return nil, err
	}
	versions := map[string]int64{}
	for i := range Templates {
		t := Templates[i]
		if err := all.Agreements.CreateTemplate(sys, &t); err != nil {
			return nil, err
		}
		content, err := examples.Terms.ReadFile(t.Key + ".yaml")
		if err != nil {
			return nil, err
		}
		// A seed without its digest still imports: the terms are what the
		// engine runs on.
		legal, _ := examples.LegalText.ReadFile(t.Key + ".md")
		v, _, err := all.Terms.ImportTerms(sys, t.Key, art28.TermsImport{Content: string(content), LegalText: string(legal)})
		if err != nil {
			return nil, fmt.Errorf("terms of %s: %w", t.Key, err)
		}
		versions[t.Key] = v.ID
	}
	var serviceIDs []int64
	for i := range services {
		s := services[i]
		if err := all.Services.CreateService(sys, &s); err != nil {
			return nil, err
		}
		serviceIDs = append(serviceIDs, s.ID)
	}
	n := 0
	for _, trade := range trades {
		for j, p := range prefixes {
			suf := suffixes[(j+n)%len(suffixes)]
			c := &art28.Customer{LegalName: fmt.Sprintf("%s %s %s", p, trade, suf.name), Country: suf.country,
				Address: fmt.Sprintf("%d Demo Street, %s", 10+n, art28.CountryName(suf.country)), EUEstablished: true}
			if n%9 == 8 {
				c.Role, c.UpstreamController = art28.CustomerProcessor, "Upstream Health Insurance "+p
			}
			if err := all.Customers.CreateCustomer(sys, c); err != nil {
				return nil, err
			}
			domain := strings.ToLower(p+"-"+trade) + ".example"
			for _, ct := range []art28.Contact{
				{Name: "Account Owner " + p, Email: "owner@" + domain, Roles: []art28.ContactRole{art28.ContactAccountOwner, art28.ContactLegal}},
				{Name: "IT Admin " + p, Email: "it@" + domain, Roles: []art28.ContactRole{art28.ContactAdministrator, art28.ContactSecurity}},
				{Name: "DPO " + p, Email: "dpo@" + domain, Roles: []art28.ContactRole{art28.ContactDPO}},
			} {
				ct.CustomerID = c.ID
				if err := all.Customers.CreateContact(sys, &ct); err != nil {
					return nil, err
				}
			}
			if err := demoAgreement(sys, all, c, n, serviceIDs, versions); err != nil {
				return nil, err
			}
			if n < 2 {
				for _, u := range []*art28.User{
					{Email: "admin@" + domain, Name: "Admin " + p, Role: art28.RoleCustomerAdmin, CustomerID: c.ID},
					{Email: "member@" + domain, Name: "Member " + p, Role: art28.RoleCustomerMember, CustomerID: c.ID},
				} {
					if err := all.Users.CreateUser(sys, u, Password); err != nil {
						return nil, err
					}
					creds = append(creds, Credential{Role: u.Role, Email: u.Email, Customer: c.LegalName})
				}
			}
			n++
		}
	}
	if err := demoDuties(sys, all); err != nil {
		return nil, fmt.Errorf("demo duties: %w", err)
	}
	if err := demoSubprocessors(sys, all, serviceIDs); err != nil {
		return nil, fmt.Errorf("demo sub-processors: %w", err)
	}
	if err := demoIncidents(sys, all); err != nil {
		return nil, fmt.Errorf("demo incidents: %w", err)
	}
	return creds, nil
}

// demoDuties opens duties of several kinds, their deadlines computed from
// each agreement's own terms, so that the dashboard's timeline has
// something overdue, something today, this week and later.
func demoDuties(ctx context.Context, all store.AllServices) error {
	now := time.Now().UTC()
	ags, _, err := all.Agreements.Agreements(ctx, art28.AgreementFilter{Page: art28.Page{Limit: 12}})
	if err != nil {
		return err
	}
	plans := []struct {
		kind, title string
		clause      art28.ClauseKey
		ago         time.Duration // when the event happened
	}{
		{"audit.report", "Send the report of last month's audit", art28.AuditNotice, 20 * 24 * time.Hour},
		{"breach.notice", "Notify the breach of the backup bucket", art28.BreachNotification, 20 * time.Hour},
		{"audit.notice_check", "Check the notice of the requested audit", art28.AuditNotice, 35 * 24 * time.Hour},
		{"request.forwarding", "Forward the access request of a data subject", art28.RequestForwarding, 40 * time.Hour},
	}
	for i, ag := range ags {
		e, err := all.Terms.AgreementTerms(ctx, ag.ID)
		if err != nil {
			return err
		}
		cal, err := calendar.Lookup(e.Terms.Calendar)
		if err != nil {
			return err
		}
		// The first plan, from this agreement's turn on, that its terms
		// give a period for (L7, for one, has no objection window).
		for j := range plans {
			plan := plans[(i+j)%len(plans)]
			c, ok := e.Terms.Clauses[plan.clause]
			if !ok || c.Period == nil {
				continue
			}
			from := now.Add(-plan.ago)
			due, err := e.Terms.Deadline(plan.clause, from, cal)
			if err != nil {
				return err
			}
			d := &art28.Duty{Kind: plan.kind, Title: plan.title, CustomerID: ag.CustomerID, AgreementID: ag.ID,
				Clause: plan.clause, ClauseIDs: c.Implements, OpenedAt: from, DueAt: due}
			if err := all.Duties.OpenDuty(ctx, d); err != nil {
				return err
			}
			break
		}
	}
	return nil
}

// demoAgreement gives customer number n an agreement under one of the four
// templates, in a spread of statuses and ways of conclusion.
func demoAgreement(ctx context.Context, all store.AllServices, c *art28.Customer, n int, serviceIDs []int64, versions map[string]int64) error {
	t := Templates[n%len(Templates)]
	a := &art28.Agreement{CustomerID: c.ID, TemplateKey: t.Key, ServiceIDs: []int64{serviceIDs[n%len(serviceIDs)]}}
	if n%5 == 0 {
		a.ServiceIDs = append(a.ServiceIDs, serviceIDs[(n+1)%len(serviceIDs)])
	}
	if err := all.Agreements.CreateAgreement(ctx, a); err != nil {
		return err
	}
	// Every agreement points at its template's terms; a few customers
	// negotiated a longer objection window.
	overrides := ""
	if t.Key == "genz-saas-v1" && n%3 == 0 {
		overrides = "clauses:\n  subprocessor_notice:\n    period: 30 days\n"
	}
	if _, err := all.Terms.SetAgreementTerms(ctx, a.ID, versions[t.Key], overrides); err != nil {
		return err
	}
	if n%11 == 10 {
		return nil // left as a draft
	}
	sum := sha256.Sum256([]byte(t.Key + ":" + t.Title))
	at := time.Date(2025, time.Month(1+n%12), 1+n%27, 10, 30, 0, 0, time.UTC)
	concl := art28.Conclusion{Method: art28.ConcludedElectronic, AcceptedBy: "owner@" + strings.ToLower(strings.Fields(c.LegalName)[0]) + ".example",
		AcceptedAt: at, AcceptedFrom: fmt.Sprintf("198.51.100.%d", 10+n), DocumentHash: hex.EncodeToString(sum[:])}
	switch {
	case t.Key == "conneqtos-v1":
		concl = art28.Conclusion{Method: art28.ConcludedByUse, AcceptedAt: at, DocumentHash: hex.EncodeToString(sum[:])}
	case t.Key == "genz-saas-v1" && n%2 == 1:
		concl = art28.Conclusion{Method: art28.ConcludedSignature, AcceptedBy: "Managing director, " + c.LegalName, AcceptedAt: at, AcceptedFrom: "Karlsruhe"}
	}
	if _, err := all.Agreements.ConcludeAgreement(ctx, a.ID, concl); err != nil {
		return err
	}
	switch n % 13 {
	case 7:
		_, err := all.Agreements.SetAgreementStatus(ctx, a.ID, art28.AgreementTerminating)
		return err
	case 12:
		_, err := all.Agreements.SetAgreementStatus(ctx, a.ID, art28.AgreementEnded)
		return err
	}
	return nil
}

// existingCredentials is what a second start prints: the demo sign-ins
// still in the database (a user may have been disabled or removed since).
func existingCredentials(ctx context.Context, all store.AllServices) ([]Credential, error) {
	sys := art28.NewContext(ctx, art28.Actor{Name: "demo", Role: art28.RoleOwner, Source: "demo"})
	users, _, err := all.Users.Users(sys, art28.UserFilter{Page: art28.Page{Limit: art28.MaxLimit}})
	if err != nil {
		return nil, err
	}
	var creds []Credential
	for _, u := range users {
		if u.DisabledAt != nil {
			continue
		}
		c := Credential{Role: u.Role, Email: u.Email}
		if u.CustomerID != 0 {
			cust, err := all.Customers.Customer(sys, u.CustomerID)
			if err != nil {
				return nil, err
			}
			c.Customer = cust.LegalName
		}
		creds = append(creds, c)
	}
	return creds, nil
}

// PrintCredentials shows the demo sign-ins on the terminal.
func PrintCredentials(w io.Writer, creds []Credential) {
	fmt.Fprintln(w, "\nDemo data loaded. Sign in with any of these (password: "+Password+"):")
	for _, c := range creds {
		line := fmt.Sprintf("  %-16s %s", c.Role, c.Email)
		if c.Customer != "" {
			line += "  (" + c.Customer + ")"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
}
