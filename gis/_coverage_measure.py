"""Coverage plumbing: who belongs to which village, and how far they live.

Everything here is vectorised over shapely's STRtree in the area's
metric CRS: one tree query places every point in a village, one
nearest-neighbour query per indicator measures every distance.
Distances are rounded to whole millimetres, so "within" (distance <=
threshold) does not hinge on the last bits of a coordinate transform.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely import STRtree

from gis._coverage_inputs import INDICATORS, Area, Points
from gis._coverage_profile import Profile

log = logging.getLogger(__name__)

T = TypeVar("T")

# population bases, and the unit each one counts
BASES = ("settlements", "households", "buildings_estimate", "buildings", "none")
BASIS_UNIT = {"settlements": "people", "buildings_estimate": "people",
              "households": "households", "buildings": "buildings"}  # fmt: skip

# decimals distances keep: whole millimetres
MM = 3

# above DENSE targets within reach per point (in a sample of about
# SAMPLE points), or below CHUNK points, a plain nearest-neighbour
# search is faster
DENSE = 8
SAMPLE = 500

# points per chunk, and threads working on chunks at once
CHUNK = 50_000
VILLAGE_CHUNK = 2_000
POINT_TYPE = 0  # shapely.get_type_id of a Point
WORKERS = max(1, min(8, len(os.sched_getaffinity(0))))


@dataclass
class Placement:
    """Where points fall: village position (-1 for none) and the
    distance in metres to it (0 inside, NaN when unassigned)."""

    village: np.ndarray
    distance_m: np.ndarray

    @property
    def outside(self) -> np.ndarray:
        """Points given to a village they lie outside of."""
        return self.distance_m > 0

    @classmethod
    def empty(cls) -> Placement:
        return cls(np.zeros(0, dtype=np.intp), np.zeros(0))


@dataclass
class Units:
    """The points whose reach is measured, one row each.

    ``table`` holds ``unit`` (``"settlement"`` or ``"building"``),
    ``source_id``, ``name``, ``population``, ``households``,
    ``village`` (position, -1 when unassigned), ``distance_to_village_m``,
    ``weight`` (what the unit counts for in the shares) and ``estimate``.
    ``lonlat`` is an (n, 2) array of (lon, lat), ``shapes`` the points
    in the metric CRS.
    """

    table: pd.DataFrame
    lonlat: np.ndarray
    shapes: np.ndarray
    blank_settlements: int = 0


@dataclass
class VillageCounts:
    """Per-village counts that decide each village's population basis."""

    settlements: np.ndarray
    settlement_population: np.ndarray
    settlement_households: np.ndarray
    buildings: np.ndarray | None
    basis: np.ndarray
    settlement_place: Placement
    building_place: Placement


