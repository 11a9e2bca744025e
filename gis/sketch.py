"""Sketches drawn on the map: checked, measured, snapped and placed.

A sketch is a point, a line or an area drawn in lon/lat (EPSG:4326).
Every measure is taken in the local metric CRS of the sketch (CGCS2000
3-degree Gauss-Krüger zone in China, UTM elsewhere; see
:func:`gis.measure.metric_crs_for`), never in degrees or web-Mercator
metres. :mod:`gis.sketchbook` keeps sketches and saves them to the
records; :mod:`gis.sketchmap` draws them.

Examples
--------
>>> import shapely
>>> line = shapely.LineString([(9.52, 47.14), (9.53, 47.14)])
>>> sketch_problems(line)
[]
>>> round(measure(line).length_m)
758
>>> measure(line).crs
'EPSG:32632'
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely import STRtree
from shapely.geometry import shape as geojson_shape

from gis.crs import WGS84, epsg_string
from gis.geometry import family_of, valid
from gis.i18n import t
from gis.measure import M2_PER_HA, M2_PER_MU, metric_crs_for
from layers import get_kind

log = logging.getLogger(__name__)

FAMILIES = ("point", "line", "polygon")
# what a line is for: it decides the layers it snaps to, what its reach
# is measured against and the plan section it is saved under
PURPOSES = ("road", "pipe", "other")
SNAP_KINDS: dict[str, tuple[str, ...]] = {
    "road": ("roads",),
    "pipe": ("water",),
    "other": ("roads", "water"),
}
# the class field of each layer a line snaps to, named in what a snap did
CLASS_FIELD = {"roads": "road_class", "water": "water_class"}
SECTION_OF = {"road": "roads", "pipe": "water", "other": "roads",
              "polygon": "farmland", "point": "services"}  # fmt: skip
CATEGORY_OF = {"road": "sketch.category_road", "pipe": "sketch.category_pipe",
               "other": "sketch.category_line", "polygon": "sketch.category_area",
               "point": "sketch.category_site"}  # fmt: skip

ZERO_M = 0.01  # a line shorter than this (metres) has zero length
ZERO_M2 = 0.01  # an area smaller than this (m²) has none
MM = 3  # snap distances are compared in whole millimetres
WKT_DIGITS = 7  # decimal places of lon/lat kept in WKT (about 1 cm)

_TYPES = {"Point": "point", "LineString": "line", "Polygon": "polygon"}
_WHERE = re.compile(r"\[(\S+) (\S+)\]")  # "Self-intersection[x y]"
_LEAST_POINTS = {"line": 2, "polygon": 3}


# reading and checking a drawing


def from_geojson(geometry: Mapping[str, Any] | None) -> shapely.Geometry | None:
    """A shapely geometry from a GeoJSON geometry (lon, lat), or None
    when it is missing or does not read."""
    if not geometry:
        return None
    try:
        return shapely.force_2d(geojson_shape(geometry))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError,
            shapely.errors.GEOSException):  # fmt: skip
        return None


def sketch_problems(geometry: shapely.Geometry | None) -> list[str]:
    """Everything wrong with a drawing, as translated sentences.

    Checked: nothing drawn, a shape other than a point, line or area,
    coordinates outside lon/lat range, too few points, a line of zero
    length, an area with no surface or an outline that crosses itself.
    An empty list means the sketch can be measured and saved.
    """
    if geometry is None or geometry.is_empty:
        return [t("sketch.empty")]
    family = _TYPES.get(geometry.geom_type)
    if family is None:
        return [t("sketch.unsupported", shape=geometry.geom_type)]

    # coordinates: finite and within lon/lat range
    xy = shapely.get_coordinates(geometry)
    outside = _outside_range(xy)
    if outside:
        return [outside]
    if family == "point":
        return []

    # enough distinct points, and a length or surface in metres
    ring = geometry.exterior if family == "polygon" else geometry
    points = len({tuple(p) for p in shapely.get_coordinates(ring)})
    if points < _LEAST_POINTS[family]:
        return [t(f"sketch.too_few_{family}", n=points)]
    if family == "line":
        length = measure(geometry).length_m or 0.0
        return [] if length >= ZERO_M else [t("sketch.zero_length")]
    return _area_problems(geometry)


def _outside_range(xy: np.ndarray) -> str | None:
    """The message for the first coordinate outside lon/lat range."""
    bad = ~np.isfinite(xy).all(axis=1)
    bad |= (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    if not bad.any():
        return None
    lon, lat = xy[np.flatnonzero(bad)[0]]
    return t("sketch.outside_range", lon=f"{lon:.6f}", lat=f"{lat:.6f}")


def _area_problems(polygon: shapely.Polygon) -> list[str]:
    """An area with no surface, or an outline that crosses itself."""
    surface = measure(shapely.make_valid(polygon)).area_m2 or 0.0
    if surface < ZERO_M2:
        return [t("sketch.zero_area")]
    if polygon.is_valid:
        return []
    reason = shapely.is_valid_reason(polygon)
    where = _WHERE.search(reason)
    if "self-intersection" in reason.lower() and where:
        return [t("sketch.self_crossing", lon=f"{float(where[1]):.6f}",
                  lat=f"{float(where[2]):.6f}")]  # fmt: skip
    return [t("sketch.invalid_area", reason=reason)]


def family(geometry: shapely.Geometry) -> str:
    """``"point"``, ``"line"`` or ``"polygon"`` of a sketch."""
    return family_of(geometry) or "polygon"


# measuring


@dataclass(frozen=True)
class Measure:
    """What a sketch measures in its local metric CRS.

    ``length_m`` is a line's length or an area's perimeter (None for a
    point); ``area_m2`` an area's surface (None otherwise); ``crs`` the
    EPSG code it was measured in.
    """

    family: str
    crs: str
    length_m: float | None = None
    area_m2: float | None = None

    @property
    def length_km(self) -> float | None:
        return None if self.length_m is None else self.length_m / 1000.0

    @property
    def area_mu(self) -> float | None:
        return None if self.area_m2 is None else self.area_m2 / M2_PER_MU

    @property
    def area_ha(self) -> float | None:
        return None if self.area_m2 is None else self.area_m2 / M2_PER_HA

    def rows(self) -> list[tuple[str, str]]:
        """(label, value with units) to show, translated."""
        rows = []
        if self.family == "line" and self.length_m is not None:
            rows.append((t("sketch.length"), length_text(self.length_m)))
        if self.area_m2 is not None:
            rows.append((t("sketch.area"), area_text(self.area_m2)))
        if self.family == "polygon" and self.length_m is not None:
            rows.append((t("sketch.perimeter"), length_text(self.length_m)))
        name = CRS.from_user_input(self.crs).name
        rows.append((t("sketch.measured_in"), f"{self.crs} ({name})"))
        return rows


def measure(geometry: shapely.Geometry, crs: CRS | None = None) -> Measure:
    """Length, perimeter and area of a lon/lat sketch, in metres.

    Parameters
    ----------
    geometry : shapely.Geometry
        A point, line or area in lon/lat (EPSG:4326), (x=lon, y=lat).
    crs : pyproj.CRS, optional
        The metric CRS; by default the local one at the sketch's centre.
    """
    frame = gpd.GeoDataFrame(geometry=[geometry], crs=WGS84)
    crs = crs or metric_crs_for(frame)
    shape = frame.to_crs(crs).geometry.iloc[0]
    kind = family(geometry)
    if kind == "point":
        return Measure(kind, epsg_string(crs))
    if kind == "line":
        return Measure(kind, epsg_string(crs), length_m=float(shape.length))
    return Measure(kind, epsg_string(crs), length_m=float(shape.length),
                   area_m2=float(shape.area))  # fmt: skip


def length_text(length_m: float) -> str:
    """``"1,234.5 m (1.235 km)"`` in the current language."""
    return t(
        "sketch.length_value", m=f"{length_m:,.1f}", km=_digits(length_m / 1000, 3)
    )


def area_text(area_m2: float) -> str:
    """``"12,345 m² · 18.52 mu · 1.23 ha"`` in the current language."""
    return t("sketch.area_value", m2=_digits(area_m2, 0),
             mu=_digits(area_m2 / M2_PER_MU, 2),
             ha=_digits(area_m2 / M2_PER_HA, 2))  # fmt: skip


def _digits(value: float, decimals: int) -> str:
    """A number with thousands separators, ``decimals`` places, and more
    places for small values so that at least three digits show."""
    if value and abs(value) < 10 ** (3 - decimals - 1):
        decimals = min(6, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


# snapping line ends to roads and water lines


@dataclass(frozen=True)
class SnapTargets:
    """Lines a sketch may snap to, in one metric CRS.

    ``shapes`` are metric geometries with their layer ``kinds``
    (``"roads"``, ``"water"``), ``ids`` (source ids as text),
    ``names`` (None where unnamed) and ``classes`` (the road or water
    class, canonical where known, None where not given); ``tree`` indexes ``shapes``.
    """

    crs: CRS | None
    shapes: np.ndarray
    kinds: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    tree: STRtree
    classes: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.shapes)


@dataclass(frozen=True)
class SnappedEnd:
    """One end of a line moved onto a road or water line."""

    end: str  # "start" or "end"
    kind: str
    source_id: str
    name: str | None
    moved_m: float
    lonlat: tuple[float, float]
    line_class: str | None = None  # road or water class (canonical if known)

    def text(self) -> str:
        """What happened to this end, translated."""
        # a name lost in a frame join comes back as NaN, not None
        name = self.name if isinstance(self.name, str) and self.name else None
        name = name or t("sketch.unnamed")
        what = f"#{self.source_id}"
        if isinstance(self.line_class, str) and self.line_class:
            field = CLASS_FIELD[self.kind]
            klass = get_kind(self.kind).value_label(field, self.line_class)
            what = t("sketch.id_and_class", id=self.source_id, klass=klass)
        return t(f"sketch.snapped_{self.end}", layer=t(f"sketch.layer_{self.kind}"),
                 name=name, what=what, m=f"{self.moved_m:,.1f}")  # fmt: skip


@dataclass(frozen=True)
class Snapped:
    """A line with its ends snapped, and which ends moved where."""

    geometry: shapely.Geometry
    ends: tuple[SnappedEnd, ...] = ()


def snap_targets(frames: Mapping[str, gpd.GeoDataFrame]) -> SnapTargets:
    """The lines of some layers, ready to snap to.

    ``frames`` maps a layer kind (``"roads"``, ``"water"``) to a frame
    with a CRS, ``source_id`` and optionally ``name``; only its lines
    are kept (water points and areas are left out). The metric CRS is
    the local one of all the lines together.
    """
    parts = [_lines_of(kind, frame) for kind, frame in frames.items()]
    parts = [p for p in parts if not p.empty]
    if not parts:
        empty = np.empty(0, dtype=object)
        return SnapTargets(None, empty, empty, empty, empty, STRtree(empty), empty)
    lines = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=WGS84)
    crs = metric_crs_for(lines)
    shapes = np.asarray(lines.geometry.to_crs(crs).to_numpy(), dtype=object)
    return SnapTargets(
        crs, shapes, lines["kind"].to_numpy(dtype=object),
        lines["source_id"].to_numpy(dtype=object),
        lines["name"].to_numpy(dtype=object), STRtree(shapes),
        lines["line_class"].to_numpy(dtype=object),
    )  # fmt: skip


def _lines_of(kind: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A layer's lines in lon/lat with kind, source_id and name."""
    frame = frame.to_crs(WGS84)
    kept = frame[frame.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    ids = kept["source_id"] if "source_id" in kept else pd.Series(kept.index)
    names = kept["name"] if "name" in kept else pd.Series([None] * len(kept))
    field = CLASS_FIELD.get(kind, "")
    spec = get_kind(kind) if field else None
    classes = (
        [(spec.canonical_value(field, c) or c.strip()) if isinstance(c, str)
         and c.strip() else None for c in kept[field]]
        if spec is not None and field in kept else [None] * len(kept)
    )  # fmt: skip
    return gpd.GeoDataFrame({
        "kind": kind,
        "source_id": ids.astype(str).to_numpy(),
        "name": [n if isinstance(n, str) and n else None for n in names],
        "line_class": classes,
    }, geometry=kept.geometry.to_numpy(), crs=WGS84)  # fmt: skip


def snap_line_ends(
    line: shapely.LineString,
    targets: SnapTargets,
    *,
    tolerance_m: float,
    kinds: Sequence[str] | None = None,
) -> Snapped:
    """Move each end of a line onto the nearest target line within
    ``tolerance_m`` metres (inclusive), measured in the targets' metric CRS.

    Parameters
    ----------
    line : shapely.LineString
        The sketch in lon/lat.
    targets : SnapTargets
        From :func:`snap_targets`.
    tolerance_m : float
        Largest distance an end moves, in metres; 0 snaps nothing.
    kinds : sequence of str, optional
        Only targets of these kinds (``"roads"``, ``"water"``); all
        when left out.

    Returns
    -------
    Snapped
        The line with its ends moved (lon/lat, inner points unchanged)
        and what each moved end joined; the line as given when nothing
        lies within the tolerance.
    """
    if line.geom_type != "LineString" or tolerance_m <= 0 or targets.crs is None:
        return Snapped(line)
    to_metric = Transformer.from_crs(WGS84, targets.crs, always_xy=True)
    to_lonlat = Transformer.from_crs(targets.crs, WGS84, always_xy=True)
    coords = shapely.get_coordinates(line).copy()
    ends = []
    for end, position in (("start", 0), ("end", len(coords) - 1)):
        point = shapely.Point(to_metric.transform(*coords[position]))
        found = _nearest_target(point, targets, tolerance_m, kinds)
        if found is None:
            continue
        at, moved = found
        on_line = shapely.get_coordinates(
            shapely.shortest_line(targets.shapes[at], point)
        )[0]
        coords[position] = to_lonlat.transform(*on_line)
        ends.append(SnappedEnd(
            end, str(targets.kinds[at]), str(targets.ids[at]), targets.names[at],
            moved, (float(coords[position][0]), float(coords[position][1])),
            None if targets.classes is None else targets.classes[at],
        ))  # fmt: skip
    return Snapped(shapely.LineString(coords), tuple(ends))


def _nearest_target(
    point: shapely.Point,
    targets: SnapTargets,
    tolerance_m: float,
    kinds: Sequence[str] | None,
) -> tuple[int, float] | None:
    """Position of the nearest wanted target within the tolerance, and
    its distance in metres (whole millimetres); ties go to the first."""
    near = targets.tree.query(point, predicate="dwithin", distance=tolerance_m + 1e-3)
    if kinds is not None:
        near = near[np.isin(targets.kinds[near], list(kinds))]
    if near.size == 0:
        return None
    near = np.sort(near)
    gaps = np.round(shapely.distance(targets.shapes[near], point), MM)
    best = int(np.argmin(gaps))
    if gaps[best] > tolerance_m:
        return None
    return int(near[best]), float(gaps[best])


# the village a sketch lies in


@dataclass(frozen=True)
class VillageShapes:
    """An area's village polygons in their metric CRS, indexed."""

    crs: CRS
    shapes: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    tree: STRtree


@dataclass(frozen=True)
class VillageHit:
    """The village a sketch lies in, the share of the sketch inside it
    (0-1), and how far the sketch is from it when outside (metres)."""

    village_id: str
    name: str | None
    share: float
    distance_m: float = 0.0


def village_shapes(villages: gpd.GeoDataFrame) -> VillageShapes:
    """Village polygons (lon/lat frame with ``source_id`` and ``name``)
    ready for :func:`village_of`."""
    crs = metric_crs_for(villages)
    shapes = valid(np.asarray(villages.geometry.to_crs(crs).to_numpy(), dtype=object))
    names = villages["name"] if "name" in villages else [None] * len(villages)
    return VillageShapes(
        crs, shapes, villages["source_id"].astype(str).to_numpy(dtype=object),
        np.array([n if isinstance(n, str) and n else None for n in names],
                 dtype=object),
        STRtree(shapes),
    )  # fmt: skip


def village_of(
    geometry: shapely.Geometry, villages: VillageShapes, *, tolerance_m: float = 0.0
) -> VillageHit | None:
    """The village a sketch lies in, measured in the villages' metric CRS.

    A line belongs to the village holding most of its length, an area
    to the one holding most of its surface, a point to the one covering
    it (edge included); ties go to the first village. A sketch outside
    every village goes, as the coverage analysis places settlements, to
    the nearest village within ``tolerance_m`` metres (its
    ``distance_m`` says how far). None when there is none.
    """
    to_metric = Transformer.from_crs(WGS84, villages.crs, always_xy=True)
    shape = shapely.transform(geometry, lambda xy: np.column_stack(
        to_metric.transform(xy[:, 0], xy[:, 1])))  # fmt: skip
    hit = _holding(shape, family(geometry), villages)
    if hit is not None or tolerance_m <= 0:
        return hit

    # outside every village: the nearest within the tolerance
    found, gap = villages.tree.query_nearest(
        shape, max_distance=tolerance_m, return_distance=True, all_matches=False
    )
    if found.size == 0:
        return None
    at = int(found[0])
    return VillageHit(str(villages.ids[at]), villages.names[at], 0.0, float(gap[0]))


def _holding(
    shape: shapely.Geometry, kind: str, villages: VillageShapes
) -> VillageHit | None:
    """The village holding most of a metric shape, if any holds some."""
    near = np.sort(villages.tree.query(shape, predicate="intersects"))
    if near.size == 0:
        return None
    if kind == "point":
        inside = near[shapely.covers(villages.shapes[near], shape)]
        if inside.size == 0:
            return None
        return VillageHit(str(villages.ids[inside[0]]), villages.names[inside[0]], 1.0)

    # how much of the sketch each village holds
    parts = shapely.intersection(villages.shapes[near], shape)
    size = shapely.length(parts) if kind == "line" else shapely.area(parts)
    total = shape.length if kind == "line" else shape.area
    best = int(np.argmax(size))
    if size[best] <= 0:
        return None
    at = near[best]
    return VillageHit(str(villages.ids[at]), villages.names[at],
                      float(size[best] / total) if total else 1.0)  # fmt: skip


# what a project saved from a sketch starts with


@dataclass(frozen=True)
class Prefill:
    """Project values a sketch suggests: quantity with its unit, plan
    section and category (translated text)."""

    quantity: float
    unit: str
    section: str
    category: str


def project_prefill(geometry: shapely.Geometry, purpose: str = "road") -> Prefill:
    """Quantity and unit from the measure (km for lines, mu for areas,
    1 for a point), and the section and category of the sketch's use."""
    kind = family(geometry)
    found = measure(geometry)
    use = purpose if kind == "line" else kind
    if kind == "line":
        quantity, unit = _rounded(found.length_km or 0.0, 3), t("units.km")
    elif kind == "polygon":
        quantity, unit = _rounded(found.area_mu or 0.0, 2), t("units.mu")
    else:
        quantity, unit = 1.0, t("sketch.unit_site")
    return Prefill(quantity, unit, SECTION_OF[use], t(CATEGORY_OF[use]))


def _rounded(value: float, decimals: int) -> float:
    """``value`` to ``decimals`` places, or to three significant digits
    when that would round it to nothing."""
    if value and round(value, decimals) == 0:
        return round(value, 2 - math.floor(math.log10(abs(value))))
    return round(value, decimals)


def lonlat_wkt(geometry: shapely.Geometry) -> str:
    """WKT in lon/lat to about a centimetre."""
    return str(shapely.to_wkt(geometry, rounding_precision=WKT_DIGITS, trim=True))
