"""Coverage plumbing: an area's layers, checked once, in one metric CRS.

Layers enter as lon/lat GeoDataFrames (from the workspace or from a
caller), lose their null and empty geometries here (with a warning
listing them), and leave as plain arrays in the local metric CRS of
the villages: coordinates for the points that carry people, shapely
geometries for villages, targets and farmland.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from gis._coverage_profile import Profile
from gis.crs import WGS84, epsg_string
from gis.errors import CRSError, InputError
from gis.geometry import valid
from gis.i18n import t
from gis.measure import metric_crs_for
from gis.workspace import LayerInfo, Workspace, area_key
from layers import get_kind, normalize_value

log = logging.getLogger(__name__)

# the layer kinds coverage reads, with the columns it needs from each
COLUMNS: dict[str, tuple[str, ...]] = {
    "villages": ("source_id", "name", "code", "population", "households"),
    "settlements": ("source_id", "name", "population", "households"),
    "buildings": ("source_id", "name"),
    "roads": ("road_class", "all_weather"),
    "water": ("water_class", "safe"),
    "facilities": ("facility_type",),
    "farmland": ("land_class", "is_farmland"),
}
INDICATORS = ("road", "water", "school", "clinic")

# the layer each indicator measures distance to
TARGET_KIND = {"road": "roads", "water": "water", "school": "facilities",
               "clinic": "facilities"}  # fmt: skip

# most ids a warning about dropped features lists
_LIST_IDS = 10


@dataclass
class Points:
    """Points that carry people: attributes and coordinates.

    ``frame`` holds ``source_id``, ``name``, ``population`` and
    ``households`` (floats, NaN when unknown); ``lonlat`` is an (n, 2)
    array in EPSG:4326 (lon, lat) and ``shapes`` the points in the
    metric CRS, made once and shared by every query.
    """

    frame: pd.DataFrame
    lonlat: np.ndarray
    shapes: np.ndarray

    def __len__(self) -> int:
        return len(self.frame)


@dataclass
class Area:
    """The checked layers of one area, in one metric CRS.

    ``targets`` maps each indicator to the metric geometries that count
    for it: None when its layer is missing, empty when the layer has no
    feature of the counted classes; ``target_ids`` holds their
    ``source_id`` (or row numbers) as text. ``roads`` holds every road
    of the area, whatever its class (None: no road layer), for the
    network methods. ``missing`` lists the absent kinds.
    """

    crs: CRS
    villages: pd.DataFrame
    village_shapes: np.ndarray
    village_lonlat: gpd.GeoSeries
    settlements: Points | None
    buildings: Points | None
    targets: dict[str, np.ndarray | None]
    farmland: np.ndarray | None
    missing: list[str]
    # land class -> m² of farmland parcels not counted (class not in
    # the profile's farmland_classes, or marked not farmland)
    farmland_left_out: dict[str, float] = field(default_factory=dict)
    roads: np.ndarray | None = None
    target_ids: dict[str, np.ndarray | None] = field(default_factory=dict)

    @property
    def crs_name(self) -> str:
        """``"EPSG:nnnn"`` of the metric CRS."""
        return epsg_string(self.crs)


# reading


def read_area(
    ws: Workspace, area: str
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The layers coverage needs, and when each was imported.

    Returns
    -------
    dict
        Kind -> lon/lat frame, only for the kinds the area holds; the
        water families (points, lines, areas) are joined in one frame.
    dict
        ``"<kind>:<family>"`` -> ``imported_at`` of every layer read.

    Raises
    ------
    gis.errors.InputError
        The area has no village layer.
    """
    infos = ws.layers(area)
    if not any(i.kind == "villages" for i in infos):
        raise InputError(t("coverage.no_villages", area=area_key(area)))
    return read_kinds(ws, infos, COLUMNS)


