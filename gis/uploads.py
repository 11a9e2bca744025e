"""Stage files a user uploads so the import pipeline can read them.

Uploads are written under a private folder with their base names only;
anything that could escape that folder, exceed the size limit or is not a
format the product reads is refused with a message saying why. Archives
are checked again when they are opened (:func:`gis._readers.check_archive`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from pathlib import Path, PurePath

from gis.errors import InputError
from gis.i18n import t

log = logging.getLogger(__name__)

MAX_UPLOAD_MB = 200
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024

SOURCE_SUFFIXES = (
    ".zip", ".gpkg", ".geojson", ".json", ".kml", ".kmz",
    ".csv", ".tsv", ".txt", ".xlsx", ".shp",
)  # fmt: skip
SHAPEFILE_PARTS = (".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml")
ACCEPTED = SOURCE_SUFFIXES + SHAPEFILE_PARTS


def stage_uploads(
    files: Sequence[tuple[str, bytes]],
    folder: Path,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Path:
    """Write uploaded ``(name, content)`` pairs into ``folder``.

    Returns
    -------
    Path
        What to hand to :func:`gis.importer.prepare_source`: the one file,
        the ``.shp`` of a loose shapefile, or the folder when several
        sources came together.

    Raises
    ------
    InputError
        No file, a name with a path in it, a suffix the product does not
        read, a file over the size limit, or a shapefile without its
        ``.dbf``/``.shx``.
    """
    if not files:
        raise InputError(t("upload.none"))
    total = sum(len(content) for _, content in files)
    if total > max_bytes:
        raise InputError(
            t("upload.too_big", mb=f"{total / 1024**2:,.1f}",
              limit=f"{max_bytes / 1024**2:,.0f}")
        )  # fmt: skip

    folder.mkdir(parents=True, exist_ok=True)
    written = [_write_one(name, content, folder) for name, content in files]
    return _entry_point(written, folder)


def _write_one(name: str, content: bytes, folder: Path) -> Path:
    """Write one upload under its checked base name."""
    clean = _safe_name(name)
    if PurePath(clean).suffix.lower() not in ACCEPTED:
        raise InputError(t("upload.bad_suffix", name=clean,
                           allowed=" ".join(SOURCE_SUFFIXES)))  # fmt: skip
    if not content:
        raise InputError(t("upload.empty", name=clean))
    path = folder / clean
    path.write_bytes(content)
    log.info("staged upload %s (%d bytes)", clean, len(content))
    return path


def _safe_name(name: str) -> str:
    """The upload's base name, refusing anything with a path in it."""
    text = unicodedata.normalize("NFC", name).strip()
    if not text or "/" in text or "\\" in text or text in {".", ".."}:
        raise InputError(t("upload.bad_name", name=name))
    if text.startswith(".") or "\x00" in text:
        raise InputError(t("upload.bad_name", name=name))
    return text


def _entry_point(written: list[Path], folder: Path) -> Path:
    """The path to read: one source file, a loose shapefile, or the folder."""
    sources = [p for p in written if p.suffix.lower() in SOURCE_SUFFIXES]
    if not sources:
        raise InputError(t("upload.parts_only"))
    for shp in (p for p in sources if p.suffix.lower() == ".shp"):
        for needed in (".dbf", ".shx"):
            if not any(p.stem == shp.stem and p.suffix.lower() == needed
                       for p in written):  # fmt: skip
                raise InputError(
                    t("upload.shapefile_part", name=shp.name, part=needed)
                )
    return sources[0] if len(sources) == 1 else folder
