"""Every source format the import pipeline reads, end to end.

Each test builds a tiny file in ``tmp_path`` (see
:mod:`tests.fixtures_formats`) and reads it through
:func:`gis.importer.prepare_source` or through ``python -m gis inspect``
(:func:`gis.cli.main`, with ``--json`` where the output is parsed).
Messages are in English (the autouse fixture in ``conftest.py``).
Expected names and coordinates are the values the files were written
with; degrees-minutes-seconds were converted by hand, and projected
coordinates by pyproj directly.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Transformer

from gis import cli
from gis.i18n import t
from gis.importer import ImportOptions, PreparedLayer, prepare_source
from gis.report import ImportReport, LayerReport
from tests.fixtures_formats import (
    NAMES,
    ROAD,
    SQUARE,
    VILLAGES,
    csv_text,
    feature,
    geojson_text,
    kml_text,
    road_frame,
    shapefile_members,
    village_features,
    village_frame,
    write_geopackage,
    write_shapefile,
    write_workbook,
    write_zip,
    write_zip_bomb,
    write_zip_with_gbk_names,
)

TOL_DEG = 1e-6
BAD_INPUT = 2


# --- helpers -----------------------------------------------------------------


def inspect_json(
    capsys: pytest.CaptureFixture[str], path: Path, *options: str
) -> tuple[int, dict[str, Any]]:
    """Run ``inspect --json``; return the exit code and the parsed report."""
    code = cli.main(["--lang", "en", "inspect", str(path), *options, "--json"])
    return code, json.loads(capsys.readouterr().out)


def read(
    path: Path, **options: Any
) -> tuple[ImportReport, dict[str, PreparedLayer]]:
    """Import a source; the prepared layers by name."""
    report, layers = prepare_source(path, ImportOptions(**options))
    assert report.error is None, report.error
    return report, {layer.name: layer for layer in layers}


def layer_report(report: ImportReport, name: str) -> LayerReport:
    (found,) = [lr for lr in report.layers if lr.name == name]
    return found


def findings(items: list[Any]) -> dict[str, list[Any]]:
    """Fixes or rejections (objects or dicts) as ``{kind: ids}``."""
    pairs = [
        (f["kind"], f["ids"]) if isinstance(f, dict) else (f.kind, f.ids)
        for f in items
    ]
    return dict(pairs)


def assert_points(
    layer: PreparedLayer,
    expected: list[tuple[str, float, float]],
    *,
    column: str = "name",
) -> None:
    """Names and (lon, lat) of a point layer, in order."""
    assert layer.family == "point"
    assert list(layer.frame[column]) == [name for name, _, _ in expected]
    xy = shapely.get_coordinates(layer.frame.geometry.to_numpy())
    lonlat = [(lon, lat) for _, lon, lat in expected]
    np.testing.assert_allclose(xy, lonlat, rtol=0, atol=TOL_DEG)


def assert_vertices(layer: PreparedLayer, expected: list[tuple]) -> None:
    """(lon, lat) of every vertex of a layer, feature after feature."""
    xy = shapely.get_coordinates(layer.frame.geometry.to_numpy())
    np.testing.assert_allclose(xy, expected, rtol=0, atol=TOL_DEG)


def utf8_flagged(archive: Path) -> list[bool]:
    """Whether each member name carries the zip's UTF-8 flag (bit 11)."""
    with zipfile.ZipFile(archive) as zf:
        return [bool(info.flag_bits & 0x800) for info in zf.infolist()]


def rows_of(villages: list[tuple[str, float, float]]) -> list[list[str]]:
    """Villages as CSV rows of name, lon, lat."""
    return [[name, str(lon), str(lat)] for name, lon, lat in villages]


# --- shapefiles ----------------------------------------------------------


