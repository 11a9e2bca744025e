"""The registry as it stood on a past date, rebuilt from the history; and a
save killed half-way leaves the workspace consistent."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gis.errors import InputError
from gis.records import RecordStore
from tests.records_fixtures import (
    SHANGHAI,
    plan_values,
    project_values,
    store_at,
    village_workspace,
)

UTC = dt.UTC


@pytest.fixture
def story(tmp_path: Path) -> RecordStore:
    """One village's year, each change at a known time (UTC+8):

    2025-03-01 09:00  plan saved, title "初稿"
    2025-03-15 10:00  plan title changed to "定稿"
    2025-04-02 08:00  road project entered (planned)
    2025-05-20 16:00  project approved (status date 2025-05-20)
    2025-06-10 07:30  project deleted
    """
    store, clock = store_at(tmp_path / "ws.gpkg", "2025-03-01T09:00+08:00")
    plan = store.add("plan", plan_values(title="初稿"))
    clock.at("2025-03-15T10:00+08:00")
    store.update("plan", plan.id, {"title": "定稿"}, version=1)
    clock.at("2025-04-02T08:00+08:00")
    project = store.add("project", project_values())
    clock.at("2025-05-20T16:00+08:00")
    store.add(
        "status",
        {"project_id": project.id, "status": "approved", "on_date": "2025-05-20"},
    )
    clock.at("2025-06-10T07:30+08:00")
    store.delete("project", project.id, version=2)
    return store


@pytest.mark.parametrize(
    ("day", "title", "project_status"),
    [
        ("2025-02-28", None, None),
        ("2025-03-01", "初稿", None),
        ("2025-03-14", "初稿", None),
        ("2025-03-15", "定稿", None),
        ("2025-04-02", "定稿", "planned"),
        ("2025-05-19", "定稿", "planned"),
        ("2025-05-20", "定稿", "approved"),
        ("2025-06-09", "定稿", "approved"),
        ("2025-06-10", "定稿", None),
    ],
)
def test_as_of_a_date(
    story: RecordStore, day: str, title: str | None, project_status: str | None
) -> None:
    snap = story.snapshot(as_of=dt.date.fromisoformat(day), tz=SHANGHAI)
    assert [p["title"] for p in snap.of("plan")] == ([title] if title else [])
    assert [p["status"] for p in snap.of("project")] == (
        [project_status] if project_status else []
    )
    # the status change goes with its project
    assert len(snap.of("status")) == (project_status == "approved")


def test_a_date_ends_at_midnight_in_the_given_zone(story: RecordStore) -> None:
    # the plan was saved 2025-03-01 09:00 in UTC+8 = 01:00 UTC; the
    # title change 2025-03-15 10:00 UTC+8 = 02:00 UTC
    in_utc = story.snapshot(as_of=dt.date(2025, 2, 28), tz=UTC)
    assert in_utc.of("plan") == []
    just_before = dt.datetime(2025, 3, 15, 1, 59, 59, tzinfo=UTC)
    assert story.snapshot(as_of=just_before).of("plan")[0]["title"] == "初稿"
    exactly = dt.datetime(2025, 3, 15, 2, 0, tzinfo=UTC)
    assert story.snapshot(as_of=exactly).of("plan")[0]["title"] == "定稿"


def test_a_time_without_zone_is_refused(story: RecordStore) -> None:
    with pytest.raises(InputError, match="no time zone"):
        story.snapshot(as_of=dt.datetime(2025, 3, 15, 12, 0))


def test_as_of_now_equals_the_live_registry(story: RecordStore) -> None:
    now = dt.datetime(2025, 7, 1, tzinfo=UTC)
    rebuilt, live = story.snapshot(as_of=now), story.snapshot()
    assert dict(rebuilt.rows) == dict(live.rows)


def test_history_names_who_and_when(story: RecordStore) -> None:
    entries = story.history()
    assert [(e["kind"], e["action"]) for e in entries] == [
        ("plan", "insert"),
        ("plan", "update"),
        ("project", "insert"),
        ("status", "insert"),
        ("project", "update"),
        ("status", "delete"),
        ("project", "delete"),
    ]
    assert {e["actor"] for e in entries} == {"tester"}
    assert entries[1]["at"] == "2025-03-15T02:00:00.000000+00:00"


# a save killed half-way


WRITER = textwrap.dedent(
    """
    import sys
    from gis.records import RecordStore
    store = RecordStore(sys.argv[1], actor="writer")
    print("ready", flush=True)
    i = 0
    while True:
        with store.batch():  # long transactions: most kills land inside one
            for _ in range(20):
                i += 1
                plan = store.add("plan", {"area": "望谟", "village_id": "0",
                    "title": f"plan {i}", "revision": i, "period_start": 2025,
                    "period_end": 2027, "notes": "x" * 20000})
                store.add("target", {"plan_id": plan.id, "section": "roads",
                    "measure": "road", "unit": "km", "target_value": i})
    """
)


def kill_mid_save(path: Path, *, tries: int = 30) -> int:
    """Kill a writer of records until it dies inside a save (SQLite's
    rollback journal is left behind), varying the moment of the kill."""
    for attempt in range(tries):
        with subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)],
            stdout=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[1],
        ) as writer:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == b"ready"
            time.sleep(0.2 + 0.037 * attempt)
            writer.send_signal(signal.SIGKILL)
            writer.wait()
        if path.with_name(path.name + "-journal").exists():
            return attempt + 1
    pytest.fail(f"no kill landed inside a save in {tries} tries")


@pytest.mark.parametrize("next_writer", ["records", "layers"])
def test_a_killed_save_leaves_the_workspace_consistent(
    tmp_path: Path, next_writer: str
) -> None:
    store, _ = store_at(tmp_path / "ws.gpkg")
    store.add("plan", plan_values(title="before"))
    kills = kill_mid_save(store.workspace.path)

    # the next writer, of records or of layers (which copies the file),
    # rolls back what was half done
    if next_writer == "layers":
        village_workspace(store.workspace.path)
    store.add("plan", plan_values(title="after", revision=2))
    with contextlib.closing(sqlite3.connect(store.workspace.path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    snap = store.snapshot()
    plans = snap.of("plan")
    assert plans[0]["title"] == "before" and plans[-1]["title"] == "after"

    # every record has exactly its insert in the history, and no more
    inserted = {
        (e["kind"], e["record_id"]) for e in store.history() if e["action"] == "insert"
    }
    assert inserted == {(k, r["id"]) for k in ("plan", "target") for r in snap.of(k)}

    # a batch is saved whole: every plan a killed writer saved has its target
    writer_plans = {p["id"] for p in plans if p["title"].startswith("plan ")}
    assert {t["plan_id"] for t in snap.of("target")} == writer_plans
    assert kills >= 1
