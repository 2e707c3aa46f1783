#!/bin/sh
# bench/survey.sh - survey form posts to `crmgate serve` against pgbench's
# single-row inserts, on the same database in the same run.
#
#   sh bench/survey.sh                               30,000 invitations, 32 connections, 10 s each
#   BENCH_SURVEY_INVITATIONS=N sh bench/survey.sh    more or fewer links to answer
#   BENCH_SURVEY_CONNECTIONS=C                       the connections of wrk and pgbench's clients
#   BENCH_SURVEY_SECONDS=S                           how long each runs
#   BENCH_KEEP=1 sh bench/survey.sh                  leave the database and its folder
#
# N contacts are invited to a one-question survey (single choice, required),
# which queues N invitations, each with its own link. Then, in turn:
#   crmgate serve (its 4 handler threads, the gateway's pool of 4 database
#     connections), loaded by wrk on 127.0.0.1 with C connections for S
#     seconds: bench/survey-wrk.lua posts q1=A once to each link, a token
#     never twice; each post is parsed, checked, and stored by
#     crm.survey_respond (a response row, an answer row, the invitation
#     marked answered, in one transaction);
#   pgbench: C clients for S seconds, each transaction the same store of
#     the same answer as a post's, crm.survey_respond on the next invitation
#     of a second survey to the same contacts: the database's part of a
#     post, without HTTP, the token's lookup or the check (the ratio is
#     against this);
#   pgbench again: each transaction one INSERT of a row like an answer's
#     into a table with a primary key, the simplest write, for scale.
# Afterwards every stored response is counted: one per invitation at most,
# each with its answer, as many as wrk saw answered (plus the posts still
# in flight when wrk stopped counting, at most C), and pgbench's likewise.
# Aims (the issue's): at least half of pgbench's rate, p99 under 20 ms, no
# error. The database is
# the throw-away PostgreSQL of tests/pg.sh (fsync off); the figures are kept
# in bench/README.md.
set -eu
cd "$(dirname "$0")/.."
BIN=${CRMGATE_BIN:-$PWD/bin/crmgate}
N=${BENCH_SURVEY_INVITATIONS:-30000}
C=${BENCH_SURVEY_CONNECTIONS:-32}
S=${BENCH_SURVEY_SECONDS:-10}
T=2 # wrk's and pgbench's threads: the machine's cores are few
for v in "$N" "$C" "$S"; do
	case $v in *[!0-9]* | '') echo "BENCH_SURVEY_INVITATIONS, _CONNECTIONS and _SECONDS must be numbers" >&2; exit 2 ;; esac
done
[ "$N" -ge 100 ] && [ "$N" -le 999999 ] || { echo "BENCH_SURVEY_INVITATIONS must be from 100 to 999999" >&2; exit 2; }
[ "$C" -ge 2 ] && [ "$C" -le 60 ] || { echo "BENCH_SURVEY_CONNECTIONS must be from 2 to 60" >&2; exit 2; }
[ "$S" -ge 1 ] && [ "$S" -le 600 ] || { echo "BENCH_SURVEY_SECONDS must be from 1 to 600" >&2; exit 2; }
[ -x "$BIN" ] || { echo "$BIN is missing: run make first" >&2; exit 1; }
for t in wrk psql; do
	command -v $t >/dev/null 2>&1 || { echo "$t is not installed: make deps PROFILE=bench" >&2; exit 1; }
done

