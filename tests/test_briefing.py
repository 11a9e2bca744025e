"""Progress as of a date, against a hand-worked history of two villages.

The programme (times UTC+8, entered with the store's clock):

2025-03-01 09:00  幸福村 plan with two targets: road 2.0 km, water 40 households;
                  石门坎村 plan without targets; 幸福村 assistance
2025-03-02 09:00  P1 road project (target road, 1.2 km, budget 300,000 yuan),
                  P2 water project (target water, 50 households, budget
                  100,000 yuan); allocation A1 300,000 yuan for P1
2025-03-10 → 05-20  P1 approved, under construction, completed
2025-04-10 10:00  100,000 yuan spent from A1 on P1
2025-05-25 10:00  150,000 yuan spent from A1 on P1
2025-06-20 10:00  P1 accepted, the change dated 2025-06-15 (entered late)
2025-07-01 10:00  P2 approved … accepted the same day

Hand-worked plan completion of 幸福村 (quantities; each target capped at 1):
until 2025-06-19: 0 %; from 2025-06-20: road 1.2 / 2.0 = 0.6, water 0
→ (0.6 + 0) / 2 = 30 %; from 2025-07-01: water 50 / 40 capped to 1
→ (0.6 + 1) / 2 = 80 %.
Budget spent (spending): budgets 300,000 + 100,000 = 400,000 yuan;
2025-04-30: 100,000 / 400,000 = 25 %; 2025-05-31: 250,000 / 400,000 = 62.5 %.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import shapely

from gis import briefing
from gis._cli_brief import parse_date
from gis.errors import InputError
from gis.importer import PreparedLayer
from gis.records import RecordStore, check_funds
from gis.report import LayerReport
from gis.workspace import Workspace, area_key
from tests.metric_drawing import METRIC, lonlat, metric_frame
from tests.records_fixtures import (
    AREA,
    HAPPY,
    SHANGHAI,
    STONE,
    allocation_values,
    plan_values,
    project_values,
    store_at,
)

ROAD_LINE = lonlat(shapely.LineString([(200, 500), (800, 500)])).wkt
WATER_POINT = lonlat(shapely.Point(500, 250)).wkt
ESCAPED_NAME = "<b>x</b>饮水工程"


def build_programme(path: Path) -> Path:
    """The hand-worked programme of the module docstring, saved at ``path``."""
    store, clock = store_at(path, "2025-03-01T09:00+08:00")
    plan = store.add("plan", plan_values(assembly_date="2025-03-01"))
    road = store.add(
        "target",
        {
            "plan_id": plan.id,
            "section": "roads",
            "measure": "硬化路",
            "unit": "km",
            "target_value": 2.0,
        },
    )
    water = store.add(
        "target",
        {
            "plan_id": plan.id,
            "section": "water",
            "measure": "安全饮水户",
            "unit": "户",
            "target_value": 40,
        },
    )
    store.add("plan", plan_values(STONE, title="石门坎村规划"))
    store.add(
        "assistance",
        {
            "area": AREA,
            "village_id": HAPPY,
            "leader_name": "王县长",
            "leader_post": "副县长",
            "cadre_name": "李驻村",
            "cadre_unit": "县农业局",
            "unit_name": "县农业局",
            "phone": "0859-1234567",
        },
    )

    clock.at("2025-03-02T09:00+08:00")
    p1 = store.add(
        "project",
        project_values(
            plan_id=plan.id,
            target_id=road.id,
            name="通组路硬化",
            quantity=1.2,
            unit="km",
            budget_yuan=300_000,
            geometry_wkt=ROAD_LINE,
            planned_start="2025-04-01",
            planned_end="2025-06-30",
        ),
    )
    p2 = store.add(
        "project",
        project_values(
            plan_id=plan.id,
            target_id=water.id,
            section="water",
            category="饮水",
            name=ESCAPED_NAME,
            quantity=50,
            unit="户",
            budget_yuan=100_000,
            geometry_wkt=WATER_POINT,
        ),
    )
    a1 = store.add(
        "allocation",
        allocation_values(
            project_id=p1.id, amount_yuan=300_000, allocated_on="2025-03-02"
        ),
    )

    for status, day in (
        ("approved", "2025-03-10"),
        ("under_construction", "2025-04-01"),
        ("completed", "2025-05-20"),
    ):
        clock.at(f"{day}T09:00+08:00")
        store.add("status", {"project_id": p1.id, "status": status, "on_date": day})
    for amount, day in ((100_000, "2025-04-10"), (150_000, "2025-05-25")):
        clock.at(f"{day}T10:00+08:00")
        store.add(
            "spending",
            {
                "allocation_id": a1.id,
                "project_id": p1.id,
                "amount_yuan": amount,
                "spent_on": day,
            },
        )

    # the acceptance of P1 is entered five days after its date
    clock.at("2025-06-20T10:00+08:00")
    _accept(store, p1.id, "2025-06-15")
    clock.at("2025-07-01T10:00+08:00")
    for status in ("approved", "under_construction", "completed"):
        store.add(
            "status", {"project_id": p2.id, "status": status, "on_date": "2025-07-01"}
        )
    _accept(store, p2.id, "2025-07-01")
    return path


def _accept(store: RecordStore, project_id: int, day: str) -> None:
    """Name who accepts, then move the project to accepted on ``day``."""
    version = store.get("project", project_id)["row_version"]
    store.update("project", project_id, {"accepted_by": "县验收组"}, version=version)
    store.add(
        "status", {"project_id": project_id, "status": "accepted", "on_date": day}
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_programme(tmp_path_factory.mktemp("brief") / "ws.gpkg")


@pytest.fixture
def ws(built: Path, tmp_path: Path) -> Workspace:
    """A private copy of the programme's workspace."""
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(built, path)
    return Workspace(path)


