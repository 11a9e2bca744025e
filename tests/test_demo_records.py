"""The example programme the demo adds: complete, dated, inside its villages,
and breaking exactly the rules it says it breaks.

Reference values are the dates, names and documents written in
data/boundaries/demo_records.toml (and its comments on the deliberate
findings), not anything the loader computes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import shapely
from pyproj import Geod

from gis.cli import main
from gis.errors import InputError
from gis.records import SECTIONS, RecordStore, Snapshot, check_funds
from gis.records.demo import load_demo_records
from gis.workspace import Workspace
from tests.records_fixtures import village_workspace

AREAS = ("liechtenstein", "sikkim")
ACTOR = "示例数据 (example data)"
TODAY = dt.date(2026, 12, 3)
# the villages the file picks, by id
VILLAGES = {
    "liechtenstein": {"9": "Planken", "3": "Triesenberg", "1": "Schellenberg"},
    "sikkim": {"330": "Yuksam", "384": "Lachen", "21": "Temi"},
}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo_records") / "demo.gpkg"
    assert main(["demo", "--workspace", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def snap(demo_path: Path) -> Snapshot:
    return RecordStore(demo_path).snapshot()


def _project(snap: Snapshot, name: str) -> dict[str, object]:
    found = snap.of("project", name=f"示例项目 Example: {name}")
    assert len(found) == 1, name
    return found[0]


def test_each_area_has_its_villages_with_a_plan_and_six_targets(
    snap: Snapshot,
) -> None:
    for area, villages in VILLAGES.items():
        plans = snap.of("plan", area=area)
        assert {p["village_id"]: p["village_name"] for p in plans} == villages
        for plan in plans:
            assert plan["title"].startswith("示例规划 Example plan")
            assert plan["assembly_date"] is not None
            assert plan["votes_for"] + plan["votes_against"] <= plan["attendance"]
            sections = {t["section"] for t in snap.of("target", plan_id=plan["id"])}
            assert sections == set(SECTIONS)


def test_every_section_has_a_project_in_each_area(snap: Snapshot) -> None:
    for area in AREAS:
        projects = snap.of("project", area=area)
        assert {p["section"] for p in projects} == set(SECTIONS)
        assert all("Example" in p["name"] for p in projects)


def test_statuses_are_varied_and_every_step_is_dated(snap: Snapshot) -> None:
    statuses = {p["status"] for p in snap.of("project")}
    assert statuses == {"approved", "under_construction", "completed", "accepted"}

    # Planken road: approved 2024-03-05 … accepted 2024-12-10
    road = _project(snap, "Planken village road")
    steps = sorted(
        (s["on_date"], s["status"]) for s in snap.of("status", project_id=road["id"])
    )
    assert steps == [
        (dt.date(2024, 3, 5), "approved"),
        (dt.date(2024, 4, 8), "under_construction"),
        (dt.date(2024, 10, 25), "completed"),
        (dt.date(2024, 12, 10), "accepted"),
    ]
    assert road["actual_start"] == dt.date(2024, 4, 8)
    assert road["accepted_on"] == dt.date(2024, 12, 10)
    assert road["accepted_by"] == "示例验收组 A (example acceptance team A)"


def test_money_comes_through_several_channels(snap: Snapshot) -> None:
    for area in AREAS:
        allocations = snap.of("allocation", area=area)
        channels = {a["channel"] for a in allocations}
        assert len(channels) >= 6, channels
        assert {"sector", "villager_labour", "paired_assistance"} <= channels
        departments = {a["department"] for a in allocations if a["channel"] == "sector"}
        assert len(departments) >= 3
        assert snap.of("spending")


def test_assistance_and_pairs(snap: Snapshot) -> None:
    for area, villages in VILLAGES.items():
        helps = snap.of("assistance", area=area)
        assert {h["village_id"] for h in helps} == set(villages)
        assert snap.of("pair", area=area)
    temi = snap.of("assistance", area="sikkim", village_id="21")[0]
    assert temi["cadre_name"] is None


def test_the_deliberate_findings_and_no_others(snap: Snapshot) -> None:
    findings = check_funds(snap, today=TODAY)
    found = {(f.area, f.village_id, f.rule) for f in findings}
    assert found == {
        ("liechtenstein", "9", "overspent"),
        ("liechtenstein", "3", "accepted_uninspected"),
        ("sikkim", "384", "wrong_purpose"),
        ("sikkim", "384", "mixed_channels"),
        ("sikkim", "21", "assistance_missing"),
    }
    by_rule = {f.rule: f for f in findings}

    # the county road fund of Planken: 300,000 allocated, 180,000 + 150,000 spent
    county = snap.of("allocation", document="示例文号 EX-LI-2024-002")[0]
    spent = snap.of("spending", allocation_id=county["id"])
    assert sorted(s["amount_fen"] for s in spent) == [15_000_000, 18_000_000]
    assert set(by_rule["overspent"].records) == {("allocation", county["id"])} | {
        ("spending", s["id"]) for s in spent
    }

    terraces = _project(snap, "Triesenberg terraced farmland")
    assert by_rule["accepted_uninspected"].records == (("project", terraces["id"]),)

    water = snap.of("allocation", document="示例文号 EX-SK-2025-005")[0]
    road_repair = [
        s for s in snap.of("spending", allocation_id=water["id"]) if s["purpose"]
    ]
    assert len(road_repair) == 1
    assert road_repair[0]["amount_fen"] == 6_000_000
    assert by_rule["wrong_purpose"].records == (
        ("spending", road_repair[0]["id"]),
        ("allocation", water["id"]),
    )
    assert ("allocation", water["id"]) in by_rule["mixed_channels"].records

    temi_plan = snap.of("plan", area="sikkim", village_id="21")[0]
    assert ("plan", temi_plan["id"]) in by_rule["assistance_missing"].records


def test_history_before_the_programme_is_empty(demo_path: Path) -> None:
    store = RecordStore(demo_path)
    assert store.snapshot(as_of=dt.date(2023, 11, 17)).is_empty()
    first = store.snapshot(as_of=dt.date(2023, 11, 18))
    assert [p["village_name"] for p in first.of("plan")] == ["Planken"]


def test_history_mid_programme_shows_that_days_statuses(demo_path: Path) -> None:
    snap = RecordStore(demo_path).snapshot(as_of=dt.date(2025, 6, 5))
    status = {str(p["name"]).split(": ", 1)[1]: p["status"] for p in snap.of("project")}
    assert status == {
        "Planken village road": "accepted",  # 2024-12-10
        "Planken drinking-water pipe": "under_construction",  # 2025-03-10
        "Triesenberg terraced farmland": "accepted",  # 2024-12-18
        "Triesenberg herb-growing cooperative": "under_construction",  # 2025-04-15
        "Schellenberg village clinic": "accepted",  # 2025-06-03
        "Schellenberg village activity room": "under_construction",  # 2025-05-06
        "Yuksam village road": "under_construction",  # 2025-03-05
        "Lachen drinking-water pipe": "under_construction",  # 2025-04-07
        "Lachen school classroom": "approved",  # 2025-05-06; works 2025-06-09
        "Temi tea-processing cooperative": "under_construction",  # 2025-05-12
    }


def test_history_mid_2024_has_spent_part_of_the_county_road_fund(
    demo_path: Path,
) -> None:
    # 180,000 yuan spent on 2024-06-10, the next 150,000 on 2024-10-30
    snap = RecordStore(demo_path).snapshot(as_of=dt.date(2024, 6, 30))
    county = snap.of("allocation", document="示例文号 EX-LI-2024-002")[0]
    spent = [s["amount_fen"] for s in snap.of("spending", allocation_id=county["id"])]
    assert spent == [18_000_000]
    assert check_funds(snap, today=dt.date(2024, 6, 30)) == []


def test_history_is_dated_on_the_events_by_the_example_actor(demo_path: Path) -> None:
    store = RecordStore(demo_path)
    history = store.history()
    assert {entry["actor"] for entry in history} == {ACTOR}
    local_days = [
        dt.datetime.fromisoformat(e["at"]).astimezone().date() for e in history
    ]
    assert local_days == sorted(local_days)
    assert local_days[0] == dt.date(2023, 11, 18)
    assert local_days[-1] <= TODAY

    # a status change is saved on its own date
    for entry in store.history("status"):
        saved = dt.datetime.fromisoformat(entry["at"]).astimezone().date()
        assert saved.isoformat() == entry["after"]["on_date"]


def test_every_date_is_a_past_day_of_2023_to_2026(snap: Snapshot) -> None:
    days = [
        value
        for rows in snap.rows.values()
        for row in rows
        for value in row.values()
        if isinstance(value, dt.date)
    ]
    assert days
    assert min(days) >= dt.date(2023, 1, 1)
    assert max(days) <= TODAY
    assert max(p["period_end"] for p in snap.of("plan")) <= 2026


def test_project_geometries_lie_inside_their_village(
    demo_path: Path, snap: Snapshot
) -> None:
    ws = Workspace(demo_path)
    for area in AREAS:
        villages = ws.read(area, "villages")
        ids = villages["source_id"].astype(str)
        shapes = dict(zip(ids, villages.geometry, strict=True))
        kinds = {}
        for project in snap.of("project", area=area):
            if project["geometry_wkt"] is None:
                continue
            shape = shapely.from_wkt(project["geometry_wkt"])
            assert shapes[project["village_id"]].contains(shape), project["name"]
            kinds.setdefault(project["section"], set()).add(shape.geom_type)
        assert kinds["roads"] == {"LineString"}
        assert kinds["water"] == {"LineString"}
        assert "Point" in set().union(*kinds.values())


def test_loading_again_adds_nothing(demo_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.gpkg"
    copy.write_bytes(demo_path.read_bytes())
    before = RecordStore(copy).snapshot()
    assert load_demo_records(Workspace(copy)) == 0
    assert RecordStore(copy).snapshot().rows == before.rows


def test_demo_if_missing_adds_nothing_to_a_built_workspace(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "again.gpkg"
    copy.write_bytes(demo_path.read_bytes())
    assert main(["demo", "--workspace", str(copy), "--if-missing"]) == 0
    assert "example programme" not in capsys.readouterr().out
    assert len(RecordStore(copy).snapshot().of("plan")) == 6


# the loader on a tiny drawing: two 1 km squares (tests/records_fixtures.py)

TINY = """
actor = "示例数据 (example data)"

