#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (test tools cannot download browsers here).
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) \
    || { echo "Could not install chromium (apt-get failed)." >&2; exit 1; }
else
  echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2
  exit 1
fi
