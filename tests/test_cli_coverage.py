"""The coverage command over the demo workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gis.cli import main
from gis.demo import build_demo
from gis.workspace import Workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = Workspace(tmp_path_factory.mktemp("cov") / "demo.gpkg")
    build_demo(ws)
    return ws.path


def test_coverage_csv_has_one_row_per_village_and_a_total(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cov.csv"
    code = main(["--lang", "en", "coverage", "--workspace", str(demo),
                 "--area", "liechtenstein", "--road-m", "800",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    for column in ("village_id", "village_name", "population", "road_covered_pct",
                   "water_covered_pct", "school_covered_pct", "clinic_covered_pct",
                   "farmland_mu", "farmland_mu_per_person"):  # fmt: skip
        assert column in table.columns
    assert len(table) == 12 and table["is_total"].sum() == 1
    total = table[table["is_total"]].iloc[0]
    assert total["population"] == pytest.approx(37_370)
    meta = json.loads((tmp_path / "cov.meta.json").read_text(encoding="utf-8"))
    assert "800" in json.dumps(meta)


def test_terrain_without_dem_is_exit_2(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["coverage", "--workspace", str(demo), "--area", "sikkim",
                 "--method", "terrain", "--out", str(tmp_path / "x.csv")])  # fmt: skip
    assert code == 2
    assert "--dem" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_network_method_from_the_command_line(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.json"
    code = main(["coverage", "--workspace", str(demo), "--area", "liechtenstein",
                 "--method", "network", "--out", str(out)])  # fmt: skip
    assert code == 0
    assert (
        json.loads(out.read_text(encoding="utf-8"))["metadata"]["method"] == "network"
    )


@pytest.mark.parametrize(
    "extra", [["--uncovered-out", "u.shp"], ["--uncovered-out", "cov.csv"]]
)
def test_bad_outputs_write_nothing(
    demo: Path, tmp_path: Path, extra: list[str]
) -> None:
    out = tmp_path / "cov.csv"
    argv = ["coverage", "--workspace", str(demo), "--area", "sikkim",
            "--out", str(out), extra[0], str(tmp_path / extra[1])]  # fmt: skip
    assert main(argv) == 2
    assert list(tmp_path.iterdir()) == []


def test_csv_has_no_float_noise(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "li.csv"
    main(["coverage", "--workspace", str(demo), "--area", "liechtenstein",
          "--out", str(out)])  # fmt: skip
    text = out.read_text(encoding="utf-8-sig")
    assert "99999" not in text and "00000" not in text
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table.loc[table["village_name"] == "Triesen", "population"].iloc[0] == 5009


def test_buildings_placed_by_tolerance_are_noted(demo: Path) -> None:
    from gis.coverage import coverage

    result = coverage(Workspace(demo), "liechtenstein")
    assert any(n.startswith("4 buildings outside every village") for n in result.notes)
    assert any("point inside its outline" in n for n in result.notes)
