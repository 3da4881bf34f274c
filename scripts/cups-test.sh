#!/usr/bin/env bash
# cups-test.sh starts and stops a private CUPS for the printing tests: its
# own cupsd with its configuration, spool, logs and socket in one folder, a
# cups-pdf virtual printer named TopupPDF in it, and nothing of the
# system's CUPS touched (its printers, its socket, its files). cups-pdf
# writes what it prints where /etc/cups/cups-pdf.conf says (Debian:
# ~/PDF of the user who printed).
#
#   scripts/cups-test.sh start DIR   prints the socket to give lp and lpstat
#                                    as CUPS_SERVER
#   scripts/cups-test.sh stop DIR
#
# Needs Debian's cups and printer-driver-cups-pdf (make test installs them)
# and root, as cupsd runs the cups-pdf backend as root.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

case $cmd in
stop)
	if [ -f "$dir/cupsd.pid" ]; then
		kill "$(cat "$dir/cupsd.pid")" 2>/dev/null || true
		rm -f "$dir/cupsd.pid"
	fi
	exit 0
	;;
start) ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

for tool in cupsd lpadmin lpstat; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || { echo "cups-test: $tool not found; install cups and printer-driver-cups-pdf" >&2; exit 1; }
done
ppd=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
[ -f "$ppd" ] || { echo "cups-test: $ppd not found; install printer-driver-cups-pdf" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "cups-test: cupsd runs the cups-pdf backend only as root" >&2; exit 1; }

mkdir -p "$dir"/{etc/ppd,spool/tmp,cache,state,log}
chmod 0755 "$dir" "$dir/spool"
chmod 1777 "$dir/spool/tmp"
sock=$dir/cups.sock
cat >"$dir/etc/cupsd.conf" <<CONF
Listen $sock
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
cat >"$dir/etc/cups-files.conf" <<CONF
ServerRoot $dir/etc
RequestRoot $dir/spool
TempDir $dir/spool/tmp
CacheDir $dir/cache
StateDir $dir/state
ErrorLog $dir/log/error_log
AccessLog $dir/log/access_log
PageLog $dir/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
SystemGroup root
CONF

env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C setsid cupsd -f -c "$dir/etc/cupsd.conf" -s "$dir/etc/cups-files.conf" </dev/null >"$dir/log/cupsd.out" 2>&1 &
echo $! >"$dir/cupsd.pid"
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] || { echo "cups-test: cupsd did not start; see $dir/log" >&2; cat "$dir/log/cupsd.out" "$dir/log/error_log" >&2 2>/dev/null || true; exit 1; }
CUPS_SERVER=$sock lpadmin -p TopupPDF -E -v cups-pdf:/ -P "$ppd"
CUPS_SERVER=$sock lpadmin -d TopupPDF
echo "$sock"
