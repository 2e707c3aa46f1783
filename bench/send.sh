#!/bin/sh
# bench/send.sh - `crmgate send` against nodemailer's pooled SMTP transport and
# Postfix's smtp-source, the same messages to the same smtp-sink.
#
#   sh bench/send.sh                          10,000 e-mails, 8 connections
#   BENCH_SEND_MESSAGES=2000 sh bench/send.sh   a quicker, smaller run
#   BENCH_SEND_CONNECTIONS=N                  the concurrency of crmgate and nodemailer
#   BENCH_SEND_SESSIONS=N                     smtp-source's sessions (default 20)
#   BENCH_KEEP=1 sh bench/send.sh             leave the servers and their folders
#
# One smtp-sink on 127.0.0.1 (tests/servers/sink.sh; it saves nothing, -c
# counts what it received) takes, in turn:
#   crmgate: a campaign of N personalised e-mails (subject, text and HTML with
#     the contact's and its customer's names, List-Unsubscribe with a signed
#     link) with a ~20 KB Word document attached, filled for each contact (the
#     birthday letter with a 20 KB image part), timed from `campaign launch`
#     (which queues the N outbox rows) to the end of `crmgate send --once
#     --workers C` (every row sent and committed), the SMTP transport
#     smtp://127.0.0.1:PORT;
#   nodemailer (npm, installed into the scratch folder): its pooled transport
#     with C connections, the same recipients from a JSON file exported
#     beforehand, the same shape (personalised subject, text and HTML, and the
#     same document attached: the same bytes for all, no database, no
#     merging: its best case), bench/send-nodemailer.js;
#   smtp-source: S sessions, each reusing its connection (-d), N messages of
#     crmgate's message size: what the sink takes at most on this machine.
# Each count the sink received is checked against N. The database is the
# throw-away PostgreSQL of tests/pg.sh (fsync off); the figures are kept in
# bench/README.md.
set -eu
cd "$(dirname "$0")/.."
BIN=${CRMGATE_BIN:-$PWD/bin/crmgate}
MKDOCX=${MKDOCX:-$PWD/build/rel/mkdocx}
N=${BENCH_SEND_MESSAGES:-10000}
C=${BENCH_SEND_CONNECTIONS:-8}
S=${BENCH_SEND_SESSIONS:-20}
for v in "$N" "$C" "$S"; do
	case $v in *[!0-9]* | '') echo "BENCH_SEND_MESSAGES, _CONNECTIONS and _SESSIONS must be numbers" >&2; exit 2 ;; esac
done
[ "$N" -ge 10 ] && [ "$N" -le 999999 ] || { echo "BENCH_SEND_MESSAGES must be from 10 to 999999" >&2; exit 2; }
[ "$C" -ge 1 ] && [ "$C" -le 64 ] || { echo "BENCH_SEND_CONNECTIONS must be from 1 to 64" >&2; exit 2; }
for f in "$BIN" "$MKDOCX"; do
	[ -x "$f" ] || { echo "$f is missing: run make first" >&2; exit 1; }
done