def _share(ws: Workspace, day: str, measure: str = "quantities") -> float | None:
    found = briefing.progress(
        ws, AREA, as_of=dt.date.fromisoformat(day), measure=measure, tz=SHANGHAI
    )
    return found.village(HAPPY).share(measure)


# plan completion as of a date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-03-01", 0.0),
        ("2025-06-15", 0.0),  # accepted on this day, but not yet entered
        ("2025-06-19", 0.0),
        ("2025-06-20", 0.30),
        ("2025-06-30", 0.30),
        ("2025-07-01", 0.80),
    ],
)
def test_quantities_as_of_a_date(ws: Workspace, day: str, expected: float) -> None:
    assert _share(ws, day) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2025-04-09", 0.0), ("2025-04-30", 0.25), ("2025-05-31", 0.625)],
)
def test_spending_as_of_a_date(ws: Workspace, day: str, expected: float) -> None:
    assert _share(ws, day, "spending") == pytest.approx(expected)


def test_colours_follow_the_classes(ws: Workspace) -> None:
    # 30 % falls in 25–50 %, 80 % in 75–100 %; the village without
    # targets and the day before any record have no value (grey)
    def colours(day: str) -> dict[str, str]:
        found = briefing.progress(
            ws, AREA, as_of=dt.date.fromisoformat(day), tz=SHANGHAI
        )
        return dict(
            zip(found.villages["village_id"], found.villages["colour"], strict=True)
        )

    assert colours("2025-06-19") == {HAPPY: "#feebe2", STONE: "#d9d9d9"}
    assert colours("2025-06-20") == {HAPPY: "#fa9fb5", STONE: "#d9d9d9"}
    assert colours("2025-07-01") == {HAPPY: "#dd3497", STONE: "#d9d9d9"}
    assert colours("2025-02-28")[HAPPY] == "#d9d9d9"


def test_share_classes_at_their_edges() -> None:
    assert briefing.share_class(0.0) == 0
    assert briefing.share_class(0.001) == 1
    assert briefing.share_class(0.25) == 1
    assert briefing.share_class(0.2501) == 2
    assert briefing.share_class(0.99) == 4
    assert briefing.share_class(1.0) == 5
    assert briefing.share_class(None) is None
    assert briefing.share_class(float("nan")) is None


def test_projects_are_mapped_with_their_status_as_of_the_day(ws: Workspace) -> None:
    found = briefing.progress(ws, AREA, as_of=dt.date(2025, 6, 19), tz=SHANGHAI)
    statuses = dict(zip(found.projects["name"], found.projects["status"], strict=True))
    assert statuses == {"通组路硬化": "completed", ESCAPED_NAME: "planned"}
    row = found.village(HAPPY)
    assert (row.budget_fen, row.spent_fen) == (40_000_000, 25_000_000)
    assert dict(row.statuses) == {"completed": 1, "planned": 1}


def test_unknown_measure_and_area(ws: Workspace) -> None:
    with pytest.raises(InputError, match="quantities, spending"):
        briefing.progress(ws, AREA, measure="votes")
    with pytest.raises(
        InputError, match=f"no area 'nowhere'. Its areas are: {AREA}."
    ):
        briefing.progress(ws, "nowhere")


# sheets of villages and projects


