"""What a sketched road or water pipe changes: who comes within reach.

The coverage analysis places settlements (or buildings) in villages and
counts their people by the same rules (see :mod:`gis.coverage`); this
module reuses that placement and those weights, measures each unit's
straight-line distance to the sketch in the same metric CRS, and tells
per village how many units and people come newly within the threshold
(all-weather road for a road, safe water for a pipe) and the share
within reach before and after.

The costly part (reading the layers, placing the units, measuring the
distances that exist) is done once per area by :func:`reach_base`;
each sketch then costs one tree query.

Examples
--------
>>> import pathlib, tempfile, shapely
>>> from gis.demo import build_demo
>>> from gis.workspace import Workspace
>>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "demo.gpkg")
>>> _ = build_demo(ws)
>>> base = area_reach_base(ws, "sikkim")
>>> road = shapely.LineString([(88.59, 27.28), (88.60, 27.29)])
>>> found = newly_in_reach(base, road, "road")
>>> found.indicator, found.threshold_m, found.layer_missing
('road', 500.0, True)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely import STRtree

from gis._coverage_inputs import Area, prepare, read_area
from gis._coverage_measure import MM, Units, VillageCounts, count_villages, distances
from gis._coverage_measure import units_of as coverage_units
from gis._coverage_profile import Profile, load_profile
from gis._coverage_tables import covered, threshold_m
from gis.crs import WGS84
from gis.workspace import Workspace

log = logging.getLogger(__name__)

# the coverage indicator a line of each use brings within reach
INDICATOR_OF = {"road": "road", "pipe": "water"}
# bases whose weights are people (the others count households or buildings)
PEOPLE_BASES = ("settlements", "buildings_estimate")
WEIGHT_UNIT = {"settlements": "people", "buildings_estimate": "people",
               "households": "households", "buildings": "buildings"}  # fmt: skip
# a pipe carries safe water only when one of its ends is this close to a
# safe water source (a hand-drawn end at a well; a snapped end is on it)
SOURCE_JOIN_M = 50.0


@dataclass(frozen=True)
class ReachBase:
    """An area's units placed in villages, with their distances to the
    roads and water that exist; shared by every sketch of the area."""

    area: Area
    counts: VillageCounts
    units: Units
    before_m: dict[str, np.ndarray]
    profile: Profile
    tree: STRtree

    @functools.cached_property
    def source_tree(self) -> STRtree | None:
        """The safe water sources, indexed once (None when there are none)."""
        sources = self.area.targets["water"]
        return None if sources is None or len(sources) == 0 else STRtree(sources)

    def has_layer(self, purpose: str) -> bool:
        """Whether the area has the layer a road or pipe is measured
        against (all-weather roads, safe water)."""
        return self.area.targets[INDICATOR_OF[purpose]] is not None

    @property
    def counted(self) -> np.ndarray:
        """Units that belong to a village (the unassigned count nowhere)."""
        return np.asarray(self.units.table["village"].to_numpy() >= 0)


@dataclass(frozen=True)
class VillageReach:
    """What a sketch changes in one village.

    ``newly`` units (``unit``: settlements or buildings) come within
    reach, weighing ``weight`` in ``weight_unit`` (people, households
    or buildings, by the village's population basis); ``people`` is
    that weight where it is people, else NaN. Shares are percent of the
    village's weight within reach, NaN where not measured (the layer is
    missing before the sketch, or the village counts nobody).
    """

    village_id: str
    village_name: str | None
    newly: int
    unit: str
    weight: float
    weight_unit: str
    people: float
    before_pct: float
    after_pct: float
    estimated: bool = False  # people spread from a village total over buildings


@dataclass(frozen=True)
class Reach:
    """Who a sketched line brings within reach.

    ``villages`` lists the villages with a unit newly within reach,
    most people first; ``points`` the lon/lat units newly within reach
    (``source_id``, ``name``, ``unit``, ``village_id``, ``population``,
    ``distance_m`` to the sketch). ``layer_missing``: the area has no
    layer of the indicator, so "before" was not measured and "after"
    counts the sketch alone. ``joins_source``: for a pipe, whether an
    end lies within :data:`SOURCE_JOIN_M` of a safe water source; a
    pipe that does not brings nobody within reach (None for a road).
    """

    indicator: str
    threshold_m: float
    villages: tuple[VillageReach, ...]
    points: gpd.GeoDataFrame
    layer_missing: bool
    crs: str
    joins_source: bool | None = None

    @property
    def newly(self) -> int:
        return sum(v.newly for v in self.villages)

    @property
    def people(self) -> float:
        """People newly within reach (NaN when no village counts people)."""
        counted = [v.people for v in self.villages if not np.isnan(v.people)]
        return float(sum(counted)) if counted else np.nan


def area_reach_base(ws: Workspace, area: str, *, profile: Profile | None = None
                    ) -> ReachBase:  # fmt: skip
    """:func:`reach_base` of an area of a workspace."""
    frames, _ = read_area(ws, area)
    return reach_base(frames, profile=profile)


def reach_base(
    frames: Mapping[str, gpd.GeoDataFrame], *, profile: Profile | None = None
) -> ReachBase:
    """Place an area's units and measure their reach as it is.

    ``frames`` maps layer kinds to lon/lat frames as for
    :func:`gis.coverage.coverage_frames` (a village layer is needed).

    Raises
    ------
    gis.errors.InputError
        No village layer, or no village with a usable polygon.
    """
    profile = profile or load_profile()
    checked = prepare(frames, profile)
    counts = count_villages(checked, profile)
    units = coverage_units(checked, counts)
    before = distances(units, checked, profile, tuple(INDICATOR_OF.values()))
    log.debug("reach base: %d units in %d villages", len(units.table),
              len(checked.villages))  # fmt: skip
    return ReachBase(checked, counts, units, before, profile, STRtree(units.shapes))


def newly_in_reach(base: ReachBase, line: shapely.Geometry, purpose: str) -> Reach:
    """Units and people a road or pipe sketch brings within reach.

    Parameters
    ----------
    base : ReachBase
        From :func:`reach_base` of the sketch's area.
    line : shapely.Geometry
        The sketch in lon/lat (as snapped, if it is).
    purpose : {"road", "pipe"}
        A road counts against the all-weather road threshold, a pipe
        against the safe water threshold.
    """
    indicator = INDICATOR_OF[purpose]
    limit = threshold_m(base.profile, indicator)
    missing = not base.has_layer(purpose)
    shape = _metric(base, line)
    joins = _joins_source(base, shape) if purpose == "pipe" else None

    # distances before and after, in whole millimetres
    before = np.nan_to_num(base.before_m[indicator], nan=np.inf)
    reach = np.inf if joins is False else _distance_to(base, shape, limit)
    after = np.minimum(before, reach)
    newly = covered(after, limit) & ~covered(before, limit) & base.counted
    villages = _villages(base, newly, before, after, limit, missing)
    return Reach(indicator, limit, villages, _points(base, newly, after), missing,
                 base.area.crs_name, joins)  # fmt: skip


def _joins_source(base: ReachBase, shape: shapely.Geometry) -> bool:
    """Whether a pipe's start or end is within :data:`SOURCE_JOIN_M` of
    a safe water source (False when the area has none)."""
    if base.source_tree is None:
        return False
    ends = shapely.points(shapely.get_coordinates(shape)[[0, -1]])
    near = base.source_tree.query(ends, predicate="dwithin", distance=SOURCE_JOIN_M)
    return bool(near.size)


def out_of_reach(base: ReachBase, purpose: str) -> gpd.GeoDataFrame:
    """Units of a village out of reach of the road or water indicator now
    (lon/lat points with ``source_id``, ``name``, ``unit``,
    ``village_id``, ``population`` and ``distance_m``, inf where the
    layer is missing)."""
    indicator = INDICATOR_OF[purpose]
    before = np.nan_to_num(base.before_m[indicator], nan=np.inf)
    out = ~covered(before, threshold_m(base.profile, indicator)) & base.counted
    return _points(base, out, before)


def _metric(base: ReachBase, line: shapely.Geometry) -> shapely.Geometry:
    """A lon/lat sketch in the area's metric CRS."""
    to_metric = Transformer.from_crs(WGS84, base.area.crs, always_xy=True)
    return shapely.transform(line, lambda xy: np.column_stack(
        to_metric.transform(xy[:, 0], xy[:, 1])))  # fmt: skip


