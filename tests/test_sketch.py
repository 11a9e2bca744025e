"""Sketches: measuring, checking, snapping, placing, keeping and saving.

Measures are compared with pyproj's geodesic (``Geod``) lengths and
areas on WGS84, and with shapes drawn in metres in EPSG:4544 (see
tests/metric_drawing.py), whose sizes are known by hand.

The reach drawing (metres from 105°E 25°N, EPSG:4544):

    y=1000 +---------- v0 ----------+---------- v1 ----------+
           |  A (100, 900) 100 ppl  |          D (1900, 900) 30
           |                        |   C (1500, 500) 200    |
           |          B (900, 100) 50                        |
    y=0  ==+==== road r0 (residential) along y=0, x 0..2000 ==+
          x=0                    x=1000                  x=2000

Road distances: A 900, B 100 *, C 500 * (exactly), D 900; so before
v0 has 50 of 150 people within 500 m (33.3 %), v1 200 of 230 (87.0 %).
A road sketched along y=950 from x=100 to x=1900 passes 50 m from A
and D: both come within reach, v0 and v1 reach 100 %.
A safe well w0 at (100, 100): A and B at exactly 800 m (covered), C
1456 m, D far. A pipe from the well along y=100 to (1500, 100), then up to
(1500, 600), passes through C and 500 m from D (the end (1500, 600) to
(1900, 900)): v1 goes 0 % -> 100 %. The same pipe without its first leg
starts 1,400 m from the well and carries no safe water.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

from gis._sketch_reach import newly_in_reach, out_of_reach, reach_base
from gis.errors import ConflictError, InputError, ValidationError, WorkspaceError
from gis.i18n import use_language
from gis.mapview import external_assets
from gis.sketch import (
    SnappedEnd,
    area_text,
    from_geojson,
    length_text,
    measure,
    project_prefill,
    sketch_problems,
    snap_line_ends,
    snap_targets,
    village_of,
    village_shapes,
)
from gis.sketchbook import (
    Sketch,
    SketchBook,
    attach_mismatches,
    attach_to_project,
    compare_drawings,
    save_as_project,
    sketch_path,
    undo_save,
)
from gis.sketchmap import overlay, sketch_map, view_bounds
from tests.metric_drawing import METRIC, X0, Y0, lonlat, metric_frame
from tests.records_fixtures import AREA, HAPPY, STONE, project_values, store_at

GEOD = Geod(ellps="WGS84")
TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True)
ID1 = "2f1c4f5e-8a51-4d6b-9a0e-1c2d3e4f5a6b"
ID2 = "7d9e0f1a-2b3c-4d5e-8f60-718293a4b5c6"
ID3 = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"


def _metres(lon: float, lat: float) -> tuple[float, float]:
    """Lon/lat back to metres from the drawing's origin."""
    x, y = TO_METRIC.transform(lon, lat)
    return x - X0, y - Y0


# measuring


@pytest.mark.parametrize(
    "coords",
    [
        [(9.52, 47.14), (9.53, 47.15), (9.545, 47.149)],  # Liechtenstein, UTM 32N
        [(88.59, 27.28), (88.61, 27.33)],  # Sikkim, UTM 45N
        [(106.09, 25.17), (106.12, 25.19), (106.1, 25.21)],  # Guizhou, GK CM 105E
    ],
)
def test_line_length_matches_the_geodesic_length(coords: list[tuple[float, float]]):
    line = shapely.LineString(coords)
    lons, lats = zip(*coords, strict=True)
    expected = GEOD.line_length(lons, lats)
    got = measure(line)
    assert got.length_m == pytest.approx(expected, rel=1e-3)
    assert got.length_km == pytest.approx(expected / 1000, rel=1e-3)
    assert got.area_m2 is None


def test_area_matches_the_geodesic_area_and_perimeter():
    ring = [(9.52, 47.14), (9.53, 47.14), (9.535, 47.146), (9.522, 47.148)]
    polygon = shapely.Polygon(ring)
    area, perimeter = GEOD.geometry_area_perimeter(polygon)
    got = measure(polygon)
    assert got.area_m2 == pytest.approx(abs(area), rel=1e-3)
    assert got.length_m == pytest.approx(perimeter, rel=1e-3)
    assert got.area_mu == pytest.approx(abs(area) * 15 / 10_000, rel=1e-3)
    assert got.area_ha == pytest.approx(abs(area) / 10_000, rel=1e-3)


