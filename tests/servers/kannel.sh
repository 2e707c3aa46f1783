# tests/servers/kannel.sh - Kannel (bearerbox + smsbox) on 127.0.0.1 with a
# fake SMSC, for the SMS tests: sendsms in, every MT message recorded, DLRs
# and inbound (MO) messages out to URLs the test gives.
#
# Runs as root or as a normal user. Source it (it sources lib.sh beside it;
# set SERVERS_DIR to this folder if $0 is elsewhere). Optionally set
#   KANNEL_MO_URL   where inbound SMS go (crmgate serve's /sms/in): used as
#                   Kannel's get-url as is when it has a %-escape, else with
#                   ?from=%p&to=%P&text=%a&coding=%c&charset=%C appended;
#                   UCS-2 messages are recoded to UTF-8 (mo-recode), so text
#                   is UTF-8 and charset says so
# then:
#
#   kannel_start  starts bearerbox, the fake SMSC client (fakesmsc from
#                 kannel-extras) and smsbox, and waits until the SMSC is online
#                 and smsbox connected; exports
#                   KANNEL_SENDSMS_URL  http://127.0.0.1:PORT/cgi-bin/sendsms
#                   KANNEL_USER, KANNEL_PASS  the sendsms-user (crmgate/secret)
#                   KANNEL_SENDER       the global-sender (12345), used when a
#                                       request has no from=
#                   KANNEL_SMSC_LOG     what the fake SMSC received: one line
#                                       "Got message N: <from to text msg>" per
#                                       SMS (kannel_sent_count counts them)
#                   KANNEL_ADMIN_URL, KANNEL_ADMIN_PASS  the admin interface
#                                       (status.txt, shutdown...)
#                   KANNEL_DIR          the private folder, with the logs
#   kannel_sent_count   prints how many SMS the fake SMSC received
#   kannel_mo FROM TO TEXT
#                 injects one inbound SMS, as the operator would deliver it;
#                 smsbox then calls KANNEL_MO_URL (non-ASCII text goes as UCS-2)
#   kannel_stop   stops all three, checks nothing is left, removes KANNEL_DIR
#                 (kept when KANNEL_KEEP=1); safe to call twice and from a trap
#
# DLRs: pass dlr-mask=31 and a URL-encoded dlr-url to sendsms; the fake SMSC
# then reports %d = 8 (accepted by the SMSC) and 1 (delivered). The catch-all
# sms-service sends no reply SMS (max-messages = 0), so the fake SMSC sees
# exactly what was sent through sendsms. A second fake SMSC port, used only by
# kannel_mo, never carries outbound messages.

if [ -z "${SERVERS_DIR:-}" ]; then
	for SERVERS_DIR in "$(dirname "$0")" "$(dirname "$0")/servers" tests/servers; do
		[ -f "$SERVERS_DIR/lib.sh" ] && break
	done
fi
. "$SERVERS_DIR/lib.sh"

KANNEL_FAKESMSC=${KANNEL_FAKESMSC:-/usr/lib/kannel/test/fakesmsc}
KANNEL_USER=crmgate
KANNEL_PASS=secret
KANNEL_SENDER=12345
KANNEL_ADMIN_PASS=admin-secret

