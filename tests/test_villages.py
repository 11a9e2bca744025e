"""Facts of one village and village search, on tiny layers and on the demo.

The tiny layers are drawn in EPSG:4544 (CGCS2000 Gauss-Krüger, central
meridian 105°E), the local metric CRS at 105°E 25°N, with corners
transformed to lon/lat; every expected value is worked out by hand from
the metric drawing below (x east, y north, metres from the origin).

    y=4000 +--------+--------+
           |   C    |   D    |      C 上石门村  pop 97
    y=3000 +--------+--------+      D 石门      no pop, no settlements
                |  road r1 (village road) continues north into C
    y=2000 +--------+--------+
           |   A    |   B    |      A 幸福村    pop 812, 210 households
           |        |        |      B 石门坎村  no pop: settlements sum
    y=0    +--------+--------+
          x=0     x=1000   x=2000
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from pyproj import Geod

from gis import villages as vmod
from gis.demo import build_demo
from gis.errors import InputError
from gis.importer import PreparedLayer
from gis.report import LayerReport
from gis.villages import (
    VillageFacts,
    find_villages,
    village_bounds,
    village_facts,
    village_table,
)
from gis.workspace import Workspace
from tests.metric_drawing import METRIC, NAN, TO_LONLAT, X0, Y0, metric_frame

AREA = "望谟"
A, B, C, D = "0", "1", "2", "3"  # source ids of the villages


def layer(family: str, geometry: list[shapely.Geometry], **columns: list[object]):  # type: ignore[no-untyped-def]
    """A prepared layer of metric shapes, in lon/lat as the workspace wants."""
    frame = metric_frame(geometry, **columns)
    report = LayerReport(name=family, source="test", crs=METRIC)
    return PreparedLayer(family, family, frame, report)  # type: ignore[arg-type]


def add(ws: Workspace, kind: str, *layers: PreparedLayer, append: bool = False) -> None:
    ws.add_layers(AREA, kind, list(layers), append=append)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """The drawing above as a workspace (no water areas)."""
    ws = Workspace(tmp_path / "ws.gpkg")
    box = shapely.box
    add(ws, "villages", layer(
        "polygon",
        [box(0, 0, 1000, 2000), box(1000, 0, 2000, 2000),
         box(0, 3000, 1000, 4000), box(1000, 3000, 2000, 4000)],
        name=["幸福村", "石门坎村", "上石门村", "石门"],
        code=["522326100201", "522326100202", "522326100203", "522326100204"],
        population=[812, NAN, 97, NAN],
        households=[210, NAN, NAN, NAN],
    ))  # fmt: skip
    line = shapely.LineString
    add(ws, "roads", layer(
        "line",
        [
            line([(500, 500), (500, 3500)]),     # 1.5 km in A, 0.5 km in C
            line([(-500, 1500), (1500, 1500)]),  # 1.0 km in A, 0.5 km in B
            line([(100, 200), (100, 800)]),      # 0.6 km in A
            line([(900, 100), (900, 300)]),      # 0.2 km in A
            line([(200, 1800), (300, 1800)]),    # 0.1 km in A
        ],
        road_class=["村道", "residential", "highway=residential",
                    "forest road", None],
    ))  # fmt: skip
    add(ws, "farmland", layer(
        "polygon",
        [box(-50, 1000, 50, 1100),   # 100 m x 100 m, half in A
         box(-50, 1000, 50, 1100),   # the same parcel drawn twice
         box(200, 200, 300, 300)],   # inside A but not basic farmland
        is_farmland=[True, True, False],
    ))  # fmt: skip
    add(ws, "water",
        layer("point",
              [shapely.Point(1000, 0),      # corner shared by A and B
               shapely.Point(250, 250),     # inside A
               shapely.Point(-100, 100)],   # outside
              water_class=["well", "spring", "tap"]),
        layer("line", [line([(-100, 300), (600, 300)])],  # 0.6 km in A
              water_class=["canal"]),
    )  # fmt: skip
    point = shapely.Point
    add(ws, "facilities", layer(
        "point",
        [point(300, 300), point(700, 1700), point(600, 600),
         point(-500, -500), point(1500, 1000)],
        facility_type=["小学", "amenity=school", "clinic", "school",
                       "place_of_worship"],
    ))  # fmt: skip
    add(ws, "settlements", layer(
        "point",
        [point(200, 1000), point(800, 1000),                    # in A
         point(1500, 500), point(1500, 1500), point(2000, 2000)],  # in B
        population=[300, 200, 150, 250, 100],
        households=[80, NAN, 40, 60, NAN],
    ))  # fmt: skip
    return ws


@pytest.fixture
def facts_a(ws: Workspace) -> VillageFacts:
    return village_facts(ws, AREA, A)


def test_area_of_a_1_by_2_km_rectangle(facts_a: VillageFacts) -> None:
    # 1,000 m x 2,000 m = 2,000,000 m² = 2 km² = 200 ha = 3,000 mu
    assert facts_a.area_m2 == pytest.approx(2_000_000, rel=1e-6)
    assert facts_a.area_km2 == pytest.approx(2.0, rel=1e-6)
    assert facts_a.area_ha == pytest.approx(200.0, rel=1e-6)
    assert facts_a.area_mu == pytest.approx(3_000.0, rel=1e-6)
    assert facts_a.metric_crs == METRIC
    assert (facts_a.name, facts_a.code) == ("幸福村", "522326100201")


def test_roads_are_clipped_and_grouped_by_canonical_class(
    facts_a: VillageFacts,
) -> None:
    # residential: 1.0 + 0.6 (OSM highway=residential); 村道 -> village
    expected = {"residential": 1.6, "village": 1.5,
                "forest road": 0.2, "unknown": 0.1}  # fmt: skip
    got = facts_a.road_km_by_class
    assert list(got) == list(expected)  # longest first
    assert got == pytest.approx(expected, abs=1e-6)
    assert facts_a.road_km_total == pytest.approx(3.4, abs=1e-6)


def test_road_crossing_into_another_village(ws: Workspace) -> None:
    # the village road runs on north of A for 1.0 km of gap, then 0.5 km in C
    facts_c = village_facts(ws, AREA, C)
    assert facts_c.road_km_by_class == pytest.approx({"village": 0.5}, abs=1e-6)
    facts_b = village_facts(ws, AREA, B)
    assert facts_b.road_km_by_class == pytest.approx({"residential": 0.5}, abs=1e-6)


def test_farmland_is_clipped_and_counted_once(facts_a: VillageFacts) -> None:
    # 50 m x 100 m inside = 5,000 m² = 7.5 mu; the copy and the parcel
    # that is not basic farmland add nothing
    assert facts_a.farmland_m2 == pytest.approx(5_000, rel=1e-6)
    assert facts_a.farmland_mu == pytest.approx(7.5, rel=1e-6)


def test_water_points_on_the_boundary_count(
    ws: Workspace, facts_a: VillageFacts
) -> None:
    assert facts_a.water_points == 2
    assert village_facts(ws, AREA, B).water_points == 1
    assert facts_a.water_line_km == pytest.approx(0.6, abs=1e-6)
    assert facts_a.water_area_m2 == 0.0


def test_facilities_by_canonical_type(ws: Workspace, facts_a: VillageFacts) -> None:
    # 小学 and amenity=school are both schools; the school outside is not counted
    assert facts_a.facilities_by_type == {"school": 2, "clinic": 1}
    assert village_facts(ws, AREA, B).facilities_by_type == {"worship": 1}


def test_population_from_the_village_record(facts_a: VillageFacts) -> None:
    assert (facts_a.population, facts_a.population_source) == (812, "village")
    assert facts_a.households == 210
    assert (facts_a.settlements, facts_a.settlement_population) == (2, 500)


def test_population_falls_back_to_settlements_inside(ws: Workspace) -> None:
    # 150 + 250 + 100 (the last on B's corner); households 40 + 60
    facts_b = village_facts(ws, AREA, B)
    assert (facts_b.population, facts_b.population_source) == (500, "settlements")
    assert facts_b.settlements == 3
    assert facts_b.households == 100


def test_no_population_anywhere(ws: Workspace) -> None:
    facts_d = village_facts(ws, AREA, D)
    assert (facts_d.population, facts_d.population_source) == (None, "none")
    assert (facts_d.settlements, facts_d.settlement_population) == (0, None)
    assert facts_d.road_km_by_class == {}
    assert facts_d.road_km_total == 0.0


def test_a_missing_family_is_listed(facts_a: VillageFacts) -> None:
    assert facts_a.missing_layers == ("water:polygon",)


def test_missing_layers_and_their_rows(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "only_villages.gpkg")
    add(ws, "villages", layer("polygon", [shapely.box(0, 0, 1000, 2000)],
                              name=["幸福村"]))  # fmt: skip
    facts = village_facts(ws, AREA, "0")
    assert facts.missing_layers == (
        "roads",
        "farmland",
        "water",
        "facilities",
        "settlements",
    )
    rows = dict(facts.rows(lang="en"))
    assert rows["Roads (total)"] == "— (no layer)"
    assert rows["Water points"] == "— (no layer)"
    assert rows["Population"] == "—"
    assert dict(facts.rows(lang="zh"))["道路总里程"] == "—（无此图层）"


def test_rows_in_english(facts_a: VillageFacts) -> None:
    rows = dict(facts_a.rows(lang="en"))
    assert rows["Area"] == "2.00 km² (3,000 mu)"
    assert rows["Population"] == "812 people"
    assert rows["Roads (total)"] == "3.40 km"
    assert rows["Roads: Residential street"] == "1.60 km"
    assert rows["Roads: Village road"] == "1.50 km"
    assert rows["Roads: forest road"] == "0.20 km"
    assert rows["Roads: Unclassified or unknown"] == "0.10 km"
    assert rows["Basic farmland"] == "7.50 mu (5,000 m²)"
    assert rows["Water area"] == "— (no layer)"
    assert rows["Facilities: School"] == "2"
    assert rows["Measured in"] == METRIC


def test_rows_in_chinese(ws: Workspace, facts_a: VillageFacts) -> None:
    rows = dict(facts_a.rows(lang="zh"))
    assert rows["面积"] == "2.00 平方千米（3,000 亩）"
    assert rows["道路：村道"] == "1.50 千米"
    assert rows["基本农田"] == "7.50 亩（5,000 平方米）"
    rows_b = dict(village_facts(ws, AREA, B).rows(lang="zh"))
    assert rows_b["人口"] == "500 人（村内居民点合计）"


def test_unknown_id_is_an_input_error(ws: Workspace) -> None:
    with pytest.raises(InputError, match="no village with id '99'"):
        village_facts(ws, AREA, 99)
    with pytest.raises(InputError, match="99"):
        village_bounds(ws, AREA, "99")


def test_area_without_villages_is_an_input_error(ws: Workspace) -> None:
    with pytest.raises(InputError, match="no village layer"):
        village_facts(ws, "elsewhere", A)
    assert village_table(ws, "elsewhere").empty
    assert find_villages(ws, "elsewhere", "石门").empty


def test_a_repeated_id_warns_and_shows_the_first(ws: Workspace) -> None:
    box = shapely.box(5000, 0, 6000, 1000)
    extra = layer("polygon", [box], name=["重名村"])  # source_id "0" again
    add(ws, "villages", extra, append=True)
    with pytest.warns(UserWarning, match="several villages with id '0'"):
        facts = village_facts(ws, AREA, A)
    assert facts.name == "幸福村"


def test_ids_match_as_text_or_number(ws: Workspace) -> None:
    assert village_facts(ws, AREA, 1).name == "石门坎村"


def test_bounds_are_the_lonlat_corners(ws: Workspace) -> None:
    corners = [TO_LONLAT.transform(X0 + x, Y0 + y)
               for x in (0, 1000) for y in (0, 2000)]  # fmt: skip
    lons, lats = zip(*corners, strict=True)
    expected = (min(lons), min(lats), max(lons), max(lats))
    assert village_bounds(ws, AREA, A) == pytest.approx(expected, abs=1e-9)


def test_table_for_the_selector(ws: Workspace) -> None:
    table = village_table(ws, AREA)
    assert list(table.columns) == ["source_id", "name", "code", "population"]
    assert len(table) == 4
    population = table.set_index("name")["population"]
    assert str(population.dtype) == "Int64"
    assert population.dropna().to_dict() == {"幸福村": 812, "上石门村": 97}


def test_search_exact_then_prefix_then_substring(ws: Workspace) -> None:
    hits = find_villages(ws, AREA, "石门")
    assert list(hits["name"]) == ["石门", "石门坎村", "上石门村"]


def test_search_by_code_with_full_width_digits(ws: Workspace) -> None:
    assert list(find_villages(ws, AREA, "１００２０２")["name"]) == ["石门坎村"]
    assert list(find_villages(ws, AREA, "522326100201")["name"]) == ["幸福村"]
    assert len(find_villages(ws, AREA, "5223")) == 4


def test_empty_query_gives_all_and_no_match_gives_none(ws: Workspace) -> None:
    assert len(find_villages(ws, AREA, "  ")) == 4
    assert find_villages(ws, AREA, "xyz").empty


def test_a_write_is_seen_on_the_next_call(ws: Workspace) -> None:
    before = village_facts(ws, AREA, A).road_km_total
    road = shapely.LineString([(300, 0), (300, 1000)])  # 1.0 km in A
    add(ws, "roads", layer("line", [road], road_class=["track"]), append=True)
    after = village_facts(ws, AREA, A)
    assert after.road_km_total == pytest.approx(before + 1.0, abs=1e-6)
    assert after.road_km_by_class["track"] == pytest.approx(1.0, abs=1e-6)


def test_callers_cannot_change_the_cached_facts(ws: Workspace) -> None:
    village_facts(ws, AREA, A).road_km_by_class.clear()
    assert village_facts(ws, AREA, A).road_km_by_class


# the demo areas shipped in data/boundaries


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("demo") / "demo.gpkg")
    build_demo(ws)
    yield ws


def test_vaduz(demo: Workspace) -> None:
    hits = find_villages(demo, "liechtenstein", "vaduz")
    facts = village_facts(demo, "liechtenstein", hits["source_id"][0])
    assert (facts.name, facts.population) == ("Vaduz", 5_425)
    assert facts.metric_crs == "EPSG:32632"

    # against the geodesic area of the same polygon; Geod signs each
    # ring's area by its direction, so the 7 parts are oriented first
    frame = demo.read("liechtenstein", "villages")
    shape = frame.loc[frame["name"] == "Vaduz", "geometry"].iloc[0]
    geod = Geod(ellps="WGS84")
    area_m2, _ = geod.geometry_area_perimeter(shapely.orient_polygons(shape))
    assert facts.area_m2 == pytest.approx(area_m2, rel=0.005)


def test_every_liechtenstein_village_has_roads(demo: Workspace) -> None:
    table = village_table(demo, "liechtenstein")
    assert len(table) == 11
    for source_id in table["source_id"]:
        facts = village_facts(demo, "liechtenstein", source_id)
        assert facts.road_km_total > 0, facts.name
        assert facts.missing_layers == ()


def test_sikkim_population_comes_from_settlements(demo: Workspace) -> None:
    table = village_table(demo, "sikkim")
    assert table["population"].isna().all()
    sources = set()
    for source_id in table["source_id"][:40]:
        facts = village_facts(demo, "sikkim", source_id)
        sources.add(facts.population_source)
        assert facts.population == facts.settlement_population
        assert {"roads", "farmland", "water"} <= set(facts.missing_layers)
    assert sources <= {"settlements", "none"}


def test_repeated_clicks_are_fast(demo: Workspace) -> None:
    vmod._facts.cache_clear()
    village_facts(demo, "liechtenstein", "10")
    start = time.perf_counter()
    village_facts(demo, "liechtenstein", "10")
    assert time.perf_counter() - start < 0.05
