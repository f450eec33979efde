package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/art28/art28/internal/smtpsink"
)

// sinkSummary is what the sink writes when it stops.
type sinkSummary struct {
	Expected           int         `json:"expected"`
	Messages           int         `json:"messages"`
	DistinctRecipients int         `json:"distinct_recipients"`
	DistinctMessageIDs int         `json:"distinct_message_ids"`
	Duplicates         int         `json:"duplicates"`     // recipients with more than one message
	ExtraMessages      int         `json:"extra_messages"` // messages beyond one per recipient
	DuplicateExamples  []duplicate `json:"duplicate_examples"`
	// Between the first and the last message, as seen by the sink's
	// polling (every 100 ms).
	FirstAt           time.Time `json:"first_at"`
	LastAt            time.Time `json:"last_at"`
	DeliverSeconds    float64   `json:"deliver_seconds"`
	MessagesPerSecond float64   `json:"messages_per_second"`
	StoppedBy         string    `json:"stopped_by"` // "expected" or the signal
}

type duplicate struct {
	Recipient  string   `json:"recipient"`
	Messages   int      `json:"messages"`
	MessageIDs []string `json:"message_ids"` // the same ID twice: the same delivery sent again
}

func sinkCmd(args []string) error {
	fs := flag.NewFlagSet("sink", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:2525", "loopback address to listen on")
	expect := fs.Int("expect", 0, "stop once this many distinct recipients have a message (0: only on a signal)")
	out := fs.String("out", "", "write the JSON summary here too")
	progress := fs.String("progress", "", "rewrite this file every 250 ms with the message count")
	recipients := fs.String("recipients", "", "write every distinct recipient received here, one a line")
	linger := fs.Duration("linger", 2*time.Second, "keep serving this long after -expect is reached, so that the last replies go out and late duplicates are seen")
	fs.Parse(args)
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s: the sink listens on loopback only", *addr)
	}
	sink, err := smtpsink.Start(*addr, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "sink listening on %s, expecting %d recipients\n", sink.Addr, *expect)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	var s sinkSummary
	s.Expected = *expect
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	lastWrite, lastCount := time.Time{}, 0
wait:
	for {
		select {
		case sig := <-sigs:
			s.StoppedBy = sig.String()
			break wait
		case now := <-tick.C:
			n := sink.Count()
			if n > 0 && s.FirstAt.IsZero() {
				s.FirstAt = now
			}
			if n != lastCount {
				s.LastAt, lastCount = now, n
			}
			if *progress != "" && now.Sub(lastWrite) >= 250*time.Millisecond {
				lastWrite = now
				if err := writeFile(*progress, fmt.Sprintf("%d\n", n)); err != nil {
					return err
				}
			}
			if *expect > 0 && n >= *expect && distinct(sink.Messages()) >= *expect {
				s.StoppedBy = "expected"
				time.Sleep(*linger)
				break wait
			}
		}
	}
	if err := sink.Close(); err != nil {
		return err
	}
	msgs := sink.Messages()
	if n := len(msgs); n != lastCount {
		s.LastAt = time.Now()
	}
	summarize(&s, msgs)
	if *progress != "" {
		if err := writeFile(*progress, fmt.Sprintf("%d\n", s.Messages)); err != nil {
			return err
		}
	}
	if *recipients != "" {
		var list []string
		for _, m := range msgs {
			list = append(list, m.To...)
		}
		slices.Sort(list)
		list = slices.Compact(list)
		if err := writeFile(*recipients, strings.Join(list, "\n")+"\n"); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	os.Stdout.Write(b)
	if *out != "" {
		return writeFile(*out, string(b))
	}
	return nil
}

// distinct counts the recipients of msgs.
func distinct(msgs []smtpsink.Message) int {
	seen := make(map[string]struct{}, len(msgs))
	for _, m := range msgs {
		for _, to := range m.To {
			seen[to] = struct{}{}
		}
	}
	return len(seen)
}

func summarize(s *sinkSummary, msgs []smtpsink.Message) {
	s.Messages = len(msgs)
	byTo := map[string][]string{}
	ids := map[string]struct{}{}
	for _, m := range msgs {
		ids[m.MessageID] = struct{}{}
		for _, to := range m.To {
			byTo[to] = append(byTo[to], m.MessageID)
		}
	}
	s.DistinctRecipients, s.DistinctMessageIDs = len(byTo), len(ids)
	s.DuplicateExamples = []duplicate{}
	var dups []string
	for to, list := range byTo {
		if len(list) > 1 {
			dups = append(dups, to)
			s.ExtraMessages += len(list) - 1
		}
	}
	slices.Sort(dups)
	s.Duplicates = len(dups)
	for _, to := range dups[:min(len(dups), 5)] {
		s.DuplicateExamples = append(s.DuplicateExamples, duplicate{Recipient: to, Messages: len(byTo[to]), MessageIDs: byTo[to]})
	}
	if !s.FirstAt.IsZero() {
		s.DeliverSeconds = s.LastAt.Sub(s.FirstAt).Seconds()
		if s.DeliverSeconds > 0 {
			s.MessagesPerSecond = float64(s.Messages) / s.DeliverSeconds
		}
	}
}

// writeFile replaces name's content at once, so that a reader never sees
// half of it.
func writeFile(name, content string) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
