package store

import (
	"context"
	"database/sql"

	"github.com/art28/art28"
)

// Services implements art28.ServiceService.
type Services struct{ db *DB }

// NewServices returns the service store of db.
func NewServices(db *DB) *Services { return &Services{db: db} }

var _ art28.ServiceService = (*Services)(nil)

const serviceColumns = `id, name, description, nature, purposes, data_categories, subject_categories, sources,
	special_categories, client_side_encryption, locations, created_at, updated_at`

func scanService(row interface{ Scan(...any) error }) (*art28.Service, error) {
	s := &art28.Service{}
	var purposes, data, subjects, sources, special, locations string
	if err := row.Scan(&s.ID, &s.Name, &s.Description, &s.Nature, &purposes, &data, &subjects, &sources,
		&special, &s.ClientSideEncryption, &locations, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	for _, l := range []struct {
		dst *[]string
		src string
	}{
		{&s.Purposes, purposes}, {&s.DataCategories, data}, {&s.SubjectCategories, subjects},
		{&s.Sources, sources}, {&s.SpecialCategories, special}, {&s.Locations, locations},
	} {
		v, err := fromJSON[[]string](l.src)
		if err != nil {
			return nil, err
		}
		*l.dst = v
	}
	return s, nil
}

// Service returns one service. Customer staff may read services: they are
// what the agreements they see cover.
func (s *Services) Service(ctx context.Context, id int64) (svc *art28.Service, err error) {
	defer art28.Wrap(&err, "store.Service")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		svc, err = findService(ctx, tx, id)
		return err
	})
	return svc, err
}

func findService(ctx context.Context, tx *Tx, id int64) (*art28.Service, error) {
	svc, err := scanService(tx.queryRow(ctx, `SELECT `+serviceColumns+` FROM services WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Service", id)
	}
	return svc, err
}

// Services lists services by name.
func (s *Services) Services(ctx context.Context, f art28.ServiceFilter) (list []*art28.Service, total int, err error) {
	defer art28.Wrap(&err, "store.Services")
	if _, err := authorize(ctx, art28.PermRead); err != nil {
		return nil, 0, err
	}
	w := &where{sql: "1 = 1"}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		ids := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			ids[i] = id
		}
		w.and(`id IN (`+placeholders(len(ids))+`)`, ids...)
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "services", serviceColumns, "name, id", w, f.Page.Normalize(), scanRows(scanService))
		return err
	})
	return list, total, err
}

// authorizeProcessorWrite allows processor staff who change records.
func authorizeProcessorWrite(ctx context.Context, what string) (art28.Actor, error) {
	a, err := authorize(ctx, art28.PermWrite)
	if err != nil {
		return a, err
	}
	if a.IsCustomer() {
		return a, art28.Errorf(art28.EFORBIDDEN, "Customer staff cannot change %s.", what)
	}
	return a, nil
}

// CreateService validates and stores svc.
func (s *Services) CreateService(ctx context.Context, svc *art28.Service) (err error) {
	defer art28.Wrap(&err, "store.CreateService")
	a, err := authorizeProcessorWrite(ctx, "services")
	if err != nil {
		return err
	}
	if err := svc.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkServiceName(ctx, tx, svc.Name, 0); err != nil {
			return err
		}
		svc.CreatedAt, svc.UpdatedAt = tx.Now, tx.Now
		svc.ID, err = tx.insert(ctx, `INSERT INTO services (name, description, nature, purposes, data_categories,
			subject_categories, sources, special_categories, client_side_encryption, locations, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			svc.Name, svc.Description, svc.Nature, jsonText(svc.Purposes), jsonText(svc.DataCategories),
			jsonText(svc.SubjectCategories), jsonText(svc.Sources), jsonText(svc.SpecialCategories),
			svc.ClientSideEncryption, jsonText(svc.Locations), svc.CreatedAt, svc.UpdatedAt)
		if err != nil {
			return err
		}
		return tx.record(ctx, a, "service.create", "service", svc.ID, 0, "created service "+svc.Name)
	})
}

// checkServiceName returns ECONFLICT, naming the field, if a service other
// than id has the name. Names differing only in case count as the same, as
// people would confuse them.
func checkServiceName(ctx context.Context, tx *Tx, name string, id int64) error {
	n, err := tx.count(ctx, `SELECT COUNT(*) FROM services WHERE LOWER(name) = LOWER(?) AND id <> ?`, name, id)
	if err != nil {
		return err
	}
	if n > 0 {
		return &art28.Error{Code: art28.ECONFLICT, Field: "name", Message: "A service with this name exists."}
	}
	return nil
}

// UpdateService replaces the service with svc.ID by svc.
func (s *Services) UpdateService(ctx context.Context, svc *art28.Service) (err error) {
	defer art28.Wrap(&err, "store.UpdateService")
	a, err := authorizeProcessorWrite(ctx, "services")
	if err != nil {
		return err
	}
	if err := svc.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		before, err := findService(ctx, tx, svc.ID)
		if err != nil {
			return err
		}
		if err := checkServiceName(ctx, tx, svc.Name, svc.ID); err != nil {
			return err
		}
		svc.CreatedAt, svc.UpdatedAt = before.CreatedAt, tx.Now
		if _, err := tx.exec(ctx, `UPDATE services SET name = ?, description = ?, nature = ?, purposes = ?,
			data_categories = ?, subject_categories = ?, sources = ?, special_categories = ?,
			client_side_encryption = ?, locations = ?, updated_at = ? WHERE id = ?`,
			svc.Name, svc.Description, svc.Nature, jsonText(svc.Purposes), jsonText(svc.DataCategories),
			jsonText(svc.SubjectCategories), jsonText(svc.Sources), jsonText(svc.SpecialCategories),
			svc.ClientSideEncryption, jsonText(svc.Locations), svc.UpdatedAt, svc.ID); err != nil {
			return err
		}
		return tx.record(ctx, a, "service.update", "service", svc.ID, 0, changes(before, svc))
	})
}
