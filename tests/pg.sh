# tests/pg.sh - start and stop a throw-away PostgreSQL 15 on a Unix socket
# (no TCP), for the tests and the benchmarks. Source it, then:
#   pg_start          sets PGTEST_DIR and PGTEST_CONNINFO (without dbname)
#   pg_stop           stops the server and removes its folder
# Settings for speed (fsync off) that are fine for throw-away data only.

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
	PGTEST_DIR=$(mktemp -d /tmp/crmgate-pg.XXXXXX)
	chmod 755 "$PGTEST_DIR"
	[ "$(id -u)" = 0 ] && chown postgres "$PGTEST_DIR"
	if ! as_pg "$PGBIN/initdb" -D "$PGTEST_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N \
		>"$PGTEST_DIR/initdb.log" 2>&1; then
		cat "$PGTEST_DIR/initdb.log" >&2
		return 1
	fi
	if ! as_pg "$PGBIN/pg_ctl" -D "$PGTEST_DIR/data" -l "$PGTEST_DIR/server.log" -w -o \
		"-c listen_addresses='' -k $PGTEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 ${PG_EXTRA_OPTS:-}" \
		start >/dev/null; then
		cat "$PGTEST_DIR/server.log" >&2
		return 1
	fi
	PGTEST_CONNINFO="host=$PGTEST_DIR user=postgres"
}

pg_stop() {
	[ -n "${PGTEST_DIR:-}" ] || return 0
	as_pg "$PGBIN/pg_ctl" -D "$PGTEST_DIR/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$PGTEST_DIR"
	PGTEST_DIR=
}
