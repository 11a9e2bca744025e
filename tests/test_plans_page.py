"""The Plans and projects page, driven through Streamlit's AppTest.

Each test works on its own copy of the demo workspace; the page is
driven in Chinese (the app's default language), and what it saved is
read back through the record store.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from gis.i18n import use_language
from gis.records import RecordStore
from gis.villages import village_table
from gis.workspace import ENV_VAR, Workspace

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
AREA = "liechtenstein"
PAGE = "app_pages/plans.py"
SECTION = "plans::section"


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    """The app starts in Chinese; AppTest formats widget values in the
    test's own thread, so the test speaks the app's language."""
    with use_language("zh"):
        yield


@pytest.fixture
def ws_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_layers_gpkg: Path
) -> Path:
    """A private copy of the demo workspace, which the app opens."""
    path = tmp_path / "village.gpkg"
    shutil.copyfile(demo_layers_gpkg, path)
    monkeypatch.setenv(ENV_VAR, str(path))
    return path


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def _village(at: AppTest) -> str:
    """The id of the village the page shows."""
    return str(at.session_state[f"plans::village::{AREA}"])


def _w(at: AppTest, widget: str, form: str, name: str) -> Any:
    """The widget of field ``name`` in the form ``form`` (e.g. "plan:new:edit")."""
    suffix = f"|{form}::{name}::zh"
    found = [w for w in getattr(at, widget) if (w.key or "").endswith(suffix)]
    assert len(found) == 1, (suffix, [w.key for w in getattr(at, widget)])
    return found[0]


def _submit(at: AppTest, form: str) -> AppTest:
    suffix = f"|{form}::submit"
    button = next(b for b in at.button if (b.key or "").endswith(suffix))
    button.click().run()
    assert not at.exception
    return at


def _open(at: AppTest, section: str) -> AppTest:
    """Choose a section of the page (plan, projects, funds, ...)."""
    nav = at.button_group(key=f"{SECTION}::widget::{_lang(at)}")
    nav.set_value(section).run()
    assert not at.exception
    return at


def _lang(at: AppTest) -> str:
    return str(at.session_state["lang"])


def _store(path: Path) -> RecordStore:
    return RecordStore(path, actor="test")


def _errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def _texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _project(path: Path, village: str, **values: Any) -> int:
    """A project added behind the page's back; its id."""
    row = {"area": AREA, "village_id": village, "section": "roads",
           "category": "桥", "name": "便民桥", **values}  # fmt: skip
    return _store(path).add("project", row).id


def _show_project(at: AppTest, project_id: int) -> AppTest:
    """The projects section with one project chosen."""
    at.session_state[f"plans::project::{AREA}/{_village(at)}"] = str(project_id)
    return _open(at, "projects")


def test_empty_workspace_says_where_to_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "none.gpkg"))
    at = _page()
    assert "“数据”页导入村界图层" in at.info[0].value
    assert not at.tabs and not at.button_group


def test_page_renders_in_both_languages_and_keeps_the_choice(ws_path: Path) -> None:
    at = _page()
    assert at.header[0].value == "规划与项目"
    assert "还没有村级规划" in at.info[0].value

    # choose another village and its project, then switch the language
    ids = village_table(Workspace(ws_path), AREA)["source_id"].tolist()
    picker = at.sidebar.selectbox(key=f"plans::village::{AREA}::widget::zh")
    picker.set_value(ids[3]).run()
    chosen = _village(at)
    assert chosen == ids[3]
    saved = _store(ws_path).add("project", {
        "area": AREA, "village_id": chosen, "section": "income",
        "category": "大棚", "name": "蔬菜大棚",
    })  # fmt: skip
    _open(at, "projects")
    store = f"plans::project::{AREA}/{chosen}"
    at.selectbox(key=f"{store}::widget::zh").set_value(str(saved.id)).run()
    assert at.session_state[store] == str(saved.id)

    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.header[0].value == "Plans and projects"
    assert _village(at) == chosen
    shown = at.sidebar.selectbox(key=f"plans::village::{AREA}::widget::en")
    assert shown.value == chosen
    assert at.selectbox(key=f"{store}::widget::en").value == str(saved.id)
    nav = at.button_group(key=f"{SECTION}::widget::en")
    assert nav.value == "projects"  # the section stays chosen
    assert nav.options == [
        "Village plan", "Projects", "Funds", "Assistance", "Findings",
    ]  # fmt: skip
    with use_language("en"):  # AppTest formats values in this thread
        _open(at, "plan")
    assert "has no village plan yet" in at.info[0].value