. tests/pg.sh
PGBENCH=$PGBIN/pgbench
serve_pid=
cleanup() {
	[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
	[ "${BENCH_KEEP:-0}" = 1 ] && { echo "kept: $PGTEST_DIR" >&2; return 0; }
	pg_stop
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pg_start
work=$PGTEST_DIR/bench-survey
mkdir -p "$work"
DB="$PGTEST_CONNINFO dbname=bench"
psql "$PGTEST_CONNINFO dbname=postgres" -qX -c "CREATE DATABASE bench"
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "survey form benchmark: $N invitations, $C connections, ${S} s each, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"

# N contacts with an e-mail address, invited to a one-question survey
awk -v n="$N" -v dir="$work" 'BEGIN {
	f = dir "/customer.csv"
	print "code,name" >f
	for (i = 1; i <= 100; i++)
		printf "C%03d,客户%03d有限公司\n", i, i >f
	close(f)
	f = dir "/contact.csv"
	print "code,customer_code,name,email" >f
	for (i = 1; i <= n; i++)
		printf "K%06d,C%03d,联系人%d,k%06d@example.test\n", i, i % 100 + 1, i, i >f
	close(f)
}'
printf '%s\n' '# 服务满意度' '1. 您对我们的服务满意吗？ [single, required]' '   A. 满意' '   B. 一般' '   C. 不满意' \
	>"$work/survey.txt"
for e in customer contact; do
	"$BIN" -q --db "$DB" import "$e" "$work/$e.csv"
done
"$BIN" -q --db "$DB" survey template add bench "$work/survey.txt"
"$BIN" -q --db "$DB" survey create bench --template bench --targets contact --channel email >/dev/null
# survey links are made with [serve] secret (a key of this run's), and
# remade here as crmgate makes them (gateway/web.h)
CRMGATE_SERVE_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export CRMGATE_SERVE_SECRET
"$BIN" -q --db "$DB" survey launch bench --yes >/dev/null
"$BIN" -q --db "$DB" survey create direct --template bench --targets contact --channel email >/dev/null
"$BIN" -q --db "$DB" survey launch direct --yes >/dev/null
psql "$DB" -qAtX -o "$work/tokens" -v ON_ERROR_STOP=1 -v key="$CRMGATE_SERVE_SECRET" <<'SQL'
SELECT translate(rtrim(encode(public.hmac(convert_to('survey:' || encode(i.token_nonce, 'hex'), 'UTF8'),
	convert_to(:'key', 'UTF8'), 'sha256'), 'base64'), '='), '+/', '-_')
FROM crm.survey_invitation i JOIN crm.survey s ON s.id = i.survey_id WHERE s.name = 'bench' ORDER BY random()
SQL
tokens=$(wc -l <"$work/tokens")
[ "$tokens" -eq "$N" ] || { echo "$tokens links, not $N" >&2; exit 1; }

# crmgate serve on a free port, loaded by wrk
"$BIN" --db "$DB" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
serve_pid=$!
port=
for _ in $(seq 200); do
	port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.log")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { cat "$work/serve.log" >&2; echo "crmgate serve did not start" >&2; exit 1; }
cg_load=$(load)
set -- $(BENCH_TOKENS="$work/tokens" BENCH_THREADS=$T wrk -t "$T" -c "$C" -d "${S}s" --latency \
	-s bench/survey-wrk.lua "http://127.0.0.1:$port/" | sed -n 's/^wrk //p')
eval "$*" # requests= duration_us= status_errors= socket_errors= p50_us= p99_us= max_us=
kill "$serve_pid"
wait "$serve_pid" || true
serve_pid=

# pgbench, the same number of clients: run NAME SCRIPT sets NAME_tps,
# NAME_failed and NAME_p99 (microseconds, from the per-transaction log)
pgbench_run() {
	mkdir -p "$work/$1"
	[ "$(id -u)" = 0 ] && chown postgres "$work/$1" # its log is written there by postgres
	(cd "$work/$1" && as_pg "$PGBENCH" -n -c "$C" -j "$T" -T "$S" -l -f "$2" "$DB" >"$work/$1.out" 2>&1) ||
		{ cat "$work/$1.out" >&2; exit 1; }
	eval "$1_tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/$1.out" | tail -n 1)"
	eval "$1_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/$1.out")"
	# the log's third column is the latency in microseconds
	eval "$1_p99=$(cat "$work/$1"/pgbench_log.* | awk '{ print $3 }' | sort -n |
		awk '{ v[NR] = $1 } END { print v[int(NR * 0.99 + 0.999)] }')"
}
first=$(psql "$DB" -qAtX -c "SELECT min(i.id) FROM crm.survey_invitation i JOIN crm.survey s ON s.id = i.survey_id
	WHERE s.name = 'direct'")
psql "$DB" -qX -v ON_ERROR_STOP=1 -c "CREATE SEQUENCE bench_next START $first" \
	-c "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, invitation bigint NOT NULL,
	question integer NOT NULL, label text, at timestamptz NOT NULL DEFAULT now())"
printf '%s\n' "SELECT crm.survey_respond(nextval('bench_next'), 'link', '{1}'::integer[], '{A}'::text[],
	'{NULL}'::numeric[], '{NULL}'::text[], NULL, NULL);" >"$work/respond.sql"
printf '%s\n' '\set id random(1, 1000000000)' \
	"INSERT INTO bench_insert (invitation, question, label) VALUES (:id, 1, 'A');" >"$work/insert.sql"
pg_load=$(load)
pgbench_run respond "$work/respond.sql"
ins_load=$(load)
pgbench_run insert "$work/insert.sql"
ins_rows=$(psql "$DB" -qAtX -c "SELECT count(*) FROM bench_insert")