def read_kinds(
    ws: Workspace, infos: Sequence[LayerInfo], columns: Mapping[str, Sequence[str]]
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The layers of the kinds in ``columns``, one read per table and
    only the named columns a table has (a layer imported without a
    land class has no ``land_class``); the families of a kind joined.

    Returns
    -------
    dict
        Kind -> lon/lat frame.
    dict
        ``"<kind>:<family>"`` -> ``imported_at`` of every layer read.
    """
    parts: dict[str, list[gpd.GeoDataFrame]] = {}
    dates: dict[str, str] = {}
    for info in (i for i in infos if i.kind in columns):
        present = set(pyogrio.read_info(ws.path, layer=info.table_name)["fields"])
        wanted = [c for c in columns[info.kind] if c in present]
        frame = pyogrio.read_dataframe(ws.path, layer=info.table_name, columns=wanted)
        parts.setdefault(info.kind, []).append(frame)
        dates[f"{info.kind}:{info.family}"] = info.imported_at
    log.debug("read %s from %s", ", ".join(sorted(dates)), ws.path.name)
    return {kind: _joined(found) for kind, found in parts.items()}, dates


def _joined(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Frames of one kind (several geometry families) as one."""
    if len(frames) == 1:
        return frames[0]
    joined = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=frames[0].crs)


# checking and projecting


def prepare(frames: Mapping[str, gpd.GeoDataFrame], profile: Profile) -> Area:
    """Check the layers once and put them in the villages' metric CRS.

    Raises
    ------
    gis.errors.InputError
        No village layer, or no village with a usable polygon.
    gis.errors.CRSError
        A layer has no CRS.
    """
    if "villages" not in frames:
        raise InputError(t("coverage.no_villages", area="—"))
    checked = {kind: _usable(kind, frame) for kind, frame in frames.items()}
    villages = checked["villages"]
    if villages.empty:
        raise InputError(t("coverage.no_village_shapes"))
    crs = metric_crs_for(villages)

    # features counted for each indicator, in metres; roads are
    # projected once, all of them, and the counted ones taken from there
    roads = checked.get("roads")
    metric = {"roads": None if roads is None else _metric(roads, crs)}
    counted = {
        name: _counted_of(name, checked.get(TARGET_KIND[name]), profile)
        for name in INDICATORS
    }
    targets = {
        name: _targets(checked.get(TARGET_KIND[name]), keep, crs,
                       metric.get(TARGET_KIND[name]))
        for name, keep in counted.items()
    }  # fmt: skip
    target_ids = {
        name: _kept_ids(checked.get(TARGET_KIND[name]), keep)
        for name, keep in counted.items()
    }
    farmland, left_out = (
        (None, {}) if "farmland" not in checked
        else _farmland(checked["farmland"], crs, profile)
    )  # fmt: skip
    return Area(
        crs=crs,
        villages=_village_table(villages),
        village_shapes=valid(_metric(villages, crs)),
        village_lonlat=villages.geometry.to_crs(WGS84).reset_index(drop=True),
        settlements=_points(checked.get("settlements"), crs),
        buildings=_points(checked.get("buildings"), crs),
        targets=targets,
        farmland=farmland,
        farmland_left_out=left_out,
        missing=[kind for kind in COLUMNS if kind not in frames],
        roads=metric["roads"],
        target_ids=target_ids,
    )


