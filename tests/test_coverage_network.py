"""Coverage of schools and clinics along the road network, worked by hand.

The drawing is in metres from an origin near 105°E 25°N (EPSG:4544,
see tests/metric_drawing.py), x east, y north:

    y=6000                 (4000,6000)
                            | R2 (shares its end with R1)
             P3 (3950,5000) .|
                            |            clinic c2 (7000, 5000):
    y=3000                  + (4000,3000)  3,000 m from every road
      P5 (1000, 2500)       |
                            | . school (4100, 2000)
                 P2 (3900,1000) .|                     R3 (10000,0)-(10000,2000)
      P1 (1000, 50)         |                          P4 (10050, 1000)
    y=0   +-------------+---+ R1: (0,0)-(4000,0)-(4000,3000)
      c1 (0,-20)  P6 (1200,-100)
                      | R4 (2000,-1000)-(2000,1000) crosses R1 with
                      . P8 (2050,-900)  no shared vertex: a bridge

The school snaps to R1's upright at (4000, 2000), 100 m off the road
and 2000 m up from the corner (4000, 0), so it reaches the corner at
2,100 m and (4000, 3000) at 1,100 m. Clinic c1 snaps to R1's end
(0, 0), 20 m off. By hand (network metres):

    unit  school                          clinic
    P1    50 + 3000 + 2100 = 5150         50 + 1000 + 20 = 1070
    P2    100 + 1000 + 100 = 1200 (along its segment, direct)
                                          100 + 1000 + 4020 = 5120
    P3    50 + 2000 + 1100 = 3150 (on R2) 50 + 2000 + 7020 = 9070
    P4    no route (R3 is detached)       no route
    P5    off road (2,500 m from R1)      off road
    P6    100 + 2800 + 2100 = 5000        100 + 1200 + 20 = 1320
          (exactly the 5 km threshold)
    P8    no route (R4 does not join R1)  no route

P1 and P5 are within 5 km of the school in a straight line (3,662 m
and 3,140 m), and so covered by the straight method.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from gis import _coverage_network as network
from gis.coverage import CoverageResult, Profile, coverage_frames, write_result
from gis.errors import InputError
from gis.i18n import use_language
from tests.metric_drawing import metric_frame
from tests.test_elevation import write_plane

point, line, box = shapely.Point, shapely.LineString, shapely.box
INF = math.inf

# everyone is listed: no settlement is within 1 m of a road
PROFILE = Profile(road_m=1.0)


def drawing() -> dict[str, gpd.GeoDataFrame]:
    """The drawing in the module docstring, layer kind -> frame."""
    return {
        "villages": metric_frame([box(-1000, -1500, 11000, 7000)], name=["v"]),
        "settlements": metric_frame(
            [point(1000, 50), point(3900, 1000), point(3950, 5000),
             point(10050, 1000), point(1000, 2500), point(1200, -100),
             point(2050, -900)],
            name=["P1", "P2", "P3", "P4", "P5", "P6", "P8"],
            population=[10] * 7,
        ),
        "roads": metric_frame(
            [line([(0, 0), (4000, 0), (4000, 3000)]),
             line([(4000, 3000), (4000, 6000)]),
             line([(10000, 0), (10000, 2000)]),
             line([(2000, -1000), (2000, 1000)])],
            road_class=["village", "track", "path", "footway"],
        ),
        "facilities": metric_frame(
            [point(4100, 2000), point(0, -20), point(7000, 5000)],
            facility_type=["school", "clinic", "clinic"],
        ),
    }  # fmt: skip


@pytest.fixture(scope="module")
def by_network() -> CoverageResult:
    with use_language("en"):
        return coverage_frames(drawing(), profile=PROFILE, method="network")


def listed(result: CoverageResult) -> pd.DataFrame:
    """The uncovered listing by settlement name."""
    return pd.DataFrame(result.uncovered).set_index("name")


def test_network_distances_match_the_hand_calculation(
    by_network: CoverageResult,
) -> None:
    got = listed(by_network)
    assert sorted(got.index) == ["P1", "P2", "P3", "P4", "P5", "P6", "P8"]
    school = {"P1": 5150, "P2": 1200, "P3": 3150, "P4": INF, "P5": INF,
              "P6": 5000, "P8": INF}  # fmt: skip
    clinic = {"P1": 1070, "P2": 5120, "P3": 9070, "P4": INF, "P5": INF,
              "P6": 1320, "P8": INF}  # fmt: skip
    for name in school:
        assert got.loc[name, "distance_to_school_m"] == pytest.approx(
            school[name], abs=1e-3
        ), name
        assert got.loc[name, "distance_to_clinic_m"] == pytest.approx(
            clinic[name], abs=1e-3
        ), name


def test_exactly_at_the_threshold_by_network_is_covered(
    by_network: CoverageResult,
) -> None:
    got = listed(by_network)
    assert not got.loc["P6", "fails_school"]  # 5,000 m exactly
    assert got.loc["P1", "fails_school"]  # 5,150 m
    # covered: P2, P3, P6 of seven settlements of 10 people
    total = by_network.villages.iloc[-1]
    assert total["school_covered_pct"] == pytest.approx(300 / 7)
    assert total["school_uncovered_people"] == pytest.approx(40)


def test_unreachable_units_are_listed_with_the_reason(
    by_network: CoverageResult,
) -> None:
    got = listed(by_network)
    assert got.loc["P5", "unreachable_school"] == "off_road"
    assert got.loc["P5", "unreachable_clinic"] == "off_road"
    # its nearest road of any class is R4's top end (2000, 1000)
    assert got.loc["P5", "distance_to_any_road_m"] == pytest.approx(
        math.hypot(1000, 1500), abs=1e-3
    )
    assert got.loc["P4", "unreachable_school"] == "no_route"
    assert got.loc["P8", "unreachable_school"] == "no_route"
    assert pd.isna(got.loc["P1", "unreachable_school"])
    notes = " ".join(by_network.notes)
    assert "1 settlements or buildings lie more than 1,000 m" in notes
    assert "2 settlements or buildings are on roads that lead to no school" in notes


def test_facility_beyond_the_snap_limit_is_noted(by_network: CoverageResult) -> None:
    notes = " ".join(by_network.notes)
    assert "1 of the places counted as clinic lie more than 1,000 m" in notes
    assert "(ids: 2)" in notes


def test_straight_method_differs_where_roads_wind() -> None:
    straight = coverage_frames(drawing(), profile=PROFILE)
    got = listed(straight)
    assert got.loc["P1", "distance_to_school_m"] == pytest.approx(
        math.hypot(3100, 1950), abs=1e-3
    )
    assert not got.loc["P5", "fails_school"]  # 3,140 m in a straight line
    assert "unreachable_school" not in got


def test_roads_and_water_stay_straight(by_network: CoverageResult) -> None:
    got = listed(by_network)
    # only R1 (a village road) counts as all-weather: P5 is 2,500 m from
    # it in a straight line, P3 2,000.6 m from its top end (4000, 3000)
    assert got.loc["P5", "distance_to_road_m"] == pytest.approx(2500, abs=1e-3)
    assert got.loc["P3", "distance_to_road_m"] == pytest.approx(
        math.hypot(50, 2000), abs=1e-3
    )
    assert any("straight lines under every method" in n for n in by_network.notes)


def test_result_states_method_and_settings(by_network: CoverageResult) -> None:
    assert by_network.method == "network"
    first = by_network.notes[0]
    for part in ("EPSG:4544", "school 5,000 m", "clinic 3,000 m", "1,000 m"):
        assert part in first
    meta = by_network.metadata()
    assert meta["method"] == "network"
    assert meta["snap_limit_m"] == 1000.0
    assert meta["along_roads"] == ["school", "clinic"]
    assert meta["profile"]["node_tolerance_m"] == 0.5  # type: ignore[index]


def test_snap_limit_comes_from_the_profile() -> None:
    profile = Profile(road_m=1.0, snap_limit_m=2000.0)
    got = listed(coverage_frames(drawing(), profile=profile, method="network"))
    # P5 now joins R4 at its top end, 1,803 m away, and R4 leads nowhere
    assert got.loc["P5", "unreachable_school"] == "no_route"


def test_area_without_roads_leaves_school_and_clinic_empty() -> None:
    layers = drawing()
    del layers["roads"]
    result = coverage_frames(layers, profile=PROFILE, method="network")
    total = result.villages.iloc[-1]
    assert np.isnan(total["school_covered_pct"])
    assert np.isnan(total["clinic_covered_pct"])
    assert any("no road layer" in n for n in result.notes)


def test_terrain_without_dem_names_the_option() -> None:
    with pytest.raises(InputError, match=r"dem=.*--dem FILE"):
        coverage_frames(drawing(), method="terrain")


# the graph itself


def _costs(
    roads: list[shapely.LineString],
    sources: list[tuple[float, float]],
    targets: list[tuple[float, float]],
    limit_m: float = 1000.0,
) -> np.ndarray:
    """Network metres from each target to the nearest source."""
    net = network.with_lengths(network.build(np.array(roads, dtype=object), 0.5))
    src = network.snap(shapely.points(sources), net, limit_m)
    dst = network.snap(shapely.points(targets), net, limit_m)
    return network.least_cost(net, src, dst, len(targets), 1.0)


def test_crossing_roads_join_only_at_a_shared_vertex() -> None:
    across = line([(0, 0), (200, 0)])
    bridge = line([(100, -100), (100, 100)])
    # a source at the top of the upright, a target at the right end
    got = _costs([across, bridge], [(100, 100)], [(200, 0)])
    assert np.isinf(got[0])
    # a vertex on one line only is not a junction either
    crossing = line([(100, -100), (100, 0), (100, 100)])
    got = _costs([across, crossing], [(100, 100)], [(200, 0)])
    assert np.isinf(got[0])
    junction = line([(0, 0), (100, 0), (200, 0)])
    got = _costs([junction, crossing], [(100, 100)], [(200, 0)])
    assert got[0] == pytest.approx(200.0)


def test_ends_within_the_node_tolerance_connect() -> None:
    first = line([(0, 0), (100, 0)])
    near = line([(100.2, 0.1), (100.2, 100)])
    far = line([(101, 0), (101, 100)])
    got = _costs([first, near], [(0, 0)], [(100.2, 100)])
    assert got[0] == pytest.approx(100 + 99.9)
    assert np.isinf(_costs([first, far], [(0, 0)], [(101, 100)])[0])


def test_source_exactly_on_a_node_and_target_on_the_same_segment() -> None:
    road = line([(0, 0), (100, 0), (100, 100)])
    got = _costs([road], [(100, 0)], [(100, 40), (30, 0), (60, 5)])
    assert got.tolist() == pytest.approx([40, 70, 45])
    # both on one segment, the source beyond the target, both off the road
    got = _costs([road], [(90, -3)], [(20, 4)])
    assert got[0] == pytest.approx(3 + 70 + 4)


def test_a_road_drawn_twice_counts_once() -> None:
    road = line([(0, 0), (100, 0), (200, 0)])
    assert _costs([road, road], [(0, 0)], [(200, 0)])[0] == pytest.approx(200)


# against networkx on a random network


def _random_roads(rng: np.random.Generator, n: int) -> list[shapely.LineString]:
    """Walks on a 100 m lattice with steps of 100-300 m, so some lines
    meet at shared vertices and some cross mid-segment (no join)."""
    roads = []
    for _ in range(n):
        xy = [rng.integers(0, 20, 2) * 100.0]
        for _ in range(rng.integers(1, 5)):
            axis = rng.integers(0, 2)
            step = np.zeros(2)
            step[axis] = rng.choice([-3, -2, -1, 1, 2, 3]) * 100.0
            xy.append(xy[-1] + step)
        roads.append(line(xy))
    return roads


def _nearest_on_segments(
    p: np.ndarray, a: np.ndarray, b: np.ndarray
) -> list[tuple[int, float, np.ndarray]]:
    """Brute force: the nearest segments (those within a millimetre of
    the nearest, as drawn-over roads tie), their gaps and foot points."""
    ab = b - a
    share = np.clip(((p - a) * ab).sum(1) / (ab * ab).sum(1), 0, 1)
    foot = a + share[:, None] * ab
    gap = np.hypot(*(p - foot).T)
    ties = np.flatnonzero(gap <= gap.min() + 1e-3)
    return [(int(i), float(gap[i]), foot[i]) for i in ties]


def _networkx_costs(
    roads: list[shapely.LineString],
    sources: np.ndarray,
    targets: np.ndarray,
    limit_m: float,
) -> np.ndarray:
    """The same question answered with networkx: each segment split at
    the feet of the points snapped onto it, each point a node of its
    own linked to its feet (one per equally near segment)."""
    a, b = [], []
    for road in roads:
        xy = np.asarray(road.coords)
        for u, v in itertools.pairwise(xy):
            if not np.array_equal(u, v):
                a.append(u)
                b.append(v)
    a_arr, b_arr = np.array(a), np.array(b)

    # the feet on each segment, ordered along it
    feet: dict[int, list[tuple[float, tuple[object, ...]]]] = {}
    graph = nx.DiGraph()  # legs one way: no walking through a point
    points = [("s", i, p) for i, p in enumerate(sources)]
    points += [("t", i, p) for i, p in enumerate(targets)]
    for tag, i, p in points:
        for seg, gap, foot in _nearest_on_segments(p, a_arr, b_arr):
            if gap > limit_m:
                continue
            key = ("foot", tag, i, seg)  # joins nothing but its segment
            along = float(np.hypot(*(foot - a_arr[seg])))
            feet.setdefault(seg, []).append((along, key))
            leg = ((tag, i), key) if tag == "s" else (key, (tag, i))
            graph.add_edge(*leg, weight=gap)
    for seg, (u, v) in enumerate(zip(a_arr, b_arr, strict=True)):
        ends = [(0.0, tuple(u)), (float(np.hypot(*(v - u))), tuple(v))]
        stops = [ends[0], *sorted(feet.get(seg, []), key=lambda f: f[0]), ends[1]]
        for (d0, n0), (d1, n1) in itertools.pairwise(stops):
            if n0 == n1:
                continue
            old = graph.get_edge_data(n0, n1, {}).get("weight", INF)
            graph.add_edge(n0, n1, weight=min(old, d1 - d0))
            graph.add_edge(n1, n0, weight=min(old, d1 - d0))

    # one search from every source at once
    starts = {("s", i) for i in range(len(sources))} & set(graph.nodes)
    found = nx.multi_source_dijkstra_path_length(graph, starts) if starts else {}
    return np.array([found.get(("t", i), INF) for i in range(len(targets))])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_network_matches_networkx(seed: int) -> None:
    rng = np.random.default_rng(seed)
    roads = _random_roads(rng, 80)
    sources = rng.uniform(-200, 2200, (6, 2))
    targets = rng.uniform(-200, 2200, (80, 2))
    limit = 150.0
    expected = _networkx_costs(roads, sources, targets, limit)
    got = _costs(roads, [tuple(p) for p in sources], [tuple(p) for p in targets],
                 limit)  # fmt: skip
    assert np.isinf(expected).sum() > 0 and np.isfinite(expected).sum() > 10
    assert got == pytest.approx(expected, abs=1e-6)


# walking time over terrain
#
# Roads T (0,0)-(0,2000) and Q (1000,0)-(1000,2000), apart; the DEM
# (tests/test_elevation.py) is a plane in UTM 48N rising 0.1 m per
# metre north, with no data over Q. On the central meridian (x = 0),
# UTM northings are 0.9996 of EPSG:4544's, so T climbs 0.09996 m per
# metre going north. A (100, 0) and B (100, 2000) sit 100 m east of
# T's ends, the school s1 and the clinic c 100 m west of T's north and
# south ends; C (1100, 0) and the school s2 (900, 2000) are on Q.
# Tobler scaled to 5 km/h on the flat: v(S) = 5 exp(-3.5 (|S + 0.05| -
# 0.05)) km/h; legs at 5 km/h (100 m: 1.2 min).

SLOPE = 0.1 * 0.9996
LEGS_MIN = 2 * 1.2


def tobler_minutes(length_km: float, slope: float) -> float:
    """Minutes to walk ``length_km`` up ``slope``, worked by hand."""
    kmh = 5.0 * math.exp(-3.5 * (abs(slope + 0.05) - 0.05))
    return length_km / kmh * 60.0


def hills(dem_path: str) -> CoverageResult:
    """Terrain coverage of the hill drawing, thresholds 2.5 km / 2 km."""
    layers = {
        "villages": metric_frame([box(-400, -400, 1400, 2400)], name=["h"]),
        "settlements": metric_frame(
            [point(100, 0), point(100, 2000), point(1100, 0)],
            name=["A", "B", "C"], population=[10, 10, 10],
        ),
        "roads": metric_frame(
            [line([(0, 0), (0, 2000)]), line([(1000, 0), (1000, 2000)])],
            road_class=["village", "track"],
        ),
        "facilities": metric_frame(
            [point(-100, 2000), point(-100, 0), point(900, 2000)],
            facility_type=["school", "clinic", "school"],
        ),
    }  # fmt: skip
    profile = Profile(road_m=1.0, school_m=2500.0, clinic_m=2000.0)
    return coverage_frames(layers, profile=profile, method="terrain", dem=dem_path)


@pytest.fixture(scope="module")
def on_terrain(tmp_path_factory: pytest.TempPathFactory) -> CoverageResult:
    folder = tmp_path_factory.mktemp("dem")
    path = write_plane(folder / "hills.tif", hole=(800.0, 1200.0))
    with use_language("en"):
        return hills(str(path))


def test_walking_time_uphill_and_downhill_follow_tobler(
    on_terrain: CoverageResult,
) -> None:
    got = listed(on_terrain)
    up = LEGS_MIN + tobler_minutes(2.0, SLOPE)  # A to the school, north
    down = LEGS_MIN + tobler_minutes(2.0, -SLOPE)  # B to the clinic, south
    assert up == pytest.approx(36.45, abs=0.01)  # 34.05 min on the road
    assert got.loc["A", "time_to_school_min"] == pytest.approx(up, abs=2e-3)
    assert got.loc["B", "time_to_clinic_min"] == pytest.approx(down, abs=2e-3)
    assert got.loc["A", "time_to_clinic_min"] == pytest.approx(LEGS_MIN, abs=2e-3)
    # the distance walked on flat ground in the same time, 5 km/h
    assert got.loc["A", "distance_to_school_m"] == pytest.approx(
        up / 60 * 5000, abs=0.2
    )


def test_thresholds_become_minutes_at_the_flat_speed(
    on_terrain: CoverageResult,
) -> None:
    got = listed(on_terrain)
    # school 2,500 m = 30 min: A needs 36.45 min, though its 2,200 m
    # by road would be within 2,500 m on the network
    assert got.loc["A", "fails_school"]
    # clinic 2,000 m = 24 min: B needs 26.40 min downhill
    assert got.loc["B", "fails_clinic"]
    assert not got.loc["B", "fails_school"]
    meta = on_terrain.metadata()
    assert meta["threshold_min"] == {"school": 30.0, "clinic": 24.0}
    assert meta["walk_kmh"] == 5.0
    assert meta["dem_crs"] == "EPSG:32648"
    assert str(meta["dem"]).endswith("hills.tif")
    first = on_terrain.notes[0]
    for part in ("hills.tif (EPSG:32648)", "5 km/h", "school 30.0 min (2,500 m)",
                 "clinic 24.0 min (2,000 m)"):  # fmt: skip
        assert part in first


def test_road_without_heights_is_walked_flat_and_noted(
    on_terrain: CoverageResult,
) -> None:
    got = listed(on_terrain)
    # C to s2 along Q: 100 + 2,000 + 100 m at 5 km/h
    assert got.loc["C", "time_to_school_min"] == pytest.approx(26.4, abs=2e-3)
    assert got.loc["C", "distance_to_school_m"] == pytest.approx(2200, abs=1e-3)
    assert got.loc["C", "unreachable_clinic"] == "no_route"
    # Q is cut into 40 pieces of 50 m (terrain_step_m)
    assert any("40 road pieces (2.0 km) have no height" in n for n in on_terrain.notes)


def test_files_record_the_terrain_settings(
    on_terrain: CoverageResult, tmp_path: Path
) -> None:
    out = tmp_path / "hills.json"
    write_result(on_terrain, out)
    document = json.loads(out.read_text(encoding="utf-8"))
    meta = document["metadata"]
    assert meta["method"] == "terrain"
    assert meta["dem_crs"] == "EPSG:32648"
    assert meta["profile"]["walk_kmh"] == 5.0
    assert meta["within_rule"].startswith("time_min <= threshold_m walked at")
    assert "Tobler" in meta["speed_rule"]
    c = next(r for r in document["uncovered"] if r["name"] == "C")
    assert c["time_to_school_min"] == pytest.approx(26.4, abs=2e-3)
    assert c["unreachable_clinic"] == "no_route"
