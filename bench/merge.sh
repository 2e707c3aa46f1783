#!/bin/sh
# bench/merge.sh - `crmgate merge` against docxtemplater (npm), the same quotes.
#
#   sh bench/merge.sh                         10,000 quotes (make bench runs it too)
#   BENCH_MERGE_TARGETS=1000 sh bench/merge.sh  a quicker, smaller run
#   BENCH_KEEP=1 sh bench/merge.sh            leave the server and its folder running
#
# The quote template of the demo (templates/quote/) with placeholders only, since
# docxtemplater cannot read Word's MERGEFIELD codes: bench/quote-document.xml is
# its document part (six fields, one of them twice, and a repeating table row),
# its header and footer add {{code}} and {{customer.name}}. A throw-away database
# holds 10·N orders with exactly five lines each, generated here as CSV and loaded
# with `crmgate import`. Timed, each on one core (taskset -c 0), each writing one
# .docx per target into an empty folder:
#   crmgate merge --targets order for the first N orders, reading PostgreSQL;
#   docxtemplater for the same N orders, read from a JSON file exported from the
#     same database beforehand, every value already formatted as crmgate prints it
#     (its best case: no database, no formatting), with delimiters {{ }},
#     paragraphLoop and a parser for dotted names (bench/merge-docxtemplater.js).
# Then crmgate's peak memory at N/10 and 10·N targets, which must be the same.
# docxtemplater and pizzip are installed by npm into the scratch folder, nothing
# of them is kept. Figures are kept in bench/README.md.
set -eu
cd "$(dirname "$0")/.."
BIN=${CRMGATE_BIN:-$PWD/bin/crmgate}
MKDOCX=${MKDOCX:-$PWD/build/rel/mkdocx}
N=${BENCH_MERGE_TARGETS:-10000}
SMALL=$((N / 10))
BIG=$((N * 10))
case $N in *[!0-9]* | '' | ?????????*) echo "BENCH_MERGE_TARGETS must be a number of targets from 10 to 999999" >&2; exit 2 ;; esac
[ "$N" -ge 10 ] && [ "$N" -le 999999 ] || { echo "BENCH_MERGE_TARGETS must be from 10 to 999999" >&2; exit 2; }
for f in "$BIN" "$MKDOCX"; do
	[ -x "$f" ] || { echo "$f is missing: run make first" >&2; exit 1; }
done

. tests/pg.sh
trap "${BENCH_KEEP:+:} pg_stop" EXIT INT TERM
pg_start
work=$PGTEST_DIR/bench-merge
mkdir -p "$work/csv"
DB="$PGTEST_CONNINFO dbname=bench"
psql "$PGTEST_CONNINFO dbname=postgres" -qX -c "CREATE DATABASE bench"

# wall seconds, peak resident memory (MiB) and CPU seconds (user + system) of a
# command, from GNU time's format; the last run's files are flushed first, so
# that their writeback is not timed
timed() {
	sync
	/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null
	read -r secs kb user sys <"$work/time"
	echo "$secs $((kb / 1024)) $(echo "$user $sys" | awk '{ print $1 + $2 }')"
}
# "Q0010000": the code of the n-th order; orders are picked by code
order_code() { printf 'Q%07d' "$1"; }

echo "crmgate merge benchmark: $N quotes, $(nproc) cores, $(date -u +%Y-%m-%d)"

# docxtemplater, from the npm registry, into the scratch folder
npm install --prefix "$work/npm" --no-audit --no-fund --no-save --silent docxtemplater pizzip >/dev/null
export NODE_PATH="$work/npm/node_modules"
dt_version=$(node -p 'require("docxtemplater/package.json").version')
pz_version=$(node -p 'require("pizzip/package.json").version')

# the bench template: templates/quote/ with bench/quote-document.xml as its document
cp -R templates/quote "$work/tpl"
cp bench/quote-document.xml "$work/tpl/word/document.xml"
if grep -rl MERGEFIELD "$work/tpl" >/dev/null; then
	echo "the bench template still holds a MERGEFIELD: $(grep -rl MERGEFIELD "$work/tpl")" >&2
	exit 1
fi
"$MKDOCX" "$work/quote.docx" "$work/tpl"

