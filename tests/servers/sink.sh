# tests/servers/sink.sh - smtp-sink (from Postfix) test servers on 127.0.0.1:
# one that saves every message to a file, and ones that answer with chosen
# errors. Fast: for throughput and error-handling tests, not for MIME checks
# (use mta.sh's Maildir for those).
#
# Runs as root (the sink then drops to nobody) or as a normal user. Source it
# (it sources lib.sh beside it; set SERVERS_DIR to this folder if $0 is
# elsewhere), then:
#
#   sink_start [OPTION...]
#                a sink that accepts everything and saves each message as one
#                file (a few X-Client-Addr, X-Mail-Args, X-Rcpt-Args... lines
#                and a Received: header, then the message as received);
#                exports SINK_PORT and SINK_MSGDIR (the files, one per
#                message: count them with `ls "$SINK_MSGDIR" | wc -l`)
#   sink_fail_start OPTION...
#                a sink that answers with the errors the smtp-sink OPTIONs
#                ask for; exports SINK_FAIL_PORT (each call starts one more
#                sink and sets SINK_FAIL_PORT to the newest). Examples:
#                  -r RCPT                 450 4.3.0 at every RCPT
#                  -f RCPT                 500 5.3.0 at every RCPT
#                  -f RCPT -B "550 5.1.1 no such user"   that reply instead
#                  -r DATA -b "451 4.7.1 try later"      4xx at DATA
#                  -f .                    5xx after the final dot
#                  -Q .                    421 after the final dot, then close
#                  -q .                    close without any reply after the
#                                          final dot (outcome unknown)
#                  -w 5                    wait 5 s before answering DATA
#   sink_stop    stops every sink and removes SINK_DIR (kept when
#                SINK_KEEP=1); safe to call twice and from a trap
#
# Both kinds take any further smtp-sink option (see `man smtp-sink`), e.g. -M
# COUNT to stop after COUNT messages, -W RCPT:2 to wait 2 s at RCPT. Set
# SINK_PORT before sink_start to choose its port (sink_stop clears it).

if [ -z "${SERVERS_DIR:-}" ]; then
	for SERVERS_DIR in "$(dirname "$0")" "$(dirname "$0")/servers" tests/servers; do
		[ -f "$SERVERS_DIR/lib.sh" ] && break
	done
fi
. "$SERVERS_DIR/lib.sh"

# The folder every sink of this shell shares; its cwd is in it, which is how
# sink_stop knows it left nothing behind.
sink_dir() {
	[ -n "${SINK_DIR:-}" ] && return 0
	command -v smtp-sink >/dev/null || {
		echo "sink.sh: smtp-sink is not installed (package postfix; make deps)" >&2
		return 1
	}
	srv_dir SINK_DIR sink || return 1
	export SINK_DIR
	SINK_PIDS=
}

# sink_run NAME PORT OPTION... starts one sink; sets _sink_pid
sink_run() {
	_name=$1 _port=$2
	shift 2
	if [ "$(id -u)" = 0 ]; then set -- -u nobody "$@"; fi
	(cd "$SINK_DIR" && exec smtp-sink "$@" "127.0.0.1:$_port" 256) \
		</dev/null >"$SINK_DIR/$_name.log" 2>&1 &
	_sink_pid=$!
	SINK_PIDS="$SINK_PIDS $_sink_pid"
	srv_wait_port "$_port" "$_sink_pid" 10 "$SINK_DIR/$_name.log" "smtp-sink $_name"
}

sink_start() {
	sink_dir || return 1
	[ -n "${SINK_PORT:-}" ] || srv_port SINK_PORT || return 1
	SINK_MSGDIR=$SINK_DIR/messages
	mkdir -p "$SINK_MSGDIR"
	[ "$(id -u)" = 0 ] && chown nobody "$SINK_MSGDIR"
	export SINK_PORT SINK_MSGDIR
	sink_run save "$SINK_PORT" -d "$SINK_MSGDIR/%Y%m%d%H%M%S." "$@"
}

sink_fail_start() {
	sink_dir || return 1
	srv_port SINK_FAIL_PORT || return 1
	export SINK_FAIL_PORT
	sink_run "fail-$SINK_FAIL_PORT" "$SINK_FAIL_PORT" "$@"
}

sink_stop() {
	[ -n "${SINK_DIR:-}" ] || return 0
	for _p in $SINK_PIDS; do
		srv_kill "$_p" 5
	done
	_left=$(srv_leftovers "$SINK_DIR")
	if [ -n "$_left" ]; then
		echo "sink.sh: killing leftover processes:" $_left >&2
		kill -KILL $_left 2>/dev/null
	fi
	[ "${SINK_KEEP:-0}" = 1 ] || rm -rf "$SINK_DIR"
	SINK_DIR= SINK_PIDS= SINK_PORT= SINK_FAIL_PORT=
}
