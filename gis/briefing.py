"""Programme progress as of a date: what the briefing maps, the atlas and
the noticeboards show (the drawing is done elsewhere).

Rules
-----
As of a date
    The records are the registry as it stood at the end of that day in
    the given time zone (:meth:`gis.records.RecordStore.snapshot`): what
    had been entered by then, rebuilt from the history. A project's
    status is the one its status changes had reached in that registry.
    A status change entered after the day is not shown, even when it is
    dated on or before it: a briefing made on that day could not have
    shown it, and an output for a past date stays the same however late
    records are entered. No event may be dated after the day it is
    entered, so every status shown is dated on or before the day.
Plan completion of a village, ``measure="quantities"``
    For the village's current plan (its highest revision), each target's
    share of its planned quantity delivered by accepted projects linked
    to it (:class:`gis.records.TargetProgress`), each capped at 100 %
    (over-delivering one target does not make up for another), averaged
    over the plan's targets. No plan, or a plan without targets: no value.
Plan completion of a village, ``measure="spending"``
    Money spent against the village's allocations (every channel)
    divided by the sum of its projects' budgets, capped at 100 %. No
    project with a budget: no value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from gis.areas import resolve_area
from gis.demo import DATA_DIR
from gis.errors import InputError
from gis.i18n import t
from gis.records import (
    STATUSES,
    Finding,
    RecordStore,
    Snapshot,
    TargetProgress,
    VillageRecords,
    check_funds,
    project_features,
    village_records,
)
from gis.workspace import Workspace, area_key

MEASURES = ("quantities", "spending")
STAGES = ("before", "after")
SOURCES_FILE = DATA_DIR / "SOURCES.md"

# progress classes: (highest share, colour), light to dark (ColorBrewer
# RdPu: a lightness ramp that stays apart from the grey, cyan, ochre,
# green and indigo of the project statuses drawn on top); 0 and 100 %
# are classes of their own
CLASSES = (
    (0.0, "#feebe2"),
    (0.25, "#fcc5c0"),
    (0.5, "#fa9fb5"),
    (0.75, "#f768a1"),
    (0.9999, "#dd3497"),
    (1.0, "#ae017e"),
)
NO_DATA = "#d9d9d9"
_CLASS_LABELS = ("0 %", "0–25 %", "25–50 %", "50–75 %", "75–100 %", "100 %")


@dataclass(frozen=True)
class VillageProgress:
    """How far one village's plan has come, by both measures (0–1)."""

    village_id: str
    name: str
    in_programme: bool
    quantities: float | None
    spending: float | None
    budget_fen: int
    spent_fen: int
    statuses: Mapping[str, int] = field(default_factory=dict)

    def share(self, measure: str) -> float | None:
        """The share by ``measure`` ("quantities" or "spending")."""
        return self.quantities if _measure(measure) == "quantities" else self.spending


@dataclass(frozen=True)
class Progress:
    """An area's progress as of a date, ready to map.

    ``villages`` holds every village of the area's village layer in
    lon/lat (EPSG:4326) with ``village_id``, ``name``, ``share`` (of
    ``measure``, 0–1, NaN without a value), ``colour`` and
    ``in_programme`` (the village has a plan); ``projects``
    the project features (:func:`gis.records.project_features`);
    ``findings`` the fund rules' findings in this area only.
    """

    area: str
    as_of: dt.date
    measure: str
    villages: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    table: list[VillageProgress]
    findings: list[Finding]
    sources: list[str]

    def village(self, village_id: str) -> VillageProgress:
        """One village's progress."""
        for row in self.table:
            if row.village_id == str(village_id):
                return row
        raise InputError(t("brief.unknown_village", area=self.area, village=village_id))