def _distance_to(base: ReachBase, shape: shapely.Geometry, limit: float) -> np.ndarray:
    """Metres from every unit to the metric line; inf beyond the threshold."""
    out = np.full(len(base.units.table), np.inf)
    near = base.tree.query(shape, predicate="dwithin", distance=limit + 10.0**-MM)
    out[near] = np.round(shapely.distance(base.units.shapes[near], shape), MM)
    return out


def _villages(
    base: ReachBase,
    newly: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    limit: float,
    missing: bool,
) -> tuple[VillageReach, ...]:
    """Per village with a unit newly within reach: counts and shares."""
    table = base.units.table
    where = table["village"].to_numpy()
    weight = table["weight"].to_numpy(dtype=float)
    inside = base.counted
    n = len(base.area.villages)

    # weights in reach before and after, and of the whole village
    def total(mask: np.ndarray) -> np.ndarray:
        chosen = inside & mask
        return np.bincount(where[chosen], weights=weight[chosen], minlength=n)

    whole = total(np.ones(len(table), dtype=bool))
    got_before = total(covered(before, limit))
    got_after = total(covered(after, limit))
    gained = total(newly)
    units_gained = np.bincount(where[newly], minlength=n)

    # one row per village that gains, most weight first
    rows = []
    for v in np.flatnonzero(units_gained):
        basis = str(base.counts.basis[v])
        people = basis in PEOPLE_BASES
        rows.append(VillageReach(
            village_id=str(base.area.villages["village_id"].iloc[v]),
            village_name=base.area.villages["village_name"].iloc[v],
            newly=int(units_gained[v]), unit=_unit_of(table, newly & (where == v)),
            weight=float(gained[v]), weight_unit=WEIGHT_UNIT.get(basis, "buildings"),
            people=float(gained[v]) if people else np.nan,
            before_pct=np.nan if missing else _pct(got_before[v], whole[v]),
            after_pct=_pct(got_after[v], whole[v]),
            estimated=basis == "buildings_estimate",
        ))  # fmt: skip
    return tuple(sorted(rows, key=lambda r: (-r.weight, r.village_id)))


