package http

import (
	"testing"
	"time"
)

func TestSignInLimiterPerAccountAndAddress(t *testing.T) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	for range accountBurst {
		if !l.allow("acct:a", "ip:1") {
			t.Fatal("refused before the account's limit")
		}
		l.fail("acct:a", "ip:1")
	}
	if l.allow("acct:a", "ip:2") {
		t.Fatal("the guessed account is still open from another address")
	}
	if !l.allow("acct:b", "ip:1") {
		t.Fatal("another account behind the same address is refused")
	}
	for i := range addressBurst {
		l.fail("acct:x"+string(rune('a'+i%26))+string(rune('a'+i/26)), "ip:1")
	}
	if l.allow("acct:c", "ip:1") {
		t.Fatal("an address past its limit may still try")
	}
	now = now.Add(signInWindow + time.Second)
	if !l.allow("acct:a", "ip:1") {
		t.Fatal("the limit did not lift after the window")
	}
}