def test_village_sheets_of_the_programme(ws: Workspace) -> None:
    sheets = briefing.village_sheets(ws, AREA, as_of=dt.date(2025, 7, 1), tz=SHANGHAI)
    assert [s.name for s in sheets] == ["幸福村", "石门坎村"]
    happy = sheets[0]
    assert happy.progress.quantities == pytest.approx(0.8)
    assert [w["name"] for w in happy.works] == ["通组路硬化", ESCAPED_NAME]
    assert (
        happy.works[0]["quantity"] == 1.2 and happy.works[0]["spent_fen"] == 25_000_000
    )
    assert len(happy.projects) == 2 and happy.records.assistance is not None
    assert sheets[1].progress.quantities is None


def test_project_sheet_stage_and_money(ws: Workspace) -> None:
    early = briefing.project_sheet(ws, 1, as_of=dt.date(2025, 6, 19), tz=SHANGHAI)
    late = briefing.project_sheet(ws, 1, as_of=dt.date(2025, 6, 20), tz=SHANGHAI)
    assert (early.stage, late.stage) == ("before", "after")
    assert late.money == [
        {
            "channel": "poverty_county",
            "department": None,
            "allocated_fen": 30_000_000,
            "spent_fen": 25_000_000,
        }
    ]
    with pytest.raises(InputError):
        briefing.project_sheet(ws, 99)
    with pytest.raises(InputError):
        briefing.project_sheet(ws, 1, stage="during")


def test_spending_naming_no_project_counts_for_the_village_only(
    ws: Workspace,
) -> None:
    # 20,000 yuan from A1 (P1's allocation) spent on 2025-07-02 naming no
    # project: P1 has still spent 100,000 + 150,000 = 250,000 yuan; the
    # village's channel has spent 250,000 + 20,000 = 270,000 yuan, and
    # 20,000 of it went to none of its projects
    clock = lambda: dt.datetime(2025, 7, 2, 10, tzinfo=SHANGHAI)  # noqa: E731
    RecordStore(ws, actor="tester", clock=clock).add(
        "spending",
        {
            "allocation_id": 1,
            "purpose": "roads",
            "amount_yuan": 20_000,
            "spent_on": "2025-07-02",
        },
    )
    day = dt.date(2025, 7, 2)
    project = briefing.project_sheet(ws, 1, as_of=day, tz=SHANGHAI)
    assert [m["spent_fen"] for m in project.money] == [25_000_000]
    sheet = briefing.village_sheets(
        ws, AREA, as_of=day, tz=SHANGHAI, village_ids=[HAPPY]
    )[0]
    assert [m["spent_fen"] for m in sheet.records.money] == [27_000_000]
    assert sheet.works[0]["spent_fen"] == 25_000_000
    assert sheet.unassigned_fen() == 2_000_000


def test_area_maps_count_only_their_own_findings(ws: Workspace) -> None:
    # an unfunded project in another area is a finding of that area only
    day = dt.date(2025, 7, 2)
    before = briefing.progress(ws, AREA, as_of=day, tz=SHANGHAI).findings
    clock = lambda: dt.datetime(2025, 7, 2, 10, tzinfo=SHANGHAI)  # noqa: E731
    frame = metric_frame([shapely.box(0, 0, 1000, 1000)], name=["外村"])
    report = LayerReport(name="villages", source="test", crs=METRIC)
    ws.add_layers("邻县", "villages", [PreparedLayer("v", "polygon", frame, report)])
    store = RecordStore(ws, actor="tester", clock=clock)
    store.add("project", project_values(area="邻县", village_id="0", name="外县路"))
    found = briefing.progress(ws, AREA, as_of=day, tz=SHANGHAI).findings
    every = check_funds(store.snapshot(as_of=day, tz=SHANGHAI), today=day)
    assert len(every) == len(before) + 1
    assert found == before
    assert {f.area for f in found} == {area_key(AREA)}


def test_noticeboards_with_nothing_to_publish_are_refused(ws: Workspace) -> None:
    def sheet(village: str, day: dt.date | None) -> briefing.VillageSheet:
        return briefing.village_sheets(
            ws, AREA, as_of=day, tz=SHANGHAI, village_ids=[village]
        )[0]

    # 幸福村's plan was entered on 2025-03-01: nothing to show the day before
    briefing.check_notice(ws, sheet(HAPPY, dt.date(2025, 3, 1)))
    with pytest.raises(InputError, match="Nothing was recorded for 幸福村 yet"):
        briefing.check_notice(ws, sheet(HAPPY, dt.date(2025, 2, 28)))

    # 石门坎村 without its plan is not in the programme
    store = RecordStore(ws, actor="tester")
    (plan,) = store.snapshot().of("plan", village_id=STONE)
    store.delete("plan", plan["id"], version=plan["row_version"])
    with pytest.raises(InputError, match="not in the programme"):
        briefing.check_notice(ws, sheet(STONE, None))