def test_shapefile_with_utf8_cpg(tmp_path: Path) -> None:
    shp = write_shapefile(
        tmp_path, "villages", village_frame(), encoding="UTF-8", cpg="UTF-8"
    )
    report, layers = read(shp)

    lr = layer_report(report, "villages")
    assert (lr.feature_count, lr.kept_count) == (3, 3)
    assert (lr.encoding, lr.encoding_source) == ("utf-8", "cpg")
    assert (lr.crs, lr.crs_source) == ("EPSG:4326", "file")
    assert_points(layers["villages"], VILLAGES)
    assert list(layers["villages"].frame["source_id"]) == [0, 1, 2]
    assert list(layers["villages"].frame["households"]) == [120, 85, 40]


def test_gbk_shapefile_without_cpg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shp = write_shapefile(
        tmp_path, "villages", village_frame(), encoding="GBK", cpg=None
    )
    _, layers = read(shp)
    assert_points(layers["villages"], VILLAGES)

    code, out = inspect_json(capsys, shp)
    assert code == 0
    (lr,) = out["layers"]
    assert (lr["encoding"], lr["encoding_source"]) == ("gb18030", "gb18030")


def test_encoding_option_beats_a_wrong_cpg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GBK bytes labelled Western European: every byte reads, all wrong
    shp = write_shapefile(
        tmp_path, "villages", village_frame(), encoding="GBK", cpg="1252"
    )
    _, layers = read(shp)
    garbled = [name.encode("gbk").decode("cp1252") for name in NAMES]
    assert list(layers["villages"].frame["name"]) == garbled

    _, layers = read(shp, encoding="GBK")
    assert_points(layers["villages"], VILLAGES)

    code, out = inspect_json(capsys, shp, "--encoding", "GBK")
    assert code == 0
    (lr,) = out["layers"]
    assert (lr["encoding"], lr["encoding_source"]) == ("gb18030", "option")


# --- zip archives --------------------------------------------------------


def test_zip_with_two_shapefiles_in_subfolders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    villages = write_shapefile(
        tmp_path / "v", "villages", village_frame(), encoding="GBK", cpg=None
    )
    roads = write_shapefile(
        tmp_path / "r", "roads", road_frame(), encoding="UTF-8", cpg="UTF-8"
    )
    junk = {
        "__MACOSX/data/roads/._roads.shp": b"\x00\x05\x16\x07Mac junk",
        "__MACOSX/._data": b"\x00\x05\x16\x07",
        "README.txt": "说明：村庄与道路".encode(),
    }
    archive = write_zip(
        tmp_path / "plan.zip",
        {
            **shapefile_members(villages, "data/村庄数据/"),
            **shapefile_members(roads, "data/roads/"),
            **junk,
        },
    )
    report, layers = read(archive)

    assert sorted(layers) == ["roads", "villages"]
    v, r = layer_report(report, "villages"), layer_report(report, "roads")
    assert v.source == "plan.zip/data/村庄数据/villages.shp"
    assert r.source == "plan.zip/data/roads/roads.shp"
    assert (v.encoding, v.encoding_source) == ("gb18030", "gb18030")
    assert (r.encoding, r.encoding_source) == ("utf-8", "cpg")
    assert_points(layers["villages"], VILLAGES)
    assert list(layers["roads"].frame["name"]) == ["幸福路"]
    assert_vertices(layers["roads"], ROAD)

    code, out = inspect_json(capsys, archive)
    assert code == 0
    assert sorted(lr["name"] for lr in out["layers"]) == ["roads", "villages"]


def test_zip_member_named_in_gbk(tmp_path: Path) -> None:
    # names "村庄/村庄.*" stored as GBK bytes, without the UTF-8 flag
    shp = write_shapefile(
        tmp_path / "src", "QZQZ", village_frame(), encoding="GBK", cpg=None
    )
    archive = write_zip_with_gbk_names(
        tmp_path / "old.zip", shapefile_members(shp, "QZQZ/"), {"QZQZ": "村庄"}
    )
    assert not any(utf8_flagged(archive))

    report, layers = read(archive)
    assert layer_report(report, "村庄").source == "old.zip/村庄/村庄.shp"
    assert_points(layers["村庄"], VILLAGES)