# 10·N orders of 5 lines: 1 department, 20 salespeople, up to 10,000 customers,
# 500 products (every fifth with <>& in its name, so each quote escapes some)
t0=$(date +%s)
awk -v orders="$BIG" -v dir="$work/csv" 'BEGIN {
	split("上海 北京 广州 深圳 杭州 南京 苏州 成都", city, " ")
	split("精密机械 化工 电子 纺织 物流 建材 食品 医药 汽车配件 环保科技", trade, " ")
	split("张江 中山 人民 建设 解放 和平 新华 长江 黄河 东风", road, " ")
	split("件 套 台 箱 米", unit, " ")
	split("轴承 齿轮 阀门 传感器 电机 水泵 滤芯 密封圈 线缆", part, " ")
	ncust = orders < 10000 ? orders : 10000
	nprod = 500

	f = dir "/department.csv"
	print "code,name,parent_code" >f
	print "D01,销售部," >f
	close(f)

	f = dir "/salesperson.csv"
	print "code,name,department_code,email,mobile" >f
	for (i = 1; i <= 20; i++)
		printf "S%03d,业务员%03d,D01,s%03d@example.com,1390000%04d\n", i, i, i, i >f
	close(f)

	f = dir "/customer.csv"
	print "code,name,short_name,category_code,region_code,industry,status,owner_code,address,postcode,phone,email,created_on" >f
	for (i = 1; i <= ncust; i++)
		printf "C%05d,%s%s%s有限公司,,,,%s,active,S%03d,%s市%s路%d号,%06d,,,2025-01-01\n", i,
			city[i % 8 + 1], road[int(i / 8) % 10 + 1], trade[i % 10 + 1], trade[i % 10 + 1], i % 20 + 1,
			city[i % 8 + 1], road[i % 10 + 1], i % 999 + 1, 100000 + i * 37 % 900000 >f
	close(f)

	f = dir "/product.csv"
	print "code,name,category_code,unit,list_price,cost" >f
	for (k = 1; k <= nprod; k++) {
		price[k] = sprintf("%.2f", 1.5 + (k * 7919 % 2500000) / 100)
		if (k % 5 == 0)
			name = sprintf("法兰 DN%d <PN16> & 垫片", k)
		else
			name = sprintf("%s %s-%03d", part[k % 9 + 1], unit[k % 5 + 1] == "米" ? "XL" : "ZC", k)
		printf "P%04d,%s,,%s,%s,\n", k, name, unit[k % 5 + 1], price[k] >f
	}
	close(f)

	f = dir "/order.csv"
	g = dir "/order-line.csv"
	print "code,customer_code,opportunity_code,owner_code,ordered_on" >f
	print "order_code,product_code,quantity,price,cost" >g
	for (i = 1; i <= orders; i++) {
		printf "Q%07d,C%05d,,S%03d,2026-%02d-%02d\n", i, (i - 1) % ncust + 1, i % 20 + 1, i % 12 + 1, i % 28 + 1 >f
		for (j = 0; j < 5; j++) {
			k = ((i - 1) * 5 + j) % nprod + 1
			printf "Q%07d,P%04d,%d,%s,\n", i, k, (i + j) % 40 + 1, price[k] >g
		}
	}
	close(f)
	close(g)
}'
for e in department salesperson customer product order order-line; do
	"$BIN" -q --db "$DB" import "$e" "$work/csv/$e.csv"
done
data_s=$(($(date +%s) - t0))

