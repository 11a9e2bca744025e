"""A font with Chinese characters for the maps, atlas and noticeboards.

Matplotlib's own fonts have no Chinese glyphs: without a CJK font every
name would print as an empty box. :func:`cjk_font` looks for one in the
usual places (``VILLAGE_CJK_FONT`` first, then Debian, Fedora, Arch,
macOS and Windows font folders, then the fonts matplotlib knows) and
registers it; :func:`rc_params` gives the settings a drawing uses, with
fonts embedded in PDFs as TrueType subsets (``pdf.fonttype`` 42), so a
PDF shows its Chinese on a machine without the font.

Fonts with TrueType outlines (WenQuanYi Micro Hei or Zen Hei, Microsoft
YaHei, SimHei) are preferred: matplotlib embeds fonts with CFF outlines
(Noto Sans CJK, Source Han Sans) as TrueType, which some PDF readers
refuse to draw. ``scripts/ensure-fonts.sh`` installs both kinds on
Debian.

When no font is found, :func:`cjk_font` raises an error that names the
fix; a drawing never falls back to boxes silently.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection, TTFont, TTLibError

from gis.errors import GisError
from gis.i18n import t

log = logging.getLogger(__name__)

ENV_VAR = "VILLAGE_CJK_FONT"
# characters a usable font must have: common ones in village names
PROBE = "村规划项目资金验收幸福石门坎"

# known files, best first; each is searched in every font folder
_KNOWN_FILES = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "msyh.ttc",
    "simhei.ttf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "PingFang.ttc",
    "DroidSansFallbackFull.ttf",
)
_FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
# in a collection, the face for Simplified Chinese (not the JP default)
_PREFERRED_FACES = ("SC", "GB", "Micro Hei", "Zen Hei", "YaHei", "SimHei")
# family names that cover CJK, for fonts matplotlib already knows
_CJK_WORDS = ("CJK", "Hei", "Song", "Kai", "Ming", "YaHei", "PingFang", "Han Sans")
# latin fallback for the few signs a CJK font may lack
_FALLBACK = "DejaVu Sans"


class FontMissingError(GisError, RuntimeError):
    """No font with Chinese characters could be found."""


@dataclass(frozen=True)
class CjkFont:
    """A registered font: its file, face index and family name.

    ``truetype`` tells whether its outlines are TrueType (embedded
    cleanly in PDFs) rather than CFF.
    """

    path: Path
    index: int
    family: str
    truetype: bool


def cjk_font() -> CjkFont:
    """The CJK font the drawings use, found and registered once.

    Raises
    ------
    FontMissingError
        No font with Chinese characters is installed; the message names
        the package to install and the environment variable to set.
    """
    return _find_and_register()


def rc_params() -> dict[str, Any]:
    """Matplotlib settings of a drawing: the CJK font, embedded in PDFs."""
    font = cjk_font()
    return {
        "font.family": [font.family, _FALLBACK],
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "axes.unicode_minus": False,
    }


@functools.cache
def _find_and_register() -> CjkFont:
    """Search, check and register a font (cached for the process)."""
    from matplotlib import font_manager

    # the configured file, if it has Chinese; else known files, then known
    # families: the first with TrueType outlines, else the first usable one
    configured = _configured()
    candidates = dict.fromkeys(configured or [*_known_files(), *_matplotlib_fonts()])
    chosen: CjkFont | None = None
    for path in candidates:
        found = _inspect(path)
        if found is not None and (chosen is None or found.truetype):
            chosen = found
        if chosen is not None and chosen.truetype:
            break
    if chosen is None:
        raise FontMissingError(t("brief.font_missing", env=ENV_VAR))
    if not chosen.truetype and not configured:
        log.warning(
            "CJK font %s has CFF outlines; some PDF readers may not show it "
            "(install fonts-wqy-microhei)",
            chosen.path,
        )
    font_manager.fontManager.addfont(str(chosen.path))
    log.info("CJK font: %s (%s, face %d)", chosen.family, chosen.path, chosen.index)
    return chosen


def _configured() -> list[Path]:
    """The file named by ``VILLAGE_CJK_FONT``, if set."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return []
    path = Path(value).expanduser()
    if not path.is_file():
        raise FontMissingError(t("brief.font_env_missing", env=ENV_VAR, path=path))
    return [path]


def _known_files() -> list[Path]:
    """Known CJK font files found in the usual font folders."""
    folders = [Path(f).expanduser() for f in _FOLDERS]
    found = []
    for name in _KNOWN_FILES:
        for folder in folders:
            if folder.is_dir():
                found.extend(sorted(folder.rglob(name)))
    return found


def _matplotlib_fonts() -> list[Path]:
    """Fonts matplotlib found whose family name suggests CJK coverage."""
    from matplotlib import font_manager

    return sorted(
        {
            Path(entry.fname)
            for entry in font_manager.fontManager.ttflist
            if any(word in entry.name for word in _CJK_WORDS)
        }
    )


def _inspect(path: Path) -> CjkFont | None:
    """The best face of a font file that covers :data:`PROBE`, else None.

    Faces are tried best name first (Simplified Chinese before the
    collection's default), since reading a CJK character map is slow.
    """
    try:
        with _opened(path) as faces:
            ranked = sorted(
                enumerate(faces), key=lambda pair: _face_rank(_family(pair[1]))
            )
            for index, font in ranked:
                if _covers(font, PROBE):
                    truetype = "glyf" in font
                    return CjkFont(path, index, _family(font), truetype=truetype)
    except (OSError, TTLibError) as exc:
        log.debug("font %s unreadable: %s", path, exc)
    return None


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[list[TTFont]]:
    """Every face of a font file (one, or several in a collection), read
    lazily and closed afterwards."""
    if path.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(path), lazy=True)
        try:
            yield list(collection.fonts)
        finally:
            collection.close()
    else:
        font = TTFont(str(path), lazy=True)
        try:
            yield [font]
        finally:
            font.close()


def _covers(font: TTFont, text: str) -> bool:
    """Whether the font maps every character of ``text`` to a glyph."""
    cmap = font.getBestCmap() or {}
    return all(ord(char) in cmap for char in text)


def _family(font: TTFont) -> str:
    """The face's family name, as matplotlib lists it."""
    return str(font["name"].getDebugName(1) or "")


def _face_rank(family: str) -> int:
    """Lower for faces meant for Simplified Chinese; mono faces last."""
    if "Mono" in family:
        return len(_PREFERRED_FACES) + 1
    for rank, word in enumerate(_PREFERRED_FACES):
        if word in family:
            return rank
    return len(_PREFERRED_FACES)