SERVERS_DIR=$PWD/tests/servers
. tests/pg.sh
. tests/servers/sink.sh
cleanup() {
	[ "${BENCH_KEEP:-0}" = 1 ] && { echo "kept: $PGTEST_DIR and $SINK_DIR" >&2; return 0; }
	sink_stop
	pg_stop
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pg_start
work=$PGTEST_DIR/bench-send
mkdir -p "$work/csv"
DB="$PGTEST_CONNINFO dbname=bench"
psql "$PGTEST_CONNINFO dbname=postgres" -qX -c "CREATE DATABASE bench"

# one sink for all three, saving nothing, counting (-c) what it received
sink_dir
srv_port BENCH_SINK_PORT
sink_run bench "$BENCH_SINK_PORT" -c
# the number of messages the sink has received so far (its last counter line)
sink_count() {
	tr '\r' '\n' <"$SINK_DIR/bench.log" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -n 1 | grep . || echo 0
}
# wait (10 s at most) until the sink has counted n messages
sink_wait() {
	_w=0
	while [ "$(sink_count)" -lt "$1" ] && [ $_w -lt 200 ]; do
		sleep 0.05
		_w=$((_w + 1))
	done
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "crmgate send benchmark: $N e-mails, $C connections, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"

# nodemailer, from the npm registry, into the scratch folder
npm install --prefix "$work/npm" --no-audit --no-fund --no-save --silent nodemailer >/dev/null
export NODE_PATH="$work/npm/node_modules"
nm_version=$(node -p 'require("nodemailer/package.json").version')

# the attachment: the birthday letter with a 20 KB image part (random pixels,
# which no compression shrinks), referenced from the document's relationships
cp -R templates/birthday "$work/tpl"
mkdir -p "$work/tpl/word/media"
python3 - "$work/tpl/word/media/image1.png" <<'EOF'
import os, struct, sys, zlib
w, h = 80, 64
raw = b''.join(b'\0' + os.urandom(w * 3) for _ in range(h))
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) \
    + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
EOF
sed -i 's|<Default Extension="xml"|<Default Extension="png" ContentType="image/png"/>&|' "$work/tpl/[Content_Types].xml"
sed -i 's|</Relationships>|<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>&|' \
	"$work/tpl/word/_rels/document.xml.rels"
"$MKDOCX" "$work/bench.docx" "$work/tpl"
docx_bytes=$(wc -c <"$work/bench.docx")

# N contacts with an e-mail address, of 500 customers and 20 salespeople
awk -v n="$N" -v dir="$work/csv" 'BEGIN {
	split("张 王 李 赵 陈 刘 杨 黄 周 吴", family, " ")
	split("伟 芳 娜 敏 静 丽 强 磊 军 洋", given, " ")
	split("上海 北京 广州 深圳 杭州 南京 苏州 成都", city, " ")
	f = dir "/salesperson.csv"
	print "code,name,email,mobile" >f
	for (i = 1; i <= 20; i++)
		printf "S%03d,业务员%03d,s%03d@example.test,1390000%04d\n", i, i, i, i >f
	close(f)
	f = dir "/customer.csv"
	print "code,name,owner_code" >f
	for (i = 1; i <= 500; i++)
		printf "C%04d,%s精密机械%03d有限公司,S%03d\n", i, city[i % 8 + 1], i, i % 20 + 1 >f
	close(f)
	f = dir "/contact.csv"
	print "code,customer_code,name,email,birthday" >f
	for (i = 1; i <= n; i++)
		printf "K%06d,C%04d,%s%s%d,k%06d@example.test,19%02d-%02d-%02d\n", i, i % 500 + 1,
			family[i % 10 + 1], given[int(i / 10) % 10 + 1], i, i, 60 + i % 40, i % 12 + 1, i % 28 + 1 >f
	close(f)
}'
for e in salesperson customer contact; do
	"$BIN" -q --db "$DB" import "$e" "$work/csv/$e.csv"
done
psql "$DB" -qAtX -o "$work/recipients.json" -v ON_ERROR_STOP=1 -c "
SELECT json_agg(json_build_object('code', t.code, 'name', t.name, 'email', t.email, 'customer', c.name) ORDER BY t.code)
FROM crm.contact t JOIN crm.customer c ON c.id = t.customer_id"

printf '%s\n' '{{name}}，您好！' '' '{{customer.name}}的客户经理{{owner.name}}祝您生日快乐。' \
	'退订：{{unsubscribe_url}}' >"$work/body.txt"
printf '%s\n' '<p>{{name}}，您好！</p><p>{{customer.name}}的客户经理{{owner.name}}祝您生日快乐。</p>' \
	'<p><a href="{{unsubscribe_url}}">退订</a></p>' >"$work/body.html"
FROM="市场部 <marketing@example.test>"
export CRMGATE_EMAIL_TRANSPORT="smtp://127.0.0.1:$BENCH_SINK_PORT" CRMGATE_EMAIL_FROM="$FROM"
"$BIN" -q --db "$DB" campaign create bench --channel email --targets contact --subject '致{{name}}' \
	--body "$work/body.txt" --body "$work/body.html" --template "$work/bench.docx" --attach docx >/dev/null

# crmgate: from launch to every row sent
now() { date +%s.%N; }
before=$(sink_count)
cg_load=$(load)
t0=$(now)
"$BIN" -q --db "$DB" campaign launch bench --yes >/dev/null
tl=$(now)
"$BIN" -q --db "$DB" send --once --workers "$C"
t1=$(now)
sink_wait $((before + N))
cg_got=$(($(sink_count) - before))
cg_sent=$(psql "$DB" -qAtX -c "SELECT count(*) FILTER (WHERE status = 'sent') FROM crm.outbox")
cg_s=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
cg_launch_s=$(echo "$t0 $tl" | awk '{ printf "%.3f", $2 - $1 }')
cg_send_s=$(echo "$tl $t1" | awk '{ printf "%.3f", $2 - $1 }')

