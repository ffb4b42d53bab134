#!/usr/bin/env bash
# Installs what the demo and the tests need from Debian, when missing: Chromium and Firefox ESR (end-to-end tests),
# Firefox's Chinese language pack (the accessibility walk audits Firefox's zh_CN UI),
# redis-server (the Redis backend's tests and benchmarks start their own on free ports), a Chinese font (zh_CN pages and
# the store screenshots would show empty boxes without one).
# Test tools never download browsers of their own here (no network but the package registries).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
dpkg-query -W -f='${Status}' firefox-esr-l10n-zh-cn 2>/dev/null | grep -q 'ok installed' || missing+=(firefox-esr-l10n-zh-cn)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Please install: ${missing[*]} (apt-get install -y ${missing[*]})" >&2; exit 1
fi
echo "Installing ${missing[*]} with apt…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
