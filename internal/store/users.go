package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/art28/art28"
)

// Users implements art28.UserService.
type Users struct{ db *DB }

// NewUsers returns the user store of db.
func NewUsers(db *DB) *Users { return &Users{db: db} }

var _ art28.UserService = (*Users)(nil)

const userColumns = `id, email, name, role, COALESCE(customer_id, 0), created_at, last_login_at, disabled_at`

func scanUser(row interface{ Scan(...any) error }) (*art28.User, error) {
	u := &art28.User{}
	var login, disabled sql.NullTime
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CustomerID, &u.CreatedAt, &login, &disabled); err != nil {
		return nil, err
	}
	u.CreatedAt, u.LastLoginAt, u.DisabledAt = u.CreatedAt.UTC(), timePtr(login), timePtr(disabled)
	return u, nil
}

// findUser returns one user. Customer staff see only their customer's users;
// processor staff (customer_id NULL) never match their scope.
func findUser(ctx context.Context, tx *Tx, a art28.Actor, id int64) (*art28.User, error) {
	cond, args := scope(a, "customer_id")
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`+cond,
		append([]any{id}, args...)...))
	if err == sql.ErrNoRows {
		return nil, errNotFound("User", id)
	}
	return u, err
}

// User returns one user. Customer staff get ENOTFOUND for anyone outside
// their customer.
func (s *Users) User(ctx context.Context, id int64) (u *art28.User, err error) {
	defer art28.Wrap(&err, "store.User")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		u, err = findUser(ctx, tx, a, id)
		return err
	})
	return u, err
}

// Users lists users by e-mail.
func (s *Users) Users(ctx context.Context, f art28.UserFilter) (list []*art28.User, total int, err error) {
	defer art28.Wrap(&err, "store.Users")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, 0, err
	}
	w := scoped(a, "customer_id")
	if f.CustomerID != nil {
		if *f.CustomerID == 0 {
			w.and(`customer_id IS NULL`)
		} else {
			w.and(`customer_id = ?`, *f.CustomerID)
		}
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		list, total, err = listPage(ctx, tx, "users", userColumns, "email, id", w, f.Page.Normalize(), scanRows(scanUser))
		return err
	})
	return list, total, err
}

// authorizeUserChange decides whether the actor may create or change a user
// with the role at the customer: processor users only by those who manage
// users (the owner); customer users by processor staff who write records,
// or by an admin of that same customer.
func authorizeUserChange(ctx context.Context, role art28.Role, customerID int64) (art28.Actor, error) {
	a, ok := art28.ActorFrom(ctx)
	if !ok {
		return a, art28.Errorf(art28.EUNAUTHORIZED, "Sign in first.")
	}
	if !role.IsCustomer() {
		if _, err := authorize(ctx, art28.PermManageUsers); err != nil {
			return a, err
		}
		if a.IsCustomer() {
			return a, art28.Errorf(art28.EFORBIDDEN, "Customer staff cannot manage processor users.")
		}
		return a, nil
	}
	if a.IsCustomer() {
		if !a.Role.Can(art28.PermManageOwnCustomer) || customerID != a.CustomerID {
			return a, art28.Errorf(art28.EFORBIDDEN, "You may manage only your own organisation's users.")
		}
		return a, nil
	}
	return authorize(ctx, art28.PermWrite)
}

// CreateUser validates u and stores it with the password, hashed.
//
// A customer admin creates users of their own customer: a user with no
// customer gets theirs, and naming another customer is EFORBIDDEN.
func (s *Users) CreateUser(ctx context.Context, u *art28.User, password string) (err error) {
	defer art28.Wrap(&err, "store.CreateUser")
	if a, ok := art28.ActorFrom(ctx); ok && a.IsCustomer() && u.Role.IsCustomer() && u.CustomerID == 0 {
		u.CustomerID = a.CustomerID
	}
	a, err := authorizeUserChange(ctx, u.Role, u.CustomerID)
	if err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := art28.CheckPassword(password); err != nil {
		return err
	}
	// Hash before the transaction: argon2 takes tens of milliseconds, which
	// the single SQLite writer should not wait for.
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if u.CustomerID != 0 {
			if _, err := findCustomer(ctx, tx, a, u.CustomerID); art28.ErrorCode(err) == art28.ENOTFOUND {
				return art28.FieldError("customer_id", "no customer %d", u.CustomerID)
			} else if err != nil {
				return err
			}
		}
		if err := insertUser(ctx, tx, u, hash); err != nil {
			return err
		}
		return tx.record(ctx, a, "user.create", "user", u.ID, u.CustomerID,
			fmt.Sprintf("created user %s <%s> as %s", u.Name, u.Email, u.Role))
	})
}

// insertUser stores u, or returns ECONFLICT naming email if it is taken.
func insertUser(ctx context.Context, tx *Tx, u *art28.User, hash string) (err error) {
	n, err := tx.count(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, u.Email)
	if err != nil {
		return err
	}
	if n > 0 {
		return &art28.Error{Code: art28.ECONFLICT, Field: "email", Message: "A user with this e-mail exists."}
	}
	u.CreatedAt, u.LastLoginAt, u.DisabledAt = tx.Now, nil, nil
	u.ID, err = tx.insert(ctx, `INSERT INTO users (email, name, role, customer_id, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.Email, u.Name, u.Role, nullID(u.CustomerID), hash, u.CreatedAt)
	return err
}