[[area]]
key = "望谟"

[[area.village]]
id = "1"

[area.village.plan]
title = "示例规划 Example plan"
revision = 1
period_start = 2024
period_end = 2026
assembly_date = 2024-03-01

[[area.village.target]]
section = "roads"
measure = "示例 Example: hardened road"
unit = "km"
target_value = 2

[[area.village.project]]
section = "roads"
category = "示例 Example"
name = "示例项目 Example: road"
entered_on = 2024-03-05
geometry = { shape = "line", bearing_deg = 90 }
quantity = 0.6
unit = "km"
steps = [{ status = "approved", on = STEP_DAY }]
"""


def _tiny(tmp_path: Path, step_day: str) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.replace("STEP_DAY", step_day), encoding="utf-8")
    return path


def test_tiny_programme_is_saved_on_its_days(tmp_path: Path) -> None:
    ws = village_workspace(tmp_path / "ws.gpkg")
    assert load_demo_records(ws, path=_tiny(tmp_path, "2024-04-01")) == 4

    store = RecordStore(ws)
    project = store.snapshot().of("project")[0]
    assert project["status"] == "approved"
    assert project["village_name"] == "石门坎村"
    change = store.history("status")[0]
    saved = dt.datetime.fromisoformat(change["at"]).astimezone().date()
    assert saved == dt.date(2024, 4, 1)

    # an east-west line: the middle 60 % of a 1 km chord, 600 m long
    line = shapely.from_wkt(project["geometry_wkt"])
    length_m = Geod(ellps="GRS80").geometry_length(line)
    assert length_m == pytest.approx(600, abs=2)

    # no private copy or its lock file is left beside the workspace
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_broken_programme_leaves_the_workspace_as_it_was(tmp_path: Path) -> None:
    ws = village_workspace(tmp_path / "ws.gpkg")
    before = ws.path.read_bytes()

    # the status change is dated before the project is entered
    with pytest.raises(InputError, match="before it is saved"):
        load_demo_records(ws, path=_tiny(tmp_path, "2024-03-02"))
    assert ws.path.read_bytes() == before
    assert RecordStore(ws).snapshot().is_empty()
