"""The example programme of the demo areas: invented records, saved in date order.

``data/boundaries/demo_records.toml`` describes, for a few real villages of
each demo area, an EXAMPLE plan with its targets, projects moving through
their statuses, inspections, money by channel, spending and assistance.
Every record is saved through :class:`~gis.records.RecordStore` with the
clock set to the day of its event, so the history can be replayed as of
any past day. Road and water lines and project points are worked out from
the village polygon (lon/lat), so they always fall inside the village.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.ops import substring

from gis.errors import InputError
from gis.i18n import t
from gis.records.store import RecordStore
from gis.villages import village_table
from gis.workspace import Workspace, area_key

log = logging.getLogger(__name__)

RECORDS_FILE = "demo_records.toml"
DEFAULT_PATH = (
    Path(__file__).resolve().parents[2] / "data" / "boundaries" / RECORDS_FILE
)

# the share of a chord kept for a line: its middle, well inside the village
_LINE_FROM, _LINE_TO = 0.2, 0.8
# the hour of the working day the first save of each day is made at
_OFFICE_HOUR = dt.time(9, 0)
_BETWEEN_SAVES = dt.timedelta(minutes=2)

# keys of the file that describe how to save a project, not its fields
_PROJECT_KEYS = (
    "entered_on",
    "geometry",
    "steps",
    "progress",
    "inspection",
    "allocation",
    "link_target",
    "accepted_by",
    "acceptance_notes",
)


@dataclass(frozen=True)
class _Ref:
    """The id of a record saved earlier, by its name in this file."""

    name: str


@dataclass(frozen=True)
class _Save:
    """One save: a new record (named for later references) or an edit."""

    on: dt.date
    kind: str
    values: dict[str, Any]
    name: str | None = None
    edit: bool = False


@dataclass
class _Clock:
    """Local office time on the day of the event being saved."""

    now: dt.datetime = field(
        default_factory=lambda: dt.datetime.min.replace(tzinfo=dt.UTC)
    )

    def __call__(self) -> dt.datetime:
        return self.now

    def move_to(self, day: dt.date) -> None:
        """Step to ``day`` (or a little later on the same day)."""
        start = dt.datetime.combine(day, _OFFICE_HOUR).astimezone()
        self.now = start if start > self.now else self.now + _BETWEEN_SAVES


def load_demo_records(workspace: Workspace, *, path: Path = DEFAULT_PATH) -> int:
    """Save the example programme into every demo area that has no plan yet.

    Areas without a village layer in ``workspace``, or that already hold
    plans (the example programme, or the user's own), are left alone, so
    running it twice adds nothing the second time. The programme goes in
    whole or not at all: it is saved into a private copy of the file that
    replaces the workspace only once every record is in.

    Parameters
    ----------
    workspace : Workspace
        A workspace holding the demo areas' village layers.
    path : Path
        The example programme file.

    Returns
    -------
    int
        The number of records saved or edited.

    Raises
    ------
    gis.errors.InputError
        The file names a village the layer lacks, or refers to a record
        before the day it is saved (the shipped example is broken).
    """
    with path.open("rb") as fh:
        programme = tomllib.load(fh)
    areas = [a for a in programme["area"] if _wanted(workspace, area_key(a["key"]))]
    if not areas:
        return 0

    # every save of those areas, in date order, in one transaction
    count = _save_all(workspace, areas, actor=programme["actor"])
    log.info("example programme: %d records saved or edited", count)
    return count


def _wanted(workspace: Workspace, area: str) -> bool:
    """Whether ``area`` has a village layer and no plan yet."""
    if village_table(workspace, area).empty:
        log.info("example programme: no village layer in %s, skipped", area)
        return False
    if RecordStore(workspace).snapshot().of("plan", area=area):
        log.info("example programme: %s already has plans, skipped", area)
        return False
    return True


def _save_all(workspace: Workspace, areas: list[dict[str, Any]], *, actor: str) -> int:
    """Save the areas' records one by one, each on the day of its event."""
    saves = [save for area in areas for save in _area_saves(workspace, area)]
    saves.sort(key=lambda s: s.on)
    clock = _Clock()
    store = RecordStore(workspace, actor=actor, clock=clock)
    ids: dict[str, int] = {}
    with store.batch():
        for save in saves:
            clock.move_to(save.on)
            _apply(store, save, ids)
    return len(saves)


def _apply(store: RecordStore, save: _Save, ids: dict[str, int]) -> None:
    """Carry out one save, turning references into record ids."""
    values = {key: _resolve(value, ids) for key, value in save.values.items()}
    if save.edit:
        assert save.name is not None
        record_id = ids[save.name]
        version = store.get(save.kind, record_id)["row_version"]
        store.update(save.kind, record_id, values, version=version)
        return
    saved = store.add(save.kind, values)
    if save.name is not None:
        ids[save.name] = saved.id


def _resolve(value: object, ids: dict[str, int]) -> object:
    """A reference as the id it names; other values as they are."""
    if not isinstance(value, _Ref):
        return value
    if value.name not in ids:
        raise InputError(t("recordscli.demo_bad_ref", name=value.name))
    return ids[value.name]


# the saves of one area, village by village


def _area_saves(workspace: Workspace, area: dict[str, Any]) -> list[_Save]:
    """Every save of one area's example villages (in file order)."""
    key = area_key(area["key"])
    shapes = _village_shapes(workspace, key)
    saves: list[_Save] = []
    for village in area["village"]:
        shape = shapes.get(str(village["id"]))
        if shape is None:
            raise InputError(
                t("recordscli.demo_no_village", area=key, village=village["id"])
            )
        saves += _village_saves(key, village, shape)
    return saves


def _village_shapes(workspace: Workspace, area: str) -> dict[str, shapely.Geometry]:
    """Village polygons (lon/lat) by village id."""
    frame = workspace.read(area, "villages")
    ids = frame["source_id"].astype(str)
    return dict(zip(ids, frame.geometry, strict=True))


def _village_saves(
    area: str, village: dict[str, Any], shape: shapely.Geometry
) -> list[_Save]:
    """The plan, targets, projects, assistance and pairs of one village."""
    where = {"area": area, "village_id": str(village["id"])}
    prefix = f"{area}/{village['id']}"
    plan = village["plan"]
    plan_name = f"{prefix}/plan"

    # the plan and its targets, on the day of the assembly
    day = plan["assembly_date"]
    saves = [_Save(day, "plan", {**where, **plan}, name=plan_name)]
    saves += [
        _Save(day, "target", {"plan_id": _Ref(plan_name), **target},
              name=f"{prefix}/target/{target['section']}")
        for target in village.get("target", [])
    ]  # fmt: skip

    # the projects with everything that happened to them
    for number, project in enumerate(village.get("project", []), start=1):
        saves += _project_saves(project, where, prefix, number, shape)

    # who helps the village, and the paired households
    if "assistance" in village:
        help_ = village["assistance"]
        saves.append(_Save(help_["since"], "assistance", {**where, **help_}))
    for pair in village.get("pair", []):
        values = {k: v for k, v in pair.items() if k != "entered_on"}
        saves.append(_Save(pair["entered_on"], "pair", {**where, **values}))
    return saves


def _project_saves(
    project: dict[str, Any],
    where: dict[str, str],
    prefix: str,
    number: int,
    shape: shapely.Geometry,
) -> list[_Save]:
    """A project's entry, status changes, progress, inspections and money.

    Records of the village are named from ``prefix`` (area/village id).
    """
    name = f"{prefix}/project/{number}"
    values = {k: v for k, v in project.items() if k not in _PROJECT_KEYS}
    values |= {**where, "plan_id": _Ref(f"{prefix}/plan")}
    if project.get("link_target", True):
        values["target_id"] = _Ref(f"{prefix}/target/{project['section']}")
    if "geometry" in project:
        values["geometry_wkt"] = _geometry_wkt(shape, **project["geometry"])
    saves = [_Save(project["entered_on"], "project", values, name=name)]
    saves += list(_status_saves(project, name))
    saves += [
        _Save(p["on"], "project",
              {"progress_pct": p["pct"], "progress_date": p["on"]},
              name=name, edit=True)
        for p in project.get("progress", [])
    ]  # fmt: skip
    saves += [
        _Save(check["on_date"], "inspection", {"project_id": _Ref(name), **check})
        for check in project.get("inspection", [])
    ]
    for number, allocation in enumerate(project.get("allocation", []), start=1):
        saves += _money_saves(allocation, where, name, f"{name}/allocation/{number}")
    return saves


def _status_saves(project: dict[str, Any], name: str) -> Iterator[_Save]:
    """Status changes on their days; acceptance details just before acceptance."""
    for step in project.get("steps", []):
        if step["status"] == "accepted":
            accepted = {
                "accepted_by": project.get("accepted_by"),
                "acceptance_notes": project.get("acceptance_notes"),
            }
            yield _Save(step["on"], "project", accepted, name=name, edit=True)
        change = {"project_id": _Ref(name), "status": step["status"],
                  "on_date": step["on"]}  # fmt: skip
        yield _Save(step["on"], "status", change)


def _money_saves(
    allocation: dict[str, Any], where: dict[str, str], project: str, name: str
) -> list[_Save]:
    """An allocation for a project, and the spending against it.

    Spending pays for the allocation's project unless it names its own
    ``purpose``.
    """
    values = {k: v for k, v in allocation.items() if k != "spending"}
    values |= {**where, "project_id": _Ref(project)}
    saves = [_Save(allocation["allocated_on"], "allocation", values, name=name)]
    for spending in allocation.get("spending", []):
        entry = {"allocation_id": _Ref(name), **spending}
        if "purpose" not in spending:
            entry["project_id"] = _Ref(project)
        saves.append(_Save(spending["spent_on"], "spending", entry))
    return saves


# geometry inside the village


def _geometry_wkt(
    village: shapely.Geometry,
    *,
    shape: str,
    bearing_deg: float,
    along: float = 0.5,
) -> str:
    """A line (the middle of a chord) or a point on a chord, as lon/lat WKT.

    The chord runs through the village's representative point at
    ``bearing_deg`` (clockwise from north, measured on the ground).
    """
    chord = _chord(village, bearing_deg)
    if shape == "line":
        found = substring(chord, _LINE_FROM, _LINE_TO, normalized=True)
    else:
        found = chord.interpolate(along, normalized=True)
    return str(shapely.to_wkt(found, rounding_precision=6))


def _chord(village: shapely.Geometry, bearing_deg: float) -> shapely.LineString:
    """The piece of the line through the representative point, at
    ``bearing_deg``, that lies inside the village and holds the point."""
    centre = village.representative_point()

    # a direction in degrees of lon/lat that points along the bearing on
    # the ground (a degree of longitude shrinks with the latitude)
    angle = math.radians(bearing_deg)
    dx = math.sin(angle) / math.cos(math.radians(centre.y))
    dy = math.cos(angle)
    minx, miny, maxx, maxy = village.bounds
    reach = 2 * max(maxx - minx, maxy - miny) / math.hypot(dx, dy)

    # cut a long line with the polygon; keep the piece through the centre
    long_line = shapely.LineString(
        [
            (centre.x - dx * reach, centre.y - dy * reach),
            (centre.x + dx * reach, centre.y + dy * reach),
        ]
    )
    pieces = shapely.get_parts(long_line.intersection(village))
    lines = [p for p in pieces if isinstance(p, shapely.LineString) and p.length]
    return min(lines, key=lambda p: p.distance(centre))