// firstOwnerLock is the PostgreSQL advisory lock key that serialises
// first-run sign-ups, so that two at once cannot both see no users.
const firstOwnerLock = 0x61727432382d6f // "art28-o"

// CreateFirstOwner creates the first user, an owner, without an actor: it
// is how an installation gets its first account (`art28 user create`, the
// first-run page). ECONFLICT once any user exists. The activity record names
// the system as the actor.
func (s *Users) CreateFirstOwner(ctx context.Context, u *art28.User, password string) (err error) {
	defer art28.Wrap(&err, "store.CreateFirstOwner")
	u.Role, u.CustomerID = art28.RoleOwner, 0
	if err := u.Validate(); err != nil {
		return err
	}
	if err := art28.CheckPassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	a := art28.SystemActor
	if x, ok := art28.ActorFrom(ctx); ok {
		a.Source = x.Source
	}
	return s.db.update(ctx, func(tx *Tx) error {
		// On SQLite the single writer already serialises this transaction.
		if tx.dialect == Postgres {
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, firstOwnerLock); err != nil {
				return err
			}
		}
		n, err := tx.count(ctx, `SELECT COUNT(*) FROM users`)
		if err != nil {
			return err
		}
		if n > 0 {
			return art28.Errorf(art28.ECONFLICT, "This installation already has users; an owner must create new ones.")
		}
		if err := insertUser(ctx, tx, u, hash); err != nil {
			return err
		}
		return tx.record(ctx, a, "user.create", "user", u.ID, 0,
			fmt.Sprintf("created the first owner %s <%s>", u.Name, u.Email))
	})
}

// SetUserDisabled disables or re-enables a user; disabling ends its
// sessions. The last enabled owner cannot be disabled, so that the
// installation always has someone who can manage users.
func (s *Users) SetUserDisabled(ctx context.Context, id int64, disabled bool) (u *art28.User, err error) {
	defer art28.Wrap(&err, "store.SetUserDisabled")
	a, err := authorize(ctx, art28.PermRead)
	if err != nil {
		return nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		before, err := findUser(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if a, err = authorizeUserChange(ctx, before.Role, before.CustomerID); err != nil {
			return err
		}
		if (before.DisabledAt != nil) == disabled {
			u = before
			return nil
		}
		after := *before
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if before.Role == art28.RoleOwner {
				n, err := tx.count(ctx, `SELECT COUNT(*) FROM users WHERE role = ? AND disabled_at IS NULL AND id <> ?`,
					art28.RoleOwner, id)
				if err != nil {
					return err
				}
				if n == 0 {
					return art28.Errorf(art28.ECONFLICT, "This is the last enabled owner; make another user owner first.")
				}
			}
			now := tx.Now
			after.DisabledAt = &now
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		} else {
			after.DisabledAt = nil
		}
		if _, err := tx.exec(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, nullTime(after.DisabledAt), id); err != nil {
			return err
		}
		u = &after
		return tx.record(ctx, a, action, "user", id, after.CustomerID,
			strings.TrimPrefix(action, "user.")+"d user "+after.Email)
	})
	return u, err
}

// errSignIn is the one answer to every failed sign-in, so that it does not
// tell which e-mail addresses have accounts.
func errSignIn() error { return art28.Errorf(art28.EUNAUTHORIZED, "Wrong e-mail or password.") }

