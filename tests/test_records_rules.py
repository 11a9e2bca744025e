"""Each fund and assistance rule on records built for it, with the findings
worked out by hand (which rule, which records, the amounts in the message)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gis.i18n import use_language
from gis.records import RecordStore, check_funds, village_records
from gis.records.indicators import programme_indicators
from tests.records_fixtures import (
    AREA,
    HAPPY,
    STONE,
    allocation_values,
    plan_values,
    project_values,
    store_at,
)

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    return store_at(tmp_path / "ws.gpkg")[0]


def spend(store: RecordStore, allocation: int, yuan: object, **extra: object) -> int:
    values = {
        "allocation_id": allocation,
        "amount_yuan": yuan,
        "spent_on": "2025-04-01",
    }
    return store.add("spending", {**values, **extra}).id


def found(store: RecordStore, rule: str) -> list[tuple[tuple[str, int], ...]]:
    """Records named by the findings of one rule."""
    findings = check_funds(store.snapshot(), today=TODAY)
    return [f.records for f in findings if f.rule == rule]


def messages(store: RecordStore, rule: str) -> list[str]:
    findings = check_funds(store.snapshot(), today=TODAY)
    return [f.message for f in findings if f.rule == rule]


def funded_project(store: RecordStore, **extra: object) -> tuple[int, int]:
    """A road project with a 100,000 yuan county allocation for roads."""
    project = store.add("project", project_values(**extra)).id
    alloc = store.add("allocation", allocation_values(project_id=project)).id
    return project, alloc


def test_spending_over_the_allocation(store: RecordStore) -> None:
    project, alloc = funded_project(store)
    first = spend(store, alloc, "60,000", project_id=project)
    assert found(store, "overspent") == []  # 60,000 of 100,000
    second = spend(store, alloc, "40,000.01", project_id=project)
    assert found(store, "overspent") == [
        (("allocation", alloc), ("spending", first), ("spending", second))
    ]
    assert messages(store, "overspent") == [
        f"Allocation {alloc}: 100,000.01 yuan spent against 100,000.00 yuan "
        "allocated (0.01 yuan over)."
    ]


def test_spending_exactly_the_allocation_is_fine(store: RecordStore) -> None:
    project, alloc = funded_project(store)
    spend(store, alloc, 100_000, project_id=project)
    assert found(store, "overspent") == []


def test_spending_on_another_purpose(store: RecordStore) -> None:
    _, alloc = funded_project(store)
    water = store.add("project", project_values(section="water", name="水池")).id
    entry = spend(store, alloc, 5000, project_id=water)
    assert found(store, "wrong_purpose") == [
        (("spending", entry), ("allocation", alloc))
    ]
    assert messages(store, "wrong_purpose") == [
        f"Spending {entry} pays for Drinking water, "
        f"but allocation {alloc} is for Roads."
    ]


def test_spending_on_another_project_of_the_same_purpose(store: RecordStore) -> None:
    _, alloc = funded_project(store)
    other = store.add("project", project_values(name="另一条路")).id
    entry = spend(store, alloc, 5000, project_id=other)
    assert found(store, "wrong_purpose") == [
        (("spending", entry), ("allocation", alloc), ("project", other))
    ]


def test_one_allocation_feeding_two_channels_purposes(store: RecordStore) -> None:
    road, alloc = funded_project(store)
    water = store.add("project", project_values(section="water", name="水池")).id
    on_road = spend(store, alloc, 1000, project_id=road)
    assert found(store, "mixed_channels") == []
    on_water = spend(store, alloc, 1000, project_id=water)
    assert found(store, "mixed_channels") == [
        (("allocation", alloc), ("spending", on_road), ("spending", on_water))
    ]
    assert messages(store, "mixed_channels") == [
        f"Allocation {alloc} pays for the purposes of more than one channel "
        "(Drinking water, Roads); keep each channel's money apart."
    ]


def test_farmland_and_income_share_one_department(store: RecordStore) -> None:
    # both sections belong to agriculture: one channel, no finding
    alloc = store.add("allocation", allocation_values(purpose="farmland")).id
    spend(store, alloc, 1000, purpose="farmland")
    spend(store, alloc, 1000, purpose="income")
    assert found(store, "mixed_channels") == []


def test_project_without_allocation(store: RecordStore) -> None:
    lonely = store.add("project", project_values(name="无资金")).id
    funded_project(store)
    paid = store.add("project", project_values(name="只有支出")).id
    alloc = store.add("allocation", allocation_values()).id
    spend(store, alloc, 10, project_id=paid)
    assert found(store, "unfunded_project") == [(("project", lonely),)]


def finish(store: RecordStore, project: int, on: str = "2025-06-20") -> None:
    """Move a project along to completed, one dated step at a time."""
    for step, day in (("approved", "2025-03-01"), ("under_construction", "2025-03-15"),
                      ("completed", on)):  # fmt: skip
        store.add("status", {"project_id": project, "status": step, "on_date": day})


def test_allocation_unused_after_the_project_end(store: RecordStore) -> None:
    project, alloc = funded_project(store, planned_end="2025-06-29")
    spend(store, alloc, "99,999.99", project_id=project)
    # not finished: late, but its money is not idle yet
    assert found(store, "unused_after_end") == []
    assert found(store, "overdue_project") == [(("project", project),)]
    finish(store, project, on="2025-06-20")  # actual end filled in: 2025-06-20
    assert found(store, "overdue_project") == []
    assert found(store, "unused_after_end") == [
        (("allocation", alloc), ("project", project))
    ]
    assert messages(store, "unused_after_end") == [
        f"Allocation {alloc} still has 0.01 yuan unused after project {project} "
        "ended (2025-06-20)."
    ]


def test_a_project_ending_today_is_not_past_its_end(store: RecordStore) -> None:
    project, _ = funded_project(store, planned_end="2024-12-31")
    finish(store, project, on="2025-06-30")  # today
    assert found(store, "unused_after_end") == []
    assert found(store, "overdue_project") == []


def test_allocation_used_up_is_fine_after_the_end(store: RecordStore) -> None:
    project, alloc = funded_project(store, planned_end="2025-01-31")
    spend(store, alloc, 100_000, project_id=project)
    finish(store, project, on="2025-04-01")
    assert found(store, "unused_after_end") == []


def test_accepted_without_a_passed_inspection(store: RecordStore) -> None:
    project, _ = funded_project(store, accepted_by="县验收组")
    finish(store, project, on="2025-05-30")
    store.add("status", {"project_id": project, "status": "accepted",
                         "on_date": "2025-06-01"})  # fmt: skip
    assert found(store, "accepted_uninspected") == [(("project", project),)]

    def inspect(result: str) -> None:
        store.add("inspection", {"project_id": project, "on_date": "2025-05-20",
                                 "inspector": "李工", "result": result})  # fmt: skip

    inspect("rectify")
    assert messages(store, "accepted_uninspected") == [
        f"Project {project} (通组路) was accepted, but none of its inspections passed."
    ]
    inspect("pass")
    assert found(store, "accepted_uninspected") == []


def test_villages_in_the_programme_need_leader_cadre_and_unit(
    store: RecordStore,
) -> None:
    happy = store.add("plan", plan_values(village=HAPPY)).id
    stone = store.add("plan", plan_values(village=STONE)).id
    help_id = store.add("assistance", {
        "area": AREA, "village_id": HAPPY, "leader_name": "张副县长",
        "cadre_name": "李四", "unit_name": "县交通运输局",
    }).id  # fmt: skip
    store.add("assistance", {"area": AREA, "village_id": STONE, "leader_name": "王",
                             "unit_name": "  "})  # fmt: skip
    assert found(store, "assistance_missing") == [
        (("plan", stone), ("assistance", help_id + 1))
    ]
    assert messages(store, "assistance_missing") == [
        "石门坎村 is in the programme but lacks: Resident cadre, Assisting unit."
    ]
    assert happy  # the complete village has no finding
    with use_language("zh"):
        text = check_funds(store.snapshot(), today=TODAY)[-1].message
    assert text == "石门坎村 已纳入规划，但缺少：驻村干部、帮扶单位。"


def test_a_village_outside_the_programme_is_not_checked(store: RecordStore) -> None:
    store.add("project", project_values(village=STONE))
    assert found(store, "assistance_missing") == []


def test_village_records_gather_money_progress_and_findings(
    store: RecordStore,
) -> None:
    plan = store.add("plan", plan_values()).id
    target = store.add("target", {"plan_id": plan, "section": "roads",
                                  "measure": "硬化路", "unit": "km",
                                  "target_value": 4})  # fmt: skip
    done = store.add("project", project_values(
        plan_id=plan, target_id=target.id, quantity=1500, unit="m",
        accepted_by="县验收组")).id  # fmt: skip
    store.add("project", project_values(plan_id=plan, target_id=target.id,
                                        quantity=2, unit="km"))  # fmt: skip
    finish(store, done, on="2025-05-30")
    store.add("status", {"project_id": done, "status": "accepted",
                         "on_date": "2025-06-01"})  # fmt: skip
    county = store.add("allocation", allocation_values(project_id=done)).id
    store.add("allocation", allocation_values(
        project_id=done, channel="sector", department="transport",
        amount_yuan=250_000))  # fmt: skip
    spend(store, county, 30_000, project_id=done)

    summary = village_records(store.snapshot(), AREA, HAPPY, today=TODAY)
    # 1,500 m accepted of a 4 km target = 1.5 km, 37.5 %
    (progress,) = summary.targets
    assert progress.done == pytest.approx(1.5)
    assert progress.share == pytest.approx(0.375)
    assert summary.money == [
        {"channel": "sector", "department": "transport",
         "allocated_fen": 25_000_000, "spent_fen": 0},
        {"channel": "poverty_county", "department": None,
         "allocated_fen": 10_000_000, "spent_fen": 3_000_000},
    ]  # fmt: skip
    rules = sorted(f.rule for f in summary.findings)
    # both allocations keep money after the acceptance on 2025-06-01
    assert rules == [
        "accepted_uninspected", "assistance_missing", "unfunded_project",
        "unused_after_end", "unused_after_end",
    ]  # fmt: skip
    assert village_records(store.snapshot(), AREA, STONE, today=TODAY).findings == []


def test_programme_indicators_per_village(store: RecordStore) -> None:
    store.add("plan", plan_values(village=HAPPY))
    store.add("assistance", {"area": AREA, "village_id": HAPPY, "leader_name": "张",
                             "cadre_name": "李", "unit_name": "县水务局"})  # fmt: skip
    for household, members in (("王家", 4), ("赵家", None)):
        store.add("pair", {"area": AREA, "village_id": HAPPY, "household": household,
                           "members": members, "helper_name": "刘"})  # fmt: skip
    road = store.add("project", project_values()).id
    store.add("project", project_values(section="water", name="水池"))  # planned only
    store.add("status", {"project_id": road, "status": "approved",
                         "on_date": "2025-05-01"})  # fmt: skip
    store.add("project", project_values(village=STONE, section="income", name="茶园"))

    table = programme_indicators(store.snapshot(), AREA).set_index("village_id")
    happy, stone = table.loc[HAPPY], table.loc[STONE]
    assert bool(happy.in_programme) and bool(happy.assistance_complete)
    assert (happy.paired_households, happy.paired_people) == (2, 4)
    assert happy.sections_with_projects == 1  # roads approved; water only planned
    assert (
        happy.sections_without_projects == "farmland,water,income,services,leadership"
    )
    assert not stone.in_programme and not stone.has_leader
    assert stone.sections_with_projects == 0
