#!/usr/bin/env bash
# test-windows.sh installs the Windows release of Top-up Cards into a
# throw-away Wine prefix and checks it as a reseller would use it:
#
#   1. installs "Top-up Cards Setup <version>.exe" silently (/S) and checks the
#      files, the Start-menu and desktop shortcuts, the uninstall entry and
#      the PATH entry;
#   2. runs the command line from the installed folder (topupcards.exe) on a
#      database in a user folder with a space and non-ASCII letters
#      (C:\users\Zoë Ünal\Documents\…): generate, list, redeem, edit, export
#      PDF/xlsx/CSV, backups; checks exit codes and redirection, also through
#      cmd.exe; reads every QR code of the PDF's first page back and matches
#      it against the PINs; checks the default database lands in
#      %APPDATA%\topupcards\cards.db;
#   3. (unless --no-window) opens the window under Xvfb and saves a screenshot;
#   4. uninstalls silently and checks the program is gone and both card
#      databases are still there.
#
# Usage: scripts/test-windows.sh [--no-window] [--screenshot FILE] SETUP.exe
#
# Needs (make test-windows installs them): wine wine64 xvfb xauth xdotool
# imagemagick poppler-utils zbar-tools gcc-mingw-w64-x86-64.
#
# Wine 8.0 (Debian 12) lacks ProcessPrng, which Go programs need at start-up;
# packaging/windows/test/bcryptprimitives.c is a stand-in built here into the
# prefix only. It is never shipped: Windows 8 and later have the real one.
set -euo pipefail
# (Checks pipe into `grep PATTERN >/dev/null`, never `grep -q` or `head`:
# those stop reading early, the writer before them dies of SIGPIPE and
# pipefail turns a passing check into a failure now and then.)

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

window=1
shot=""
while [ $# -gt 0 ]; do
	case $1 in
	--no-window) window=0 ;;
	--screenshot) shot=$2; shift ;;
	--inner) inner=1 ;;
	-*) echo "test-windows: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || { echo "usage: $0 [--no-window] [--screenshot FILE] SETUP.exe" >&2; exit 2; }
setup=$(realpath "$1")
[ -n "$shot" ] && shot=$(realpath -m "$shot")

# Every Wine call runs inside one Xvfb server: Wine's desktop process stays
# connected to the display it first saw, and a window needs one.
if [ -z "${inner:-}" ]; then
	args=()
	[ $window -eq 0 ] && args+=(--no-window)
	[ -n "$shot" ] && args+=(--screenshot "$shot")
	exec xvfb-run -a -s "-screen 0 1920x1200x24 -nolisten tcp" bash "$0" --inner "${args[@]}" "$setup"
fi

export LC_ALL=C.UTF-8 # arguments and file names with ë and Ü reach Windows as UTF-16
export WINEDEBUG=-all
# No Mono/Gecko prompts, no menu entries in the Linux desktop; our ProcessPrng.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;bcryptprimitives=n,b"
unset TOPUPCARDS_DB
work=$(mktemp -d /tmp/topupcards-wine.XXXXXX)
export WINEPREFIX=$work/prefix

cleanup() {
	timeout 30 wineserver -k 2>/dev/null || true
	timeout 30 wineserver -w 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s)
step() { printf '\n== %s (%ds)\n' "$*" $(($(date +%s) - t0)); }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

# w runs a Windows program with a time limit; stdout and the exit status are
# the program's own.
w() { timeout 120 wine "$@"; }
# unix turns a Windows path into the Linux path of the same file.
unix() { winepath -u "$1" 2>/dev/null; }

