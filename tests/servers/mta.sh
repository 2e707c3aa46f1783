# tests/servers/mta.sh - a private Postfix on 127.0.0.1 that delivers every
# mail for example.test and its subdomains into one Maildir and refuses every
# other domain at RCPT, so nothing can leave the machine.
#
# Needs root (Postfix's master refuses anything else); mta_start says so and
# fails as another user. Source it (it sources lib.sh beside it), then:
#
#   mta_start    starts `postfix -c $MTA_DIR/conf` and waits for its banner;
#                exports
#                  MTA_PORT     SMTP port on 127.0.0.1 (no TLS, no AUTH)
#                  MTA_MAILDIR  the Maildir every example.test address lands
#                               in (owned by uid/gid 65534, as Dovecot reads it)
#                  MTA_DIR      the private folder: conf/, queue/, data/,
#                               mail/Maildir, maillog (Postfix's log)
#   mta_stop     stops it, checks no process is left, removes MTA_DIR (keeps
#                it when MTA_KEEP=1); safe to call twice and from a trap
#
# Anything for another domain gets "554 5.7.1 Relay access denied" at RCPT;
# default, relay and local transports are error: too, and master.cf has no
# smtp client at all. Mail to user+tag@sub.example.test is accepted (VERP).
# Set MTA_PORT before mta_start to choose the port (mta_stop clears it).

# Where this folder is: SERVERS_DIR, else beside $0, else from the repo root.
if [ -z "${SERVERS_DIR:-}" ]; then
	for SERVERS_DIR in "$(dirname "$0")" "$(dirname "$0")/servers" tests/servers; do
		[ -f "$SERVERS_DIR/lib.sh" ] && break
	done
fi
. "$SERVERS_DIR/lib.sh"

MTA_UID=${MTA_UID:-65534}
MTA_GID=${MTA_GID:-65534}

