# tests/servers/lib.sh - helpers shared by the test server scripts in this
# folder; sourced by them, not by tests. POSIX sh.
#
#   srv_dir VAR NAME       make a private folder /tmp/crmgate-NAME.XXXXXX (mode
#                          755, so daemons that drop privileges can reach into
#                          it) and put its path in VAR
#   srv_port VAR           put a free TCP port on 127.0.0.1 in VAR; ports handed
#                          out earlier in this shell are not handed out again
#   srv_wait_port PORT PID SECONDS LOG NAME
#                          wait until 127.0.0.1:PORT listens and the socket
#                          belongs to process PID; fail early when PID dies,
#                          and name LOG in the error
#   srv_alive PID          PID runs (a zombie does not count)
#   srv_session_alive SID  a process of session SID runs (zombies do not count)
#   srv_kill PID SECONDS   TERM, then KILL after SECONDS; reaps our children
#   srv_leftovers DIR      print the pids of processes that still use DIR
#                          (working folder, command line or an open file), to
#                          check that nothing is left behind; not the
#                          environment, which the tests' own helpers inherit
#
# Ports come from 20000-32767: below Linux's ephemeral range (32768-60999), so
# an outgoing connection cannot be holding the port we picked.

srv_dir() {
	_d=$(mktemp -d "/tmp/crmgate-$2.XXXXXX") || return 1
	chmod 755 "$_d"
	eval "$1=\$_d"
}

srv_port() {
	_i=0
	while [ $_i -lt 200 ]; do
		_i=$((_i + 1))
		_p=$(shuf -i 20000-32767 -n 1)
		case " ${SRV_PORTS_TAKEN:-} " in *" $_p "*) continue ;; esac
		[ -z "$(ss -Htan "sport = :$_p" 2>/dev/null)" ] || continue
		SRV_PORTS_TAKEN="${SRV_PORTS_TAKEN:-} $_p"
		eval "$1=\$_p"
		return 0
	done
	echo "servers: no free port found in 20000-32767" >&2
	return 1
}

srv_alive() {
	[ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
	_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$_st" ] && [ "$_st" != Z ] && [ "$_st" != X ]
}

# Orphans are reaped late here (PID 1 is no real init): zombies linger for
# about two seconds after a daemon exits, and are dead for our purposes.
srv_session_alive() {
	ps -o stat= -s "$1" 2>/dev/null | grep -qv '^Z'
}

# The socket must belong to PID: a leftover listener from an earlier run once
# made such a check pass while the new daemon had died.
srv_wait_port() {
	_port=$1 _pid=$2 _secs=$3 _log=$4 _name=$5
	_n=$((_secs * 20))
	while [ "$_n" -gt 0 ]; do
		if ss -Hltnp "sport = :$_port" 2>/dev/null | grep -q "127\.0\.0\.1:$_port .*pid=$_pid,"; then
			return 0
		fi
		if ! srv_alive "$_pid"; then
			echo "servers: $_name (pid $_pid) died while starting; see $_log" >&2
			[ -r "$_log" ] && tail -n 20 "$_log" | sed 's/^/  | /' >&2
			return 1
		fi
		sleep 0.05
		_n=$((_n - 1))
	done
	echo "servers: $_name (pid $_pid) not listening on 127.0.0.1:$_port after ${_secs}s; see $_log" >&2
	[ -r "$_log" ] && tail -n 20 "$_log" | sed 's/^/  | /' >&2
	return 1
}

srv_kill() {
	_pid=$1 _secs=${2:-5}
	[ -n "$_pid" ] || return 0
	if srv_alive "$_pid"; then
		kill -TERM "$_pid" 2>/dev/null
		_n=$((_secs * 20))
		while srv_alive "$_pid" && [ "$_n" -gt 0 ]; do
			sleep 0.05
			_n=$((_n - 1))
		done
		if srv_alive "$_pid"; then
			echo "servers: pid $_pid ignored TERM for ${_secs}s; killing it" >&2
			kill -KILL "$_pid" 2>/dev/null
		fi
	fi
	wait "$_pid" 2>/dev/null || true
}

srv_leftovers() {
	[ -n "${1:-}" ] || return 0
	{
		grep -alsF -- "$1" /proc/[0-9]*/cmdline
		find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 \
			\( -lname "$1" -o -lname "$1/*" \) -print 2>/dev/null
	} | sed -n 's|^/proc/\([0-9]*\)/.*|\1|p' | sort -un | while read -r _pid; do
		[ "$_pid" != $$ ] && srv_alive "$_pid" && echo "$_pid"
	done
}