@dataclass(frozen=True)
class VillageSheet:
    """What the atlas page and the noticeboard of one village show.

    ``projects`` are the village's project features (lon/lat) to map;
    ``works`` its project records with ``project_id`` and ``spent_fen``
    added (quantities, units and dates for the noticeboard).
    """

    area: str
    village_id: str
    name: str
    shape: shapely.Geometry | None
    records: VillageRecords
    progress: VillageProgress
    projects: gpd.GeoDataFrame
    works: list[dict[str, Any]]
    as_of: dt.date

    def unassigned_fen(self) -> int:
        """Fen spent from the village's allocations on no project of its
        own (spending naming no project, or another village's project)."""
        spent = sum(int(m["spent_fen"]) for m in self.records.money)
        return max(spent - sum(int(w["spent_fen"]) for w in self.works), 0)


@dataclass(frozen=True)
class ProjectSheet:
    """What a project's noticeboard shows, before building or after acceptance.

    ``money`` rows: channel, department, allocated_fen, spent_fen.
    """

    area: str
    village_id: str
    village_name: str
    project: dict[str, Any]
    money: list[dict[str, Any]]
    inspections: list[dict[str, Any]]
    assistance: dict[str, Any] | None
    stage: str
    as_of: dt.date


# the registry as of a date


def records_as_of(
    ws: Workspace,
    as_of: dt.date | None = None,
    *,
    tz: dt.tzinfo | None = None,
) -> tuple[Snapshot, dt.date]:
    """The registry at the end of ``as_of`` (today when None) and that date."""
    store = RecordStore(ws)
    if as_of is None:
        return store.snapshot(), dt.datetime.now(tz).date()
    return store.snapshot(as_of=as_of, tz=tz), as_of


def _missing_project(
    ws: Workspace, project_id: int, day: dt.date, tz: dt.tzinfo | None
) -> str:
    """Why a project is not in the registry as of ``day``: entered later,
    or not there at all."""
    zone = tz or dt.datetime.now().astimezone().tzinfo
    entered = [
        dt.datetime.fromisoformat(h["at"]).astimezone(zone).date()
        for h in RecordStore(ws).history("project", project_id)
        if h["action"] == "insert"
    ]
    later = [d for d in entered if d > day]
    if later:
        return t("brief.project_later", id=project_id, date=day.isoformat(),
                 entered=min(later).isoformat())  # fmt: skip
    return t("brief.unknown_project", id=project_id)


def programme_dates(ws: Workspace, *, tz: dt.tzinfo | None = None) -> list[dt.date]:
    """Every day the registry changed on (in ``tz``), then today."""
    zone = tz or dt.datetime.now().astimezone().tzinfo
    days = {
        dt.datetime.fromisoformat(entry["at"]).astimezone(zone).date()
        for entry in RecordStore(ws).history()
    }
    days.add(dt.datetime.now(zone).date())
    return sorted(days)


# progress per village


def progress(
    ws: Workspace,
    area: str,
    *,
    as_of: dt.date | None = None,
    measure: str = "quantities",
    tz: dt.tzinfo | None = None,
) -> Progress:
    """Every village of ``area`` with its plan completion as of a date.

    Parameters
    ----------
    ws : Workspace
        Holds the area's village layer and the records.
    area : str
        The area (its key or name).
    as_of : datetime.date, optional
        The registry at the end of this day (see the module's rules);
        the registry as saved now when left out.
    measure : {"quantities", "spending"}
        Share of planned quantities accepted, or of budgets spent.
    tz : datetime.tzinfo, optional
        The zone whose end of day counts; this machine's by default.

    Raises
    ------
    gis.errors.InputError
        Unknown measure, or the area has no village layer.
    """
    measure = _measure(measure)
    key = resolve_area(ws, area)
    snap, day = records_as_of(ws, as_of, tz=tz)
    shapes = _village_shapes(ws, key)

    # one row per village of the layer, then the colours of the measure
    findings = check_funds(snap, today=day)
    table = [
        village_progress(snap, key, vid, name=name, today=day, findings=findings)
        for vid, name in zip(shapes["village_id"], shapes["name"], strict=True)
    ]
    shares = [row.share(measure) for row in table]
    villages = shapes.assign(
        share=[float("nan") if s is None else s for s in shares],
        colour=[share_colour(s) for s in shares],
        in_programme=[row.in_programme for row in table],
    )
    return Progress(
        area=key,
        as_of=day,
        measure=measure,
        villages=villages,
        projects=project_features(snap, key),
        table=table,
        findings=[f for f in findings if f.area == key],
        sources=sources(ws, key),
    )