step "Wine prefix"
timeout 300 wine wineboot -i >/dev/null 2>&1 || fail "wineboot failed"
# Wine links Desktop, Documents, ... to the Linux home folder: make them real
# folders inside the prefix, so that nothing the test does lands in $HOME.
for d in "$WINEPREFIX"/drive_c/users/*/*; do
	if [ -L "$d" ]; then rm "$d" && mkdir "$d"; fi
done
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	"$root/packaging/windows/test/bcryptprimitives.c" "$root/packaging/windows/test/bcryptprimitives.def" -ladvapi32
ok "prefix in $WINEPREFIX, stand-in bcryptprimitives.dll (tests only)"

winenv() { w cmd /c echo "%$1%" | tr -d '\r'; }
localappdata=$(winenv LOCALAPPDATA)
appdata=$(winenv APPDATA)
instdir="$localappdata\\Programs\\Top-up Cards"
uinst=$(unix "$instdir")
[ -n "$uinst" ] || fail "no Linux path for $instdir"

step "Silent install: $(basename "$setup") /S"
timeout 300 wine "$setup" /S || fail "installer exited with $?"
for f in "Top-up Cards.exe" topupcards.exe Uninstall.exe; do
	[ -f "$uinst/$f" ] || fail "$instdir\\$f missing"
done
ok "installed into $instdir"
start_menu=$(unix "$appdata\\Microsoft\\Windows\\Start Menu\\Programs\\Top-up Cards.lnk")
[ -f "$start_menu" ] || fail "Start-menu shortcut missing"
desktop=$(unix "$(winenv USERPROFILE)\\Desktop\\Top-up Cards.lnk")
[ -f "$desktop" ] || fail "desktop shortcut missing"
ok "Start-menu and desktop shortcuts"
uninstkey='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\TopupCards'
w reg query "$uninstkey" /v DisplayVersion | grep "REG_SZ" >/dev/null || fail "no uninstall entry"
ok "uninstall entry: $(w reg query "$uninstkey" /v DisplayVersion | tr -d '\r' | awk '/DisplayVersion/ {print $3}')"
w reg query 'HKCU\Environment' /v Path | tr -d '\r' | grep -F "$instdir" >/dev/null || fail "install folder not on the user's PATH"
ok "the user's PATH holds the install folder"

step "Command line from the installed folder"
cli="$instdir\\topupcards.exe"
profile='C:\users\Zoë Ünal\Documents'
mkdir -p "$(unix 'C:\users')/Zoë Ünal/Documents"
db="$profile\\Top-up Cards\\cards.db"
tc() { w "$cli" "$@"; }
expect() { # expect STATUS command...
	local want=$1 got=0
	shift
	"$@" >"$work/out" 2>"$work/err" || got=$?
	[ "$got" -eq "$want" ] || { cat "$work/err" >&2; fail "$* exited $got, want $want"; }
}

tc --version | tr -d '\r' | grep '^topupcards ' >/dev/null || fail "--version"
ok "topupcards.exe --version: $(tc --version | tr -d '\r')"
expect 0 tc --db "$db" resellers add "Zoë's Shop"
expect 0 tc --db "$db" generate --amount 8.00 --quantity 30 --series 3 --reseller "Zoë's Shop" --expiry 2030-01-31
grep -q "Generated batch 1: 30 cards" "$work/out" || fail "generate said: $(cat "$work/out")"
ok "generate: $(tr -d '\r' <"$work/out")"
[ -f "$(unix "$db")" ] || fail "database not at $db"
ok "database at $db"

# stdout redirected to a Linux file, a pipe, and inside cmd.exe.
tc --db "$db" list --batch 1 --format csv >"$work/list.csv"
[ "$(tr -d '\r' <"$work/list.csv" | sed 1d | wc -l)" -eq 30 ] || fail "list --format csv did not give 30 cards"
tc --db "$db" list --batch 1 --format csv | tr -d '\r' | sed -n 1p | grep '^status,serial,' >/dev/null || fail "list through a pipe"
# Batch files for cmd.exe; the paths reach them through the environment (as
# UTF-16, like any Windows environment), so the files themselves stay ASCII.
mkdir -p "$WINEPREFIX/drive_c/tc"
printf '@"%%TC_CLI%%" --db "%%TC_DB%%" list --format csv > "%%TC_OUT%%"\r\n' >"$WINEPREFIX/drive_c/tc/list.bat"
printf '@"%%TC_CLI%%" --db "%%TC_DB%%" redeem --pin "%%TC_PIN%%" --client X\r\n@exit /b %%ERRORLEVEL%%\r\n' \
	>"$WINEPREFIX/drive_c/tc/redeem.bat"
export TC_CLI="$cli" TC_DB="$db"
TC_OUT="$profile\\list.csv" w cmd /c 'C:\tc\list.bat' || fail "cmd.exe redirection"
cmp -s <(tr -d '\r' <"$work/list.csv") <(tr -d '\r' <"$(unix "$profile\\list.csv")") || fail "cmd.exe redirection wrote other text"
ok "list --format csv: 30 cards to a file, a pipe and through cmd.exe's >"

expect 2 tc --db "$db" generate --amount nope
expect 2 tc --db "$db" no-such-command
grep -q "topupcards:" "$work/err" || fail "no reason on stderr for a usage error"
ok "usage errors exit 2 with the reason on stderr"

pin=$(tr -d '\r' <"$work/list.csv" | awk -F, 'NR == 2 { print $5 }')
expect 0 tc --db "$db" redeem --pin "$pin" --client "Zoë Ünal"
expect 1 tc --db "$db" redeem --pin "$pin" --client "Someone Else"
ok "redeem $pin: 0, again: 1 ($(tr -d '\r' <"$work/err"))"
status=0
TC_PIN="$pin" w cmd /c 'C:\tc\redeem.bat' >/dev/null 2>&1 || status=$?
[ $status -eq 1 ] || fail "cmd.exe /c passed on exit status $status, want 1"
ok "cmd.exe sees the exit status (1)"

expect 0 tc --db "$db" backups create
backup=$(tr -d '\r' <"$work/out" | sed -n 's/^Backed up [0-9]* cards to \(.*\) ([0-9]* bytes, checked)\.$/\1/p')
[ -n "$backup" ] && [ -f "$(unix "$backup")" ] || fail "backups create said: $(cat "$work/out")"
ok "backups create: $backup"

expiry_is() { # expiry_is PATTERN: every new card of batch 1 expires so
	tc --db "$db" list --batch 1 --status new --format csv | tr -d '\r' | sed 1d | awk -F, -v p="$1" '$7 !~ p { bad = 1 } END { exit bad }'
}
expect 0 tc --db "$db" edit --batch 1 --status new --expiry 2031-06-30
expiry_is '^2031-0[67]-' || fail "edit did not move the expiry"
op=$(tr -d '\r' <"$work/out" | sed -n 's/.*topupcards undo \([0-9]*\) --yes.*/\1/p')
[ -n "$op" ] || fail "edit did not say its history number: $(cat "$work/out")"
ok "edit --expiry on 29 cards (#$op in the history)"
expect 2 tc --db "$db" undo "$op"
expect 0 tc --db "$db" undo "$op" --yes
expiry_is '^2030-01-31' || fail "undo did not bring the old expiry back"
expect 1 tc --db "$db" undo "$op" --yes
ok "undo #$op: the expiry before the edit is back; a second undo is refused (exit 1)"

