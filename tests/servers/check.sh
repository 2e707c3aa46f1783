#!/bin/sh
# tests/servers/check.sh - smoke test of the test servers in this folder.
#
# Usage: sh tests/servers/check.sh     (or: make servers-check)
# Starts Postfix (root only; SKIP otherwise), Dovecot, smtp-sink (saving and
# failing) and Kannel on 127.0.0.1, and checks each for real: a mail to
# a@example.test lands in the Maildir and another domain is refused at RCPT;
# IMAP login sees that mail (and a wrong password is refused); the sink saves
# a message; the failing sinks answer 450 at RCPT and 554 at DATA; an SMS
# through sendsms reaches the fake SMSC and its DLRs (8, then 1) reach a small
# listener; an inbound SMS reaches the get-url. Then it stops everything and
# checks that no process is left. One PASS/FAIL/SKIP line per server, the
# start and stop times, and exit status 1 when anything failed.
set -u

SERVERS_DIR=$(dirname "$0")
. "$SERVERS_DIR/lib.sh"
. "$SERVERS_DIR/mta.sh"
. "$SERVERS_DIR/imap.sh"
. "$SERVERS_DIR/sink.sh"
. "$SERVERS_DIR/kannel.sh"

failed=0
dirs=""
ports=""
listen_pid=""
listen_dir=""

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2fs", b - a }'; }
result() {
	printf '%-8s %-4s %s\n' "$1" "$2" "$3"
	[ "$2" != FAIL ] || failed=1
}
# remember what to check for leftovers once everything is stopped
track() {
	dirs="$dirs $1"
	shift
	ports="$ports $*"
}

stop_all() {
	kannel_stop
	sink_stop
	imap_stop
	mta_stop
	srv_kill "$listen_pid" 2
	listen_pid=
	[ -z "$listen_dir" ] || rm -rf "$listen_dir"
	listen_dir=
}
trap 'stop_all; exit 1' INT TERM
trap stop_all EXIT

