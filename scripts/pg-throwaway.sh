#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests.
#
# Two ways to use it:
#
#   1. Sourced (this is what scripts/test.sh does):
#        . scripts/pg-throwaway.sh
#        pg_throwaway_start      # exports ART28_TEST_DATABASE_URL
#        ...
#        pg_throwaway_stop       # stops the cluster, removes its directory
#      pg_throwaway_start returns 0 on success, 2 when no PostgreSQL
#      installation was found (the caller decides whether that is fatal),
#      and 1 on any other failure.
#
#   2. Run directly, for hacking on the PostgreSQL half of the tests by hand:
#        scripts/pg-throwaway.sh
#      It starts a cluster, prints the URL to export, and keeps it running
#      until you press Ctrl-C.
#
# The cluster lives in a fresh temporary directory, listens on 127.0.0.1 only
# (on a free port from PG_THROWAWAY_PORT_BASE, default 55432, upwards), keeps
# its unix socket in the temporary directory, uses trust authentication and
# runs with fsync off. It is NOT for data you care about.
#
# Environment knobs:
#   PG_BIN                  directory holding initdb/pg_ctl (default: newest
#                           /usr/lib/postgresql/*/bin, else initdb on PATH)
#   PG_THROWAWAY_PORT_BASE  first port to try (default 55432)
#   PG_THROWAWAY_DB         database to create (default art28_test)
#
# initdb refuses to run as root, so as root the server runs as the
# "postgres" system user, in a temporary directory that user owns.

PG_THROWAWAY_DIR=""
PG_THROWAWAY_PORT=""
PG_THROWAWAY_BIN=""
PG_THROWAWAY_RUNAS=""

_pgt_log() { printf 'pg-throwaway: %s\n' "$*" >&2; }

