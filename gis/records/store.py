"""Saving and reading programme records in the workspace file.

Every save is one transaction that also writes the history row (who,
when, before, after), taken under the workspace's writers' lock. An
edit or delete names the ``row_version`` it started from; when the
record has been saved since, it is refused with :class:`ConflictError`
and nothing is written.

Examples
--------
>>> store = RecordStore("workspace/village.gpkg", actor="planner")  # doctest: +SKIP
>>> saved = store.add("plan", {"area": "sikkim", "village_id": "260417",
...     "title": "Village plan", "revision": 1,
...     "period_start": 2025, "period_end": 2027})  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis.errors import ConflictError, InputError, ValidationError, WorkspaceError
from gis.i18n import t
from gis.records import _schema
from gis.records._fields import VILLAGE_KINDS, field_map
from gis.records._models import MODELS, STATUSES, History, Project, StatusChange
from gis.records._validate import check, missing, parse
from gis.records.snapshot import Snapshot, from_history, row_of
from gis.workspace import Workspace, area_key

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]

# how far (degrees, about 5 km) a project may lie outside its village's box
NEAR_VILLAGE_DEG = 0.05

# children deleted together with their parent record
_CHILDREN = {"plan": ("target",), "project": ("status", "inspection")}
# records that keep a parent from being deleted
_BLOCKERS = {
    "plan": (("project", "plan_id"),),
    "target": (("project", "target_id"),),
    "project": (("allocation", "project_id"), ("spending", "project_id")),
    "allocation": (("spending", "allocation_id"),),
}
_PARENT_COLUMN = {
    "target": "plan_id",
    "status": "project_id",
    "inspection": "project_id",
}


@dataclass(frozen=True)
class Saved:
    """What a save produced: the record's id and its new ``row_version``."""

    kind: str
    id: int
    row_version: int