def test_a_rectangle_drawn_in_metres_measures_its_known_size():
    # 300 m x 200 m in EPSG:4544 = 60,000 m² = 90 mu = 6 ha, perimeter 1 km
    got = measure(lonlat(shapely.box(0, 0, 300, 200)))
    assert got.crs == "EPSG:4544"
    assert got.area_m2 == pytest.approx(60_000.0, abs=1e-3)
    assert got.area_mu == pytest.approx(90.0, abs=1e-6)
    assert got.area_ha == pytest.approx(6.0, abs=1e-7)
    assert got.length_m == pytest.approx(1000.0, abs=1e-4)


def test_measures_are_taken_in_the_local_metric_crs():
    sikkim = measure(shapely.LineString([(88.59, 27.28), (88.61, 27.33)]))
    china = measure(shapely.LineString([(106.09, 25.17), (106.12, 25.19)]))
    assert CRS.from_user_input(sikkim.crs).utm_zone == "45N"
    assert "105E" in CRS.from_user_input(china.crs).name  # Gauss-Krüger 3° zone


def test_a_point_has_no_length_or_area():
    got = measure(shapely.Point(9.52, 47.14))
    assert (got.length_m, got.area_m2) == (None, None)
    assert got.rows()[-1][1] == "EPSG:32632 (WGS 84 / UTM zone 32N)"


def test_measures_are_written_with_their_units():
    assert length_text(1500.0) == "1,500.0 m (1.500 km)"
    assert area_text(60_000.0) == "60,000 m² · 90.00 mu · 6.00 ha"
    # small values keep three significant digits
    assert area_text(50.0) == "50.0 m² · 0.0750 mu · 0.00500 ha"
    with use_language("zh"):
        assert length_text(1500.0) == "1,500.0 米（1.500 千米）"
        assert area_text(60_000.0) == "60,000 平方米 · 90.00 亩 · 6.00 公顷"


# checking


def test_a_good_line_area_and_point_have_no_problems():
    for shape in (
        lonlat(shapely.LineString([(0, 0), (100, 0)])),
        lonlat(shapely.box(0, 0, 10, 10)),
        lonlat(shapely.Point(5, 5)),
    ):
        assert sketch_problems(shape) == []


@pytest.mark.parametrize(
    ("shape", "words"),
    [
        (None, "empty"),
        (shapely.LineString(), "empty"),
        (shapely.MultiLineString([[(9, 47), (9.1, 47)]]), "MultiLineString"),
        (shapely.LineString([(9.5, 47.1), (9.5, 47.1), (9.5, 47.1)]), "2 different"),
        (shapely.LineString([(9.5, 47.1), (9.5 + 1e-9, 47.1)]), "zero length"),
        (shapely.Polygon([(9.5, 47.1), (9.6, 47.1), (9.6, 47.1), (9.5, 47.1)]),
         "3 different"),
        (shapely.Polygon([(9.5, 47.1), (9.6, 47.1), (9.7, 47.1), (9.5, 47.1)]),
         "no surface"),
        (shapely.LineString([(179.9, 10), (180.2, 10)]), "(180.200000, 10.000000)"),
        (shapely.Point(10, 95), "latitude within ±90"),
    ],
)  # fmt: skip
def test_a_bad_drawing_is_refused_with_a_message(shape, words):
    problems = sketch_problems(shape)
    assert len(problems) == 1
    assert words in problems[0]


def test_a_self_crossing_area_is_refused_naming_where(shapes):
    bowtie = shapes["bowtie"]  # crosses itself at the centre of its box
    minx, miny, maxx, maxy = bowtie.bounds
    (problem,) = sketch_problems(bowtie)
    assert "crosses itself" in problem
    assert f"({(minx + maxx) / 2:.6f}, {(miny + maxy) / 2:.6f})" in problem
    with use_language("zh"):
        assert "自相交" in sketch_problems(bowtie)[0]