def _usable(kind: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame without null or empty geometries; warns listing those."""
    if frame.crs is None:
        raise CRSError(t("coverage.no_crs", kind=kind))
    geometry = frame.geometry.to_numpy()
    bad = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if not bad.any():
        return frame.reset_index(drop=True)
    ids = _ids(frame)[bad].iloc[:_LIST_IDS]
    warnings.warn(
        t("coverage.dropped_empty", kind=kind, n=int(bad.sum()),
          ids=", ".join(map(str, ids))),
        stacklevel=4,
    )  # fmt: skip
    return frame[~bad].reset_index(drop=True)


def _ids(frame: pd.DataFrame) -> pd.Series:
    """``source_id`` of each row as text (objects), else the row number."""
    if "source_id" in frame:
        ids = frame["source_id"].astype(str).astype(object)
    else:
        ids = pd.Series(np.arange(len(frame)).astype(str), dtype=object)
    return ids.reset_index(drop=True)


def _metric(frame: gpd.GeoDataFrame, crs: CRS) -> np.ndarray:
    """Geometries of a frame in ``crs``."""
    return np.asarray(frame.geometry.to_crs(crs).to_numpy(), dtype=object)


def _village_table(villages: gpd.GeoDataFrame) -> pd.DataFrame:
    """Id, name, code and recorded population of each village."""
    return pd.DataFrame({
        "village_id": _ids(villages),
        "village_name": _text(villages, "name"),
        "village_code": _text(villages, "code"),
        "population_recorded": _count(villages, "population"),
        "households_recorded": _count(villages, "households"),
    })  # fmt: skip


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column as objects, None where missing.

    Kept as objects: letting pandas infer a string type for millions
    of rows costs seconds and buys nothing here.
    """
    if column not in frame:
        return pd.Series(np.full(len(frame), None, dtype=object), dtype=object)
    values = frame[column].astype(object)
    return values.where(values.notna(), None).reset_index(drop=True)


def _count(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A people or household count as floats; NaN where unknown or < 0."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    negative = values < 0
    if negative.any():
        ids = _ids(frame)[negative].iloc[:_LIST_IDS]
        warnings.warn(
            t("coverage.negative_count", column=column, n=int(negative.sum()),
              ids=", ".join(map(str, ids))),
            stacklevel=5,
        )  # fmt: skip
        values = np.where(negative, np.nan, values)
    return values


def _points(frame: gpd.GeoDataFrame | None, crs: CRS) -> Points | None:
    """One point per feature (a point on the surface of areas)."""
    if frame is None:
        return None
    geometry = frame.geometry.to_numpy()
    if not (shapely.get_type_id(geometry) == 0).all():
        geometry = shapely.point_on_surface(geometry)
    x, y = shapely.get_x(geometry), shapely.get_y(geometry)

    # (lon, lat) and metres, each straight from the layer's CRS
    lonlat = _transform(x, y, frame.crs, CRS.from_user_input(WGS84))
    xy = _transform(x, y, frame.crs, crs)
    table = pd.DataFrame({
        "source_id": _ids(frame),
        "name": _text(frame, "name"),
        "population": _count(frame, "population"),
        "households": _count(frame, "households"),
    })  # fmt: skip

    # points the metric CRS cannot hold (far outside its zone) are left out
    lost = ~np.isfinite(xy).all(axis=1) | ~np.isfinite(lonlat).all(axis=1)
    if lost.any():
        warnings.warn(
            t("coverage.dropped_unprojectable", n=int(lost.sum()),
              crs=epsg_string(crs),
              ids=", ".join(table["source_id"][lost].iloc[:_LIST_IDS])),
            stacklevel=4,
        )  # fmt: skip
        table = table[~lost].reset_index(drop=True)
        lonlat, xy = lonlat[~lost], xy[~lost]
    return Points(table, lonlat, shapely.points(xy))


def _transform(x: np.ndarray, y: np.ndarray, src: object, dst: CRS) -> np.ndarray:
    """Coordinates from ``src`` to ``dst`` as an (n, 2) array."""
    source = CRS.from_user_input(src)
    if source == dst:
        return np.column_stack([x, y])
    tx, ty = Transformer.from_crs(source, dst, always_xy=True).transform(x, y)
    return np.column_stack([tx, ty])


# what counts for each indicator


def _counted_of(
    indicator: str, frame: gpd.GeoDataFrame | None, profile: Profile
) -> np.ndarray | None:
    """Which features of a layer count for an indicator (None: no layer)."""
    if frame is None:
        return None
    keep = _counted(indicator, frame, profile)
    log.debug("%d of %d features count for %s", int(keep.sum()), len(frame),
              indicator)  # fmt: skip
    return keep


def _kept_ids(frame: pd.DataFrame | None, keep: np.ndarray | None) -> np.ndarray | None:
    """Ids (text) of the features that count."""
    if frame is None or keep is None:
        return None
    return np.asarray(_ids(frame).to_numpy()[keep], dtype=object)


def _targets(
    frame: gpd.GeoDataFrame | None,
    keep: np.ndarray | None,
    crs: CRS,
    metric: np.ndarray | None = None,
) -> np.ndarray | None:
    """Metric geometries of the features that count (``keep``); taken
    from ``metric`` when the whole layer is already projected."""
    if frame is None or keep is None:
        return None
    if metric is not None:
        return np.asarray(metric[keep], dtype=object)
    return _metric(frame[keep], crs)


def _counted(indicator: str, frame: pd.DataFrame, profile: Profile) -> np.ndarray:
    """Which features count: class in the profile's list, unless the
    feature's own flag (``all_weather``, ``safe``) says otherwise."""
    if indicator == "road":
        chosen = _classes_in(frame, "roads", "road_class",
                             profile.all_weather_road_classes)  # fmt: skip
        return _flag_wins(chosen, frame, "all_weather")
    if indicator == "water":
        chosen = _classes_in(frame, "water", "water_class", profile.safe_water_classes)
        return _flag_wins(chosen, frame, "safe")
    wanted = profile.school_types if indicator == "school" else profile.clinic_types
    return _classes_in(frame, "facilities", "facility_type", wanted)


def _classes_in(
    frame: pd.DataFrame, kind_key: str, field: str, wanted: tuple[str, ...]
) -> np.ndarray:
    """Which features' canonical class is one of ``wanted``.

    Each distinct raw value is looked up once, so millions of features
    cost a handful of lookups.
    """
    if field not in frame:
        return np.zeros(len(frame), dtype=bool)
    kind = get_kind(kind_key)
    raw = frame[field].astype(object).where(frame[field].notna(), "")
    codes, uniques = pd.factorize(raw)
    keys = [kind.canonical_value(field, u) or normalize_value(u) for u in uniques]
    hit = np.array([key in wanted for key in keys] + [False], dtype=bool)
    return hit[codes]


def _flag_wins(chosen: np.ndarray, frame: pd.DataFrame, flag: str) -> np.ndarray:
    """``chosen`` overruled by a filled-in yes/no flag column."""
    if flag not in frame:
        return chosen
    values = frame[flag].astype(object)
    yes = values.isin([True, 1, "1", "true", "True"]).to_numpy()
    no = values.isin([False, 0, "0", "false", "False"]).to_numpy()
    return (chosen & ~no) | yes


def _farmland(
    frame: gpd.GeoDataFrame, crs: CRS, profile: Profile
) -> tuple[np.ndarray, dict[str, float]]:
    """Basic farmland parcels that count, in metres, and the m² left out
    by land class.

    A parcel counts when its land class is one of the profile's
    ``farmland_classes`` or has no class (the layer is basic farmland);
    its own ``is_farmland`` flag, where filled in, wins either way.
    """
    if "land_class" in frame:
        blank = frame["land_class"].isna() | (
            frame["land_class"].astype(str).str.strip() == ""
        )
        chosen = _classes_in(frame, "farmland", "land_class", profile.farmland_classes)
        chosen |= blank.to_numpy()
    else:
        chosen = np.ones(len(frame), dtype=bool)
    keep = _flag_wins(chosen, frame, "is_farmland")
    shapes = valid(_metric(frame, crs))
    left: dict[str, float] = {}
    if (~keep).any():
        kind = get_kind("farmland")
        raw = frame.get("land_class", pd.Series("", index=frame.index))
        for value, m2 in zip(raw[~keep], shapely.area(shapes[~keep]), strict=True):
            name = kind.value_label("land_class", value)
            left[name] = left.get(name, 0.0) + float(m2)
    return shapes[keep], left
