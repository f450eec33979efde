#!/usr/bin/env bash
# The test command (`make test` runs this). Usage:
#
#   scripts/test.sh [go test flags] [packages]
#
#   scripts/test.sh                      # everything
#   scripts/test.sh -run=TestExport      # extra flags go to `go test`
#   scripts/test.sh -v ./internal/store  # packages given: only those
#
# What it does:
#   1. starts a throwaway PostgreSQL cluster (scripts/pg-throwaway.sh) and
#      exports ART28_TEST_DATABASE_URL, so the tests run against both SQLite
#      and PostgreSQL; the cluster is stopped and deleted on exit, whatever
#      happens;
#   2. exports ART28_TEST_CHROMIUM if a Chromium/Chrome binary is found;
#   3. runs `go vet ./...` and then `go test -count=1 -timeout 15m`.
#
# Without PostgreSQL or Chromium the corresponding tests skip (loudly).
# When CI is set, ART28_TEST_REQUIRE_ALL=1 is exported and a missing
# PostgreSQL or Chromium is an error instead.
#
# If ART28_TEST_DATABASE_URL is already set, that database is used and no
# cluster is started.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'test.sh: ERROR: %s\n' "$*" >&2; exit 1; }
warn() {
	printf '\n' >&2
	printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
	printf '!!! WARNING: %s\n' "$@" >&2
	printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
}

case "${CI:-}" in
"" | 0 | false | no) ci=0 ;;
*) ci=1 ;;
esac
if ((ci)); then
	export ART28_TEST_REQUIRE_ALL=1
	say "CI mode: PostgreSQL and Chromium are required (ART28_TEST_REQUIRE_ALL=1)"
fi

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "go not found on PATH (nor in /usr/local/go/bin)"
say "$(go version)"

# --- Chromium --------------------------------------------------------------
if [[ -n "${ART28_TEST_CHROMIUM:-}" ]]; then
	[[ -x "$ART28_TEST_CHROMIUM" ]] || die "ART28_TEST_CHROMIUM=$ART28_TEST_CHROMIUM is not executable"
else
	chromium=""
	if [[ -x /usr/bin/chromium ]]; then
		chromium=/usr/bin/chromium
	else
		for c in chromium chromium-browser google-chrome google-chrome-stable; do
			if chromium=$(command -v "$c" 2>/dev/null) && [[ -n "$chromium" ]]; then
				break
			fi
			chromium=""
		done
	fi
	if [[ -n "$chromium" ]]; then
		export ART28_TEST_CHROMIUM="$chromium"
	elif ((ci)); then
		die "CI is set but no Chromium was found (/usr/bin/chromium, chromium, chromium-browser, google-chrome)"
	else
		warn "No Chromium found: browser tests will be SKIPPED." \
			"Install chromium or set ART28_TEST_CHROMIUM to test them."
	fi
fi
if [[ -n "${ART28_TEST_CHROMIUM:-}" ]]; then
	say "Chromium: $ART28_TEST_CHROMIUM"
fi

# --- PostgreSQL ------------------------------------------------------------
# shellcheck source=scripts/pg-throwaway.sh
. scripts/pg-throwaway.sh

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	pg_throwaway_stop || true
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n "${ART28_TEST_DATABASE_URL:-}" ]]; then
	say "using the existing ART28_TEST_DATABASE_URL; not starting a cluster"
else
	pg_rc=0
	pg_throwaway_start || pg_rc=$?
	case $pg_rc in
	0) ;;
	2)
		if ((ci)); then
			die "CI is set but no usable PostgreSQL server was found (install the 'postgresql' package, or set PG_BIN)"
		fi
		unset ART28_TEST_DATABASE_URL
		warn "No usable PostgreSQL server found: the PostgreSQL half of the" \
			"tests will be SKIPPED. Install PostgreSQL (Debian: apt-get install" \
			"postgresql) or set PG_BIN to test the PostgreSQL store."
		;;
	*) die "could not start the throwaway PostgreSQL cluster (see above)" ;;
	esac
fi

# --- Go --------------------------------------------------------------------
# Extra arguments go to `go test`. Unless one of them names packages
# (./something or something/...), test all of ./... .
pkgs=(./...)
for a in "$@"; do
	case $a in
	./* | ../* | */... | ...) pkgs=() ;;
	esac
done

say "go vet ./..."
go vet ./...

say "go test -count=1 -timeout 15m${*:+ $*}${pkgs[*]:+ ${pkgs[*]}}"
go test -count=1 -timeout 15m "$@" "${pkgs[@]}"
say "all tests passed"
