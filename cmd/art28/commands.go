package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/jobs"
	"github.com/art28/art28/internal/store"
)

// registerJobs declares the background jobs and their handlers.
func registerJobs(r *jobs.Runner, all store.AllServices, reminders art28.Reminders) {
	// Expired sessions are deleted hourly; a stale row is harmless (it is
	// refused at use) but the table should not grow without bound.
	r.Handle("sessions.cleanup", func(ctx context.Context, _ *store.Job) error {
		_, err := all.Users.DeleteExpiredSessions(ctx)
		return err
	})
	r.Every("sessions.cleanup", time.Hour)

	// Reminders and escalations of open duties, every minute.
	r.Handle("duties.remind", func(ctx context.Context, _ *store.Job) error {
		return jobs.RemindDuties(ctx, all.Duties, reminders)
	})
	r.Every("duties.remind", time.Minute)

	// Objection windows that closed in silence are approved, their duties
	// closed and finished changes completed, every minute; the transfer
	// check does not wait for it (it reads the window's end itself).
	r.Handle("changes.close_windows", func(ctx context.Context, _ *store.Job) error {
		_, err := all.Changes.CloseWindows(art28.NewContext(ctx, art28.SystemActor), time.Now())
		return err
	})
	r.Every("changes.close_windows", time.Minute)
}

// migrate applies the migrations and reports the schema version.
func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseConfig("migrate", args, getenv)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	cur, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d\n", n, cur)
	return nil
}

// userCreate creates a user from the command line: the first owner of a
// new installation, or (as the system) any processor user later.
func userCreate(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var email, name, role string
	var rest []string
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.StringVar(&email, "email", "", "e-mail address (sign-in name)")
	fs.StringVar(&name, "name", "", "full name")
	fs.StringVar(&role, "role", "owner", "owner, privacy_officer, operator or read_only")
	// Database flags pass through to the configuration.
	for i := 0; i < len(args); i++ {
		a := args[i]
		key := strings.TrimLeft(strings.SplitN(a, "=", 2)[0], "-")
		if key == "email" || key == "name" || key == "role" {
			if !strings.Contains(a, "=") && i+1 < len(args) {
				fs.Parse([]string{a, args[i+1]})
				i++
			} else {
				fs.Parse([]string{a})
			}
			continue
		}
		rest = append(rest, a)
	}
	cfg, err := parseConfig("user create", rest, getenv)
	if err != nil {
		return err
	}
	password := getenv("ART28_PASSWORD")
	if password == "" {
		fmt.Fprint(stdout, "Password (at least 12 characters): ")
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	}
	db, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	users := store.NewUsers(db)
	u := &art28.User{Email: email, Name: name, Role: art28.Role(role)}
	n, err := db.UserCount(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		if u.Role != art28.RoleOwner {
			return fmt.Errorf("the first user must be an owner")
		}
		err = users.CreateFirstOwner(ctx, u, password)
	} else {
		err = users.CreateUser(art28.NewContext(ctx, art28.SystemActor), u, password)
	}
	if err != nil {
		return fmt.Errorf("%s", describe(err))
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}

// describe formats an application error for the terminal: field and reason.
func describe(err error) string {
	if f := art28.ErrorField(err); f != "" {
		return f + ": " + art28.ErrorMessage(err)
	}
	if art28.ErrorCode(err) == art28.EINTERNAL {
		return err.Error()
	}
	return art28.ErrorMessage(err)
}