def test_plan_and_target_through_the_forms(ws_path: Path) -> None:
    at = _page()
    _w(at, "text_input", "plan:new:edit", "title").input("2025—2027 年整村推进规划")
    _w(at, "number_input", "plan:new:edit", "period_start").set_value(2025)
    _w(at, "number_input", "plan:new:edit", "period_end").set_value(2027)
    _w(at, "date_input", "plan:new:edit", "assembly_date").set_value(
        dt.date(2025, 3, 1)
    )
    _w(at, "number_input", "plan:new:edit", "attendance").set_value(120)
    _w(at, "number_input", "plan:new:edit", "votes_for").set_value(100)
    _w(at, "number_input", "plan:new:edit", "votes_against").set_value(5)
    _submit(at, "plan:new:edit")
    assert not at.error
    (plan,) = _store(ws_path).snapshot().of("plan")
    assert [s.value for s in at.success] == [f"村规划 #{plan['id']} 已新增。"]
    assert not at.toast  # said once, where the user works

    assert plan["village_id"] == _village(at)
    assert plan["title"] == "2025—2027 年整村推进规划"
    assert (plan["revision"], plan["period_start"], plan["period_end"]) == (
        1, 2025, 2027,
    )  # fmt: skip
    assert plan["assembly_date"] == dt.date(2025, 3, 1)
    assert (plan["attendance"], plan["votes_for"], plan["votes_against"]) == (
        120, 100, 5,
    )  # fmt: skip
    assert at.markdown[0].value == "#### 2025—2027 年整村推进规划"

    # a target of the roads section
    _w(at, "selectbox", "target:new:edit", "section").set_value("roads")
    _w(at, "text_input", "target:new:edit", "measure").input("硬化通村道路")
    _w(at, "text_input", "target:new:edit", "unit").input("km")
    _w(at, "number_input", "target:new:edit", "target_value").set_value(12.5)
    _submit(at, "target:new:edit")
    assert not at.error
    (target,) = _store(ws_path).snapshot().of("target")
    assert target["plan_id"] == plan["id"]
    assert (target["section"], target["measure"], target["unit"]) == (
        "roads", "硬化通村道路", "km",
    )  # fmt: skip
    assert target["target_value"] == 12.5
    table = at.dataframe[0].value
    assert table["measure"].tolist() == ["硬化通村道路"]
    assert table["done"].tolist() == [0.0]