# docxtemplater's data: the same N orders as JSON, formatted as crmgate prints
# them (dates 2026年3月5日, money 1,234.50), ordered as crmgate merges them
last=$(order_code "$N")
money="'FM999,999,999,990.00'"
psql "$DB" -qAtX -o "$work/orders.json" -v ON_ERROR_STOP=1 -c "
SELECT json_agg(json_build_object(
	'code', o.code,
	'ordered_on', to_char(o.ordered_on, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"'),
	'customer', json_build_object('name', c.name, 'address', c.address, 'postcode', c.postcode),
	'total', (SELECT to_char(coalesce(sum(l.quantity * l.price), 0)::numeric(14,2), $money)
		FROM crm.order_line l WHERE l.order_id = o.id),
	'lines', (SELECT json_agg(json_build_object(
			'product_code', p.code, 'product_name', p.name, 'unit', p.unit,
			'quantity', to_char(l.quantity, 'FM999,999,999,990'),
			'price', to_char(l.price, $money),
			'amount', to_char((l.quantity * l.price)::numeric(14,2), $money)) ORDER BY l.id)
		FROM crm.order_line l JOIN crm.product p ON p.id = l.product_id WHERE l.order_id = o.id)
	) ORDER BY o.code)
FROM crm.sales_order o JOIN crm.customer c ON c.id = o.customer_id
WHERE o.code <= '$last'"

# crmgate merge of the first n orders into DIR, on core 0: "seconds MiB"
crmgate_merge() {
	timed taskset -c 0 "$BIN" -q --db "$DB" merge --template "$work/quote.docx" --targets order \
		--where "code <= '$(order_code "$1")'" --out "$2"
}

set -- $(crmgate_merge "$N" "$work/out-crmgate")
cg_s=$1 cg_mb=$2 cg_cpu=$3
set -- $(timed taskset -c 0 node bench/merge-docxtemplater.js "$work/quote.docx" "$work/orders.json" "$work/out-dt")
dt_s=$1 dt_mb=$2 dt_cpu=$3
set -- $(crmgate_merge "$SMALL" "$work/out-small")
small_s=$1 small_mb=$2
rm -rf "$work/out-small"
set -- $(crmgate_merge "$BIG" "$work/out-big")
big_s=$1 big_mb=$2
big_files=$(find "$work/out-big" -name '*.docx' | wc -l)
rm -rf "$work/out-big"

# the outputs: N files each; one quote of each tool holds its customer's name
# (XML-escaped) and five product codes, no {{ left, and both say the same words
fail=0
for d in out-crmgate out-dt; do
	files=$(find "$work/$d" -name '*.docx' | wc -l)
	[ "$files" -eq "$N" ] || { echo "$d: $files documents, not $N" >&2; fail=1; }
done
[ "$big_files" -eq "$BIG" ] || { echo "out-big: $big_files documents, not $BIG" >&2; fail=1; }
probe=$(order_code $((N / 2)))
want_name=$(psql "$DB" -qAtX -c "SELECT c.name FROM crm.sales_order o JOIN crm.customer c ON c.id = o.customer_id
	WHERE o.code = '$probe'" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
want_codes=$(psql "$DB" -qAtX -c "SELECT p.code FROM crm.order_line l JOIN crm.sales_order o ON o.id = l.order_id
	JOIN crm.product p ON p.id = l.product_id WHERE o.code = '$probe' ORDER BY l.id")
for d in out-crmgate out-dt; do
	doc=$work/$d/$probe.docx
	unzip -p "$doc" word/document.xml >"$work/$d.xml"
	# whitespace between elements is no text: only what w:p and w:tab make is
	unzip -p "$doc" word/header1.xml word/document.xml word/footer1.xml | tr -d '\n' |
		sed 's/<w:tab\/>/\t/g; s/<\/w:p>/\n/g; s/<[^>]*>//g' >"$work/$d.txt"
	grep -qF "$want_name" "$work/$d.xml" || { echo "$d/$probe.docx: no customer name '$want_name'" >&2; fail=1; }
	found=0
	for c in $want_codes; do
		! grep -qF "$c" "$work/$d.xml" || found=$((found + 1))
	done
	[ "$found" -eq 5 ] || { echo "$d/$probe.docx: $found of the five product codes $(echo $want_codes)" >&2; fail=1; }
	! unzip -p "$doc" | grep -qF '{{' || { echo "$d/$probe.docx: a {{ is left" >&2; fail=1; }
done
if ! cmp -s "$work/out-crmgate.txt" "$work/out-dt.txt"; then
	echo "$probe.docx: crmgate and docxtemplater wrote different text:" >&2
	diff "$work/out-crmgate.txt" "$work/out-dt.txt" >&2 || true
	fail=1
fi

awk -v n="$N" -v a="$cg_s" -v b="$dt_s" -v am="$cg_mb" -v bm="$dt_mb" -v ac="$cg_cpu" -v bc="$dt_cpu" -v big="$BIG" -v small="$SMALL" \
	-v sm="$small_mb" -v bgm="$big_mb" -v bs="$big_s" -v ss="$small_s" -v ds="$data_s" \
	-v dtv="$dt_version" -v pzv="$pz_version" -v node="$(node --version)" -v probe="$probe" -v fail="$fail" 'BEGIN {
	printf "data: %d orders of 5 lines, generated and imported in %d s\n", big, ds
	printf "crmgate merge, %d quotes, core 0: %.2f s, %.0f documents/s, peak %d MiB (CPU %.2f s)\n", n, a, n / a, am, ac
	printf "docxtemplater %s (pizzip %s, node %s), same quotes, core 0: %.2f s, %.0f documents/s, peak %d MiB (CPU %.2f s)\n",
		dtv, pzv, node, b, n / b, bm, bc
	printf "ratio crmgate / docxtemplater, documents/s: %.1f (aim: at least 20); per CPU second: %.1f\n", b / a, bc / ac
	printf "crmgate merge peak memory: %d MiB at %d targets (%.2f s), %d MiB at %d targets (%.2f s, %.0f documents/s)\n",
		sm, small, ss, bgm, big, bs, big / bs
	printf "checked: %d documents from each; %s.docx from each holds its customer, five product codes, no {{, the same text: %s\n",
		n, probe, fail ? "NO" : "yes"
}'
echo "rerun: sh bench/merge.sh   (BENCH_MERGE_TARGETS=N for another size; make bench runs it after the others)"
exit "$fail"
