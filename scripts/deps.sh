#!/bin/sh
# scripts/deps.sh - install the Debian packages a make target needs, where missing.
#
# Usage: sh scripts/deps.sh [build|demo|check|bench]   (default: build)
#
#   build  compile crmgate: the compiler, pkg-config and the -dev packages
#   demo   build, and run it: PostgreSQL 15 (server and client)
#   check  demo, and what the tests start or call: Criterion; clang-format 14 (the
#          layout check, scripts/format.sh); LibreOffice and a
#          CJK font (merged documents converted to PDF and text); Chromium (the
#          analytics page rendered headless); Postfix, Dovecot and Kannel (the
#          test servers of tests/servers/, private instances on 127.0.0.1);
#          swaks; openssl and python3-dkim (a DKIM key, and an independent
#          verifier); poppler-utils, time, python3; Node.js with npm, unless
#          node and npm are already on PATH (the survey form filled in by
#          Chromium through playwright-core, tests/survey/test_browser.c)
#   bench  check, and wrk (survey form posts, bench/survey.sh); Node.js also
#          runs the peers docxtemplater and nodemailer
#
# Instant when everything is there. Packages are installed by name with
# apt-get (as root); as another user it names what to run and fails.
#
# Server packages would start system daemons on install (PostgreSQL's main
# cluster, dovecot and kannel on public addresses): a policy-rc.d that forbids
# starting services is in place for our apt call only ($POLICY_RC_D, for the
# test that runs this script with stand-in tools), and postfix is preseeded
# with "No configuration".
set -eu

profile=${1:-build}

BUILD="build-essential pkg-config libpq-dev libxml2-dev libzip-dev libetpan-dev
libcurl4-gnutls-dev libmicrohttpd-dev libssl-dev"
DEMO="postgresql-15 postgresql-client-15"
CHECK="libcriterion-dev clang-format time python3 libreoffice-writer-nogui fonts-wqy-microhei poppler-utils
chromium postfix swaks dovecot-imapd kannel kannel-extras openssl python3-dkim"
# Node.js may come from elsewhere than Debian (nodesource, nvm): only when
# the commands are missing are Debian's packages asked for.
NODE=""
command -v node >/dev/null 2>&1 || NODE="$NODE nodejs"
command -v npm >/dev/null 2>&1 || NODE="$NODE npm"
BENCH="wrk"

case "$profile" in
build) PACKAGES="$BUILD" ;;
demo) PACKAGES="$BUILD $DEMO" ;;
check) PACKAGES="$BUILD $DEMO $CHECK $NODE" ;;
bench) PACKAGES="$BUILD $DEMO $CHECK $NODE $BENCH" ;;
*)
	echo "deps.sh: unknown profile '$profile' (build, demo, check or bench)" >&2
	exit 2
	;;
esac

command -v dpkg-query >/dev/null 2>&1 || {
	echo "deps.sh: not a Debian system; install the equivalents of: $(echo $PACKAGES)" >&2
	exit 0
}

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root: apt-get install -y$missing" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
case " $missing " in
*" postfix "*)
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	;;
esac

# No service may start during our apt call. An existing policy-rc.d (Docker
# images have one) is put back afterwards, whatever it said.
policy=${POLICY_RC_D:-/usr/sbin/policy-rc.d}
saved=$policy.crmgate-saved.$$
ours=0
restore_policy() {
	[ "$ours" = 1 ] || return 0
	rm -f "$policy"
	if [ -e "$saved" ] || [ -L "$saved" ]; then mv "$saved" "$policy"; fi
	ours=0
}
trap restore_policy EXIT
trap 'exit 1' INT TERM
if [ -e "$policy" ] || [ -L "$policy" ]; then mv "$policy" "$saved"; fi
ours=1
printf '#!/bin/sh\n# scripts/deps.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
chmod 755 "$policy"

apt-get -o DPkg::Lock::Timeout=600 update -q >&2
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing >&2
restore_policy

# Belt and braces: if a system daemon of these packages runs anyway (started
# before, or policy-rc.d ignored), stop it; the tests run their own.
for svc in postfix dovecot kannel; do
	[ -x "/etc/init.d/$svc" ] || continue
	case " $missing " in
	*" $svc "* | *" $svc-"*) /etc/init.d/$svc stop >/dev/null 2>&1 || true ;;
	esac
done
