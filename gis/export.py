"""Export workspace layers: GeoPackage, GeoJSON, zipped Shapefile, CSV.

Text is always written as UTF-8 (the Shapefile gets a ``.cpg`` saying so,
the CSV a byte-order mark so that Excel reads Chinese correctly). Where a
format cannot hold something — Shapefile field names longer than 10
bytes, text values longer than 254 bytes — the export refuses to cut it
silently: names are shortened uniquely and every change is returned.
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from gis.errors import InputError
from gis.i18n import t

log = logging.getLogger(__name__)

FORMATS = ("gpkg", "geojson", "shp", "csv")
SHP_NAME_BYTES = 10
SHP_TEXT_BYTES = 254


def export_layer(
    frame: gpd.GeoDataFrame, fmt: str, *, name: str
) -> tuple[bytes, str, list[str]]:
    """Serialise a lon/lat layer.

    Parameters
    ----------
    frame : GeoDataFrame
        The layer, in EPSG:4326.
    fmt : {"gpkg", "geojson", "shp", "csv"}
        Output format; ``shp`` is a zip holding .shp/.shx/.dbf/.prj/.cpg.
    name : str
        Layer and file name (without suffix).

    Returns
    -------
    bytes
        The file's content.
    str
        A file name with the right suffix.
    list of str
        Translated notes on what the format forced (renamed fields).
    """
    if fmt not in FORMATS:
        raise InputError(
            t("export.bad_format", fmt=fmt, allowed=", ".join(FORMATS))
        )
    writer = {
        "gpkg": _gpkg,
        "geojson": _geojson,
        "shp": _shapefile,
        "csv": _csv,
    }[fmt]
    return writer(frame, name)


def _gpkg(frame: gpd.GeoDataFrame, name: str) -> tuple[bytes, str, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.gpkg"
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
        return path.read_bytes(), f"{name}.gpkg", []


def _geojson(frame: gpd.GeoDataFrame, name: str) -> tuple[bytes, str, list[str]]:
    text = frame.to_json(ensure_ascii=False, drop_id=True)
    return text.encode("utf-8"), f"{name}.geojson", []


def _csv(frame: gpd.GeoDataFrame, name: str) -> tuple[bytes, str, list[str]]:
    """Attributes plus geometry as WKT (and lon/lat columns for points)."""
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if (frame.geom_type == "Point").all():
        table["lon"] = frame.geometry.x
        table["lat"] = frame.geometry.y
    table["wkt"] = frame.geometry.to_wkt()
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig"), f"{name}.csv", []


def _shapefile(
    frame: gpd.GeoDataFrame, name: str
) -> tuple[bytes, str, list[str]]:
    """A zip with the Shapefile parts, UTF-8 declared in the .cpg."""
    frame, notes = shapefile_safe(frame)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.shp"
        pyogrio.write_dataframe(frame, path, encoding="UTF-8")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                zf.write(part, part.name)
    return buffer.getvalue(), f"{name}.zip", notes


def shapefile_safe(
    frame: gpd.GeoDataFrame,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Rename fields to fit 10 bytes uniquely; refuse over-long text.

    Raises
    ------
    InputError
        When a text value is longer than a DBF field can hold (254
        bytes in UTF-8): the user should export GeoPackage instead.
    """
    notes: list[str] = []
    taken: set[str] = set()
    renames: dict[str, str] = {}
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        short = _short_name(str(column), taken)
        taken.add(short.lower())
        if short != column:
            renames[column] = short
            notes.append(t("export.renamed", old=column, new=short))
    for column in frame.columns:
        if column != frame.geometry.name:
            _check_text_length(frame, column)
    return frame.rename(columns=renames), notes


def _short_name(name: str, taken: set[str]) -> str:
    """``name`` cut to 10 UTF-8 bytes on a character boundary, unique."""
    cut = _cut_bytes(name, SHP_NAME_BYTES)
    if cut.lower() not in taken:
        return cut
    for number in range(1, 1000):
        suffix = f"_{number}"
        candidate = _cut_bytes(name, SHP_NAME_BYTES - len(suffix)) + suffix
        if candidate.lower() not in taken:
            return candidate
    raise InputError(t("export.too_many_fields"))


def _cut_bytes(text: str, limit: int) -> str:
    """Longest prefix of ``text`` whose UTF-8 form fits ``limit`` bytes."""
    out = ""
    for char in text:
        if len((out + char).encode("utf-8")) > limit:
            break
        out += char
    return out


def _check_text_length(frame: gpd.GeoDataFrame, column: str) -> None:
    """Refuse text a DBF field would cut."""
    values = frame[column]
    if values.dtype.kind not in "OSU" and str(values.dtype) != "string":
        return
    sizes = values.dropna().astype(str).map(lambda v: len(v.encode("utf-8")))
    if not sizes.empty and int(sizes.max()) > SHP_TEXT_BYTES:
        raise InputError(
            t("export.text_too_long", column=column, n=int(sizes.max()))
        )
