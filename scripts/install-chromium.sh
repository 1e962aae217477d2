#!/usr/bin/env bash
# Ensure /usr/bin/chromium (Debian's `chromium` package) exists: the Bull Board e2e test drives
# it through playwright-core, which never downloads browsers of its own.
# Idempotent: exits 0 at once when Chromium is already there. Installs it with apt-get when run
# as root; otherwise prints the command to run and exits 1.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
# Without recommendations (they bring printing and desktop services); fonts for legible screenshots.
PACKAGES='chromium fonts-liberation'
INSTALL="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES"

if [[ -x $CHROMIUM ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  printf 'error: %s is missing. Install it as root:\n  %s\n' "$CHROMIUM" "$INSTALL" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  printf 'error: %s is missing and apt-get is not available to install it\n' "$CHROMIUM" >&2
  exit 1
fi

printf 'Installing Chromium (%s)\n' "$INSTALL" >&2
apt-get update
# shellcheck disable=SC2086 # PACKAGES is a list of words
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
[[ -x $CHROMIUM ]] || { printf 'error: %s still missing after install\n' "$CHROMIUM" >&2; exit 1; }
