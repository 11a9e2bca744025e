"""The records on the Map page: projects coloured by status, the village panel.

Cheapest first: the folium map and its HTML, then the page through
Streamlit's AppTest. Amounts are worked out by hand from the records
saved here.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import folium
import pytest
from streamlit.testing.v1 import AppTest

from gis import mapview
from gis.i18n import use_language
from gis.mapview import KIND_PROPERTY, build_map, legend_html, load_area_layers
from gis.records import RecordStore, project_features
from gis.villages import village_table
from gis.workspace import ENV_VAR, Workspace
from layers import get_kind

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
AREA = "liechtenstein"

HOSTILE = '<script>alert(1)</script> & "Tom\'s" road'
ROAD = "LINESTRING (9.52 47.135, 9.53 47.14, 9.54 47.138)"
# more decimals than the map keeps (5)
SPRING = "POINT (9.5351234567 47.1304567891)"
TERRACES = (
    "POLYGON ((9.545 47.125, 9.55 47.125, 9.55 47.13, 9.545 47.13, 9.545 47.125))"
)

# the status colours, as the legend promises them to the reader
COLORS = {
    "planned": "#999999",
    "approved": "#88ccee",
    "under_construction": "#ddaa33",
    "completed": "#117733",
    "accepted": "#332288",
}


# fixtures


def _village_id(ws: Workspace, name: str) -> str:
    table = village_table(ws, AREA)
    return str(table.loc[table["name"] == name, "source_id"].iloc[0])


def _add_records(ws: Workspace) -> dict[str, int]:
    """Vaduz's plan, three projects in three statuses, money and help."""
    store = RecordStore(ws, actor="test")
    village = {"area": AREA, "village_id": _village_id(ws, "Vaduz")}
    plan = store.add("plan", {
        **village, "title": "Vaduz plan 2024–2026", "revision": 1,
        "period_start": 2024, "period_end": 2026, "assembly_date": "2024-03-02",
        "attendance": 120, "votes_for": 110, "votes_against": 4,
    })  # fmt: skip
    target = store.add("target", {
        "plan_id": plan.id, "section": "roads", "measure": "hardened road",
        "unit": "km", "target_value": 4,
    })  # fmt: skip
    road = store.add("project", {
        **village, "plan_id": plan.id, "target_id": target.id, "section": "roads",
        "category": "road hardening", "name": HOSTILE, "geometry_wkt": ROAD,
        "quantity": 1.5, "unit": "km", "budget_yuan": 500000, "progress_pct": 100,
    })  # fmt: skip
    spring = store.add("project", {
        **village, "plan_id": plan.id, "section": "water",
        "category": "water supply", "name": "Spring intake",
        "geometry_wkt": SPRING, "budget_yuan": 120000, "progress_pct": 40,
    })  # fmt: skip
    store.add("project", {
        **village, "plan_id": plan.id, "section": "farmland",
        "category": "terracing", "name": "Terraces east", "geometry_wkt": TERRACES,
    })  # fmt: skip

    # the road is accepted, the spring under construction, the terraces planned
    store.update("project", road.id, {"accepted_by": "County bureau"}, version=1)
    steps = ("approved", "under_construction", "completed", "accepted")
    for month, status in enumerate(steps, start=4):
        store.add("status", {"project_id": road.id, "status": status,
                             "on_date": f"2024-0{month}-01"})  # fmt: skip
    for month, status in enumerate(steps[:2], start=4):
        store.add("status", {"project_id": spring.id, "status": status,
                             "on_date": f"2024-0{month}-01"})  # fmt: skip

    # 300,000 yuan of transport funds for the road, 280,000.50 spent
    funds = store.add("allocation", {
        **village, "project_id": road.id, "channel": "sector",
        "department": "transport", "purpose": "roads", "amount_yuan": 300000,
        "allocated_on": "2024-04-10",
    })  # fmt: skip
    store.add("spending", {
        "allocation_id": funds.id, "project_id": road.id,
        "amount_yuan": 280000.50, "spent_on": "2024-08-01",
    })  # fmt: skip
    # 150,000 yuan of central poverty funds for water, 60,000 spent
    water = store.add("allocation", {
        **village, "channel": "poverty_central", "purpose": "water",
        "amount_yuan": 150000, "allocated_on": "2024-05-10",
    })  # fmt: skip
    store.add("spending", {
        "allocation_id": water.id, "project_id": spring.id,
        "amount_yuan": 60000, "spent_on": "2024-07-01",
    })  # fmt: skip
    store.add("assistance", {**village, "leader_name": "Li Ming",
                             "cadre_name": "Wang Fang"})  # fmt: skip
    for household in ("Household 1", "Household 2"):
        store.add("pair", {**village, "household": household, "members": 4})
    return {"road": road.id, "spring": spring.id}


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory: pytest.TempPathFactory, demo_layers_gpkg: Path) -> Path:
    """A copy of the demo workspace with Vaduz's records (module-wide)."""
    path = tmp_path_factory.mktemp("records") / "village.gpkg"
    shutil.copy(demo_layers_gpkg, path)
    with use_language("en"):
        _add_records(Workspace(path))
    return path


