"""Siting plumbing: the area's layers, the sites and the movers, checked
once and put in one metric CRS.

Layers enter as lon/lat GeoDataFrames (from the workspace or from a
caller) and leave as arrays of shapely geometries in the local metric
CRS of the sites, one array per thing a criterion measures distance
to: ``None`` when its layer is missing (the criterion is not
assessed), empty when the layer holds nothing that counts.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from gis._coverage_inputs import _classes_in, _counted, _farmland, _usable, read_kinds
from gis._coverage_profile import Profile
from gis.areas import resolve_area
from gis.crs import WGS84, epsg_string
from gis.errors import CRSError, InputError
from gis.geometry import valid
from gis.i18n import language, t
from gis.measure import M2_PER_MU, metric_crs_for
from gis.workspace import Workspace

log = logging.getLogger(__name__)

# the layer kinds the review reads, with the columns it needs from each
# more people or households than this at one mover point is a typo
MOST_PER_MOVER = 1_000_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "villages": ("source_id", "name"),
    "settlements": ("source_id", "name", "code", "population", "households"),
    "hazards": ("source_id", "name", "hazard_type", "date", "accuracy"),
    "roads": ("road_class", "all_weather"),
    "water": ("source_id", "name", "water_class", "safe"),
    "facilities": ("source_id", "name", "facility_type"),
    "farmland": ("is_farmland",),
}

# what each distance criterion measures to, and the layer it comes from
TARGET_KIND = {
    "hazard": "hazards",
    "river": "water",
    "road": "roads",
    "school": "facilities",
    "clinic": "facilities",
    "town": "facilities",
    "water": "water",
}

# most problems one message lists
_LIST = 10


@dataclass
class Site:
    """One candidate site, in the metric CRS.

    ``shape`` is the site (a polygon, or a point); ``centre`` a point
    on its surface; ``recorded_m2`` the area its attributes give
    (``area_m2``, else ``area_mu``), NaN when they give none.
    """

    site_id: str
    name: str
    shape: shapely.Geometry
    centre: shapely.Point
    recorded_m2: float

    @property
    def is_point(self) -> bool:
        """Whether the site is given as a point (no outline)."""
        return bool(shapely.get_type_id(self.shape) in (0, 4))

    @property
    def area_m2(self) -> float:
        """Area of the outline, m² (NaN for a point)."""
        return math.nan if self.is_point else float(self.shape.area)


@dataclass
class Movers:
    """The settlements or households that would move, and how many people.

    ``frame`` is lon/lat; ``people`` and ``households`` are the sums of
    the known figures (NaN: none known); ``unknown_people`` counts the
    movers without a population figure.
    """

    frame: gpd.GeoDataFrame
    people: float
    households: float
    unknown_people: int

    @property
    def chosen(self) -> bool:
        """Whether anybody with a known population was chosen."""
        return bool(self.people > 0)


@dataclass
class Targets:
    """What the criteria measure to, in metres (None: layer missing).

    ``hazard_info`` holds name, type, date and location accuracy of
    each hazard, in the order of ``shapes["hazard"]``.
    """

    crs: CRS
    shapes: dict[str, np.ndarray | None]
    hazard_info: pd.DataFrame
    farmland: np.ndarray | None
    villages: tuple[np.ndarray, list[str]] | None
    missing: list[str]

    @property
    def crs_name(self) -> str:
        """``"EPSG:nnnn"`` of the metric CRS."""
        return epsg_string(self.crs)


# reading


def read_layers(
    ws: Workspace, area: str
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The layers the review reads, and when each was imported.

    Returns
    -------
    dict
        Kind -> lon/lat frame, for the kinds the area holds; the
        families of a kind (hazard points and areas) joined in one.
    dict
        ``"<kind>:<family>"`` -> ``imported_at`` of every layer read.

    Raises
    ------
    gis.errors.InputError
        The workspace holds no area of that name.
    """
    return read_kinds(ws, ws.layers(resolve_area(ws, area)), COLUMNS)


# the sites


