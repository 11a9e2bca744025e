"""Read CSV and Excel tables whose rows are points given by coordinate columns.

Coordinate columns are found by name (lon/lat, x/y, 经度/纬度, ...) and
their values may be decimal degrees, degrees-minutes-seconds, or metres of
a projected CRS. Row ids in reports are spreadsheet row numbers (the
header is row 1).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from gis.dms import parse_coordinates
from gis.encoding import EncodingDecision, decide_text_encoding
from gis.errors import InputError
from gis.i18n import t

LON_NAMES = (
    "lon", "lng", "long", "longitude", "经度", "东经", "经度坐标",
    "lonwgs84", "longitudewgs84", "gpslon", "gpslongitude",
)  # fmt: skip
LAT_NAMES = (
    "lat", "latitude", "纬度", "北纬", "纬度坐标",
    "latwgs84", "latitudewgs84", "gpslat", "gpslatitude",
)  # fmt: skip
X_NAMES = ("x", "xcoord", "x坐标", "坐标x", "easting", "东坐标", "横坐标")
Y_NAMES = ("y", "ycoord", "y坐标", "坐标y", "northing", "北坐标", "纵坐标")

FIRST_DATA_ROW = 2  # spreadsheet row of the first record (header is row 1)


@dataclass
class Table:
    """A table read as points, with what was assumed on the way."""

    attributes: pd.DataFrame
    geometry: np.ndarray
    crs: str | None
    crs_note: str | None
    encoding: EncodingDecision | None
    bad_ids: list[Any] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    attribute_only: bool = False


def normalise_name(name: object) -> str:
    """Column name folded for matching: NFKC, lower case, no separators."""
    text = unicodedata.normalize("NFKC", str(name)).lower()
    for sep in " _-()（）.:/":
        text = text.replace(sep, "")
    return text


def sheet_names(path: Path, *, raw: bytes | None = None) -> list[str]:
    """Names of the sheets in an Excel workbook (read from ``raw`` if given)."""
    try:
        with pd.ExcelFile(path if raw is None else io.BytesIO(raw)) as book:
            return [str(s) for s in book.sheet_names]
    except ImportError as exc:
        raise InputError(t("io.xls_unsupported", path=path.name)) from exc
    except (ValueError, OSError) as exc:
        raise InputError(t("io.unreadable", path=path.name, why=exc)) from exc


def read_table(
    path: Path, *, sheet: str | None = None, encoding: str | None = None
) -> Table:
    """Read a CSV or an Excel sheet from disk as points."""
    return read_table_bytes(
        path.read_bytes(),
        suffix=path.suffix.lower(),
        sheet=sheet,
        encoding=encoding,
    )


def read_table_bytes(
    raw: bytes,
    *,
    suffix: str,
    sheet: str | None = None,
    encoding: str | None = None,
) -> Table:
    """Read table bytes (CSV text or an Excel workbook) as points."""
    decision: EncodingDecision | None = None
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        frame = _read_excel(raw, sheet)
    else:
        decision = decide_text_encoding(raw, override=encoding)
        frame = _read_csv(raw.decode(decision.encoding))
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return _to_points(frame, decision)


def _read_excel(raw: bytes, sheet: str | None) -> pd.DataFrame:
    """One sheet of a workbook, every cell kept as read."""
    try:
        return pd.read_excel(
            io.BytesIO(raw), sheet_name=sheet or 0, dtype=object
        )
    except ImportError as exc:
        raise InputError(t("io.xls_unsupported", path=sheet or "")) from exc
    except ValueError as exc:
        raise InputError(t("io.unreadable", path=sheet or "", why=exc)) from exc


def _read_csv(text: str) -> pd.DataFrame:
    """CSV text with its delimiter sniffed; every cell kept as text."""
    sample = text[:20_000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        skipinitialspace=True,
    )


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    """First column whose folded name is one of ``names``."""
    wanted = {normalise_name(n) for n in names}
    for column in columns:
        if normalise_name(column) in wanted:
            return column
    return None


def _to_points(frame: pd.DataFrame, decision: EncodingDecision | None) -> Table:
    """Build points from the coordinate columns of ``frame``."""
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    lon, lat = _find(columns, LON_NAMES), _find(columns, LAT_NAMES)
    x, y = _find(columns, X_NAMES), _find(columns, Y_NAMES)
    if lon and lat:
        return _geographic_points(frame, lon, lat, decision)
    if x and y:
        return _xy_points(frame, x, y, decision)
    # no coordinates: an attribute table that can be joined to a layer
    return Table(
        attributes=frame,
        geometry=np.full(len(frame), None, dtype=object),
        crs=None,
        crs_note=None,
        encoding=decision,
        attribute_only=True,
    )


def _geographic_points(
    frame: pd.DataFrame, lon: str, lat: str, decision: EncodingDecision | None
) -> Table:
    """Points from longitude/latitude columns (decimal or DMS)."""
    xs, bad_x = parse_coordinates(frame[lon], axis="lon")
    ys, bad_y = parse_coordinates(frame[lat], axis="lat")
    assumptions = [t("io.columns_lonlat", lon=lon, lat=lat)]

    # a latitude column holding values beyond 90 means swapped columns
    if _swapped(xs, ys, bad_x, bad_y, frame, lon, lat):
        xs, bad_x = parse_coordinates(frame[lat], axis="lon")
        ys, bad_y = parse_coordinates(frame[lon], axis="lat")
        assumptions.append(t("io.columns_swapped", lon=lon, lat=lat))

    bad = [i for i in frame.index if i in set(bad_x) | set(bad_y)]
    return Table(
        attributes=frame.drop(columns=[lon, lat]),
        geometry=_points(xs, ys),
        crs="EPSG:4326",
        crs_note=t("io.crs_from_columns", lon=lon, lat=lat),
        encoding=decision,
        bad_ids=bad,
        assumptions=assumptions,
    )


def _swapped(
    xs: np.ndarray,
    ys: np.ndarray,
    bad_x: list[Any],
    bad_y: list[Any],
    frame: pd.DataFrame,
    lon: str,
    lat: str,
) -> bool:
    """Whether the latitude column fails only because it holds longitudes."""
    if len(bad_y) <= len(frame) // 2:
        return False
    _, alt_bad_x = parse_coordinates(frame[lat], axis="lon")
    _, alt_bad_y = parse_coordinates(frame[lon], axis="lat")
    return len(alt_bad_x) + len(alt_bad_y) < len(bad_x) + len(bad_y)


def _xy_points(
    frame: pd.DataFrame, x: str, y: str, decision: EncodingDecision | None
) -> Table:
    """Points from x/y columns, in metres or degrees, CRS undecided."""
    xs = pd.to_numeric(frame[x], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(frame[y], errors="coerce").to_numpy(dtype=float)
    assumptions = [t("io.columns_xy", x=x, y=y)]

    # Chinese survey order: X is the northing, Y the easting
    if _survey_order(xs, ys):
        xs, ys = ys, xs
        assumptions.append(t("io.columns_survey_order", x=x, y=y))

    bad_mask = ~(np.isfinite(xs) & np.isfinite(ys))
    return Table(
        attributes=frame.drop(columns=[x, y]),
        geometry=_points(xs, ys),
        crs=None,
        crs_note=None,
        encoding=decision,
        bad_ids=list(frame.index[bad_mask]),
        assumptions=assumptions,
    )


def _survey_order(xs: np.ndarray, ys: np.ndarray) -> bool:
    """X holds northings (7 digits) and Y eastings (6, or 8 with a zone)."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        return False
    mx, my = float(np.median(xs[ok])), float(np.median(ys[ok]))
    x_is_northing = 1_000_000 <= mx < 10_000_000
    y_is_easting = 100_000 <= my < 1_000_000 or my >= 13_000_000
    return x_is_northing and y_is_easting


def _points(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Point geometries; None where a coordinate is missing."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    geometry = np.full(len(xs), None, dtype=object)
    geometry[ok] = shapely.points(xs[ok], ys[ok])
    return geometry
