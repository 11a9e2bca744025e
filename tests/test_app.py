"""Page logic of the app, through Streamlit's AppTest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis.demo import build_demo
from gis.i18n import use_language
from gis.workspace import ENV_VAR, Workspace

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    """The app starts in Chinese; AppTest formats widget values in the
    test's own thread, so the test must speak the app's language."""
    with use_language("zh"):
        yield


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = Workspace(tmp_path_factory.mktemp("app") / "demo.gpkg")
    build_demo(ws)
    return ws.path


@pytest.fixture
def demo_env(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(demo_path))
    return demo_path


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def test_empty_workspace_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "none.gpkg"))
    at = _app().run()
    assert not at.exception
    assert "python -m gis demo" in at.warning[0].value


def test_map_page_lists_areas_and_finds_a_village(demo_env: Path) -> None:
    at = _app().run()
    assert not at.exception
    area = at.sidebar.selectbox(key="area::widget::zh")
    assert area.options == [
        "列支敦士登（OpenStreetMap 2013）",
        "印度锡金邦（人口普查村界、PMGSY）",
    ]
    at.sidebar.text_input(key="village_query::liechtenstein").input("vadu").run()
    pick = at.sidebar.selectbox(key="village::liechtenstein::pick::zh")
    assert [o.split(" (")[0] for o in pick.options] == ["Vaduz"]
    pick.select_index(0).run()
    assert not at.exception
    assert "Vaduz" in at.subheader[0].value
    assert "5,425" in " ".join(map(str, at.table[0].value.iloc[:, 0]))


def test_language_and_area_outlive_a_reload(demo_env: Path) -> None:
    at = _app().run()
    at.sidebar.radio(key="lang").set_value("en").run()
    with use_language("en"):
        at.sidebar.selectbox(key="area::widget::en").select_index(1).run()
    assert (at.query_params["lang"], at.query_params["area"]) == ("en", "sikkim")

    # a reload: a new session that starts from the address
    again = _app()
    again.query_params["lang"] = "en"
    again.query_params["area"] = "sikkim"
    with use_language("en"):
        again.run()
        assert not again.exception
        assert again.session_state["lang"] == "en"
        assert again.sidebar.selectbox(key="area::widget::en").value == "sikkim"


def test_a_map_click_replaces_the_sidebar_choice(demo_env: Path) -> None:
    at = _app().run()
    at.sidebar.text_input(key="village_query::liechtenstein").input("vadu").run()
    at.sidebar.selectbox(key="village::liechtenstein::pick::zh").select_index(0).run()
    vaduz = at.session_state["village::liechtenstein"]

    # what a click on another village does: the page stores its id
    at.sidebar.text_input(key="village_query::liechtenstein").input("").run()
    others = at.sidebar.selectbox(key="village::liechtenstein::pick::zh")
    triesen = next(o for o in others.options if o.startswith("Triesenberg"))
    at.session_state["village::liechtenstein"] = _id_of(at, "Triesenberg")
    at.run()
    assert at.session_state["village::liechtenstein"] != vaduz
    assert at.subheader[0].value.startswith("Triesenberg")
    shown = at.sidebar.selectbox(key="village::liechtenstein::pick::zh")
    assert shown.value == triesen


def test_switching_area_does_not_carry_the_village_over(demo_env: Path) -> None:
    at = _app().run()
    at.session_state["village::liechtenstein"] = _id_of(at, "Triesenberg")
    at.run()
    assert at.subheader[0].value.startswith("Triesenberg")
    at.sidebar.selectbox(key="area::widget::zh").select_index(1).run()
    assert not at.exception
    assert not at.subheader  # no village chosen in Sikkim yet
    assert "点击" in at.info[0].value


def _id_of(at: AppTest, name: str) -> object:
    from gis import villages

    table = villages.village_table(Workspace(), "liechtenstein")
    return table.loc[table["name"] == name, "source_id"].iloc[0]


def test_layers_page_in_both_languages(demo_env: Path) -> None:
    at = _app()
    at.switch_page("app_pages/layers.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 14 and "要素数" in table.columns
    at.sidebar.radio(key="lang").set_value("en").run()
    assert "Features" in at.dataframe[0].value.columns


def test_data_page_offers_every_export_format(demo_env: Path) -> None:
    at = _app()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert at.radio(key="export_fmt").options == [
        "GeoPackage 文件", "GeoJSON 文件", "Shapefile 压缩包（.zip，UTF-8）",
        "CSV 表格（Excel）",
    ]  # fmt: skip


def test_text_from_the_data_is_never_read_as_markdown() -> None:
    from app_pages.common import md

    assert md("a *b* | c") == "a \\*b\\* \\| c"
    assert md("<script>") == "\\<script\\>"
    assert md("1. first\n- second\n  + third") == "1\\. first\n\\- second\n  \\+ third"
    assert md("4,000.50 元 (Tom's)") == "4,000.50 元 (Tom's)"