# every response stored once, with its answer
# counts NAME: the responses to survey NAME, the invitations they answer,
# the invitations answered, the answers
counts() {
	psql "$DB" -qAtX -F ' ' -v name="$1" <<'SQL'
SELECT (SELECT count(*) FROM crm.survey_response r JOIN crm.survey s ON s.id = r.survey_id WHERE s.name = :'name'),
	(SELECT count(DISTINCT invitation_id) FROM crm.survey_response r JOIN crm.survey s ON s.id = r.survey_id
		WHERE s.name = :'name'),
	(SELECT count(*) FROM crm.survey_invitation i JOIN crm.survey s ON s.id = i.survey_id
		WHERE s.name = :'name' AND i.answered_at IS NOT NULL AND i.answered_by = 'link'),
	(SELECT count(*) FROM crm.survey_answer a JOIN crm.survey_response r ON r.id = a.response_id
		JOIN crm.survey s ON s.id = r.survey_id WHERE s.name = :'name' AND a.label = 'A')
SQL
}
set -- $(counts bench)
stored=$1 distinct=$2 answered=$3 answers=$4
set -- $(counts direct)
pg_stored=$1 pg_distinct=$2 pg_answered=$3 pg_answers=$4

fail=0
[ "$status_errors" -eq 0 ] && [ "$socket_errors" -eq 0 ] ||
	{ echo "crmgate: $status_errors answers other than 2xx, $socket_errors socket errors" >&2; fail=1; }
[ "$stored" -eq "$distinct" ] && [ "$stored" -eq "$answered" ] && [ "$stored" -eq "$answers" ] ||
	{ echo "crmgate: $stored responses for $distinct invitations, $answered answered, $answers answers" >&2; fail=1; }
[ "$stored" -ge "$requests" ] && [ "$stored" -le $((requests + C)) ] ||
	{ echo "crmgate: $stored responses stored, wrk saw $requests answered" >&2; fail=1; }
[ "$requests" -lt "$N" ] || echo "note: wrk ran out of links; give more (BENCH_SURVEY_INVITATIONS)" >&2
[ "${respond_failed:-0}" -eq 0 ] && [ "${insert_failed:-0}" -eq 0 ] ||
	{ echo "pgbench: $respond_failed and $insert_failed failed transactions" >&2; fail=1; }
[ "$pg_stored" -eq "$pg_distinct" ] && [ "$pg_stored" -eq "$pg_answered" ] && [ "$pg_stored" -eq "$pg_answers" ] ||
	{ echo "pgbench: $pg_stored responses for $pg_distinct invitations, $pg_answered answered" >&2; fail=1; }
[ "$pg_stored" -lt "$N" ] || echo "note: pgbench ran out of invitations; give more (BENCH_SURVEY_INVITATIONS)" >&2

awk -v c="$C" -v s="$S" -v req="$requests" -v dur="$duration_us" -v p50="$p50_us" -v p99="$p99_us" \
	-v max="$max_us" -v tps="$respond_tps" -v pp99="$respond_p99" -v pgs="$pg_stored" -v itps="$insert_tps" \
	-v ip99="$insert_p99" -v rows="$ins_rows" -v la="$cg_load" -v lb="$pg_load" -v lc="$ins_load" \
	-v stored="$stored" -v fail="$fail" -v wrkv="$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f2)" \
	-v pgv="$("$PGBENCH" --version | cut -d' ' -f3)" 'BEGIN {
	rate = req / (dur / 1e6)
	printf "crmgate serve, wrk %s, %d connections, %d s: %d posts, %.0f posts/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms (load %s)\n", wrkv, c, s, req, rate, p50 / 1000, p99 / 1000, max / 1000, la
	printf "pgbench %s, %d clients, %d s, crm.survey_respond a transaction: %d stored, %.0f tps, p99 %.1f ms (load %s)\n", pgv, c, s, pgs, tps, pp99 / 1000, lb
	printf "pgbench, %d clients, %d s, one INSERT a transaction: %d rows, %.0f tps, p99 %.1f ms (load %s)\n", c, s, rows, itps, ip99 / 1000, lc
	printf "ratio crmgate / pgbench (the same store): %.2f (aim: at least 0.5); p99 %.1f ms (aim: under 20)\n", rate / tps, p99 / 1000
	printf "ratio crmgate / pgbench (one INSERT): %.2f\n", rate / itps
	printf "checked: %d responses stored by the form, %d by pgbench, each once with its answer, none refused: %s\n", stored, pgs, fail ? "NO" : "yes"
}'
echo "rerun: sh bench/survey.sh   (BENCH_SURVEY_INVITATIONS=N, BENCH_SURVEY_CONNECTIONS=C, BENCH_SURVEY_SECONDS=S)"
exit "$fail"
