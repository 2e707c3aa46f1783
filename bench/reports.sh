#!/bin/sh
# bench/reports.sh - the analytics reports against one plain scan of the order lines.
#
#   sh bench/reports.sh                          1,000,000 customers (about 10 GB of disk)
#   BENCH_CUSTOMERS=50000 sh bench/reports.sh    a quicker, smaller run
#
# `crmgate gen` fills a throw-away PostgreSQL (tests/pg.sh, under /tmp) with N
# customers (about 3.4 million order lines per million: bench/README.md), then
# times `crmgate report funnel`, `report pyramid --by revenue` (when that report
# exists) and `report products`, each next to a plain
#   SELECT sum(quantity * price) FROM crm.order_line
# run in the same round: the cost of one scan of the lines. Each is run three
# times and the best time kept; the ratio report / scan is printed (aim: at
# most 3). The server and its data are removed at the end, also on failure.
set -eu
cd "$(dirname "$0")/.."
BIN=${CRMGATE_BIN:-$PWD/bin/crmgate}
N=${BENCH_CUSTOMERS:-1000000}
ROUNDS=${BENCH_ROUNDS:-3}

# A generated customer takes about 6 KiB in the database with its indexes
# (measured at 2,000 and 50,000 customers); gen rebuilds indexes and writes
# WAL besides, so ask for 10 KiB a customer and 200 MiB to start with.
need_mb=$((N * 10 / 1024 + 200))
free_mb=$(df -Pm /tmp | awk 'NR == 2 { print $4 }')
echo "bench/reports: $N customers need about $need_mb MiB in /tmp; $free_mb MiB are free"
if [ "$free_mb" -lt "$need_mb" ]; then
	echo "bench/reports: not enough free disk in /tmp; try a smaller BENCH_CUSTOMERS" >&2
	exit 1
fi

. tests/pg.sh
trap pg_stop EXIT
trap 'exit 1' INT TERM
pg_start
DB="$PGTEST_CONNINFO dbname=bench"
psql "$PGTEST_CONNINFO dbname=postgres" -qX -c "CREATE DATABASE bench"

# the best wall time of ROUNDS runs of a command, in seconds
best() {
	b=""
	i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		s=$(date +%s.%N)
		"$@" >/dev/null
		e=$(date +%s.%N)
		b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; if (b == "" || t < b) b = t; printf "%.3f", b }')
		i=$((i + 1))
	done
	echo "$b"
}

scan() {
	psql "$DB" -qAtX -c "SELECT sum(quantity * price) FROM crm.order_line"
}

echo "crmgate report benchmark: $N customers, $(nproc) cores, $(date -u +%Y-%m-%d)"
s=$(date +%s)
"$BIN" -q --db "$DB" gen --seed 1 --customers "$N" --today 2026-06-30
psql "$DB" -qX -c "VACUUM ANALYZE"
echo "gen and VACUUM ANALYZE: $(($(date +%s) - s)) s; $(psql "$DB" -qAtX -c \
	"SELECT count(*) || ' order lines, ' || pg_size_pretty(pg_database_size(current_database())) FROM crm.order_line")"
scan >/dev/null # the first scan reads the table into the cache

printf '%-28s %10s %10s %7s\n' "report" "report s" "scan s" "ratio"
for report in "funnel" "pyramid --by revenue" "products"; do
	name=${report%% *}
	if ! "$BIN" report --help | grep -q "^  $name "; then
		printf '%-28s %s\n' "$report" "(not registered in this build: skipped)"
		continue
	fi
	# shellcheck disable=SC2086
	r=$(best "$BIN" -q --db "$DB" report $report)
	t=$(best scan)
	awk -v n="$report" -v r="$r" -v t="$t" 'BEGIN { printf "%-28s %10.3f %10.3f %7.2f\n", n, r, t, r / t }'
done
echo "aim: each report within 3x of the scan. Figures are kept in bench/README.md."
