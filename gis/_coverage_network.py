"""Coverage plumbing: reach of schools and clinics along the road network.

The network is every road of the area, whatever its class, cut into
segments between consecutive vertices in the area's metric CRS. Its
nodes are the vertices, with coordinates rounded to a grid of
``node_tolerance_m`` so that roads sharing an end connect; roads that
cross without a shared vertex (a bridge over a road) do not.

A settlement or facility joins the network at the nearest point on a
segment, within ``snap_limit_m``; that leg is added to its distance.
A facility is a source reaching both ends of its segment with its
partial lengths; a settlement's distance is its leg plus the least of
(along its segment to an end + that end's distance), or the direct
way along the segment when a facility sits on the same one. One
multi-source Dijkstra (scipy.sparse.csgraph, ``min_only=True``) per
indicator runs from all its facilities at once. Points beyond the
snap limit, and parts of the network no facility reaches, are
unreachable (infinite distance), never measured in a straight line.

Under the terrain method costs are walking minutes instead of metres:
each segment at Tobler's hiking speed for its slope (heights from a
DEM at the ends of pieces of at most ``terrain_step_m``), scaled so
that flat ground is walked at ``walk_kmh``; the legs to and from the
road at ``walk_kmh``. Walking times are turned back into the distance
walked in that time on flat ground, so the thresholds (metres) and the
"within" rule stay those of the other methods: 5 km at 5 km/h is 60
minutes. Walks run from the settlement to the facility.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely import STRtree

from gis._coverage_inputs import Area
from gis._coverage_profile import Profile
from gis.elevation import Dem, sample_xy
from gis.i18n import t

log = logging.getLogger(__name__)

# the indicators measured along roads; roads and water stay straight
ALONG_ROADS = ("school", "clinic")

# decimals kept: whole millimetres, thousandths of a minute
MM = 3
TIE_M = 10.0**-MM
MINUTE_DECIMALS = 3

# Tobler's hiking function: speed falls by exp(-3.5 |S + 0.05|), S the
# slope (rise over run); fastest slightly downhill (S = -0.05)
TOBLER_DECAY = 3.5
TOBLER_BEST_SLOPE = -0.05

# reasons a unit is not reached along the roads
OFF_ROAD = "off_road"
NO_ROUTE = "no_route"

# most ids a note lists
_LIST_IDS = 10

Report = Callable[[float, str], None]


@dataclass
class Network:
    """Road segments in the metric CRS and what crossing each costs.

    ``start`` and ``end`` are the node numbers of each segment's first
    and last vertex; ``forward`` is the cost of going from start to
    end, ``backward`` from end to start (metres, or minutes on
    terrain). ``no_height`` marks segments walked at flat speed for
    want of heights.
    """

    segments: np.ndarray
    start: np.ndarray
    end: np.ndarray
    length_m: np.ndarray
    nodes: int
    forward: np.ndarray = field(default_factory=lambda: np.zeros(0))
    backward: np.ndarray = field(default_factory=lambda: np.zeros(0))
    no_height: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    _tree: STRtree | None = None

    def __len__(self) -> int:
        return len(self.segments)

    @property
    def tree(self) -> STRtree:
        """An STRtree of the segments, built on first use."""
        if self._tree is None:
            self._tree = STRtree(self.segments)
        return self._tree


@dataclass
class Snapped:
    """Where points meet the network, one row per (point, nearest segment).

    A point equally near several segments has a row for each;
    ``along_m`` is measured from the segment's start, ``gap_m`` is the
    leg from the point to the road.
    """

    point: np.ndarray
    segment: np.ndarray
    along_m: np.ndarray
    gap_m: np.ndarray

    @classmethod
    def none(cls) -> Snapped:
        empty = np.zeros(0, dtype=np.intp)
        return cls(empty, empty, np.zeros(0), np.zeros(0))


@dataclass
class Reach:
    """School and clinic reach of each unit along the roads.

    ``distance_m`` holds network metres (terrain: the distance walked
    on flat ground in the same time); ``minutes`` the walking times
    (terrain only). ``road_gap_m`` is each unit's distance to the
    nearest road of any class and ``off_road`` marks those beyond the
    snap limit; ``why`` gives the reason a unit is not reached
    (:data:`OFF_ROAD`, :data:`NO_ROUTE`, or None).
    """

    method: str
    road_gap_m: np.ndarray
    off_road: np.ndarray
    distance_m: dict[str, np.ndarray] = field(default_factory=dict)
    minutes: dict[str, np.ndarray] = field(default_factory=dict)
    why: dict[str, np.ndarray] = field(default_factory=dict)
    facilities_off_road: dict[str, np.ndarray] = field(default_factory=dict)
    segments: int = 0
    length_km: float = 0.0
    no_height_segments: int = 0
    no_height_km: float = 0.0

    def columns(self) -> dict[str, np.ndarray]:
        """Per-unit columns for the point listings, in order."""
        out = {"distance_to_any_road_m": self.road_gap_m}
        for name in self.minutes:
            out[f"time_to_{name}_min"] = self.minutes[name]
        for name in self.why:
            out[f"unreachable_{name}"] = self.why[name]
        return out


# building the network


def build(
    lines: np.ndarray, tolerance_m: float, step_m: float | None = None
) -> Network:
    """Segments and nodes of road lines (metric; other shapes ignored).

    With ``step_m``, segments longer than that are first cut into
    equal pieces no longer than it.
    """
    parts = shapely.get_parts(np.asarray(lines, dtype=object))
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    if step_m:
        parts = shapely.segmentize(parts, step_m)
    xy, part = shapely.get_coordinates(parts, return_index=True)

    # one node per grid cell of the tolerance
    node = _grid_nodes(xy, tolerance_m)

    # consecutive vertices of one line, at distinct nodes
    same = part[1:] == part[:-1]
    start, end = node[:-1][same], node[1:][same]
    a, b = xy[:-1][same], xy[1:][same]
    keep = start != end
    ends = np.stack([a[keep], b[keep]], axis=1)
    network = Network(
        segments=shapely.linestrings(ends) if keep.any() else np.zeros(0, object),
        start=start[keep],
        end=end[keep],
        length_m=np.hypot(*(b[keep] - a[keep]).T) if keep.any() else np.zeros(0),
        nodes=int(node.max()) + 1 if node.size else 0,
    )
    log.debug("road network: %d segments, %d nodes", len(network), network.nodes)
    return network


def _grid_nodes(xy: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Node number of each vertex: vertices in one grid cell share one."""
    if not len(xy):
        return np.zeros(0, dtype=np.intp)
    cell = np.round(xy / tolerance_m).astype(np.int64)
    cell -= cell.min(axis=0)
    code = cell[:, 0] * (int(cell[:, 1].max()) + 1) + cell[:, 1]
    _, node = np.unique(code, return_inverse=True)
    return np.asarray(node, dtype=np.intp).ravel()


