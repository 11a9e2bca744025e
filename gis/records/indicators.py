"""Programme indicators per village: assistance in place and plan sections
with approved or finished projects (for coverage and briefings)."""

from __future__ import annotations

import pandas as pd

from gis.records._models import SECTIONS, STATUSES
from gis.records.snapshot import Snapshot

# statuses that count as "approved or finished"
UNDER_WAY = frozenset(STATUSES[1:])

COLUMNS = (
    "village_id", "in_programme", "has_leader", "has_cadre", "has_unit",
    "assistance_complete", "paired_households", "paired_people",
    "sections_with_projects", "sections_without_projects",
)  # fmt: skip


def programme_indicators(snap: Snapshot, area: str) -> pd.DataFrame:
    """One row per village of ``area`` that has any record.

    ``sections_with_projects`` counts the plan sections (of six) with at
    least one project approved, under construction, completed or
    accepted; ``sections_without_projects`` names the others (keys,
    comma-separated). Assistance columns are booleans; a village
    without an assistance record has none of the three.
    """
    villages = sorted({
        str(r["village_id"])
        for kind in ("plan", "project", "allocation", "assistance", "pair")
        for r in snap.of(kind, area=area)
    })  # fmt: skip
    rows = [_row(snap, area, village) for village in villages]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _row(snap: Snapshot, area: str, village: str) -> dict[str, object]:
    """The indicators of one village."""
    where = {"area": area, "village_id": village}
    helps = snap.of("assistance", **where)
    record = helps[0] if helps else {}
    has = {
        column: bool((record.get(f"{column}_name") or "").strip())
        for column in ("leader", "cadre", "unit")
    }
    pairs = snap.of("pair", **where)
    sections = {
        p["section"] for p in snap.of("project", **where) if p["status"] in UNDER_WAY
    }
    return {
        "village_id": village,
        "in_programme": bool(snap.of("plan", **where)),
        "has_leader": has["leader"],
        "has_cadre": has["cadre"],
        "has_unit": has["unit"],
        "assistance_complete": all(has.values()),
        "paired_households": len(pairs),
        "paired_people": sum(p.get("members") or 0 for p in pairs),
        "sections_with_projects": len(sections),
        "sections_without_projects": ",".join(s for s in SECTIONS if s not in sections),
    }
