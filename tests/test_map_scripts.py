"""Maps as the browser runs them: every layer named in a script exists.

st_folium renders each element's script on its own and renames the
elements of the map it is given; a layer named before (or without)
its definition stops the whole script, and the browser shows no map.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import folium
import pytest
import streamlit_folium

from app_pages.common import show_map
from gis import briefing
from gis._brief_html import progress_map
from gis.coverage import coverage
from gis.coveragemap import coverage_map
from gis.workspace import Workspace

# variables folium makes for layers: kind, then 32 hexadecimal digits
LAYER_VAR = re.compile(
    r"\b(?:geo_json|feature_group|circle_marker|poly_line)_[0-9a-f]{32}\b"
)


def _undefined_before_use(script: str) -> list[str]:
    """Layer variables used before their ``var`` (or never defined)."""
    wrong = []
    for name in sorted(set(LAYER_VAR.findall(script))):
        defined = script.find(f"var {name} ")
        used = re.search(rf"\b{name}\b", script)
        if defined < 0 or (used is not None and used.start() < defined + len("var ")):
            wrong.append(name)
    return wrong


def _browser_script(fmap: folium.Map) -> str:
    """The script st_folium sends to the browser for ``fmap``."""
    fmap.get_root().render()
    fmap.render()
    return str(streamlit_folium._get_map_string(fmap))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_gpkg: Path) -> Workspace:
    path = tmp_path_factory.mktemp("scripts") / "demo.gpkg"
    shutil.copyfile(demo_gpkg, path)
    return Workspace(path)


def test_coverage_map_of_one_village_defines_its_outline_before_the_control(
    demo: Workspace,
) -> None:
    result = coverage(demo, "liechtenstein")
    village = result.villages["village_id"].iloc[3]
    html = coverage_map(result, "road", basemap="none", village=village)
    assert _undefined_before_use(html.get_root().render()) == []


def test_coverage_map_of_an_indicator_without_its_layer(demo: Workspace) -> None:
    # Sikkim has no roads: no settlement is "out of reach of a road",
    # its share is empty, and the map still draws
    result = coverage(demo, "sikkim")
    assert result.uncovered["fails_road"].isna().all()
    html = coverage_map(result, "road", basemap="none").get_root().render()
    assert "vp-uncovered" not in html
    assert html.count('"value": null') == len(result.villages) - 1  # no total


def test_a_cached_map_shown_twice_still_names_only_its_layers(
    demo: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []

    def browser(fmap: folium.Map, **_: Any) -> None:
        sent.append(_browser_script(fmap))

    monkeypatch.setattr(streamlit_folium, "st_folium", browser)
    progress = briefing.progress(demo, "sikkim", as_of=dt.date(2026, 1, 1))
    cached = progress_map(progress)
    show_map(cached, key="a")
    show_map(cached, key="a")  # the next rerun, or another visitor
    assert len(sent) == 2 and sent[0] == sent[1]
    assert not LAYER_VAR.search(sent[1])  # every layer renamed as sent
