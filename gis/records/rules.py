"""The fund and assistance rules the product checks, each finding naming
the records involved.

Rules (``Finding.rule``):

``overspent``
    Spending against an allocation exceeds its amount.
``wrong_purpose``
    Spending on a plan section the allocation was not for, or on a
    project other than the one it was allocated to.
``mixed_channels``
    One allocation pays for the purposes of two channels: its spending
    reaches plan sections that belong to two different sector
    departments (roads to transport, drinking water to water, …), so
    money of separate channels has been merged.
``unfunded_project``
    A project that no allocation names and no spending pays for.
``unused_after_end``
    An allocation with money left after its project ended: the project
    is completed or accepted, and its actual end (else the day it was
    marked completed) has passed.
``overdue_project``
    A project not yet completed whose planned end has passed.
``accepted_uninspected``
    A project accepted without an inspection that passed (none on
    record, or only "rectify" or "fail" results).
``assistance_missing``
    A village in the programme (it has a plan) without a linked leader,
    a resident cadre or an assisting unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from gis.i18n import t
from gis.records._models import SECTIONS
from gis.records.snapshot import Snapshot

RULES = (
    "overspent",
    "wrong_purpose",
    "mixed_channels",
    "unfunded_project",
    "unused_after_end",
    "overdue_project",
    "accepted_uninspected",
    "assistance_missing",
)

# statuses of a project whose building is over
FINISHED = ("completed", "accepted")

# which sector department owns each plan section's purpose
SECTION_OWNER = {
    "farmland": "agriculture",
    "water": "water",
    "roads": "transport",
    "income": "agriculture",
    "services": "social",
    "leadership": "organisation",
}


@dataclass(frozen=True)
class Finding:
    """One broken rule: which, where, the records involved and a message."""

    rule: str
    area: str
    village_id: str
    village_name: str | None
    records: tuple[tuple[str, int], ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON and tables."""
        return {
            "rule": self.rule,
            "area": self.area,
            "village_id": self.village_id,
            "village_name": self.village_name,
            "records": [f"{kind}:{rid}" for kind, rid in self.records],
            "message": self.message,
        }


def check_funds(snap: Snapshot, *, today: dt.date) -> list[Finding]:
    """Every finding of every rule, by village then rule.

    ``today`` decides which project ends have passed.
    """
    spent = _spending_by_allocation(snap)
    findings = [
        *_overspent(snap, spent),
        *_wrong_purpose(snap),
        *_mixed_channels(snap, spent),
        *_unfunded(snap),
        *_unused(snap, spent, today),
        *_overdue(snap, today),
        *_uninspected(snap),
        *_assistance(snap),
    ]
    return sorted(findings, key=lambda f: (f.area, f.village_id, RULES.index(f.rule)))


def village_findings(
    findings: list[Finding], area: str, village_id: str
) -> list[Finding]:
    """The findings of one village."""
    return [f for f in findings if (f.area, f.village_id) == (area, village_id)]


def yuan(fen: int | float) -> str:
    """Whole fen as a yuan amount with a thousands separator and unit."""
    return t("records.amount", amount=f"{fen / 100:,.2f}")


# the rules


def _spending_by_allocation(snap: Snapshot) -> dict[int, list[dict[str, Any]]]:
    by_allocation: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in snap.of("spending"):
        by_allocation[row["allocation_id"]].append(row)
    return by_allocation


def _finding(
    rule: str,
    owner: dict[str, Any],
    records: list[tuple[str, int]],
    *,
    message: str | None = None,
    **params: object,
) -> Finding:
    """A finding located at ``owner``'s village (message key by rule name)."""
    return Finding(
        rule=rule,
        area=owner["area"],
        village_id=owner["village_id"],
        village_name=owner.get("village_name"),
        records=tuple(records),
        message=t(f"records.rule_{message or rule}", lang=None, **params),
    )


def _overspent(snap: Snapshot, spent: dict[int, list[dict[str, Any]]]) -> list[Finding]:
    findings = []
    for alloc in snap.of("allocation"):
        entries = spent.get(alloc["id"], [])
        total = sum(e["amount_fen"] for e in entries)
        if total > alloc["amount_fen"]:
            records = [("allocation", alloc["id"])] + [
                ("spending", e["id"]) for e in entries
            ]
            findings.append(
                _finding(
                    "overspent",
                    alloc,
                    records,
                    id=alloc["id"],
                    spent=yuan(total),
                    amount=yuan(alloc["amount_fen"]),
                    over=yuan(total - alloc["amount_fen"]),
                )
            )
    return findings


def _purpose_of(snap: Snapshot, entry: dict[str, Any]) -> str | None:
    """What a spending entry paid for: its own purpose, else its project's section."""
    if entry.get("purpose"):
        return str(entry["purpose"])
    project = (
        snap.get("project", entry["project_id"]) if entry.get("project_id") else None
    )
    return None if project is None else str(project["section"])


