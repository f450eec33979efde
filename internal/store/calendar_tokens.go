package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"

	"github.com/art28/art28"
)

// NewCalendarToken gives the signed-in user a new feed secret.
func (s *Users) NewCalendarToken(ctx context.Context) (token string, err error) {
	defer art28.Wrap(&err, "store.NewCalendarToken")
	a, ok := art28.ActorFrom(ctx)
	if !ok || a.UserID == 0 {
		return "", art28.Errorf(art28.EUNAUTHORIZED, "Sign in as a user to have a calendar address.")
	}
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	err = s.db.update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE users SET calendar_token_hash = ? WHERE id = ?`, tokenHash(token), a.UserID); err != nil {
			return err
		}
		return tx.record(ctx, a, "user.calendar_token", "user", a.UserID, a.CustomerID, "created a new calendar address (the old one stops working)")
	})
	return token, err
}

// CalendarUser resolves a feed token to its enabled user. It needs no
// actor: the token is the credential.
func (s *Users) CalendarUser(ctx context.Context, token string) (u *art28.User, err error) {
	defer art28.Wrap(&err, "store.CalendarUser")
	bad := art28.Errorf(art28.EUNAUTHORIZED, "Unknown calendar address.")
	if len(token) < 40 {
		return nil, bad
	}
	err = s.db.view(ctx, func(tx *Tx) error {
		u, err = scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE calendar_token_hash = ?`, tokenHash(token)))
		return err
	})
	if err == sql.ErrNoRows || (err == nil && u.DisabledAt != nil) {
		return nil, bad
	}
	return u, err
}
