// Command art28-fanout measures fan-outs to every running agreement: a
// sub-processor change's announcement and the delivery of its emails
// through a crash of the server, a breach's clocks and notices, and a
// bulletin. See docs/performance.md and
// scripts/crash.sh.
//
//	art28-fanout fill -data DIR -agreements N
//	    create a migrated SQLite database in the empty folder DIR: an owner,
//	    the processor profile, one service, the template genz-saas-v1 with
//	    its terms (examples/genz-saas-v1.yaml, 14 working days, DE-BW), and,
//	    in one transaction of raw SQL, N customers with one DPO contact each
//	    and N active agreements under those terms.
//	art28-fanout announce -data DIR [-runs 0] [-cpuprofile FILE]
//	    register a new sub-processor for the service and time Announce; then
//	    time, as the same-run baseline, a bare insert of as many rows as the
//	    announcement wrote into a throwaway table, in one transaction. With
//	    -runs N, each run works on a fresh copy of DIR's database and DIR
//	    stays as filled; with 0, it announces in DIR itself (once).
//	art28-fanout sink -addr 127.0.0.1:2525 -expect N -out FILE [-progress FILE] [-recipients FILE]
//	    run an SMTP server (internal/smtpsink) until it has N messages or is
//	    sent SIGINT or SIGTERM; then write a JSON summary to FILE and stdout.
//	art28-fanout status -data DIR [-received FILE]
//	    print the email deliveries by state; with -received (the sink's
//	    -recipients file), also the recipients the database has a delivery
//	    for that the sink never received, and the reverse.
//	art28-fanout breach -data DIR [-runs 3]
//	    record a breach reaching every filled customer, assess it and issue
//	    the first notices, on fresh copies of DIR's database; time each step
//	    against a bare insert of as many rows.
//	art28-fanout bulletin -data DIR [-runs 3]
//	    issue a bulletin (G7.4) to every customer with a running agreement,
//	    each copy due under its own terms, on fresh copies of DIR's
//	    database; time it against a bare insert of as many rows.
//
// The tool only writes where -data and the file flags point, and the sink
// only listens on a loopback address.
package main

import (
	"fmt"
	"os"
)

const usage = `usage:
  art28-fanout fill -data DIR -agreements N
  art28-fanout announce -data DIR [-runs N] [-cpuprofile FILE]
  art28-fanout sink -addr 127.0.0.1:2525 -expect N -out FILE [-progress FILE] [-recipients FILE]
  art28-fanout status -data DIR [-received FILE]
  art28-fanout breach -data DIR [-runs N]
  art28-fanout bulletin -data DIR [-runs N]
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "fill":
		err = fillCmd(args)
	case "announce":
		err = announceCmd(args)
	case "sink":
		err = sinkCmd(args)
	case "status":
		err = statusCmd(args)
	case "breach":
		err = breachCmd(args)
	case "bulletin":
		err = bulletinCmd(args)
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "art28-fanout:", err)
		os.Exit(1)
	}
}
