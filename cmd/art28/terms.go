package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/art28/art28"
	"github.com/art28/art28/internal/calendar"
	"github.com/art28/art28/internal/terms"
)

// termsCommand runs `art28 terms check FILE...` and
// `art28 terms deadline FILE CLAUSE --from TIME`.
func termsCommand(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: art28 terms check FILE... | art28 terms deadline FILE CLAUSE --from TIME")
	}
	switch args[0] {
	case "check":
		return termsCheck(args[1:], stdout, stderr)
	case "deadline":
		return termsDeadline(args[1:], stdout)
	}
	return fmt.Errorf("unknown terms command %q: use check or deadline", args[0])
}

// termsCheck prints every error of every file and fails if there is one.
func termsCheck(files []string, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		return errors.New("usage: art28 terms check FILE [FILE ...]")
	}
	bad := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, err)
			bad++
			continue
		}
		t, err := terms.Parse(f, data)
		if err != nil {
			fmt.Fprintln(stderr, err)
			bad++
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (terms %s, %d clauses, sha256 %s)\n", f, t.ID, len(t.Clauses), t.Hash[:12])
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d files have errors", bad, len(files))
	}
	return nil
}

// termsDeadline prints the deadline of a clause for an event at --from, in
// the agreement's zone.
func termsDeadline(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("terms deadline", flag.ContinueOnError)
	from := fs.String("from", "", "the event's time, RFC 3339 with its zone (2027-03-01T09:00:00+01:00)")
	// Flags may come after the positional arguments.
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 2 || *from == "" {
		return errors.New("usage: art28 terms deadline FILE CLAUSE --from TIME")
	}
	at, err := time.Parse(time.RFC3339, *from)
	if err != nil {
		return fmt.Errorf("--from: %q is not an RFC 3339 time with its zone, such as 2027-03-01T09:00:00+01:00", *from)
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	t, err := terms.Parse(pos[0], data)
	if err != nil {
		return err
	}
	cal, err := calendar.Lookup(t.Calendar)
	if err != nil {
		return err
	}
	d, err := t.Deadline(art28.ClauseKey(pos[1]), at, cal)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, d.Format(time.RFC3339))
	return nil
}
