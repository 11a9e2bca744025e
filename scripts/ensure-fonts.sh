#!/usr/bin/env bash
# Make sure a font with Chinese characters is there for the briefing
# maps, atlas and noticeboards (without one, Chinese prints as boxes).
# WenQuanYi Micro Hei has TrueType outlines, which every PDF reader
# draws once embedded; Noto Sans CJK is the fallback (and the browser's).
# Installs them with apt-get when running as root; otherwise says how.
set -euo pipefail
fonts="$(fc-list 2>/dev/null || true)"
have() { grep -qiF "$1" <<<"$fonts"; }
if have "WenQuanYi Micro Hei" && have "Noto Sans CJK"; then
    exit 0
fi
packages="fonts-wqy-microhei fonts-noto-cjk"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chinese fonts for the briefing outputs (apt-get)..."
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
               $packages fontconfig >/dev/null; }; then
        echo "Could not install $packages: maps and PDFs with Chinese text" \
             "will fail until a Chinese font is installed." >&2
    fi
else
    echo "Chinese fonts not found: briefing maps and PDFs need one." \
         "Install them with: sudo apt-get install $packages" \
         "(or set VILLAGE_CJK_FONT to a .ttf/.ttc file with Chinese characters)" >&2
fi
