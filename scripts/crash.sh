#!/usr/bin/env bash
# Crash test of the outbox: announce a sub-processor change to AGREEMENTS
# agreements (one email each), start a real art28 server that delivers to
# an SMTP sink, kill -9 it part-way through the fan-out, restart it, and
# count at the sink that every recipient got the notice exactly once.
# See docs/performance.md.
#
#   scripts/crash.sh
#
# Environment: AGREEMENTS (100000), RUNS (1; each run starts from a copy of
# the same filled database), KILL_AT (30, the percentage of messages the
# sink has received when the server is killed), PORT (18429), SMTP_PORT
# (2525), TIMEOUT (900 s for each run's deliveries), KEEP (1 keeps the
# temporary folder).
#
# Exits 1 if, in any run, a recipient got no message, or two different
# messages (two Message-IDs) for the one notice, or if more copies of one
# message were resent than were in flight at the kill. A message the SMTP
# server accepted in the instant before the server could record it sent
# is sent again after the restart with the same Message-ID: no SMTP client
# can know whether a reply it never read was sent, so at-least-once with a
# stable Message-ID is the best a sender can promise; receivers that keep
# one copy per Message-ID (most mail stores) see exactly one. The script
# prints those resent copies, and the runs are in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

AGREEMENTS=${AGREEMENTS:-100000}
RUNS=${RUNS:-1}
KILL_AT=${KILL_AT:-30}
PORT=${PORT:-18429}
SMTP_PORT=${SMTP_PORT:-2525}
TIMEOUT=${TIMEOUT:-900}
KEEP=${KEEP:-}

