"""Plumbing: find the layers in a source file and read them raw.

A source is a Shapefile (loose, or zipped with sub-folders and several
layers), a GeoPackage, GeoJSON, KML/KMZ (every folder), a folder of such
files, or a CSV/Excel table with coordinate columns. Geometry is parsed
from WKB here so that broken rings are counted, not fatal.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from gis import tabular
from gis.encoding import (
    EncodingDecision,
    decide_dbf_encoding,
    decide_text_encoding,
)
from gis.errors import InputError
from gis.i18n import t

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".shp", ".gpkg", ".geojson", ".json", ".kml", ".kmz"}
TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}
ARCHIVE_SUFFIXES = {".zip"}

# archives: refuse what could exhaust the machine
MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_ARCHIVE_RATIO = 200.0
MAX_ARCHIVE_MEMBERS = 10_000

# KML attributes that carry styling, not data; dropped when empty
_KML_NOISE = {
    "id", "timestamp", "begin", "end", "altitudeMode", "tessellate",
    "extrude", "visibility", "drawOrder", "icon", "snippet",
}  # fmt: skip


@dataclass
class RawLayer:
    """One layer as read, before any checking or fixing.

    Attributes
    ----------
    name, source : str
        Layer name and where it came from (for the report).
    attributes : pandas.DataFrame
        Attribute columns; the index holds the source feature ids.
    geometry : numpy.ndarray
        Shapely geometries (None where the source had none).
    crs_wkt : str or None
        CRS declared by the file, if any.
    """

    name: str
    source: str
    attributes: pd.DataFrame
    geometry: np.ndarray
    crs_wkt: str | None
    crs_note: str | None = None
    encoding: EncodingDecision | None = None
    unclosed_ids: list[Any] = field(default_factory=list)
    unreadable_ids: list[Any] = field(default_factory=list)
    bad_coordinate_ids: list[Any] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    attribute_only: bool = False


def read_source(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    where: str | None = None,
) -> list[RawLayer]:
    """Read every layer of a source (or only ``layer``).

    Raises
    ------
    InputError
        When the path does not exist, is not a format this product reads,
        holds no layers, or names a layer it does not have.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(t("io.not_found", path=str(path)))
    found = _unique_names(_list_layers(path))
    if not found:
        raise InputError(t("io.no_layers", path=str(path)))
    if layer is not None:
        names = [ref.name for ref in found]
        found = [ref for ref in found if ref.name == layer]
        if not found:
            raise InputError(
                t("io.no_such_layer", layer=layer, names=", ".join(names))
            )
    return [ref.read(encoding, where) for ref in found]


def _unique_names(refs: list[_LayerRef]) -> list[_LayerRef]:
    """Name same-named layers (``2020/roads.shp``, ``2021/roads.shp``)
    by their path inside the source, so each can be chosen."""
    counts: dict[str, int] = {}
    for ref in refs:
        counts[ref.name] = counts.get(ref.name, 0) + 1
    for ref in refs:
        if counts[ref.name] > 1:
            ref.name = str(PurePosixPath(ref.source).with_suffix(""))
    return refs


@dataclass
class _LayerRef:
    """Where one layer lives: a GDAL path and layer name, or a table."""

    name: str
    source: str
    gdal_path: str
    layer: str | None
    kind: str  # "vector", "shapefile", "geojson", "table"
    archive: Path | None = None
    member: str | None = None

    def read(self, encoding: str | None, where: str | None) -> RawLayer:
        if self.kind == "table":
            if where:
                raise InputError(t("io.where_on_table", path=self.source))
            return _read_table(self, encoding)
        return _read_vector(self, encoding, where)


def _list_layers(path: Path, *, in_folder: bool = False) -> list[_LayerRef]:
    """Find the layers under a file, archive or folder."""
    if path.is_dir():
        refs: list[_LayerRef] = []
        for child in sorted(path.rglob("*")):
            if not _wanted_member(child.name):
                continue
            for ref in _list_layers(child, in_folder=True):
                # show where in the folder the layer came from
                inner = child.relative_to(path).as_posix()
                ref.source = ref.source.replace(child.name, inner, 1)
                refs.append(ref)
        return refs
    suffix = path.suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        return _list_archive(path)
    if suffix in TABLE_SUFFIXES:
        return _list_table(path)
    if suffix in VECTOR_SUFFIXES:
        return _list_vector(
            str(path), path.name, suffix, optional=in_folder
        )
    raise InputError(t("io.unknown_format", path=path.name))


