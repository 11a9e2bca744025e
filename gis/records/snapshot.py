"""The records as they stand now or stood at a past moment, for reading.

A :class:`Snapshot` is plain data (tuples of dicts per record kind), so
the rules, the village summaries and the exports work the same on the
live registry and on one rebuilt from the history for a past date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from gis.records._models import MODELS, History


@dataclass(frozen=True)
class Snapshot:
    """Records by kind (``"plan"``, ``"project"``, …), each a dict of columns.

    ``as_of`` is the instant (UTC) the snapshot was rebuilt for, or None
    for the live registry. Money columns are whole fen (``*_fen``).
    """

    rows: Mapping[str, Sequence[dict[str, Any]]]
    as_of: dt.datetime | None

    def of(self, kind: str, **equal: object) -> list[dict[str, Any]]:
        """Records of ``kind`` whose columns equal the given values.

        The first condition is looked up in an index built on first use,
        so repeated look-ups over a large registry stay fast.
        """
        if not equal:
            return list(self.rows.get(kind, ()))
        (column, value), *rest = equal.items()
        candidates = self._index(kind, column).get(_key(value), [])
        return [row for row in candidates if all(row.get(k) == v for k, v in rest)]

    def get(self, kind: str, record_id: int) -> dict[str, Any] | None:
        """One record by id, or None."""
        found = self.of(kind, id=record_id)
        return found[0] if found else None

    def _index(self, kind: str, column: str) -> dict[object, list[dict[str, Any]]]:
        """Records of ``kind`` grouped by the value of ``column``."""
        cache: dict[tuple[str, str], dict[object, list[dict[str, Any]]]]
        cache = self.__dict__.setdefault("_indexes", {})
        if (kind, column) not in cache:
            groups: dict[object, list[dict[str, Any]]] = {}
            for row in self.rows.get(kind, ()):
                groups.setdefault(_key(row.get(column)), []).append(row)
            cache[(kind, column)] = groups
        return cache[(kind, column)]

    def frame(self, kind: str) -> pd.DataFrame:
        """Records of ``kind`` as a table with every column, even when empty."""
        columns = [c.key for c in sa.inspect(MODELS[kind]).columns]
        return pd.DataFrame(list(self.rows.get(kind, ())), columns=columns)

    def villages(self) -> list[tuple[str, str]]:
        """(area, village_id) of every village in the programme (with a plan)."""
        return sorted({(p["area"], p["village_id"]) for p in self.of("plan")})

    def is_empty(self) -> bool:
        """Whether there are no records at all."""
        return not any(self.rows.values())


def _key(value: object) -> object:
    """An index key: unhashable values are looked up by their text."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def row_of(obj: Any) -> dict[str, Any]:
    """A model instance as a dict of its column values."""
    return {c.key: getattr(obj, c.key) for c in sa.inspect(type(obj)).columns}


def from_history(entries: Iterable[History], cutoff: dt.datetime) -> Snapshot:
    """Replay history rows (oldest first) into the records they left."""
    state: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in MODELS}
    for entry in entries:
        records = state[entry.kind]
        if entry.after_json is None:
            records.pop(entry.record_id, None)
        else:
            records[entry.record_id] = _typed(entry.kind, json.loads(entry.after_json))
    rows = {
        kind: tuple(v for _, v in sorted(recs.items())) for kind, recs in state.items()
    }
    return Snapshot(rows, cutoff)


def _typed(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """JSON values back to the column types (ISO text to dates)."""
    row = {}
    for column in sa.inspect(MODELS[kind]).columns:
        value = data.get(column.key)
        if value is not None and isinstance(column.type, sa.Date):
            value = dt.date.fromisoformat(value)
        row[column.key] = value
    return row
