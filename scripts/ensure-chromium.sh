#!/usr/bin/env bash
# The browser e2e specs drive Debian's chromium through playwright-core, which downloads no
# browser of its own: install the distribution's package when it is missing (as root, or with
# sudo when that works without a password). Run by `npm run test:ci`, so the README's test line
# works on a fresh machine; CHROMIUM_PATH names another Chromium and skips this.
set -uo pipefail
[ -n "${CHROMIUM_PATH:-}" ] && exit 0
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ]; then
  run=()
elif sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  echo "chromium is missing and cannot be installed without root: apt-get install chromium" >&2
  exit 1
fi
"${run[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y chromium