def place(
    points: np.ndarray, shapes: np.ndarray, tree: STRtree, tolerance_m: float
) -> Placement:
    """Put each point in the village polygon that covers it, else in the
    nearest village within ``tolerance_m`` (boundary and tolerance
    included); ties go to the first village.

    ``shapes`` are the village polygons and ``tree`` their STRtree.
    """
    n = len(points)
    village = np.full(n, -1, dtype=np.intp)
    distance = np.full(n, np.nan)
    if n == 0:
        return Placement(village, distance)

    # inside (or on the edge of) a polygon: each village, prepared once,
    # tests the points in its box; the first village wins
    shapely.prepare(shapes)
    point_tree = STRtree(points)

    def covered(chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hit, point = point_tree.query(shapes[chunk], predicate="covers")
        return chunk[hit], point

    first = np.full(n, len(shapes), dtype=np.intp)
    for hit_village, hit_point in in_chunks(covered, len(shapes), size=VILLAGE_CHUNK):
        np.minimum.at(first, hit_point, hit_village)
    inside = first < len(shapes)
    village[inside] = first[inside]
    distance[inside] = 0.0

    # outside every polygon: the nearest within the tolerance
    out = np.flatnonzero(~inside)
    if out.size and tolerance_m > 0:
        (got, near), gap = tree.query_nearest(
            points[out], max_distance=tolerance_m + 10.0 ** -MM,
            return_distance=True, all_matches=False,
        )  # fmt: skip
        gap = np.round(gap, MM)
        ok = gap <= tolerance_m
        village[out[got[ok]]] = near[ok]
        distance[out[got[ok]]] = gap[ok]
    return Placement(village, distance)


def nearest_m(
    points: np.ndarray,
    targets: np.ndarray | None,
    limit_m: float,
    *,
    points_xy: np.ndarray | None = None,
) -> np.ndarray:
    """Straight-line metres from each point to the nearest target.

    NaN everywhere when the layer is missing (``targets`` None), inf
    when it holds nothing that counts. Where targets are sparse, points
    within ``limit_m`` of one are measured against the few candidates
    a bounded tree query finds, and only the rest need the costlier
    nearest-neighbour search; where they are dense (many candidates per
    point), every point takes the nearest-neighbour search. Chunks of
    points run on several threads (GEOS releases the GIL).
    ``points_xy``, when given, are the coordinates of ``points``, all
    single points (measured once for several layers).
    """
    if targets is None:
        return np.full(len(points), np.nan)
    if len(targets) == 0 or len(points) == 0:
        return np.full(len(points), np.inf)
    if points_xy is None and _all_points(points):
        points_xy = shapely.get_coordinates(points)
    if points_xy is not None and _all_points(targets):
        return _nearest_point_m(points_xy, targets)
    tree = STRtree(targets)
    dense = _dense(tree, points, limit_m)

    def near(chunk: np.ndarray) -> np.ndarray:
        mine = points[chunk]
        best = np.full(len(chunk), np.inf)

        # sparse: the least distance to each candidate within the limit
        if not dense:
            hit, target = tree.query(mine, predicate="dwithin", distance=limit_m)
            distance = shapely.distance(mine[hit], targets[target])
            np.minimum.at(best, hit, distance)

        # the others: a nearest-neighbour search
        rest = np.flatnonzero(np.isinf(best))
        if rest.size:
            (got, _), gap = tree.query_nearest(
                mine[rest], return_distance=True, all_matches=False
            )
            best[rest[got]] = gap
        return best

    return np.round(np.concatenate(in_chunks(near, len(points))), MM)


def _all_points(shapes: np.ndarray) -> bool:
    """Whether every geometry is a single point."""
    return bool((shapely.get_type_id(shapes) == POINT_TYPE).all())


def _nearest_point_m(points_xy: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Metres from each point (its coordinates) to the nearest target
    point, by a k-d tree (exact Euclidean distance, as
    :func:`shapely.distance` gives for points, and far quicker than the
    R-tree's nearest search)."""
    xy = shapely.get_coordinates(targets)
    distance, _ = cKDTree(xy).query(points_xy, k=1, workers=WORKERS)
    return np.round(np.asarray(distance, dtype=float), MM)


def _dense(tree: STRtree, points: np.ndarray, limit_m: float) -> bool:
    """Whether a sample of points has many targets within the limit
    (few points count as dense: the plain search is quick for them)."""
    if len(points) < CHUNK:
        return True
    sample = points[:: -(-len(points) // SAMPLE)]
    hit, _ = tree.query(sample, predicate="dwithin", distance=limit_m)
    return bool(hit.size > DENSE * len(sample))


def in_chunks(work: Callable[[np.ndarray], T], n: int, *, size: int = CHUNK) -> list[T]:
    """``work`` over chunks of ``range(n)`` on threads, results in order.

    The first chunk runs alone, so any lazy set-up of a shared tree is
    done before the threads start.
    """
    chunks = np.array_split(np.arange(n), max(1, -(-n // size)))
    first = work(chunks[0])
    if len(chunks) == 1:
        return [first]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return [first, *pool.map(work, chunks[1:])]


def count_villages(area: Area, profile: Profile) -> VillageCounts:
    """Place settlements and buildings, and choose each village's basis.

    The basis is the first that applies: settlements with a population
    figure, settlements with a household figure, the recorded village
    population spread over its buildings (an estimate), a count of
    buildings, none.
    """
    n = len(area.villages)
    tree = STRtree(area.village_shapes)
    tolerance = profile.assign_tolerance_m

    # settlements: how many, and what they tell about people
    s_place = Placement.empty()
    s_pop = s_hh = np.zeros(n)
    s_known_pop = s_known_hh = s_count = np.zeros(n, dtype=np.intp)
    if area.settlements is not None:
        s_place = place(area.settlements.shapes, area.village_shapes, tree,
                        tolerance)  # fmt: skip
        frame = area.settlements.frame
        s_count = _count_in(s_place.village, None, n)
        s_known_pop = _count_in(s_place.village, frame["population"].notna(), n)
        s_known_hh = _count_in(s_place.village, frame["households"].notna(), n)
        s_pop = _sum_in(s_place.village, frame["population"], n)
        s_hh = _sum_in(s_place.village, frame["households"], n)

    # buildings
    b_place = Placement.empty()
    b_count = None
    if area.buildings is not None:
        b_place = place(area.buildings.shapes, area.village_shapes, tree,
                        tolerance)  # fmt: skip
        b_count = _count_in(b_place.village, None, n)

    # the basis of each village
    has_buildings = (b_count if b_count is not None else np.zeros(n)) > 0
    recorded = area.villages["population_recorded"].to_numpy(dtype=float)
    basis = np.select(
        [s_known_pop > 0, s_known_hh > 0,
         has_buildings & ~np.isnan(recorded), has_buildings],
        list(BASES[:4]), default="none",
    )  # fmt: skip
    return VillageCounts(s_count, np.where(s_known_pop > 0, s_pop, np.nan),
                         np.where(s_known_hh > 0, s_hh, np.nan), b_count,
                         basis, s_place, b_place)  # fmt: skip


def units_of(area: Area, counts: VillageCounts) -> Units:
    """The settlements and buildings that stand for each village's people.

    Settlements outside every village come along with weight 0, so
    their distances can be listed.
    """
    parts: list[tuple[pd.DataFrame, np.ndarray, np.ndarray]] = []
    blank = 0
    basis = counts.basis
    recorded = area.villages["population_recorded"].to_numpy(dtype=float)

    # settlements of villages counted by settlement, and the unassigned
    if area.settlements is not None:
        where = counts.settlement_place.village
        v_basis = np.where(where >= 0, basis[np.maximum(where, 0)], "unassigned")
        keep = np.isin(v_basis, ("settlements", "households", "unassigned"))
        table = _unit_table("settlement", area.settlements, counts.settlement_place)
        column = np.where(v_basis == "households", "households", "population")
        weight = np.where(column == "households", table["households"],
                          table["population"])  # fmt: skip
        table["weight"] = np.where(where >= 0, np.nan_to_num(weight), 0.0)
        blank = int((keep & (where >= 0) & np.isnan(weight)).sum())
        parts.append(_subset(table, area.settlements, keep))

    # buildings of villages counted by building
    if area.buildings is not None and counts.buildings is not None:
        where = counts.building_place.village
        v_basis = np.where(where >= 0, basis[np.maximum(where, 0)], "none")
        keep = np.isin(v_basis, ("buildings_estimate", "buildings"))
        table = _unit_table("building", area.buildings, counts.building_place)
        share = recorded / np.maximum(counts.buildings, 1)
        estimate = v_basis == "buildings_estimate"
        table["population"] = np.where(estimate, share[np.maximum(where, 0)], np.nan)
        table["households"] = np.nan
        table["weight"] = np.where(estimate, table["population"], 1.0)
        table["estimate"] = estimate
        parts.append(_subset(table, area.buildings, keep))

    if not parts:
        return Units(_unit_table("settlement", None, Placement.empty()),
                     np.zeros((0, 2)), np.zeros(0, dtype=object))  # fmt: skip
    return Units(
        pd.concat([p[0] for p in parts], ignore_index=True),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        blank,
    )


def _unit_table(unit: str, points: Points | None, placement: Placement) -> pd.DataFrame:
    """The attribute rows of a set of points, with their placement."""
    if points is None:
        columns = ("source_id", "name", "population", "households")
        base = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    else:
        base = points.frame
    table = base.copy()
    table.insert(0, "unit", unit)
    table["village"] = placement.village
    table["distance_to_village_m"] = placement.distance_m
    table["weight"] = 0.0
    table["estimate"] = False
    return table


def _subset(
    table: pd.DataFrame, points: Points, keep: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows ``keep`` of a unit table and of its coordinates."""
    return table[keep], points.lonlat[keep], points.shapes[keep]


def _count_in(village: np.ndarray, mask: object, n: int) -> np.ndarray:
    """How many points (where ``mask``) each village holds."""
    chosen = village >= 0
    if mask is not None:
        chosen &= np.asarray(mask, dtype=bool)
    return np.bincount(village[chosen], minlength=n)


def _sum_in(village: np.ndarray, values: pd.Series, n: int) -> np.ndarray:
    """Sum of the known values in each village."""
    numbers = values.to_numpy(dtype=float)
    chosen = (village >= 0) & ~np.isnan(numbers)
    return np.bincount(village[chosen], weights=numbers[chosen], minlength=n)


def distances(
    units: Units,
    area: Area,
    profile: Profile,
    indicators: tuple[str, ...] = INDICATORS,
) -> dict[str, np.ndarray]:
    """Straight-line metres from every unit to the nearest target of
    each of ``indicators``.

    Units are queried in Z-order (neighbours after one another), which
    keeps the tree walks in cache: about twice as fast on a million
    points in file order.
    """
    order = spatial_order(units.shapes)
    shapes = units.shapes[order]
    xy = shapely.get_coordinates(shapes) if _all_points(shapes) else None
    out = {}
    for name in indicators:
        limit = float(getattr(profile, f"{name}_m"))
        distance = np.empty(len(order))
        distance[order] = nearest_m(shapes, area.targets[name], limit, points_xy=xy)
        out[name] = distance
        log.debug("measured %d distances to %s", len(order), name)
    return out


def spatial_order(points: np.ndarray) -> np.ndarray:
    """Positions that sort points along a Z-order (Morton) curve."""
    if len(points) < 2:
        return np.arange(len(points))
    cells = [_cell(shapely.get_x(points)), _cell(shapely.get_y(points))]
    code = _spread_bits(cells[0]) | (_spread_bits(cells[1]) << np.uint64(1))
    return np.argsort(code, kind="stable")


def _cell(values: np.ndarray) -> np.ndarray:
    """Coordinates scaled to 16-bit grid cells."""
    low, span = values.min(), np.ptp(values)
    scaled = (values - low) / span * 65535 if span > 0 else values * 0
    return scaled.astype(np.uint64)


def _spread_bits(v: np.ndarray) -> np.ndarray:
    """16-bit numbers with a zero bit put after each bit."""
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333),
                        (1, 0x55555555)):  # fmt: skip
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def farmland_m2(
    shapes: np.ndarray, parcels: np.ndarray | None
) -> tuple[np.ndarray, float]:
    """Basic farmland inside each village polygon, m² (NaN: no layer),
    and the m² of parcels that lie outside every village.

    Parcels that overlap each other (one drawn twice) are unioned
    within the villages that hold them, so no ground counts twice.
    """
    n = len(shapes)
    if parcels is None:
        return np.full(n, np.nan), 0.0
    if len(parcels) == 0:
        return np.zeros(n), 0.0

    # each village's part of each parcel: whole parcels need no cutting
    tree = STRtree(parcels)
    v_hit, p_hit = tree.query(shapes, predicate="intersects")
    shapely.prepare(shapes)
    whole = shapely.contains_properly(shapes[v_hit], parcels[p_hit])
    parts = parcels[p_hit].copy()
    cut = np.flatnonzero(~whole)
    if cut.size:
        parts[cut] = np.concatenate(in_chunks(
            lambda chunk: shapely.intersection(shapes[v_hit[cut[chunk]]],
                                               parcels[p_hit[cut[chunk]]]),
            len(cut),
        ))  # fmt: skip
    area = shapely.area(parts)
    inside = np.bincount(p_hit, weights=area, minlength=len(parcels))
    outside = float(np.clip(shapely.area(parcels) - inside, 0.0, None).sum())

    # overlapping parcels: their parts are unioned per village
    doubled = np.isin(p_hit, _overlapping(parcels, tree))
    out = np.bincount(v_hit[~doubled], weights=area[~doubled], minlength=n)
    rows = np.flatnonzero(doubled)
    rows = rows[np.argsort(v_hit[rows], kind="stable")]
    for group in np.split(rows, np.flatnonzero(np.diff(v_hit[rows])) + 1):
        if group.size:
            out[v_hit[group[0]]] += shapely.union_all(parts[group]).area
    return out, outside


def _overlapping(parcels: np.ndarray, tree: STRtree) -> np.ndarray:
    """Positions of parcels whose interiors meet another parcel's."""
    a, b = tree.query(parcels, predicate="intersects")
    pair = a < b
    a, b = a[pair], b[pair]
    overlap = shapely.relate_pattern(parcels[a], parcels[b], "2********")
    return np.unique(np.concatenate([a[overlap], b[overlap]]))
