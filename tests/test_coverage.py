"""Coverage indicators on a hand-worked drawing, and on the demo areas.

The drawing is made in EPSG:4544 (CGCS2000 Gauss-Krüger, central
meridian 105°E), the local metric CRS at 105°E 25°N, and moved to
lon/lat for the workspace; every expected value below is worked out by
hand from it (x east, y north, metres from the origin):

    y=6000            f1 school (小学) at (1000, 6000)
    y=5000 +--------+
           | C  b1 b2   r4 track, all_weather=yes, along y=4900
           |    b3  |   C: recorded population 300, 3 buildings,
    y=3000 +--------+      no settlements -> 100 people each (estimate)
      f2 clinic (村卫生室) at (-1000, 3500)
    y=2000 +--------+--------+
           | A r3 (residential, all_weather=no) along y=1900
           | s2 on r2 (track) along y=1500    |
      s3   |  w1 well (1000, 1300)  | B      |   B: no population,
           | s5    s1 (1000, 500)   |        |      no settlements
    y=0  ==+==== r1 village road (村道) along y=0, x -2000..6000 ==
          x=0     x=2000   x=4000
    s4 at (-5000, 1000): 5 km west of A, beyond the 2 km tolerance

Settlements: s1 (1000, 500) 100 people, s2 (1000, 1500) 300,
s3 (-1000, 1000) 50 (1 km outside A), s4 (-5000, 1000) 70, s5
(1500, 1000) no population. Buildings (10 m squares) centred at
b1 (500, 4500), b2 (1900, 4500), b3 (1000, 3200).

Distances (m), '*' = within reach; thresholds 500 / 800 / 5000 / 3000:

    unit  people  road          water         school        clinic
    s1    100     500 *exact    800 *exact    5500          3606
    s2    300     1500          200 *         4500 *        2828 *
    s3     50     1000          2022          5385          2500 *
    b1    100     400 *         >800          1581 *        1803 *
    b2    100     400 *         >800          1565 *        3068
    b3    100     1700          1900          2800 *        2022 *

so A counts 450 people (s5 has no figure): road 100, water 400,
school 300, clinic 350; C counts 300: road 200, water 0, school 300,
clinic 200. A fountain at (-1000, 1100) and an unsafe well at
(-1000, 900) would reach s3 but do not count; a kindergarten at
(1000, 600) would reach s1 but is not a school.

Farmland: a 200 m x 200 m parcel centred on A's west edge (20,000 m²
inside A = 30 mu; 30 / 450 = 0.0667 mu per person); a 1000 m x 200 m
parcel in C, drawn twice (200,000 m² = 300 mu; 300 / 300 = 1.0, which
meets the 1.0 target); a parcel in A marked not farmland.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from gis.coverage import (
    CoverageResult,
    Profile,
    coverage,
    coverage_frames,
    load_profile,
    write_result,
)
from gis.demo import build_demo
from gis.errors import InputError
from gis.i18n import use_language
from gis.importer import PreparedLayer
from gis.measure import M2_PER_MU
from gis.report import LayerReport
from gis.workspace import Workspace
from layers import get_kind
from tests.metric_drawing import METRIC, NAN, X0, Y0, lonlat, metric_frame

AREA = "望谟"
A, B, C = "0", "1", "2"  # village ids

point, line, box = shapely.Point, shapely.LineString, shapely.box


def drawing() -> dict[str, gpd.GeoDataFrame]:
    """The drawing in the module docstring, layer kind -> frame."""
    square = 5.0  # half a building's side
    return {
        "villages": metric_frame(
            [box(0, 0, 2000, 2000), box(2000, 0, 4000, 2000),
             box(0, 3000, 2000, 5000)],
            name=["幸福村", "石门坎村", "上石门村"],
            code=["522326100201", "522326100202", "522326100203"],
            population=[1000, NAN, 300],
        ),
        "settlements": metric_frame(
            [point(1000, 500), point(1000, 1500), point(-1000, 1000),
             point(-5000, 1000), point(1500, 1000)],
            name=["s1", "s2", "s3", "s4", "s5"],
            population=[100, 300, 50, 70, NAN],
        ),
        "buildings": metric_frame(
            [point(x, y).buffer(square, cap_style="square")
             for x, y in ((500, 4500), (1900, 4500), (1000, 3200))],
        ),
        "roads": metric_frame(
            [line([(-2000, 0), (6000, 0)]), line([(0, 1500), (2000, 1500)]),
             line([(0, 1900), (2000, 1900)]), line([(0, 4900), (2000, 4900)])],
            road_class=["村道", "track", "residential", "track"],
            all_weather=[None, None, False, True],
        ),
        "water": metric_frame(
            [point(1000, 1300), point(-1000, 1100), point(-1000, 900)],
            water_class=["well", "fountain", "well"],
            safe=[None, None, False],
        ),
        "facilities": metric_frame(
            [point(1000, 6000), point(-1000, 3500), point(1000, 600)],
            facility_type=["小学", "村卫生室", "幼儿园"],
        ),
        "farmland": metric_frame(
            [box(-100, 100, 100, 300), box(0, 3000, 1000, 3200),
             box(0, 3000, 1000, 3200), box(500, 500, 600, 600)],
            is_farmland=[True, True, True, False],
        ),
    }  # fmt: skip


def workspace(path: Path, skip: tuple[str, ...] = ()) -> Workspace:
    """The drawing as a workspace, without the kinds in ``skip``."""
    ws = Workspace(path)
    for kind, layer in drawing().items():
        if kind in skip:
            continue
        family = get_kind(kind).main_family
        if kind == "buildings" or kind == "farmland":
            family = "polygon"
        report = LayerReport(name=kind, source="test", crs=METRIC)
        prepared = PreparedLayer(family, family, layer, report)  # type: ignore[arg-type]
        ws.add_layers(AREA, kind, [prepared])
    return ws


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> CoverageResult:
    ws = workspace(tmp_path_factory.mktemp("cov") / "ws.gpkg")
    with use_language("en"):
        return coverage(ws, AREA)


@pytest.fixture(scope="module")
def no_water(tmp_path_factory: pytest.TempPathFactory) -> CoverageResult:
    ws = workspace(tmp_path_factory.mktemp("cov") / "ws.gpkg", skip=("water",))
    with use_language("en"):
        return coverage(ws, AREA)


def row(result: CoverageResult, village_id: str) -> pd.Series:
    """The villages-table row of one village (or ``"total"``)."""
    found = result.villages[result.villages["village_id"] == village_id]
    assert len(found) == 1
    return found.iloc[0]


# the drawing: shares


def test_one_row_per_village_and_a_total(result: CoverageResult) -> None:
    table = result.villages
    assert table["village_id"].tolist() == [A, B, C, "total"]
    assert table["is_total"].tolist() == [False, False, False, True]
    assert table.loc[0, "village_name"] == "幸福村"
    for column in ("village_id", "village_name", "population",
                   "road_covered_pct", "water_covered_pct",
                   "school_covered_pct", "clinic_covered_pct",
                   "farmland_mu", "farmland_mu_per_person"):  # fmt: skip
        assert column in table


def test_village_counted_by_its_settlements(result: CoverageResult) -> None:
    a = row(result, A)
    assert a["population_basis"] == "settlements"
    assert a["population"] == 450  # s1 + s2 + s3; s5 has no figure
    assert a["settlements"] == 4  # s1, s2, s3 (placed by tolerance), s5
    # s1 at exactly 500 m from r1 and 800 m from w1 counts as within
    assert a["road_covered_pct"] == pytest.approx(100 / 450 * 100)
    assert a["water_covered_pct"] == pytest.approx(400 / 450 * 100)
    assert a["school_covered_pct"] == pytest.approx(300 / 450 * 100)
    assert a["clinic_covered_pct"] == pytest.approx(350 / 450 * 100)
    assert a["road_uncovered_people"] == pytest.approx(350)


def test_village_without_population_is_empty_not_zero(result: CoverageResult) -> None:
    b = row(result, B)
    assert b["population_basis"] == "none"
    assert pd.isna(b["population"])
    for name in ("road", "water", "school", "clinic"):
        assert np.isnan(b[f"{name}_covered_pct"])
    assert b["farmland_mu"] == 0.0
    assert np.isnan(b["farmland_mu_per_person"])


def test_village_population_spread_over_buildings(result: CoverageResult) -> None:
    c = row(result, C)
    assert c["population_basis"] == "buildings_estimate"
    assert (c["population"], c["buildings"], c["units"]) == (300, 3, 3)
    assert c["road_covered_pct"] == pytest.approx(200 / 300 * 100)
    assert c["water_covered_pct"] == 0.0  # measured, nobody within reach
    assert c["school_covered_pct"] == pytest.approx(100.0)
    assert c["clinic_covered_pct"] == pytest.approx(200 / 300 * 100)
    assert any("estimate" in note for note in result.notes)


def test_total_weights_villages_by_people(result: CoverageResult) -> None:
    total = row(result, "total")
    assert total["population"] == 750
    assert total["population_basis"] == "mixed"
    assert total["road_covered_pct"] == pytest.approx(300 / 750 * 100)
    assert total["water_covered_pct"] == pytest.approx(400 / 750 * 100)
    assert total["school_covered_pct"] == pytest.approx(600 / 750 * 100)
    assert total["clinic_covered_pct"] == pytest.approx(550 / 750 * 100)
    assert total["farmland_mu"] == pytest.approx(330.0)
    assert total["farmland_mu_per_person"] == pytest.approx(330 / 750)


def test_farmland_clipped_counted_once_and_against_target(
    result: CoverageResult,
) -> None:
    a, c = row(result, A), row(result, C)
    assert a["farmland_mu"] == pytest.approx(20_000 / M2_PER_MU)
    assert a["farmland_mu_per_person"] == pytest.approx(30 / 450)
    assert not a["farmland_meets_target"]
    assert c["farmland_mu"] == pytest.approx(300.0)
    assert c["farmland_meets_target"]  # exactly 1.0 mu per person


def test_farmland_counts_the_profile_classes_and_says_what_it_left_out() -> None:
    # six 100 m x 100 m parcels (10,000 m² = 15 mu each); five in a village
    # of 300 people, one outside it
    cells = [box(x, 100, x + 100, 200) for x in (100, 300, 500, 700, 900)]
    frames = {
        "villages": metric_frame([box(0, 0, 2000, 2000)], name=["幸福村"]),
        "settlements": metric_frame([point(1000, 1000)], population=[300]),
        "farmland": metric_frame(
            [*cells, box(2500, 100, 2600, 200)],
            land_class=["水田", "farmyard", "farmyard", None, "paddy", "paddy"],
            is_farmland=[None, None, True, None, False, None],
        ),
    }  # fmt: skip
    with use_language("en"):
        got = coverage_frames(frames)
    village = row(got, got.villages["village_id"].iloc[0])
    # counted: the paddy, the farmyard marked farmland, the unclassed one
    assert village["farmland_mu"] == pytest.approx(3 * 10_000 / M2_PER_MU)
    assert village["farmland_mu_per_person"] == pytest.approx(45 / 300)
    notes = "\n".join(got.notes)
    assert "not counted as farmland: Farmyard 15.0 mu, Paddy field 15.0 mu." in notes
    assert "15.0 mu of basic farmland lie outside every village boundary" in notes
    # the classes that count, by their labels
    assert "Cropland, Paddy field, Irrigated dry land" in notes

    # a profile may count farmyards too
    wider = load_profile(farmland_classes="paddy,farmyard")
    village = row(coverage_frames(frames, profile=wider),
                  got.villages["village_id"].iloc[0])  # fmt: skip
    assert village["farmland_mu"] == pytest.approx(4 * 10_000 / M2_PER_MU)


# the drawing: point lists and notes


def test_settlement_outside_within_tolerance_goes_to_nearest(
    result: CoverageResult,
) -> None:
    s3 = result.uncovered[result.uncovered["name"] == "s3"].iloc[0]
    assert s3["village_id"] == A
    assert s3["distance_to_village_m"] == pytest.approx(1000.0)
    assert s3["fails"] == "road;water;school"
    assert any("nearest village within 2,000 m" in n for n in result.notes)


def test_settlement_beyond_tolerance_is_listed_not_dropped(
    result: CoverageResult,
) -> None:
    lost = result.unassigned
    assert lost["name"].tolist() == ["s4"]
    s4 = lost.iloc[0]
    assert s4["population"] == 70
    assert s4["nearest_village_id"] == A
    assert s4["distance_to_nearest_village_m"] == pytest.approx(5000.0)
    # past the west end of r1 at (-2000, 0)
    assert s4["distance_to_road_m"] == pytest.approx(np.hypot(3000, 1000), abs=1e-3)
    assert s4.geometry.x == pytest.approx(lonlat(point(-5000, 1000)).x)
    assert any("1 settlements (70 people)" in n for n in result.notes)


def test_uncovered_lists_each_failing_unit_with_distances(
    result: CoverageResult,
) -> None:
    listed = result.uncovered.set_index("name", drop=False)
    s1 = listed.loc["s1"]
    assert s1["distance_to_road_m"] == pytest.approx(500.0, abs=1e-3)
    assert s1["distance_to_water_m"] == pytest.approx(800.0, abs=1e-3)
    assert s1["distance_to_school_m"] == pytest.approx(5500.0, abs=1e-3)
    assert (s1["fails_road"], s1["fails_water"]) == (False, False)
    assert s1["fails"] == "school;clinic"
    assert listed.loc["s2", "fails"] == "road"
    assert pd.isna(listed.loc["s5", "population"])  # listed, counts nobody

    # buildings carry the estimate
    buildings = result.uncovered[result.uncovered["unit"] == "building"]
    assert sorted(buildings["fails"]) == ["road;water", "water", "water;clinic"]
    assert buildings["population"].tolist() == pytest.approx([100.0] * 3)
    assert buildings["population_is_estimate"].all()


def test_settlement_without_population_is_noted(result: CoverageResult) -> None:
    assert any("1 settlements have no population" in n for n in result.notes)


def test_result_states_method_thresholds_and_dates(result: CoverageResult) -> None:
    assert result.method == "straight"
    assert result.crs == METRIC
    assert result.profile == Profile()
    assert set(result.data_dates) == {
        "villages:polygon", "settlements:point", "buildings:polygon",
        "roads:line", "water:point", "facilities:point", "farmland:polygon",
    }  # fmt: skip
    assert "EPSG:4544" in result.notes[0]


def test_missing_water_layer_leaves_water_empty(no_water: CoverageResult) -> None:
    assert no_water.villages["water_covered_pct"].isna().all()
    assert not no_water.villages["road_covered_pct"].isna().all()
    assert "water:point" not in no_water.data_dates
    notes = " ".join(no_water.notes)
    assert "no Water sources and water bodies layer" in notes
    assert no_water.uncovered["fails_water"].isna().all()


# rules


def test_threshold_is_inclusive_to_the_millimetre() -> None:
    layers = drawing()
    layers["settlements"] = metric_frame(
        [point(1000, 500), point(1200, 500.0004), point(1400, 500.002)],
        population=[1, 1, 1],
    )
    got = coverage_frames(layers).uncovered
    got = got[got["unit"] == "settlement"]
    # 500 m and 500.0004 m (rounds to 500.000) are within; 500.002 m is not
    assert got.loc[got["fails_road"], "source_id"].tolist() == ["2"]


def test_point_on_a_shared_edge_goes_to_the_first_village() -> None:
    # drawn in the metric CRS itself, so the point stays on the edge
    def metric(
        geometry: list[shapely.Geometry], **columns: list[object]
    ) -> gpd.GeoDataFrame:
        offset = np.array([X0, Y0])
        moved = [shapely.transform(g, lambda xy: xy + offset) for g in geometry]
        return gpd.GeoDataFrame(columns, geometry=moved, crs=METRIC)

    layers = {
        "villages": metric([box(0, 0, 2000, 2000), box(2000, 0, 4000, 2000)]),
        "settlements": metric([point(2000, 1000), point(3000, 2000)],
                              population=[10, 20]),
    }  # fmt: skip
    got = coverage_frames(layers)
    assert got.crs == METRIC
    assert got.villages["population"].tolist() == [10, 20, 30]


def test_no_tolerance_leaves_outside_settlements_unassigned() -> None:
    got = coverage_frames(drawing(), profile=Profile(assign_tolerance_m=0))
    assert sorted(got.unassigned["name"]) == ["s3", "s4"]


def test_class_lists_come_from_the_profile() -> None:
    profile = load_profile(safe_water_classes="well,fountain",
                           school_types=["school", "kindergarten"])  # fmt: skip
    a = row(coverage_frames(drawing(), profile=profile), A)
    # the fountain reaches s3; the kindergarten reaches s1 (100 m) and
    # s3 (2,040 m)
    assert a["water_covered_pct"] == pytest.approx(100.0)
    assert a["school_covered_pct"] == pytest.approx(100.0)


def test_households_count_where_population_is_missing() -> None:
    layers = drawing()
    layers["settlements"] = metric_frame(
        [point(1000, 500), point(1000, 1500)], households=[10, 30]
    )
    a = row(coverage_frames(layers), A)
    assert a["population_basis"] == "households"
    assert a["households"] == 40
    assert a["road_covered_pct"] == pytest.approx(25.0)
    assert np.isnan(a["road_uncovered_people"])


def test_unknown_method_and_terrain_without_dem_are_refused() -> None:
    with pytest.raises(InputError, match="needs an elevation raster"):
        coverage_frames(drawing(), method="terrain")
    with pytest.raises(InputError, match="Unknown distance method"):
        coverage_frames(drawing(), method="crow")


def test_network_method_measures_schools_along_the_roads() -> None:
    # s2 (1000, 1500) snaps onto r2 (a track along y=1500, 0-2000) at
    # its own x, 0 m off; r2 meets no other road at a shared vertex,
    # and the school (1000, 6000) is 1,100 m from the nearest road
    # (r4 at y=4900), beyond the 1,000 m snap limit: nobody reaches it
    got = coverage_frames(drawing(), method="network")
    assert got.method == "network"
    assert row(got, A)["school_covered_pct"] == 0.0
    s2 = got.uncovered.set_index("name").loc["s2"]
    assert np.isinf(s2["distance_to_school_m"])
    assert s2["distance_to_any_road_m"] == pytest.approx(0.0, abs=1e-3)
    assert s2["distance_to_water_m"] == pytest.approx(200.0, abs=1e-3)


def test_area_without_villages_is_refused(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws.gpkg", skip=("villages",))
    with pytest.raises(InputError, match="no village layer"):
        coverage(ws, AREA)


def test_features_without_geometry_are_dropped_with_a_warning() -> None:
    layers = drawing()
    settlements = layers["settlements"]
    settlements.loc[4, "geometry"] = None
    with pytest.warns(UserWarning, match=r"1 features of the settlements.*4"):
        got = coverage_frames(layers)
    assert "s5" not in set(got.uncovered["name"])


def test_progress_is_reported_up_to_done(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    coverage(workspace(tmp_path / "ws.gpkg"), AREA,
             progress=lambda f, m: seen.append((f, m)))  # fmt: skip
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert all(message for _, message in seen)


def test_notes_follow_the_language() -> None:
    with use_language("zh"):
        got = coverage_frames(drawing())
    assert "直线距离" in got.notes[0]
    assert row(got, "total")["village_name"] == "合计"


# profiles


def test_default_profile_file_matches_the_defaults() -> None:
    assert load_profile() == Profile()
    assert Profile().road_m == 500 and Profile().clinic_m == 3000


def test_profile_file_sets_some_keys_and_overrides_win(tmp_path: Path) -> None:
    path = tmp_path / "guizhou.toml"
    path.write_text('road_m = 1000\nschool_types = ["school", "college"]\n')
    profile = load_profile(path, road_m="800", water_m=None)
    assert profile.road_m == 800.0
    assert profile.water_m == 800.0  # from the default
    assert profile.school_types == ("school", "college")


def test_profile_problems_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'road_m = -5\nschol_types = ["school"]\n'
        'clinic_types = ["clinic", "hospitl"]\nwater_m = "far"\n'
    )
    with pytest.raises(InputError) as caught:
        load_profile(path)
    message = str(caught.value)
    for part in ("schol_types", "road_m = -5.0", "hospitl", "water_m", "bad.toml"):
        assert part in message


def test_unreadable_profile_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("road_m = = 3\n")
    with pytest.raises(InputError, match=r"broken\.toml"):
        load_profile(path)
    with pytest.raises(InputError, match=r"missing\.toml"):
        load_profile(tmp_path / "missing.toml")


def test_profile_built_directly_is_checked_too() -> None:
    with pytest.raises(InputError, match="road_m"):
        Profile(road_m=0)


# files


def test_csv_with_bom_and_metadata_sidecar(
    result: CoverageResult, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.csv"
    written = write_result(result, out)
    assert written == [out, tmp_path / "coverage.meta.json"]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"village_id": str})
    assert table["village_name"].tolist()[0] == "幸福村"
    assert table["village_id"].tolist() == [A, B, C, "total"]
    assert np.isnan(table.loc[1, "road_covered_pct"])  # an empty cell
    meta = json.loads(written[1].read_text(encoding="utf-8"))
    assert meta["method"] == "straight"
    assert meta["profile"]["road_m"] == 500.0
    assert meta["metric_crs"] == METRIC
    assert meta["table"] == "villages" and meta["file"] == "coverage.csv"
    assert "roads:line" in meta["data_dates"]


def test_csv_of_uncovered_points_has_lon_lat(
    result: CoverageResult, tmp_path: Path
) -> None:
    out = tmp_path / "uncovered.csv"
    write_result(result, out, table="uncovered")
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert len(table) == len(result.uncovered)
    assert {"lon", "lat", "distance_to_road_m", "fails"} <= set(table.columns)


def test_geopackage_holds_three_layers_and_metadata(
    result: CoverageResult, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.gpkg"
    write_result(result, out)
    names = {name for name, _ in pyogrio.list_layers(out)}
    assert {"villages", "uncovered", "unassigned", "coverage_metadata"} <= names
    villages = pyogrio.read_dataframe(out, layer="villages")
    assert len(villages) == 4
    assert villages.geometry.iloc[:3].notna().all()
    with sqlite3.connect(out) as conn:
        meta = dict(conn.execute("SELECT key, value FROM coverage_metadata"))
    assert json.loads(meta["method"]) == "straight"
    assert json.loads(meta["profile"])["school_m"] == 5000.0


def test_json_has_metadata_and_null_for_empty(
    result: CoverageResult, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.json"
    write_result(result, out)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["metadata"]["within_rule"].startswith("distance_m <=")
    assert document["villages"][1]["road_covered_pct"] is None
    assert document["unassigned"][0]["name"] == "s4"


def test_unknown_suffix_is_refused(result: CoverageResult, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.csv, \.gpkg or \.json"):
        write_result(result, tmp_path / "coverage.xlsx")


# the demo areas against brute force


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("demo") / "demo.gpkg")
    build_demo(ws)
    yield ws


def _metric_xy(points: gpd.GeoSeries, crs: str) -> np.ndarray:
    """(n, 2) coordinates of lon/lat points in ``crs``."""
    moved = points.to_crs(crs)
    return np.column_stack([moved.x.to_numpy(), moved.y.to_numpy()])


def _nearest_brute_m(xy: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distance from each point to the nearest target: all pairs, numpy."""
    gaps = np.hypot(xy[:, None, 0] - targets[None, :, 0],
                    xy[:, None, 1] - targets[None, :, 1])  # fmt: skip
    return np.round(gaps.min(axis=1), 3)