def with_lengths(network: Network) -> Network:
    """Costs in metres: the segment length, both ways."""
    network.forward = network.length_m
    network.backward = network.length_m
    network.no_height = np.zeros(len(network), dtype=bool)
    return network


def with_walking_minutes(
    network: Network, dem: Dem, crs: CRS, walk_kmh: float
) -> Network:
    """Costs in minutes: Tobler's speed for each segment's slope, scaled
    so flat ground gives ``walk_kmh``; flat speed where a height is
    missing."""
    ends = shapely.get_coordinates(network.segments).reshape(-1, 2, 2)
    height = sample_xy(dem, ends.reshape(-1, 2), crs).reshape(-1, 2)
    rise = height[:, 1] - height[:, 0]
    no_height = ~np.isfinite(rise)
    slope = np.where(no_height, 0.0, rise) / network.length_m
    network.forward = walking_minutes(network.length_m, slope, walk_kmh)
    network.backward = walking_minutes(network.length_m, -slope, walk_kmh)
    network.no_height = no_height
    return network


def tobler_kmh(slope: np.ndarray, walk_kmh: float) -> np.ndarray:
    """Walking speed (km/h) on a slope (rise over run), Tobler's shape
    scaled so that ``slope = 0`` gives ``walk_kmh``:
    ``walk_kmh * exp(-3.5 * (|slope + 0.05| - 0.05))``."""
    best = abs(TOBLER_BEST_SLOPE)
    return walk_kmh * np.exp(-TOBLER_DECAY * (np.abs(slope - TOBLER_BEST_SLOPE) - best))