def _gdal_reason(shown: str, exc: Exception) -> str:
    """A planner's sentence for what GDAL could not open (detail logged)."""
    text = str(exc)
    log.debug("GDAL could not open %s: %s", shown, text)
    if "SHAPE_RESTORE_SHX" in text or ".shx" in text.lower():
        return t("io.missing_part", path=shown, part=".shx")
    if "recognized as being in a supported file format" in text or (
        "prefix the file path" in text
    ):
        return t("io.not_that_format", path=shown)
    return t("io.unreadable", path=shown, why=text)


def _wanted_member(name: str) -> bool:
    """Whether a file in a folder or archive is a layer to read."""
    suffix = PurePosixPath(name).suffix.lower()
    if name.startswith(("__MACOSX", "._")) or "/__MACOSX/" in name:
        return False
    return suffix in VECTOR_SUFFIXES or suffix in {".csv", ".xlsx"}


def _list_vector(
    gdal_path: str, shown: str, suffix: str, *, optional: bool = False
) -> list[_LayerRef]:
    """Layers of a vector file as GDAL sees it.

    With ``optional`` (a file met in a folder or archive), a ``.json``
    that is not GeoJSON, such as metadata, is skipped, not refused.
    """
    kind = {".shp": "shapefile", ".geojson": "geojson", ".json": "geojson"}
    try:
        names = [str(n) for n in pyogrio.list_layers(gdal_path)[:, 0]]
        if suffix in {".kml", ".kmz"}:
            # a folder holding only sub-folders is no layer of its own
            names = [n for n in names if _has_features(gdal_path, n)]
    except (DataSourceError, DataLayerError) as exc:
        if optional and suffix == ".json":
            log.info("skipped %s, which is not GeoJSON: %s", shown, exc)
            return []
        raise InputError(_gdal_reason(shown, exc)) from exc
    single = len(names) == 1
    return [
        _LayerRef(
            name=PurePosixPath(shown).stem if single else name,
            source=shown if single else f"{shown}:{name}",
            gdal_path=gdal_path,
            layer=name,
            kind=kind.get(suffix, "vector"),
        )
        for name in names
    ]


def _has_features(gdal_path: str, layer: str) -> bool:
    """Whether a layer holds features (an unknown count, -1, counts)."""
    return int(pyogrio.read_info(gdal_path, layer=layer)["features"]) != 0


def _list_table(path: Path) -> list[_LayerRef]:
    """Sheets of a workbook, or the one table of a CSV."""
    if path.suffix.lower() in {".csv", ".tsv", ".txt"}:
        return [_LayerRef(path.stem, path.name, str(path), None, "table")]
    refs = _sheet_refs(path.stem, path.name, tabular.sheet_names(path))
    for ref in refs:
        ref.gdal_path = str(path)
    return refs


def _list_archived_table(
    path: Path, member: str, shown: str
) -> list[_LayerRef]:
    """The table of a zipped CSV, or each sheet of a zipped workbook."""
    stem = PurePosixPath(shown).stem
    if PurePosixPath(member).suffix.lower() != ".xlsx":
        return [_LayerRef(stem, shown, "", None, "table", path, member)]

    # a workbook's sheets are listed from its bytes
    with zipfile.ZipFile(path) as zf:
        raw = zf.read(member)
    refs = _sheet_refs(stem, shown, tabular.sheet_names(Path(shown), raw=raw))
    for ref in refs:
        ref.archive, ref.member = path, member
    return refs


def _sheet_refs(stem: str, shown: str, sheets: list[str]) -> list[_LayerRef]:
    """One table layer per sheet, named ``stem:sheet`` if there are several."""
    return [
        _LayerRef(
            name=stem if len(sheets) == 1 else f"{stem}:{sheet}",
            source=f"{shown}:{sheet}",
            gdal_path="",
            layer=sheet,
            kind="table",
        )
        for sheet in sheets
    ]


