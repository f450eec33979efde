package store

import (
	"context"
	"database/sql"

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
		return tx.record(ctx, a, "processor.update", "processor_profile", 1, 0, changes(before, p))
	})
}