def walking_minutes(
    length_m: np.ndarray, slope: np.ndarray, walk_kmh: float
) -> np.ndarray:
    """Minutes to walk ``length_m`` (horizontal) up a ``slope``."""
    minutes = np.asarray(length_m) / 1000.0 / tobler_kmh(slope, walk_kmh) * 60.0
    return np.asarray(minutes, dtype=float)


# joining points to the network


def snap(points: np.ndarray, network: Network, limit_m: float) -> Snapped:
    """The nearest point on a segment of each point within ``limit_m``
    (compared in whole millimetres); points beyond it get no row.

    Segments within a millimetre of the nearest count as equally near
    (roads drawn over one another, the two sides of a vertex), and the
    point gets a row on each.
    """
    if not len(network) or not len(points):
        return Snapped.none()
    (point, _), gap = network.tree.query_nearest(
        points, max_distance=limit_m + TIE_M, return_distance=True,
        all_matches=False,
    )  # fmt: skip
    near = np.round(gap, MM) <= limit_m
    point, gap = point[near], gap[near]

    # every segment as near as the nearest, to the millimetre
    hit, segment = network.tree.query(
        points[point], predicate="dwithin", distance=gap + TIE_M
    )
    point = point[hit]
    shapes = network.segments[segment]
    gap = shapely.distance(points[point], shapes)
    along = shapely.line_locate_point(shapes, points[point])
    return Snapped(point, segment, np.asarray(along, dtype=float), gap)


def road_gap_m(points: np.ndarray, network: Network) -> np.ndarray:
    """Metres from each point to the nearest road segment (inf: none)."""
    out = np.full(len(points), np.inf)
    if len(network) and len(points):
        (got, _), gap = network.tree.query_nearest(
            points, return_distance=True, all_matches=False
        )
        out[got] = gap
    return np.round(out, MM)


# least costs


def least_cost(
    network: Network,
    sources: Snapped,
    targets: Snapped,
    n_targets: int,
    leg_cost_per_m: float,
) -> np.ndarray:
    """Least cost from each target point to any source point, along the
    network, legs to and from the road included (inf: unreachable).

    Costs are those of travelling from the target to the source.
    """
    out = np.full(n_targets, np.inf)
    if not len(sources.point) or not len(targets.point):
        return out
    to_node = _node_costs(network, sources, leg_cost_per_m)

    # via either end of the target's own segment
    seg = targets.segment
    share = targets.along_m / network.length_m[seg]
    via_start = share * network.backward[seg] + to_node[network.start[seg]]
    via_end = (1 - share) * network.forward[seg] + to_node[network.end[seg]]
    cost = targets.gap_m * leg_cost_per_m + np.minimum(via_start, via_end)
    np.minimum.at(out, targets.point, cost)

    # straight along a segment that also holds a source
    row, src = _same_segment(targets.segment, sources.segment)
    if row.size:
        direct = _along_one_segment(network, targets, sources, row, src)
        legs = (targets.gap_m[row] + sources.gap_m[src]) * leg_cost_per_m
        np.minimum.at(out, targets.point[row], direct + legs)
    return out


def _node_costs(
    network: Network, sources: Snapped, leg_cost_per_m: float
) -> np.ndarray:
    """Least cost from each node to a source: one Dijkstra from every
    source at once over the reversed edges.

    Each source row becomes a node of its own, linked to its segment's
    two ends by the partial costs plus its leg to the road.
    """
    n, k = network.nodes, len(sources.point)
    seg = sources.segment
    share = sources.along_m / network.length_m[seg]
    leg = sources.gap_m * leg_cost_per_m
    first = np.arange(n, n + k)

    # reversed edges: an edge u -> v carries the cost of going v -> u
    rows = np.concatenate([network.end, network.start, first, first])
    cols = np.concatenate([network.start, network.end, network.start[seg],
                           network.end[seg]])  # fmt: skip
    cost = np.concatenate([
        network.forward, network.backward,
        share * network.forward[seg] + leg,
        (1 - share) * network.backward[seg] + leg,
    ])  # fmt: skip
    graph = _least_edges(rows, cols, cost, n + k)
    reach = dijkstra(graph, directed=True, indices=first, min_only=True)
    return np.asarray(reach[:n], dtype=float)