expect 0 tc --db "$db" edit --batch 1 --status new --expiry 2031-06-30
expect 0 tc --db "$db" backups list
grep -qF "$backup" <(tr -d '\r' <"$work/out") || fail "backups list does not show $backup"
expect 2 tc --db "$db" backups restore "$backup"
expect 0 tc --db "$db" backups restore "$backup" --yes
expiry_is '^2030-01-31' || { cat "$work/out" >&2; fail "the restore did not bring the old expiry back"; }
expect 1 tc --db "$db" redeem --pin "$pin" --client "After the restore"
ok "backups restore: the expiry before the edit is back; the redeemed card stays redeemed"

pdf="$profile\\vouchers Zoë.pdf"
expect 0 tc --db "$db" export --batch 1 --layout cards-a4-10up --cut-marks --out "$pdf"
expect 0 tc --db "$db" export --batch 1 --out "$profile\\vouchers.xlsx"
expect 0 tc --db "$db" export --batch 1 --out "$profile\\cards.csv"
expect 1 tc --db "$db" export --batch 1 --out "$profile\\cards.csv"
ok "export PDF, xlsx, CSV; a second export to the same file is refused (exit 1)"
unzip -l "$(unix "$profile\\vouchers.xlsx")" | grep 'xl/workbook.xml' >/dev/null || fail "xlsx is not a workbook"
[ "$(tr -d '\r' <"$(unix "$profile\\cards.csv")" | sed 1d | wc -l)" -eq 30 ] || fail "CSV export does not hold 30 cards"

# Each tile of cards-a4-10up on its own (85 x 54 mm, 2 x 5, 15 mm side and
# 13.5 mm top margins, 10 mm between the columns), rendered at 300 dpi, as
# export's own tests read them.
pdftoppm -r 300 -f 1 -l 1 -singlefile -png "$(unix "$pdf")" "$work/page"
: >"$work/qr.txt"
for i in $(seq 0 9); do
	read -r x y wd ht < <(awk -v c=$((i % 2)) -v r=$((i / 2)) 'BEGIN {
		k = 300 / 25.4
		printf "%d %d %d %d\n", (15 + c * 95) * k, (13.5 + r * 54) * k, 85 * k, 54 * k }')
	convert "$work/page.png" -crop "${wd}x${ht}+${x}+${y}" +repage "$work/tile.png"
	zbarimg -q --raw -Sdisable -Sqrcode.enable "$work/tile.png" 2>/dev/null | tr -d ' \r' >>"$work/qr.txt" || true