work=$(mktemp -d)
server=""
sink=""
stop() { # stop PID [SIGNAL]: signal a process this script started and reap it
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill "-${2:-TERM}" "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
	fi
}
cleanup() {
	stop "$server"
	stop "$sink"
	if [ -n "$KEEP" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
json() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" "$2" | head -1; }
count() { cat "$1/progress" 2>/dev/null || echo 0; }
status() { bin/art28-fanout status -data "$1"; }
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

serve() { # serve DIR LOG: start the server in the background
	bin/art28 serve --data "$1" --addr "127.0.0.1:$PORT" --smtp-addr "127.0.0.1:$SMTP_PORT" --smtp-starttls off \
		--mail-from "Privacy <privacy@processor.example>" >"$2" 2>&1 &
	server=$!
	for _ in $(seq 1 200); do
		if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then return 0; fi
		kill -0 "$server" 2>/dev/null || break
		sleep 0.05
	done
	echo "the server did not start:"; cat "$2"; exit 1
}

echo "building bin/art28 and bin/art28-fanout (CGO_ENABLED=0)"
CGO_ENABLED=0 go build -o bin/art28 ./cmd/art28
CGO_ENABLED=0 go build -o bin/art28-fanout ./cmd/art28-fanout

bin/art28-fanout fill -data "$work/filled" -agreements "$AGREEMENTS"

failed=0
for run in $(seq 1 "$RUNS"); do
	dir="$work/run$run"
	mkdir -p "$dir"
	cp "$work/filled/art28.db" "$dir/"
	echo
	echo "== run $run of $RUNS: $AGREEMENTS agreements, kill -9 at ${KILL_AT}% of the messages"
	bin/art28-fanout announce -data "$dir"

	bin/art28-fanout sink -addr "127.0.0.1:$SMTP_PORT" -expect "$AGREEMENTS" -out "$dir/sink.json" \
		-progress "$dir/progress" -recipients "$dir/received.txt" >/dev/null 2>"$dir/sink.log" &
	sink=$!
	for _ in $(seq 1 100); do [ -f "$dir/progress" ] && break; sleep 0.05; done
	[ -f "$dir/progress" ] || { echo "the sink did not start:"; cat "$dir/sink.log"; exit 1; }

	start=$(now)
	serve "$dir" "$dir/server1.log"
	kill_at=$((AGREEMENTS * KILL_AT / 100))
	while [ "$(count "$dir")" -lt "$kill_at" ]; do
		kill -0 "$server" 2>/dev/null || { echo "the server died:"; tail "$dir/server1.log"; exit 1; }
		[ "${start%.*}" -gt $(($(date +%s) - TIMEOUT)) ] || { echo "timed out before the kill"; exit 1; }
		sleep 0.1
	done
	kill -9 "$server"
	wait "$server" 2>/dev/null || true
	server=""
	killed_after=$(since "$start")
	sleep 1 # let the sink's progress catch up with what it received
	at_kill=$(count "$dir")
	st=$(status "$dir")
	pending=$(echo "$st" | field pending)
	leased_at_kill=$(echo "$st" | field leased)
	# A message the sink accepted but the server did not live to mark
	# sent is sent again after the restart: the only duplicates expected.
	inflight=$((at_kill - $(echo "$st" | field sent)))
	echo "killed the server after ${killed_after} s: the sink had $at_kill messages; database: $st"
	echo "in flight at the kill (received, not marked sent): $inflight"
	[ "$pending" -gt 0 ] || { echo "nothing was pending at the kill: the test proves nothing"; exit 1; }

	# After the restart, the deliveries the killed server had claimed stay
	# leased until their lease (2 minutes) runs out; the rest go at once.
	restart=$(now)
	serve "$dir" "$dir/server2.log"
	drained=""
	while :; do
		st=$(status "$dir")
		p=$(echo "$st" | field pending)
		if [ -z "$drained" ] && [ "$p" -le "$(echo "$st" | field leased)" ]; then
			drained=$(since "$restart")
			echo "backlog drained ${drained} s after the restart: $st"
		fi
		[ "$p" -eq 0 ] && break
		[ "${start%.*}" -gt $(($(date +%s) - TIMEOUT)) ] || { echo "timed out: $st"; failed=1; break; }
		sleep 0.5
	done
	total=$(since "$start")
	after_restart=$(since "$restart")
	echo "all delivered ${after_restart} s after the restart: $st"

	# The sink stops by itself once every recipient has a message; give it
	# a moment, then stop it.
	for _ in $(seq 1 100); do kill -0 "$sink" 2>/dev/null || break; sleep 0.1; done
	stop "$sink"
	sink=""
	stop "$server"
	server=""

	messages=$(json messages "$dir/sink.json")
	distinct=$(json distinct_recipients "$dir/sink.json")
	dups=$(json duplicates "$dir/sink.json")
	missing=$((AGREEMENTS - distinct))
	echo "sink summary:"
	sed 's/^/  /' "$dir/sink.json"
	bin/art28-fanout status -data "$dir" -received "$dir/received.txt" | sed 's/^/  database: /'
	awk -v n="$messages" -v d="$distinct" -v dup="$dups" -v miss="$missing" -v t="$total" -v k="$killed_after" \
		-v ak="$at_kill" -v r="$after_restart" -v dr="$drained" -v lease="$leased_at_kill" 'BEGIN {
		printf "run figures: %d messages, %d distinct recipients, %d duplicates, %d missing\n", n, d, dup, miss
		printf "  time to deliver %.1f s (killed at %.1f s, all delivered %.1f s after the restart): %.0f messages/s overall\n", t, k, r, n / t
		printf "  before the kill: %d messages in %.1f s: %.0f messages/s (server start included)\n", ak, k, ak / k
		if (dr > 0) printf "  after the restart: all but the %d leased in %.1f s: %.0f messages/s (server start included)\n", lease, dr, (n - ak - lease) / dr
	}'
	ids=$(json distinct_message_ids "$dir/sink.json")
	resent=$((messages - ids))
	if [ "$missing" -gt 0 ] || [ "$ids" -ne "$distinct" ] || [ "$resent" -gt "$inflight" ]; then
		echo "run $run: FAILED (missing $missing; $ids Message-IDs for $distinct recipients; $resent copies resent, $inflight were in flight at the kill)"
		failed=1
	elif [ "$resent" -gt 0 ]; then
		echo "run $run: every recipient got the notice, one Message-ID each; $resent in flight at the kill were resent with the same Message-ID"
	else
		echo "run $run: every recipient got the notice exactly once"
	fi
done
exit "$failed"