def test_project_two_allocations_and_spending(ws_path: Path) -> None:
    at = _open(_page(), "projects")
    form = "project:new:edit"
    _w(at, "text_input", form, "name").input("村道硬化一期")
    _w(at, "selectbox", form, "section").set_value("roads")
    _w(at, "text_input", form, "category").input("通村公路")
    _w(at, "number_input", form, "quantity").set_value(3.2)
    _w(at, "text_input", form, "unit").input("km")
    _w(at, "text_input", form, "budget_yuan").input("12,000.50")
    _w(at, "date_input", form, "planned_start").set_value(dt.date(2025, 4, 1))
    _w(at, "date_input", form, "planned_end").set_value(dt.date(2025, 10, 31))
    _submit(at, form)
    assert not at.error
    (project,) = _store(ws_path).snapshot().of("project")
    assert project["budget_fen"] == 1_200_050
    assert (project["quantity"], project["unit"]) == (3.2, "km")
    assert project["status"] == "planned"
    pid = project["id"]

    # the new project is the chosen one; its table row shows the budget
    assert at.session_state[f"plans::project::{AREA}/{_village(at)}"] == str(pid)
    projects = at.dataframe[0].value
    assert projects["budget"].tolist() == ["12,000.50"]

    # county poverty funds, then transport sector funds
    _open(at, "funds")
    form = "allocation:new:edit"
    _w(at, "selectbox", form, "channel").set_value("poverty_county")
    _w(at, "selectbox", form, "purpose").set_value("roads")
    _w(at, "selectbox", form, "project_id").set_value(pid)
    _w(at, "text_input", form, "amount_yuan").input("8,000")
    _w(at, "date_input", form, "allocated_on").set_value(dt.date(2025, 5, 6))
    _w(at, "text_input", form, "document").input("县扶办〔2025〕12号")
    _submit(at, form)
    assert not at.error

    # after an add the form is a new allocation again, not the one added
    (first,) = _store(ws_path).snapshot().of("allocation")
    store = f"plans::allocation::{AREA}/{_village(at)}"
    assert at.session_state[store] == "new"
    assert _w(at, "text_input", form, "amount_yuan").value == ""
    assert [s.value for s in at.success] == [f"资金安排 #{first['id']} 已新增。"]
    assert "##### 新增资金安排" in _texts(at)
    _w(at, "selectbox", form, "channel").set_value("sector")
    _w(at, "selectbox", form, "department").set_value("transport")
    _w(at, "selectbox", form, "purpose").set_value("roads")
    _w(at, "selectbox", form, "project_id").set_value(pid)
    _w(at, "text_input", form, "amount_yuan").input("4,000.50")
    _w(at, "date_input", form, "allocated_on").set_value(dt.date(2025, 5, 20))
    _submit(at, form)
    assert not at.error

    # both saved, none overwritten
    snap = _store(ws_path).snapshot()
    county, sector = sorted(snap.of("allocation"), key=lambda a: a["id"])
    assert (county["channel"], county["department"], county["amount_fen"]) == (
        "poverty_county", None, 800_000,
    )  # fmt: skip
    assert county["document"] == "县扶办〔2025〕12号"
    assert (sector["channel"], sector["department"], sector["amount_fen"]) == (
        "sector", "transport", 400_050,
    )  # fmt: skip

    # spending against the transport allocation: its form names it
    at.selectbox(key=f"{store}::widget::zh").set_value(str(sector["id"])).run()
    assert (
        f"##### 编辑资金安排 \\#{sector['id']} · 行业部门资金（交通） · 道路交通 · "
        "4,000.50 元" in _texts(at)
    )
    form = f"spending:new:allocation{sector['id']}"
    _w(at, "text_input", form, "amount_yuan").input("1,500")
    _w(at, "date_input", form, "spent_on").set_value(dt.date(2025, 6, 1))
    _w(at, "text_area", form, "description").input("路基土方")
    _submit(at, form)
    assert not at.error
    (entry,) = _store(ws_path).snapshot().of("spending")
    assert (entry["allocation_id"], entry["amount_fen"]) == (sector["id"], 150_000)
    assert entry["project_id"] == pid  # the allocation's project by default
    assert "已安排 4,000.50 元；已支出 1,500.00 元；剩余 2,500.50 元。" in " ".join(
        c.value for c in at.caption
    )

    # spending past the allocation is saved (it happened) but said at once
    _w(at, "text_input", form, "amount_yuan").input("3,000")
    _w(at, "date_input", form, "spent_on").set_value(dt.date(2025, 6, 2))
    _submit(at, form)
    warnings = " ".join(w.value for w in at.warning)
    said = f"资金安排 {sector['id']} 已超支：支出 4,500.00 元，安排 4,000.50 元"
    assert f"{said}（超出 499.50 元）" in warnings
    store = _store(ws_path)
    (extra,) = [e for e in store.snapshot().of("spending") if e["id"] != entry["id"]]
    store.delete("spending", extra["id"], version=extra["row_version"])
    at.run()

    # totals by channel: 8,000 + 4,000.50 allocated, 1,500 spent
    totals = next(d.value for d in at.dataframe if "left" in d.value.columns)
    assert sorted(totals["allocated"]) == [4_000.50, 8_000.0]
    assert totals["spent"].sum() == 1_500.0
    assert totals["left"].sum() == pytest.approx(10_500.50)


