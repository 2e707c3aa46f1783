#!/bin/sh
# scripts/format.sh - the C sources in .clang-format's layout.
#
# Usage: sh scripts/format.sh          format every .c and .h in place
#        sh scripts/format.sh --check  change nothing; name each file that
#                                      differs and exit 1 (make check runs this)
#
# The files are the project's own: every .c and .h under the source folders
# (build output, var/ and out/ are not looked at). clang-format's layout
# changes between major versions, so the check names the version it wants.
set -eu

cd "$(dirname "$0")/.."
WANT=14
check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*)
	echo "usage: sh scripts/format.sh [--check]" >&2
	exit 2
	;;
esac

command -v clang-format >/dev/null 2>&1 || {
	echo "format.sh: clang-format is not installed (Debian package clang-format; 'make deps' installs it)" >&2
	exit 1
}
have=$(clang-format --version | sed -n 's/.*version \([0-9][0-9]*\)\..*/\1/p')
if [ "$have" != "$WANT" ]; then
	echo "format.sh: clang-format $have is not $WANT, whose layout the tree is in; the check is not meaningful" >&2
	exit 3
fi

files=$(find analytics bench cli common crm gateway gen merge scripts survey tests \
	-name '*.c' -o -name '*.h' 2>/dev/null | LC_ALL=C sort)

if [ $check = 0 ]; then
	echo "$files" | xargs clang-format -i
	exit 0
fi
bad=0
for f in $files; do
	if ! clang-format "$f" | cmp -s - "$f"; then
		echo "$f: not in the layout of .clang-format"
		bad=$((bad + 1))
	fi
done
if [ $bad -gt 0 ]; then
	echo "format.sh: $bad file(s) differ; 'make format' puts them in the layout (clang-format -i), then review and commit" >&2
	exit 1
fi
