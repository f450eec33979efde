// Command art28 runs art28: the server (serve), its migrations (migrate),
// and administration commands (user create).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `art28: operate GDPR Article 28 data processing agreements, customer by customer.

Usage:
  art28 serve [flags]         run the server (SQLite in ./art28-data unless --database-url)
  art28 migrate [flags]       apply database migrations
  art28 user create [flags] --email E --name N [--role owner]
                              create a user (the first owner, or any processor user);
                              the password is read from ART28_PASSWORD or standard input
  art28 terms check FILE...   check terms files; every error as file:line: key: reason
  art28 terms deadline FILE CLAUSE --from TIME
                              the deadline of a clause's period for an event at TIME
  art28 help                  this text

Run "art28 serve -h" for the flags; each has an ART28_* environment variable.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "art28:", err)
		os.Exit(1)
	}
}

// run dispatches a subcommand.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("name a command")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stdout)
	case "user":
		if len(args) < 2 || args[1] != "create" {
			return fmt.Errorf("usage: art28 user create --email E --name N [--role R]")
		}
		return userCreate(ctx, args[2:], stdin, stdout)
	case "terms":
		return termsCommand(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// serve runs Main until ctx is cancelled (SIGINT, SIGTERM), then shuts
// down in order.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("serve", args, getenv)
	if err != nil {
		return err
	}
	// The server's live heap is small (tens of MB), so collecting at twice
	// the default growth trades a little memory for less GC time per
	// request. An operator's GOGC wins.
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	m := NewMain(cfg, stdout, stderr)
	if err := m.Run(ctx); err != nil {
		m.Close(context.Background())
		return err
	}
	<-ctx.Done()
	m.log.Info("shutting down")
	return m.Close(context.Background())
}
