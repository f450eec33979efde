#!/usr/bin/env bash
# Load test of a real art28 server on loopback, against baselines served by
# the load tool in the same run. See docs/performance.md.
#
#   scripts/load.sh            agreement JSON and the transfer check vs trivial JSON, customers page vs bare template
#   scripts/load.sh startup    startup time and idle RSS with 100,000 customers
#
# Environment: DURATION (10s per phase), CONCURRENCY (8), ROUNDS (3),
# PORT (18428), CUSTOMERS (100000), RUNS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

DURATION=${DURATION:-10s}
CONCURRENCY=${CONCURRENCY:-8}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18428}
CUSTOMERS=${CUSTOMERS:-100000}
RUNS=${RUNS:-3}

work=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "building bin/art28 and bin/art28-load (CGO_ENABLED=0)"
CGO_ENABLED=0 go build -o bin/art28 ./cmd/art28
CGO_ENABLED=0 go build -o bin/art28-load ./cmd/art28-load

if [ "${1:-}" = "startup" ]; then
	bin/art28-load -fill "$CUSTOMERS" -data "$work/data"
	bin/art28-load -startup bin/art28 -data "$work/data" -runs "$RUNS" -idle 5s
	exit 0
fi

base="http://127.0.0.1:$PORT"
bin/art28 serve --demo --addr "127.0.0.1:$PORT" --data "$work/data" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
	if curl -fsS "$base/readyz" >/dev/null 2>&1; then break; fi
	sleep 0.05
done
curl -fsS "$base/readyz" >/dev/null || { cat "$work/server.log"; exit 1; }

# Sign in as the demo owner: the session cookie for the page, and the CSRF
# token to create an API key for the JSON API.
body=$(curl -fsS -c "$work/cookies" -H 'Content-Type: application/json' \
	-d '{"email":"owner@processor.example","password":"art28-demo-password"}' "$base/api/v1/session")
csrf=$(printf '%s' "$body" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
session=$(awk '$6 == "art28_session" {print $7}' "$work/cookies")
[ -n "$csrf" ] && [ -n "$session" ] || { echo "sign-in failed: $body"; exit 1; }
key=$(curl -fsS -H "Cookie: art28_session=$session" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	-d '{"name":"load test","role":"read_only"}' "$base/api/v1/api-keys" |
	sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || { echo "could not create an API key"; exit 1; }
# The demo has fewer than 50 customers: add some so the page shows 50 rows.
total=$(curl -fsS -H "Authorization: Bearer $key" "$base/api/v1/customers?limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
for i in $(seq $((total + 1)) 50); do
	curl -fsS -o /dev/null -H "Cookie: art28_session=$session" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		-d "{\"legal_name\":\"Load Test Customer $i GmbH\",\"country\":\"DE\",\"eu_established\":true,\"role\":\"controller\"}" \
		"$base/api/v1/customers"
done
agreement=$(curl -fsS -H "Authorization: Bearer $key" "$base/api/v1/agreements?limit=1" |
	sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
[ -n "$agreement" ] || { echo "no agreement in the demo data"; exit 1; }

echo
echo "== GET /api/v1/agreements/$agreement (API key) vs trivial JSON; $CONCURRENCY clients, $ROUNDS x $DURATION each"
bin/art28-load -url "$base/api/v1/agreements/$agreement" -header "Authorization: Bearer $key" \
	-header 'Accept: application/json' -baseline json -duration "$DURATION" -concurrency "$CONCURRENCY" -rounds "$ROUNDS"

echo
echo "== GET /customers (session, 50 rows) vs bare html/template of the same 50 rows"
bin/art28-load -url "$base/customers" -header "Cookie: art28_session=$session" \
	-baseline page -duration "$DURATION" -concurrency "$CONCURRENCY" -rounds "$ROUNDS"

# The demo's announced change, and an agreement it was announced to: the
# transfer check reads the agreement, its terms, the sub-processor and the
# notice, as the processor's systems would before moving data.
change=$(curl -fsS -H "Authorization: Bearer $key" "$base/api/v1/changes?state=announced&limit=1")
sp=$(printf '%s' "$change" | sed -n 's/.*"subprocessor_id":\([0-9]*\).*/\1/p')
cid=$(printf '%s' "$change" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
noticed=$(curl -fsS -H "Authorization: Bearer $key" "$base/api/v1/notices?change_id=$cid&limit=1" |
	sed -n 's/.*"agreement_id":\([0-9]*\).*/\1/p')
[ -n "$sp" ] && [ -n "$noticed" ] || { echo "no announced change in the demo data"; exit 1; }

echo
echo "== GET /api/v1/transfer-check?agreement=$noticed&subprocessor=$sp (API key) vs trivial JSON; $CONCURRENCY clients, $ROUNDS x $DURATION each"
bin/art28-load -url "$base/api/v1/transfer-check?agreement=$noticed&subprocessor=$sp" -header "Authorization: Bearer $key" \
	-header 'Accept: application/json' -baseline json -duration "$DURATION" -concurrency "$CONCURRENCY" -rounds "$ROUNDS"

echo
echo "server idle VmRSS after the load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
