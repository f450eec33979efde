package http

import (
	"net/http"

	"github.com/art28/art28"
)

type apiKeysPage struct {
	Keys          []*apiKeyView
	Form          apiKeyForm
	Roles         []art28.Role
	Customers     []*art28.Customer // for the customer select
	ManyCustomers bool              // too many for a select: the form asks for the ID
}

type apiKeyView struct {
	*art28.APIKey
	Customer string // legal name of the customer the key is bound to
}

// apiKeyForm holds the form that creates a key.
type apiKeyForm struct {
	Name       string
	Role       string
	CustomerID string
	Error      *formError
}

type apiKeyCreatedPage struct {
	Key      *art28.APIKey
	Customer string
	Secret   string
}

// apiKeyRoles are the roles a key may have: every role but owner.
var apiKeyRoles = []art28.Role{art28.RolePrivacyOfficer, art28.RoleOperator, art28.RoleReadOnly, art28.RoleCustomerAdmin, art28.RoleCustomerMember}

func (s *Server) loadAPIKeysPage(r *http.Request) (*apiKeysPage, error) {
	ctx := r.Context()
	keys, err := s.svc.APIKeys.APIKeys(ctx)
	if err != nil {
		return nil, err
	}
	d := &apiKeysPage{Roles: apiKeyRoles, Form: apiKeyForm{Role: string(art28.RoleReadOnly)}}
	var total int
	if d.Customers, total, err = s.svc.Customers.Customers(ctx, art28.CustomerFilter{Page: art28.Page{Limit: art28.MaxLimit}}); err != nil {
		return nil, err
	}
	d.ManyCustomers = total > len(d.Customers)
	names := map[int64]string{}
	for _, c := range d.Customers {
		names[c.ID] = c.LegalName
	}
	for _, k := range keys {
		v := &apiKeyView{APIKey: k}
		if k.CustomerID != 0 {
			if v.Customer, err = s.customerName(r, names, k.CustomerID); err != nil {
				return nil, err
			}
		}
		d.Keys = append(d.Keys, v)
	}
	return d, nil
}

// customerName returns the legal name of a customer, from names or else the
// store, which it then adds to names.
func (s *Server) customerName(r *http.Request, names map[int64]string, id int64) (string, error) {
	if n, ok := names[id]; ok {
		return n, nil
	}
	c, err := s.svc.Customers.Customer(r.Context(), id)
	if art28.ErrorCode(err) == art28.ENOTFOUND {
		return "", nil
	} else if err != nil {
		return "", err
	}
	names[id] = c.LegalName
	return c.LegalName, nil
}

func (s *Server) uiAPIKeys(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	d, err := s.loadAPIKeysPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "apikeys", "API keys", d)
}

// uiCreateAPIKey shows the new key's secret on the page that answers the
// form, and nowhere else: the store keeps only its hash, and the page is
// not cached.
func (s *Server) uiCreateAPIKey(w http.ResponseWriter, r *http.Request) error {
	a, err := requireStaff(r)
	if err != nil {
		return err
	}
	f := r.PostFormValue
	form := apiKeyForm{Name: f("name"), Role: f("role"), CustomerID: f("customer_id")}
	k := &art28.APIKey{Name: form.Name, Role: art28.Role(form.Role), CreatedBy: a.UserID}
	var secret string
	k.CustomerID, err = formInt(r, "customer_id")
	if err == nil {
		if !k.Role.IsCustomer() {
			k.CustomerID = 0 // the select keeps its value when the role changes
		}
		secret, err = s.svc.APIKeys.CreateAPIKey(r.Context(), k)
	}
	if status, ok := correctable(err); ok {
		d, lerr := s.loadAPIKeysPage(r)
		if lerr != nil {
			return lerr
		}
		form.Error = toFormError(err)
		d.Form = form
		return s.render(w, r, status, "apikeys", "API keys", d)
	}
	if err != nil {
		return err
	}
	d := apiKeyCreatedPage{Key: k, Secret: secret}
	if k.CustomerID != 0 {
		if d.Customer, err = s.customerName(r, map[int64]string{}, k.CustomerID); err != nil {
			return err
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "apikey_created", "API key created", d)
}

func (s *Server) uiRevokeAPIKey(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaff(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	k, err := s.svc.APIKeys.RevokeAPIKey(r.Context(), id)
	if err != nil {
		return err
	}
	return redirect(w, r, "/api-keys", "The key "+k.Name+" is revoked; calls with it are refused from now on.")
}
