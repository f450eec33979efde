package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/art28/art28"
)

// Processor implements art28.ProcessorService. The profile is one row, id 1.
type Processor struct{ db *DB }

// NewProcessor returns the processor profile store of db.
func NewProcessor(db *DB) *Processor { return &Processor{db: db} }

var _ art28.ProcessorService = (*Processor)(nil)

const profileColumns = `legal_name, address, country, dpo_name, dpo_email, dpo_phone, representative_name,
	representative_address, supervisory_authority, updated_at`

// Profile returns the profile, or a zero one before it is first saved. Every
// signed-in actor may read it, customer staff included: it is what the
// processor tells its customers about itself.
func (s *Processor) Profile(ctx context.Context) (p *art28.ProcessorProfile, err error) {
	defer art28.Wrap(&err, "store.Profile")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		p, err = findProfile(ctx, tx)
		return err
	})
	return p, err
}

func findProfile(ctx context.Context, tx *Tx) (*art28.ProcessorProfile, error) {
	p := &art28.ProcessorProfile{}
	err := tx.queryRow(ctx, `SELECT `+profileColumns+` FROM processor_profile WHERE id = 1`).Scan(
		&p.LegalName, &p.Address, &p.Country, &p.DPOName, &p.DPOEmail, &p.DPOPhone, &p.RepresentativeName,
		&p.RepresentativeAddress, &p.SupervisoryAuthority, &p.UpdatedAt)
	if err == sql.ErrNoRows {
		return &art28.ProcessorProfile{}, nil
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, err
}

// UpdateProfile validates p and replaces the profile with it.
func (s *Processor) UpdateProfile(ctx context.Context, p *art28.ProcessorProfile) (err error) {
	defer art28.Wrap(&err, "store.UpdateProfile")
	a, err := authorize(ctx, art28.PermManageProfile)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		before, err := findProfile(ctx, tx)
		if err != nil {
			return err
		}
		p.UpdatedAt = tx.Now
		if _, err := tx.exec(ctx, `INSERT INTO processor_profile (id, `+profileColumns+`)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET legal_name = excluded.legal_name, address = excluded.address,
				country = excluded.country, dpo_name = excluded.dpo_name, dpo_email = excluded.dpo_email,
				dpo_phone = excluded.dpo_phone, representative_name = excluded.representative_name,
				representative_address = excluded.representative_address,
				supervisory_authority = excluded.supervisory_authority, updated_at = excluded.updated_at`,
			p.LegalName, p.Address, p.Country, p.DPOName, p.DPOEmail, p.DPOPhone, p.RepresentativeName,
			p.RepresentativeAddress, p.SupervisoryAuthority, p.UpdatedAt); err != nil {
			return err
		}
		if err := tx.record(ctx, a, "processor.update", "processor_profile", 1, 0, changes(before, p)); err != nil {
			return err
		}
		return s.db.tellDPOChange(ctx, tx, a, before, p)
	})
}

// tellDPOChange issues a dpo_change bulletin (G5.5) to every customer with
// a running agreement when the DPO or the DPO's contact changed, in the
// transaction that changed it: the customers hear of it from the moment it
// holds. With no running agreement there is nobody to tell.
func (db *DB) tellDPOChange(ctx context.Context, tx *Tx, a art28.Actor, before, after *art28.ProcessorProfile) error {
	if before.DPOName == after.DPOName && before.DPOEmail == after.DPOEmail && before.DPOPhone == after.DPOPhone {
		return nil
	}
	running, err := tx.count(ctx, `SELECT COUNT(*) FROM agreements WHERE status IN (?, ?)`,
		art28.AgreementActive, art28.AgreementTerminating)
	if err != nil || running == 0 {
		return err
	}
	b := &art28.Bulletin{Kind: art28.BulletinDPOChange, AllRunning: true, Title: "Our data protection officer's contact details",
		Body: dpoChangeBody(before, after)}
	if err := b.Validate(tx.Now); err != nil {
		return err
	}
	return db.issueBulletin(ctx, tx, a, b)
}

// dpoChangeBody says who the DPO is now and how to reach them, and who it
// was before.
func dpoChangeBody(before, after *art28.ProcessorProfile) string {
	contact := func(p *art28.ProcessorProfile) string {
		parts := []string{}
		for _, v := range []string{p.DPOName, p.DPOEmail, p.DPOPhone} {
			if v != "" {
				parts = append(parts, v)
			}
		}
		return strings.Join(parts, ", ")
	}
	now, was := contact(after), contact(before)
	var body string
	switch {
	case now == "":
		body = "We no longer name a data protection officer. Please address questions about the processing of your data to us directly."
	case after.DPOName != "" && before.DPOName != "" && after.DPOName != before.DPOName:
		body = "We have a new data protection officer: " + now + ". Please use these details from now on for questions about the processing of your data."
	default:
		body = "Our data protection officer's contact details are now: " + now + ". Please use them from now on for questions about the processing of your data."
	}
	if was != "" {
		body += "\n\nBefore this change: " + was + "."
	}
	return body
}