def _least_edges(
    rows: np.ndarray, cols: np.ndarray, cost: np.ndarray, n: int
) -> csr_matrix:
    """A sparse graph keeping the least cost of repeated edges (scipy
    would add them up); zero costs stay edges."""
    order = np.lexsort((cost, cols, rows))
    rows, cols, cost = rows[order], cols[order], cost[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return csr_matrix((cost[first], (rows[first], cols[first])), shape=(n, n))


def _same_segment(
    target_segment: np.ndarray, source_segment: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (target row, source row) on one segment."""
    if not source_segment.size:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    left = pd.DataFrame({"seg": target_segment, "row": np.arange(target_segment.size)})
    right = pd.DataFrame({"seg": source_segment, "src": np.arange(source_segment.size)})
    pairs = left.merge(right, on="seg")
    return pairs["row"].to_numpy(), pairs["src"].to_numpy()


def _along_one_segment(
    network: Network, targets: Snapped, sources: Snapped, row: np.ndarray,
    src: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Cost from targets to sources on their shared segment, direct."""
    seg = targets.segment[row]
    step = (sources.along_m[src] - targets.along_m[row]) / network.length_m[seg]
    onward = np.abs(step) * network.forward[seg]
    back = np.abs(step) * network.backward[seg]
    return np.asarray(np.where(step >= 0, onward, back), dtype=float)


# the run


def reach(
    points: np.ndarray,
    area: Area,
    profile: Profile,
    *,
    dem: Dem | None = None,
    report: Report | None = None,
) -> Reach | None:
    """School and clinic reach of each point along the roads.

    Network metres, or walking minutes over ``dem`` when one is given.
    None when the area has no road layer (nothing to measure along).
    """
    say = report or (lambda fraction, message: None)
    method = "network" if dem is None else "terrain"
    if area.roads is None:
        return None

    # the network, and its costs
    step = profile.terrain_step_m if dem is not None else None
    network = build(area.roads, profile.node_tolerance_m, step)
    say(0.55, t("coverage.step_network", n=f"{len(network):,}"))
    if dem is None:
        network, per_m = with_lengths(network), 1.0
    else:
        say(0.58, t("coverage.step_heights", dem=dem.path.name))
        network = with_walking_minutes(network, dem, area.crs, profile.walk_kmh)
        per_m = minutes_per_m(profile.walk_kmh)

    # the units on the roads, then each indicator from all its facilities
    limit = profile.snap_limit_m
    units = snap(points, network, limit)
    off_road = np.ones(len(points), dtype=bool)
    off_road[units.point] = False
    out = Reach(method, road_gap_m(points, network), off_road,
                segments=len(network), length_km=_km(network.length_m),
                no_height_segments=int(network.no_height.sum()),
                no_height_km=_km(network.length_m[network.no_height]))  # fmt: skip
    for i, name in enumerate(ALONG_ROADS):
        what = t(f"coverage.indicator_{name}")
        say(0.6 + 0.1 * i, t("coverage.step_route", what=what))
        _measure(out, name, points, units, network, area, limit, per_m, profile)
    return out


def _km(lengths_m: np.ndarray) -> float:
    """Total of lengths in metres, as km."""
    return float(lengths_m.sum()) / 1000.0


def _measure(
    out: Reach,
    name: str,
    points: np.ndarray,
    units: Snapped,
    network: Network,
    area: Area,
    limit: float,
    per_m: float,
    profile: Profile,
) -> None:
    """One indicator's distances, times and reasons, into ``out``."""
    targets = area.targets[name]
    if targets is None:
        out.distance_m[name] = np.full(len(points), np.nan)
        return

    # facilities on the roads, as points
    places = _as_points(targets)
    sources = snap(places, network, limit)
    lost = np.ones(len(places), dtype=bool)
    lost[sources.point] = False
    ids = area.target_ids.get(name)
    out.facilities_off_road[name] = (
        ids[lost] if ids is not None else np.flatnonzero(lost).astype(str)
    )

    # least cost, as metres (terrain: walked on flat ground)
    cost = least_cost(network, sources, units, len(points), per_m)
    metres = np.round(cost / per_m, MM)
    out.distance_m[name] = metres
    if out.method == "terrain":
        out.minutes[name] = np.round(metres * minutes_per_m(profile.walk_kmh),
                                     MINUTE_DECIMALS)  # fmt: skip
    why = np.full(len(points), None, dtype=object)
    why[np.isinf(metres)] = NO_ROUTE
    why[out.off_road] = OFF_ROAD
    out.why[name] = why


def _as_points(shapes: np.ndarray) -> np.ndarray:
    """Points as they are; other shapes by a point on their surface."""
    if not len(shapes) or (shapely.get_type_id(shapes) == 0).all():
        return shapes
    return np.asarray(shapely.point_on_surface(shapes), dtype=object)


def minutes_per_m(walk_kmh: float) -> float:
    """Minutes it takes to walk one metre at ``walk_kmh``."""
    return 60.0 / (walk_kmh * 1000.0)


# notes


def notes(
    found: Reach | None,
    area: Area,
    profile: Profile,
    dem: Dem | None,
    counted: np.ndarray,
) -> list[str]:
    """Translated sentences on the method, its settings and its gaps;
    ``counted`` marks the units placed in a village."""
    common = {"crs": area.crs_name, "snap": f"{profile.snap_limit_m:,.0f}",
              "school": f"{profile.school_m:,.0f}",
              "clinic": f"{profile.clinic_m:,.0f}"}  # fmt: skip
    if dem is None:
        out = [t("coverage.note_method_network", **common)]
    else:
        per_m = minutes_per_m(profile.walk_kmh)
        out = [
            t("coverage.note_method_terrain", **common,
              kmh=f"{profile.walk_kmh:g}", dem=dem.path.name, dem_crs=dem.crs_name,
              school_min=f"{profile.school_m * per_m:,.1f}",
              clinic_min=f"{profile.clinic_m * per_m:,.1f}"),
        ]  # fmt: skip
    out.append(t("coverage.note_straight_road_water"))
    if found is None:
        return [*out, t("coverage.note_no_roads")]
    out.append(t("coverage.note_network_size", n=f"{found.segments:,}",
                 km=f"{found.length_km:,.1f}",
                 tol=f"{profile.node_tolerance_m:g}"))  # fmt: skip
    return out + _gap_notes(found, profile, counted)


def _gap_notes(found: Reach, profile: Profile, counted: np.ndarray) -> list[str]:
    """Units and facilities off the roads, unconnected parts, no heights."""
    out = []
    snap = f"{profile.snap_limit_m:,.0f}"
    off = int((found.off_road & counted).sum())
    if off:
        out.append(t("coverage.note_units_off_road", n=off, snap=snap))
    for name, why in found.why.items():
        stuck = int(((why == NO_ROUTE) & counted).sum())
        if stuck:
            out.append(t("coverage.note_no_route", n=stuck,
                         what=t(f"coverage.indicator_{name}")))  # fmt: skip
    for name, ids in found.facilities_off_road.items():
        if len(ids):
            out.append(t("coverage.note_facilities_off_road", n=len(ids), snap=snap,
                         what=t(f"coverage.indicator_{name}"),
                         ids=", ".join(map(str, ids[:_LIST_IDS]))))  # fmt: skip
    if found.no_height_segments:
        out.append(t("coverage.note_no_heights", n=f"{found.no_height_segments:,}",
                     km=f"{found.no_height_km:,.1f}",
                     kmh=f"{profile.walk_kmh:g}"))  # fmt: skip
    return out