def _placed(points: gpd.GeoDataFrame, villages: gpd.GeoDataFrame, crs: str,
            tolerance_m: float) -> pd.Series:  # fmt: skip
    """Village id of each point by geopandas joins (-1: none)."""
    pts = points.to_crs(crs)[["geometry"]]
    polys = villages.to_crs(crs)[["source_id", "geometry"]]
    inside = gpd.sjoin(pts, polys, predicate="within", how="left")
    inside = inside[~inside.index.duplicated()]["source_id"]
    near = gpd.sjoin_nearest(pts[inside.isna().to_numpy()], polys,
                             max_distance=tolerance_m)  # fmt: skip
    near = near[~near.index.duplicated()]["source_id"]
    return inside.fillna(near).fillna("-1")


def test_sikkim_school_reach_matches_brute_force(demo: Workspace) -> None:
    result = coverage(demo, "sikkim")
    profile = result.profile
    settlements = demo.read("sikkim", "settlements")
    facilities = demo.read("sikkim", "facilities")
    kind = get_kind("facilities")
    schools = facilities[[
        kind.canonical_value("facility_type", v) in profile.school_types
        for v in facilities["facility_type"]
    ]]  # fmt: skip
    assert len(schools) > 10

    # every settlement against every school
    gap = _nearest_brute_m(_metric_xy(settlements.geometry, result.crs),
                           _metric_xy(schools.geometry, result.crs))  # fmt: skip
    village = _placed(settlements, demo.read("sikkim", "villages"), result.crs,
                      profile.assign_tolerance_m)  # fmt: skip
    people = settlements["population"].fillna(0).to_numpy()
    within = gap <= profile.school_m
    counted = np.array(village != "-1")
    counted &= settlements["population"].notna().to_numpy()

    # covered settlements and people, exactly
    table = result.villages[~result.villages["is_total"]]
    assert table["population"].sum() == people[counted].sum()
    failing = result.uncovered["fails_school"].fillna(False)
    failing &= result.uncovered["population"].notna()
    assert failing.sum() == (counted & ~within).sum()
    total = row(result, "total")
    expected = 100 * people[counted & within].sum() / people[counted].sum()
    assert total["school_covered_pct"] == pytest.approx(expected, rel=1e-12)
    assert len(result.unassigned) == (village == "-1").sum()

    # and the distances listed, to the millimetre
    listed = pd.concat([result.uncovered, result.unassigned])
    by_id = pd.Series(gap, index=settlements["source_id"].to_numpy())
    assert listed["distance_to_school_m"].to_numpy() == pytest.approx(
        by_id[listed["source_id"]].to_numpy(), abs=1e-3
    )


