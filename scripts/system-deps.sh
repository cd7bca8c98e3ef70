#!/usr/bin/env bash
# Debian packages the project needs beyond PyPI, installed only when missing:
#   run:  TrueType Chinese fonts that ReportLab embeds in the PDF notices
#   test: the same, plus Chromium (browser tests) and poppler-utils (PDF rendering checks)
set -euo pipefail
want=(fonts-arphic-uming fonts-wqy-zenhei)
if [ "${1:-run}" = "test" ]; then
  want+=(chromium poppler-utils)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
