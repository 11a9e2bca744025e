"""The ``siting`` command: output rows and columns, exit codes.

The command is added to ``python -m gis`` by :func:`add_commands`; here
it is added to the real command line (``gis.cli.main``, which turns bad
input into exit code 2) when it is not there yet. The workspace is a
tiny one built here from layers drawn in metres (``tests.metric_drawing``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from gis import cli
from gis._cli_siting import add_commands
from gis.importer import ImportOptions, prepare_source
from gis.workspace import Workspace
from tests.metric_drawing import lonlat, metric_frame

AREA = "testland"


def _with_siting() -> argparse.ArgumentParser:
    """The real parser, with ``siting`` added if ``gis.cli`` lacks it."""
    parser = ORIGINAL_PARSER()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "siting" not in sub.choices:
        add_commands(sub)
    return parser


ORIGINAL_PARSER = cli._parser


@pytest.fixture(autouse=True)
def siting_command(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cli, "_parser", _with_siting)
    yield


def _file(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """A drawing written as a file (without the ids the import adds)."""
    frame.drop(columns="source_id").to_file(path)
    return path


def _add(ws: Workspace, kind: str, frame: gpd.GeoDataFrame, folder: Path) -> None:
    """Import a frame into the workspace as a layer of ``kind``."""
    path = _file(frame, folder / f"{kind}.geojson")
    report, prepared = prepare_source(path, ImportOptions(kind=kind))
    assert report.ok, report.error
    ws.add_layers(AREA, kind, prepared)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Hazards, a school, a clinic, a market and three settlements."""
    folder = tmp_path_factory.mktemp("sitingcli")
    ws = Workspace(folder / "ws.gpkg")
    _add(ws, "hazards", metric_frame([Point(-700, 100)], name=["slide"]), folder)
    _add(
        ws,
        "facilities",
        metric_frame(
            [Point(100, 1100), Point(100, -900), Point(1100, 100)],
            name=["school", "clinic", "market"],
            facility_type=["school", "clinic", "market"],
        ),
        folder,
    )
    _add(
        ws,
        "settlements",
        metric_frame(
            [Point(-800, 100), Point(-600, 300), Point(3000, 3000)],
            name=["near", "also near", "far"],
            population=[60, 40, 500],
            households=[15, 10, 120],
        ),
        folder,
    )
    return ws