def test_bad_submit_lists_every_problem_and_saves_nothing(ws_path: Path) -> None:
    at = _open(_page(), "projects")
    form = "project:new:edit"
    _w(at, "text_input", form, "name").input("水窖")
    _w(at, "selectbox", form, "section").set_value("water")
    _w(at, "text_input", form, "category").input("小水窖")
    _w(at, "text_input", form, "budget_yuan").input("-500")
    _w(at, "date_input", form, "planned_start").set_value(dt.date(2025, 9, 1))
    _w(at, "date_input", form, "planned_end").set_value(dt.date(2025, 6, 30))
    _submit(at, form)

    errors = _errors(at)
    assert "未保存" in errors
    assert "预算（元）" in errors and "-5" in errors  # -500 yuan is not > 0
    assert "计划开工（2025-09-01）晚于计划完工（2025-06-30）" in errors
    assert _store(ws_path).snapshot().of("project") == []

    # what was typed stays in the form
    assert _w(at, "text_input", form, "name").value == "水窖"
    assert _w(at, "text_input", form, "budget_yuan").value == "-500"


def test_stale_edit_is_refused_and_not_written(ws_path: Path) -> None:
    at = _page()
    village = _village(at)
    store = _store(ws_path)
    saved = store.add("plan", {
        "area": AREA, "village_id": village, "title": "初稿", "revision": 1,
        "period_start": 2025, "period_end": 2027,
    })  # fmt: skip
    at.run()  # the planner opens the plan: version 1 in the form
    form = f"plan:{saved.id}:edit"
    assert _w(at, "text_input", form, "title").value == "初稿"

    # meanwhile someone else saves the plan
    store.update("plan", saved.id, {"title": "县里改过的标题"}, version=1)

    _w(at, "text_input", form, "title").input("我的标题")
    _submit(at, form)
    assert "修改未保存" in _errors(at)
    assert store.get("plan", saved.id)["title"] == "县里改过的标题"
    assert store.get("plan", saved.id)["row_version"] == 2

    # reloading shows the other person's title
    next(b for b in at.button if (b.key or "").endswith(f"|{form}::reload")).click()
    at.run()
    assert _w(at, "text_input", form, "title").value == "县里改过的标题"
    assert not at.error


def test_findings_of_the_village_and_the_area(ws_path: Path) -> None:
    at = _page()
    table = village_table(Workspace(ws_path), AREA)
    other = table[table["source_id"].astype(str) != _village(at)].iloc[0]
    _project(ws_path, _village(at), section="water", category="水池",
             name="人饮水池")  # fmt: skip
    _project(ws_path, str(other["source_id"]), name="山区便道")
    _open(at.run(), "findings")

    # this village's finding, then the area's, grouped by village
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    assert "项目无资金安排" in warnings[0] and "人饮水池" in warnings[0]
    assert any("共有 2 条问题提示，涉及 2 个村" in c.value for c in at.caption)
    groups = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(groups) == 2
    assert groups[0].endswith("（本村）· 1 条，见上文")  # not listed twice
    assert groups[1].startswith(f"**{other['name']}** · 1 条")
    assert "- 项目无资金安排：" in groups[1] and "山区便道" in groups[1]


