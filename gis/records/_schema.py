"""Create and migrate the record tables (Alembic), and open engines on them."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from gis.errors import WorkspaceError
from gis.i18n import t
from gis.records._models import Base

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "vp_schema_version"
BUSY_TIMEOUT_MS = 30_000


def engine(path: Path, *, write: bool) -> sa.Engine:
    """An engine on the workspace file with foreign keys enforced.

    SQLite's driver is told to leave transactions to SQLAlchemy, so DDL
    and DML of one save commit or roll back together; writers begin with
    ``BEGIN IMMEDIATE`` and so never fail half-way on a lock.
    """
    eng = sa.create_engine(f"sqlite:///{path}")
    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    @sa.event.listens_for(eng, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.close()

    @sa.event.listens_for(eng, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql(begin)

    return eng


@functools.cache
def head() -> str:
    """The newest schema revision this code knows."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(conn: sa.Connection) -> str | None:
    """The schema revision of the file, or None when it has no records yet."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def ensure(conn: sa.Connection) -> None:
    """Bring the record tables to the newest revision inside ``conn``'s
    transaction, and list them in the GeoPackage's contents so QGIS
    shows them.
    """
    found = current(conn)
    if found == head():
        return
    known = {
        s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()
    }
    if found is not None and found not in known:
        raise WorkspaceError(t("records.schema_newer", found=found, head=head()))
    config = _config()
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    _register(conn)
    log.info("record tables migrated from %s to %s", found, head())


def _config() -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _register(conn: sa.Connection) -> None:
    """Add the record tables to ``gpkg_contents`` as attribute tables."""
    if not sa.inspect(conn).has_table("gpkg_contents"):
        return
    for name in Base.metadata.tables:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier)"
            " VALUES (?, 'attributes', ?)",
            (name, name),
        )
