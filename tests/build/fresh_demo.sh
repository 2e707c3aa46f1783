#!/bin/sh
# tests/build/fresh_demo.sh - `make demo` in a fresh copy of the tree, on a
# machine that seems to have none of the packages: stand-ins for dpkg-query,
# apt-get and pkg-config come first on PATH and report every package missing
# until the stand-in apt-get has "installed" it (the real headers and
# libraries are there, but without pkg-config's flags the build cannot find
# them, which is how a fresh Debian machine fails). Nothing on the machine is
# installed or changed: apt-get only writes down what it was asked for.
#
# Usage: sh tests/build/fresh_demo.sh SRC WORK
#   SRC   the project tree (its files that git tracks or would track)
#   WORK  an empty folder; gets tools/, state/ (installed, apt.log),
#         tree/ (the copy, where make demo runs) and make.log
# Exit status: that of `make demo`.
set -u
src=$1
work=$2
mkdir -p "$work/tools" "$work/state" "$work/tree"
: >"$work/state/installed"
: >"$work/state/apt.log"

cat >"$work/tools/dpkg-query" <<'EOT'
#!/bin/sh
# dpkg-query -W -f='${Status}' PACKAGE: installed only once apt-get took it
for p; do :; done
if grep -qx "$p" "$FRESH_STATE/installed"; then
	printf 'install ok installed'
	exit 0
fi
echo "dpkg-query: no packages found matching $p" >&2
exit 1
EOT
cat >"$work/tools/apt-get" <<'EOT'
#!/bin/sh
echo "apt-get $*" >>"$FRESH_STATE/apt.log"
install=0
for a; do
	case "$a" in
	install) install=1 ;;
	-o) ;;
	-*) ;;
	*) [ "$install" = 1 ] && echo "$a" >>"$FRESH_STATE/installed" ;;
	esac
done
exit 0
EOT
cat >"$work/tools/debconf-set-selections" <<'EOT'
#!/bin/sh
cat >/dev/null
echo "debconf-set-selections" >>"$FRESH_STATE/apt.log"
EOT
cat >"$work/tools/pkg-config" <<'EOT'
#!/bin/sh
# each .pc file belongs to a -dev package: none is there until it is installed
for a; do
	case "$a" in
	libpq) dev=libpq-dev ;;
	libzip) dev=libzip-dev ;;
	libxml-2.0) dev=libxml2-dev ;;
	libcurl) dev=libcurl4-gnutls-dev ;;
	libmicrohttpd) dev=libmicrohttpd-dev ;;
	libcrypto) dev=libssl-dev ;;
	criterion) dev=libcriterion-dev ;;
	-*) continue ;;
	*) dev=$a ;;
	esac
	if ! grep -qx "$dev" "$FRESH_STATE/installed"; then
		echo "Package $a was not found in the pkg-config search path." >&2
		exit 1
	fi
done
exec "$FRESH_REAL_PKG_CONFIG" "$@"
EOT
chmod 755 "$work/tools/"*

# the tree as a fresh clone has it: what git tracks (and new files it would)
(cd "$src" && git ls-files -co --exclude-standard -z) |
	tar -C "$src" --null --no-recursion -T - -cf - | tar -xf - -C "$work/tree" || exit 1

# the outer make's settings (jobserver, SANITIZE=...) must not reach this one
cd "$work/tree" &&
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u MAKEOVERRIDES -u CRMGATE_CONFIG -u CRMGATE_HOME \
		-u PGHOST -u PGPORT -u PGDATABASE -u PGUSER -u PGSERVICE \
		PATH="$work/tools:$PATH" FRESH_STATE="$work/state" FRESH_REAL_PKG_CONFIG="$(command -v pkg-config)" \
		POLICY_RC_D="$work/state/policy-rc.d" \
		make demo >"$work/make.log" 2>&1