def test_status_steps_and_a_point_location(ws_path: Path) -> None:
    at = _page()
    store = _store(ws_path)
    saved = store.add("project", {
        "area": AREA, "village_id": _village(at), "section": "roads",
        "category": "桥", "name": "便民桥",
    })  # fmt: skip
    _show_project(at, saved.id)

    # planned → approved → under construction, one step at a time
    form = f"status:new:project{saved.id}"
    assert _w(at, "selectbox", form, "status").options == ["已批准"]
    _w(at, "date_input", form, "on_date").set_value(dt.date(2025, 6, 1))
    _submit(at, form)
    assert _w(at, "selectbox", form, "status").value == "under_construction"
    _w(at, "date_input", form, "on_date").set_value(dt.date(2025, 7, 1))
    _submit(at, form)
    assert not at.error
    project = store.get("project", saved.id)
    assert project["status"] == "under_construction"
    assert project["actual_start"] == dt.date(2025, 7, 1)

    # the project form loaded the new version: an edit goes through
    _w(at, "text_input", f"project:{saved.id}:edit", "category").input("人行桥")
    _submit(at, f"project:{saved.id}:edit")
    assert not at.error
    assert store.get("project", saved.id)["category"] == "人行桥"

    # a point typed as lon/lat
    mode = at.selectbox(key=f"plans::geometry_mode::{saved.id}::widget::zh")
    mode.set_value("point").run()
    form = f"project:{saved.id}:geometry"
    _w(at, "number_input", form, "lon").set_value(9.52)
    _w(at, "number_input", form, "lat").set_value(47.14)
    _submit(at, f"{form}::lon-lat")
    assert not at.error
    assert store.get("project", saved.id)["geometry_wkt"] == "POINT (9.52 47.14)"

    # undo the latest status change
    undo = next(b for b in at.button if (b.key or "").endswith("::confirm")
                and "|status:" in (b.key or ""))  # fmt: skip
    undo.click().run()
    assert not at.exception
    assert store.get("project", saved.id)["status"] == "approved"


def test_location_from_a_feature_of_a_layer(ws_path: Path) -> None:
    at = _page()
    store = _store(ws_path)
    village = _village(at)
    saved = store.add("project", {
        "area": AREA, "village_id": village, "section": "roads",
        "category": "通村公路", "name": "村道",
    })  # fmt: skip
    at.session_state[f"plans::geometry_mode::{saved.id}"] = "feature"
    _show_project(at, saved.id)

    # a roads project is offered the roads layer first; pick a named road
    layer = at.selectbox(key=f"plans::geometry_layer::{saved.id}::widget::zh")
    assert layer.value == f"{AREA}__roads"
    form = f"project:{saved.id}:geometry"
    pick = _w(at, "selectbox", form, f"feature::{AREA}__roads")
    sid = next(o for o in pick.options if not o.startswith("#")).split("(#")[1][:-1]
    pick.set_value(sid)
    _submit(at, f"{form}::feature")
    assert not at.error

    project = store.get("project", saved.id)
    assert project["feature_ref"] == f"roads:{sid}"
    road = Workspace(ws_path).read(AREA, "roads")
    road = road[road["source_id"].astype(str) == sid].geometry.iloc[0]
    stored = shapely.from_wkt(project["geometry_wkt"])
    assert stored.geom_type == "LineString"
    assert stored.hausdorff_distance(road) < 1e-6  # degrees: kept to 1e-7


def test_the_section_stays_chosen_and_errors_show_in_it(ws_path: Path) -> None:
    at = _open(_page(), "funds")
    form = "allocation:new:edit"
    _w(at, "text_input", form, "amount_yuan").input("-3")
    _submit(at, form)

    # still on the funds section, which alone is drawn, with the errors
    assert at.session_state[SECTION] == "funds"
    assert at.button_group(key=f"{SECTION}::widget::zh").value == "funds"
    assert "未保存" in _errors(at) and "金额（元）" in _errors(at)
    keys = [w.key or "" for w in (*at.text_input, *at.selectbox)]
    assert not [k for k in keys if "|plan:" in k or "|project:" in k]
    assert _w(at, "text_input", form, "amount_yuan").value == "-3"


