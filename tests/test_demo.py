"""The demo areas shipped in data/boundaries import cleanly and completely.

Reference figures come from the data's SOURCE notes (counts, the 2014
population total, 160.4 km² of municipalities, 967 km of roads).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gis.cli import main
from gis.demo import DATA_DIR, build_demo, demo_layers
from gis.measure import M2_PER_MU, areas_m2, lengths_m
from gis.workspace import Workspace


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace(tmp_path_factory.mktemp("demo") / "demo.gpkg")
    build_demo(ws)
    return ws


def test_every_demo_layer_is_in_the_workspace(demo_ws: Workspace) -> None:
    counts = {(i.area, i.table_name): i.feature_count for i in demo_ws.layers()}
    assert counts == {
        ("liechtenstein", "liechtenstein__villages"): 11,
        ("liechtenstein", "liechtenstein__roads"): 2751,
        ("liechtenstein", "liechtenstein__water__line"): 74,
        ("liechtenstein", "liechtenstein__water__polygon"): 26,
        ("liechtenstein", "liechtenstein__water__point"): 16,
        ("liechtenstein", "liechtenstein__farmland"): 30,
        ("liechtenstein", "liechtenstein__buildings"): 3723,
        ("liechtenstein", "liechtenstein__settlements"): 20,
        ("liechtenstein", "liechtenstein__facilities"): 44,
        ("sikkim", "sikkim__villages"): 394,
        ("sikkim", "sikkim__townships"): 9,
        ("sikkim", "sikkim__settlements"): 1045,
        ("sikkim", "sikkim__facilities"): 1020,
        ("sikkim", "sikkim__hazards__point"): 85,
    }


def test_population_is_joined_to_every_municipality(demo_ws: Workspace) -> None:
    villages = demo_ws.read("liechtenstein", "villages")
    assert villages["population"].notna().all()
    assert int(villages["population"].sum()) == 37_370


def test_measures_match_the_published_figures(demo_ws: Workspace) -> None:
    villages = demo_ws.read("liechtenstein", "villages")
    assert areas_m2(villages).sum() / 1e6 == pytest.approx(160.4, abs=0.1)
    roads = demo_ws.read("liechtenstein", "roads")
    assert lengths_m(roads).sum() / 1e3 == pytest.approx(967, abs=1)


def test_sikkim_settlement_population(demo_ws: Workspace) -> None:
    settlements = demo_ws.read("sikkim", "settlements")
    assert int(settlements["population"].sum()) == 485_504
    assert settlements["population"].isna().sum() == 1


def test_farmland_filter_keeps_only_farmland(demo_ws: Workspace) -> None:
    farmland = demo_ws.read("liechtenstein", "farmland")
    assert areas_m2(farmland).sum() / 1e6 == pytest.approx(0.57, abs=0.01)
    # the source's flag picked the parcels; the land class decides what
    # coverage counts (farmyards and meadows are not basic farmland)
    assert "is_farmland" not in farmland
    by_class = farmland.assign(m2=areas_m2(farmland)).groupby("land_class")["m2"].sum()
    assert by_class["farmyard"] / M2_PER_MU == pytest.approx(451.9, abs=0.1)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in DATA_DIR.rglob("*") if p.suffix in {".geojson", ".csv"}),
    ids=lambda p: p.name,
)
def test_inspect_works_on_every_shipped_file(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "error" not in report
    for layer in report["layers"]:
        assert layer["rejected"] == []


def test_manifest_names_only_shipped_files() -> None:
    for entry in demo_layers():
        assert entry.file.is_file(), entry.file
    assert (DATA_DIR / "SOURCES.md").is_file()
