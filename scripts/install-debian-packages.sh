#!/usr/bin/env bash
# Usage: install-debian-packages.sh <check>:<package> ...
# <check> is a command name, or `dpkg` to check the package's own install status. Installs only the missing ones.
set -euo pipefail
missing=()
for spec in "$@"; do
  check="${spec%%:*}"; pkg="${spec#*:}"
  case "$check" in
    dpkg) dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg") ;;
    *) command -v "$check" >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && sudo="sudo" || { echo "make: missing Debian packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2; exit 1; }
fi
echo "==> apt-get install ${missing[*]}"
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } > /tmp/goldenpath-apt.log 2>&1; then
  tail -5 /tmp/goldenpath-apt.log >&2
  echo "make: apt-get install ${missing[*]} failed (log: /tmp/goldenpath-apt.log); install them by hand and run make again" >&2
  exit 1
fi
