"""The coverage choropleth and the Coverage page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gis.coverage import coverage
from gis.coveragemap import colour_for, coverage_map, indicator_values
from gis.demo import build_demo
from gis.errors import InputError
from gis.i18n import use_language
from gis.workspace import ENV_VAR, Workspace

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace(tmp_path_factory.mktemp("covpage") / "demo.gpkg")
    build_demo(ws)
    return ws


def test_colour_bins() -> None:
    assert colour_for(0.0) == "#d73027"
    assert colour_for(25.0) == "#d73027"
    assert colour_for(25.1) == "#fc8d59"
    assert colour_for(100.0) == "#4575b4"
    assert colour_for(float("nan")) == "#bdbdbd"


def test_choropleth_has_every_village_and_the_uncovered(demo: Workspace) -> None:
    result = coverage(demo, "sikkim")
    html = coverage_map(result, "school", basemap="none").get_root().render()
    assert html.count('"name":') >= 394
    assert "vp-choropleth" in html and "vp-uncovered" in html
    values = indicator_values(result, "school")
    assert len(values) == 394
    with pytest.raises(InputError):
        indicator_values(result, "bus")


def test_one_villages_uncovered_are_highlighted(demo: Workspace) -> None:
    result = coverage(demo, "sikkim")
    fails = result.uncovered[result.uncovered["fails_school"].astype(bool)]
    village = fails["village_id"].value_counts().index[0]
    expected = int((fails["village_id"] == village).sum())
    html = coverage_map(result, "school", basemap="none", village=village)
    text = html.get_root().render()
    assert text.count('"className": "vp-uncovered-chosen"') == expected
    assert (
        coverage_map(result, "school", basemap="none")
        .get_root()
        .render()
        .count("vp-uncovered-chosen")
        == 0
    )


@pytest.fixture
def chinese() -> Iterator[None]:
    with use_language("zh"):
        yield


def test_coverage_page_runs(
    demo: Workspace, monkeypatch: pytest.MonkeyPatch, chinese: None
) -> None:
    monkeypatch.setenv(ENV_VAR, str(demo.path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/coverage.py").run()
    assert not at.exception
    at.button(key="run_coverage").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 12  # 11 municipalities and the total
    assert table["人口（人）"].iloc[-1] == pytest.approx(37_370)
    assert table["人口来源"].iloc[0] == "按建筑估算"


def test_choropleth_has_one_legend(demo: Workspace) -> None:
    from gis._maplegend import _Legend

    fmap = coverage_map(coverage(demo, "liechtenstein"), "road", basemap="none")
    legends = [c for c in fmap._children.values() if isinstance(c, _Legend)]
    assert len(legends) == 1 and "0–25 %" in legends[0].html


def test_network_method_runs_from_the_page(
    demo: Workspace, monkeypatch: pytest.MonkeyPatch, chinese: None
) -> None:
    monkeypatch.setenv(ENV_VAR, str(demo.path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/coverage.py").run()
    at.selectbox(key="cov_method::widget::zh").set_value("network").run()
    at.sidebar.selectbox[0].set_value("liechtenstein").run()
    at.button(key="run_coverage").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "沿路网" in captions
    assert "无论采用哪种算法，到道路和水源的距离均为直线距离" in captions
    listing = at.dataframe[1].value
    assert "学校不可达原因" in listing.columns
    assert "距最近道路（任意等级，米）" in listing.columns


def test_terrain_needs_a_dem_before_it_runs(
    demo: Workspace, monkeypatch: pytest.MonkeyPatch, chinese: None
) -> None:
    monkeypatch.setenv(ENV_VAR, str(demo.path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/coverage.py").run()
    at.selectbox(key="cov_method::widget::zh").set_value("terrain").run()
    assert not at.exception
    assert any("上传 GeoTIFF" in w.value for w in at.warning)
    assert at.button(key="run_coverage").disabled


@pytest.mark.parametrize(
    ("metres", "unreachable", "text"),
    [
        (812.4, None, "812"),
        (float("inf"), None, "none of these in the area"),
        (float("nan"), "off_road", "more than the snap limit from every road"),
        (float("inf"), "no_route", "no route on the network"),
    ],
)
def test_uncovered_tooltips_say_why(
    metres: float, unreachable: str | None, text: str
) -> None:
    from gis.coveragemap import _reach_text

    assert text in _reach_text(metres, unreachable)


def test_tables_show_a_dash_for_missing_values_and_round_for_display() -> None:
    from app_pages.coverage import _shown

    table = pd.DataFrame({"population": [5009, 12],
                          "road_covered_pct": [99.5333, np.nan],
                          "distance_to_road_m": [1234.44, 5.0]})  # fmt: skip
    with use_language("en"):
        styled = _shown(table, {"distance_to_road_m": 0})
        html = styled.to_html()
    assert ">—<" in html and "None" not in html and "nan" not in html
    assert ">99.5<" in html and ">1,234<" in html and ">5,009<" in html
    assert styled.data.columns[0] == "Population (people)"
    assert styled.data.iloc[:, 1].dtype == float  # still sorts as numbers
