#!/bin/sh
# tests/run.sh - run the Criterion test binaries against a real PostgreSQL.
#
# Usage: CRMGATE_BIN=/path/to/crmgate sh tests/run.sh TESTDIR NAME...
# Starts a throw-away PostgreSQL 15 server (socket only, no TCP) under /tmp,
# prepares the database crm_template with every migration, starts the mail
# servers of tests/servers/ on 127.0.0.1 once for the whole run (see
# servers_start), runs each test binary TESTDIR/NAME (printing its wall time),
# stops every server, and ends with one line that totals every binary: "N
# passed, N failed, N skipped" (each skipped test is listed with its reason
# first, and the five slowest binaries). Exit status 1 when anything failed,
# a skipped test that does not say why included (tests/tally.sh).
set -u

testdir=$1
shift
: "${CRMGATE_BIN:?CRMGATE_BIN must name the crmgate binary under test}"
SERVERS_DIR=$(dirname "$0")/servers
. "$(dirname "$0")/pg.sh"
. "$(dirname "$0")/tally.sh"
. "$SERVERS_DIR/mta.sh"
. "$SERVERS_DIR/sink.sh"
. "$SERVERS_DIR/kannel.sh"

# The SMTP servers the gateway tests talk to. A server that cannot start
# (Postfix needs root) exports nothing, and the tests that need it are
# skipped with the reason. Each failing sink gets a name:
#   SINK_RCPT4XX_PORT  450 4.3.0 at RCPT          SINK_RCPT471_PORT  451 4.7.1 at RCPT
#   SINK_DATA5XX_PORT  5xx to DATA               SINK_DOT421_PORT   421 after the final dot
#   SINK_DOTCUT_PORT   hangs up after the dot    SINK_DOTSLOW_PORT  waits 5 s after the dot
#   SINK_IDLE_PORT     drops a connection idle for 1 s, saves into SINK_IDLE_MSGDIR
# besides mta.sh's MTA_PORT and MTA_MAILDIR and sink.sh's SINK_PORT and SINK_MSGDIR.
fail_sink() {
	_fs_name=$1
	shift
	sink_fail_start "$@" && eval "SINK_${_fs_name}_PORT=\$SINK_FAIL_PORT; export SINK_${_fs_name}_PORT"
}

servers_start() {
	if [ "$(id -u)" = 0 ]; then
		mta_start || echo "tests/run.sh: no Postfix; the tests that need it are skipped" >&2
	fi
	# Kannel for the SMS tests that only send (test_web starts its own,
	# whose inbound texts go to its own crmgate serve)
	kannel_start || echo "tests/run.sh: no Kannel; the tests that need it are skipped" >&2
	sink_start || return 0
	fail_sink RCPT4XX -r RCPT
	fail_sink RCPT471 -r RCPT -b "451 4.7.1 try again later"
	fail_sink DATA5XX -f DATA
	fail_sink DOT421 -Q .
	fail_sink DOTCUT -q .
	fail_sink DOTSLOW -W .:5
	SINK_IDLE_MSGDIR=$SINK_DIR/idle
	mkdir -p "$SINK_IDLE_MSGDIR"
	[ "$(id -u)" = 0 ] && chown nobody "$SINK_IDLE_MSGDIR"
	fail_sink IDLE -t 1 -d "$SINK_IDLE_MSGDIR/%Y%m%d%H%M%S." && export SINK_IDLE_MSGDIR
	unset SINK_FAIL_PORT
}

cleanup() {
	kannel_stop
	sink_stop
	mta_stop
	pg_stop
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if ! pg_start; then
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
pgdir=$PGTEST_DIR

CRMGATE_TEST_PG="host=$pgdir user=postgres"
# the server's data folder and binaries, for the test that restarts it
CRMGATE_TEST_PGDATA=$pgdir/data
export CRMGATE_TEST_PG CRMGATE_TEST_PGDATA CRMGATE_BIN PGBIN
# the tests run at any hour: no default quiet hours for marketing texts
# (the tests of quiet hours set their own)
CRMGATE_SMS_QUIET_HOURS=
export CRMGATE_SMS_QUIET_HOURS
# a command that finds no database of its own makes one here, never in the
# machine's default (/var/lib/crmgate as root); unset for the tests of that
CRMGATE_HOME=$pgdir/home
export CRMGATE_HOME
# the test framework's own leak is not ours (tests/lsan.supp says which)
LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
if ! psql "$CRMGATE_TEST_PG dbname=postgres" -qX -c "CREATE DATABASE crm_template" ||
	! "$CRMGATE_BIN" -q --db "$CRMGATE_TEST_PG dbname=crm_template" db migrate; then
	echo "tests/run.sh: could not prepare crm_template" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
servers_start

tally_init "$pgdir"
for name in "$@"; do
	tally_run "$testdir" "$name"
done
tally_end