def test_zip_member_named_in_utf8_without_flag(tmp_path: Path) -> None:
    # macOS and Linux zip tools store UTF-8 names without the flag
    shp = write_shapefile(
        tmp_path / "src", "QZQZQZ", village_frame(), encoding="GBK", cpg=None
    )
    archive = write_zip(tmp_path / "mac.zip", shapefile_members(shp, ""))
    data = archive.read_bytes().replace(b"QZQZQZ", "村庄".encode())
    archive.write_bytes(data)
    assert not any(utf8_flagged(archive))

    report, layers = read(archive)
    assert layer_report(report, "村庄").source == "mac.zip/村庄.shp"
    assert_points(layers["村庄"], VILLAGES)


def test_zip_with_tables_gbk_geojson_and_workbook(tmp_path: Path) -> None:
    # a GBK-named CSV, a GBK GeoJSON and a workbook with two sheets
    table = csv_text(["名称", "经度", "纬度"], rows_of(VILLAGES))
    points = geojson_text(village_features())
    book = write_workbook(
        tmp_path / "book.xlsx",
        {
            "村庄": pd.DataFrame(
                {"名称": NAMES[:1], "lon": [106.63], "lat": [26.65]}
            ),
            "乡镇": pd.DataFrame(
                {"名称": NAMES[1:2], "lon": [106.125], "lat": [25.875]}
            ),
        },
    )
    archive = write_zip_with_gbk_names(
        tmp_path / "tables.zip",
        {
            "QZQZ.csv": table.encode("gbk"),
            "gj/points.geojson": points.encode("gbk"),
            "book.xlsx": book.read_bytes(),
        },
        {"QZQZ": "村庄"},
    )
    report, layers = read(archive)

    assert sorted(layers) == ["book:乡镇", "book:村庄", "points", "村庄"]
    assert layer_report(report, "村庄").encoding == "gb18030"
    assert layer_report(report, "points").encoding == "gb18030"
    assert_points(layers["村庄"], VILLAGES, column="名称")
    assert_points(layers["points"], VILLAGES)
    assert_points(layers["book:村庄"], VILLAGES[:1], column="名称")
    assert_points(layers["book:乡镇"], VILLAGES[1:2], column="名称")


# --- archive safety ------------------------------------------------------


@pytest.mark.parametrize(
    "member",
    ["../evil.shp", "data/../../evil.shp", "/tmp/evil.shp", "..\\evil.shp"],
)
def test_zip_member_outside_the_archive_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str
) -> None:
    archive = write_zip(
        tmp_path / "evil.zip", {"ok.geojson": b"{}", member: b"\x00" * 100}
    )
    code, out = inspect_json(capsys, archive)
    assert code == BAD_INPUT
    assert out["layers"] == []
    assert f"'{member}'" in out["error"]
    assert "outside the archive" in out["error"]


def test_zip_bomb_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = write_zip_bomb(tmp_path / "bomb.zip", megabytes=50)
    assert 50 * 1024**2 / archive.stat().st_size > 200

    code, out = inspect_json(capsys, archive)
    assert code == BAD_INPUT
    # 50 MiB = 52,428,800 bytes
    assert "would expand to 52 MB" in out["error"]


def truncated_zip(path: Path) -> Path:
    """A real zip cut in half: its central directory is gone."""
    write_zip(path, {"a.geojson": geojson_text(village_features()).encode()})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize("content", ["text", "truncated"])
def test_corrupt_zip_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    archive = tmp_path / "村庄.zip"
    if content == "text":
        archive.write_text("this was never a zip file")
    else:
        truncated_zip(archive)

    code, out = inspect_json(capsys, archive)
    assert code == BAD_INPUT
    assert out["error"] == (
        "村庄.zip is not a valid zip archive. Zip the files again and retry."
    )


# --- GeoPackage ----------------------------------------------------------


def test_geopackage_with_three_layers(tmp_path: Path) -> None:
    report, layers = read(write_geopackage(tmp_path / "plan.gpkg"))

    assert sorted(layers) == ["lines", "points", "polygons"]
    assert layer_report(report, "lines").source == "plan.gpkg:lines"
    assert_points(layers["points"], VILLAGES)
    assert layers["lines"].family == "line"
    assert_vertices(layers["lines"], ROAD)
    assert layers["polygons"].family == "polygon"
    assert_vertices(layers["polygons"], [*SQUARE, SQUARE[0]])