def _list_archive(path: Path) -> list[_LayerRef]:
    """Layers inside a zip, after safety checks on its members."""
    members = check_archive(path)
    refs: list[_LayerRef] = []
    for member in members:
        if not _wanted_member(member):
            continue
        shown = f"{path.name}/{_display_name(member)}"
        suffix = PurePosixPath(member).suffix.lower()
        if suffix in {".csv", ".xlsx"}:
            refs += _list_archived_table(path, member, shown)
            continue
        vsi = f"/vsizip/{path.resolve()}/{member}"
        for ref in _list_vector(vsi, shown, suffix, optional=True):
            ref.archive, ref.member = path, member
            refs.append(ref)
    return refs


def check_archive(path: Path) -> list[str]:
    """Return a zip's member names after refusing unsafe archives.

    Refused: members whose path escapes the archive folder (absolute or
    with ``..``), more than ``MAX_ARCHIVE_MEMBERS`` members, or contents
    that expand past ``MAX_ARCHIVE_BYTES`` or ``MAX_ARCHIVE_RATIO`` times
    the archive's size (a "zip bomb").
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(t("io.bad_zip", path=path.name)) from exc
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise InputError(t("io.zip_too_many", path=path.name, n=len(infos)))
    for info in infos:
        member = PurePosixPath(info.filename.replace("\\", "/"))
        if member.is_absolute() or ".." in member.parts:
            raise InputError(
                t("io.zip_escape", path=path.name, member=info.filename)
            )
    expanded = sum(info.file_size for info in infos)
    packed = max(path.stat().st_size, 1)
    if expanded > MAX_ARCHIVE_BYTES or expanded / packed > MAX_ARCHIVE_RATIO:
        raise InputError(
            t("io.zip_bomb", path=path.name, mb=f"{expanded / 1e6:,.0f}")
        )
    return [i.filename for i in infos if not i.is_dir()]


def _display_name(member: str) -> str:
    """Member name as its maker wrote it.

    Names stored without the zip's UTF-8 flag come back read as cp437;
    their bytes are UTF-8 (macOS, Linux) or GBK (old Chinese tools).
    """
    try:
        raw = member.encode("cp437")
    except UnicodeEncodeError:
        return member
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return member


def _read_vector(
    ref: _LayerRef, encoding: str | None, where: str | None = None
) -> RawLayer:
    """Read one GDAL layer with an explicit attribute encoding."""
    decision, source = _vector_encoding(ref, encoding)

    # a recoded in-memory copy has its own layer name: take its only layer
    layer = ref.layer if isinstance(source, str) else 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        meta, fids, wkb, data = pyogrio.raw.read(
            source,
            layer=layer,
            encoding=decision.encoding if ref.kind == "shapefile" else None,
            return_fids=True,
            where=where,
        )
    for w in caught:
        log.debug("GDAL said while reading %s: %s", ref.source, w.message)

    index = pd.Index(fids if fids is not None else np.arange(len(wkb)))
    attributes = pd.DataFrame(
        {str(n): col for n, col in zip(meta["fields"], data, strict=True)},
        index=index,
    )
    if PurePosixPath(ref.gdal_path).suffix.lower() in {".kml", ".kmz"}:
        attributes = _drop_kml_noise(attributes)

    geometry, unclosed, unreadable = _parse_wkb(wkb, index)
    return RawLayer(
        name=ref.name,
        source=ref.source,
        attributes=attributes,
        geometry=geometry,
        crs_wkt=meta.get("crs"),
        encoding=decision,
        unclosed_ids=unclosed,
        unreadable_ids=unreadable,
    )


def _vector_encoding(
    ref: _LayerRef, override: str | None
) -> tuple[EncodingDecision, Any]:
    """Decide the encoding and return what GDAL should open."""
    if ref.kind == "shapefile":
        dbf, cpg = _shapefile_sidecars(ref)
        return decide_dbf_encoding(dbf, cpg=cpg, override=override), ref.gdal_path
    if ref.kind == "geojson":
        raw = _read_bytes(ref)
        decision = decide_text_encoding(raw, override=override)
        if decision.encoding not in {"utf-8", "ascii"}:
            # GeoJSON must be UTF-8: hand GDAL a recoded copy
            text = raw.decode(decision.encoding)
            return decision, io.BytesIO(text.encode("utf-8"))
        return decision, ref.gdal_path
    return (
        EncodingDecision("utf-8", "format", t("io.encoding_by_format")),
        ref.gdal_path,
    )


def _read_bytes(ref: _LayerRef) -> bytes:
    """Bytes of a file, loose or inside an archive."""
    if ref.archive is not None and ref.member is not None:
        with zipfile.ZipFile(ref.archive) as zf:
            return zf.read(ref.member)
    return Path(ref.gdal_path).read_bytes()


def _shapefile_sidecars(ref: _LayerRef) -> tuple[bytes, str | None]:
    """The .dbf bytes and .cpg text of a shapefile (empty if absent)."""
    if ref.archive is not None and ref.member is not None:
        with zipfile.ZipFile(ref.archive) as zf:
            names = {n.lower(): n for n in zf.namelist()}
            stem = ref.member[: -len(PurePosixPath(ref.member).suffix)]
            dbf = names.get(f"{stem}.dbf".lower())
            cpg = names.get(f"{stem}.cpg".lower())
            return (
                zf.read(dbf) if dbf else b"",
                zf.read(cpg).decode("ascii", "replace") if cpg else None,
            )
    shp = Path(ref.gdal_path)
    dbf_path = _sibling(shp, ".dbf")
    cpg_path = _sibling(shp, ".cpg")
    return (
        dbf_path.read_bytes() if dbf_path else b"",
        cpg_path.read_text("ascii", "replace") if cpg_path else None,
    )


def _sibling(path: Path, suffix: str) -> Path | None:
    """The file next to ``path`` with ``suffix`` in any letter case."""
    for candidate in path.parent.glob(f"{path.stem}.*"):
        if candidate.suffix.lower() == suffix:
            return candidate
    return None


def _drop_kml_noise(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop KML styling columns that hold nothing."""
    drop = [
        c for c in frame.columns
        if c in _KML_NOISE and _is_blank(frame[c])
    ]  # fmt: skip
    return frame.drop(columns=drop)