def test_project_notice_stage_must_match_the_status(ws: Workspace) -> None:
    # P1 accepted (entered 2025-06-20); P2 still planned on 2025-06-19
    with pytest.raises(
        InputError, match='Project 1 has the status Accepted: a "before building"'
    ):
        briefing.project_sheet(
            ws, 1, as_of=dt.date(2025, 7, 1), tz=SHANGHAI, stage="before"
        )
    with pytest.raises(
        InputError, match="Project 2 has the status Planned, not yet accepted"
    ):
        briefing.project_sheet(
            ws, 2, as_of=dt.date(2025, 6, 19), tz=SHANGHAI, stage="after"
        )
    found = briefing.project_sheet(
        ws, 1, as_of=dt.date(2025, 6, 19), tz=SHANGHAI, stage="before"
    )
    assert found.stage == "before"


def test_area_of_a_village(ws: Workspace) -> None:
    assert briefing.area_of_village(ws, HAPPY) == area_key(AREA)
    with pytest.raises(InputError, match="--area"):
        briefing.area_of_village(ws, "404")


def test_programme_dates(ws: Workspace) -> None:
    days = briefing.programme_dates(ws, tz=SHANGHAI)
    assert days[0] == dt.date(2025, 3, 1)
    assert dt.date(2025, 6, 20) in days and dt.date(2025, 6, 15) not in days
    assert days[-1] == dt.datetime.now(SHANGHAI).date()


# sources


def test_sources_of_a_demo_area_come_from_sources_md(tmp_path: Path) -> None:
    bullets = briefing._source_bullets("sikkim")
    credit = briefing._credit(bullets, "villages.geojson")
    assert credit is not None and credit.startswith("Village boundaries © DataMeet")
    osm = briefing._credit(briefing._source_bullets("liechtenstein"), "x.geojson")
    assert osm == (
        "© OpenStreetMap contributors, https://www.openstreetmap.org/copyright; "
        "Open Database License (ODbL) 1.0"
    )


def test_sources_of_other_areas_name_the_file(ws: Workspace) -> None:
    lines = briefing.sources(ws, AREA)
    assert lines[0].startswith("village boundaries from test (imported ")
    assert lines[-1] == "programme records of the workspace ws.gpkg"


# dates on the command line


def test_dates_are_checked() -> None:
    assert parse_date("2025-06-30") == dt.date(2025, 6, 30)
    assert parse_date(None) is None
    for bad in ("2025-6-30", "30/06/2025", "2025-02-30"):
        with pytest.raises(InputError, match="YYYY-MM-DD"):
            parse_date(bad)
    with pytest.raises(InputError, match="after today"):
        parse_date((dt.date.today() + dt.timedelta(days=2)).isoformat())


@pytest.mark.parametrize(
    ("goal", "base", "done", "share"),
    [
        (110, 45, 65, 1.0),  # the gap of 65 households closed
        (120, 70, 25, 0.5),  # half of the gap of 50
        (90, 90, 0, 1.0),  # a baseline at the target asks for nothing
        (100, None, 40, 0.4),  # no baseline: against the target
        (10, 30, 5, 0.5),  # a reduction: against the target itself
        (0, None, 5, 0.0),  # no target value
    ],
)
def test_a_target_asks_for_what_it_adds_to_its_baseline(
    goal: float, base: float | None, done: float, share: float
) -> None:
    from gis.records.summary import target_share

    target = {"target_value": goal, "baseline_value": base}
    assert target_share(target, done) == pytest.approx(share)


def test_spending_over_the_budget_is_shown_not_capped(demo_gpkg: Path) -> None:
    # the example programme spends 1,395,000 yuan on Planken's
    # projects against a budget of 1,365,000
    snap = RecordStore(demo_gpkg).snapshot()
    found = briefing.village_progress(snap, "liechtenstein", "9",
                                      today=dt.date(2026, 12, 4))  # fmt: skip
    assert (found.budget_fen, found.spent_fen) == (136_500_000, 139_500_000)
    assert found.share("spending") == pytest.approx(1395 / 1365)
    assert briefing.share_colour(found.share("spending")) == briefing.CLASSES[-1][1]