def test_what_was_typed_survives_a_language_switch(ws_path: Path) -> None:
    at = _open(_page(), "projects")
    form = "project:new:edit"
    _w(at, "text_input", form, "name").input("村道硬化")
    _w(at, "selectbox", form, "section").set_value("roads")
    _w(at, "text_input", form, "budget_yuan").input("12,000")
    _w(at, "date_input", form, "planned_start").set_value(dt.date(2025, 4, 1))
    at.run()

    # the last field typed reaches the page with the switch itself
    _w(at, "text_input", form, "category").input("大棚")
    at.sidebar.radio(key="lang").set_value("en").run()
    with use_language("en"):
        shown = {w.key.rsplit("::", 2)[-2]: w.value for w in at.text_input
                 if f"|{form}::" in (w.key or "")}  # fmt: skip
        section = next(w for w in at.selectbox
                       if (w.key or "").endswith(f"|{form}::section::en"))  # fmt: skip
        start = next(w for w in at.date_input
                     if f"|{form}::planned_start::" in (w.key or ""))  # fmt: skip
        assert (shown["name"], shown["budget_yuan"]) == ("村道硬化", "12,000")
        assert shown["category"] == "大棚"
        assert section.value == "roads" and section.label == "Plan section *"
        assert start.value == dt.date(2025, 4, 1)


def test_an_edit_of_a_record_deleted_meanwhile_says_so(ws_path: Path) -> None:
    at = _page()
    pid = _project(ws_path, _village(at))
    _show_project(at, pid)
    form = f"project:{pid}:edit"

    # someone deletes the project in another tab, then the planner saves
    _store(ws_path).delete("project", pid, version=1)
    _w(at, "text_input", form, "category").input("人行桥")
    _submit(at, form)
    assert f"没有编号为 {pid} 的项目" in _errors(at)

    # reloading shows the records as they are now
    reload = next(b for b in at.button if (b.key or "").endswith(f"|{form}::dismiss"))
    reload.click().run()
    assert not at.error
    assert at.session_state[f"plans::project::{AREA}/{_village(at)}"] == "new"


def test_a_chosen_record_deleted_elsewhere_is_reported(ws_path: Path) -> None:
    at = _page()
    gone, kept = (_project(ws_path, _village(at), name=n) for n in ("甲", "乙"))
    _show_project(at, gone)
    _store(ws_path).delete("project", gone, version=1)
    at.run()
    assert f"项目 #{gone} 已不存在" in at.warning[0].value
    at.run()
    assert not at.warning  # said once; the picker is back at a new project

    # a project deleted on this page is not reported as gone
    _show_project(at, kept)
    confirm = f"|project:{kept}:delete::confirm"
    next(b for b in at.button if (b.key or "").endswith(confirm)).click().run()
    assert [s.value for s in at.success] == [f"项目 #{kept} 已删除。"]
    assert not at.warning and not at.error


def test_old_errors_go_once_a_save_fixes_them(ws_path: Path) -> None:
    at = _page()
    pid = _project(ws_path, _village(at))
    store = _store(ws_path)
    for step, day in (("approved", 1), ("under_construction", 2), ("completed", 3)):
        store.add("status", {"project_id": pid, "status": step,
                             "on_date": dt.date(2025, day, 1)})  # fmt: skip
    _show_project(at, pid)

    # accepting is refused: nobody is named as the acceptor
    _submit(at, f"status:new:project{pid}")
    assert "验收人" in _errors(at)

    # the acceptor is entered and saved: the old error goes
    _w(at, "text_input", f"project:{pid}:edit", "accepted_by").input("县交通局")
    _submit(at, f"project:{pid}:edit")
    assert not at.error
    assert [s.value for s in at.success] == [f"项目 #{pid} 已保存。"]
    _submit(at, f"status:new:project{pid}")
    assert not at.error
    assert store.get("project", pid)["status"] == "accepted"


