"""Coverage plumbing: result files (CSV, GeoPackage, JSON) with metadata.

Each file is written next to its destination under a temporary name
and moved into place once complete, so an interrupted write never
leaves half a file behind.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from gis._atomic import replacing
from gis.crs import WGS84
from gis.errors import WorkspaceError
from gis.i18n import t

META_TABLE = "coverage_metadata"


CSV_DECIMALS = 3


def csv(table: pd.DataFrame, metadata: Mapping[str, object], out: Path) -> list[Path]:
    """One table as UTF-8 CSV with BOM, and ``<stem>.meta.json`` beside it."""
    meta_path = out.with_suffix(".meta.json")
    with replacing(out) as tmp:
        # millimetre, 0.001-person precision: no float noise in a sheet
        _flat(table).round(CSV_DECIMALS).to_csv(tmp, index=False, encoding="utf-8-sig")
    with replacing(meta_path) as tmp:
        tmp.write_text(_dumps(dict(metadata) | {"file": out.name}), encoding="utf-8")
    return [out, meta_path]


def gpkg(
    tables: Mapping[str, pd.DataFrame],
    shapes: gpd.GeoSeries,
    metadata: Mapping[str, object],
    out: Path,
) -> list[Path]:
    """Villages (polygons), uncovered and unassigned points, metadata."""
    villages = tables["villages"]
    geometry = list(shapes) + [None] * (len(villages) - len(shapes))
    layers = {
        "villages": (gpd.GeoDataFrame(villages, geometry=geometry, crs=WGS84),
                     "MultiPolygon"),
        "uncovered": (tables["uncovered"], "Point"),
        "unassigned": (tables["unassigned"], "Point"),
    }  # fmt: skip
    meta = pd.DataFrame(
        [(key, _dumps(value)) for key, value in metadata.items()],
        columns=["key", "value"],
    )
    with replacing(out) as tmp:
        try:
            for name, (frame, family) in layers.items():
                pyogrio.write_dataframe(
                    _numeric_flags(frame), tmp, layer=name, driver="GPKG",
                    geometry_type=family, promote_to_multi=family != "Point",
                )  # fmt: skip
            pyogrio.write_dataframe(meta, tmp, layer=META_TABLE, driver="GPKG")
        except (pyogrio.errors.DataSourceError, ValueError) as exc:
            raise WorkspaceError(
                t("coverage.write_failed", path=str(out), why=exc)
            ) from exc
    return [out]


def json_file(
    tables: Mapping[str, pd.DataFrame], metadata: Mapping[str, object], out: Path
) -> list[Path]:
    """``{"metadata": ..., "villages": [...], "uncovered": [...], ...}``."""
    document: dict[str, object] = {"metadata": dict(metadata)}
    for name, frame in tables.items():
        document[name] = _flat(frame).to_dict(orient="records")
    with replacing(out) as tmp:
        tmp.write_text(_dumps(document), encoding="utf-8")
    return [out]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A table without geometry: points become ``lon`` and ``lat``."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame
    flat = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    points = frame.geometry
    flat["lon"] = points.x.to_numpy() if len(points) else []
    flat["lat"] = points.y.to_numpy() if len(points) else []
    return flat


def _numeric_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable yes/no columns as 1/0, which GeoPackage stores as integers."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.BooleanDtype) or out[column].dtype == bool:
            out[column] = out[column].astype("Int64")
    return out


def _dumps(value: object) -> str:
    """JSON text; NaN and NA become null, numpy scalars plain numbers."""
    return json.dumps(_clean(value), ensure_ascii=False, indent=1,
                      default=_plain, allow_nan=False)  # fmt: skip


def _clean(value: object) -> object:
    """Nested values with NaN, inf and NA replaced by None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is pd.NA or value is None:
        return None
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def _plain(value: object) -> object:
    """numpy scalars as Python numbers (``json.dumps`` fallback)."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)
