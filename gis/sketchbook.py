"""Sketches kept beside the workspace, and saved to the records.

Sketches live in a small JSON file next to the workspace
(``<name>.sketches.json``): they are drafts of one planner, not records,
so they stay out of the registry, its history and its exports until one
is saved as the geometry of a project (:func:`save_as_project`,
:func:`attach_to_project`), which :func:`undo_save` can take back. The
map gives each drawing a UUID the moment it is drawn;
:func:`compare_drawings` turns what the map sends back into sketches to
add, change and forget, refusing invalid drawings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import shapely

from gis.errors import InputError, ValidationError, WorkspaceError
from gis.i18n import t
from gis.records import RecordStore
from gis.sketch import (
    FAMILIES,
    PURPOSES,
    family,
    from_geojson,
    lonlat_wkt,
    sketch_problems,
)

log = logging.getLogger(__name__)

SAME_DEG = 5e-7  # the map sends lon/lat to 6 decimals
FILE_FORMAT = "village-sketches"
FILE_VERSION = 1

# the sketches kept next to the workspace


@dataclass(frozen=True)
class Sketch:
    """One sketch: a stable id, the area it was drawn in, its lon/lat
    geometry, what a line is for, its number among the sketches of its
    kind, and the project it was last saved to."""

    id: str
    area: str
    geometry: shapely.Geometry
    purpose: str = "road"
    number: int = 1
    created_at: str = ""
    updated_at: str = ""
    project_id: int | None = None

    @property
    def family(self) -> str:
        return family(self.geometry)

    def label(self) -> str:
        """``"Line 2"``, ``"Area 1"``, ``"Point 3"`` in the current language."""
        return t(f"sketch.label_{self.family}", n=self.number)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "area": self.area,
            "geometry_wkt": lonlat_wkt(self.geometry),
            "purpose": self.purpose,
            "number": self.number,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "project_id": self.project_id,
        }


def sketch_path(workspace_path: str | Path) -> Path:
    """The sketches file of a workspace: ``<name>.sketches.json`` beside it."""
    path = Path(workspace_path)
    return path.with_name(f"{path.stem}.sketches.json")


def is_sketch_id(value: object) -> bool:
    """Whether ``value`` is a UUID as the map gives every new sketch."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