mta_start() {
	if [ "$(id -u)" != 0 ]; then
		echo "mta.sh: a private Postfix needs root (its master refuses to run otherwise)" >&2
		return 1
	fi
	command -v postfix >/dev/null || {
		echo "mta.sh: postfix is not installed (make deps)" >&2
		return 1
	}
	srv_dir MTA_DIR mta || return 1
	[ -n "${MTA_PORT:-}" ] || srv_port MTA_PORT || return 1
	MTA_MAILDIR=$MTA_DIR/mail/Maildir
	export MTA_DIR MTA_PORT MTA_MAILDIR
	_c=$MTA_DIR/conf
	mkdir -p "$_c" "$MTA_DIR/queue" "$MTA_DIR/data" \
		"$MTA_MAILDIR/cur" "$MTA_MAILDIR/new" "$MTA_MAILDIR/tmp"
	chown -R "$MTA_UID:$MTA_GID" "$MTA_DIR/mail"
	chmod -R 700 "$MTA_DIR/mail"
	chmod 755 "$MTA_DIR/mail"
	chown postfix "$MTA_DIR/data"
	echo '/(^|\.)example\.test$/ OK' >"$_c/domains"
	cat >"$_c/main.cf" <<-EOF
		# written by tests/servers/mta.sh for one test run
		compatibility_level = 3.6
		queue_directory = $MTA_DIR/queue
		data_directory = $MTA_DIR/data
		maillog_file = $MTA_DIR/maillog
		maillog_file_prefixes = $MTA_DIR
		myhostname = mta.example.test
		mydomain = example.test
		myorigin = example.test
		mydestination =
		relay_domains =
		inet_interfaces = 127.0.0.1
		inet_protocols = ipv4
		mynetworks = 127.0.0.0/8
		smtpd_banner = \$myhostname ESMTP crmgate test MTA
		smtpd_relay_restrictions = reject_unauth_destination
		smtpd_recipient_restrictions =
		smtpd_error_sleep_time = 0s
		smtpd_soft_error_limit = 1000
		smtpd_hard_error_limit = 1000
		smtpd_tls_security_level = none
		smtp_tls_security_level = none
		virtual_mailbox_domains = regexp:$_c/domains
		virtual_mailbox_base = $MTA_DIR/mail
		virtual_mailbox_maps = static:Maildir/
		virtual_uid_maps = static:$MTA_UID
		virtual_gid_maps = static:$MTA_GID
		virtual_minimum_uid = 1
		message_size_limit = 52428800
		virtual_mailbox_limit = 104857600
		default_transport = error:crmgate test MTA delivers to example.test only
		relay_transport = error:crmgate test MTA delivers to example.test only
		local_transport = error:crmgate test MTA delivers to example.test only
		recipient_delimiter = +
		biff = no
		append_dot_mydomain = no
		in_flow_delay = 0
		delay_warning_time = 0
		queue_run_delay = 1s
		minimal_backoff_time = 1s
		maximal_backoff_time = 2s
		alias_maps =
		alias_database =
	EOF
	# chroot off everywhere; no smtp/lmtp/local client: nothing can go out.
	cat >"$_c/master.cf" <<-EOF
		127.0.0.1:$MTA_PORT inet n - n - - smtpd
		pickup    unix  n - n 60 1 pickup
		cleanup   unix  n - n - 0 cleanup
		qmgr      unix  n - n 300 1 qmgr
		rewrite   unix  - - n - - trivial-rewrite
		bounce    unix  - - n - 0 bounce
		defer     unix  - - n - 0 bounce
		trace     unix  - - n - 0 bounce
		verify    unix  - - n - 1 verify
		flush     unix  n - n 1000? 0 flush
		proxymap  unix  - - n - - proxymap
		showq     unix  n - n - - showq
		error     unix  - - n - - error
		retry     unix  - - n - - error
		discard   unix  - - n - - discard
		anvil     unix  - - n - 1 anvil
		scache    unix  - - n - 1 scache
		postlog   unix-dgram n - n - 1 postlogd
		virtual   unix  - n n - - virtual
	EOF
	# Postfix re-reads a main.cf younger than about two seconds until it is
	# that old (it may be mid-edit): 2.4 s of every start. Backdate it.
	touch -t 200001010000 "$_c/main.cf" "$_c/master.cf" "$_c/domains"
	if ! postfix -c "$_c" start >"$MTA_DIR/start.log" 2>&1; then
		echo "mta.sh: postfix did not start; see $MTA_DIR/maillog and $MTA_DIR/start.log" >&2
		sed 's/^/  | /' "$MTA_DIR/start.log" >&2
		[ -r "$MTA_DIR/maillog" ] && tail -n 20 "$MTA_DIR/maillog" | sed 's/^/  | /' >&2
		return 1
	fi
	MTA_PID=$(sed -n '1s/ //gp' "$MTA_DIR/queue/pid/master.pid" 2>/dev/null)
	srv_wait_port "$MTA_PORT" "$MTA_PID" 10 "$MTA_DIR/maillog" postfix || return 1
	mta_banner || {
		echo "mta.sh: no SMTP banner on 127.0.0.1:$MTA_PORT; see $MTA_DIR/maillog" >&2
		return 1
	}
}

# The banner answers: smtpd and its helpers (trivial-rewrite, anvil) run.
mta_banner() {
	python3 - "$MTA_PORT" <<-'EOF'
		import smtplib, sys
		s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
		code, _ = s.noop()
		s.quit()
		sys.exit(0 if code == 250 else 1)
	EOF
}

mta_stop() {
	[ -n "${MTA_DIR:-}" ] || return 0
	if [ -f "$MTA_DIR/conf/main.cf" ]; then
		_pid=$(sed -n '1s/ //gp' "$MTA_DIR/queue/pid/master.pid" 2>/dev/null)
		# What `postfix stop` does, without its one-second polls: TERM to
		# master, whose children are in its session (master calls setsid).
		if [ -n "$_pid" ]; then
			kill -TERM "$_pid" 2>/dev/null
			_n=100
			while srv_session_alive "$_pid" && [ $_n -gt 0 ]; do
				sleep 0.05
				_n=$((_n - 1))
			done
			srv_session_alive "$_pid" && kill -KILL -"$_pid" 2>/dev/null
		fi
	fi
	_left=$(srv_leftovers "$MTA_DIR")
	if [ -n "$_left" ]; then
		echo "mta.sh: killing leftover processes:" $_left >&2
		kill -KILL $_left 2>/dev/null
	fi
	[ "${MTA_KEEP:-0}" = 1 ] || rm -rf "$MTA_DIR"
	MTA_DIR= MTA_PID= MTA_PORT=
}
