#!/usr/bin/env bash
# build.sh stages the .deb of Top-up Cards in a temporary folder and builds it
# with dpkg-deb (make package-deb calls it).
#
# Usage: packaging/deb/build.sh BINARY VERSION OUT.deb
#
# The package holds /usr/bin/topupcards, the .desktop entry and the icon at
# 256 and 512 pixels in the hicolor theme. The runtime libraries are declared
# in control: GLFW opens most X11 libraries and libGL with dlopen, so
# dpkg-shlibdeps would not see them; check.sh compares the list with what the
# binary links and what GLFW opens.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 BINARY VERSION OUT.deb" >&2; exit 2; }
bin=$1 version=$2 out=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/topupcards

install -D -m 0755 "$bin" "$pkg/usr/bin/topupcards"
install -D -m 0644 "$here/topupcards.desktop" "$pkg/usr/share/applications/com.topupcards.app.desktop"
for size in 256 512; do
	dir=$pkg/usr/share/icons/hicolor/${size}x${size}/apps
	mkdir -p "$dir"
	convert "$root/assets/icon.png" -resize ${size}x${size} "$dir/topupcards.png"
done
install -d "$pkg/usr/share/doc/topupcards"
printf 'Top-up Cards %s\n\nSee topupcards -h, and the README of the project.\n' "$version" \
	>"$pkg/usr/share/doc/topupcards/README"

size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
mkdir -p "$pkg/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/control" >"$pkg/DEBIAN/control"

# Files owned by root whoever builds the package.
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
echo "package-deb: wrote $out"