# _pgt_find_bin prints the directory holding initdb and pg_ctl.
_pgt_find_bin() {
	local d best=""
	if [[ -n "${PG_BIN:-}" ]]; then
		if [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]]; then
			printf '%s\n' "$PG_BIN"
			return 0
		fi
		_pgt_log "PG_BIN=$PG_BIN does not contain initdb and pg_ctl"
		return 1
	fi
	# Debian/Ubuntu layout: /usr/lib/postgresql/<major>/bin; take the newest.
	best=$(
		for d in /usr/lib/postgresql/*/bin; do
			[[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && printf '%s\n' "$d"
		done | sort -V | tail -n 1
	)
	if [[ -n "$best" ]]; then
		printf '%s\n' "$best"
		return 0
	fi
	# Anything else (Homebrew, Fedora, a source build): initdb on PATH.
	if d=$(command -v initdb 2>/dev/null) && [[ -n "$d" ]]; then
		d=$(dirname "$d")
		if [[ -x "$d/pg_ctl" ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	fi
	return 1
}

# _pgt_as runs a command as the cluster owner, from inside the cluster
# directory (the owner may not be allowed into the caller's working directory).
_pgt_as() {
	if [[ -z "$PG_THROWAWAY_RUNAS" ]]; then
		(cd "$PG_THROWAWAY_DIR" && "$@")
	elif command -v runuser >/dev/null 2>&1; then
		(cd "$PG_THROWAWAY_DIR" && runuser -u "$PG_THROWAWAY_RUNAS" -- "$@")
	else
		local cmd
		cmd=$(printf '%q ' "$@")
		(cd "$PG_THROWAWAY_DIR" && su -s /bin/sh "$PG_THROWAWAY_RUNAS" -c "$cmd")
	fi
}

# _pgt_port_busy succeeds when something accepts connections on 127.0.0.1:$1.
_pgt_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_throwaway_start() {
	local base port tries conf parent initlog esc db
	db="${PG_THROWAWAY_DB:-art28_test}"

	if ! PG_THROWAWAY_BIN=$(_pgt_find_bin); then
		_pgt_log "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and PATH; set PG_BIN to override)"
		return 2
	fi

	PG_THROWAWAY_RUNAS=""
	parent="${TMPDIR:-/tmp}"
	if [[ "$(id -u)" == 0 ]]; then
		if ! id -u postgres >/dev/null 2>&1; then
			_pgt_log "running as root but there is no 'postgres' user to run the server as (initdb refuses to run as root)"
			return 2
		fi
		PG_THROWAWAY_RUNAS=postgres
		# The postgres user must be able to reach the directory; $TMPDIR may
		# be private to root, /tmp never is.
		if [[ "$parent" != /tmp ]] && ! runuser -u postgres -- test -x "$parent" 2>/dev/null; then
			parent=/tmp
		fi
	fi

	if ! PG_THROWAWAY_DIR=$(mktemp -d "$parent/art28-pg.XXXXXXXX"); then
		_pgt_log "mktemp failed"
		return 1
	fi
	if [[ -n "$PG_THROWAWAY_RUNAS" ]]; then
		chown "$PG_THROWAWAY_RUNAS:" "$PG_THROWAWAY_DIR" || return 1
	fi
	chmod 700 "$PG_THROWAWAY_DIR" || return 1

	_pgt_log "using $PG_THROWAWAY_BIN ($("$PG_THROWAWAY_BIN/pg_ctl" --version 2>/dev/null || echo 'version unknown'))"
	_pgt_log "cluster directory $PG_THROWAWAY_DIR${PG_THROWAWAY_RUNAS:+ (owned by $PG_THROWAWAY_RUNAS)}"

	initlog="$PG_THROWAWAY_DIR/initdb.log"
	if ! _pgt_as "$PG_THROWAWAY_BIN/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres \
		-A trust -E UTF8 --locale=C --no-sync >"$initlog" 2>&1; then
		_pgt_log "initdb failed:"
		cat "$initlog" >&2
		return 1
	fi

	conf="$PG_THROWAWAY_DIR/data/postgresql.conf"
	esc=${PG_THROWAWAY_DIR//\'/\'\'}
	if ! cat >>"$conf" <<EOF

# --- pg-throwaway: test settings, durability deliberately off ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$esc'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
	then
		_pgt_log "could not write $conf"
		return 1
	fi

	base="${PG_THROWAWAY_PORT_BASE:-55432}"
	port=$base
	tries=0
	while :; do
		tries=$((tries + 1))
		if ((tries > 100)); then
			_pgt_log "no free port found in $base..$((base + 99))"
			return 1
		fi
		if _pgt_port_busy "$port"; then
			port=$((port + 1))
			continue
		fi
		# Last "port" line in postgresql.conf wins, so retries just append.
		printf 'port = %d\n' "$port" >>"$conf"
		rm -f -- "$PG_THROWAWAY_DIR/postgres.log"
		if _pgt_as "$PG_THROWAWAY_BIN/pg_ctl" -D "$PG_THROWAWAY_DIR/data" \
			-l "$PG_THROWAWAY_DIR/postgres.log" -w -t 60 start >/dev/null 2>&1; then
			break
		fi
		# Lost a race for the port with someone else? Try the next one.
		if grep -q 'could not bind\|Address already in use\|could not create any TCP/IP sockets' \
			"$PG_THROWAWAY_DIR/postgres.log" 2>/dev/null; then
			_pgt_log "port $port taken, trying the next one"
			port=$((port + 1))
			continue
		fi
		_pgt_log "server failed to start; its log:"
		cat "$PG_THROWAWAY_DIR/postgres.log" >&2
		return 1
	done
	PG_THROWAWAY_PORT=$port

	if ! "$PG_THROWAWAY_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" >/dev/null; then
		_pgt_log "could not create database $db"
		return 1
	fi

	export ART28_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"
	_pgt_log "PostgreSQL up: $ART28_TEST_DATABASE_URL"
	return 0
}

pg_throwaway_stop() {
	local dir="$PG_THROWAWAY_DIR" pid
	[[ -n "$dir" && -d "$dir" ]] || return 0
	if [[ -f "$dir/data/postmaster.pid" ]]; then
		if ! _pgt_as "$PG_THROWAWAY_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
			# pg_ctl could not do it; make sure no server outlives us.
			pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
			if [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == postgres* ]]; then
				kill -KILL "$pid" 2>/dev/null || true
				sleep 0.2
			fi
		fi
	fi
	rm -rf -- "$dir"
	_pgt_log "cluster stopped, $dir removed"
	PG_THROWAWAY_DIR=""
	PG_THROWAWAY_PORT=""
}

# Run directly: start, print the URL, wait for Ctrl-C, clean up.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	set -euo pipefail
	sleeper=""
	trap '[[ -n "$sleeper" ]] && kill "$sleeper" 2>/dev/null; pg_throwaway_stop' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	rc=0
	pg_throwaway_start || rc=$?
	if ((rc != 0)); then
		exit "$rc"
	fi
	printf "\nexport ART28_TEST_DATABASE_URL='%s'\n\nCtrl-C stops the cluster and deletes it.\n" \
		"$ART28_TEST_DATABASE_URL"
	while :; do
		sleep 3600 &
		sleeper=$!
		wait "$sleeper" || true
	done
fi