class SketchBook:
    """The sketches of a workspace, in a JSON file beside it.

    Every change reads the file, changes one sketch and writes the file
    again (atomically, under a lock), so two browser tabs that change
    different sketches do not undo each other's work.

    Parameters
    ----------
    workspace_path : str or Path
        The workspace ``.gpkg``; the sketches go to
        :func:`sketch_path` of it.
    """

    def __init__(self, workspace_path: str | Path) -> None:
        self.path = sketch_path(workspace_path)

    def load(self, area: str | None = None) -> list[Sketch]:
        """The sketches (of one area), oldest first."""
        found = [_from_json(row) for row in self._rows()]
        return [s for s in found if s is not None and (area is None or s.area == area)]

    def put(self, sketch: Sketch) -> None:
        """Add a sketch, or replace the one with its id."""
        with self._changing() as rows:
            kept = [r for r in rows if r.get("id") != sketch.id]
            rows[:] = [*kept, sketch.as_json()]

    def remove(self, sketch_id: str) -> None:
        """Forget a sketch (nothing happens when there is none)."""
        with self._changing() as rows:
            rows[:] = [r for r in rows if r.get("id") != sketch_id]

    def _rows(self) -> list[dict[str, Any]]:
        """The stored rows; none when the file is missing."""
        if not self.path.is_file():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkspaceError(t("sketch.file_unreadable", path=str(self.path),
                                   error=str(exc))) from exc  # fmt: skip
        if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
            raise WorkspaceError(t("sketch.file_unreadable", path=str(self.path),
                                   error=FILE_FORMAT))  # fmt: skip
        return [r for r in data.get("sketches", []) if isinstance(r, dict)]

    @contextlib.contextmanager
    def _changing(self) -> Iterator[list[dict[str, Any]]]:
        """The rows to change in place; written back when the block ends."""
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(lock, "w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                rows = self._rows()
                yield rows
                self._write(rows)
        except OSError as exc:
            raise WorkspaceError(t("sketch.file_unwritable", path=str(self.path),
                                   error=str(exc))) from exc  # fmt: skip

    def _write(self, rows: list[dict[str, Any]]) -> None:
        """Replace the file with ``rows`` (a temporary file renamed)."""
        data = {"format": FILE_FORMAT, "version": FILE_VERSION, "sketches": rows}
        fd, name = tempfile.mkstemp(prefix=".sketches-", suffix=".json",
                                    dir=self.path.parent)  # fmt: skip
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(name, self.path)
        log.debug("%d sketches written to %s", len(rows), self.path.name)


def _purpose(value: object) -> str:
    """A stored purpose, or "road" when it is not one."""
    return value if isinstance(value, str) and value in PURPOSES else "road"


def _from_json(row: Mapping[str, Any]) -> Sketch | None:
    """A stored row as a sketch; None (logged) when it does not read."""
    try:
        shape = shapely.from_wkt(row["geometry_wkt"])
        project = row.get("project_id")
        return Sketch(
            id=str(row["id"]), area=str(row["area"]), geometry=shape,
            purpose=_purpose(row.get("purpose")),
            number=int(row.get("number") or 1),
            created_at=str(row.get("created_at") or ""),
            updated_at=str(row.get("updated_at") or ""),
            project_id=int(project) if project is not None else None,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        log.warning("a stored sketch does not read and is left out: %r", row.get("id"))
        return None


# what the map sends back


@dataclass(frozen=True)
class Drawn:
    """What the map's drawings change: sketches to add, geometries to
    replace, ids to forget, and drawings refused with their problems
    (id, label, problems)."""

    added: tuple[Sketch, ...] = ()
    changed: tuple[Sketch, ...] = ()
    removed: tuple[str, ...] = ()
    refused: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.refused)


def compare_drawings(
    known: Sequence[Sketch],
    drawings: Sequence[Mapping[str, Any]],
    *,
    area: str,
    on_map: frozenset[str],
    now: str | None = None,
) -> Drawn:
    """What the map's drawings change in the known sketches.

    Parameters
    ----------
    known : sequence of Sketch
        The area's sketches as kept.
    drawings : sequence of dict
        GeoJSON features from the map; each carries the ``sketch_id``
        the map gave it when it was drawn.
    area : str
        The area drawn in.
    on_map : frozenset of str
        Ids the map holds or has held since it was drawn: only these
        are forgotten when missing from ``drawings`` (a sketch the map
        never had is not deleted by it).
    now : str, optional
        ISO time stamp of the change (UTC now by default).

    Returns
    -------
    Drawn
        Invalid drawings are refused, never kept: a new one is not
        added, an edit leaves the sketch as it was.
    """
    now = now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    by_id = {s.id: s for s in known}
    numbers = _next_numbers(known)
    added: list[Sketch] = []
    changed: list[Sketch] = []
    refused: list[tuple[str, str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for sketch_id, shape in _drawn(drawings):
        seen.add(sketch_id)
        old = by_id.get(sketch_id)
        if old is not None and shape is not None and _same(shape, old.geometry):
            continue

        # an invalid drawing is refused; a valid one added or changed
        problems = sketch_problems(shape)
        if problems or shape is None:
            label = old.label() if old else _new_label(shape, numbers)
            refused.append((sketch_id, label, tuple(problems)))
        elif old is None:
            kind = family(shape)
            added.append(Sketch(sketch_id, area, shape, number=numbers[kind],
                                created_at=now, updated_at=now))  # fmt: skip
            numbers[kind] += 1
        else:
            changed.append(replace(old, geometry=shape, updated_at=now))
    gone = tuple(s.id for s in known if s.id in on_map and s.id not in seen)
    return Drawn(tuple(added), tuple(changed), gone, tuple(refused))


def _drawn(
    drawings: Sequence[Mapping[str, Any]],
) -> Iterator[tuple[str, shapely.Geometry | None]]:
    """(sketch id, geometry) of each drawing, once per id; drawings
    without a valid id are skipped."""
    seen = set()
    for feature in drawings:
        sketch_id = (feature.get("properties") or {}).get("sketch_id")
        if not isinstance(sketch_id, str) or not is_sketch_id(sketch_id):
            continue
        if sketch_id not in seen:
            seen.add(sketch_id)
            yield sketch_id, from_geojson(feature.get("geometry"))


def _same(a: shapely.Geometry, b: shapely.Geometry) -> bool:
    """Same vertices to within half the map's last digit (1e-6 degrees)."""
    return bool(a.equals_exact(b, SAME_DEG))


def _next_numbers(known: Sequence[Sketch]) -> dict[str, int]:
    """The number the next sketch of each kind gets."""
    return {
        kind: 1 + max((s.number for s in known if s.family == kind), default=0)
        for kind in FAMILIES
    }


def _new_label(shape: shapely.Geometry | None, numbers: Mapping[str, int]) -> str:
    """The label a refused new drawing would have had."""
    kind = _kind(shape)
    return t(f"sketch.label_{kind}", n=numbers[kind]) if kind else t("sketch.drawing")


# saving to the records, and undoing it


@dataclass(frozen=True)
class SaveDone:
    """A save of a sketch to a project, as needed to undo it.

    ``created``: the project was made by the save (undo deletes it);
    otherwise ``previous`` holds its geometry and feature reference
    before (undo puts them back). ``row_version`` is the project's
    version after the save.
    """

    sketch_id: str
    project_id: int
    row_version: int
    created: bool
    previous: dict[str, str | None] = field(default_factory=dict)


def save_as_project(
    store: RecordStore, sketch: Sketch, values: Mapping[str, object]
) -> SaveDone:
    """A new project whose geometry is the sketch (lon/lat WKT).

    ``values`` are the project's other fields (village, section,
    category, name, quantity, unit...).

    Raises
    ------
    gis.errors.ValidationError
        The values or the sketch break a rule; every problem is listed.
    """
    _refuse_invalid(sketch.geometry)
    row = {**values, "area": sketch.area, "geometry_wkt": lonlat_wkt(sketch.geometry),
           "feature_ref": None}  # fmt: skip
    saved = store.add("project", row)
    return SaveDone(sketch.id, saved.id, saved.row_version, created=True)


def attach_to_project(
    store: RecordStore,
    sketch: Sketch,
    project_id: int,
    *,
    version: int,
    quantity: tuple[float, str] | None = None,
) -> SaveDone:
    """Make the sketch the geometry of an existing project last seen at
    ``version``; with ``quantity`` (value, unit), its quantity too.

    Raises
    ------
    gis.errors.ConflictError
        The project was saved by someone else since ``version``.
    """
    _refuse_invalid(sketch.geometry)
    before = store.get("project", project_id)
    if before["area"] != sketch.area:
        raise InputError(t("sketch.other_area", id=project_id, area=before["area"]))
    values: dict[str, Any] = {
        "geometry_wkt": lonlat_wkt(sketch.geometry), "feature_ref": None,
    }  # fmt: skip
    if quantity is not None:
        values |= {"quantity": quantity[0], "unit": quantity[1]}
    saved = store.update("project", project_id, values, version=version)
    previous = {k: before.get(k) for k in values}
    return SaveDone(sketch.id, project_id, saved.row_version, False, previous)


LINE_UNITS = frozenset({"km", "m", "公里", "千米", "米"})
AREA_UNITS = frozenset({"mu", "ha", "m²", "m2", "km²", "亩", "公顷", "平方米"})


def attach_mismatches(
    project: Mapping[str, Any], sketch: Sketch, village_id: str | None
) -> list[str]:
    """Why the sketch may not belong to the project: it lies in another
    village, or its shape does not fit the project's unit (a line for a
    project counted in mu, an area for one counted in km)."""
    found = []
    if village_id is not None and str(project.get("village_id")) != str(village_id):
        village = project.get("village_name") or project.get("village_id")
        found.append(t("sketch.mismatch_village", id=project.get("id"),
                       village=village))  # fmt: skip
    unit = str(project.get("unit") or "").strip()
    if (sketch.family == "line" and unit in AREA_UNITS) or (
        sketch.family == "polygon" and unit in LINE_UNITS
    ):
        found.append(t("sketch.mismatch_unit", id=project.get("id"), unit=unit,
                       shape=t(f"sketch.shape_{sketch.family}")))  # fmt: skip
    return found


def undo_save(store: RecordStore, done: SaveDone) -> None:
    """Undo a save: delete the project it made, or put back the
    project's previous geometry.

    Raises
    ------
    gis.errors.ConflictError
        The project was changed after the save; nothing is undone.
    gis.errors.InputError
        Other records now point at the new project (funds, spending).
    """
    if done.created:
        store.delete("project", done.project_id, version=done.row_version)
    else:
        store.update("project", done.project_id, dict(done.previous),
                     version=done.row_version)  # fmt: skip


def _refuse_invalid(geometry: shapely.Geometry) -> None:
    """Raise the sketch's problems, if it has any."""
    problems = sketch_problems(geometry)
    if problems:
        raise ValidationError(t("sketch.not_saved"), problems)


def _kind(shape: shapely.Geometry | None) -> str | None:
    """The family of a drawing of a kind the map makes, else None."""
    if shape is None or shape.geom_type not in ("Point", "LineString", "Polygon"):
        return None
    return family(shape)