@pytest.fixture(scope="module")
def sites_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sites: A passes everything, B is 100 m from the hazard."""
    path = tmp_path_factory.mktemp("sitesfile") / "sites.geojson"
    frame = metric_frame(
        [box(0, 0, 200, 200), box(-500, 0, -300, 200)], name=["A", "B"]
    )
    return _file(frame, path)


def run(*argv: str) -> int:
    """``python -m gis --lang en siting ...``."""
    return cli.main(["--lang", "en", "siting", *argv])


def test_csv_has_one_row_per_site_with_every_criterion(
    workspace: Workspace,
    sites_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "review.csv"
    code = run(
        "--workspace",
        str(workspace.path),
        "--area",
        AREA,
        "--sites",
        str(sites_file),
        "--movers-near-hazards",
        "500",
        "--out",
        str(out),
    )
    assert code == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"site_id": str})
    assert list(table["name"]) == ["A", "B"] and list(table["rank"]) == [1, 2]
    for key in ("hazard", "slope_mean", "road", "school", "capacity"):
        for part in ("value", "threshold", "result", "note"):
            assert f"{key}_{part}" in table.columns
    a, b = table.iloc[0], table.iloc[1]
    assert a["hazard_value"] == pytest.approx(700.0, abs=1e-3)
    assert b["hazard_value"] == pytest.approx(200.0, abs=1e-3)
    assert b["hazard_result"] == "fail" and a["verdict"] == "pass"
    assert a["slope_mean_result"] == "not_assessed"
    assert a["slope_mean_note"] == "no elevation data"
    assert a["road_note"] == "no roads layer"
    # the two settlements within 500 m of the hazard: 100 people
    assert a["people"] == 100 and a["capacity_threshold"] == pytest.approx(3500.0)
    meta = json.loads((tmp_path / "review.meta.json").read_text("utf-8"))
    assert meta["siting"]["hazard_m"] == 500.0
    printed = capsys.readouterr().out
    assert "1. A: passes all assessed criteria" in printed
    assert "Movers: 2 settlement(s), 100 people." in printed


def test_json_with_movers_from_a_file(
    workspace: Workspace, sites_file: Path, tmp_path: Path
) -> None:
    movers = tmp_path / "movers.geojson"
    _file(metric_frame([Point(5000, 5000)], name=["m"], population=[2000]), movers)
    out = tmp_path / "review.json"
    code = run(
        "--workspace",
        str(workspace.path),
        "--area",
        AREA,
        "--sites",
        str(sites_file),
        "--movers",
        str(movers),
        "--out",
        str(out),
    )
    assert code == 0
    document = json.loads(out.read_text("utf-8"))
    rows = {row["name"]: row for row in document["sites"]}
    # 2,000 people need 70,000 m²: neither 40,000 m² site holds them
    assert rows["A"]["capacity_result"] == "fail"
    assert rows["A"]["capacity_threshold"] == pytest.approx(70_000.0)
    assert len(document["criteria"]) == 2 * 11


def test_pdf_sheets(workspace: Workspace, sites_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    common = ("--workspace", str(workspace.path), "--area", AREA)
    assert run(*common, "--sites", str(sites_file), "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--out": "review.txt"}, "review.txt"),
        ({"--area": "nowhere"}, "nowhere"),
        ({"--sites": "missing.geojson"}, "missing.geojson"),
        ({"--sites": "lines.geojson"}, "point, polygon"),
        ({"--dem": "broken.tif"}, "broken.tif"),
        ({"--movers-near-hazards": "-5"}, "-5"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    workspace: Workspace,
    sites_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, str],
    message: str,
) -> None:
    lines = tmp_path / "lines.geojson"
    gpd.GeoDataFrame(
        {"name": ["L"]},
        crs="EPSG:4326",
        geometry=[lonlat(LineString([(0, 0), (100, 0)]))],
    ).to_file(lines)
    (tmp_path / "broken.tif").write_bytes(b"not a raster")
    options = {
        "--workspace": str(workspace.path),
        "--area": AREA,
        "--sites": str(sites_file),
        "--out": "review.csv",
    } | change
    argv = [item for pair in options.items() for item in pair]
    argv = [
        str(tmp_path / v)
        if v.endswith((".geojson", ".tif", ".csv", ".txt"))
        and not Path(v).is_absolute()
        else v
        for v in argv
    ]
    assert run(*argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "review.csv").exists()


def test_movers_file_and_rule_together_is_a_usage_error(
    workspace: Workspace, sites_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as caught:
        run(
            "--area",
            AREA,
            "--sites",
            str(sites_file),
            "--movers",
            "m.geojson",
            "--movers-near-hazards",
            "300",
            "--out",
            str(tmp_path / "r.csv"),
        )
    assert caught.value.code == 2


def test_features_left_out_of_the_sites_file_are_named(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # two usable sites and one drawn in Liechtenstein, far from the area
    frame = metric_frame([box(0, 0, 200, 200), box(-500, 0, -300, 200)],
                         name=["A", "B"]).to_crs("EPSG:4326")  # fmt: skip
    far = gpd.GeoDataFrame({"name": ["Vaduz"]}, geometry=[Point(9.52, 47.14)],
                           crs="EPSG:4326")  # fmt: skip
    path = tmp_path / "mixed.geojson"
    pd.concat([frame.drop(columns="source_id"), far]).to_file(path)
    out = tmp_path / "r.csv"
    common = ("--workspace", str(workspace.path), "--area", AREA)
    assert run(*common, "--sites", str(path), "--out", str(out)) == 0
    err = capsys.readouterr().err
    assert "note: Sites file: left out 1 feature(s) (#2)" in err
    # and the written review says so too
    meta = json.loads((tmp_path / "r.meta.json").read_text("utf-8"))
    assert any(n.startswith("Sites file: left out 1 feature(s) (#2)")
               for n in meta["notes"])  # fmt: skip
    assert list(pd.read_csv(out, encoding="utf-8-sig")["name"]) == ["A", "B"]


def test_a_sites_file_without_a_crs_asks_for_one_it_can_take(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # site centres in the drawing's metres (EPSG:4544), in a table that
    # names no CRS
    centres = metric_frame([Point(100, 100), Point(-400, 100)], name=["A", "B"])
    centres = centres.to_crs("EPSG:4544")
    path = tmp_path / "sites.csv"
    pd.DataFrame({"name": ["A", "B"], "x": centres.geometry.x,
                  "y": centres.geometry.y}).to_csv(path, index=False)  # fmt: skip
    out = tmp_path / "r.csv"
    common = ("--workspace", str(workspace.path), "--area", AREA, "--out", str(out))
    assert run(*common, "--sites", str(path)) == 2
    err = capsys.readouterr().err
    assert "declares no coordinate reference system" in err
    assert "EPSG:4544" in err and "--sites-crs" in err
    assert not out.exists()
    assert run(*common, "--sites", str(path), "--sites-crs", "EPSG:4544") == 0
    assert list(pd.read_csv(out, encoding="utf-8-sig")["name"]) == ["A", "B"]