def test_geopackage_layer_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gpkg = write_geopackage(tmp_path / "plan.gpkg")
    code, out = inspect_json(capsys, gpkg, "--layer", "lines")
    assert code == 0
    (lr,) = out["layers"]
    assert (lr["name"], lr["feature_count"]) == ("lines", 1)
    assert lr["geometry_type"] == "LineString"


def test_geopackage_unknown_layer_lists_the_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gpkg = write_geopackage(tmp_path / "plan.gpkg")
    code, out = inspect_json(capsys, gpkg, "--layer", "roads")
    assert code == BAD_INPUT
    assert "There is no layer 'roads'" in out["error"]
    listed = out["error"].split("Layers found: ")[1].rstrip(".").split(", ")
    assert sorted(listed) == ["lines", "points", "polygons"]


# --- GeoJSON -------------------------------------------------------------


def test_geojson(tmp_path: Path) -> None:
    path = tmp_path / "villages.geojson"
    path.write_text(geojson_text(village_features()), "utf-8")
    report, layers = read(path)

    lr = layer_report(report, "villages")
    assert (lr.feature_count, lr.encoding) == (3, "utf-8")
    assert_points(layers["villages"], VILLAGES)
    assert list(layers["villages"].frame["source_id"]) == [101, 102, 103]


def test_geojson_saved_in_gbk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "villages.geojson"
    path.write_bytes(geojson_text(village_features()).encode("gbk"))
    _, layers = read(path)
    assert_points(layers["villages"], VILLAGES)

    code, out = inspect_json(capsys, path)
    assert code == 0
    assert out["layers"][0]["encoding"] == "gb18030"


def test_geojson_null_geometry_is_rejected_by_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    features = village_features()
    features[1]["geometry"] = None  # id 102, 石门坎乡
    path = tmp_path / "villages.geojson"
    path.write_text(geojson_text(features), "utf-8")

    _, layers = read(path)
    assert_points(layers["villages"], [VILLAGES[0], VILLAGES[2]])

    code, out = inspect_json(capsys, path)
    assert code == 0
    (lr,) = out["layers"]
    assert (lr["feature_count"], lr["kept_count"]) == (3, 2)
    assert findings(lr["rejected"]) == {"empty_geometry": [102]}
    assert lr["rejected"][0]["count"] == 1


