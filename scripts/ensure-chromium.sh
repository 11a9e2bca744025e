#!/usr/bin/env bash
# Make sure Debian's chromium is there for the browser tests.
# Installs it with apt-get when running as root; otherwise says how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium for the browser tests (apt-get)..."
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
               chromium fonts-noto-cjk >/dev/null; }; then
        echo "Could not install chromium: browser tests will be skipped." >&2
    fi
else
    echo "chromium not found: browser tests will be skipped." \
         "Install it with: sudo apt-get install chromium fonts-noto-cjk" >&2
fi
