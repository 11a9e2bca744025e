"""Programme indicators joined to the coverage table: assistance in place
and plan sections with approved or finished projects, from the records."""

from __future__ import annotations

import pandas as pd

from gis.i18n import t
from gis.records.indicators import programme_indicators
from gis.records.snapshot import Snapshot

# integer columns added to each village row (0/1 flags, counts); the
# total row holds their sums over the villages
COUNTS = (
    "in_programme", "has_leader", "has_cadre", "has_unit", "assistance_complete",
    "paired_households", "sections_with_projects",
)  # fmt: skip


def with_programme(
    villages: pd.DataFrame, snap: Snapshot, area: str
) -> tuple[pd.DataFrame, str]:
    """``villages`` with the programme columns, and a note on them.

    Villages without records get zeros; ``sections_without_projects``
    names the sections (keys) still without an approved or finished
    project, for villages in the programme only.
    """
    found = programme_indicators(snap, area).set_index("village_id")
    ids = villages["village_id"].astype(str)
    table = villages.copy()
    for column in COUNTS:
        values = (
            ids.map(found[column]) if len(found) else pd.Series(pd.NA, index=ids.index)
        )
        table[column] = values.fillna(0).astype(int)
    totals = table["is_total"].astype(bool)
    table.loc[totals, list(COUNTS)] = table.loc[~totals, list(COUNTS)].sum().to_numpy()
    gaps = ids.map(found["sections_without_projects"]) if len(found) else None
    table["sections_without_projects"] = (
        gaps.where(table["in_programme"] == 1, "") if gaps is not None else ""
    )
    table.loc[totals, "sections_without_projects"] = ""
    return table, _note(table, totals)


def _note(table: pd.DataFrame, totals: pd.Series) -> str:
    """How many villages are in the programme and how many are fully assisted."""
    rows = table[~totals]
    return t(
        "coverage.programme_note",
        villages=int(rows["in_programme"].sum()),
        assisted=int(rows["assistance_complete"][rows["in_programme"] == 1].sum()),
        households=int(rows["paired_households"].sum()),
    )
