package testrig

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/art28/art28"
	web "github.com/art28/art28/internal/http"
	"github.com/art28/art28/internal/store"
)

// App is the real store and HTTP server wired together, on a test database,
// served by httptest on a loopback port.
type App struct {
	DB     *store.DB
	Store  store.AllServices
	Server *web.Server
	HTTP   *httptest.Server
	Clock  *Clock
}

// OwnerEmail and OwnerPassword are the credentials of the owner every App
// starts with.
const (
	OwnerEmail    = "owner@example.com"
	OwnerPassword = "correct horse battery staple"
)

// NewApp starts an App on a fresh database of the dialect, with one owner.
func NewApp(t testing.TB, d store.Dialect) *App {
	t.Helper()
	clock := NewClock(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	db := OpenDB(t, d, store.WithClock(clock.Now))
	all := store.All(db)
	owner := &art28.User{Email: OwnerEmail, Name: "Olivia Owner", Role: art28.RoleOwner}
	if err := all.Users.CreateFirstOwner(context.Background(), owner, OwnerPassword); err != nil {
		t.Fatal(err)
	}
	srv := web.New(web.Services{
		Processor: all.Processor, Services: all.Services, Customers: all.Customers, Agreements: all.Agreements,
		Users: all.Users, APIKeys: all.APIKeys, Activities: all.Activities, Terms: all.Terms, Duties: all.Duties,
		Subprocessors: all.Subprocessors, Changes: all.Changes, Transfers: all.Transfers, Deliveries: all.Deliveries,
		Webhooks: all.Webhooks, Incidents: all.Incidents, Bulletins: all.Bulletins, Subscriptions: all.Subscriptions,
	}, web.Config{
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Ready:   db.CheckSchema,
		Metrics: web.NewMetrics(),
		Now:     clock.Now,
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &App{DB: db, Store: all, Server: srv, HTTP: hs, Clock: clock}
}

// As returns a context acting as the actor.
func As(a art28.Actor) context.Context { return art28.NewContext(context.Background(), a) }

// Owner is the owner actor of an App (user ID 1).
var Owner = art28.Actor{UserID: 1, Name: OwnerEmail, Role: art28.RoleOwner, Source: "127.0.0.1"}
