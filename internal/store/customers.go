package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/art28/art28"
)

// Customers implements art28.CustomerService.
type Customers struct{ db *DB }

// NewCustomers returns the customer store of db.
func NewCustomers(db *DB) *Customers { return &Customers{db: db} }

var _ art28.CustomerService = (*Customers)(nil)

const customerColumns = `id, legal_name, address, country, eu_established, role, upstream_controller, language, created_at, updated_at`

func scanCustomer(row interface{ Scan(...any) error }) (*art28.Customer, error) {
	c := &art28.Customer{}
	err := row.Scan(&c.ID, &c.LegalName, &c.Address, &c.Country, &c.EUEstablished, &c.Role,
		&c.UpstreamController, &c.Language, &c.CreatedAt, &c.UpdatedAt)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// Customer returns one customer. Customer staff get ENOTFOUND for any other.
func (s *Customers) Customer(ctx context.Context, id int64) (c *art28.Customer, err error) {
	defer art28.Wrap(&err, "store.Customer")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		c, err = findCustomer(ctx, tx, a, id)
		return err
	})
	return c, err
}

func findCustomer(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.Customer, error) {
	cond, args := scope(a, "id")
	c, err := scanCustomer(tx.queryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`+cond,
		append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return nil, errNotFound("Customer", id)
	}
	return c, err
}

// Customers lists customers by legal name.
func (s *Customers) Customers(ctx context.Context, f art28.CustomerFilter) (list []*art28.Customer, total int, err error) {
	defer art28.Wrap(&err, "store.Customers")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := scoped(a, "id")
	if q := strings.TrimSpace(f.Query); q != "" {
		w.and(`legal_name_key LIKE ? ESCAPE '\'`, like(q))
	}
	if f.Country != "" {
		w.and(`country = ?`, strings.ToUpper(f.Country))
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "customers", customerColumns, "legal_name_key, id", w, f.Page.Normalize(), scanRows(scanCustomer))
		return err
	})
	return list, total, err
}

// CreateCustomer validates and stores c.
func (s *Customers) CreateCustomer(ctx context.Context, c *art28.Customer) (err error) {
	defer art28.Wrap(&err, "store.CreateCustomer")
	a, err := authorize(ctx, art28.PermWrite)
	if err != nil {
		return err
	}
	if a.IsCustomer() {
		return art28.Errorf(art28.EFORBIDDEN, "Customer staff cannot create customers.")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := checkCustomerName(ctx, tx, c.LegalName, 0); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = tx.Now, tx.Now
		c.ID, err = tx.insert(ctx, `INSERT INTO customers
			(legal_name, legal_name_key, address, country, eu_established, role, upstream_controller, language, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.LegalName, strings.ToLower(c.LegalName), c.Address, c.Country, c.EUEstablished, c.Role,
			c.UpstreamController, c.Language, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return err
		}
		return tx.record(ctx, a, "customer.create", "customer", c.ID, c.ID, "created customer "+c.LegalName)
	})
}

// checkCustomerName returns ECONFLICT, naming the field, if another customer
// than id has the legal name.
func checkCustomerName(ctx context.Context, tx *Tx, name string, id int64) error {
	n, err := tx.count(ctx, `SELECT COUNT(*) FROM customers WHERE legal_name_key = ? AND id <> ?`, strings.ToLower(name), id)
	if err != nil {
		return err
	}
	if n > 0 {
		return &art28.Error{Code: art28.ECONFLICT, Field: "legal_name", Message: "A customer with this legal name exists."}
	}
	return nil
}

// UpdateCustomer applies u to the customer.
func (s *Customers) UpdateCustomer(ctx context.Context, id int64, u art28.CustomerUpdate) (c *art28.Customer, err error) {
	defer art28.Wrap(&err, "store.UpdateCustomer")
	a, err := authorize(ctx, art28.PermWrite)
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		before, err := findCustomer(ctx, tx, a, id)
		if err != nil {
			return err
		}
		after := *before
		u.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkCustomerName(ctx, tx, after.LegalName, id); err != nil {
			return err
		}
		after.UpdatedAt = tx.Now
		if _, err := tx.exec(ctx, `UPDATE customers SET legal_name = ?, legal_name_key = ?, address = ?, country = ?,
			eu_established = ?, role = ?, upstream_controller = ?, language = ?, updated_at = ? WHERE id = ?`,
			after.LegalName, strings.ToLower(after.LegalName), after.Address, after.Country, after.EUEstablished,
			after.Role, after.UpstreamController, after.Language, after.UpdatedAt, id); err != nil {
			return err
		}
		c = &after
		return tx.record(ctx, a, "customer.update", "customer", id, id, changes(before, c))
	})
	return c, err
}

const contactColumns = `id, customer_id, name, email, phone, roles, created_at`

// Contacts lists a customer's contacts by name.
func (s *Customers) Contacts(ctx context.Context, customerID int64) (list []*art28.Contact, err error) {
	defer art28.Wrap(&err, "store.Contacts")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		if _, err := findCustomer(ctx, tx, a, customerID); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT `+contactColumns+` FROM contacts WHERE customer_id = ? ORDER BY name, id`, customerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := &art28.Contact{}
			var roles string
			if err := rows.Scan(&c.ID, &c.CustomerID, &c.Name, &c.Email, &c.Phone, &roles, &c.CreatedAt); err != nil {
				return err
			}
			c.CreatedAt = c.CreatedAt.UTC()
			if c.Roles, err = fromJSON[[]art28.ContactRole](roles); err != nil {
				return err
			}
			list = append(list, c)
		}
		return rows.Err()
	})
	return list, err
}