def utc_now() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class RecordStore:
    """Programme records kept in a workspace GeoPackage.

    Parameters
    ----------
    workspace : Workspace, str or Path
        The workspace; it must already exist (import a village layer
        first), since records name villages of its layers.
    actor : str, optional
        Who is making the changes, as the history will show it; by
        default the local user, marked as the single local planner.
    clock : callable, optional
        Returns the current aware datetime; history times and "today"
        (which dates of past events may not exceed) come from it.
    """

    def __init__(
        self,
        workspace: Workspace | str | Path | None = None,
        *,
        actor: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.workspace = (
            workspace if isinstance(workspace, Workspace) else Workspace(workspace)
        )
        self.actor = actor or t("records.local_actor", user=getpass.getuser())
        self.clock = clock
        self._batch: Session | None = None
        self._villages: dict[str, pd.DataFrame] = {}

    # reading

    def snapshot(
        self, *, as_of: dt.datetime | dt.date | None = None, tz: dt.tzinfo | None = None
    ) -> Snapshot:
        """Every record now, or as it stood at ``as_of``.

        A date means the end of that day in ``tz`` (default: this
        machine's time zone); a datetime must carry its time zone.
        """
        if not self._has_records():
            return Snapshot({kind: () for kind in MODELS}, None)
        if as_of is None:
            return self._current()
        cutoff = _cutoff(as_of, tz)
        query = (
            sa.select(History)
            .where(History.at < cutoff.isoformat(timespec="microseconds"))
            .order_by(History.id)
        )
        with self._reading() as conn, Session(bind=conn) as session:
            return from_history(session.scalars(query).all(), cutoff)

    def get(self, kind: str, record_id: int) -> dict[str, Any]:
        """One stored record as a dict of its columns (inside a batch,
        as the batch has left it so far).

        Raises
        ------
        gis.errors.InputError
            No record of ``kind`` has this id.
        """
        if self._batch is not None:
            obj = self._batch.get(_model(kind), record_id)
            found = None if obj is None else row_of(obj)
        else:
            found = self.snapshot().get(kind, record_id)
        if found is None:
            kind_label = t(f"records.kind_{kind}")
            raise InputError(t("records.no_such", kind=kind_label, id=record_id))
        return found

    def history(
        self, kind: str | None = None, record_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Changes, oldest first: at, actor, kind, record_id, action, before, after."""
        if not self._has_records():
            return []
        query = sa.select(History).order_by(History.id)
        if kind is not None:
            query = query.where(History.kind == kind)
        if record_id is not None:
            query = query.where(History.record_id == record_id)
        with self._reading() as conn, Session(bind=conn) as session:
            return [_entry(row) for row in session.scalars(query)]

    # writing

    def add(self, kind: str, values: Mapping[str, object]) -> Saved:
        """Save a new record of ``kind``; all problems are reported together.

        Raises
        ------
        gis.errors.ValidationError
            The values break a rule; ``problems`` lists every one.
        """
        model = _model(kind)
        with self._writing() as session:
            row, problems, failed = parse(kind, values, today=self._today())
            row = self._with_village(kind, row, problems)
            if kind == "project":
                row["status"] = STATUSES[0]
            problems += missing(kind, row, failed) + check(kind, row, _lookup(session))
            if kind == "status":
                problems += self._status_problems(session, row)
            if kind == "assistance":
                problems += _assistance_taken(session, row)
            _refuse(kind, problems)
            obj = model(id=_next_id(session, kind), **row)
            session.add(obj)
            session.flush()
            self._log(session, kind, obj, "insert", None)
            if kind == "status":
                self._follow_status(session, obj)
            return Saved(kind, obj.id, obj.row_version)

    def update(
        self, kind: str, record_id: int, values: Mapping[str, object], *, version: int
    ) -> Saved:
        """Change fields of a record last seen at ``version``.

        Raises
        ------
        gis.errors.ConflictError
            Someone saved the record after ``version``; nothing is written.
        gis.errors.ValidationError
            The changed record would break a rule.
        """
        if kind == "status":
            raise InputError(t("records.status_not_editable"))
        with self._writing() as session:
            obj = self._current_obj(session, kind, record_id, version)
            before = row_of(obj)
            changes, problems, failed = parse(kind, values, today=self._today())
            for fixed in ("area", "village_id"):
                if fixed in changes and changes[fixed] != before[fixed]:
                    problems.append(t("records.village_fixed"))
            row = {**before, **changes}
            if kind == "project" and changes.get("geometry_wkt"):
                problems += self._far_from_village(row)
            problems += missing(kind, row, failed) + check(kind, row, _lookup(session))
            _refuse(kind, problems)
            for column, value in changes.items():
                setattr(obj, column, value)
            session.flush()
            self._log(session, kind, obj, "update", before)
            return Saved(kind, obj.id, obj.row_version)

    def delete(self, kind: str, record_id: int, *, version: int) -> None:
        """Delete a record last seen at ``version``, with its children
        (a plan's targets, a project's status changes and inspections).

        Raises
        ------
        gis.errors.ConflictError
            Someone saved the record after ``version``.
        gis.errors.InputError
            Other records still point at it, or (for a status change) it
            is not the project's latest.
        """
        with self._writing() as session:
            obj = self._current_obj(session, kind, record_id, version)
            self._refuse_blocked(session, kind, record_id)
            if kind == "status":
                self._undo_status(session, obj)
            for child in _CHILDREN.get(kind, ()):
                model = MODELS[child]
                column = getattr(model, _PARENT_COLUMN[child])
                for dependant in session.scalars(
                    sa.select(model).where(column == record_id)
                ):
                    self._remove(session, child, dependant)
            self._remove(session, kind, obj)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make the saves inside the block one transaction: all or none.

        The writers' lock is held throughout and each area's village
        layer is read once, so loading many records is fast. An error
        that leaves the block undoes every save made in it.
        """
        if self._batch is not None:
            yield
            return
        with self._writing() as session:
            self._batch = session
            try:
                yield
            finally:
                self._batch = None
                self._villages = {}

    # plumbing: sessions

    def _has_records(self) -> bool:
        """Whether the workspace exists and holds the record tables."""
        if not self.workspace.path.is_file():
            return False
        with self._reading() as conn:
            return _schema.current(conn) is not None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """A read-only connection in one transaction."""
        eng = _schema.engine(self.workspace.path, write=False)
        try:
            with eng.begin() as conn:
                yield conn
        finally:
            eng.dispose()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Session]:
        """A session whose work commits together, under the writers' lock
        (the batch's session, inside :meth:`batch`)."""
        if self._batch is not None:
            yield self._batch
            return
        if not self.workspace.exists():
            raise WorkspaceError(
                t("records.no_workspace", path=self.workspace.path.resolve())
            )
        with self.workspace.lock():
            eng = _schema.engine(self.workspace.path, write=True)
            try:
                with Session(eng) as session, session.begin():
                    _schema.ensure(session.connection())
                    yield session
            except StaleDataError as exc:
                raise ConflictError(t("records.conflict_race")) from exc
            finally:
                eng.dispose()

    def _current(self) -> Snapshot:
        """Every record as stored now."""
        rows: dict[str, tuple[dict[str, Any], ...]] = {}
        with self._reading() as conn, Session(bind=conn) as session:
            for kind, model in MODELS.items():
                found = session.scalars(sa.select(model).order_by(model.id))
                rows[kind] = tuple(row_of(obj) for obj in found)
        return Snapshot(rows, None)

    def _today(self) -> dt.date:
        """Today's date in this machine's time zone."""
        return self.clock().astimezone().date()

    # plumbing: one record

    def _current_obj(
        self, session: Session, kind: str, record_id: int, version: int
    ) -> Any:
        """The record, if it is still at ``version``."""
        obj = session.get(_model(kind), record_id)
        if obj is None:
            raise InputError(
                t("records.no_such", kind=t(f"records.kind_{kind}"), id=record_id)
            )
        if obj.row_version != version:
            last = session.scalars(
                sa.select(History)
                .where(History.kind == kind, History.record_id == record_id)
                .order_by(History.id.desc())
                .limit(1)
            ).first()
            raise ConflictError(
                t(
                    "records.conflict",
                    kind=t(f"records.kind_{kind}"),
                    id=record_id,
                    yours=version,
                    now=obj.row_version,
                    actor=last.actor if last else "?",
                    at=_local(last.at) if last else "?",
                )
            )
        return obj

    def _with_village(
        self, kind: str, row: dict[str, Any], problems: list[str]
    ) -> dict[str, Any]:
        """Area key normalised, village checked against the area's village
        layer and its name filled in."""
        if kind not in VILLAGE_KINDS or row.get("area") is None:
            return row
        from gis.villages import village_table

        row = {**row, "area": area_key(row["area"])}
        table = self._villages.get(row["area"])
        if table is None:
            table = village_table(self.workspace, row["area"])
            if self._batch is not None:
                self._villages[row["area"]] = table
        if table.empty:
            problems.append(t("records.no_village_layer", area=row["area"]))
            return row
        found = table[table["source_id"].astype(str) == str(row.get("village_id"))]
        if row.get("village_id") is not None and found.empty:
            problems.append(
                t(
                    "records.unknown_village",
                    area=row["area"],
                    village=row["village_id"],
                )
            )
        elif not found.empty and row.get("village_name") is None:
            name = found.iloc[0]["name"]
            row["village_name"] = None if name is None or name != name else str(name)
        if not found.empty:
            problems += self._far_from_village(row)
        return row

    def _far_from_village(self, row: dict[str, Any]) -> list[str]:
        """A project's geometry must lie in or near its village (within
        about :data:`NEAR_VILLAGE_DEG` of the village's box)."""
        wkt = row.get("geometry_wkt")
        if not wkt:
            return []
        from gis.villages import village_bounds

        minx, miny, maxx, maxy = village_bounds(
            self.workspace, row["area"], row["village_id"]
        )
        gx0, gy0, gx1, gy1 = shapely.from_wkt(wkt).bounds
        pad = NEAR_VILLAGE_DEG
        inside = (gx0 >= minx - pad and gx1 <= maxx + pad
                  and gy0 >= miny - pad and gy1 <= maxy + pad)  # fmt: skip
        if inside:
            return []
        name = row.get("village_name") or row["village_id"]
        return [t("records.far_from_village", village=name, lon=round(gx0, 4),
                  lat=round(gy0, 4))]  # fmt: skip

    def _log(
        self,
        session: Session,
        kind: str,
        obj: Any,
        action: str,
        before: dict[str, Any] | None,
    ) -> None:
        """Write the history row of one change."""
        after = None if action == "delete" else row_of(obj)
        session.add(
            History(
                at=self.clock().astimezone(dt.UTC).isoformat(timespec="microseconds"),
                actor=self.actor,
                kind=kind,
                record_id=obj.id,
                action=action,
                before_json=_json(before),
                after_json=_json(after),
            )
        )
        log.info("%s %s %d by %s", action, kind, obj.id, self.actor)

    def _remove(self, session: Session, kind: str, obj: Any) -> None:
        before = row_of(obj)
        session.delete(obj)
        session.flush()
        self._log(session, kind, obj, "delete", before)

    def _refuse_blocked(self, session: Session, kind: str, record_id: int) -> None:
        """Refuse to delete a record other records still point at."""
        problems = []
        for other, column in _BLOCKERS.get(kind, ()):
            model = MODELS[other]
            ids = session.scalars(
                sa.select(model.id).where(getattr(model, column) == record_id)
            ).all()
            if ids:
                problems.append(
                    t(
                        "records.still_used",
                        kind=t(f"records.kind_{other}"),
                        ids=t("records.list_sep").join(map(str, ids)),
                    )
                )
        if problems:
            raise ValidationError(
                t(
                    "records.cannot_delete",
                    kind=t(f"records.kind_{kind}"),
                    id=record_id,
                    problems=t("records.problem_sep").join(problems),
                ),
                problems,
            )

    # plumbing: status changes move the project along

    def _status_problems(self, session: Session, row: Mapping[str, Any]) -> list[str]:
        """A new status must come after the project's current one, dated
        no earlier than its last change."""
        project = session.get(Project, row.get("project_id") or -1)
        if project is None or row.get("status") is None:
            return []
        problems = _step_problems(project.status, row["status"])
        last = _last_change(session, project.id)
        if (
            last is not None
            and row.get("on_date") is not None
            and row["on_date"] < last.on_date
        ):
            problems.append(
                t(
                    "records.status_date_before",
                    on_date=row["on_date"],
                    last=last.on_date,
                )
            )
        if row["status"] == "accepted" and not (project.accepted_by or "").strip():
            problems.append(t("records.accept_needs_by"))
        return problems

    def _follow_status(self, session: Session, change: StatusChange) -> None:
        """Set the project's status (and its dates, where still empty)."""
        project = session.get(Project, change.project_id)
        assert project is not None
        before = row_of(project)
        project.status = change.status
        dated = {
            "under_construction": "actual_start",
            "completed": "actual_end",
            "accepted": "accepted_on",
        }
        column = dated.get(change.status)
        if column and getattr(project, column) is None:
            setattr(project, column, change.on_date)
        session.flush()
        self._log(session, "project", project, "update", before)

    def _undo_status(self, session: Session, change: StatusChange) -> None:
        """Deleting a project's latest status change puts it back a step."""
        last = _last_change(session, change.project_id)
        if last is None or last.id != change.id:
            raise InputError(t("records.status_not_latest", id=change.id))
        earlier = session.scalars(
            sa.select(StatusChange)
            .where(
                StatusChange.project_id == change.project_id,
                StatusChange.id != change.id,
            )
            .order_by(StatusChange.on_date.desc(), StatusChange.id.desc())
            .limit(1)
        ).first()
        project = session.get(Project, change.project_id)
        assert project is not None
        before = row_of(project)
        project.status = earlier.status if earlier else STATUSES[0]
        session.flush()
        self._log(session, "project", project, "update", before)


def _model(kind: str) -> Any:
    """The model of a record kind."""
    try:
        return MODELS[kind]
    except KeyError:
        raise InputError(
            t("records.unknown_kind", kind=kind, valid=", ".join(MODELS))
        ) from None


def _lookup(session: Session) -> Callable[[str, int], dict[str, Any] | None]:
    """Record lookup for the validators, inside the write session."""

    def lookup(kind: str, record_id: int) -> dict[str, Any] | None:
        obj = session.get(MODELS[kind], record_id)
        return None if obj is None else row_of(obj)

    return lookup


def _refuse(kind: str, problems: list[str]) -> None:
    """Raise one error naming every problem, if there are any."""
    if problems:
        raise ValidationError(
            t(
                "records.invalid",
                kind=t(f"records.kind_{kind}"),
                problems=t("records.problem_sep").join(problems),
            ),
            problems,
        )


def _assistance_taken(session: Session, row: Mapping[str, Any]) -> list[str]:
    """A village has one assistance record; edit the one it has."""
    model = MODELS["assistance"]
    found = session.scalars(
        sa.select(model.id).where(
            model.area == row.get("area"),
            model.village_id == row.get("village_id"),
        )
    ).first()
    return [t("records.assistance_exists", id=found)] if found is not None else []


def _step_problems(current: str, wanted: str) -> list[str]:
    """A project moves one status at a time, forward only."""
    now = STATUSES.index(current)
    step = STATUSES.index(wanted) - now
    if step == 1:
        return []
    key = "records.status_skips" if step > 1 else "records.status_backwards"
    return [
        t(key, status=t(f"records.status_{wanted}"),
          current=t(f"records.status_{current}"),
          following=t(f"records.status_{STATUSES[min(now + 1, len(STATUSES) - 1)]}"))
    ]  # fmt: skip


def _next_id(session: Session, kind: str) -> int:
    """An id no record of ``kind`` has ever had: one above the highest
    in the table and in the history, so a deleted record's id (its
    history, a printed notice that names it) never passes to another."""
    model = _model(kind)
    in_table = session.scalar(sa.select(sa.func.max(model.id)))
    in_history = session.scalar(
        sa.select(sa.func.max(History.record_id)).where(History.kind == kind)
    )
    return max(in_table or 0, in_history or 0) + 1


def _last_change(session: Session, project_id: int) -> StatusChange | None:
    """A project's latest status change (by date, then by entry)."""
    return session.scalars(
        sa.select(StatusChange)
        .where(StatusChange.project_id == project_id)
        .order_by(StatusChange.on_date.desc(), StatusChange.id.desc())
        .limit(1)
    ).first()


def _cutoff(as_of: dt.datetime | dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    """The first instant after ``as_of``, in UTC."""
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is None:
            raise InputError(t("records.naive_time", value=as_of))
        return as_of.astimezone(dt.UTC) + dt.timedelta(microseconds=1)
    zone = tz or dt.datetime.now().astimezone().tzinfo
    start = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC)


def _json(row: dict[str, Any] | None) -> str | None:
    """A row as JSON (dates as ISO text)."""
    if row is None:
        return None
    return json.dumps(row, ensure_ascii=False, default=str, sort_keys=True)


def _entry(row: History) -> dict[str, Any]:
    return {
        "at": row.at,
        "actor": row.actor,
        "kind": row.kind,
        "record_id": row.record_id,
        "action": row.action,
        "before": json.loads(row.before_json) if row.before_json else None,
        "after": json.loads(row.after_json) if row.after_json else None,
    }


def _local(at: str) -> str:
    """A stored UTC time in this machine's zone, to the minute."""
    return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")


def fields_of(kind: str) -> list[str]:
    """Names of the fields a record of ``kind`` is entered with."""
    return list(field_map(kind))
