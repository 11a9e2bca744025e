"""The Sketch page, driven through Streamlit's AppTest.

AppTest cannot draw on a Leaflet map, so ``st_folium`` is replaced by a
stand-in that behaves like the component: it returns what was "drawn"
on the map under its current key, and nothing (None) under a new key,
as a map built anew does. Each test works on its own copy of the demo
workspace; what the page saved is read back from the sketches file and
the record store.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
import streamlit_folium
from pyproj import Geod
from streamlit.testing.v1 import AppTest

from gis.i18n import use_language
from gis.records import RecordStore
from gis.sketchbook import SketchBook, sketch_path
from gis.workspace import ENV_VAR

ROOT = Path(__file__).resolve().parent.parent
HARNESS = f"""
import streamlit as st
from gis.i18n import set_language
set_language(st.session_state.get("lang", "en"))
st.navigation([st.Page({str(ROOT / "app_pages" / "sketch.py")!r},
                       url_path="sketch")]).run()
"""
GEOD = Geod(ellps="WGS84")

# a road in Ruggell (Liechtenstein) towards buildings out of reach of
# any all-weather road; its start lies 2 m from a track
ROAD = [(9.53712, 47.254767), (9.538279, 47.26001), (9.537721, 47.26301)]
ID1 = "0b6f3c1e-5d2a-4c8e-9f1b-2a3c4d5e6f70"
ID2 = "1c7a4d2f-6e3b-4d9f-8a2c-3b4d5e6f7a81"


class FakeMap:
    """``st_folium`` as the page sees it: a value per component key."""

    def __init__(self) -> None:
        self.values: dict[str, list[dict[str, Any]]] = {}
        self.keys: list[str] = []
        self.maps: list[Any] = []
        self.leftovers: list[int] = []

    def __call__(self, fig: Any, *, key: str, feature_group_to_add: Any = None,
                 **_: Any) -> dict[str, Any]:  # fmt: skip
        # like st_folium, the overlay is added to the map it is given
        if feature_group_to_add is not None:
            feature_group_to_add.add_to(fig)
        self.keys.append(key)
        self.maps.append(fig)
        return {"all_drawings": self.values.get(key)}

    def draw(self, *features: dict[str, Any]) -> None:
        """What the map under its last key now holds."""
        self.values[self.keys[-1]] = list(features)


@pytest.fixture
def ws_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_layers_gpkg: Path
) -> Path:
    path = tmp_path / "village.gpkg"
    shutil.copyfile(demo_layers_gpkg, path)
    monkeypatch.setenv(ENV_VAR, str(path))
    return path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeMap:
    stand_in = FakeMap()
    monkeypatch.setattr(streamlit_folium, "st_folium", stand_in)
    return stand_in


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_language("en"):
        yield


def _page(snap: bool = False) -> AppTest:
    at = AppTest.from_string(HARNESS, default_timeout=90)
    at.run()
    assert not at.exception
    if not snap:
        at.toggle(key="sketch::snap").set_value(False).run()
    return at


def _feature(sketch_id: str, coords: list[tuple[float, float]], kind: str = "LineString"
             ) -> dict[str, Any]:  # fmt: skip
    shape = [list(p) for p in coords]
    geometry = {"type": kind, "coordinates": [shape] if kind == "Polygon" else shape}
    return {"type": "Feature", "properties": {"sketch_id": sketch_id},
            "geometry": geometry}  # fmt: skip


def _text(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _length_shown(at: AppTest) -> float:
    found = re.search(r"\*\*Length:\*\* ([\d,.]+) m", _text(at))
    assert found, _text(at)
    return float(found[1].replace(",", ""))


def test_a_drawn_line_is_kept_once_and_measured(ws_path: Path, fake: FakeMap):
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    assert not at.exception

    # measured against the geodesic length, within 0.1 %
    lons, lats = zip(*ROAD, strict=True)
    assert _length_shown(at) == pytest.approx(GEOD.line_length(lons, lats), rel=1e-3)
    assert "EPSG:32632" in _text(at) and "Ruggell" in _text(at)
    (option,) = at.radio(key=_radio(at)).options
    assert option.startswith("Line 1 · ") and option.endswith(" km)")

    # reruns neither duplicate it nor build the map again
    key = fake.keys[-1]
    at.run()
    at.run()
    assert [s.id for s in SketchBook(ws_path).load()] == [ID1]
    assert set(fake.keys[-3:]) == {key}
    # the overlay never stays in the map st_folium keeps
    groups = fake.maps[-1]._children.values()
    assert not [g for g in groups if getattr(g, "layer_name", "") == "sketch-overlay"]


def _radio(at: AppTest) -> str:
    return next(r.key for r in at.radio if r.key and r.key.startswith("sketch::chosen"))


def test_a_new_session_finds_the_sketches_of_the_last(ws_path: Path, fake: FakeMap):
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()

    # a reload: a new session, a new map holding the kept sketch
    again = _page()
    assert ID1 in fake.maps[-1].get_root().render()
    assert "Line 1" in again.radio(key=_radio(again)).options[0]
    assert _length_shown(again) > 0


def test_an_invalid_drawing_is_refused_with_its_message(ws_path: Path, fake: FakeMap):
    at = _page()
    key = fake.keys[-1]
    bowtie = [(9.53, 47.25), (9.54, 47.26), (9.54, 47.25), (9.53, 47.26), (9.53, 47.25)]
    fake.draw(_feature(ID1, bowtie, "Polygon"))
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "Area 1 was not kept" in errors and "crosses itself" in errors
    assert SketchBook(ws_path).load() == []
    assert fake.keys[-1] != key  # the map is built again, without it


def test_edits_and_deletions_on_the_map_are_kept(ws_path: Path, fake: FakeMap):
    at = _page()
    square = [(9.53, 47.25), (9.531, 47.25), (9.531, 47.251), (9.53, 47.251),
              (9.53, 47.25)]  # fmt: skip
    fake.draw(_feature(ID1, ROAD), _feature(ID2, square, "Polygon"))
    at.run()
    assert "**Area:**" in _text(at)  # the newest is chosen
    area, _ = GEOD.geometry_area_perimeter(shapely.Polygon(square))
    shown = re.search(r"\*\*Area:\*\* ([\d,.]+) m²", _text(at))
    assert shown, _text(at)
    assert float(shown[1].replace(",", "")) == pytest.approx(abs(area), rel=1e-3)

    # the line's last point moved, then the area deleted
    moved = [*ROAD[:-1], (9.5390, 47.2640)]
    fake.draw(_feature(ID1, moved), _feature(ID2, square, "Polygon"))
    at.run()
    fake.draw(_feature(ID1, moved))
    at.run()
    kept = SketchBook(ws_path).load()
    assert [s.id for s in kept] == [ID1]
    assert shapely.get_coordinates(kept[0].geometry)[-1] == pytest.approx(moved[-1])


def test_a_road_shows_who_it_brings_within_reach(ws_path: Path, fake: FakeMap):
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    text = _text(at)
    assert "What it changes" in text
    assert "Brings **7** buildings" in text  # the Ruggell buildings out of reach
    # Liechtenstein's people are a village total spread over buildings
    assert "People are estimates" in " ".join(c.value for c in at.caption)
    table = at.table[0].value
    assert list(table.iloc[0])[:2] == ["Ruggell", "7 buildings"]

    # as a water pipe it counts against safe water, which it does not
    # start from: nobody is credited, and the page says why
    at.radio(key=f"sketch::purpose::{ID1}::en").set_value("pipe").run()
    warnings = " ".join(w.value for w in at.warning)
    assert "Neither end of this pipe is within 50 m of a safe water source" in warnings
    assert "Brings" not in _text(at)
    assert SketchBook(ws_path).load()[0].purpose == "pipe"


def test_without_a_road_layer_a_road_is_counted_alone_not_as_a_gain(
    ws_path: Path, fake: FakeMap
):
    at = _page()
    at.sidebar.selectbox(key="area::widget::en").set_value("sikkim").run()
    # a road through the settlement namli (590 people); Sikkim has no roads
    fake.draw(_feature(ID1, [(88.5925, 27.2845), (88.5935, 27.2855)]))
    at.run()
    assert not at.exception
    text = _text(at)
    assert "Counting this sketch alone as an all-weather road" in text
    assert "newly within" not in text


def test_snapping_joins_the_start_to_the_track_it_nearly_touches(
    ws_path: Path, fake: FakeMap
):
    at = _page(snap=True)
    fake.draw(_feature(ID1, ROAD))
    at.run()
    said = "Start joined to road Bangserstraße (#2164, Track), moved 2.1 m."
    assert said in _text(at)


def test_save_as_a_new_project_then_undo(ws_path: Path, fake: FakeMap):
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    form = next(s for s in at.selectbox if s.key and s.key.endswith("::village"))
    assert form.value == "5"  # Ruggell, where the line lies
    _submit(at, "Save as a new project").click().run()
    assert not at.exception

    (project,) = RecordStore(ws_path).snapshot().of("project")
    assert (project["village_id"], project["section"], project["unit"]) == (
        "5", "roads", "km")  # fmt: skip
    lons, lats = zip(*ROAD, strict=True)
    assert project["quantity"] == pytest.approx(GEOD.line_length(lons, lats) / 1000,
                                                abs=1.5e-3)  # fmt: skip
    saved = shapely.from_wkt(project["geometry_wkt"])
    assert saved.equals_exact(shapely.LineString(ROAD), 1e-6)
    assert any("saved as the new project" in s.value for s in at.success)
    assert SketchBook(ws_path).load()[0].project_id == project["id"]

    # the undo is offered on this area's page only
    at.sidebar.selectbox(key="area::widget::en").set_value("sikkim").run()
    assert not [b for b in at.button if "Undo the last save" in b.label]
    at.sidebar.selectbox(key="area::widget::en").set_value("liechtenstein").run()

    undo = next(b for b in at.button if "Undo the last save" in b.label)
    undo.click().run()
    assert RecordStore(ws_path).snapshot().of("project") == []
    assert SketchBook(ws_path).load()[0].project_id is None


def test_save_as_the_geometry_of_an_existing_project_then_undo(
    ws_path: Path, fake: FakeMap
):
    store = RecordStore(ws_path)
    first = store.add("project", {"area": "liechtenstein", "village_id": "5",
                                  "section": "roads", "category": "road",
                                  "name": "Link to the buildings",
                                  "geometry_wkt": "POINT (9.538 47.26)"})  # fmt: skip
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    pick = next(s for s in at.selectbox if s.key and s.key.endswith("::project"))
    pick.set_value(first.id)
    _submit(at, "Use as the project's geometry").click().run()
    assert not at.exception
    now = store.get("project", first.id)
    assert shapely.from_wkt(now["geometry_wkt"]).equals_exact(
        shapely.LineString(ROAD), 1e-6)  # fmt: skip
    lons, lats = zip(*ROAD, strict=True)
    assert now["unit"] == "km"  # the quantity follows the measure
    assert now["quantity"] == pytest.approx(GEOD.line_length(lons, lats) / 1000,
                                            abs=1.5e-3)  # fmt: skip

    next(b for b in at.button if "Undo the last save" in b.label).click().run()
    back = store.get("project", first.id)
    assert back["geometry_wkt"] == "POINT (9.538 47.26)"
    assert (back["quantity"], back["unit"]) == (None, None)


def test_a_project_of_another_village_or_unit_needs_a_tick(
    ws_path: Path, fake: FakeMap
):
    store = RecordStore(ws_path)
    other = store.add("project", {"area": "liechtenstein", "village_id": "6",
                                  "section": "farmland", "category": "terraces",
                                  "name": "Terraces", "quantity": 120, "unit": "mu",
                                  "geometry_wkt": "POINT (9.545 47.245)"})  # fmt: skip
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    pick = next(s for s in at.selectbox if s.key and s.key.endswith("::project"))
    pick.set_value(other.id)
    _submit(at, "Use as the project's geometry").click().run()
    shown = "\n".join(e.value for e in at.error)
    assert "belongs to" in shown and "counted in mu, but the sketch is a line" in shown
    assert store.get("project", other.id)["geometry_wkt"] == "POINT (9.545 47.245)"

    next(c for c in at.checkbox if c.label == "Attach it even so").check()
    _submit(at, "Use as the project's geometry").click().run()
    now = shapely.from_wkt(store.get("project", other.id)["geometry_wkt"])
    assert now.equals_exact(shapely.LineString(ROAD), 1e-6)


def test_a_saved_sketch_makes_a_second_project_only_when_asked(
    ws_path: Path, fake: FakeMap
):
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    _submit(at, "Save as a new project").click().run()
    (first,) = RecordStore(ws_path).snapshot().of("project")
    _submit(at, "Save as a new project").click().run()
    assert any(f"already saved as project #{first['id']}" in e.value for e in at.error)
    assert len(RecordStore(ws_path).snapshot().of("project")) == 1

    next(c for c in at.checkbox if c.label == "Save as another project").check()
    _submit(at, "Save as a new project").click().run()
    assert len(RecordStore(ws_path).snapshot().of("project")) == 2


def test_a_sketch_deleted_in_another_window_is_not_written_back(
    ws_path: Path, fake: FakeMap
):
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    SketchBook(ws_path).remove(ID1)  # the other window deletes it
    _submit(at, "Save as a new project").click().run()
    assert any("deleted in another window" in e.value for e in at.error)
    assert RecordStore(ws_path).snapshot().of("project") == []
    assert SketchBook(ws_path).load() == []


def test_delete_a_sketch_from_the_panel(ws_path: Path, fake: FakeMap):
    at = _page()
    fake.draw(_feature(ID1, ROAD))
    at.run()
    key = fake.keys[-1]
    next(b for b in at.button if b.label == "Delete this sketch").click().run()
    assert SketchBook(ws_path).load() == []
    assert fake.keys[-1] != key  # the map is built again without it
    assert (
        json.loads(sketch_path(ws_path).read_text(encoding="utf-8"))["sketches"] == []
    )


def test_the_page_speaks_chinese(ws_path: Path, fake: FakeMap):
    with use_language("zh"):
        at = AppTest.from_string(HARNESS, default_timeout=90)
        at.session_state["lang"] = "zh"
        at.run()
        fake.draw(_feature(ID1, ROAD))
        at.run()
        assert not at.exception
        assert "**长度：**" in _text(at) or "**长度:**" in _text(at)
        assert "千米" in _text(at)


def _submit(at: AppTest, label: str) -> Any:
    """The form submit button with this label."""
    return next(b for b in at.button if b.label == label)


def test_one_unit_is_named_in_the_singular() -> None:
    from app_pages.sketch import _unit
    from gis.i18n import use_language

    with use_language("en"):
        assert (_unit("building", 1), _unit("building", 7)) == ("building", "buildings")
        assert _unit("settlement", 1) == "settlement"
    with use_language("zh"):
        assert _unit("building", 1) == _unit("building", 7) == "建筑"
