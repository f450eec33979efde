package mail_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/art28/art28/internal/mail"
)

// scriptedServer is an SMTP server that answers each command from replies
// and records what it read: the edge cases of pipelining that no real
// server here produces (one that does not offer it; one that accepts DATA
// after refusing the recipient, or hangs up after a reply, when the reply
// ends in "|close"). It serves one connection.
func scriptedServer(t *testing.T, ehlo string, replies map[string]string) (addr string, got chan []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan []string, 1)
	go func() {
		var lines []string
		defer func() { got <- lines }()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r, w := bufio.NewReader(c), bufio.NewWriter(c)
		reply := func(s string) { w.WriteString(s + "\r\n"); w.Flush() }
		reply("220 scripted")
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if inData {
				if line == "." {
					inData = false
					lines = append(lines, "<end of data>")
					reply("250 queued")
				}
				continue
			}
			verb, _, _ := strings.Cut(line, ":")
			verb, _, _ = strings.Cut(verb, " ")
			// A lockstep client cannot have sent the next command before
			// this one's reply.
			if r.Buffered() > 0 && !strings.Contains(ehlo, "PIPELINING") {
				lines = append(lines, "pipelined without PIPELINING")
			}
			lines = append(lines, verb)
			switch verb {
			case "EHLO":
				reply(ehlo)
			case "QUIT":
				reply("221 bye")
				return
			case "DATA":
				rep := replies["DATA"]
				if rep == "" {
					rep = "354 go on"
				}
				reply(rep)
				inData = strings.HasPrefix(rep, "354")
			default:
				rep := replies[verb]
				if rep == "" {
					rep = "250 ok"
				}
				rep, hangUp := strings.CutSuffix(rep, "|close")
				reply(rep)
				if hangUp {
					return
				}
			}
		}
	}()
	return ln.Addr().String(), got
}

// A server that does not offer PIPELINING gets one command at a time.
func TestSendLockstepWithoutPipelining(t *testing.T) {
	addr, got := scriptedServer(t, "250-scripted\r\n250 8BITMIME", nil)
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1})
	if err := s.Send(context.Background(), testMessage()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	lines := <-got
	if strings.Join(lines, " ") != "EHLO NOOP MAIL RCPT DATA <end of data> QUIT" {
		t.Errorf("the server read %q", lines)
	}
}

// A server that offers PIPELINING but accepts DATA after refusing the
// recipient gets no message: the sender drops the connection rather than
// send a body that would be delivered to nobody it meant, and says why.
func TestSendPipelinedDataAfterRefusal(t *testing.T) {
	addr, got := scriptedServer(t, "250-scripted\r\n250 PIPELINING", map[string]string{"RCPT": "550 no such user"})
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1})
	err := s.Send(context.Background(), testMessage())
	var e *mail.Error
	if !errors.As(err, &e) || e.Op != "DATA" || !strings.Contains(err.Error(), "accepted DATA after refusing") {
		t.Fatalf("got %v, want the DATA step's error about the desynchronised server", err)
	}
	lines := <-got
	if strings.Contains(strings.Join(lines, " "), "<end of data>") {
		t.Errorf("a message body was sent: %q", lines)
	}
}

// A server that refuses the recipient and then drops the connection: the
// refusal is what counts (a bad address is a permanent failure, not a
// network error to retry), and the connection is not used again.
func TestSendPipelinedRefusalThenDrop(t *testing.T) {
	addr, got := scriptedServer(t, "250-scripted\r\n250 PIPELINING", map[string]string{"RCPT": "550 no such user|close"})
	s := newSender(t, mail.Config{Addr: addr, StartTLS: mail.StartTLSOff, Conns: 1})
	err := s.Send(context.Background(), testMessage())
	var e *mail.Error
	if !errors.As(err, &e) || e.Op != "RCPT" || e.Code != 550 || !mail.IsPermanent(err) {
		t.Fatalf("got %#v, want the RCPT refusal 550, permanent", err)
	}
	if lines := <-got; strings.Contains(strings.Join(lines, " "), "<end of data>") {
		t.Errorf("a message body was sent: %q", lines)
	}
}