def test_geojson_from_the_map_is_read_or_left_out():
    line = from_geojson(
        {"type": "LineString", "coordinates": [[9.5, 47.1], [9.6, 47.2]]}
    )
    assert line is not None and line.equals(
        shapely.LineString([(9.5, 47.1), (9.6, 47.2)])
    )
    assert from_geojson(None) is None
    assert from_geojson({"type": "LineString", "coordinates": "x"}) is None
    # Z values are dropped
    point = from_geojson({"type": "Point", "coordinates": [9.5, 47.1, 400]})
    assert point is not None and not point.has_z


# snapping


@pytest.fixture
def network() -> dict[str, gpd.GeoDataFrame]:
    """A road along y=0 (x 0..1000), a second road along y=40, a water
    pipe along x=520 (y -500..500), a water point that is not a line."""
    roads = metric_frame(
        [shapely.LineString([(0, 0), (1000, 0)]),
         shapely.LineString([(0, 40), (1000, 40)])],
        name=["Lower road", None], road_class=["县道", None],
    )  # fmt: skip
    water = metric_frame(
        [shapely.LineString([(520, -500), (520, 500)]), shapely.Point(500, 20)],
        name=["Pipe", "Well"],
    )
    return {"roads": roads, "water": water}


def test_a_line_end_within_the_tolerance_joins_the_nearest_road(network):
    targets = snap_targets(network)
    line = lonlat(shapely.LineString([(500, 15), (500, 400)]))
    got = snap_line_ends(line, targets, tolerance_m=20.0, kinds=["roads"])
    (end,) = got.ends
    assert (end.end, end.kind, end.source_id, end.name) == ("start", "roads", "0",
                                                            "Lower road")  # fmt: skip
    assert end.moved_m == pytest.approx(15.0, abs=1e-3)
    start, finish = shapely.get_coordinates(got.geometry)[[0, -1]]
    assert _metres(*start) == pytest.approx((500.0, 0.0), abs=1e-3)
    assert _metres(*finish) == pytest.approx((500.0, 400.0), abs=1e-3)
    assert "Lower road" in end.text() and "15.0 m" in end.text()
    # the road's class is named, so a planner sees what the link joins
    with use_language("en"):
        said = end.text()
    assert said == "Start joined to road Lower road (#0, County road), moved 15.0 m."
    with use_language("zh"):
        said = end.text()
    assert "（#0，县道）" in said


def test_an_end_beyond_the_tolerance_stays_and_the_tolerance_is_inclusive(network):
    targets = snap_targets(network)
    line = lonlat(shapely.LineString([(500, 15), (500, 400)]))
    assert snap_line_ends(line, targets, tolerance_m=14.9, kinds=["roads"]).ends == ()
    assert (
        len(snap_line_ends(line, targets, tolerance_m=15.0, kinds=["roads"]).ends) == 1
    )
    assert snap_line_ends(line, targets, tolerance_m=0.0).geometry.equals(line)


def test_a_pipe_snaps_to_water_lines_only(network):
    targets = snap_targets(network)
    # 15 m from the road at y=0, 20 m from the pipe at x=520
    line = lonlat(shapely.LineString([(500, 15), (100, 300)]))
    (end,) = snap_line_ends(line, targets, tolerance_m=25.0, kinds=["water"]).ends
    assert (end.kind, end.name, end.moved_m) == ("water", "Pipe", pytest.approx(20.0))
    start = shapely.get_coordinates(
        snap_line_ends(line, targets, tolerance_m=25.0, kinds=["water"]).geometry
    )[0]
    assert _metres(*start) == pytest.approx((520.0, 15.0), abs=1e-3)


def test_both_ends_snap_each_to_its_nearest_line(network):
    targets = snap_targets(network)
    line = lonlat(shapely.LineString([(100, 35), (800, 3)]))
    got = snap_line_ends(line, targets, tolerance_m=10.0, kinds=["roads"])
    assert [(e.end, e.source_id) for e in got.ends] == [("start", "1"), ("end", "0")]
    coords = shapely.get_coordinates(got.geometry)
    assert _metres(*coords[0]) == pytest.approx((100.0, 40.0), abs=1e-3)
    assert _metres(*coords[-1]) == pytest.approx((800.0, 0.0), abs=1e-3)


