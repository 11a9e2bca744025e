"""Saving records: values, validation, stale edits, status steps, deletes, schema."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pyogrio
import pytest

from gis.errors import ConflictError, InputError, ValidationError, WorkspaceError
from gis.i18n import use_language
from gis.records import RecordStore, to_fen
from gis.records._schema import VERSION_TABLE, head
from gis.workspace import Workspace
from tests.records_fixtures import (
    AREA,
    HAPPY,
    STONE,
    allocation_values,
    plan_values,
    project_values,
    store_at,
    village_workspace,
)


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    return store_at(tmp_path / "ws.gpkg")[0]


def problems_of(call) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.problems


# values


def test_a_plan_is_saved_with_the_village_name_from_the_layer(
    store: RecordStore,
) -> None:
    saved = store.add("plan", plan_values(attendance=60, votes_for=51, votes_against=3))
    assert (saved.id, saved.row_version) == (1, 1)
    plan = store.get("plan", saved.id)
    assert plan["village_name"] == "幸福村"
    assert (plan["attendance"], plan["votes_for"], plan["votes_against"]) == (60, 51, 3)
    assert plan["area"] == "望谟"


@pytest.mark.parametrize(
    ("entered", "fen"),
    [
        ("12,000.50", 1_200_050),
        (12000.5, 1_200_050),
        ("0.005", 1),
        ("3元", 300),
        (1_000_000, 100_000_000),
    ],
)
def test_yuan_are_kept_as_whole_fen(entered: object, fen: int) -> None:
    assert to_fen(entered) == fen


@pytest.mark.parametrize("entered", ["1e400", "9e27", "1" * 29])
def test_huge_amounts_are_refused_with_the_limit(
    store: RecordStore, entered: str
) -> None:
    with use_language("en"):
        problems = problems_of(
            lambda: store.add("project", project_values(budget_yuan=entered))
        )
    assert len(problems) == 1
    assert "must be at most 1,000,000,000" in problems[0]
    assert store.snapshot().of("project") == []


def test_huge_quantities_and_counts_are_refused(store: RecordStore) -> None:
    with use_language("en"):
        problems = problems_of(
            lambda: store.add("project", project_values(quantity="1e30"))
        )
        assert problems == ["Quantity: must be at most 1,000,000,000, not 1e+30"]
        problems = problems_of(
            lambda: store.add("plan", plan_values(attendance=20_000_000))
        )
    assert len(problems) == 1 and "must be at most 10,000,000" in problems[0]


def test_a_huge_negative_amount_is_refused_as_not_positive(store: RecordStore) -> None:
    with use_language("en"):
        problems = problems_of(
            lambda: store.add("project", project_values(budget_yuan="-1e30"))
        )
    assert problems == ["Budget (yuan): must be more than 0, not -1e30"]


def test_budget_in_yuan_is_stored_in_fen(store: RecordStore) -> None:
    saved = store.add("project", project_values(budget_yuan="1,234,567.89"))
    assert store.get("project", saved.id)["budget_fen"] == 123_456_789


# validation


def test_every_problem_is_reported_together_and_nothing_is_saved(
    store: RecordStore,
) -> None:
    found = problems_of(
        lambda: store.add(
            "project",
            {
                "area": AREA,
                "village_id": "9",
                "section": "bridges",
                "name": "桥",
                "budget_yuan": -5,
                "planned_start": "2026-05-01",
                "planned_end": "2026-01-01",
                "colour": "red",
            },
        )
    )
    assert len(found) == 6, found
    text = " | ".join(found)
    for part in (
        "colour",
        "bridges",
        "Budget (yuan): must be more than 0",
        "no village with id 9",
        "Category is required",
        "Planned start (2026-05-01) is after Planned end (2026-01-01)",
    ):
        assert part in text
    assert store.snapshot().is_empty()


def test_problems_are_in_chinese_when_asked(store: RecordStore) -> None:
    with use_language("zh"):
        found = problems_of(lambda: store.add("plan", plan_values(period_end=2024)))
    assert found == ["起始年（2025）晚于截止年（2024）"]


def test_votes_cannot_exceed_attendance(store: RecordStore) -> None:
    found = problems_of(
        lambda: store.add(
            "plan", plan_values(attendance=50, votes_for=40, votes_against=11)
        )
    )
    assert found == ["51 votes were cast but only 50 people attended"]


def test_events_cannot_be_dated_after_today(store: RecordStore) -> None:
    # the clock stands at 2025-06-30; planned dates may be later
    store.add("project", project_values(planned_end="2026-12-31"))
    found = problems_of(
        lambda: store.add("allocation", allocation_values(allocated_on="2025-07-01"))
    )
    assert "after today (2025-06-30)" in found[0]


def test_units_must_match_the_target(store: RecordStore) -> None:
    plan = store.add("plan", plan_values())
    target = store.add(
        "target",
        {
            "plan_id": plan.id,
            "section": "roads",
            "measure": "硬化路",
            "unit": "km",
            "target_value": 3,
        },
    )
    linked = project_values(plan_id=plan.id, target_id=target.id, quantity=1200)
    store.add("project", {**linked, "unit": "m"})  # same kind of measure
    found = problems_of(lambda: store.add("project", {**linked, "unit": "亩"}))
    assert found == [
        "the unit 亩 does not measure the same thing as the target's unit km"
    ]


def test_target_of_another_section_is_refused(store: RecordStore) -> None:
    plan = store.add("plan", plan_values())
    target = store.add(
        "target",
        {
            "plan_id": plan.id,
            "section": "water",
            "measure": "安全饮水户",
            "unit": "户",
            "target_value": 120,
        },
    )
    found = problems_of(
        lambda: store.add(
            "project", project_values(plan_id=plan.id, target_id=target.id)
        )
    )
    assert found == [
        f"target {target.id} is in the section Drinking water; choose that "
        "section or another target"
    ]


def test_links_stay_within_one_village(store: RecordStore) -> None:
    plan = store.add("plan", plan_values(village=STONE))
    found = problems_of(
        lambda: store.add("project", project_values(village=HAPPY, plan_id=plan.id))
    )
    assert found == [f"village plan {plan.id} belongs to another village (石门坎村)"]


def test_sector_funds_name_their_department(store: RecordStore) -> None:
    found = problems_of(
        lambda: store.add("allocation", allocation_values(channel="sector"))
    )
    assert found == ["sector funds must name their department"]
    found = problems_of(
        lambda: store.add("allocation", allocation_values(department="transport"))
    )
    assert found == ["only sector funds have a department, not Poverty funds (county)"]
    store.add("allocation", allocation_values(channel="sector", department="transport"))


def test_spending_cannot_come_before_its_allocation(store: RecordStore) -> None:
    alloc = store.add("allocation", allocation_values(allocated_on="2025-03-01"))
    found = problems_of(
        lambda: store.add(
            "spending",
            {"allocation_id": alloc.id, "amount_yuan": 10, "spent_on": "2025-02-28"},
        )
    )
    assert found == [
        f"spent on 2025-02-28, before allocation {alloc.id} was made (2025-03-01)"
    ]


def test_one_assistance_record_per_village(store: RecordStore) -> None:
    first = store.add(
        "assistance", {"area": AREA, "village_id": HAPPY, "unit_name": "县交通局"}
    )
    found = problems_of(
        lambda: store.add(
            "assistance", {"area": AREA, "village_id": HAPPY, "cadre_name": "王"}
        )
    )
    assert found == [
        f"this village already has an assistance record ({first.id}); edit that one"
    ]


def test_a_record_cannot_move_village(store: RecordStore) -> None:
    plan = store.add("plan", plan_values())
    found = problems_of(
        lambda: store.update(
            "plan", plan.id, {"village_id": STONE}, version=plan.row_version
        )
    )
    assert found == [
        "a record cannot move to another village; delete it and enter it there"
    ]


# stale edits


def test_an_edit_based_on_a_stale_version_is_refused(store: RecordStore) -> None:
    plan = store.add("plan", plan_values(title="v1"))
    # two planners open version 1; the first saves
    first = store.update("plan", plan.id, {"title": "first"}, version=1)
    assert first.row_version == 2
    history_before = len(store.history())

    with pytest.raises(ConflictError) as caught:
        store.update("plan", plan.id, {"title": "second"}, version=1)
    assert "you edited version 1, it is now at 2" in str(caught.value)
    assert "tester" in str(caught.value)
    assert store.get("plan", plan.id)["title"] == "first"
    assert len(store.history()) == history_before

    with pytest.raises(ConflictError):
        store.delete("plan", plan.id, version=1)
    assert store.get("plan", plan.id)["title"] == "first"


def test_an_update_keeps_before_and_after(store: RecordStore) -> None:
    plan = store.add("plan", plan_values(title="v1"))
    store.update("plan", plan.id, {"title": "v2", "attendance": 40}, version=1)
    last = store.history("plan", plan.id)[-1]
    assert last["action"] == "update"
    assert (last["before"]["title"], last["after"]["title"]) == ("v1", "v2")
    assert (last["before"]["attendance"], last["after"]["attendance"]) == (None, 40)
    assert last["actor"] == "tester"


# status steps


def test_status_moves_forward_with_dated_steps(store: RecordStore) -> None:
    project = store.add("project", project_values())
    store.add(
        "status",
        {"project_id": project.id, "status": "approved", "on_date": "2025-03-01"},
    )
    store.add(
        "status",
        {
            "project_id": project.id,
            "status": "under_construction",
            "on_date": "2025-04-10",
        },
    )
    stored = store.get("project", project.id)
    assert stored["status"] == "under_construction"
    assert str(stored["actual_start"]) == "2025-04-10"

    # backwards, or dated before the last step, is refused
    found = problems_of(
        lambda: store.add(
            "status",
            {"project_id": project.id, "status": "approved", "on_date": "2025-05-01"},
        )
    )
    assert found == [
        "the status Approved does not come after the current status Under construction"
    ]
    found = problems_of(
        lambda: store.add(
            "status",
            {"project_id": project.id, "status": "completed", "on_date": "2025-04-01"},
        )
    )
    assert found == [
        "the date 2025-04-01 is before the project's last status change (2025-04-10)"
    ]


def steps(store: RecordStore, project: int, *moves: tuple[str, str]) -> None:
    for status, day in moves:
        store.add("status", {"project_id": project, "status": status, "on_date": day})


def test_status_moves_one_step_at_a_time(store: RecordStore) -> None:
    project = store.add("project", project_values())
    found = problems_of(
        lambda: steps(store, project.id, ("under_construction", "2025-04-01"))
    )
    assert found == [
        "the status Under construction skips a step: after Planned comes Approved; "
        "record each step with its date"
    ]


def test_accepting_needs_who_accepted(store: RecordStore) -> None:
    project = store.add("project", project_values())
    steps(
        store, project.id, ("approved", "2025-03-01"),
        ("under_construction", "2025-04-01"), ("completed", "2025-05-20"),
    )  # fmt: skip
    step = {"project_id": project.id, "status": "accepted", "on_date": "2025-06-01"}
    found = problems_of(lambda: store.add("status", step))
    assert found == [
        "enter who accepted the project (accepted by) before marking it accepted"
    ]
    version = store.get("project", project.id)["row_version"]
    store.update("project", project.id, {"accepted_by": "县验收组"}, version=version)
    store.add("status", step)
    assert str(store.get("project", project.id)["accepted_on"]) == "2025-06-01"


def test_undoing_the_latest_step_moves_the_project_back(store: RecordStore) -> None:
    project = store.add("project", project_values())
    first = store.add(
        "status",
        {"project_id": project.id, "status": "approved", "on_date": "2025-03-01"},
    )
    second = store.add(
        "status",
        {"project_id": project.id, "status": "under_construction",
         "on_date": "2025-05-01"},
    )  # fmt: skip
    with pytest.raises(InputError, match="latest"):
        store.delete("status", first.id, version=first.row_version)
    store.delete("status", second.id, version=second.row_version)
    assert store.get("project", project.id)["status"] == "approved"
    with pytest.raises(InputError, match="cannot be edited"):
        store.update("status", first.id, {"note": "x"}, version=1)


# deletes


def test_deleting_a_plan_takes_its_targets_but_not_its_projects(
    store: RecordStore,
) -> None:
    plan = store.add("plan", plan_values())
    target = store.add(
        "target",
        {
            "plan_id": plan.id,
            "section": "roads",
            "measure": "硬化路",
            "unit": "km",
            "target_value": 2,
        },
    )
    project = store.add("project", project_values(plan_id=plan.id))
    with pytest.raises(ValidationError, match=f"project {project.id} still refer"):
        store.delete("plan", plan.id, version=1)

    store.delete("project", project.id, version=1)
    store.delete("plan", plan.id, version=1)
    snap = store.snapshot()
    assert snap.of("plan") == [] and snap.of("target") == []
    deleted = [
        (h["kind"], h["record_id"]) for h in store.history() if h["action"] == "delete"
    ]
    assert deleted == [
        ("project", project.id),
        ("target", target.id),
        ("plan", plan.id),
    ]


def test_a_project_with_money_cannot_be_deleted(store: RecordStore) -> None:
    project = store.add("project", project_values())
    alloc = store.add("allocation", allocation_values(project_id=project.id))
    with pytest.raises(ValidationError, match=f"allocation {alloc.id} still refer"):
        store.delete("project", project.id, version=1)


def test_a_deleted_records_id_is_never_given_again(store: RecordStore) -> None:
    first = store.add("project", project_values())
    second = store.add("project", project_values())
    store.delete("project", second.id, version=1)
    store.delete("project", first.id, version=1)
    third = store.add("project", project_values())
    assert (first.id, second.id, third.id) == (1, 2, 3)
    # each id has the history of one record only
    ids = [h["record_id"] for h in store.history("project") if h["action"] == "insert"]
    assert ids == [1, 2, 3]
    # other kinds count on their own
    assert store.add("plan", plan_values()).id == 1


# the workspace


def test_records_need_an_existing_workspace(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "none.gpkg")
    assert store.snapshot().is_empty()
    with pytest.raises(WorkspaceError, match="import one first"):
        store.add("plan", plan_values())
    assert not (tmp_path / "none.gpkg").exists()


def test_schema_is_at_head_and_tables_open_in_qgis(store: RecordStore) -> None:
    store.add("plan", plan_values())
    path = store.workspace.path
    with contextlib.closing(sqlite3.connect(path)) as conn:
        version = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        listed = {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes'"
            )
        }
        ok = conn.execute("PRAGMA integrity_check").fetchone()
    assert version == (head(),)
    assert {"vp_plans", "vp_projects", "vp_allocations", "vp_history"} <= listed
    assert ok == ("ok",)
    # GDAL reads the record table as a layer without geometry
    plans = pyogrio.read_dataframe(path, layer="vp_plans", read_geometry=False)
    assert list(plans["title"]) == ["整村推进规划"]


def test_a_workspace_of_the_first_schema_is_migrated_on_the_next_save(
    store: RecordStore,
) -> None:
    from alembic import command

    from gis.records._schema import _config, engine

    store.add("plan", plan_values())
    path = store.workspace.path
    with engine(path, write=True).begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone() == (
            "0001",
        )

    store.add("plan", plan_values())
    with contextlib.closing(sqlite3.connect(path)) as conn:
        version = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(vp_history)")}
        titles = [r[0] for r in conn.execute("SELECT title FROM vp_plans")]
    assert version == (head(),) == ("0002",)
    assert "ix_vp_history_kind_record_id" in indexes
    assert titles == ["整村推进规划", "整村推进规划"]


def test_layer_writes_keep_the_records(tmp_path: Path) -> None:
    store, _ = store_at(tmp_path / "ws.gpkg")
    store.add("plan", plan_values())
    village_workspace(tmp_path / "ws.gpkg")  # re-import the villages
    assert [p["title"] for p in store.snapshot().of("plan")] == ["整村推进规划"]
    assert Workspace(tmp_path / "ws.gpkg").areas() == ["望谟"]


def test_a_batch_saves_all_or_nothing(store: RecordStore) -> None:
    with store.batch():
        plan = store.add("plan", plan_values())
        store.update("plan", plan.id, {"title": "定稿"}, version=1)
        assert store.get("plan", plan.id)["row_version"] == 2  # seen inside
    assert [p["title"] for p in store.snapshot().of("plan")] == ["定稿"]

    with pytest.raises(ValidationError), store.batch():
        store.add("plan", plan_values(village=STONE))
        store.add("plan", plan_values(period_end=1900))
    assert len(store.snapshot().of("plan")) == 1
    assert len(store.history()) == 2


@pytest.mark.parametrize(
    ("wkt", "problem"),
    [
        ("hello", "is not a geometry in WKT"),
        ("POINT EMPTY", "the geometry is empty"),
        ("POINT (500000 3000000)", "not longitude/latitude in degrees"),
        ("POLYGON ((106 25, 106.01 25.01, 106 25.01, 106.01 25, 106 25))",
         "not valid (Self-intersection"),
        ("GEOMETRYCOLLECTION (POINT (106 25))", "GeometryCollection cannot be"),
    ],
)  # fmt: skip
def test_project_geometry_must_be_lonlat_wkt(
    store: RecordStore, wkt: str, problem: str
) -> None:
    found = problems_of(lambda: store.add("project", project_values(geometry_wkt=wkt)))
    assert len(found) == 1 and problem in found[0], found


def test_project_geometry_is_kept_to_six_decimals(store: RecordStore) -> None:
    saved = store.add(
        "project",
        project_values(geometry_wkt="LINESTRING (105.0034567 25.001, 105.004 25.002)"),
    )
    wkt = store.get("project", saved.id)["geometry_wkt"]
    assert wkt == "LINESTRING (105.003457 25.001, 105.004 25.002)"


def test_project_geometry_must_lie_near_its_village(store: RecordStore) -> None:
    # the villages lie at about 105.0-105.02 E, 25.0-25.01 N
    found = problems_of(
        lambda: store.add("project", project_values(geometry_wkt="POINT (116.4 39.9)"))
    )
    assert found == [
        "the location (from 116.4, 39.9) lies far outside 幸福村 (more than about "
        "5 km from it); check the coordinates, or the village"
    ]
    saved = store.add("project", project_values(geometry_wkt="POINT (105.04 25.03)"))
    moved = {"geometry_wkt": "POINT (105.2 25.0)"}
    found = problems_of(lambda: store.update("project", saved.id, moved, version=1))
    assert "lies far outside 幸福村" in found[0]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"budget_yuan": "1e12"}, "Budget (yuan): must be at most 1,000,000,000, "
                                  "not 1,000,000,000,000"),
        ({"budget_yuan": -5}, "Budget (yuan): must be more than 0, not -5"),
        ({"name": "路" * 201}, "Name: 201 characters is too long (at most 200)"),
    ],
)  # fmt: skip
def test_absurd_values_are_refused(
    store: RecordStore, values: dict[str, object], problem: str
) -> None:
    found = problems_of(lambda: store.add("project", project_values(**values)))
    assert len(found) == 1 and found[0].startswith(problem), found


def test_phone_numbers(store: RecordStore) -> None:
    village = {"area": AREA, "village_id": HAPPY}
    found = problems_of(lambda: store.add("assistance", {**village, "phone": "abc"}))
    assert found == [
        "Phone: abc is not a phone number (digits, spaces, + - ( ) and an extension)"
    ]
    store.add("assistance", {**village, "phone": "0859-1234567 转 802"})