// CreateContact adds a contact to a customer. Processor staff with
// PermWrite and the customer's own admins may.
func (s *Customers) CreateContact(ctx context.Context, c *art28.Contact) (err error) {
	defer art28.Wrap(&err, "store.CreateContact")
	a, err := authorizeCustomerChange(ctx)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := findCustomer(ctx, tx, a, c.CustomerID); err != nil {
			return err
		}
		n, err := tx.count(ctx, `SELECT COUNT(*) FROM contacts WHERE customer_id = ? AND email = ?`, c.CustomerID, c.Email)
		if err != nil {
			return err
		}
		if n > 0 {
			return &art28.Error{Code: art28.ECONFLICT, Field: "email", Message: "This customer already has a contact with this e-mail."}
		}
		c.CreatedAt = tx.Now
		c.ID, err = tx.insert(ctx, `INSERT INTO contacts (customer_id, name, email, phone, roles, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, c.CustomerID, c.Name, c.Email, c.Phone, jsonText(c.Roles), c.CreatedAt)
		if err != nil {
			return err
		}
		return tx.record(ctx, a, "contact.create", "contact", c.ID, c.CustomerID,
			"added contact "+c.Name+" <"+c.Email+"> as "+jsonText(c.Roles))
	})
}

// DeleteContact removes a contact.
func (s *Customers) DeleteContact(ctx context.Context, customerID, id int64) (err error) {
	defer art28.Wrap(&err, "store.DeleteContact")
	a, err := authorizeCustomerChange(ctx)
	if err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := findCustomer(ctx, tx, a, customerID); err != nil {
			return err
		}
		var name, email string
		err := tx.queryRow(ctx, `SELECT name, email FROM contacts WHERE id = ? AND customer_id = ?`, id, customerID).Scan(&name, &email)
		if err == sql.ErrNoRows {
			return errNotFound("Contact", id)
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM contacts WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.record(ctx, a, "contact.delete", "contact", id, customerID, "removed contact "+name+" <"+email+">")
	})
}

// authorizeCustomerChange allows processor staff who write records and a
// customer's own admins.
func authorizeCustomerChange(ctx context.Context) (art28.Actor, error) {
	a, ok := art28.ActorFrom(ctx)
	if ok && a.Role == art28.RoleCustomerAdmin {
		return a, nil
	}
	return authorize(ctx, art28.PermWrite)
}