def village_progress(
    snap: Snapshot,
    area: str,
    village_id: str,
    *,
    name: str | None = None,
    today: dt.date,
    findings: list[Finding] | None = None,
) -> VillageProgress:
    """One village's plan completion by both measures."""
    found = village_records(snap, area, str(village_id), today=today, findings=findings)
    return _progress_of(found, name)


def _progress_of(found: VillageRecords, name: str | None) -> VillageProgress:
    """Plan completion by both measures from a village's records."""
    budget = sum(p.get("budget_fen") or 0 for p in found.projects)
    spent = sum(m["spent_fen"] for m in found.money)
    return VillageProgress(
        village_id=found.village_id,
        name=name or _records_name(found) or found.village_id,
        in_programme=found.in_programme,
        quantities=quantities_share(found.targets),
        # over 100 % when more was spent than budgeted: shown, never hidden
        spending=spent / budget if budget > 0 else None,
        budget_fen=budget,
        spent_fen=spent,
        statuses=dict(Counter(p["status"] for p in found.projects)),
    )


def quantities_share(targets: Sequence[TargetProgress]) -> float | None:
    """Mean of the targets' shares, each capped at 1; None without targets."""
    if not targets:
        return None
    return sum(min(max(p.share, 0.0), 1.0) for p in targets) / len(targets)


def share_class(share: float | None) -> int | None:
    """Index in :data:`CLASSES` of a share (0–1); None without a value."""
    if share is None or share != share:
        return None
    for index, (upper, _) in enumerate(CLASSES):
        if share <= upper:
            return index
    return len(CLASSES) - 1


def share_colour(share: float | None) -> str:
    """The fill colour of a share; grey without a value."""
    index = share_class(share)
    return NO_DATA if index is None else CLASSES[index][1]


def class_labels() -> list[tuple[str, str]]:
    """(colour, label) of each progress class, then "no plan"."""
    rows = [
        (colour, label)
        for (_, colour), label in zip(CLASSES, _CLASS_LABELS, strict=True)
    ]
    return [*rows, (NO_DATA, t("brief.no_value"))]


# sheets of villages and projects


def village_sheets(
    ws: Workspace,
    area: str,
    *,
    as_of: dt.date | None = None,
    tz: dt.tzinfo | None = None,
    village_ids: Iterable[str] | None = None,
) -> list[VillageSheet]:
    """Sheets of the area's villages in the programme (with a plan), by name;
    or of the villages listed (in that order, with a plan or not).

    Raises
    ------
    gis.errors.InputError
        A listed village is not in the area's village layer.
    """
    key = resolve_area(ws, area)
    snap, day = records_as_of(ws, as_of, tz=tz)
    shapes = _village_shapes(ws, key).drop_duplicates("village_id")
    shapes = shapes.set_index("village_id", drop=False)
    findings = check_funds(snap, today=day)
    if village_ids is None:
        wanted = [v for a, v in snap.villages() if a == key and v in shapes.index]
        wanted.sort(key=lambda v: str(shapes.at[v, "name"]).casefold())
    else:
        wanted = [str(v) for v in village_ids]
    projects = project_features(snap, key)
    return [_sheet(snap, key, shapes, vid, projects, day, findings) for vid in wanted]


def check_notice(ws: Workspace, sheet: VillageSheet) -> None:
    """Refuse a village noticeboard with nothing to publish.

    Raises
    ------
    gis.errors.InputError
        The village had no plan on the sheet's date: it is not in the
        programme, or its plan was entered after that date.
    """
    if sheet.records.in_programme:
        return
    today = RecordStore(ws).snapshot()
    if today.of("plan", area=sheet.area, village_id=sheet.village_id):
        raise InputError(
            t("brief.notice_too_early", village=sheet.name, date=sheet.as_of)
        )
    raise InputError(t("brief.notice_no_plan", village=sheet.name))