def _is_blank(column: pd.Series) -> bool:
    """All null, or only the KML defaults (-1, 0)."""
    values = column.dropna()
    if values.empty:
        return True
    return bool(values.isin([-1, 0]).all())


def _parse_wkb(
    wkb: np.ndarray, index: pd.Index
) -> tuple[np.ndarray, list[Any], list[Any]]:
    """Parse WKB; close open rings; keep ids of what cannot be parsed."""
    geometry = shapely.from_wkb(wkb, on_invalid="ignore")
    present = np.array([w is not None for w in wkb], dtype=bool)
    broken = present & shapely.is_missing(geometry)
    if not broken.any():
        return geometry, [], []

    # an effort to close unclosed rings; what still fails is unreadable
    fixed = shapely.from_wkb(wkb[broken], on_invalid="fix")
    geometry[broken] = fixed
    ok = ~shapely.is_missing(fixed)
    broken_ids = list(index[broken])
    unclosed = [i for i, good in zip(broken_ids, ok, strict=True) if good]
    unreadable = [i for i, good in zip(broken_ids, ok, strict=True) if not good]
    return geometry, unclosed, unreadable


def _read_table(ref: _LayerRef, encoding: str | None) -> RawLayer:
    """Read a CSV or Excel sheet with coordinate columns."""
    if ref.archive is not None and ref.member is not None:
        raw = _read_bytes(ref)
        suffix = PurePosixPath(ref.member).suffix.lower()
        table = tabular.read_table_bytes(
            raw, suffix=suffix, sheet=ref.layer, encoding=encoding
        )
    else:
        table = tabular.read_table(
            Path(ref.gdal_path), sheet=ref.layer, encoding=encoding
        )
    return RawLayer(
        name=ref.name,
        source=ref.source,
        attributes=table.attributes,
        geometry=table.geometry,
        crs_wkt=table.crs,
        crs_note=table.crs_note,
        encoding=table.encoding,
        bad_coordinate_ids=table.bad_ids,
        assumptions=table.assumptions,
        attribute_only=table.attribute_only,
    )
