"""Every fault the import pipeline must catch, on tiny files built here.

Reference coordinates come from pyproj run forward (an independent
tool); areas from hand calculation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer

from gis.chinacoords import wgs84_to_bd09, wgs84_to_gcj02
from gis.importer import ImportOptions, PreparedLayer, prepare_source
from gis.report import ImportReport, LayerReport
from tests.conftest import GUIYANG, WANGMO, WriteLayer

GEOD = Geod(ellps="WGS84")


def _points_in(code: int, lonlats: list[tuple[float, float]]) -> list[shapely.Point]:
    """Points projected to EPSG:``code`` with pyproj (independent of gis)."""
    tr = Transformer.from_crs(4326, code, always_xy=True)
    return [shapely.Point(*tr.transform(lon, lat)) for lon, lat in lonlats]


def _only(path: Path, **options: object) -> tuple[LayerReport, list[PreparedLayer]]:
    report, layers = prepare_source(path, ImportOptions(**options))  # type: ignore[arg-type]
    assert len(report.layers) == 1, report.to_dict()
    return report.layers[0], layers


def _finding(items: list, kind: str) -> tuple[int, list]:  # type: ignore[type-arg]
    for f in items:
        if f.kind == kind:
            return f.count, sorted(f.ids)
    return 0, []


def _metres_apart(a: shapely.Point, lonlat: tuple[float, float]) -> float:
    return float(GEOD.inv(a.x, a.y, lonlat[0], lonlat[1])[2])


# --- CRS: missing, confirmed, declared wrong ----------------------------


def test_missing_crs_is_proposed_never_guessed(write_layer: WriteLayer) -> None:
    pts = _points_in(4523, [GUIYANG, WANGMO])  # zone-35-prefixed eastings
    path = write_layer("wells.shp", pts, crs=None)
    lr, layers = _only(path)
    assert layers == []
    assert lr.crs is None and lr.crs_source == "none"
    assert lr.crs_proposals[0] == "EPSG:4523"
    assert "--crs" in (lr.error or "")


def test_confirmed_crs_lands_on_the_control_points(write_layer: WriteLayer) -> None:
    pts = _points_in(4523, [GUIYANG, WANGMO])
    path = write_layer("wells.shp", pts, crs=None)
    lr, layers = _only(path, crs="EPSG:4523")
    assert lr.error is None and lr.crs == "EPSG:4523" and lr.crs_source == "option"
    got = layers[0].frame.geometry
    assert _metres_apart(got[0], GUIYANG) < 0.01
    assert _metres_apart(got[1], WANGMO) < 0.01


def test_wrong_gk_family_is_caught_before_transforming(write_layer: WriteLayer) -> None:
    # eastings without zone number, declared as the zone-prefixed family
    pts = _points_in(4544, [WANGMO, (105.5, 25.5)])
    path = write_layer("roads.gpkg", pts, crs="EPSG:4523")
    lr, layers = _only(path)
    assert layers == []
    assert lr.crs_source == "file"
    assert lr.crs_proposals == ["EPSG:4544"]
    assert "--crs EPSG:4544" in (lr.error or "")


def test_override_of_a_wrong_declaration(write_layer: WriteLayer) -> None:
    pts = _points_in(4544, [WANGMO, (105.5, 25.5)])
    path = write_layer("roads.gpkg", pts, crs="EPSG:4523")
    lr, layers = _only(path, crs="EPSG:4544")
    assert lr.error is None
    assert _metres_apart(layers[0].frame.geometry[0], WANGMO) < 0.01


def test_swapped_axes_are_caught_and_confirmed(write_layer: WriteLayer) -> None:
    lon, lat = GUIYANG
    # (lat, lon) written under a lon/lat CRS; 106 cannot be a latitude
    path = write_layer("swapped.gpkg", [shapely.Point(lat, lon)], crs="EPSG:4326")
    lr, layers = _only(path)
    assert layers == [] and "--swap-xy" in (lr.error or "")
    lr, layers = _only(path, swap_xy=True)
    assert lr.error is None
    assert _metres_apart(layers[0].frame.geometry[0], GUIYANG) < 0.01


# --- coordinates that cannot be right ----------------------------------


def test_null_island_and_non_finite_are_rejected_by_id(
    write_layer: WriteLayer,
) -> None:
    lon, lat = WANGMO
    geoms = [
        shapely.Point(lon, lat),
        shapely.Point(0, 0),
        shapely.LineString([(lon, lat), (0, 0)]).centroid,  # a fine point
        shapely.Point(np.inf, lat),
    ]
    path = write_layer("pts.gpkg", geoms, crs="EPSG:4326")
    lr, layers = _only(path)
    assert _finding(lr.rejected, "null_island") == (1, [2])
    assert _finding(lr.rejected, "non_finite") == (1, [4])
    assert lr.kept_count == 2 and len(layers[0].frame) == 2


def test_transform_results_off_the_earth_are_rejected(
    write_layer: WriteLayer,
) -> None:
    good = _points_in(4544, [WANGMO, (105.3, 25.3), (105.2, 25.1)])
    wild = shapely.Point(500_000.0, 95_000_000.0)  # northing past the pole
    path = write_layer("far.gpkg", [*good, wild], crs="EPSG:4544")
    lr, layers = _only(path)
    # PROJ wraps this round to 75° W instead of failing: caught by round trip
    assert _finding(lr.rejected, "bad_transform") == (1, [4])
    assert len(layers[0].frame) == 3


def test_feature_far_from_the_rest_is_rejected(write_layer: WriteLayer) -> None:
    lon, lat = WANGMO
    geoms = [shapely.Point(lon + i * 0.01, lat) for i in range(5)]
    geoms.append(shapely.Point(lon + 10.0, lat + 10.0))  # a typo, ~1,500 km off
    path = write_layer("typo.gpkg", geoms, crs="EPSG:4326")
    lr, layers = _only(path)
    assert _finding(lr.rejected, "far_outlier") == (1, [6])
    assert len(layers[0].frame) == 5


def test_features_outside_the_area(write_layer: WriteLayer) -> None:
    lon, lat = WANGMO
    geoms = [shapely.Point(lon, lat), shapely.Point(lon + 3.0, lat)]  # ~300 km east
    path = write_layer("pts.gpkg", geoms, crs="EPSG:4326")
    box = (lon - 0.5, lat - 0.5, lon + 0.5, lat + 0.5)
    lr, layers = _only(path, reference_bounds=box)
    assert _finding(lr.rejected, "outside_area") == (1, [2])

    far = write_layer("far.gpkg", [shapely.Point(9.5, 47.1)], crs="EPSG:4326")
    lr, layers = _only(far, reference_bounds=box)
    assert layers == [] and "outside the area" in (lr.error or "")


# --- web-map datums -----------------------------------------------------


@pytest.mark.parametrize(
    ("datum", "forward"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)]
)
def test_web_map_points_come_back_within_a_metre(
    tmp_path: Path, datum: str, forward: object
) -> None:
    truth = [GUIYANG, WANGMO]
    shifted = [forward(lon, lat) for lon, lat in truth]  # type: ignore[operator]
    rows = [f"{float(x):.8f},{float(y):.8f},井{i}" for i, (x, y) in enumerate(shifted)]
    path = tmp_path / "wells.csv"
    path.write_text("lon,lat,name\n" + "\n".join(rows) + "\n", encoding="utf-8")

    lr, layers = _only(path, source_datum=datum)
    assert lr.datum == datum and lr.error is None
    for geom, lonlat in zip(layers[0].frame.geometry, truth, strict=True):
        assert _metres_apart(geom, lonlat) < 1.0
    # without the datum the same points are hundreds of metres off
    _, raw = _only(path)
    assert _metres_apart(raw[0].frame.geometry[0], truth[0]) > 100.0


def test_datum_on_projected_data_is_refused(write_layer: WriteLayer) -> None:
    path = write_layer("p.gpkg", _points_in(4544, [WANGMO]), crs="EPSG:4544")
    lr, layers = _only(path, source_datum="gcj02")
    assert layers == [] and "projected" in (lr.error or "")


# --- geometry clean-up --------------------------------------------------


def test_z_is_dropped_and_counted(write_layer: WriteLayer, shapes: dict) -> None:  # type: ignore[type-arg]
    geoms = [shapes["point_z"], shapes["point"], shapes["point_z"]]
    lr, layers = _only(write_layer("z.gpkg", geoms))
    assert _finding(lr.fixes, "dropped_z") == (2, [1, 3])
    assert not layers[0].frame.geometry.has_z.any()


def test_invalid_polygon_is_repaired_keeping_its_area(
    write_layer: WriteLayer,
    shapes: dict,  # type: ignore[type-arg]
) -> None:
    lr, layers = _only(write_layer("bow.gpkg", [shapes["bowtie"], shapes["polygon"]]))
    assert _finding(lr.fixes, "repaired_invalid") == (1, [1])
    repaired = layers[0].frame.geometry[0]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    # a bow-tie over a square of side d is two triangles: half the square
    assert repaired.area == pytest.approx(shapes["polygon"].area / 2, rel=1e-9)


def test_empty_geometries_are_listed(write_layer: WriteLayer, shapes: dict) -> None:  # type: ignore[type-arg]
    geoms = [shapes["polygon"], shapes["none"], shapes["empty"], shapes["polygon"]]
    lr, layers = _only(write_layer("e.gpkg", geoms))
    assert _finding(lr.rejected, "empty_geometry") == (2, [2, 3])
    assert len(layers[0].frame) == 2


def test_open_ring_is_closed(tmp_path: Path) -> None:
    x, y = WANGMO
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01]]
    text = (
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{"name":"田块"},'
        f'"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}]}}'
    )
    path = tmp_path / "open.geojson"
    path.write_text(text, encoding="utf-8")
    lr, layers = _only(path)
    assert _finding(lr.fixes, "closed_ring")[0] == 1
    assert layers[0].frame.geometry[0].is_valid


def test_mixed_types_split_into_families(write_layer: WriteLayer, shapes: dict) -> None:  # type: ignore[type-arg]
    geoms = [shapes["point"], shapes["line"], shapes["polygon"], shapes["multipolygon"]]
    lr, layers = _only(write_layer("mixed.geojson", geoms))
    assert sorted(p.family for p in layers) == ["line", "point", "polygon"]
    polygons = next(p for p in layers if p.family == "polygon").frame
    assert set(polygons.geom_type) == {"MultiPolygon"}  # promoted to multi
    # GeoJSON feature ids are 0-based positions
    assert _finding(lr.fixes, "promoted_multi") == (1, [2])


def test_kind_rejects_other_families(write_layer: WriteLayer, shapes: dict) -> None:  # type: ignore[type-arg]
    geoms = [shapes["line"], shapes["point"], shapes["line"]]
    lr, layers = _only(write_layer("roads.geojson", geoms), kind="roads")
    assert _finding(lr.rejected, "wrong_geometry") == (1, [1])
    assert [p.family for p in layers] == ["line"]


def test_one_bad_feature_never_sinks_the_file(
    write_layer: WriteLayer,
    shapes: dict,  # type: ignore[type-arg]
) -> None:
    geoms = [shapes["polygon"], shapes["none"], shapes["bowtie"], shapes["polygon"]]
    lr, layers = _only(write_layer("many.gpkg", geoms), kind="farmland")
    assert lr.error is None and lr.kept_count == 3
    assert len(layers[0].frame) == 3
    report = ImportReport("x", [lr])
    assert report.ok


# --- fields and measures ------------------------------------------------


def test_fields_map_by_alias_and_by_option(
    write_layer: WriteLayer, shapes: dict
) -> None:  # type: ignore[type-arg]
    geoms = [shapes["point"], shapes["point"]]
    path = write_layer(
        "hamlets.gpkg",
        geoms,
        名称=["幸福组", "石门坎组"],
        人口=["1,203", "不详"],
        村名=["幸福村", "石门坎村"],
        等级=["a", "b"],
    )
    lr, layers = _only(path, kind="settlements", fields={"code": "等级"})
    frame = layers[0].frame
    assert lr.field_map["name"] == "名称" and lr.field_map["code"] == "等级"
    assert lr.field_map["village"] == "村名"
    assert list(frame["name"]) == ["幸福组", "石门坎组"]
    assert list(frame["village"]) == ["幸福村", "石门坎村"]
    assert frame["population"].iloc[0] == 1203
    assert frame["population"].isna().iloc[1]
    assert any("population" in w and "2" in w for w in lr.warnings)


def test_a_field_left_unmapped_is_not_filled_by_its_namesake(
    write_layer: WriteLayer, shapes: dict
) -> None:  # type: ignore[type-arg]
    # the source's own is_farmland is not a basic-farmland survey flag
    field = shapely.box(*WANGMO, WANGMO[0] + 0.001, WANGMO[1] + 0.001)
    path = write_layer(
        "land.gpkg", [field, field], land_class=["farmyard", "paddy"],
        is_farmland=[1, 1],
    )  # fmt: skip
    lr, layers = _only(path, kind="farmland", fields={"is_farmland": ""})
    frame = layers[0].frame
    assert "is_farmland" not in lr.field_map
    assert "is_farmland" not in frame or frame["is_farmland"].isna().all()
    assert list(frame["is_farmland_src"]) == [1, 1]
    assert list(frame["land_class"]) == ["farmyard", "paddy"]


def test_area_is_measured_in_metres_and_mu(write_layer: WriteLayer) -> None:
    # a 100 m x 200 m field built in the local GK zone: 20,000 m² = 30 mu
    x0, y0 = Transformer.from_crs(4326, 4544, always_xy=True).transform(*WANGMO)
    field = shapely.box(x0, y0, x0 + 100, y0 + 200)
    lr, _ = _only(write_layer("f.gpkg", [field], crs="EPSG:4544"))
    assert lr.metric_crs == "EPSG:4544"
    assert lr.measures["area_m2"] == pytest.approx(20_000, rel=1e-6)
    assert lr.measures["area_mu"] == pytest.approx(30.0, rel=1e-6)
    assert lr.measures["area_ha"] == pytest.approx(2.0, rel=1e-6)


def test_length_in_metres_matches_the_geodesic(write_layer: WriteLayer) -> None:
    (x, y), d = WANGMO, 0.05
    line = shapely.LineString([(x, y), (x + d, y + d)])
    lr, _ = _only(write_layer("l.geojson", [line]))
    geodesic = GEOD.inv(x, y, x + d, y + d)[2]
    assert lr.measures["length_m"] == pytest.approx(geodesic, rel=2e-4)