@pytest.fixture(scope="module")
def records_map(ws_path: Path) -> folium.Map:
    ws = Workspace(ws_path)
    projects = project_features(RecordStore(ws).snapshot(), AREA)
    return build_map(load_area_layers(ws, AREA), basemap="none", lang="en",
                     projects=projects)  # fmt: skip


@pytest.fixture(scope="module")
def records_html(records_map: folium.Map) -> str:
    return records_map.get_root().render()


def _group(fmap: folium.Map, name: str) -> folium.FeatureGroup | None:
    found = [
        c for c in fmap._children.values()
        if isinstance(c, folium.FeatureGroup) and c.layer_name == name
    ]  # fmt: skip
    return found[0] if found else None


def _layer(group: folium.FeatureGroup) -> folium.GeoJson:
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    return layer


def _by_name(group: folium.FeatureGroup) -> dict[str, tuple[dict, dict]]:
    """Properties and style of each project feature, by escaped name."""
    layer = _layer(group)
    return {
        f["properties"]["name"]: (f["properties"], layer.style_function(f))
        for f in layer.data["features"]
    }


# the projects overlay


def test_projects_are_their_own_overlay_on_top(records_map):
    group = _group(records_map, "Projects")
    assert group is not None
    assert len(_layer(group).data["features"]) == 3
    groups = [c for c in records_map._children.values()
              if isinstance(c, folium.FeatureGroup)]  # fmt: skip
    assert groups[-1] is group  # drawn over every layer


def test_each_project_has_the_colour_of_its_status(records_map):
    features = _by_name(_group(records_map, "Projects"))
    statuses = {props["status"]: style for props, style in features.values()}
    assert set(statuses) == {"planned", "under_construction", "accepted"}
    for status, style in statuses.items():
        assert style["color"] == COLORS[status]
        assert f"vp-status-{status}" in style["className"]
    assert statuses["planned"]["dashArray"]  # not built yet: dashed


def test_lines_are_wider_than_roads_and_points_are_circles(records_map, records_html):
    features = _by_name(_group(records_map, "Projects"))
    line = next(s for p, s in features.values() if p["section"] == "roads")
    point = features["Spring intake"][1]
    widest_road = max(get_kind("roads").style.category_weights.values())
    assert line["weight"] > widest_road and line["fill"] is False
    assert point["radius"] > 0
    assert "L.circleMarker(latlng" in records_html


def test_popup_and_tooltip_words(records_map):
    group = _group(records_map, "Projects")
    texts = _layer(group).texts
    labels = [row[1] for row in texts["popup"]]
    assert labels == ["Name", "Plan section", "Category", "Status", "Budget",
                      "Spent", "Reported progress"]  # fmt: skip
    assert [row[0] for row in texts["tooltip"]] == ["name", "status"]
    assert texts["join"] and texts["tags"] == {KIND_PROPERTY: "projects"}
    assert texts["labels"]["status"]["under_construction"] == "Under construction"

    # money as yuan: 500,000 budget; 280,000.50 spent against the road
    props = {p["category"]: p for p, _ in _by_name(group).values()}
    assert props["road hardening"]["budget"] == "500,000.00 yuan"
    assert props["road hardening"]["spent"] == "280,000.50 yuan"
    assert props["water supply"]["spent"] == "60,000.00 yuan"
    assert props["water supply"]["progress_pct"] == 40
    assert "budget" not in props["terracing"]  # none recorded


def test_legend_lists_every_status_in_order(records_map):
    legend = legend_html(records_map)
    words = ["Projects", "Planned", "Approved", "Under construction",
             "Completed", "Accepted", "Village boundaries"]  # fmt: skip
    places = [legend.index(w) for w in words]
    assert places == sorted(places)
    for color in COLORS.values():
        assert color in legend


def test_project_names_are_escaped(records_map, records_html):
    names = list(_by_name(_group(records_map, "Projects")))
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Tom&#x27;s&quot; road"
        in names
    )
    assert "<script>alert" not in records_html
    assert "\\u0026lt;script\\u0026gt;alert(1)" in records_html


def test_project_coordinates_are_rounded(records_map):
    layer = _layer(_group(records_map, "Projects"))
    point = next(f for f in layer.data["features"]
                 if f["properties"]["name"] == "Spring intake")  # fmt: skip
    assert point["geometry"]["coordinates"] == pytest.approx((9.53512, 47.13046))


