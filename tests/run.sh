#!/bin/sh
# tests/run.sh - run the Criterion test binaries against a real PostgreSQL.
#
# Usage: CRMGATE_BIN=/path/to/crmgate sh tests/run.sh TESTDIR NAME...
# Starts a throw-away PostgreSQL 15 server (socket only, no TCP) under /tmp,
# prepares the database crm_template with every migration, runs each test
# binary TESTDIR/NAME, stops the server, and ends with one line that totals
# every binary: "N passed, N failed". Exit status 1 when anything failed.
set -u

testdir=$1
shift
: "${CRMGATE_BIN:?CRMGATE_BIN must name the crmgate binary under test}"
. "$(dirname "$0")/pg.sh"
trap pg_stop EXIT INT TERM
if ! pg_start; then
	echo "0 passed, 1 failed"
	exit 1
fi
pgdir=$PGTEST_DIR

CRMGATE_TEST_PG="host=$pgdir user=postgres"
export CRMGATE_TEST_PG CRMGATE_BIN
if ! psql "$CRMGATE_TEST_PG dbname=postgres" -qX -c "CREATE DATABASE crm_template" ||
	! "$CRMGATE_BIN" -q --db "$CRMGATE_TEST_PG dbname=crm_template" db migrate; then
	echo "tests/run.sh: could not prepare crm_template" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
for name in "$@"; do
	log="$pgdir/$(echo "$name" | tr / _).log"
	"$testdir/$name" --jobs 2 >"$log" 2>&1
	status=$?
	cat "$log"
	line=$(grep 'Synthesis: Tested:' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "tests/run.sh: $name ended (status $status) without a summary" >&2
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$line" | sed -n 's/.*Passing: *\([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: *\([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: *\([0-9]*\).*/\1/p')
	passed=$((passed + p))
	failed=$((failed + f + c))
	if [ "$status" != 0 ] && [ $((f + c)) = 0 ]; then
		echo "tests/run.sh: $name exited with status $status" >&2
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