def check_sites(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Candidate sites checked once: lon/lat, points or areas, named.

    Returns a lon/lat frame with ``site_id`` (text, from ``source_id``
    or the row number), ``name`` (unique: a repeated name gets its id),
    ``recorded_m2`` and the geometry, made valid.

    Raises
    ------
    gis.errors.CRSError
        The sites have no CRS.
    gis.errors.InputError
        No site, or sites without a geometry or given as lines (every
        such site named).
    """
    if sites is None or len(sites) == 0:
        raise InputError(t("siting.no_sites"))
    if sites.crs is None:
        raise CRSError(t("siting.sites_no_crs"))
    frame = sites.reset_index(drop=True)
    ids = _ids(frame)
    geometry = np.asarray(frame.geometry.to_numpy(), dtype=object)

    # every problem together: empty geometries, lines, collections
    empty = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    kinds = shapely.get_type_id(geometry)
    wrong = ~empty & ~np.isin(kinds, (0, 3, 6))
    problems = []
    if empty.any():
        problems.append(t("siting.sites_empty", ids=_list(ids[empty])))
    if wrong.any():
        problems.append(t("siting.sites_not_area", ids=_list(ids[wrong])))
    if problems:
        raise InputError(t("siting.sites_invalid", problems="; ".join(problems)))

    lonlat = gpd.GeoSeries(valid(geometry), crs=frame.crs).to_crs(WGS84)
    return gpd.GeoDataFrame(
        {"site_id": ids, "name": _names(frame, ids),
         "recorded_m2": _recorded_m2(frame)},
        geometry=lonlat.to_numpy(), crs=WGS84,
    )  # fmt: skip


def _ids(frame: pd.DataFrame) -> np.ndarray:
    """``source_id`` of each row as text, else its number from 1."""
    if "source_id" in frame and frame["source_id"].notna().all():
        return np.asarray(frame["source_id"].astype(str), dtype=object)
    return np.asarray([str(i + 1) for i in range(len(frame))], dtype=object)


def _names(frame: pd.DataFrame, ids: np.ndarray) -> list[str]:
    """Each site's name in the current language where the file gives one
    (a ``name_zh`` or ``name_en`` column), else its name, else "site
    <id>"; a repeated name gets its id."""
    raw = frame["name"] if "name" in frame else pd.Series([None] * len(frame))
    own = f"name_{language()}"
    if own in frame:
        mine = frame[own].where(frame[own].astype(str).str.strip() != "")
        raw = mine.where(mine.notna(), raw)
    names = [
        str(n).strip() if isinstance(n, str) and n.strip()
        else t("siting.site_unnamed", id=i)
        for n, i in zip(raw, ids, strict=True)
    ]  # fmt: skip
    counts = pd.Series(names).value_counts()
    return [f"{n} (#{i})" if counts[n] > 1 else n
            for n, i in zip(names, ids, strict=True)]  # fmt: skip


def _recorded_m2(frame: pd.DataFrame) -> np.ndarray:
    """The area a site's attributes give, m² (``area_m2``, else
    ``area_mu``); NaN where neither is a positive number."""
    out = np.full(len(frame), np.nan)
    for column, scale in (("area_mu", M2_PER_MU), ("area_m2", 1.0)):
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(float)
            good = np.isfinite(values) & (values > 0)
            out[good] = values[good] * scale
    return out


def metric_sites(checked: gpd.GeoDataFrame, crs: CRS) -> list[Site]:
    """The checked sites in the metric CRS."""
    shapes = valid(np.asarray(checked.geometry.to_crs(crs).to_numpy(), dtype=object))
    centres = shapely.point_on_surface(shapes)
    return [
        Site(str(sid), str(name), shape, centre, float(recorded))
        for sid, name, shape, centre, recorded in zip(
            checked["site_id"], checked["name"], shapes, centres,
            checked["recorded_m2"], strict=True,
        )
    ]  # fmt: skip


# the movers


def check_movers(movers: gpd.GeoDataFrame | None) -> Movers:
    """The movers as lon/lat points with their people and households.

    Areas count by a point on their surface. ``None`` or no rows: nobody
    moves (capacity and farmland per person are then not assessed).

    Raises
    ------
    gis.errors.CRSError
        The movers have no CRS.
    gis.errors.InputError
        A population or household count below 0 or above
        :data:`MOST_PER_MOVER` (every such feature named).
    """
    if movers is None or len(movers) == 0:
        empty = gpd.GeoDataFrame(
            {"source_id": [], "name": [], "population": [], "households": []},
            geometry=[], crs=WGS84,
        )  # fmt: skip
        return Movers(empty, 0.0, math.nan, 0)
    if movers.crs is None:
        raise CRSError(t("siting.movers_no_crs"))
    frame = _usable("settlements", movers.reset_index(drop=True))
    points = shapely.point_on_surface(np.asarray(frame.geometry.to_numpy(), object))
    lonlat = gpd.GeoSeries(points, crs=frame.crs).to_crs(WGS84)
    _check_counts(frame)
    people = _count(frame, "population")
    households = _count(frame, "households")
    out = gpd.GeoDataFrame(
        {"source_id": _ids(frame), "name": _text(frame, "name"),
         "population": people, "households": households},
        geometry=lonlat.to_numpy(), crs=WGS84,
    )  # fmt: skip
    known_households = np.isfinite(households)
    return Movers(
        out,
        float(np.nansum(people)),
        float(households[known_households].sum()) if known_households.any()
        else math.nan,
        int((~np.isfinite(people)).sum()),
    )  # fmt: skip


def _check_counts(frame: pd.DataFrame) -> None:
    """Refuse negative or impossible counts of people or households: a
    typo there would move the capacity verdict without a word."""
    problems = []
    ids = np.asarray(_ids(frame), dtype=object)
    names = _text(frame, "name")
    for column in ("population", "households"):
        if column not in frame:
            continue
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero((values < 0) | (values > MOST_PER_MOVER))
        if bad.size:
            which = ", ".join(
                f"{names[i] or ''} #{ids[i]}: {values[i]:,.6g}".strip()
                for i in bad[:10]
            )
            problems.append(t(
                "siting.movers_bad_count", field=t(f"siting.count_{column}"),
                which=which, most=f"{MOST_PER_MOVER:,}",
            ))  # fmt: skip
    if problems:
        raise InputError("; ".join(problems))


def _count(frame: pd.DataFrame, column: str) -> np.ndarray:
    """People or households as floats; NaN where unknown."""
    if column not in frame:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    return np.where(values >= 0, values, np.nan)


def _text(frame: pd.DataFrame, column: str) -> list[str | None]:
    """A text column, None where missing."""
    if column not in frame:
        return [None] * len(frame)
    return [str(v) if isinstance(v, str) and v else None for v in frame[column]]


# the targets


def prepare(
    frames: Mapping[str, gpd.GeoDataFrame], crs: CRS, profile: Profile
) -> Targets:
    """What each criterion measures to, in the metric CRS ``crs``.

    Raises
    ------
    gis.errors.CRSError
        A layer has no CRS.
    """
    checked = {kind: _usable(kind, frame) for kind, frame in frames.items()}
    siting = profile.siting
    facilities = checked.get("facilities")
    water = checked.get("water")
    keep: dict[str, np.ndarray | None] = {
        "hazard": _all(checked.get("hazards")),
        "river": None if water is None else _classes_in(
            water, "water", "water_class", siting.river_classes),
        "road": _kept("road", checked.get("roads"), profile),
        "school": _kept("school", facilities, profile),
        "clinic": _kept("clinic", facilities, profile),
        "town": None if facilities is None else _classes_in(
            facilities, "facilities", "facility_type", siting.town_types),
        "water": _kept("water", water, profile),
    }  # fmt: skip
    shapes = {
        name: None if chosen is None
        else _metric(checked[TARGET_KIND[name]][chosen], crs)
        for name, chosen in keep.items()
    }  # fmt: skip
    farmland = checked.get("farmland")
    return Targets(
        crs=crs,
        shapes=shapes,
        hazard_info=_hazard_info(checked.get("hazards")),
        farmland=None if farmland is None else _farmland(farmland, crs, profile)[0],
        villages=_villages(checked.get("villages"), crs),
        missing=[kind for kind in COLUMNS if kind not in frames],
    )


def _all(frame: gpd.GeoDataFrame | None) -> np.ndarray | None:
    """Every feature of a layer (None: no layer)."""
    return None if frame is None else np.ones(len(frame), dtype=bool)


def _kept(
    indicator: str, frame: gpd.GeoDataFrame | None, profile: Profile
) -> np.ndarray | None:
    """Which features count as the coverage analysis counts them."""
    return None if frame is None else _counted(indicator, frame, profile)


def _metric(frame: gpd.GeoDataFrame, crs: CRS) -> np.ndarray:
    """Valid geometries of a frame in ``crs``."""
    return valid(np.asarray(frame.geometry.to_crs(crs).to_numpy(), dtype=object))


def _hazard_info(frame: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """Name, type, date and accuracy of each hazard (text, None if unknown)."""
    columns = ("name", "hazard_type", "date", "accuracy")
    if frame is None:
        return pd.DataFrame({c: [] for c in columns})
    return pd.DataFrame({
        c: [None if pd.isna(v) or v == "" else str(v) for v in frame[c]]
        if c in frame else [None] * len(frame)
        for c in columns
    })  # fmt: skip


def _villages(
    frame: gpd.GeoDataFrame | None, crs: CRS
) -> tuple[np.ndarray, list[str]] | None:
    """Village polygons in metres, with their names."""
    if frame is None or frame.empty:
        return None
    names = _text(frame, "name")
    return _metric(frame, crs), [n or "—" for n in names]


def metric_crs(sites: gpd.GeoDataFrame) -> CRS:
    """The local metric CRS of the sites (lon/lat frame)."""
    return metric_crs_for(sites)


def _list(ids: np.ndarray) -> str:
    """Ids for a message, the first few only."""
    shown = ", ".join(map(str, ids[:_LIST]))
    return shown + (" …" if len(ids) > _LIST else "")
