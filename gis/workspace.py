"""The workspace: one GeoPackage file holding every area's layers.

Layers are GeoPackage tables named ``<area>__<kind>`` (plus
``__<family>`` for kinds that allow several geometry families), all in
EPSG:4326. A metadata table records where each came from and its import
report. Every change is written to a copy that replaces the file only
once complete, so a failed or killed import leaves the workspace as it
was. The file opens in QGIS as it is.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import sqlalchemy as sa

from gis.errors import InputError, WorkspaceError
from gis.i18n import t
from gis.importer import PreparedLayer
from layers import get_kind

log = logging.getLogger(__name__)

DEFAULT_PATH = Path("workspace") / "village.gpkg"
ENV_VAR = "VILLAGE_WORKSPACE"
META_TABLE = "vp_layers"

_meta = sa.MetaData()
layers_table = sa.Table(
    META_TABLE,
    _meta,
    sa.Column("table_name", sa.Text, primary_key=True),
    sa.Column("area", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("family", sa.Text, nullable=False),
    sa.Column("source", sa.Text),
    sa.Column("source_crs", sa.Text),
    sa.Column("crs_source", sa.Text),
    sa.Column("encoding", sa.Text),
    sa.Column("datum", sa.Text),
    sa.Column("feature_count", sa.Integer, nullable=False),
    sa.Column("minx", sa.Float),
    sa.Column("miny", sa.Float),
    sa.Column("maxx", sa.Float),
    sa.Column("maxy", sa.Float),
    sa.Column("imported_at", sa.Text, nullable=False),
    sa.Column("report_json", sa.Text),
)


@dataclass(frozen=True)
class LayerInfo:
    """One workspace layer as the metadata table describes it."""

    table_name: str
    area: str
    kind: str
    family: str
    source: str | None
    source_crs: str | None
    feature_count: int
    bounds: tuple[float, float, float, float] | None
    imported_at: str


def default_path() -> Path:
    """Workspace path from ``VILLAGE_WORKSPACE``, else ``workspace/village.gpkg``."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


def area_key(name: str) -> str:
    """Area name folded into a table-name prefix (letters, digits, ``_``).

    >>> area_key("Sikkim (IN)")
    'sikkim_in'
    """
    key = re.sub(r"\W+", "_", name.strip().lower()).strip("_")
    if not key:
        raise InputError(t("workspace.bad_area", name=name))
    return key


def table_name(area: str, kind: str, family: str) -> str:
    """GeoPackage table of one area's layer of ``kind`` and ``family``."""
    spec = get_kind(kind)
    base = f"{area_key(area)}__{kind}"
    return f"{base}__{family}" if len(spec.families) > 1 else base