def test_liechtenstein_water_reach_matches_brute_force(demo: Workspace) -> None:
    result = coverage(demo, "liechtenstein")
    profile = result.profile
    villages = demo.read("liechtenstein", "villages")
    buildings = demo.read("liechtenstein", "buildings")
    water = demo.read("liechtenstein", "water", "point")
    safe = water[water["water_class"].isin(profile.safe_water_classes)]

    # building points carry their village's population in equal shares
    points = gpd.GeoDataFrame(geometry=buildings.representative_point(),
                              crs=buildings.crs)  # fmt: skip
    village = _placed(points, villages, result.crs, profile.assign_tolerance_m)
    gap = _nearest_brute_m(_metric_xy(points.geometry, result.crs),
                           _metric_xy(safe.geometry, result.crs))  # fmt: skip
    within = pd.Series(gap <= profile.water_m, index=village.index)
    share = within.groupby(village.to_numpy()).mean() * 100

    table = result.villages[~result.villages["is_total"]].set_index("village_id")
    assert set(table["population_basis"]) == {"buildings_estimate"}
    assert table["buildings"].sum() == (village != "-1").sum()
    for village_id, pct in share.drop("-1", errors="ignore").items():
        assert table.loc[village_id, "water_covered_pct"] == pytest.approx(pct)
    failing = result.uncovered["fails_water"].sum()
    assert failing == (~within[village != "-1"]).sum()
    assert result.villages["population_basis"].iloc[-1] == "buildings_estimate"
    assert any("estimate" in note for note in result.notes)


def test_negative_population_is_unknown_with_a_warning() -> None:
    layers = drawing()
    layers["settlements"].loc[1, "population"] = -300
    with pytest.warns(UserWarning, match=r"negative population.*\b1\b"):
        got = coverage_frames(layers)
    assert row(got, A)["population"] == 150  # s1 + s3; s2 left out
