#!/usr/bin/env bash
# Starts the real binary under Xvfb on a file with a million cards and saves
# a screenshot of the main window and of each dialog into docs/screenshots/.
#
#   scripts/screenshots.sh [OUTDIR]
#
# Needs xvfb, imagemagick (import) and xdotool; installs them with apt-get
# when run as root. The million-card file is made once in /tmp and reused.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-docs/screenshots}
mkdir -p "$out"
need=()
for p in xvfb:Xvfb imagemagick:import xdotool:xdotool; do
  command -v "${p#*:}" >/dev/null || need+=("${p%%:*}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  else echo "screenshots.sh: install ${need[*]} first: sudo apt-get install -y ${need[*]}" >&2; exit 1; fi
fi
make -s build
db=/tmp/topupcards-million/cards.db
if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  t() { ./topupcards --db "$db" "$@" >/dev/null; }
  t resellers add "Reseller 1"; t resellers add "Acme Mobile"; t resellers add "Kiosk Nord"
  t generate --amount 8.00 --quantity 400000 --series 3 --reseller "Reseller 1" --expiry 2027-06-30
  t generate --amount 26.00 --quantity 300000 --series 2 --reseller "Acme Mobile" --check-digit
  t generate --amount 15.00 --quantity 200000 --series 1 --reseller "Kiosk Nord"
  t generate --amount 50.00 --currency EUR --quantity 100000 --series EU
  for pin in $(./topupcards --db "$db" list --format csv --serial-from 2-1 --serial-to 2-5 | tail -n +2 | cut -d, -f5); do
    t redeem --pin "$pin" --client "Rose Orig"
  done
  t edit --serial-from 3-7 --serial-to 3-9 --block
fi
export LANG=en_US.UTF-8 TOPUPCARDS_DB="$db"
export XDG_CONFIG_HOME=$(mktemp -d)  # fresh preferences: the default window size
Xvfb :97 -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=:97
sleep 1
# shot NAME [X Y]: start the app, optionally click a toolbar button, save NAME.png.
shot() {
  local name=$1
  local start=$(date +%s.%N)
  ./topupcards 2>/dev/null &
  local app=$!
  # Wait until the window is mapped, then give it a moment to load the first page.
  until xdotool search --name "Top-up Cards" >/dev/null 2>&1; do sleep 0.1; done
  sleep 2.5
  if [ $# -ge 3 ]; then xdotool mousemove "$2" "$3" click 1; sleep 1.5; fi
  import -window root "$out/$name.png"
  echo "$name.png (app RSS $(($(ps -o rss= -p $app) / 1024)) MB)"
  kill $app; wait $app 2>/dev/null || true
}
shot main
shot generate 105 49
shot mass-edit 262 49
shot redeem 367 49
shot export 462 49
shot resellers 566 49
shot history 705 49
