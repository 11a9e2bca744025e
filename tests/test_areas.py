"""One way to name an area everywhere: by key or title, with the same
message for a missing workspace or an unknown area on every command."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from gis.areas import resolve_area
from gis.cli import main
from gis.errors import InputError, WorkspaceError
from gis.i18n import use_language
from gis.importer import PreparedLayer
from gis.report import LayerReport
from gis.workspace import Workspace
from tests.metric_drawing import METRIC, metric_frame


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws.gpkg")
    frame = metric_frame([shapely.box(0, 0, 1000, 1000)], name=["外村"])
    report = LayerReport(name="villages", source="test", crs=METRIC)
    for area in ("liechtenstein", "sikkim"):
        ws.add_layers(area, "villages", [PreparedLayer("v", "polygon", frame, report)])
    return ws


def test_areas_by_key_or_display_name(ws: Workspace) -> None:
    for name, key in (
        ("sikkim", "sikkim"),
        ("Sikkim", "sikkim"),
        ("列支敦士登", "liechtenstein"),
        ("列支敦士登（OpenStreetMap 2013）", "liechtenstein"),
        ("Liechtenstein (OpenStreetMap 2013)", "liechtenstein"),
        ("印度锡金邦", "sikkim"),
    ):
        assert resolve_area(ws, name) == key, name


@pytest.mark.parametrize("name", ["atlantis", "!!", " "])
def test_an_unknown_area_lists_the_known_ones(ws: Workspace, name: str) -> None:
    with use_language("en"), pytest.raises(InputError) as caught:
        resolve_area(ws, name)
    assert str(caught.value) == (
        f"The workspace has no area '{name}'. Its areas are: liechtenstein, sikkim."
    )


def test_a_missing_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    with use_language("en"), pytest.raises(WorkspaceError, match="python -m gis demo"):
        resolve_area(Workspace(tmp_path / "none.gpkg"), "sikkim")
    assert not (tmp_path / "none.gpkg").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["coverage", "--out", "{tmp}/c.csv"],
        ["siting", "--sites", "{tmp}/sites.geojson", "--out", "{tmp}/s.csv"],
        ["export", "--kind", "villages", "--format", "shp", "--out", "{tmp}/v.zip"],
        ["brief", "--date", "2025-01-01", "--out", "{tmp}/b.pdf"],
        ["atlas", "--out", "{tmp}/a.pdf"],
        ["check", "funds"],
    ],
    ids=lambda argv: argv[0],
)
def test_every_command_names_the_unknown_area(
    ws: Workspace, tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.format(tmp=tmp_path) for a in argv]
    where = ["--area", "atlantis", "--workspace", str(ws.path)]
    code = main(["--lang", "en", *args, *where])
    err = capsys.readouterr().err
    assert code == 2
    assert "no area 'atlantis'. Its areas are: liechtenstein, sikkim." in err
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("ws.gpkg")]