def test_geojson_unclosed_ring_is_closed(tmp_path: Path) -> None:
    ring = [list(xy) for xy in SQUARE]
    features = [
        feature(7, "幸福村", {"type": "Polygon", "coordinates": [ring]}),
        feature(
            8, "石门坎乡", {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        ),
    ]
    path = tmp_path / "areas.geojson"
    path.write_text(geojson_text(features), "utf-8")
    report, layers = read(path)

    lr = layer_report(report, "areas")
    assert findings(lr.fixes) == {"closed_ring": [7]}
    assert lr.rejected == []
    closed = [*SQUARE, SQUARE[0]]
    assert_vertices(layers["areas"], closed + closed)


# --- KML and KMZ ---------------------------------------------------------


def write_kml(folder: Path, suffix: str) -> Path:
    """The nested-folder document as .kml, or zipped as doc.kml in .kmz."""
    if suffix == ".kml":
        path = folder / "plan.kml"
        path.write_text(kml_text(), "utf-8")
        return path
    return write_zip(folder / "plan.kmz", {"doc.kml": kml_text().encode()})


@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_kml_one_layer_per_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = write_kml(tmp_path, suffix)
    report, layers = read(path)

    # 项目 holds only folders; 道路与村 is split by geometry family
    assert [lr.name for lr in report.layers] == ["村庄", "道路与村", "规划范围"]
    assert list(layers) == ["村庄", "道路与村_point", "道路与村_line", "规划范围"]
    assert_points(layers["村庄"], VILLAGES, column="Name")
    assert_points(layers["道路与村_point"], VILLAGES[:1], column="Name")
    assert layers["道路与村_line"].family == "line"
    assert_vertices(layers["道路与村_line"], ROAD)
    assert layers["规划范围"].family == "polygon"
    assert_vertices(layers["规划范围"], [*SQUARE, SQUARE[0]])

    # the line is feature 2 of its folder; every height was 0
    mixed = layer_report(report, "道路与村")
    assert findings(mixed.fixes) == {"dropped_z": [1, 2], "split_mixed": [2]}

    # empty KML styling columns are dropped
    for layer in layers.values():
        columns = list(layer.frame.columns)
        assert columns == ["source_id", "Name", "description", "geometry"]

    code, out = inspect_json(capsys, path)
    assert code == 0
    counts = [(lr["name"], lr["kept_count"]) for lr in out["layers"]]
    assert counts == [("村庄", 3), ("道路与村", 2), ("规划范围", 1)]
    fixes = {f["kind"]: f for f in out["layers"][1]["fixes"]}
    split = fixes["split_mixed"]
    assert (split["count"], split["ids"]) == (1, [2])


# --- CSV -----------------------------------------------------------------


def write_csv(
    folder: Path, text: str, *, encoding: str = "utf-8", name: str = "points"
) -> Path:
    path = folder / f"{name}.csv"
    path.write_bytes(text.encode(encoding))
    return path


def excel_csv(header: list[str], rows: list[list[str]], sep: str = ",") -> str:
    """CSV as Excel writes it: cells with quotes quoted, quotes doubled."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def test_csv_lon_lat_decimal(tmp_path: Path) -> None:
    text = csv_text(["name", "lon", "lat"], rows_of(VILLAGES))
    report, layers = read(write_csv(tmp_path, text))

    lr = layer_report(report, "points")
    assert (lr.crs, lr.crs_source) == ("EPSG:4326", "file")
    assert lr.encoding == "utf-8"
    assert_points(layers["points"], VILLAGES)
    # ids are spreadsheet rows: the header is row 1
    assert list(layers["points"].frame["source_id"]) == [2, 3, 4]


# the villages in degrees-minutes-seconds, converted by hand:
# 106°37'48" = 106 + 37/60 + 48/3600 = 106.63
# 26°39'00" = 26.65; 106°07'30" = 106.125; 25°52'30" = 25.875
# 106°05'02.4" = 106 + 0.083333 + 0.000667 = 106.084
# 25°45'03.6" = 25.75 + 0.001 = 25.751
DMS_ROWS = [
    ["幸福村", "106°37'48\"E", "26°39'00\"N"],
    ["石门坎乡", "106°07'30\"E", "25°52'30\"N"],
    ["紫云苗族布依族自治县", "106°05'02.4\"E", "25°45'03.6\"N"],
]


@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_degrees_minutes_seconds(tmp_path: Path, sep: str) -> None:
    text = excel_csv(["名称", "经度", "纬度"], DMS_ROWS, sep)
    _, layers = read(write_csv(tmp_path, text))
    assert_points(layers["points"], VILLAGES, column="名称")


def test_csv_utf8_with_bom(tmp_path: Path) -> None:
    text = "\ufeff" + csv_text(["名称", "经度", "纬度"], rows_of(VILLAGES))
    report, layers = read(write_csv(tmp_path, text))

    lr = layer_report(report, "points")
    assert (lr.encoding, lr.encoding_source) == ("utf-8-sig", "format")
    assert_points(layers["points"], VILLAGES, column="名称")


def test_csv_in_gbk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = excel_csv(["名称", "经度", "纬度"], DMS_ROWS)
    path = write_csv(tmp_path, text, encoding="gbk")
    _, layers = read(path)
    assert_points(layers["points"], VILLAGES, column="名称")

    code, out = inspect_json(capsys, path)
    assert code == 0
    assert out["layers"][0]["encoding"] == "gb18030"


def test_csv_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    rows = [
        [name, str(lon).replace(".", ","), str(lat).replace(".", ",")]
        for name, lon, lat in VILLAGES
    ]
    text = csv_text(["名称", "经度", "纬度"], rows, sep=";")
    _, layers = read(write_csv(tmp_path, text))
    assert_points(layers["points"], VILLAGES, column="名称")


def test_csv_bad_coordinates_rejected_by_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ["幸福村", "106.63", "26.65"],  # row 2
        ["石门坎乡", "东经一百零六", "25.875"],  # row 3: unreadable
        ["紫云苗族布依族自治县", "", "25.751"],  # row 4: empty
        ["新村", "106.1", "25.8"],  # row 5
    ]
    path = write_csv(tmp_path, csv_text(["名称", "lon", "lat"], rows))
    _, layers = read(path)
    expected = [VILLAGES[0], ("新村", 106.1, 25.8)]
    assert_points(layers["points"], expected, column="名称")

    code, out = inspect_json(capsys, path)
    assert code == 0
    (lr,) = out["layers"]
    assert (lr["feature_count"], lr["kept_count"]) == (4, 2)
    assert findings(lr["rejected"]) == {"bad_coordinates": [3, 4]}
    assert lr["rejected"][0]["count"] == 2


def test_csv_swapped_lon_lat_columns(tmp_path: Path) -> None:
    # the "lat" column holds the longitudes (> 90)
    rows = [[name, str(lat), str(lon)] for name, lon, lat in VILLAGES]
    path = write_csv(tmp_path, csv_text(["名称", "lon", "lat"], rows))
    report, layers = read(path)

    lr = layer_report(report, "points")
    assert t("io.columns_swapped", lon="lon", lat="lat") in lr.assumptions
    assert lr.rejected == []
    assert_points(layers["points"], VILLAGES, column="名称")


def test_csv_metres_without_crs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # CGCS2000 3-degree Gauss-Krüger eastings without zone number
    rows = [["幸福村", "500000", "2950000"], ["石门坎乡", "501000", "2951000"]]
    path = write_csv(tmp_path, csv_text(["名称", "x", "y"], rows))

    code, out = inspect_json(capsys, path)
    assert code == BAD_INPUT
    (lr,) = out["layers"]
    assert (lr["crs"], lr["crs_source"]) == (None, "none")
    assert lr["crs_proposals"]
    assert lr["error"]
    # easting 500,000 sits on a central meridian; Guizhou is near 105° E
    assert "EPSG:4544" in lr["crs_proposals"]
    assert "CM 105E" in CRS.from_epsg(4544).name


def test_csv_chinese_survey_order(tmp_path: Path) -> None:
    # X is the northing, Y the easting with zone 35 (CM 105° E) in front
    rows = [["幸福村", "2950000", "35500000"], ["石门坎乡", "2951000", "35501000"]]
    path = write_csv(tmp_path, csv_text(["名称", "X", "Y"], rows))

    report, layers = prepare_source(path, ImportOptions())
    (lr,) = report.layers
    survey = t("io.columns_survey_order", x="X", y="Y")
    assert survey in lr.assumptions
    assert lr.crs_proposals == ["EPSG:4523"]
    assert "zone 35" in CRS.from_epsg(4523).name
    assert layers == []

    # with the zone confirmed: Y - 35,000,000 = 500,000 is the meridian
    _, layers = read(path, crs="EPSG:4523")
    to_lonlat = Transformer.from_crs("EPSG:4523", "EPSG:4326", always_xy=True)
    lon2, lat2 = to_lonlat.transform(35_501_000, 2_951_000)
    _, lat1 = to_lonlat.transform(35_500_000, 2_950_000)
    expected = [("幸福村", 105.0, lat1), ("石门坎乡", lon2, lat2)]
    assert_points(layers["points"], expected, column="名称")


# --- Excel ---------------------------------------------------------------


def test_workbook_with_two_sheets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    villages = pd.DataFrame(
        {
            "名称": NAMES,
            "经度": [lon for _, lon, _ in VILLAGES],
            "纬度": [lat for _, _, lat in VILLAGES],
        }
    )
    water = pd.DataFrame(
        {"名称": ["幸福村水源"], "lon": [DMS_ROWS[0][1]], "lat": [DMS_ROWS[0][2]]}
    )
    book = write_workbook(
        tmp_path / "survey.xlsx", {"村庄": villages, "水源": water}
    )
    report, layers = read(book)

    assert sorted(layers) == ["survey:村庄", "survey:水源"]
    assert layer_report(report, "survey:水源").source == "survey.xlsx:水源"
    assert_points(layers["survey:村庄"], VILLAGES, column="名称")
    water_point = [("幸福村水源", 106.63, 26.65)]
    assert_points(layers["survey:水源"], water_point, column="名称")

    code, out = inspect_json(capsys, book)
    assert code == 0
    assert [lr["kept_count"] for lr in out["layers"]] == [3, 1]


def test_workbook_sheet_without_coordinates_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    villages = pd.DataFrame({"名称": NAMES[:1], "lon": [106.63], "lat": [26.65]})
    notes = pd.DataFrame({"项目": ["道路硬化"], "金额": [12.5]})
    book = write_workbook(
        tmp_path / "plan.xlsx", {"村庄": villages, "说明": notes}
    )

    code, out = inspect_json(capsys, book)
    assert code == 0
    notes_report = [lr for lr in out["layers"] if lr["name"] == "plan:说明"]
    (lr,) = notes_report
    assert lr["error"] is None
    assert (lr["feature_count"], lr["kept_count"]) == (1, 0)
    assert len(lr["warnings"]) == 1
    assert "项目, 金额" in lr["warnings"][0]

    _, layers = read(book)
    assert list(layers) == ["plan:村庄"]


# --- folders -------------------------------------------------------------


def test_folder_with_shapefile_and_geojson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "资料"
    write_shapefile(
        folder / "shp", "villages", village_frame(), encoding="GBK", cpg=None
    )
    road = {"type": "LineString", "coordinates": [list(xy) for xy in ROAD]}
    (folder / "roads.geojson").write_text(
        geojson_text([feature(1, "幸福路", road)]), "utf-8"
    )
    # neither is a layer: they must not stop the others
    (folder / "notes.txt").write_text("说明", "utf-8")
    (folder / "metadata.json").write_text('{"author": "县规划局"}', "utf-8")

    _, layers = read(folder)
    assert sorted(layers) == ["roads", "villages"]
    assert_points(layers["villages"], VILLAGES)
    assert_vertices(layers["roads"], ROAD)

    code, out = inspect_json(capsys, folder)
    assert code == 0
    assert sorted(lr["name"] for lr in out["layers"]) == ["roads", "villages"]


# --- sources that cannot be read -----------------------------------------


def test_missing_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nowhere.shp"
    code, out = inspect_json(capsys, path)
    assert code == BAD_INPUT
    assert out["error"] == f"No file or folder at {path}. Check the path."


def test_unsupported_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "规划说明.docx"
    path.write_bytes(b"PK\x03\x04 not really a document")
    code, out = inspect_json(capsys, path)
    assert code == BAD_INPUT
    assert out["error"].startswith(
        "规划说明.docx: this file type is not supported."
    )


def test_empty_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = write_zip(tmp_path / "empty.zip", {})
    code, out = inspect_json(capsys, archive)
    assert code == BAD_INPUT
    assert out["error"].startswith(f"{archive} holds no layer")


def test_same_named_layers_in_subfolders_can_each_be_chosen(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "survey"
    for year, x in (("2020", 106.1), ("2021", 106.2)):
        (folder / year).mkdir(parents=True)
        gpd.GeoDataFrame(
            {"name": [f"路{year}"]},
            geometry=[shapely.LineString([(x, 25.1), (x, 25.2)])],
            crs="EPSG:4326",
        ).to_file(folder / year / "roads.shp", encoding="UTF-8")

    report, layers = prepare_source(folder)
    names = sorted(lr.name for lr in report.layers)
    assert names == ["2020/roads", "2021/roads"]
    report, layers = prepare_source(folder, ImportOptions(layer="2021/roads"))
    assert list(layers[0].frame["name"]) == ["路2021"]