# poll CMD... for up to 10 s
eventually() {
	_e=200
	while [ $_e -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		_e=$((_e - 1))
	done
	return 1
}

token="crmgate-check-$$-$(date +%s)"

# smtp PORT RCPT: send one message with the token; prints the server's
# answer to a refusal as "CODE at STAGE", or "sent"
smtp() {
	python3 - "$1" "$2" "$token" <<-'EOF'
		import smtplib, sys
		from email.message import EmailMessage
		port, rcpt, token = sys.argv[1:4]
		m = EmailMessage()
		m["From"] = "check@example.test"
		m["To"] = rcpt
		m["Subject"] = token
		m.set_content("servers check\n")
		try:
		    with smtplib.SMTP("127.0.0.1", int(port), timeout=10) as s:
		        s.send_message(m)
		    print("sent")
		except smtplib.SMTPRecipientsRefused as e:
		    print("%d at RCPT" % list(e.recipients.values())[0][0])
		except smtplib.SMTPDataError as e:
		    print("%d at DATA" % e.smtp_code)
		except Exception as e:
		    print("error: %r" % e)
	EOF
}

has_token() { grep -rqs "$token" "$1"; }

# --- Postfix ---------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	result MTA SKIP "a private Postfix needs root"
else
	t=$(now)
	if mta_start; then
		track "$MTA_DIR" "$MTA_PORT"
		started=$(since "$t")
		r1=$(smtp "$MTA_PORT" a@example.test)
		r2=$(smtp "$MTA_PORT" a@example.org)
		if [ "$r1" = sent ] && [ "$r2" = "554 at RCPT" ] && eventually has_token "$MTA_MAILDIR/new"; then
			result MTA PASS "port $MTA_PORT, delivered to the Maildir, other domain refused; started in $started"
		else
			result MTA FAIL "example.test: $r1; example.org: $r2; see $MTA_DIR/maillog"
		fi
	else
		result MTA FAIL "did not start"
	fi
fi

# --- Dovecot ---------------------------------------------------------------
t=$(now)
if imap_start; then
	track "$IMAP_DIR" "$IMAP_PORT"
	started=$(since "$t")
	if [ -z "${MTA_DIR:-}" ]; then
		# no Postfix: put the message into the Maildir as a delivery would
		printf 'From: check@example.test\nTo: a@example.test\nSubject: %s\n\nservers check\n' \
			"$token" >"$IMAP_MAILDIR/tmp/check.eml"
		mv "$IMAP_MAILDIR/tmp/check.eml" "$IMAP_MAILDIR/new/check.eml"
	fi
	r=$(python3 - "$token" <<-'EOF'
		import imaplib, os, sys
		port = int(os.environ["IMAP_PORT"])
		m = imaplib.IMAP4("127.0.0.1", port)
		try:
		    m.login(os.environ["IMAP_USER"], "wrong-" + os.environ["IMAP_PASS"])
		    print("a wrong password was accepted")
		    sys.exit()
		except imaplib.IMAP4.error:
		    pass
		m = imaplib.IMAP4("127.0.0.1", port)
		m.login(os.environ["IMAP_USER"], os.environ["IMAP_PASS"])
		m.select("INBOX", readonly=True)
		typ, data = m.search(None, "SUBJECT", '"%s"' % sys.argv[1])
		m.logout()
		print("found" if data[0].split() else "not found")
	EOF
	)
	if [ "$r" = found ]; then
		result IMAP PASS "port $IMAP_PORT, $IMAP_USER sees the message; started in $started"
	else
		result IMAP FAIL "${r:-imaplib failed}; see $IMAP_DIR/dovecot.log"
	fi
else
	result IMAP FAIL "did not start"
fi

# --- smtp-sink ---------------------------------------------------------------
t=$(now)
if sink_start && sink_fail_start -r RCPT && p450=$SINK_FAIL_PORT &&
	sink_fail_start -f DATA -B "554 5.7.1 refused by the check" && p554=$SINK_FAIL_PORT; then
	track "$SINK_DIR" "$SINK_PORT" "$p450" "$p554"
	started=$(since "$t")
	r=$(smtp "$SINK_PORT" a@example.test)
	if [ "$r" = sent ] && eventually has_token "$SINK_MSGDIR"; then
		result SINK PASS "port $SINK_PORT, message saved in \$SINK_MSGDIR; 3 sinks started in $started"
	else
		result SINK FAIL "$r; see $SINK_DIR"
	fi
	r1=$(smtp "$p450" a@example.test)
	r2=$(smtp "$p554" a@example.test)
	if [ "$r1" = "450 at RCPT" ] && [ "$r2" = "554 at DATA" ]; then
		result SINK-ERR PASS "ports $p450 and $p554: 450 at RCPT, 554 at DATA"
	else
		result SINK-ERR FAIL "got '$r1' and '$r2'"
	fi
else
	result SINK FAIL "did not start"
	result SINK-ERR FAIL "did not start"
fi

# --- Kannel ------------------------------------------------------------------
# a listener for DLRs and inbound SMS (this smoke test only; crmgate serve
# takes its place in the real tests)
srv_dir listen_dir listen && srv_port listen_port || exit 1
python3 - "$listen_port" "$listen_dir/hits" <<-'EOF' >"$listen_dir/log" 2>&1 &
	import http.server, sys
	class H(http.server.BaseHTTPRequestHandler):
	    def do_GET(self):
	        with open(sys.argv[2], "a") as f:
	            f.write(self.path + "\n")
	        self.send_response(200)
	        self.end_headers()
	    def log_message(self, *a):
	        pass
	http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
listen_pid=$!
srv_wait_port "$listen_port" "$listen_pid" 10 "$listen_dir/log" listener || exit 1
track "$listen_dir" "$listen_port"

hit() { grep -qs "$1" "$listen_dir/hits"; }
sent_one() { [ "$(kannel_sent_count)" -ge 1 ]; }

KANNEL_MO_URL=http://127.0.0.1:$listen_port/sms/in
t=$(now)
if kannel_start; then
	p=${KANNEL_SENDSMS_URL#http://127.0.0.1:}
	track "$KANNEL_DIR" "${p%%/*}" "${KANNEL_ADMIN_URL##*:}"
	started=$(since "$t")
	dlr=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' \
		"http://127.0.0.1:$listen_port/sms/dlr?id=7&status=%d")
	r=$(python3 - "$KANNEL_SENDSMS_URL?username=$KANNEL_USER&password=$KANNEL_PASS&to=5550001&text=servers+check&dlr-mask=31&dlr-url=$dlr" <<-'EOF'
		import sys, urllib.request
		try:
		    print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode().strip())
		except Exception as e:
		    print("error: %r" % e)
	EOF
	)
	kannel_mo 5550002 "$KANNEL_SENDER" STOP
	if [ "$r" = "0: Accepted for delivery" ] && eventually sent_one &&
		eventually hit 'dlr?id=7&status=1$' && hit 'dlr?id=7&status=8$' &&
		eventually hit 'in?from=5550002&.*text=STOP'; then
		result KANNEL PASS "sendsms $KANNEL_SENDSMS_URL, fake SMSC got $(kannel_sent_count), DLRs 8 and 1, inbound STOP; started in $started"
	else
		result KANNEL FAIL "sendsms: $r; fake SMSC got $(kannel_sent_count); listener got: $(tr '\n' ' ' <"$listen_dir/hits" 2>/dev/null); see $KANNEL_DIR"
	fi
else
	result KANNEL FAIL "did not start"
fi

# --- stop, and nothing may be left ----------------------------------------------
t=$(now)
stop_all
stopped=$(since "$t")
left=""
for d in $dirs; do
	left="$left$(srv_leftovers "$d")"
	[ ! -e "$d" ] || left="$left folder:$d"
done
for p in $ports; do
	[ -z "$(ss -Hltn "sport = :$p")" ] || left="$left port:$p"
done
if [ -z "$left" ]; then
	result STOP PASS "everything stopped in $stopped, no process, folder or listener left"
else
	result STOP FAIL "left behind:$left"
	ps -o pid,user,args -p "$(echo "$left" | tr -cs '0-9' ',' | sed 's/^,//;s/,$//')" 2>/dev/null
fi
[ "$failed" = 0 ] && echo "servers check: PASS" || echo "servers check: FAIL"
exit "$failed"