def test_no_overlay_without_projects(ws_path):
    ws = Workspace(ws_path)
    none = project_features(RecordStore(ws).snapshot(), "sikkim")
    assert none.empty
    fmap = build_map(load_area_layers(ws, "sikkim"), basemap="none", lang="en",
                     projects=none)  # fmt: skip
    assert _group(fmap, "Projects") is None
    assert "Planned" not in legend_html(fmap)
    assert _group(build_map(load_area_layers(ws, "sikkim"), basemap="none"),
                  "Projects") is None  # fmt: skip


# the page


@pytest.fixture
def chinese() -> Iterator[None]:
    """The app starts in Chinese (see tests/test_app.py)."""
    with use_language("zh"):
        yield


@pytest.fixture
def app_env(ws_path: Path, monkeypatch: pytest.MonkeyPatch, chinese: None) -> Path:
    monkeypatch.setenv(ENV_VAR, str(ws_path))
    return ws_path


def _vaduz(at: AppTest, ws_path: Path) -> AppTest:
    at.session_state[f"village::{AREA}"] = _village_id(Workspace(ws_path), "Vaduz")
    return at.run()


def _cells(at: AppTest) -> str:
    return " | ".join(
        str(v) for table in at.table for v in table.value.to_numpy().ravel()
    )


def test_panel_lists_the_village_records(app_env: Path) -> None:
    at = _vaduz(AppTest.from_file(APP, default_timeout=60).run(), app_env)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Vaduz plan 2024–2026" in text and "120" in text

    # targets: 1.5 of 4 km done (the accepted road), 38 %
    cells = _cells(at)
    assert "1.5 / 4 km（38%）" in cells
    # projects, escaped for Markdown but worded as saved
    assert "Spring intake" in cells and "Terraces east" in cells
    assert re.search(r"\\<script\\>alert\(1\)\\</script\\>", cells)
    assert "已验收" in cells and "在建" in cells and "规划中" in cells
    # money by channel: transport sector funds, then central poverty funds
    assert "行业部门资金（交通） | 300,000.00 元 | 280,000.50 元" in cells
    assert "中央财政扶贫资金 | 150,000.00 元 | 60,000.00 元" in cells
    # assistance: no unit yet, two paired households
    assert "Li Ming" in cells and "Wang Fang" in cells
    assert "结对帮扶贫困户（户） | 2" in cells

    # findings: the terraces have no money; the unit is missing
    warnings = " ".join(w.value for w in at.warning)
    assert "项目无资金安排" in warnings and "Terraces east" in warnings
    assert "帮扶力量缺位" in warnings


def test_a_village_without_records_says_so(app_env: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state[f"village::{AREA}"] = _village_id(Workspace(app_env), "Triesen")
    at.run()
    assert not at.exception
    assert any("规划与项目" in c.value for c in at.caption)
    assert not at.warning


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (the function still runs)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_records_are_read_once_per_workspace_version(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chinese: None,
    demo_layers_gpkg: Path,
) -> None:
    path = tmp_path / "village.gpkg"
    shutil.copy(demo_layers_gpkg, path)
    monkeypatch.setenv(ENV_VAR, str(path))
    reads = _counting(monkeypatch, RecordStore, "snapshot")
    builds = _counting(monkeypatch, mapview, "build_map")

    # no records: the facts only; the map (whole area, then the village)
    at = _vaduz(AppTest.from_file(APP, default_timeout=60).run(), path)
    assert len(at.table) == 1 and (len(reads), len(builds)) == (1, 2)

    # plain reruns read and build nothing again
    at.run()
    at.run()
    assert (len(reads), len(builds)) == (1, 2)

    # a saved record changes the file: read once more, map built again
    with use_language("en"):
        _add_records(Workspace(path))
    before = len(reads)
    at.run()
    assert not at.exception
    assert (len(reads) - before, len(builds)) == (1, 3)
    assert "Spring intake" in _cells(at)


def test_target_progress_names_the_baseline_it_counts_from() -> None:
    from app_pages.map import _progress
    from gis.i18n import use_language
    from gis.records import TargetProgress

    road = {"target_value": 5.0, "baseline_value": 1.2, "unit": "km"}
    with use_language("en"):
        # 2.5 km of the 3.8 km the target adds: 66 %
        said = _progress(TargetProgress(road, 2.5, 2.5 / 3.8))
        plain = _progress(TargetProgress({**road, "baseline_value": None}, 2.5, 0.5))
    assert said == "2.5 done towards 5 km from a baseline of 1.2 (66 % of the gap)"
    assert plain == "2.5 / 5 km (50 %)"
