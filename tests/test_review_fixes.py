"""Bugs found by trying the tool as a planner would, pinned."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Transformer

from gis.cli import main
from gis.importer import ImportOptions, prepare_source
from gis.workspace import Workspace
from tests.conftest import WANGMO, WriteLayer


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["--lang", "en", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_two_same_family_layers_of_one_file_are_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    x, y = WANGMO
    path = tmp_path / "wells.gpkg"
    for layer, n in (("村一", 2), ("村二", 1)):
        gpd.GeoDataFrame(
            {"name": [f"{layer}井{i}" for i in range(n)]},
            geometry=[shapely.Point(x + i / 100, y) for i in range(n)],
            crs="EPSG:4326",
        ).to_file(path, layer=layer)
    ws = tmp_path / "ws.gpkg"
    code, _ = _run(capsys, "import", str(path), "--kind", "water",
                   "--area", "a", "--workspace", str(ws))  # fmt: skip
    assert code == 0
    assert sorted(Workspace(ws).read("a", "water")["name"]) == [
        "村一井0", "村一井1", "村二井0"
    ]  # fmt: skip


def test_replacing_is_announced_and_append_keeps(
    tmp_path: Path, write_layer: WriteLayer, capsys: pytest.CaptureFixture[str]
) -> None:
    x, y = WANGMO
    first = write_layer("a.gpkg", [shapely.Point(x, y)] * 5)
    second = write_layer("b.gpkg", [shapely.Point(x, y)] * 2)
    ws = str(tmp_path / "ws.gpkg")
    common = ["--kind", "water", "--area", "a", "--workspace", ws]
    _run(capsys, "import", str(first), *common)
    _, out = _run(capsys, "import", str(second), *common)
    assert any("5 features" in n for n in out["notes"])
    assert len(Workspace(ws).read("a", "water")) == 2
    _run(capsys, "import", str(first), *common, "--append")
    assert len(Workspace(ws).read("a", "water")) == 7


def test_workspace_keeps_its_file_mode(tmp_path: Path, write_layer: WriteLayer) -> None:
    ws = Workspace(tmp_path / "ws.gpkg")
    _, layers = prepare_source(write_layer("a.gpkg", [shapely.Point(*WANGMO)]))
    ws.add_layers("a", "water", layers)
    ws.path.chmod(0o644)
    ws.add_layers("a", "water", layers)
    assert stat.S_IMODE(ws.path.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(39.47, 75.99), (27.33, 88.61)],  # Kashgar, Sikkim written (lat, lon)
    ids=["kashgar", "sikkim"],
)
def test_swapped_degrees_below_90_are_caught(
    tmp_path: Path, lon: float, lat: float
) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"经度,纬度\n{lon},{lat}\n{lon + 0.01},{lat}\n", encoding="utf-8")
    report, layers = prepare_source(path)
    assert layers == [] and "--swap-xy" in (report.error or "")
    report, layers = prepare_source(path, ImportOptions(swap_xy=True))
    assert layers[0].frame.geometry[0].x == pytest.approx(lat)


@pytest.mark.parametrize(
    ("text", "word"),
    [("", "could not be read"), ("lon,lat\n106.1,25.2\n106.2,25.3,9,9\n", "")],
    ids=["empty", "ragged"],
)
def test_broken_csv_gives_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, word: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    code, out = _run(capsys, "inspect", str(path))
    assert code == 2 and out["error"]


def test_bad_where_and_where_on_table(
    tmp_path: Path, write_layer: WriteLayer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_layer("a.gpkg", [shapely.Point(*WANGMO)])
    code, out = _run(capsys, "inspect", str(path), "--where", "户数 >>> 1")
    assert code == 2 and out["error"]
    csv = tmp_path / "w.csv"
    csv.write_text("lon,lat\n106.1,25.2\n", encoding="utf-8")
    code, out = _run(capsys, "inspect", str(csv), "--where", "a = 1")
    assert code == 2 and "--where" in out["error"]


def test_unusable_workspace_path_gives_exit_2(
    tmp_path: Path, write_layer: WriteLayer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_layer("a.gpkg", [shapely.Point(*WANGMO)])
    fake = tmp_path / "notes.gpkg"
    fake.write_text("not a database", encoding="utf-8")
    code, out = _run(capsys, "import", str(path), "--kind", "water",
                     "--workspace", str(fake))  # fmt: skip
    assert code == 2 and "workspace" in out["error"]
    assert fake.read_text(encoding="utf-8") == "not a database"


def test_datum_without_known_shift_is_warned(write_layer: WriteLayer) -> None:
    # Xian 1980 3-degree GK, CM 105E: PROJ knows no shift to WGS 84
    tr = Transformer.from_crs(4326, 2381, always_xy=True)
    pts = [shapely.Point(*tr.transform(*WANGMO))]
    report, layers = prepare_source(write_layer("x80.gpkg", pts, crs="EPSG:2381"))
    assert layers and any("100 m" in w for w in report.layers[0].warnings)


def test_help_follows_lang(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    assert "inspect and import geodata" in capsys.readouterr().out


def test_one_absurd_coordinate_does_not_sink_the_layer(
    write_layer: WriteLayer,
) -> None:
    geoms = [shapely.Point(*WANGMO), shapely.Point(1e300, 25.0)]
    report, layers = prepare_source(write_layer("g.gpkg", geoms))
    lr = report.layers[0]
    assert lr.error is None and len(layers[0].frame) == 1
    assert [(f.kind, f.ids) for f in lr.rejected] == [("absurd_coordinates", [2])]


def test_web_datum_outside_china_moves_nothing_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "vaduz.csv"
    path.write_text("lon,lat\n9.52,47.14\n", encoding="utf-8")
    report, layers = prepare_source(path, ImportOptions(source_datum="gcj02"))
    point = layers[0].frame.geometry[0]
    assert (point.x, point.y) == (9.52, 47.14)
    assert any("outside China" in w for w in report.layers[0].warnings)


def test_shapefile_without_shx_and_empty_file_get_plain_messages(
    tmp_path: Path, write_layer: WriteLayer
) -> None:
    shp = write_layer("roads.shp", [shapely.Point(*WANGMO)])
    shp.with_suffix(".shx").unlink()
    report, _ = prepare_source(shp)
    assert ".shx file is missing" in (report.error or "")
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    report, _ = prepare_source(empty)
    assert "empty or is not the format" in (report.error or "")


def test_copies_left_by_a_killed_writer_are_removed(
    tmp_path: Path, write_layer: WriteLayer
) -> None:
    ws = Workspace(tmp_path / "ws.gpkg")
    _, layers = prepare_source(write_layer("a.gpkg", [shapely.Point(*WANGMO)]))
    ws.add_layers("a", "water", layers)
    stale = tmp_path / ".ws-abc123.gpkg"
    stale.write_bytes(b"half a write")
    ws.add_layers("a", "water", layers)
    assert not stale.exists()
    assert len(ws.read("a", "water")) == 1


def test_cgcs2000_gets_no_datum_shift_warning(write_layer: WriteLayer) -> None:
    tr = Transformer.from_crs(4326, 4545, always_xy=True)
    pts = [shapely.Point(*tr.transform(107.5, 26.5))]
    report, layers = prepare_source(write_layer("g.gpkg", pts, crs="EPSG:4545"))
    assert layers and not any("100 m" in w for w in report.layers[0].warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("centre refferal hospital cum Sikkim Manipal University degree College",
         "hospital"),
        ("health and wellness center temi", "clinic"),
        ("Primary health facility", "clinic"),
        ("Jawahar Navodaya Vidyalaya", "school"),
        ("High Scool", "school"),
        ("Govt. Degree College", "college"),
        ("Veterinary hospital", "veterinary"),
    ],
)  # fmt: skip
def test_sikkim_facility_descriptions_are_classed_for_coverage(
    text: str, expected: str
) -> None:
    from layers import get_kind

    assert get_kind("facilities").canonical_value("facility_type", text) == expected


def test_a_file_with_its_own_source_ids_reads_back(write_layer: WriteLayer) -> None:
    # a layer exported by this program carries source_id: it is kept
    points = [shapely.Point(WANGMO), shapely.Point(WANGMO[0] + 0.01, WANGMO[1])]
    path = write_layer("hz.geojson", points, source_id=["12", "40"], name=["a", "b"])
    _, (layer,) = prepare_source(path, ImportOptions(kind="hazards"))
    assert list(layer.frame["source_id"]) == ["12", "40"]
    assert list(layer.frame["name"]) == ["a", "b"]

    # repeated ids cannot serve: the column is kept under another name
    path = write_layer("dup.geojson", points, source_id=["7", "7"])
    _, (layer,) = prepare_source(path, ImportOptions(kind="hazards"))
    assert list(layer.frame["source_id"]) == [0, 1]
    assert list(layer.frame["source_id_in_file"]) == ["7", "7"]


def test_coverage_notes_give_the_thresholds_and_what_counted(
    tmp_path: Path, demo_layers_gpkg: Path
) -> None:
    import shutil

    from gis.coverage import coverage, load_profile

    path = tmp_path / "demo.gpkg"
    shutil.copyfile(demo_layers_gpkg, path)
    result = coverage(Workspace(path), "sikkim", profile=load_profile(school_m=4500))
    assert result.notes[1] == (
        "Within reach means at most: all-weather road 500 m (no layer), safe water"
        " 800 m (no layer), school 4,500 m (221 counted), clinic 3,000 m"
        " (61 counted); farmland target 1 mu per person."
    )