def test_a_plan_and_an_inspection_can_be_deleted(ws_path: Path) -> None:
    at = _page()
    village = _village(at)
    store = _store(ws_path)
    plan = store.add("plan", {
        "area": AREA, "village_id": village, "title": "初稿", "revision": 1,
        "period_start": 2025, "period_end": 2027,
    })  # fmt: skip
    pid = _project(ws_path, village, plan_id=plan.id)
    store.add("inspection", {"project_id": pid, "on_date": dt.date(2025, 5, 1),
                             "inspector": "王工", "result": "pass"})  # fmt: skip
    at.run()

    # the plan is refused while a project refers to it
    confirm = f"|plan:{plan.id}:delete::confirm"
    next(b for b in at.button if (b.key or "").endswith(confirm)).click().run()
    assert "未删除" in _errors(at) and "仍引用它" in _errors(at)
    assert store.get("plan", plan.id)["title"] == "初稿"

    # the project's inspection goes, then the project, then the plan
    _show_project(at, pid)
    (entry,) = store.snapshot().of("inspection")
    confirm = f"|inspection:{entry['id']}:delete::confirm"
    next(b for b in at.button if (b.key or "").endswith(confirm)).click().run()
    assert not at.error
    assert store.snapshot().of("inspection") == []
    assert [s.value for s in at.success] == [f"检查 #{entry['id']} 已删除。"]
    store.delete("project", pid, version=store.get("project", pid)["row_version"])
    _open(at, "plan")
    confirm = f"|plan:{plan.id}:delete::confirm"
    next(b for b in at.button if (b.key or "").endswith(confirm)).click().run()
    assert not at.error
    assert store.snapshot().of("plan") == []
    assert [s.value for s in at.success] == [f"村规划 #{plan.id} 已删除。"]
    assert "还没有村级规划" in at.info[0].value


def test_the_project_form_offers_the_targets_of_its_section(ws_path: Path) -> None:
    at = _page()
    store = _store(ws_path)
    plan = store.add("plan", {
        "area": AREA, "village_id": _village(at), "title": "规划", "revision": 1,
        "period_start": 2025, "period_end": 2027,
    })  # fmt: skip
    for section, measure, unit in (("roads", "硬化通村道路", "km"),
                                   ("water", "安全饮水", "户")):  # fmt: skip
        store.add("target", {"plan_id": plan.id, "section": section,
                             "measure": measure, "unit": unit,
                             "target_value": 10})  # fmt: skip
    _open(at.run(), "projects")

    form = "project:new:edit"
    _w(at, "selectbox", form, "section").set_value("roads").run()
    assert _w(at, "selectbox", form, "target_id").options == [
        "—", "道路交通 · 硬化通村道路（km）",
    ]  # fmt: skip
    _w(at, "selectbox", form, "section").set_value("water").run()
    assert _w(at, "selectbox", form, "target_id").options == [
        "—", "人畜饮水 · 安全饮水（户）",
    ]  # fmt: skip


def test_the_map_page_marks_planned_villages_and_heads_assistance(
    ws_path: Path,
) -> None:
    table = village_table(Workspace(ws_path), AREA)
    vaduz = str(table.loc[table["name"] == "Vaduz", "source_id"].iloc[0])
    store = _store(ws_path)
    store.add("plan", {
        "area": AREA, "village_id": vaduz, "title": "规划", "revision": 1,
        "period_start": 2025, "period_end": 2027,
    })  # fmt: skip
    store.add("assistance", {"area": AREA, "village_id": vaduz,
                             "leader_name": "李明"})  # fmt: skip

    # the Map page (the app's first page): Vaduz is marked in the list
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.text_input(key=f"village_query::{AREA}").input("vadu").run()
    pick = at.sidebar.selectbox(key=f"village::{AREA}::pick::zh")
    (option,) = pick.options
    assert option.startswith("Vaduz (") and option.endswith(" ★")
    pick.select_index(0).run()
    assert not at.exception

    # the assistance table says who is who
    heads = [list(table.value.columns) for table in at.table]
    assert ["帮扶力量", "姓名/单位"] in heads