// Authenticate checks an e-mail and password. It needs no actor: it is the
// sign-in. An unknown e-mail costs the same argon2 verification as a wrong
// password, so that timing does not reveal which accounts exist.
func (s *Users) Authenticate(ctx context.Context, email, password string) (u *art28.User, err error) {
	defer art28.Wrap(&err, "store.Authenticate")
	email = strings.ToLower(strings.TrimSpace(email))
	var hash string
	err = s.db.view(ctx, func(tx *Tx) error {
		u, err = scanUserHash(tx.queryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`, email), &hash)
		return err
	})
	if err == sql.ErrNoRows {
		u, hash = nil, dummyHash
	} else if err != nil {
		return nil, err
	}
	// Verify even an over-long password against the hash, for the same
	// timing; CheckPassword keeps stored ones under 1 KiB.
	ok := VerifyPassword(hash, password) && len(password) <= 1024
	if u == nil || !ok || u.DisabledAt != nil {
		return nil, errSignIn()
	}
	a := art28.Actor{UserID: u.ID, Name: u.Email, Role: u.Role, CustomerID: u.CustomerID}
	if x, ok := art28.ActorFrom(ctx); ok {
		a.Source = x.Source
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		now := tx.Now
		// The user may have been disabled since the password was checked.
		res, err := tx.exec(ctx, `UPDATE users SET last_login_at = ? WHERE id = ? AND disabled_at IS NULL`, now, u.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errSignIn()
		}
		u.LastLoginAt = &now
		return tx.record(ctx, a, "user.sign_in", "user", u.ID, u.CustomerID, "signed in")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func scanUserHash(row *sql.Row, hash *string) (*art28.User, error) {
	u := &art28.User{}
	var login, disabled sql.NullTime
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CustomerID, &u.CreatedAt, &login, &disabled, hash); err != nil {
		return nil, err
	}
	u.CreatedAt, u.LastLoginAt, u.DisabledAt = u.CreatedAt.UTC(), timePtr(login), timePtr(disabled)
	return u, nil
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash is how session tokens and API key secrets are stored: SHA-256,
// hex. They are 256 random bits, so a fast hash is enough; a slow one
// would only cost every request.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a session for an enabled user. It needs no actor:
// it follows Authenticate.
func (s *Users) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (token string, sess *art28.Session, err error) {
	defer art28.Wrap(&err, "store.CreateSession")
	if ttl <= 0 {
		return "", nil, fmt.Errorf("session lifetime %v must be positive", ttl)
	}
	if token, err = randomToken(32); err != nil {
		return "", nil, err
	}
	csrf, err := randomToken(32)
	if err != nil {
		return "", nil, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		var disabled sql.NullTime
		err := tx.queryRow(ctx, `SELECT disabled_at FROM users WHERE id = ?`, userID).Scan(&disabled)
		if err == sql.ErrNoRows || disabled.Valid {
			return errSignIn()
		} else if err != nil {
			return err
		}
		sess = &art28.Session{UserID: userID, CSRFToken: csrf, CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(ttl)}
		_, err = tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, tokenHash(token), userID, csrf, sess.CreatedAt, sess.ExpiresAt)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// SessionUser resolves a session token to its user. EUNAUTHORIZED if the
// session is unknown or expired, or the user disabled.
func (s *Users) SessionUser(ctx context.Context, token string) (u *art28.User, sess *art28.Session, err error) {
	defer art28.Wrap(&err, "store.SessionUser")
	if token == "" {
		return nil, nil, errSessionEnded()
	}
	hash, now := tokenHash(token), s.db.Now()
	if v, ok := s.db.creds.get("session:"+hash, now); ok {
		c := v.(*cachedSession)
		if !now.Before(c.sess.ExpiresAt) {
			return nil, nil, errSessionEnded()
		}
		user, session := *c.user, *c.sess
		return &user, &session, nil
	}
	gen := s.db.creds.generation()
	err = s.db.viewOne(ctx, func(ctx context.Context, tx *Tx) error {
		sess = &art28.Session{}
		var login, disabled sql.NullTime
		u = &art28.User{}
		err := tx.queryRow(ctx, `SELECT u.id, u.email, u.name, u.role, COALESCE(u.customer_id, 0), u.created_at,
			u.last_login_at, u.disabled_at, s.csrf_token, s.created_at, s.expires_at
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hash).Scan(
			&u.ID, &u.Email, &u.Name, &u.Role, &u.CustomerID, &u.CreatedAt, &login, &disabled,
			&sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt)
		if err == sql.ErrNoRows {
			return errSessionEnded()
		} else if err != nil {
			return err
		}
		u.CreatedAt, u.LastLoginAt, u.DisabledAt = u.CreatedAt.UTC(), timePtr(login), timePtr(disabled)
		sess.UserID, sess.CreatedAt, sess.ExpiresAt = u.ID, sess.CreatedAt.UTC(), sess.ExpiresAt.UTC()
		if !now.Before(sess.ExpiresAt) || u.DisabledAt != nil {
			return errSessionEnded()
		}
		return nil
	})
	if err == nil {
		user, session := *u, *sess
		s.db.creds.put("session:"+hash, &cachedSession{user: &user, sess: &session}, now, gen)
	}
	if err != nil {
		return nil, nil, err
	}
	return u, sess, nil
}

func errSessionEnded() error {
	return art28.Errorf(art28.EUNAUTHORIZED, "Your session has ended; sign in again.")
}

// DeleteSession ends a session (sign-out). An unknown token is not an error:
// the session is gone either way.
func (s *Users) DeleteSession(ctx context.Context, token string) (err error) {
	defer art28.Wrap(&err, "store.DeleteSession")
	return s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash(token))
		return err
	})
}

// DeleteExpiredSessions removes sessions past their expiry and returns how
// many; the cleanup job calls it, without an actor.
func (s *Users) DeleteExpiredSessions(ctx context.Context) (n int, err error) {
	defer art28.Wrap(&err, "store.DeleteExpiredSessions")
	err = s.db.update(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, tx.Now)
		if err != nil {
			return err
		}
		m, err := res.RowsAffected()
		n = int(m)
		return err
	})
	return n, err
}

// cachedSession is a resolved session in the credential cache.
type cachedSession struct {
	user *art28.User
	sess *art28.Session
}