# the size of crmgate's messages, for smtp-source: one sent to a sink that saves it
mkdir -p "$SINK_DIR/one"
[ "$(id -u)" = 0 ] && chown nobody "$SINK_DIR/one"
sink_fail_start -d "$SINK_DIR/one/%Y%m%d%H%M%S."
CRMGATE_EMAIL_TRANSPORT="smtp://127.0.0.1:$SINK_FAIL_PORT" "$BIN" -q --db "$DB" campaign create one --channel email \
	--targets contact --where "code = 'K000001'" --subject '致{{name}}' --body "$work/body.txt" \
	--body "$work/body.html" --template "$work/bench.docx" --attach docx >/dev/null
"$BIN" -q --db "$DB" campaign launch one --yes >/dev/null
CRMGATE_EMAIL_TRANSPORT="smtp://127.0.0.1:$SINK_FAIL_PORT" "$BIN" -q --db "$DB" send --once
msg_file=$(find "$SINK_DIR/one" -type f | head -n 1)
msg_bytes=$(sed '1,/^$/d' "$msg_file" | wc -c)

# nodemailer, same sink, same concurrency
before=$(sink_count)
nm_load=$(load)
set -- $(node bench/send-nodemailer.js "$BENCH_SINK_PORT" "$C" "$work/recipients.json" "$work/bench.docx" "$FROM")
nm_sent=$1 nm_failed=$2 nm_s=$3
sink_wait $((before + N))
nm_got=$(($(sink_count) - before))

# smtp-source: the sink's limit
before=$(sink_count)
ss_load=$(load)
t0=$(now)
smtp-source -s "$S" -m "$N" -l "$msg_bytes" -d -f marketing@example.test -t bench@example.test \
	"127.0.0.1:$BENCH_SINK_PORT" >/dev/null
t1=$(now)
sink_wait $((before + N))
ss_got=$(($(sink_count) - before))
ss_s=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')

fail=0
[ "$cg_sent" -eq "$N" ] || { echo "crmgate: $cg_sent rows sent, not $N" >&2; fail=1; }
[ "$cg_got" -eq "$N" ] || { echo "crmgate: the sink received $cg_got messages, not $N" >&2; fail=1; }
[ "$nm_sent" -eq "$N" ] && [ "$nm_failed" -eq 0 ] || { echo "nodemailer: $nm_sent sent, $nm_failed failed" >&2; fail=1; }
[ "$nm_got" -eq "$N" ] || { echo "nodemailer: the sink received $nm_got messages, not $N" >&2; fail=1; }
[ "$ss_got" -eq "$N" ] || { echo "smtp-source: the sink received $ss_got messages, not $N" >&2; fail=1; }

awk -v n="$N" -v c="$C" -v s="$S" -v a="$cg_s" -v b="$nm_s" -v d="$ss_s" -v nmv="$nm_version" \
	-v node="$(node --version)" -v db="$docx_bytes" -v mb="$msg_bytes" -v la="$cg_load" -v lb="$nm_load" \
	-v lc="$ss_load" -v fail="$fail" -v al="$cg_launch_s" -v as="$cg_send_s" 'BEGIN {
	printf "message: %d bytes (a %d-byte .docx attached, base64)\n", mb, db
	printf "crmgate send --workers %d, launch to all sent: %.2f s, %.0f messages/s (load %s)\n", c, a, n / a, la
	printf "  of which campaign launch %.2f s, crmgate send %.2f s: %.0f messages/s\n", al, as, n / as
	printf "nodemailer %s pooled (node %s), %d connections: %.2f s, %.0f messages/s (load %s)\n", nmv, node, c, b, n / b, lb
	printf "smtp-source, %d sessions, %d-byte messages: %.2f s, %.0f messages/s (load %s)\n", s, mb, d, n / d, lc
	printf "ratio crmgate / nodemailer: %.2f (aim: at least 3); send alone: %.2f\n", b / a, b / as
	printf "ratio crmgate / smtp-source: %.2f (aim: at least 0.5); send alone: %.2f\n", d / a, d / as
	printf "checked: the sink received %d from each, every outbox row sent: %s\n", n, fail ? "NO" : "yes"
}'
echo "rerun: sh bench/send.sh   (BENCH_SEND_MESSAGES=N, BENCH_SEND_CONNECTIONS=C; make bench runs it after the others)"
exit "$fail"
