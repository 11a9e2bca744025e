"""What the records say about a village: plan progress, projects, money
by channel, assistance and findings; and the project features to map.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import shapely

from gis.records._models import STATUSES
from gis.records._validate import convert
from gis.records.rules import Finding, check_funds, village_findings
from gis.records.snapshot import Snapshot

PROJECT_COLUMNS = (
    "project_id",
    "village_id",
    "village_name",
    "name",
    "section",
    "category",
    "status",
    "budget_fen",
    "spent_fen",
    "progress_pct",
)


@dataclass(frozen=True)
class TargetProgress:
    """A plan target and how much of it accepted projects have delivered.

    ``done`` counts the quantities of accepted projects linked to the
    target, converted to the target's unit; ``unconvertible`` lists
    projects whose unit could not be converted (not counted).
    """

    target: dict[str, Any]
    done: float
    share: float
    unconvertible: tuple[int, ...] = ()


@dataclass(frozen=True)
class VillageRecords:
    """Everything recorded for one village."""

    area: str
    village_id: str
    plans: list[dict[str, Any]]
    targets: list[TargetProgress]
    projects: list[dict[str, Any]]
    money: list[dict[str, Any]]
    assistance: dict[str, Any] | None
    pairs: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)

    @property
    def in_programme(self) -> bool:
        """Whether the village has a plan."""
        return bool(self.plans)


def village_records(
    snap: Snapshot,
    area: str,
    village_id: str,
    *,
    today: dt.date,
    findings: list[Finding] | None = None,
) -> VillageRecords:
    """The records of one village, with plan progress and money by channel.

    ``findings`` may be passed when already computed for the whole
    registry; else the rules are run here.
    """
    where = {"area": area, "village_id": str(village_id)}
    plans = sorted(snap.of("plan", **where), key=lambda p: -p["revision"])
    projects = [_project_row(snap, p) for p in snap.of("project", **where)]
    targets = [
        _progress(snap, target)
        for plan in plans[:1]
        for target in snap.of("target", plan_id=plan["id"])
    ]
    helps = snap.of("assistance", **where)
    found = findings if findings is not None else check_funds(snap, today=today)
    return VillageRecords(
        area=area,
        village_id=str(village_id),
        plans=plans,
        targets=targets,
        projects=projects,
        money=money_by_channel(snap, **where),
        assistance=helps[0] if helps else None,
        pairs=snap.of("pair", **where),
        findings=village_findings(found, area, str(village_id)),
    )


def money_by_channel(snap: Snapshot, **where: object) -> list[dict[str, Any]]:
    """Allocated and spent fen per (channel, department), largest first."""
    totals: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0, 0])
    for alloc in snap.of("allocation", **where):
        key = (alloc["channel"], alloc.get("department"))
        totals[key][0] += alloc["amount_fen"]
        totals[key][1] += sum(
            s["amount_fen"] for s in snap.of("spending", allocation_id=alloc["id"])
        )
    rows = [
        {"channel": ch, "department": dep, "allocated_fen": a, "spent_fen": s}
        for (ch, dep), (a, s) in totals.items()
    ]
    return sorted(rows, key=lambda r: -r["allocated_fen"])


def project_features(snap: Snapshot, area: str) -> gpd.GeoDataFrame:
    """An area's projects that have a geometry, as a lon/lat layer.

    Columns: :data:`PROJECT_COLUMNS` and ``geometry`` (EPSG:4326).
    Projects with an unreadable geometry are left out.
    """
    rows, shapes = [], []
    for project in snap.of("project", area=area):
        shape = _shape(project.get("geometry_wkt"))
        if shape is None:
            continue
        rows.append(_project_row(snap, project))
        shapes.append(shape)
    frame = gpd.GeoDataFrame(
        rows or None, columns=list(PROJECT_COLUMNS), geometry=shapes, crs="EPSG:4326"
    )
    return frame


def _project_row(snap: Snapshot, project: dict[str, Any]) -> dict[str, Any]:
    """A project with what was spent on it."""
    spent = sum(s["amount_fen"] for s in snap.of("spending", project_id=project["id"]))
    return {
        "project_id": project["id"],
        "village_id": project["village_id"],
        "village_name": project.get("village_name"),
        "name": project["name"],
        "section": project["section"],
        "category": project["category"],
        "status": project["status"],
        "budget_fen": project.get("budget_fen"),
        "spent_fen": spent,
        "progress_pct": project.get("progress_pct"),
    }


def _progress(snap: Snapshot, target: dict[str, Any]) -> TargetProgress:
    """Quantities of the target's accepted projects in the target's unit."""
    done, unconvertible = 0.0, []
    for project in snap.of("project", target_id=target["id"], status=STATUSES[-1]):
        if project.get("quantity") is None:
            continue
        value = convert(
            project["quantity"], project.get("unit") or target["unit"], target["unit"]
        )
        if value is None:
            unconvertible.append(project["id"])
        else:
            done += value
    share = target_share(target, done)
    return TargetProgress(target, done, share, tuple(unconvertible))


def target_share(target: Mapping[str, Any], done: float) -> float:
    """How much of a target ``done`` delivers (0 and up, not capped).

    A target above its baseline asks for the gap: ``done`` against
    ``target - baseline`` (a baseline at the target asks for nothing,
    share 1). A target without a baseline, or below it (a reduction,
    which projects' quantities do not measure), is measured against the
    target itself.
    """
    goal = target.get("target_value") or 0.0
    base = target.get("baseline_value")
    if base is not None and 0 <= base <= goal and goal > 0:
        gap = goal - base
        return done / gap if gap > 0 else 1.0
    return done / goal if goal else 0.0


def _shape(wkt: str | None) -> shapely.Geometry | None:
    """A WKT geometry, or None when empty or unreadable."""
    if not wkt:
        return None
    try:
        shape = shapely.from_wkt(wkt)
    except shapely.errors.GEOSException:
        return None
    return None if shape is None or shape.is_empty else shape
