"""Exports keep every character and every feature."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from gis.cli import main
from gis.errors import InputError
from gis.export import export_layer
from gis.importer import ImportOptions, prepare_source
from gis.workspace import Workspace
from tests.conftest import WANGMO

NAMES = ["幸福村", "石门坎村", "紫云苗族布依族自治县新村"]


@pytest.fixture
def layer() -> gpd.GeoDataFrame:
    x, y = WANGMO
    return gpd.GeoDataFrame(
        {
            "name": NAMES,
            "所属乡镇名称": ["打易镇", "乐元镇", "桑郎镇"],
            "所属乡镇代码": ["522326101", "522326102", "522326103"],
            "population": [812, 1203, 97],
        },
        geometry=[shapely.Point(x + i / 100, y) for i in range(3)],
        crs="EPSG:4326",
    )


def test_zipped_shapefile_keeps_chinese_and_renames_openly(
    tmp_path: Path, layer: gpd.GeoDataFrame
) -> None:
    data, filename, notes = export_layer(layer, "shp", name="村")
    assert filename == "村.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("村.cpg").decode().strip().upper() == "UTF-8"
        zf.extractall(tmp_path)
    back = pyogrio.read_dataframe(tmp_path / "村.shp")
    assert list(back["name"]) == NAMES
    # two Chinese names share their first 3 characters (9 bytes): both kept
    assert {"所属乡", "所属_1"} <= set(back.columns)
    assert sorted(back["所属乡"]) == ["乐元镇", "打易镇", "桑郎镇"]
    assert len(notes) == 2 and all("10 bytes" in n for n in notes)


def test_exported_shapefile_imports_back_unchanged(
    tmp_path: Path, layer: gpd.GeoDataFrame
) -> None:
    data, _, _ = export_layer(layer, "shp", name="villages")
    path = tmp_path / "villages.zip"
    path.write_bytes(data)
    report, layers = prepare_source(path, ImportOptions(kind="settlements"))
    assert report.ok and report.layers[0].encoding == "utf-8"
    frame = layers[0].frame
    assert list(frame["name"]) == NAMES
    got = shapely.get_coordinates(frame.geometry.values)
    want = shapely.get_coordinates(layer.geometry.values)
    assert abs(got - want).max() < 1e-9


def test_too_long_text_is_refused_for_shapefile(layer: gpd.GeoDataFrame) -> None:
    layer.loc[0, "name"] = "村" * 100  # 300 bytes in UTF-8
    with pytest.raises(InputError, match="254"):
        export_layer(layer, "shp", name="x")


def test_csv_opens_in_excel_with_chinese(layer: gpd.GeoDataFrame) -> None:
    data, filename, _ = export_layer(layer, "csv", name="x")
    assert data.startswith(b"\xef\xbb\xbf") and filename == "x.csv"
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table["name"]) == NAMES
    assert table["lon"].tolist() == pytest.approx(
        [WANGMO[0] + i / 100 for i in range(3)]
    )
    assert table["wkt"][0].startswith("POINT")


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_gpkg_and_geojson_round_trip(
    tmp_path: Path, layer: gpd.GeoDataFrame, fmt: str
) -> None:
    data, filename, notes = export_layer(layer, fmt, name="村")
    path = tmp_path / filename
    path.write_bytes(data)
    back = pyogrio.read_dataframe(path)
    assert list(back["所属乡镇名称"]) == ["打易镇", "乐元镇", "桑郎镇"]
    assert notes == []


def test_unknown_format(layer: gpd.GeoDataFrame) -> None:
    with pytest.raises(InputError, match="kml"):
        export_layer(layer, "kml", name="x")


def test_cli_export(tmp_path: Path, layer: gpd.GeoDataFrame) -> None:
    src = tmp_path / "in.gpkg"
    layer.to_file(src)
    ws = Workspace(tmp_path / "ws.gpkg")
    _, prepared = prepare_source(src, ImportOptions(kind="settlements"))
    ws.add_layers("a", "settlements", prepared)
    out = tmp_path / "out.geojson"
    base = ["export", "--workspace", str(ws.path), "--area", "a"]
    code = main([*base, "--kind", "settlements", "--format", "geojson",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    assert list(gpd.read_file(out)["name"]) == NAMES
    missing = main([*base, "--kind", "roads", "--format", "csv",
                    "--out", str(out)])  # fmt: skip
    assert missing == 2
