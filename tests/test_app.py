"""Page logic of the app, through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis.importer import ImportOptions, prepare_source
from gis.workspace import ENV_VAR, Workspace

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_empty_workspace_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "none.gpkg"))
    at = AppTest.from_file(APP).run(timeout=30)
    assert not at.exception
    assert "python -m gis demo" in at.warning[0].value


def test_layers_are_listed_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(__file__).resolve().parent.parent / "data/boundaries/sikkim"
    ws = Workspace(tmp_path / "ws.gpkg")
    _, layers = prepare_source(
        path / "villages.geojson", ImportOptions(kind="villages")
    )
    ws.add_layers("sikkim", "villages", layers)
    monkeypatch.setenv(ENV_VAR, str(ws.path))

    at = AppTest.from_file(APP).run(timeout=30)
    assert not at.exception
    assert at.title[0].value == "整村推进规划地图"
    table = at.dataframe[0].value
    assert list(table["区域"]) == ["印度锡金邦（人口普查村界、PMGSY）"]
    assert list(table["图层类型"]) == ["村界"] and list(table["要素数"]) == [394]

    at.sidebar.radio[0].set_value("en").run(timeout=30)
    assert at.title[0].value == "Whole-village planning map"
    assert list(at.dataframe[0].value["Features"]) == [394]
