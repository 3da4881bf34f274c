#!/usr/bin/env bash
# deps.sh makes sure this machine can build Top-up Cards: Go at the version
# go.mod asks for, and the C compiler and X11/Wayland/OpenGL headers that
# Fyne's cgo driver (GLFW) compiles against.
#
# Usage: scripts/deps.sh [extra Debian package ...]
#
# Only Debian and Ubuntu are handled. Missing packages are installed with
# apt-get when running as root or with passwordless sudo; otherwise the script
# prints the command to run and fails. It prints nothing when all is present.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# --- Go ---------------------------------------------------------------------
need_go=$(awk '$1 == "go" { print $2; exit }' "$root/go.mod")

go_help() {
	local arch
	case $(uname -m) in
	x86_64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	armv6l | armv7l) arch=armv6l ;;
	i?86) arch=386 ;;
	*) arch=$(uname -m) ;;
	esac
	cat >&2 <<MSG
  Install Go $need_go or newer from https://go.dev/dl/ , for example:
    curl -LO https://go.dev/dl/go$need_go.linux-$arch.tar.gz
    sudo rm -rf /usr/local/go && sudo tar -C /usr/local -xzf go$need_go.linux-$arch.tar.gz
    export PATH=/usr/local/go/bin:\$PATH
  (Debian's and Ubuntu's golang-go packages are usually older than that.)
MSG
}

if ! command -v go >/dev/null 2>&1; then
	echo "deps: the Go toolchain ('go') is not on PATH; this project needs Go $need_go or newer." >&2
	if [ -x /usr/local/go/bin/go ]; then
		echo "  Go is installed in /usr/local/go: add it to PATH with" >&2
		echo "    export PATH=/usr/local/go/bin:\$PATH" >&2
	else
		go_help
	fi
	exit 1
fi

# Asked from inside the module, so a Go that can switch toolchains reports the
# one it would really use.
have_go=$(cd "$root" && go env GOVERSION 2>/dev/null) || have_go=""
have_go=${have_go#go}
have_go=${have_go%% *}
if [ -z "$have_go" ] || [ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n1)" != "$need_go" ]; then
	echo "deps: found Go ${have_go:-of unknown version} at $(command -v go), but go.mod needs Go $need_go or newer." >&2
	go_help
	exit 1
fi

# --- Debian packages for cgo ------------------------------------------------
# gcc and libc6-dev: the C compiler cgo runs. libgl1-mesa-dev: OpenGL headers
# and libGL. The X11 libraries and libwayland-dev: GLFW builds both its X11
# and its Wayland back ends. libxkbcommon-dev: keyboard handling in GLFW.
pkgs=(
	gcc libc6-dev pkg-config
	libgl1-mesa-dev
	libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libxext-dev
	libxkbcommon-dev libwayland-dev
	"$@"
)

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian/Ubuntu system, so system packages were not checked." >&2
	echo "  Fyne needs a C compiler and the OpenGL, X11, Wayland and xkbcommon development files;" >&2
	echo "  on Debian these are: ${pkgs[*]}" >&2
	exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
	# Read the whole answer first: a pipe into `grep -q` could cut dpkg off
	# (SIGPIPE) and, with pipefail, make an installed package look missing.
	status=$(dpkg -s "$p" 2>/dev/null || true)
	if [[ $status != *$'\nStatus: install ok installed'* ]]; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

apt_cmd="apt-get update && apt-get install -y ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root() { sudo -n "$@"; }
else
	echo "deps: these Debian packages are missing: ${missing[*]}" >&2
	echo "  Install them, then run make again:" >&2
	echo "    sudo sh -c '$apt_cmd'" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
apt_opts=(-q -y -o Dpkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >/dev/null ||
	! as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"; then
	echo "deps: apt-get failed; install the packages by hand and run make again:" >&2
	echo "    sudo sh -c '$apt_cmd'" >&2
	exit 1
fi
