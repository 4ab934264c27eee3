#!/usr/bin/env bash
# Install the Debian packages a make target needs, if they are missing: tools/setup-system.sh PACKAGE...
#   chromium           /usr/bin/chromium (or $FRIVILLIGDATA_CHROMIUM): browser tests, report charts and PDF
#   poppler-utils      pdftotext: the report tests read the PDF's pages
#   fonts-dejavu-core  the fonts Chromium renders with offline
#   npm                npm: make test installs axe-core (the accessibility checks) with it
#   nginx-light        nginx: make dashboard WORKERS=2 and its browser test
# A package counts as present when the program the code runs is there (so npm from NodeSource's nodejs counts).
# Missing ones are installed with apt-get (as root, or with passwordless sudo), saying so in one line; otherwise
# the script stops at once with one line naming the command to run. Nothing is printed when all are present.
set -euo pipefail

present() {
    case "$1" in
        chromium) [ -x "${FRIVILLIGDATA_CHROMIUM:-/usr/bin/chromium}" ] ;;
        poppler-utils) command -v pdftotext >/dev/null ;;
        fonts-dejavu-core) [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] ;;
        npm) command -v npm >/dev/null ;;
        nginx-light) command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] ;;
        *) echo "tools/setup-system.sh: unknown package $1" >&2; exit 2 ;;
    esac
}

missing=()
for pkg in "$@"; do
    present "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "error: missing Debian packages ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "setup: installing ${missing[*]} with apt-get (missing on this machine)"
# nginx's package would start a service: a policy-rc.d that refuses keeps it stopped (server.cluster runs its own)
policy=/usr/sbin/policy-rc.d
created_policy=
if [[ " ${missing[*]} " == *" nginx-light "* ]] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod +x "$policy"
    created_policy=1
fi
status=0
log=$(mktemp /tmp/frivilligdata-apt.XXXXXX.log)
# another apt-get running (unattended upgrades, a colleague) holds the dpkg lock: wait for it up to 10 minutes
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=600)
{ "${apt[@]}" update && "${apt[@]}" install -y "${missing[@]}"; } >"$log" 2>&1 || status=$?
[ -z "$created_policy" ] || "${as_root[@]}" rm -f "$policy"
if [ $status -ne 0 ]; then
    echo "error: apt-get install ${missing[*]} failed (status $status); its output: $log" >&2
    exit 1
fi
rm -f "$log"
for pkg in "${missing[@]}"; do
    present "$pkg" || { echo "error: $pkg was installed but is still not found" >&2; exit 1; }
done
