"""Records at county scale: save latency, snapshot, rules and as-of replay.

Builds a two-village workspace in a temporary folder, times single saves
through :class:`gis.records.RecordStore` (each one transaction under the
writers' lock, with its history row), then writes a generated county
registry straight into the tables (villages × plans, targets, projects,
status changes, allocations, spending; not timed) and times reading it
back, the fund rules over all of it, every village's summary, and the
registry rebuilt from the history as of a past date.

    .venv/bin/python benchmarks/records.py
    .venv/bin/python benchmarks/records.py --villages 500 --saves 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gis.records import RecordStore, check_funds, village_records
from gis.records._models import MODELS, History
from gis.records._schema import engine
from tests.records_fixtures import (
    project_values,
    village_workspace,
)

TODAY = dt.date(2026, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=150)
    parser.add_argument("--saves", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = RecordStore(village_workspace(Path(tmp) / "ws.gpkg"), actor="bench")
        report = {"save_ms": _saves(store, args.saves)}
        counts = _generate(store, args.villages)
        report.update(counts=counts, **_reads(store, args.villages))
    print(json.dumps(report, indent=2))


def _saves(store: RecordStore, n: int) -> dict[str, float]:
    """Median and 95th percentile of single saves (project add + update)."""
    times = []
    for i in range(n):
        start = time.perf_counter()
        saved = store.add("project", project_values(name=f"p{i}"))
        store.update("project", saved.id, {"progress_pct": 50}, version=1)
        times.append((time.perf_counter() - start) * 1000 / 2)
    times.sort()
    return {
        "median": round(statistics.median(times), 1),
        "p95": round(times[int(0.95 * (n - 1))], 1),
    }


def _generate(store: RecordStore, villages: int) -> dict[str, int]:
    """A county registry written straight into the tables, history included."""
    rows: dict[str, list[dict[str, object]]] = {k: [] for k in MODELS}
    ids = dict.fromkeys(MODELS, 1_000_000)

    def add(kind: str, **values: object) -> int:
        ids[kind] += 1
        rows[kind].append({"id": ids[kind], "row_version": 1, **values})
        return ids[kind]

    for v in range(villages):
        village = {"area": "bench", "village_id": str(v), "village_name": f"村{v}"}
        plan = add("plan", **village, title="plan", revision=1,
                   period_start=2024, period_end=2026)  # fmt: skip
        for section in ("farmland", "water", "roads", "income", "services"):
            add("target", plan_id=plan, section=section, measure="m",
                unit="km", target_value=10.0)  # fmt: skip
        for p in range(20):
            project = add("project", **village, plan_id=plan, section="roads",
                          category="road", name=f"p{p}", status="approved",
                          quantity=1.0, unit="km", budget_fen=10_000_000,
                          planned_end=dt.date(2025, 12, 31))  # fmt: skip
            add("status", project_id=project, status="approved",
                on_date=dt.date(2025, 3, 1))  # fmt: skip
            alloc = add("allocation", **village, project_id=project,
                        channel="poverty_county", purpose="roads",
                        amount_fen=10_000_000,
                        allocated_on=dt.date(2025, 3, 1))  # fmt: skip
            for _ in range(2):
                add("spending", allocation_id=alloc, project_id=project,
                    amount_fen=4_000_000, spent_on=dt.date(2025, 6, 1))  # fmt: skip
        add("assistance", **village, leader_name="a", cadre_name="b", unit_name="c")
    _insert(store, rows)
    return {kind: len(found) for kind, found in rows.items()}


def _insert(store: RecordStore, rows: dict[str, list[dict[str, object]]]) -> None:
    """Bulk insert the rows and one history row each."""
    at = dt.datetime(2025, 6, 1, tzinfo=dt.UTC).isoformat(timespec="microseconds")
    eng = engine(store.workspace.path, write=True)
    with eng.begin() as conn:
        for kind, found in rows.items():
            if found:
                conn.execute(sa.insert(MODELS[kind]), found)
                history = [
                    {"at": at, "actor": "bench", "kind": kind, "record_id": r["id"],
                     "action": "insert", "before_json": None,
                     "after_json": json.dumps(r, default=str)}
                    for r in found
                ]  # fmt: skip
                conn.execute(sa.insert(History), history)
    eng.dispose()


def _reads(store: RecordStore, villages: int) -> dict[str, float]:
    """Seconds to read, check, summarise every village, and replay history."""
    timings = {}
    start = time.perf_counter()
    snap = store.snapshot()
    timings["snapshot_s"] = time.perf_counter() - start

    start = time.perf_counter()
    findings = check_funds(snap, today=TODAY)
    timings["rules_s"] = time.perf_counter() - start

    start = time.perf_counter()
    for v in range(villages):
        village_records(snap, "bench", str(v), today=TODAY, findings=findings)
    timings["all_village_summaries_s"] = time.perf_counter() - start

    start = time.perf_counter()
    store.snapshot(as_of=dt.date(2025, 12, 31), tz=dt.UTC)
    timings["as_of_replay_s"] = time.perf_counter() - start
    timings["findings"] = len(findings)
    return {k: round(v, 3) for k, v in timings.items()}


if __name__ == "__main__":
    main()
