# tests/tally.sh - what tests/run.sh does with each test binary, apart from
# the servers it starts: run the binary, time it, count its tests, its
# skipped tests and their reasons, and end with the totals line. Sourced by
# tests/run.sh, and by tests/build/test_run_sh.c, which checks it on made-up
# test binaries without any server.
#
#   tally_init DIR       keep the bookkeeping in the folder DIR
#   tally_run TESTDIR NAME   run TESTDIR/NAME (a Criterion binary)
#   tally_end            print the skipped tests, the slowest binaries and
#                        "N passed, N failed, N skipped"; status 1 when
#                        anything failed
#
# A skipped test must say why (cr_skip_test("no Kannel here")): one that
# does not (cr_skip_test() or .disabled, which Criterion reports as "test
# was skipped", or an empty reason) counts as failed, not as skipped.

tally_init() {
	tally_dir=$1
	tally_passed=0
	tally_failed=0
	: >"$tally_dir/skipped.txt"
	: >"$tally_dir/unexplained.txt"
	: >"$tally_dir/times.txt"
}

# the time since the epoch in milliseconds
tally_ms() {
	echo $(($(date +%s%N) / 1000000))
}

tally_run() {
	_t_log="$tally_dir/$(echo "$2" | tr / _).log"
	_t_start=$(tally_ms)
	# Criterion says nothing of a skipped test but in its TAP report
	"$1/$2" --jobs 2 --tap="$_t_log.tap" >"$_t_log" 2>&1
	_t_status=$?
	_t_ms=$(($(tally_ms) - _t_start))
	cat "$_t_log"
	printf '%s: %d.%03d s\n' "$2" $((_t_ms / 1000)) $((_t_ms % 1000))
	echo "$_t_ms $2" >>"$tally_dir/times.txt"
	[ -f "$_t_log.tap" ] && awk -v bin="$2" -v skips="$tally_dir/skipped.txt" \
		-v unexplained="$tally_dir/unexplained.txt" '
		/^ok - .*# SKIP/ {
			reason = $0
			sub(/^[^#]*# SKIP/, "", reason)
			gsub(/^[ \t]+|[ \t]+$/, "", reason)
			if (reason == "" || reason == "test was skipped")
				print bin ": " $3 >>unexplained
			else
				print bin ": " $3 ": " reason >>skips
		}' "$_t_log.tap"
	_t_line=$(grep 'Synthesis: Tested:' "$_t_log" | tail -n 1)
	if [ -z "$_t_line" ]; then
		echo "tests/run.sh: $2 ended (status $_t_status) without a summary" >&2
		tally_failed=$((tally_failed + 1))
		return
	fi
	_t_p=$(echo "$_t_line" | sed -n 's/.*Passing: *\([0-9]*\).*/\1/p')
	_t_f=$(echo "$_t_line" | sed -n 's/.*Failing: *\([0-9]*\).*/\1/p')
	_t_c=$(echo "$_t_line" | sed -n 's/.*Crashing: *\([0-9]*\).*/\1/p')
	tally_passed=$((tally_passed + _t_p))
	tally_failed=$((tally_failed + _t_f + _t_c))
	if [ "$_t_status" != 0 ] && [ $((_t_f + _t_c)) = 0 ]; then
		echo "tests/run.sh: $2 exited with status $_t_status" >&2
		tally_failed=$((tally_failed + 1))
	fi
}

tally_end() {
	_t_skipped=$(wc -l <"$tally_dir/skipped.txt")
	_t_unexplained=$(wc -l <"$tally_dir/unexplained.txt")
	if [ "$_t_skipped" != 0 ]; then
		echo "skipped:"
		sed 's/^/  /' "$tally_dir/skipped.txt"
	fi
	if [ "$_t_unexplained" != 0 ]; then
		echo "skipped without saying why (counted as failed: give cr_skip_test a reason):"
		sed 's/^/  /' "$tally_dir/unexplained.txt"
		tally_failed=$((tally_failed + _t_unexplained))
	fi
	if [ -s "$tally_dir/times.txt" ]; then
		echo "slowest:"
		sort -rn "$tally_dir/times.txt" | head -n 5 | while read -r _t_ms _t_name; do
			printf '  %6d.%03d s  %s\n' $((_t_ms / 1000)) $((_t_ms % 1000)) "$_t_name"
		done
	fi
	echo "$tally_passed passed, $tally_failed failed, $_t_skipped skipped"
	[ "$tally_failed" = 0 ]
}