class Workspace:
    """A GeoPackage workspace file.

    Parameters
    ----------
    path : str or Path, optional
        The ``.gpkg`` file; created on the first write.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()

    # reading

    def exists(self) -> bool:
        """Whether the file exists and holds the metadata table."""
        if not self.path.is_file():
            return False
        with self._engine(self.path) as engine:
            return sa.inspect(engine).has_table(META_TABLE)

    def layers(self, area: str | None = None) -> list[LayerInfo]:
        """Layers in the workspace, optionally of one area only."""
        if not self.exists():
            return []
        query = sa.select(layers_table).order_by(
            layers_table.c.area, layers_table.c.kind, layers_table.c.family
        )
        if area is not None:
            query = query.where(layers_table.c.area == area_key(area))
        with self._engine(self.path) as engine, engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [_info(row) for row in rows]

    def areas(self) -> list[str]:
        """Area keys that hold at least one layer."""
        return sorted({info.area for info in self.layers()})

    def area_bounds(self, area: str) -> tuple[float, float, float, float] | None:
        """Lon/lat bounds of everything in an area, or None if it is empty."""
        boxes = [i.bounds for i in self.layers(area) if i.bounds]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def read(self, area: str, kind: str, family: str | None = None) -> gpd.GeoDataFrame:
        """One layer as a lon/lat GeoDataFrame.

        ``family`` may be left out when the area holds only one family of
        the kind.
        """
        found = [
            i for i in self.layers(area)
            if i.kind == kind and (family is None or i.family == family)
        ]  # fmt: skip
        if len(found) != 1:
            raise InputError(
                t("workspace.no_layer", area=area, kind=kind,
                  family=family or "", n=len(found))
            )  # fmt: skip
        return pyogrio.read_dataframe(self.path, layer=found[0].table_name)

    def report(self, table: str) -> dict[str, object]:
        """The stored import report of one layer."""
        query = sa.select(layers_table.c.report_json).where(
            layers_table.c.table_name == table
        )
        with self._engine(self.path) as engine, engine.connect() as conn:
            text = conn.execute(query).scalar_one_or_none()
        return json.loads(text) if text else {}

    # writing

    def add_layers(
        self,
        area: str,
        kind: str,
        prepared: Sequence[PreparedLayer],
        *,
        append: bool = False,
    ) -> list[str]:
        """Write prepared layers into the area.

        Layers of the same geometry family (two KML folders, two
        shapefiles in one zip) are merged into one table. Existing
        features of the same kind and family are replaced, or kept and
        added to with ``append=True``. All layers go in together or not
        at all.

        Returns
        -------
        list of str
            The table names written.
        """
        if not prepared:
            raise InputError(t("workspace.nothing_to_add"))
        merged = _merge_by_family(prepared)
        if append:
            merged = [self._with_existing(area, kind, layer) for layer in merged]
        with self.transaction() as tmp:
            return [self._write(tmp, area, kind, layer) for layer in merged]

    def existing_count(self, area: str, kind: str, family: str) -> int:
        """Features already stored for an area's kind and family (0 if none)."""
        name = table_name(area, kind, family)
        return sum(i.feature_count for i in self.layers(area) if i.table_name == name)

    def _with_existing(
        self, area: str, kind: str, layer: PreparedLayer
    ) -> PreparedLayer:
        """``layer`` with the stored features of its table in front."""
        if not self.existing_count(area, kind, layer.family):
            return layer
        old = self.read(area, kind, layer.family)
        frame = pd.concat([old, layer.frame], ignore_index=True)
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=old.crs)
        return PreparedLayer(layer.name, layer.family, frame, layer.report)

    def remove_area(self, area: str) -> int:
        """Delete every layer of an area; returns how many were removed."""
        doomed = self.layers(area)
        if not doomed:
            return 0
        with self.transaction() as tmp:
            for info in doomed:
                _drop_layer(tmp, info.table_name)
        return len(doomed)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Path]:
        """Yield a private copy of the file; it replaces the file on success.

        A lock file serialises writers. If the block raises, or the process
        dies, the original file is untouched.
        """
        with self.lock():
            self._remove_stale_copies()
            tmp = self._copy()
            try:
                yield tmp
                _fsync(tmp)
                os.replace(tmp, self.path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the writers' lock (a lock file next to the workspace).

        Every writer, of layers or of records, holds it, so a record
        saved in place can never be lost to a layer write that replaces
        the file. On entry a save that a killed process left half done
        is rolled back, so the file is consistent before anyone copies
        or changes it.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._recover()
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _recover(self) -> None:
        """Roll back a save left half done (SQLite's hot journal)."""
        journal = self.path.with_name(self.path.name + "-journal")
        if not (self.path.exists() and journal.exists()):
            return
        log.info("rolling back a save interrupted in %s", self.path.name)
        with contextlib.closing(sqlite3.connect(self.path)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def _remove_stale_copies(self) -> None:
        """Delete copies left by a writer that was killed (we hold the lock,
        so no other writer is using one)."""
        for stale in self.path.parent.glob(f".{self.path.stem}-*.gpkg"):
            log.info("removing %s left by an interrupted write", stale.name)
            stale.unlink(missing_ok=True)

    def _copy(self) -> Path:
        """A temporary copy next to the file (same file system)."""
        fd, name = tempfile.mkstemp(
            prefix=f".{self.path.stem}-", suffix=".gpkg", dir=self.path.parent
        )
        os.close(fd)
        tmp = Path(name)
        if self.path.exists():
            shutil.copyfile(self.path, tmp)
            shutil.copymode(self.path, tmp)
        else:
            tmp.unlink()
        return tmp

    def _write(self, tmp: Path, area: str, kind: str, layer: PreparedLayer) -> str:
        """Write one layer and its metadata row into ``tmp``."""
        name = table_name(area, kind, layer.family)
        frame = layer.frame
        try:
            pyogrio.write_dataframe(
                frame, tmp, layer=name, driver="GPKG", promote_to_multi=None
            )
        except (pyogrio.errors.DataSourceError, ValueError) as exc:
            raise WorkspaceError(
                t("workspace.write_failed", path=str(self.path), why=exc)
            ) from exc
        self._record(tmp, area, kind, name, layer)
        log.info("wrote %d features to %s", len(frame), name)
        return name

    def _record(
        self, tmp: Path, area: str, kind: str, name: str, layer: PreparedLayer
    ) -> None:
        """Insert or replace the metadata row of ``name``."""
        bounds = layer.frame.total_bounds if not layer.frame.empty else [None] * 4
        row = {
            "table_name": name,
            "area": area_key(area),
            "kind": kind,
            "family": layer.family,
            "source": layer.report.source,
            "source_crs": layer.report.crs,
            "crs_source": layer.report.crs_source,
            "encoding": layer.report.encoding,
            "datum": layer.report.datum,
            "feature_count": len(layer.frame),
            "minx": _num(bounds[0]),
            "miny": _num(bounds[1]),
            "maxx": _num(bounds[2]),
            "maxy": _num(bounds[3]),
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "report_json": json.dumps(layer.report.to_dict(), ensure_ascii=False),
        }
        with self._engine(tmp) as engine, engine.begin() as conn:
            _meta.create_all(conn)
            conn.execute(
                layers_table.delete().where(layers_table.c.table_name == name)
            )
            conn.execute(layers_table.insert().values(**row))

    @staticmethod
    @contextlib.contextmanager
    def _engine(path: Path) -> Iterator[sa.Engine]:
        """A short-lived SQLAlchemy engine on the GeoPackage file."""
        engine = sa.create_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()


def _merge_by_family(prepared: Sequence[PreparedLayer]) -> list[PreparedLayer]:
    """One layer per geometry family, concatenating same-family layers."""
    out: dict[str, PreparedLayer] = {}
    for layer in prepared:
        if layer.family not in out:
            out[layer.family] = layer
            continue
        first = out[layer.family]
        frame = pd.concat([first.frame, layer.frame], ignore_index=True)
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=first.frame.crs)
        out[layer.family] = PreparedLayer(first.name, first.family, frame, first.report)
    return list(out.values())


def _info(row: sa.RowMapping) -> LayerInfo:
    """Metadata row to :class:`LayerInfo`."""
    box = (row["minx"], row["miny"], row["maxx"], row["maxy"])
    return LayerInfo(
        table_name=row["table_name"],
        area=row["area"],
        kind=row["kind"],
        family=row["family"],
        source=row["source"],
        source_crs=row["source_crs"],
        feature_count=row["feature_count"],
        bounds=None if None in box else box,
        imported_at=row["imported_at"],
    )


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _drop_layer(path: Path, name: str) -> None:
    """Remove a table, its spatial index and its metadata from a GeoPackage."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        for index in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?",
            (f"rtree_{name}_%",),
        ).fetchall():
            conn.execute(f'DROP TABLE IF EXISTS "{index[0]}"')
        for table in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions"):
            conn.execute(f"DELETE FROM {table} WHERE table_name = ?", (name,))
        conn.execute(f"DELETE FROM {META_TABLE} WHERE table_name = ?", (name,))
        conn.commit()


def _fsync(path: Path) -> None:
    """Flush a file to disk before it replaces the workspace."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