def project_sheet(
    ws: Workspace,
    project_id: int,
    *,
    as_of: dt.date | None = None,
    tz: dt.tzinfo | None = None,
    stage: str | None = None,
) -> ProjectSheet:
    """A project's noticeboard data: before building, or after acceptance.

    ``stage`` defaults to "after" for an accepted project, else "before".

    Raises
    ------
    gis.errors.InputError
        No such project in the registry as of the date, a bad stage, or a
        stage the project is not at ("before" an accepted project, "after"
        one not yet accepted).
    """
    snap, day = records_as_of(ws, as_of, tz=tz)
    project = snap.get("project", int(project_id))
    if project is None:
        raise InputError(_missing_project(ws, int(project_id), day, tz))
    accepted = project["status"] == STATUSES[-1]
    chosen = stage or ("after" if accepted else "before")
    if chosen not in STAGES:
        raise InputError(t("brief.bad_stage", stage=chosen, valid=", ".join(STAGES)))
    if (chosen == "after") != accepted:
        # a "before building" notice of a finished project, or the reverse
        raise InputError(
            t(
                f"brief.stage_{chosen}_mismatch",
                id=project["id"],
                status=t(f"records.status_{project['status']}"),
            )
        )
    helps = snap.of(
        "assistance", area=project["area"], village_id=project["village_id"]
    )
    inspections = snap.of("inspection", project_id=project["id"])
    return ProjectSheet(
        area=project["area"],
        village_id=project["village_id"],
        village_name=project.get("village_name") or project["village_id"],
        project=project,
        money=project_money(snap, project["id"]),
        inspections=sorted(inspections, key=lambda i: i["on_date"]),
        assistance=helps[0] if helps else None,
        stage=chosen,
        as_of=day,
    )


def project_money(snap: Snapshot, project_id: int) -> list[dict[str, Any]]:
    """Allocated and spent fen per (channel, department) of one project.

    Allocated: allocations naming the project. Spent: spending entries
    naming the project (as :mod:`gis.records.summary` counts them), by the
    channel of the allocation paid from. Spending that names no project
    counts for its village's channels, never for a project.
    """
    totals: dict[tuple[str, str | None], list[int]] = {}
    for alloc in snap.of("allocation", project_id=project_id):
        channel = (alloc["channel"], alloc.get("department"))
        totals.setdefault(channel, [0, 0])[0] += alloc["amount_fen"]
    for entry in snap.of("spending", project_id=project_id):
        paid_from = snap.get("allocation", entry["allocation_id"])
        if paid_from is not None:
            channel = (paid_from["channel"], paid_from.get("department"))
            totals.setdefault(channel, [0, 0])[1] += entry["amount_fen"]
    rows = [
        {"channel": ch, "department": dep, "allocated_fen": a, "spent_fen": s}
        for (ch, dep), (a, s) in totals.items()
    ]
    return sorted(rows, key=lambda r: -r["allocated_fen"])


def area_of_village(ws: Workspace, village_id: str, area: str | None = None) -> str:
    """The area of a village: ``area`` when given, else the one area whose
    records name the village.

    Raises
    ------
    gis.errors.InputError
        No area's records name the village, or several do.
    """
    if area is not None:
        return resolve_area(ws, area)
    snap = RecordStore(ws).snapshot()
    areas = sorted({a for a, v in snap.villages() if v == str(village_id)})
    if len(areas) != 1:
        raise InputError(
            t("brief.which_area", village=village_id, areas=", ".join(areas) or "—")
        )
    return areas[0]


# sources and attribution


def sources(
    ws: Workspace, area: str, kinds: Sequence[str] = ("villages",)
) -> list[str]:
    """Where the mapped layers come from: their attribution in
    ``data/boundaries/SOURCES.md`` (demo areas), else the file each was
    imported from and when; then the programme records."""
    key = area_key(area)
    bullets = _source_bullets(key)
    lines: list[str] = []
    for info in ws.layers(key):
        if info.kind not in kinds:
            continue
        credit = _credit(bullets, info.source)
        lines.append(
            credit
            or t(
                "brief.source_layer",
                source=info.source or "—",
                imported=info.imported_at[:10],
            )
        )
    lines.append(t("brief.source_records", file=Path(ws.path).name))
    return list(dict.fromkeys(lines))


