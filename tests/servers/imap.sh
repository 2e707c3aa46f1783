# tests/servers/imap.sh - a private Dovecot serving one Maildir over IMAP on
# 127.0.0.1 (STARTTLS offered, and IMAPS, with a self-signed certificate made
# here when openssl is there), for the bounce and survey tests.
#
# Runs as root or as a normal user. Source it (it sources lib.sh beside it;
# set SERVERS_DIR to this folder if $0 is elsewhere), then:
#
#   imap_start   starts `dovecot -F -c $IMAP_DIR/dovecot.conf` in the
#                background and waits until the IMAP port is its own; serves
#                MTA_MAILDIR when mta.sh's Postfix runs (start it first), else
#                a new empty Maildir; exports
#                  IMAP_PORT     IMAP port on 127.0.0.1 (plaintext LOGIN allowed,
#                                STARTTLS offered when there is a certificate)
#                  IMAPS_PORT    IMAPS port (TLS from the first byte), 0 without
#                                a certificate; the certificate is IMAP_DIR/cert.pem
#                  IMAP_USER     user@example.test
#                  IMAP_PASS     secret
#                  IMAP_MAILDIR  the Maildir it serves (a test may drop
#                                messages into new/ by hand)
#                  IMAP_DIR      the private folder; dovecot.log is the log
#   imap_stop    stops it, checks no process is left, removes IMAP_DIR (keeps
#                it when IMAP_KEEP=1); safe to call twice and from a trap
#
# Every login with another user name or password fails at once
# (auth_failure_delay = 0 and no anvil penalty), so tests of a wrong password
# are fast. As root, mail is read as uid/gid 65534 like Postfix writes it; as a
# normal user, as that user. Set IMAP_PORT before imap_start to choose the
# port (imap_stop clears it).

if [ -z "${SERVERS_DIR:-}" ]; then
	for SERVERS_DIR in "$(dirname "$0")" "$(dirname "$0")/servers" tests/servers; do
		[ -f "$SERVERS_DIR/lib.sh" ] && break
	done
fi
. "$SERVERS_DIR/lib.sh"

IMAP_USER=user@example.test
IMAP_PASS=secret

imap_start() {
	command -v dovecot >/dev/null || {
		echo "imap.sh: dovecot is not installed (make deps)" >&2
		return 1
	}
	srv_dir IMAP_DIR imap || return 1
	[ -n "${IMAP_PORT:-}" ] || srv_port IMAP_PORT || return 1
	export IMAP_DIR IMAP_PORT IMAP_USER IMAP_PASS
	mkdir -p "$IMAP_DIR/run" "$IMAP_DIR/state" "$IMAP_DIR/home"
	if [ "$(id -u)" = 0 ]; then
		_uid=65534 _gid=65534
		_users=""
	else
		# Dovecot's own users (dovecot, dovenull) and chroot need root.
		_uid=$(id -u) _gid=$(id -g)
		_me=$(id -un) _mygroup=$(id -gn)
		_users="default_login_user = $_me
default_internal_user = $_me
default_internal_group = $_mygroup
service imap-login {
  chroot =
}
service auth {
  user = $_me
}"
	fi
	if [ -n "${MTA_MAILDIR:-}" ] && [ -d "$MTA_MAILDIR" ]; then
		IMAP_MAILDIR=$MTA_MAILDIR
	else
		IMAP_MAILDIR=$IMAP_DIR/Maildir
		mkdir -p "$IMAP_MAILDIR/cur" "$IMAP_MAILDIR/new" "$IMAP_MAILDIR/tmp"
		chown -R "$_uid:$_gid" "$IMAP_MAILDIR"
	fi
	export IMAP_MAILDIR
	# a certificate of its own, for STARTTLS and IMAPS; without openssl, clear text only
	_ssl="ssl = no"
	IMAPS_PORT=0
	if command -v openssl >/dev/null &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
			-subj /CN=localhost -keyout "$IMAP_DIR/key.pem" -out "$IMAP_DIR/cert.pem" >/dev/null 2>&1 &&
		srv_port IMAPS_PORT; then
		_ssl="ssl = yes
ssl_cert = <$IMAP_DIR/cert.pem
ssl_key = <$IMAP_DIR/key.pem"
	fi
	export IMAPS_PORT
	chown "$_uid:$_gid" "$IMAP_DIR/home"
	echo "$IMAP_USER:{PLAIN}$IMAP_PASS::::::" >"$IMAP_DIR/passwd"
	chmod 644 "$IMAP_DIR/passwd"
	cat >"$IMAP_DIR/dovecot.conf" <<-EOF
		# written by tests/servers/imap.sh for one test run
		instance_name = $(basename "$IMAP_DIR")
		base_dir = $IMAP_DIR/run
		state_dir = $IMAP_DIR/state
		log_path = $IMAP_DIR/dovecot.log
		protocols = imap
		listen = 127.0.0.1
		$_ssl
		disable_plaintext_auth = no
		auth_mechanisms = plain login
		auth_failure_delay = 0
		first_valid_uid = 1
		mail_location = maildir:$IMAP_MAILDIR
		passdb {
		  driver = passwd-file
		  args = scheme=PLAIN username_format=%u $IMAP_DIR/passwd
		}
		userdb {
		  driver = static
		  args = uid=$_uid gid=$_gid home=$IMAP_DIR/home
		}
		service imap-login {
		  inet_listener imap {
		    address = 127.0.0.1
		    port = $IMAP_PORT
		  }
		  inet_listener imaps {
		    address = 127.0.0.1
		    port = $IMAPS_PORT
		  }
		}
		service anvil {
		  unix_listener anvil-auth-penalty {
		    mode = 0
		  }
		}
		$_users
	EOF
	dovecot -F -c "$IMAP_DIR/dovecot.conf" </dev/null >"$IMAP_DIR/stderr.log" 2>&1 &
	IMAP_PID=$!
	srv_wait_port "$IMAP_PORT" "$IMAP_PID" 10 "$IMAP_DIR/dovecot.log" dovecot || {
		cat "$IMAP_DIR/stderr.log" >&2
		return 1
	}
}

imap_stop() {
	[ -n "${IMAP_DIR:-}" ] || return 0
	srv_kill "${IMAP_PID:-}" 5
	_left=$(srv_leftovers "$IMAP_DIR")
	if [ -n "$_left" ]; then
		# children see their master gone within a moment; give them that
		sleep 0.2
		_left=$(srv_leftovers "$IMAP_DIR")
	fi
	if [ -n "$_left" ]; then
		echo "imap.sh: killing leftover processes:" $_left >&2
		kill -KILL $_left 2>/dev/null
	fi
	[ "${IMAP_KEEP:-0}" = 1 ] || rm -rf "$IMAP_DIR"
	IMAP_DIR= IMAP_PID= IMAP_PORT= IMAPS_PORT=
}