done
sort -o "$work/qr.txt" "$work/qr.txt"
tr -d '\r' <"$work/list.csv" | awk -F, 'NR > 1 { print $5 }' | tr -d ' ' | sort >"$work/pins.txt"
n=$(grep -c . "$work/qr.txt" || true)
[ "$n" -eq 10 ] || fail "read $n QR codes on the PDF's first page, want 10"
[ -z "$(comm -23 "$work/qr.txt" "$work/pins.txt")" ] || fail "QR codes that are no PIN of the batch: $(comm -23 "$work/qr.txt" "$work/pins.txt" | head -3)"
[ "$(uniq "$work/qr.txt" | wc -l)" -eq 10 ] || fail "the same PIN twice on one page"
ok "PDF page 1: all 10 QR codes read back, each a distinct PIN of the batch"

# The default database: %APPDATA%\topupcards\cards.db.
expect 0 tc generate --amount 5.00 --quantity 3 --series 7
defdb=$(unix "$appdata\\topupcards\\cards.db")
[ -f "$defdb" ] || fail "no database at $appdata\\topupcards\\cards.db"
ok "default database: $appdata\\topupcards\\cards.db"
TOPUPCARDS_DB="$profile\\env.db" tc resellers add "Env Shop" >/dev/null || fail "TOPUPCARDS_DB"
TOPUPCARDS_DB="$profile\\env.db" tc resellers list | tr -d '\r' | grep "^Env Shop" >/dev/null || fail "TOPUPCARDS_DB: the reseller is not there"
[ -f "$(unix "$profile\\env.db")" ] || fail "TOPUPCARDS_DB was not used"
ok "TOPUPCARDS_DB with a non-ASCII path"

if [ $window -eq 1 ]; then
	step "The window"
	timeout 120 wine "$instdir\\Top-up Cards.exe" --db "$db" >"$work/gui.log" 2>&1 &
	gui=$!
	for _ in $(seq 60); do
		xdotool search --name '^Top-up Cards' >/dev/null 2>&1 && break
		sleep 1
	done
	xdotool search --name '^Top-up Cards' >/dev/null 2>&1 || { cat "$work/gui.log" >&2; fail "no window"; }
	sleep 8 # first frame, table and footer
	if [ -n "$shot" ]; then
		mkdir -p "$(dirname "$shot")"
		wid=$(xdotool search --name '^Top-up Cards' | tail -1)
		import -window "$wid" "$shot" 2>/dev/null || import -window root "$shot"
		ok "window open; screenshot in $shot"
	else
		ok "window open"
	fi
	timeout 30 wine taskkill /f /im "Top-up Cards.exe" >/dev/null 2>&1 || true
	kill "$gui" 2>/dev/null || true
	wait "$gui" 2>/dev/null || true
fi

step "Silent uninstall"
timeout 120 wine "$instdir\\Uninstall.exe" /S || fail "uninstaller exited with $?"
# The uninstaller copies itself to %TEMP% and returns at once; wait for it.
for _ in $(seq 120); do
	[ -e "$uinst/Top-up Cards.exe" ] || [ -e "$uinst/Uninstall.exe" ] || break
	sleep 1
done
[ ! -e "$uinst" ] || fail "$instdir still there: $(ls "$uinst")"
[ ! -e "$start_menu" ] && [ ! -e "$desktop" ] || fail "shortcuts left behind"
! w reg query "$uninstkey" >/dev/null 2>&1 || fail "uninstall entry left behind"
! w reg query 'HKCU\Environment' /v Path 2>/dev/null | tr -d '\r' | grep -F "$instdir" >/dev/null || fail "install folder left on PATH"
ok "program, shortcuts, uninstall entry and PATH entry removed"
[ -f "$defdb" ] && [ -f "$(unix "$db")" ] || fail "a card database was removed"
ok "card databases kept: $appdata\\topupcards\\cards.db and $db"

step "test-windows: all passed"
