#!/bin/sh
# scripts/deps.sh - install the Debian packages crmgate needs, where missing.
#
# Called by every make target; instant when everything is there. Packages are
# installed by name with apt-get (as root); as another user it says what to run.
set -eu

PACKAGES="build-essential pkg-config libpq-dev libxml2-dev libzip-dev libetpan-dev
libcurl4-gnutls-dev libmicrohttpd-dev libcriterion-dev postgresql-15 postgresql-client-15 time python3
libreoffice-writer-nogui fonts-wqy-microhei poppler-utils"

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
apt-get -o DPkg::Lock::Timeout=600 update -q >&2
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing >&2