kannel_start() {
	for _b in bearerbox smsbox; do
		command -v $_b >/dev/null || {
			echo "kannel.sh: $_b is not installed (package kannel; make deps)" >&2
			return 1
		}
	done
	[ -x "$KANNEL_FAKESMSC" ] || {
		echo "kannel.sh: $KANNEL_FAKESMSC is missing (package kannel-extras; make deps)" >&2
		return 1
	}
	srv_dir KANNEL_DIR kannel || return 1
	srv_port _admin && srv_port _boxc && srv_port _smsc && srv_port _mo && srv_port _sendsms || return 1
	KANNEL_SENDSMS_URL=http://127.0.0.1:$_sendsms/cgi-bin/sendsms
	KANNEL_ADMIN_URL=http://127.0.0.1:$_admin
	KANNEL_SMSC_LOG=$KANNEL_DIR/fakesmsc.out
	KANNEL_MO_PORT=$_mo
	export KANNEL_DIR KANNEL_SENDSMS_URL KANNEL_USER KANNEL_PASS KANNEL_SENDER \
		KANNEL_SMSC_LOG KANNEL_ADMIN_URL KANNEL_ADMIN_PASS KANNEL_MO_PORT
	case "${KANNEL_MO_URL:-}" in
	"") _service='text = ""' ;;
	*%*) _service="get-url = \"$KANNEL_MO_URL\"" ;;
	*\?*) _service="get-url = \"$KANNEL_MO_URL&from=%p&to=%P&text=%a&coding=%c&charset=%C\"" ;;
	*) _service="get-url = \"$KANNEL_MO_URL?from=%p&to=%P&text=%a&coding=%c&charset=%C\"" ;;
	esac
	cat >"$KANNEL_DIR/kannel.conf" <<-EOF
		# written by tests/servers/kannel.sh for one test run
		group = core
		admin-port = $_admin
		admin-interface = 127.0.0.1
		admin-password = $KANNEL_ADMIN_PASS
		admin-allow-ip = 127.0.0.1
		smsbox-port = $_boxc
		smsbox-interface = 127.0.0.1
		box-allow-ip = 127.0.0.1
		log-file = "$KANNEL_DIR/bearerbox.log"
		log-level = 1
		access-log = "$KANNEL_DIR/bearerbox-access.log"
		dlr-storage = internal

		group = smsc
		smsc = fake
		smsc-id = fake
		port = $_smsc
		our-host = 127.0.0.1
		connect-allow-ip = 127.0.0.1

		# inbound only: kannel_mo connects here; no outbound SMS is routed here
		group = smsc
		smsc = fake
		smsc-id = mo
		allowed-smsc-id = mo
		port = $_mo
		our-host = 127.0.0.1
		connect-allow-ip = 127.0.0.1

		group = smsbox
		bearerbox-host = 127.0.0.1
		bearerbox-port = $_boxc
		sendsms-port = $_sendsms
		sendsms-interface = 127.0.0.1
		global-sender = $KANNEL_SENDER
		log-file = "$KANNEL_DIR/smsbox.log"
		log-level = 1
		access-log = "$KANNEL_DIR/smsbox-access.log"
		mo-recode = true

		group = sendsms-user
		username = $KANNEL_USER
		password = $KANNEL_PASS
		user-allow-ip = 127.0.0.1
		max-messages = 10
		concatenation = true
		forced-smsc = fake

		group = sms-service
		keyword = default
		catch-all = true
		$_service
		max-messages = 0
		omit-empty = true
	EOF
	(cd "$KANNEL_DIR" && exec bearerbox kannel.conf) </dev/null >"$KANNEL_DIR/bearerbox.out" 2>&1 &
	KANNEL_BB_PID=$!
	srv_wait_port "$_smsc" "$KANNEL_BB_PID" 10 "$KANNEL_DIR/bearerbox.out" bearerbox &&
		srv_wait_port "$_boxc" "$KANNEL_BB_PID" 10 "$KANNEL_DIR/bearerbox.out" bearerbox || return 1
	# fakesmsc exits at once when the SMSC port does not listen yet; -m 0: it
	# sends nothing, it only prints what it receives.
	(cd "$KANNEL_DIR" && exec "$KANNEL_FAKESMSC" -H 127.0.0.1 -r "$_smsc" -m 0 "0 0 text unused") \
		</dev/null >"$KANNEL_SMSC_LOG" 2>&1 &
	KANNEL_FAKE_PID=$!
	(cd "$KANNEL_DIR" && exec smsbox kannel.conf) </dev/null >"$KANNEL_DIR/smsbox.out" 2>&1 &
	KANNEL_SB_PID=$!
	srv_wait_port "$_sendsms" "$KANNEL_SB_PID" 10 "$KANNEL_DIR/smsbox.out" smsbox || return 1
	# Ready when bearerbox says the fake SMSC is online and smsbox connected.
	_n=200
	while [ $_n -gt 0 ]; do
		_st=$(kannel_status)
		if echo "$_st" | grep -q 'fake\[fake\].*online' && echo "$_st" | grep -q 'smsbox:.*on-line\|(on-line'; then
			return 0
		fi
		srv_alive "$KANNEL_FAKE_PID" || {
			echo "kannel.sh: fakesmsc died; see $KANNEL_SMSC_LOG" >&2
			tail -n 5 "$KANNEL_SMSC_LOG" >&2
			return 1
		}
		sleep 0.05
		_n=$((_n - 1))
	done
	echo "kannel.sh: the fake SMSC or smsbox is not online after 10s; see $KANNEL_DIR/bearerbox.log" >&2
	echo "$_st" >&2
	return 1
}

kannel_status() {
	python3 - "$KANNEL_ADMIN_URL/status.txt?password=$KANNEL_ADMIN_PASS" <<-'EOF'
		import sys, urllib.request
		try:
		    text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
		except Exception as e:
		    text = "status: %s" % e
		try:
		    print(text)
		except BrokenPipeError:
		    pass
	EOF
}

kannel_sent_count() {
	grep -c '^.*Got message [0-9]*:' "$KANNEL_SMSC_LOG" 2>/dev/null || true
}

kannel_mo() {
	_line=$(python3 - "$1" "$2" "$3" <<-'EOF'
		import sys, urllib.parse
		frm, to, text = sys.argv[1:4]
		if text.isascii() and "\n" not in text:
		    print("%s %s text %s" % (frm, to, text))
		else:
		    print("%s %s ucs2 %s" % (frm, to, urllib.parse.quote(text.encode("utf-16-be"))))
	EOF
	) || return 1
	_before=$(kannel_received)
	# fakesmsc sends its one message, then waits for replies that never come:
	# stop it once bearerbox has counted the message.
	(cd "$KANNEL_DIR" && exec "$KANNEL_FAKESMSC" -H 127.0.0.1 -r "$KANNEL_MO_PORT" -m 1 "$_line") \
		</dev/null >"$KANNEL_DIR/mo.out" 2>&1 &
	_mo_pid=$!
	_n=200
	while [ $_n -gt 0 ] && [ "$(kannel_received)" = "$_before" ]; do
		sleep 0.05
		_n=$((_n - 1))
	done
	srv_kill "$_mo_pid" 2
	if [ $_n = 0 ]; then
		echo "kannel.sh: bearerbox did not receive the inbound SMS; see $KANNEL_DIR/mo.out" >&2
		return 1
	fi
}

# how many inbound SMS bearerbox has received
kannel_received() {
	kannel_status | sed -n 's/^SMS: received \([0-9]*\).*/\1/p'
}

kannel_stop() {
	[ -n "${KANNEL_DIR:-}" ] || return 0
	srv_kill "${KANNEL_SB_PID:-}" 10
	srv_kill "${KANNEL_FAKE_PID:-}" 5
	srv_kill "${KANNEL_BB_PID:-}" 10
	_left=$(srv_leftovers "$KANNEL_DIR")
	if [ -n "$_left" ]; then
		echo "kannel.sh: killing leftover processes:" $_left >&2
		kill -KILL $_left 2>/dev/null
	fi
	[ "${KANNEL_KEEP:-0}" = 1 ] || rm -rf "$KANNEL_DIR"
	KANNEL_DIR= KANNEL_BB_PID= KANNEL_SB_PID= KANNEL_FAKE_PID=
}