def test_nothing_to_snap_to_leaves_the_line():
    targets = snap_targets({})
    line = lonlat(shapely.LineString([(0, 0), (100, 0)]))
    assert snap_line_ends(line, targets, tolerance_m=50).geometry.equals(line)


# the village a sketch lies in


@pytest.fixture
def villages() -> gpd.GeoDataFrame:
    """Two 1 km squares side by side: "0" (x 0..1000) and "1" (1000..2000)."""
    return metric_frame(
        [shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        name=["v0", "v1"],
    )


def test_a_line_belongs_to_the_village_holding_most_of_its_length(villages):
    shapes = village_shapes(villages)
    hit = village_of(lonlat(shapely.LineString([(800, 500), (1500, 500)])), shapes)
    assert hit is not None and (hit.village_id, hit.name) == ("1", "v1")
    assert hit.share == pytest.approx(500 / 700, abs=1e-6)


def test_an_area_belongs_to_the_village_holding_most_of_its_surface(villages):
    shapes = village_shapes(villages)
    hit = village_of(lonlat(shapely.box(900, 100, 1300, 200)), shapes)
    assert hit is not None and hit.village_id == "1"
    assert hit.share == pytest.approx(0.75, abs=1e-6)


def test_a_point_belongs_to_the_village_covering_it(villages):
    shapes = village_shapes(villages)
    inside = village_of(lonlat(shapely.Point(500, 500)), shapes)
    assert inside is not None and inside.village_id == "0"
    edge = village_of(lonlat(shapely.Point(1000, 500)), shapes)
    assert edge is not None and edge.village_id == "0"  # shared edge: the first
    assert village_of(lonlat(shapely.Point(3000, 500)), shapes) is None
    assert (
        village_of(lonlat(shapely.LineString([(3000, 0), (3100, 0)])), shapes) is None
    )


def test_a_sketch_outside_every_village_goes_to_the_nearest_within_reach(villages):
    shapes = village_shapes(villages)
    line = lonlat(shapely.LineString([(3000, 500), (3100, 500)]))  # 1 km east of v1
    hit = village_of(line, shapes, tolerance_m=2000.0)
    assert hit is not None and hit.village_id == "1"
    assert (hit.share, hit.distance_m) == (0.0, pytest.approx(1000.0, abs=1e-3))
    assert village_of(line, shapes, tolerance_m=999.0) is None
    inside = village_of(lonlat(shapely.Point(500, 500)), shapes, tolerance_m=2000.0)
    assert inside is not None and inside.distance_m == 0.0


# what a project starts with


def test_a_line_prefills_kilometres_an_area_mu_and_a_point_one_site():
    line = project_prefill(lonlat(shapely.LineString([(0, 0), (1500, 0)])), "road")
    assert (line.quantity, line.unit, line.section) == (1.5, "km", "roads")
    pipe = project_prefill(lonlat(shapely.LineString([(0, 0), (1500, 0)])), "pipe")
    assert pipe.section == "water"
    area = project_prefill(lonlat(shapely.box(0, 0, 300, 200)))
    assert (area.quantity, area.unit, area.section) == (90.0, "mu", "farmland")
    site = project_prefill(lonlat(shapely.Point(0, 0)))
    assert (site.quantity, site.unit) == (1.0, "site")
    with use_language("zh"):
        assert project_prefill(lonlat(shapely.box(0, 0, 300, 200))).unit == "亩"
        assert (
            project_prefill(lonlat(shapely.LineString([(0, 0), (9, 0)]))).unit == "千米"
        )
    # a short line keeps three significant digits rather than 0.000 km
    short = project_prefill(lonlat(shapely.LineString([(0, 0), (0.4, 0)])))
    assert short.quantity == pytest.approx(0.0004, rel=1e-6)


# who a road or pipe brings within reach


@pytest.fixture
def reach_frames(villages: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    settlements = metric_frame(
        [shapely.Point(100, 900), shapely.Point(900, 100),
         shapely.Point(1500, 500), shapely.Point(1900, 900)],
        name=["A", "B", "C", "D"], population=[100, 50, 200, 30],
    )  # fmt: skip
    roads = metric_frame([shapely.LineString([(0, 0), (2000, 0)])],
                         road_class=["residential"])  # fmt: skip
    water = metric_frame([shapely.Point(100, 100)], water_class=["well"])
    return {"villages": villages, "settlements": settlements, "roads": roads,
            "water": water}  # fmt: skip


def test_a_road_sketch_brings_the_far_settlements_within_reach(reach_frames):
    base = reach_base(reach_frames)
    road = lonlat(shapely.LineString([(100, 950), (1900, 950)]))
    got = newly_in_reach(base, road, "road")
    assert (got.indicator, got.threshold_m, got.layer_missing) == ("road", 500, False)
    assert (got.newly, got.people) == (2, 130.0)
    by_village = {v.village_id: v for v in got.villages}
    v0, v1 = by_village["0"], by_village["1"]
    assert (v0.newly, v0.people, v0.unit) == (1, 100.0, "settlement")
    assert v0.before_pct == pytest.approx(100 * 50 / 150)
    assert v0.after_pct == pytest.approx(100.0)
    assert (v1.newly, v1.people) == (1, 30.0)
    assert v1.before_pct == pytest.approx(100 * 200 / 230)
    assert v1.after_pct == pytest.approx(100.0)
    assert sorted(got.points["name"]) == ["A", "D"]
    assert got.points["distance_m"].to_numpy() == pytest.approx([50.0, 50.0])


def test_a_pipe_counts_against_safe_water_and_the_threshold_is_inclusive(reach_frames):
    base = reach_base(reach_frames)
    pipe = lonlat(shapely.LineString([(100, 100), (1500, 100), (1500, 600)]))
    got = newly_in_reach(base, pipe, "pipe")
    assert (got.indicator, got.threshold_m, got.joins_source) == ("water", 800, True)
    (v1,) = got.villages  # A and B already reach the well at exactly 800 m
    assert (v1.village_id, v1.newly, v1.people) == ("1", 2, 230.0)
    assert (v1.before_pct, v1.after_pct) == (0.0, 100.0)
    distances = dict(zip(got.points["name"], got.points["distance_m"], strict=True))
    assert distances == {"C": pytest.approx(0.0), "D": pytest.approx(500.0)}


def test_a_pipe_must_start_or_end_at_a_safe_water_source(reach_frames):
    base = reach_base(reach_frames)
    cut_off = lonlat(shapely.LineString([(1500, 100), (1500, 600)]))
    got = newly_in_reach(base, cut_off, "pipe")
    assert got.joins_source is False and got.villages == () and got.points.empty
    # an end drawn 49 m from the well (reversed: the source may be either end)
    near = lonlat(shapely.LineString([(1500, 600), (1500, 100), (149, 100)]))
    got = newly_in_reach(base, near, "pipe")
    assert got.joins_source is True and got.newly == 2
    # roads are not asked
    road = newly_in_reach(base, cut_off, "road")
    assert road.joins_source is None
    # no water layer: nothing is known to feed the pipe
    frames = {k: v for k, v in reach_frames.items() if k != "water"}
    got = newly_in_reach(reach_base(frames), near, "pipe")
    assert got.layer_missing and got.joins_source is False and got.newly == 0


def test_a_road_that_reaches_nobody_new_lists_no_village(reach_frames):
    base = reach_base(reach_frames)
    road = lonlat(shapely.LineString([(800, 50), (1000, 50)]))  # near B only
    got = newly_in_reach(base, road, "road")
    assert got.villages == () and got.newly == 0 and math.isnan(got.people)
    assert got.points.empty


def test_without_a_road_layer_before_is_not_measured(reach_frames):
    frames = {k: v for k, v in reach_frames.items() if k != "roads"}
    base = reach_base(frames)
    got = newly_in_reach(base, lonlat(shapely.LineString([(100, 950), (400, 950)])),
                         "road")  # fmt: skip
    assert got.layer_missing
    (v0,) = got.villages  # only A is within 500 m
    assert math.isnan(v0.before_pct)
    assert v0.after_pct == pytest.approx(100 * 100 / 150)


def test_settlements_out_of_reach_are_listed(reach_frames):
    base = reach_base(reach_frames)
    assert sorted(out_of_reach(base, "road")["name"]) == ["A", "D"]
    assert sorted(out_of_reach(base, "pipe")["name"]) == ["C", "D"]
    assert base.has_layer("road") and base.has_layer("pipe")
    assert not reach_base({"villages": reach_frames["villages"]}).has_layer("road")


def test_the_share_before_is_the_coverage_analysis_share(tmp_path: Path):
    from gis._sketch_reach import area_reach_base
    from gis.coverage import coverage
    from gis.demo import build_demo
    from gis.workspace import Workspace

    ws = Workspace(tmp_path / "demo.gpkg")
    build_demo(ws)
    result = coverage(ws, "liechtenstein").villages.set_index("village_id")
    base = area_reach_base(ws, "liechtenstein")
    far = out_of_reach(base, "road").iloc[0]
    x, y = far.geometry.x, far.geometry.y
    got = newly_in_reach(base, shapely.LineString([(x, y), (x + 0.001, y)]), "road")
    assert got.newly >= 1
    for village in got.villages:
        shown = result.loc[village.village_id, "road_covered_pct"]
        assert village.before_pct == pytest.approx(shown)
        assert village.after_pct > village.before_pct


# the sketches file


def _sketch(sketch_id: str = ID1, **extra: object) -> Sketch:
    line = lonlat(shapely.LineString([(0, 0), (100, 0)]))
    return Sketch(sketch_id, AREA, extra.pop("geometry", line), **extra)  # type: ignore[arg-type]


def test_sketches_are_kept_in_a_json_file_beside_the_workspace(tmp_path: Path):
    ws = tmp_path / "village.gpkg"
    book = SketchBook(ws)
    book.put(_sketch(ID1, purpose="pipe"))
    book.put(_sketch(ID2, geometry=lonlat(shapely.Point(5, 5))))
    assert sketch_path(ws) == tmp_path / "village.sketches.json"
    data = json.loads(sketch_path(ws).read_text(encoding="utf-8"))
    assert data["format"] == "village-sketches"
    assert [r["id"] for r in data["sketches"]] == [ID1, ID2]

    # another reader sees them; changes of one sketch leave the others
    other = SketchBook(ws)
    loaded = {s.id: s for s in other.load(AREA)}
    assert loaded[ID1].purpose == "pipe" and loaded[ID2].family == "point"
    other.remove(ID2)
    book.put(_sketch(ID3))
    assert [s.id for s in SketchBook(ws).load()] == [ID1, ID3]
    assert SketchBook(ws).load("elsewhere") == []


def test_an_unreadable_sketches_file_says_which(tmp_path: Path):
    sketch_path(tmp_path / "w.gpkg").write_text("{not json", encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"w\.sketches\.json"):
        SketchBook(tmp_path / "w.gpkg").load()


def _drawing(sketch_id: str | None, geometry: shapely.Geometry) -> dict[str, object]:
    properties = {} if sketch_id is None else {"sketch_id": sketch_id}
    return {"type": "Feature", "properties": properties,
            "geometry": shapely.geometry.mapping(geometry)}  # fmt: skip


def test_a_new_drawing_is_added_once_whatever_the_reruns():
    line = lonlat(shapely.LineString([(0, 0), (100, 0)]))
    drawings = [_drawing(ID1, line), _drawing(None, line), _drawing("x", line)]
    first = compare_drawings([], drawings, area=AREA, on_map=frozenset())
    (added,) = first.added
    assert (added.id, added.area, added.number) == (ID1, AREA, 1)
    assert added.label() == "Line 1"

    # the same drawings again (a rerun): nothing new
    again = compare_drawings([added], drawings, area=AREA, on_map=frozenset())
    assert not again


def test_edits_change_and_deletions_forget_only_what_the_map_held():
    line = lonlat(shapely.LineString([(0, 0), (100, 0)]))
    kept = [_sketch(ID1), _sketch(ID2, number=2), _sketch(ID3, number=3)]
    moved = lonlat(shapely.LineString([(0, 0), (100, 50)]))
    got = compare_drawings(kept, [_drawing(ID1, moved)], area=AREA,
                           on_map=frozenset({ID1, ID2}))  # fmt: skip
    (changed,) = got.changed
    assert changed.id == ID1 and changed.geometry.equals(moved)
    assert got.removed == (ID2,)  # ID3 was never on this map: kept
    assert got.added == () and kept[0].geometry.equals(line)


def test_invalid_drawings_are_refused_and_never_kept(shapes):
    point = lonlat(shapely.Point(0, 0))
    got = compare_drawings([], [_drawing(ID1, shapes["bowtie"])], area=AREA,
                           on_map=frozenset())  # fmt: skip
    assert got.added == ()
    ((sketch_id, label, problems),) = got.refused
    assert (sketch_id, label) == (ID1, "Area 1") and "crosses itself" in problems[0]

    # an edit into something invalid leaves the sketch as it was
    kept = [_sketch(ID2, geometry=point)]
    bad = {"type": "Feature", "properties": {"sketch_id": ID2},
           "geometry": {"type": "Point", "coordinates": [200.0, 10.0]}}  # fmt: skip
    got = compare_drawings(kept, [bad], area=AREA, on_map=frozenset({ID2}))
    assert got.changed == () and got.removed == () and len(got.refused) == 1


def test_numbers_count_on_per_kind():
    kept = [_sketch(ID1, number=4)]
    area = lonlat(shapely.box(0, 0, 10, 10))
    line = lonlat(shapely.LineString([(0, 0), (5, 0)]))
    got = compare_drawings(kept, [_drawing(ID2, area), _drawing(ID3, line)],
                           area=AREA, on_map=frozenset())  # fmt: skip
    assert [s.label() for s in got.added] == ["Area 1", "Line 5"]


# saving to the records


def test_a_sketch_saved_as_a_new_project_and_undone(tmp_path: Path):
    store, _ = store_at(tmp_path / "ws.gpkg")
    sketch = _sketch(geometry=lonlat(shapely.LineString([(100, 500), (700, 500)])))
    values = {k: v for k, v in project_values(HAPPY).items() if k != "area"}
    done = save_as_project(store, sketch, {**values, "quantity": 0.6, "unit": "km"})
    project = store.get("project", done.project_id)
    assert done.created and project["village_name"] == "幸福村"
    saved = shapely.from_wkt(project["geometry_wkt"])
    assert saved.equals_exact(sketch.geometry, 1e-6)
    assert (project["quantity"], project["unit"]) == (0.6, "km")

    undo_save(store, done)
    assert store.snapshot().of("project") == []


def test_a_sketch_becomes_the_geometry_of_an_existing_project_and_back(tmp_path: Path):
    store, _ = store_at(tmp_path / "ws.gpkg")
    before = "POINT (105.001 25.001)"
    first = store.add("project", project_values(STONE, geometry_wkt=before,
                                                feature_ref="roads:7"))  # fmt: skip
    sketch = _sketch(geometry=lonlat(shapely.LineString([(1200, 500), (1800, 500)])))
    done = attach_to_project(store, sketch, first.id, version=first.row_version)
    now = store.get("project", first.id)
    assert shapely.from_wkt(now["geometry_wkt"]).equals_exact(sketch.geometry, 1e-6)
    assert now["feature_ref"] is None

    undo_save(store, done)
    back = store.get("project", first.id)
    assert (back["geometry_wkt"], back["feature_ref"]) == (before, "roads:7")


def test_a_stale_save_or_undo_is_refused(tmp_path: Path):
    store, _ = store_at(tmp_path / "ws.gpkg")
    first = store.add("project", project_values(HAPPY))
    sketch = _sketch()
    done = attach_to_project(store, sketch, first.id, version=first.row_version)
    with pytest.raises(ConflictError):
        attach_to_project(store, sketch, first.id, version=first.row_version)

    # someone renames the project after the save: the undo is refused
    store.update("project", first.id, {"name": "改名"}, version=done.row_version)
    with pytest.raises(ConflictError):
        undo_save(store, done)


def test_an_invalid_sketch_or_another_area_is_not_saved(tmp_path: Path, shapes):
    store, _ = store_at(tmp_path / "ws.gpkg")
    values = {k: v for k, v in project_values(HAPPY).items() if k != "area"}
    with pytest.raises(ValidationError) as caught:
        save_as_project(store, _sketch(geometry=shapes["bowtie"]), values)
    assert "crosses itself" in caught.value.problems[0]
    first = store.add("project", project_values(HAPPY))
    elsewhere = Sketch(ID1, "elsewhere", _sketch().geometry)
    with pytest.raises(InputError, match="望谟"):
        attach_to_project(store, elsewhere, first.id, version=first.row_version)


# the map


def test_the_map_loads_the_drawing_tools_from_the_app_and_holds_the_sketches():
    import folium

    fmap = folium.Map(tiles=None)
    fmap.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
    fmap.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
    html = sketch_map(fmap, [_sketch(ID1), _sketch(ID2)]).get_root().render()
    assert 'L.Icon.Default.imagePath = "/app/static/leaflet/images/"' in html
    assert external_assets(fmap, asset_base="/app/static") == []
    assert "/app/static/leaflet-draw/leaflet.draw.js" in html
    assert "cdnjs" not in html
    assert ID1 in html and ID2 in html
    assert "sketch_id" in html and "randomUUID" in html
    assert '"circle":false' in html.replace(" ", "")
    with use_language("zh"):
        zh = sketch_map(folium.Map(tiles=None), []).get_root().render()
    assert "绘制线" in zh


def test_the_map_opens_on_the_sketches_with_a_margin():
    assert view_bounds([]) is None
    line = shapely.LineString([(9.50, 47.10), (9.54, 47.12)])
    box = view_bounds([Sketch(ID1, AREA, line)])
    assert box == pytest.approx((9.49, 47.095, 9.55, 47.125))  # a quarter each side
    dot = view_bounds([Sketch(ID1, AREA, shapely.Point(9.5, 47.1))])
    assert dot == pytest.approx((9.496, 47.096, 9.504, 47.104))  # at least 0.004°


def test_the_overlay_draws_each_role_and_takes_no_clicks():
    points = gpd.GeoDataFrame(geometry=[shapely.Point(9.5, 47.1)], crs="EPSG:4326")
    group = overlay(chosen=shapely.LineString([(9.5, 47.1), (9.6, 47.1)]),
                    out=points, newly=points)  # fmt: skip
    (layer,) = group._children.values()
    roles = [f["properties"]["role"] for f in json.loads(layer.data_json)["features"]]
    assert roles == ["out", "newly", "sketch"]
    assert "interactive: false" in layer._template.module.script(layer)


def test_an_end_joined_to_a_road_without_a_name_says_unnamed() -> None:
    # a name lost in a frame join comes back as NaN
    end = SnappedEnd("start", "roads", "677", float("nan"), 4.5, (9.5, 47.1))  # type: ignore[arg-type]
    assert "nan" not in end.text() and "#677" in end.text()


def test_attach_mismatches_name_the_village_and_the_unit() -> None:
    line = Sketch(id="a", area="x", geometry=shapely.LineString([(0, 0), (1, 1)]))
    area = Sketch(id="b", area="x", geometry=shapely.box(0, 0, 1, 1))
    project = {"id": 7, "village_id": "6", "village_name": "Schaan", "unit": "mu"}
    assert attach_mismatches(project, area, "6") == []
    assert attach_mismatches(project, line, "6") == [
        "Project #7 is counted in mu, but the sketch is a line."
    ]
    assert attach_mismatches({**project, "unit": "km"}, line, "5") == [
        "Project #7 belongs to Schaan, but the sketch lies in another village."
    ]
    # no village under the sketch, a point, or a unit of its own: nothing to say
    assert attach_mismatches({**project, "unit": "sites"}, line, None) == []
