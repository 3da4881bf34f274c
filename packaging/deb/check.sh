#!/usr/bin/env bash
# check.sh checks the .deb of Top-up Cards the way CI does (make test-deb):
# its metadata and file list, that every library the binary links is in
# Depends, then installs it with apt into this machine, runs a command-line
# round trip on a temporary database and removes the package again.
#
# Usage: packaging/deb/check.sh topupcards_<version>_amd64.deb   (as root)
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 PACKAGE.deb" >&2; exit 2; }
deb=$(realpath "$1")
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== dpkg-deb --info"
dpkg-deb --info "$deb"
echo "== dpkg-deb --contents"
dpkg-deb --contents "$deb" | tee /tmp/topupcards-deb-contents.$$
for f in ./usr/bin/topupcards ./usr/share/applications/com.topupcards.app.desktop \
	./usr/share/icons/hicolor/256x256/apps/topupcards.png; do
	grep -q " $f\$" /tmp/topupcards-deb-contents.$$ || fail "$f missing from the package"
done
grep -q '^-rwxr-xr-x root/root .* ./usr/bin/topupcards$' /tmp/topupcards-deb-contents.$$ ||
	fail "/usr/bin/topupcards is not root-owned mode 0755"
rm -f /tmp/topupcards-deb-contents.$$

# Every shared library the binary links must come from a package in Depends.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/root"
depends=$(dpkg-deb --field "$deb" Depends)
for lib in $(objdump -p "$work/root/usr/bin/topupcards" | awk '$1 == "NEEDED" { print $2 }'); do
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && !found { print $NF; found = 1 }')
	[ -n "$path" ] || fail "$lib is not installed here"
	owner=$(dpkg -S "$(realpath "$path")" 2>/dev/null || dpkg -S "$path") || fail "no package owns $path"
	owner=${owner%%:*}
	[[ ", $depends," == *", $owner"[\ ,]* ]] || fail "$lib ($owner) is linked but not in Depends: $depends"
	echo "ok   $lib from $owner (in Depends)"
done

echo "== apt-get install $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Use-Pty=0 "$deb" >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; fail "apt-get install"; }
trap 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q topupcards >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
[ "$(command -v topupcards)" = /usr/bin/topupcards ] || fail "topupcards is not on PATH"
topupcards --version
db=$work/cards.db
topupcards --db "$db" generate --amount 8.00 --quantity 5 --series 3
pin=$(topupcards --db "$db" list --format csv | awk -F, 'NR == 2 { print $5 }')
topupcards --db "$db" redeem --pin "$pin" --client "Deb Check"
status=0
topupcards --db "$db" redeem --pin "$pin" --client "Deb Check" 2>/dev/null || status=$?
[ $status -eq 1 ] || fail "second redeem exited $status, want 1"
[ "$(stat -c %a "$db")" = 600 ] || fail "database mode $(stat -c %a "$db"), want 600"
echo "ok   installed topupcards: generate, list, redeem, a refused second redeem (exit 1), database mode 0600"

DEBIAN_FRONTEND=noninteractive apt-get remove -y -q topupcards >/dev/null
[ ! -e /usr/bin/topupcards ] || fail "/usr/bin/topupcards left after removal"
echo "ok   removed again"
