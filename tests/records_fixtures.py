"""A tiny workspace for the record tests: two villages and a settable clock.

Villages (metric drawing, see tests/metric_drawing.py) in area "望谟":
"0" 幸福村 and "1" 石门坎村, two 1 km squares side by side.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import shapely

from gis.importer import PreparedLayer
from gis.records import RecordStore
from gis.report import LayerReport
from gis.workspace import Workspace
from tests.metric_drawing import METRIC, metric_frame

AREA = "望谟"
HAPPY, STONE = "0", "1"  # village ids
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "CST")


class Clock:
    """A clock the test moves by hand (aware datetimes)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, text: str) -> Clock:
        """Set the time from ISO text, e.g. ``"2025-03-01T10:00+08:00"``."""
        self.now = dt.datetime.fromisoformat(text)
        return self


def village_workspace(path: Path) -> Workspace:
    """A workspace holding the two villages."""
    ws = Workspace(path)
    frame = metric_frame(
        [shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        name=["幸福村", "石门坎村"],
        population=[400, 250],
    )
    report = LayerReport(name="villages", source="test", crs=METRIC)
    ws.add_layers(AREA, "villages", [PreparedLayer("v", "polygon", frame, report)])
    return ws


def store_at(
    path: Path, when: str = "2025-06-30T12:00+08:00"
) -> tuple[RecordStore, Clock]:
    """A record store on a fresh two-village workspace, with its clock."""
    clock = Clock(dt.datetime.fromisoformat(when))
    return RecordStore(village_workspace(path), actor="tester", clock=clock), clock


def plan_values(village: str = HAPPY, **extra: object) -> dict[str, object]:
    """A valid plan of ``village``."""
    return {
        "area": AREA,
        "village_id": village,
        "title": "整村推进规划",
        "revision": 1,
        "period_start": 2025,
        "period_end": 2027,
        **extra,
    }


def project_values(village: str = HAPPY, **extra: object) -> dict[str, object]:
    """A valid road project of ``village``."""
    return {
        "area": AREA,
        "village_id": village,
        "section": "roads",
        "category": "硬化路",
        "name": "通组路",
        **extra,
    }


def allocation_values(village: str = HAPPY, **extra: object) -> dict[str, object]:
    """A valid county poverty-fund allocation for roads."""
    return {
        "area": AREA,
        "village_id": village,
        "channel": "poverty_county",
        "purpose": "roads",
        "amount_yuan": 100_000,
        "allocated_on": "2025-03-01",
        **extra,
    }