def _unit_of(table: pd.DataFrame, rows: np.ndarray) -> str:
    """``"settlement"`` or ``"building"``: what a village's units are."""
    kinds = set(table["unit"].to_numpy()[rows])
    return "building" if kinds == {"building"} else "settlement"


def _pct(part: float, whole: float) -> float:
    """Percent, NaN when there is nothing to count."""
    return 100.0 * part / whole if whole > 0 else np.nan


def _points(
    base: ReachBase, rows: np.ndarray, distance: np.ndarray
) -> gpd.GeoDataFrame:
    """Chosen units as lon/lat points with their village and distance."""
    table = base.units.table
    where = table["village"].to_numpy()[rows]
    ids = base.area.villages["village_id"].to_numpy()
    frame = pd.DataFrame({
        "source_id": table["source_id"].to_numpy()[rows],
        "name": table["name"].to_numpy()[rows],
        "unit": table["unit"].to_numpy()[rows],
        "village_id": ids[where] if where.size else np.empty(0, dtype=object),
        "population": table["population"].to_numpy(dtype=float)[rows],
        "distance_m": distance[rows],
    })  # fmt: skip
    points = shapely.points(base.units.lonlat[rows]) if rows.any() else []
    return gpd.GeoDataFrame(frame, geometry=points, crs=WGS84)