def _wrong_purpose(snap: Snapshot) -> list[Finding]:
    findings = []
    for entry in snap.of("spending"):
        alloc = snap.get("allocation", entry["allocation_id"])
        if alloc is None:
            continue
        purpose = _purpose_of(snap, entry)
        records = [("spending", entry["id"]), ("allocation", alloc["id"])]
        if purpose is not None and purpose != alloc["purpose"]:
            findings.append(
                _finding(
                    "wrong_purpose",
                    alloc,
                    records,
                    spending=entry["id"],
                    id=alloc["id"],
                    purpose=t(f"records.section_{purpose}"),
                    allowed=t(f"records.section_{alloc['purpose']}"),
                )
            )
        elif alloc.get("project_id") and entry.get("project_id") not in (
            None,
            alloc["project_id"],
        ):
            findings.append(
                _finding(
                    "wrong_purpose",
                    alloc,
                    [*records, ("project", entry["project_id"])],
                    message="wrong_project",
                    spending=entry["id"],
                    id=alloc["id"],
                    project=entry["project_id"],
                    allowed=alloc["project_id"],
                )
            )
    return findings


def _mixed_channels(
    snap: Snapshot, spent: dict[int, list[dict[str, Any]]]
) -> list[Finding]:
    findings = []
    for alloc in snap.of("allocation"):
        entries = spent.get(alloc["id"], [])
        owners: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            purpose = _purpose_of(snap, entry)
            if purpose is not None:
                owners[SECTION_OWNER[purpose]].append(entry["id"])
        if len(owners) < 2:
            continue
        used = {_purpose_of(snap, e) for e in entries}
        sections = [s for s in SECTIONS if s in used]
        records = [("allocation", alloc["id"])] + [
            ("spending", sid) for ids in owners.values() for sid in ids
        ]
        findings.append(
            _finding(
                "mixed_channels",
                alloc,
                records,
                id=alloc["id"],
                sections=t("records.list_sep").join(
                    t(f"records.section_{s}") for s in sections
                ),
            )
        )
    return findings


def _unfunded(snap: Snapshot) -> list[Finding]:
    funded = {a["project_id"] for a in snap.of("allocation") if a.get("project_id")}
    funded |= {s["project_id"] for s in snap.of("spending") if s.get("project_id")}
    return [
        _finding(
            "unfunded_project", p, [("project", p["id"])], id=p["id"], name=p["name"]
        )
        for p in snap.of("project")
        if p["id"] not in funded
    ]


def _unused(
    snap: Snapshot, spent: dict[int, list[dict[str, Any]]], today: dt.date
) -> list[Finding]:
    findings = []
    for alloc in snap.of("allocation"):
        left = alloc["amount_fen"] - sum(
            e["amount_fen"] for e in spent.get(alloc["id"], [])
        )
        entries = spent.get(alloc["id"], [])
        project_ids = {alloc.get("project_id")} | {e.get("project_id") for e in entries}
        projects = [snap.get("project", pid) for pid in project_ids if pid is not None]
        ends = [
            (end, p["id"])
            for p in projects
            if p is not None and (end := _ended_on(snap, p)) is not None
        ]
        if left <= 0 or not ends:
            continue
        end, project_id = max(ends)
        if end < today:
            findings.append(
                _finding(
                    "unused_after_end",
                    alloc,
                    [("allocation", alloc["id"]), ("project", project_id)],
                    id=alloc["id"],
                    left=yuan(left),
                    project=project_id,
                    end=end,
                )
            )
    return findings


def _ended_on(snap: Snapshot, project: dict[str, Any]) -> dt.date | None:
    """When a completed or accepted project ended (None: not ended)."""
    if project["status"] not in FINISHED:
        return None
    if project.get("actual_end"):
        return project["actual_end"]  # type: ignore[no-any-return]
    steps = [s["on_date"] for s in snap.of("status", project_id=project["id"])
             if s["status"] in FINISHED]  # fmt: skip
    return min(steps) if steps else None


def _overdue(snap: Snapshot, today: dt.date) -> list[Finding]:
    return [
        _finding(
            "overdue_project",
            p,
            [("project", p["id"])],
            id=p["id"],
            name=p["name"],
            end=p["planned_end"],
            status=t(f"records.status_{p['status']}"),
        )
        for p in snap.of("project")
        if p["status"] not in FINISHED
        and p.get("planned_end") is not None
        and p["planned_end"] < today
    ]


def _uninspected(snap: Snapshot) -> list[Finding]:
    passed = {i["project_id"] for i in snap.of("inspection", result="pass")}
    inspected = {i["project_id"] for i in snap.of("inspection")}
    return [
        _finding(
            "accepted_uninspected",
            p,
            [("project", p["id"])],
            message="accepted_not_passed" if p["id"] in inspected else None,
            id=p["id"],
            name=p["name"],
        )
        for p in snap.of("project", status="accepted")
        if p["id"] not in passed
    ]


def _assistance(snap: Snapshot) -> list[Finding]:
    findings = []
    for area, village_id in snap.villages():
        plan = snap.of("plan", area=area, village_id=village_id)[0]
        helps = snap.of("assistance", area=area, village_id=village_id)
        record = helps[0] if helps else {}
        lacking = [
            t(f"records.field_{column}")
            for column in ("leader_name", "cadre_name", "unit_name")
            if not (record.get(column) or "").strip()
        ]
        if lacking:
            records = [("plan", plan["id"])] + (
                [("assistance", record["id"])] if record else []
            )
            findings.append(
                _finding(
                    "assistance_missing",
                    plan,
                    records,
                    missing=t("records.list_sep").join(lacking),
                    village=plan.get("village_name") or village_id,
                )
            )
    return findings