def _source_bullets(area: str, path: Path = SOURCES_FILE) -> list[str]:
    """The bullet items of the area's section of SOURCES.md, one line each."""
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    mine = [s for s in sections if s.startswith(f"`{area}/`")]
    if not mine:
        return []
    # a bullet runs from its "- " to a blank line or the next bullet
    items: list[list[str]] = []
    for line in mine[0].splitlines():
        if line.startswith("- "):
            items.append([line[2:]])
        elif line.strip() and items and items[-1]:
            items[-1].append(line)
        elif items:
            items.append([])
    return [" ".join(" ".join(item).split()) for item in items if item]


def _credit(bullets: list[str], source: str | None) -> str | None:
    """The attribution of a layer file: from the bullet that names it,
    else from the section's own Attribution and Licence bullets."""
    named = [b for b in bullets if source and f"`{source}`" in b]
    for bullet in named:
        found = _after(bullet, ("Attribution:", "citation:", "Citation:"))
        if found:
            return found
    parts = [
        _after(bullet, (label,))
        for label in ("Attribution:", "Licence:")
        for bullet in bullets
        if bullet.startswith(label)
    ]
    joined = "; ".join(p for p in parts if p)
    return joined or None


def _after(text: str, labels: Sequence[str]) -> str | None:
    """The text after the first of ``labels`` (a licence: its first sentence),
    without Markdown emphasis or quotes."""
    for label in labels:
        _, sep, rest = text.partition(label)
        if not sep:
            continue
        rest = rest.replace("**", "").strip().strip('"“”').strip()
        if label == "Licence:":
            rest = rest.split(". ")[0]
        return rest.rstrip('"“”') or None
    return None


# plumbing


def _measure(measure: str) -> str:
    """A known measure, or an error naming the allowed ones."""
    if measure not in MEASURES:
        raise InputError(
            t("brief.bad_measure", measure=measure, valid=", ".join(MEASURES))
        )
    return measure


def _village_shapes(ws: Workspace, area: str) -> gpd.GeoDataFrame:
    """The area's villages: village_id, name and geometry (lon/lat)."""
    if not any(i.kind == "villages" for i in ws.layers(area)):
        raise InputError(t("brief.no_villages", area=area))
    layer = ws.read(area, "villages", "polygon")
    names = layer["name"] if "name" in layer else pd.Series(None, index=layer.index)
    ids = layer["source_id"].astype(str)
    return gpd.GeoDataFrame(
        {
            "village_id": ids.to_list(),
            "name": [_text(n) or i for n, i in zip(names, ids, strict=True)],
        },
        geometry=layer.geometry.to_list(),
        crs="EPSG:4326",
    )


def _sheet(
    snap: Snapshot,
    area: str,
    shapes: gpd.GeoDataFrame,
    village_id: str,
    projects: gpd.GeoDataFrame,
    day: dt.date,
    findings: list[Finding],
) -> VillageSheet:
    """One village's sheet."""
    if village_id not in shapes.index:
        raise InputError(t("brief.unknown_village", area=area, village=village_id))
    name = str(shapes.at[village_id, "name"])
    found = village_records(snap, area, village_id, today=day, findings=findings)
    return VillageSheet(
        area=area,
        village_id=village_id,
        name=name,
        shape=shapes.at[village_id, "geometry"],
        records=found,
        progress=_progress_of(found, name),
        projects=projects[projects["village_id"].astype(str) == village_id],
        works=[
            {**p, "project_id": p["id"], "spent_fen": r["spent_fen"]}
            for p, r in zip(
                snap.of("project", area=area, village_id=village_id),
                found.projects,
                strict=True,
            )
        ],
        as_of=day,
    )


def _records_name(found: VillageRecords) -> str | None:
    """The village name the records carry, if any."""
    for row in (*found.plans, *found.projects):
        if row.get("village_name"):
            return str(row["village_name"])
    return None


def _text(value: object) -> str | None:
    """Text of a cell, None when missing or blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None
