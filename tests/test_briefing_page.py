"""The Briefing page, driven through Streamlit's AppTest on the
hand-worked programme of tests/test_briefing.py."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis import fonts
from gis._brief_pdf import page_count
from gis.i18n import use_language
from gis.workspace import ENV_VAR
from tests.records_fixtures import HAPPY
from tests.test_briefing import build_programme

try:  # a fresh machine without root may lack one: say so, do not fail
    fonts.cjk_font()
except fonts.FontMissingError as missing:
    pytest.skip(str(missing), allow_module_level=True)

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "briefing.py")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_programme(tmp_path_factory.mktemp("page") / "ws.gpkg")


@pytest.fixture
def page(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The page on a private copy of the programme, in Chinese."""
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(built, path)
    monkeypatch.setenv(ENV_VAR, str(path))
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    with use_language("zh"):
        yield


def test_any_day_of_the_programme_can_be_chosen(page: AppTest) -> None:
    (day,) = page.date_input
    # from the first change to today, a day on which nothing changed too
    assert day.proto.min == "2025-03-01"
    assert day.proto.max == dt.date.today().isoformat()
    assert day.value == dt.date.today()
    day.set_value(dt.date(2025, 6, 30)).run()
    assert not page.exception
    assert page.date_input[0].value == dt.date(2025, 6, 30)
    assert page.radio(key="brief_measure::widget::zh").value == "quantities"


def test_the_map_comes_with_the_figures_it_stands_for(page: AppTest) -> None:
    captions = " ".join(c.value for c in page.caption)
    assert "纳入规划的村：" in captions and "项目预算：" in captions
    assert "资金规则问题：" in captions


def test_one_section_at_a_time_the_map_first(page: AppTest) -> None:
    # the map is never drawn in a hidden tab (it would stay blank)
    assert not page.tabs
    assert page.radio(key="brief_section::widget::zh").value == "map"
    assert page.get("button")[0].proto.label == "生成地图文件"
    page.radio(key="brief_section::widget::zh").set_value("atlas").run()
    keys = [b.key for b in page.button]
    assert "brief_make_atlas" in keys and "brief_prepare_map" not in keys


def test_map_files_are_made_on_demand(page: AppTest) -> None:
    assert not page.get("download_button")
    page.button(key="brief_prepare_map").click().run()
    assert not page.exception
    labels = [b.proto.label for b in page.get("download_button")]
    assert labels[:3] == ["下载地图（PNG）", "下载地图（PDF）", "下载交互地图（HTML）"]


def test_atlas_with_its_progress(page: AppTest) -> None:
    page.date_input[0].set_value(dt.date(2025, 7, 1)).run()
    page.radio(key="brief_section::widget::zh").set_value("atlas").run()
    page.button(key="brief_make_atlas").click().run()
    assert not page.exception
    labels = [b.proto.label for b in page.get("download_button")]
    assert "下载图集（PDF，3 页）" in labels


def test_noticeboard_of_a_village(page: AppTest) -> None:
    page.radio(key="brief_section::widget::zh").set_value("notice").run()
    village = page.selectbox(key="brief_nb_village::望谟")
    assert village.value == HAPPY
    page.button(key="brief_make_notice").click().run()
    assert not page.exception
    labels = [b.proto.label for b in page.get("download_button")]
    assert labels == ["下载公示栏（PDF）", "下载公示栏（HTML）"]


def test_a_project_notice_says_which_stage_it_is(page: AppTest, built: Path) -> None:
    from gis.records import RecordStore

    page.radio(key="brief_section::widget::zh").set_value("notice").run()
    projects = RecordStore(built).snapshot().of("project", village_id=HAPPY)
    assert projects
    for project in projects:
        stage = "验收后公示" if project["status"] == "accepted" else "建设前公示"
        box = page.selectbox(key=f"brief_nb_project::{HAPPY}")
        box.set_value(project["id"]).run()
        captions = " ".join(c.value for c in page.caption)
        assert f"因此生成{stage}" in captions, project["status"]
        page.button(key="brief_make_notice").click().run()
        assert not page.exception
        assert len(page.get("download_button")) == 2


def test_page_count_reads_matplotlib_pdfs() -> None:
    assert page_count(b"<< /Type /Pages /Kids [] >> << /Type /Page >>") == 1


def test_the_choices_outlive_a_language_switch(
    page: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.radio(key="brief_measure::widget::zh").set_value("spending").run()
    page.radio(key="brief_section::widget::zh").set_value("atlas").run()
    monkeypatch.setenv("GIS_LANG", "en")  # the page's runs switch to English
    page.run()
    assert not page.exception
    # the English widgets start from the choices made in Chinese
    assert page.session_state["brief_measure::widget::en"] == "spending"
    assert page.session_state["brief_section::widget::en"] == "atlas"
    assert "brief_make_atlas" in [b.key for b in page.button]
    assert page.radio(key="brief_section::widget::en").proto.options[1] == "Atlas"
