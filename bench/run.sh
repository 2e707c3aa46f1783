#!/bin/sh
# bench/run.sh - crmgate's benchmarks, each against a named peer in the same run.
#
#   make bench                       all of them, at full size
#   BENCH_CUSTOMERS=100000 BENCH_MERGE_TARGETS=1000 BENCH_SEND_MESSAGES=2000 make bench
#                                    a quicker, smaller run
#
# import: `crmgate gen` of N customers (wall time, peak memory), then `crmgate
# import customer` of their N-row CSV into an empty database against a bare
# `psql \copy` of the same rows into the same table (which resolves no codes
# and checks nothing): rows per second for each, and the ratio.
# merge: bench/merge.sh, `crmgate merge` against docxtemplater (see there).
# reports: bench/reports.sh, the analytics reports against one scan of the order lines.
# send: bench/send.sh, `crmgate send` against nodemailer and smtp-source.
# survey: bench/survey.sh, survey form posts to `crmgate serve` against pgbench.
# Figures are kept in bench/README.md.
set -eu
cd "$(dirname "$0")/.."
BIN=${CRMGATE_BIN:-$PWD/bin/crmgate}
N=${BENCH_CUSTOMERS:-1000000}

. tests/pg.sh
trap pg_stop EXIT INT TERM
pg_start
work=$PGTEST_DIR/bench
mkdir -p "$work"
SRC="$PGTEST_CONNINFO dbname=src"
DST="$PGTEST_CONNINFO dbname=dst"
PEER="$PGTEST_CONNINFO dbname=peer"
for d in src dst peer; do psql "$PGTEST_CONNINFO dbname=postgres" -qX -c "CREATE DATABASE $d"; done

# seconds and peak resident memory (MiB) of a command, from GNU time's format
timed() {
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
	read -r secs kb <"$work/time"
	echo "$secs $((kb / 1024))"
}

echo "crmgate benchmarks: $N customers, $(nproc) cores, $(date -u +%Y-%m-%d)"
set -- $(timed "$BIN" -q --db "$SRC" gen --seed 1 --customers "$N")
gen_s=$1 gen_mb=$2
echo "gen --customers $N: ${gen_s} s, peak ${gen_mb} MiB"

for e in department salesperson customer-category region customer; do
	"$BIN" -q --db "$SRC" export "$e" >"$work/$e.csv"
done
for e in department salesperson customer-category region; do
	"$BIN" -q --db "$DST" import "$e" "$work/$e.csv"
	"$BIN" -q --db "$PEER" import "$e" "$work/$e.csv"
done
rows=$(($(wc -l <"$work/customer.csv") - 1))
# the peer copies the same rows with the references already resolved to ids
psql "$SRC" -qX -c "\\copy (SELECT code, name, short_name, category_id, region_id, industry, status, owner_id, address, postcode, phone, email, created_on FROM crm.customer ORDER BY code) TO '$work/customer-ids.csv' WITH (FORMAT csv)"

set -- $(timed "$BIN" -q --db "$DST" import customer "$work/customer.csv")
imp_s=$1 imp_mb=$2
set -- $(timed psql "$PEER" -qX -c "\\copy crm.customer (code, name, short_name, category_id, region_id, industry, status, owner_id, address, postcode, phone, email, created_on) FROM '$work/customer-ids.csv' WITH (FORMAT csv)")
copy_s=$1
awk -v n="$rows" -v a="$imp_s" -v b="$copy_s" -v m="$imp_mb" 'BEGIN {
	printf "import customer (%d rows): %.2f s, %.0f rows/s, peak %d MiB\n", n, a, n / a, m
	printf "psql \\copy, same rows, same table: %.2f s, %.0f rows/s\n", b, n / b
	printf "ratio crmgate import / psql \\copy: %.2f (aim: at most 2)\n", a / b
}'
echo "rerun: make bench   (BENCH_CUSTOMERS=N for another size)"

# the merge benchmark starts its own server: this one is no longer needed
pg_stop
echo
sh bench/merge.sh

echo
sh bench/reports.sh
echo
sh bench/send.sh
echo
sh bench/survey.sh
