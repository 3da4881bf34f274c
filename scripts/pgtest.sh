#!/usr/bin/env bash
# pgtest.sh runs a command beside a throw-away PostgreSQL 15 server: initdb
# in a temporary folder, pg_ctl on a free port of 127.0.0.1, the command with
# TOPUPCARDS_TEST_PG set to the server's superuser URL, then the server is
# stopped and the folder removed (also when the command fails or is
# interrupted). The server refuses to run as root, so under root (CI) it
# runs as the unprivileged user nobody.
#
# Usage: scripts/pgtest.sh COMMAND [ARG ...]
#   e.g. scripts/pgtest.sh go test -tags migrated_fynedo ./data/...
#
# Needs Debian's postgresql package (scripts/deps.sh postgresql); PGBIN
# overrides where its programs are (/usr/lib/postgresql/15/bin).
set -euo pipefail

bin=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
	echo "pgtest: PostgreSQL 15 is not installed ($bin/initdb is missing); install it with: apt-get install postgresql" >&2
	exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/topupcards-pg.XXXXXX")
as_server() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$dir"
	as_server() { setpriv --reuid=nobody --regid=nogroup --init-groups --reset-env -- "$@"; }
fi

# A free port: one nothing answers on.
port=
for p in $(shuf -i 20000-60000 -n 50); do
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || { echo "pgtest: found no free port on 127.0.0.1" >&2; exit 1; }

stop() {
	as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

if ! as_server "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
	echo "pgtest: initdb failed:" >&2
	cat "$dir/initdb.log" >&2
	exit 1
fi
# Durability is not wanted of a throw-away server: no fsync makes it fast.
if ! as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
	start >/dev/null; then
	echo "pgtest: the PostgreSQL server did not start:" >&2
	cat "$dir/server.log" >&2 || true
	exit 1
fi

export TOPUPCARDS_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
export TOPUPCARDS_TEST_PG_REQUIRED=1
echo "pgtest: PostgreSQL 15 on 127.0.0.1:$port (data in $dir)"
status=0
"$@" || status=$?
exit $status
