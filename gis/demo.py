"""Build the workspace from the demo areas shipped in ``data/boundaries``.

``data/boundaries/demo.toml`` lists each area's files, the layer kind
each becomes, an optional attribute filter and an optional join of a
table without geometry (e.g. municipal population). After the layers,
``demo_records.toml`` adds an invented example programme (plans,
projects, funds, assistance) to the demo areas' villages.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from gis.errors import InputError
from gis.i18n import t
from gis.importer import ImportOptions, PreparedLayer, prepare_source
from gis.records.demo import RECORDS_FILE, load_demo_records
from gis.report import ImportReport
from gis.workspace import Workspace

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "boundaries"
MANIFEST = "demo.toml"


@dataclass(frozen=True)
class DemoLayer:
    """One file of a demo area and how it is imported."""

    area: str
    file: Path
    kind: str
    where: str | None = None
    join: dict[str, Any] | None = None
    # target field -> source column ("" leaves the field unmapped)
    fields: dict[str, str] | None = None


def demo_layers(data_dir: Path = DATA_DIR) -> list[DemoLayer]:
    """Every layer the manifest lists, in order."""
    with (data_dir / MANIFEST).open("rb") as fh:
        manifest = tomllib.load(fh)
    return [
        DemoLayer(
            area=area["key"],
            file=data_dir / entry["file"],
            kind=entry["kind"],
            where=entry.get("where"),
            join=entry.get("join"),
            fields=entry.get("fields"),
        )
        for area in manifest["area"]
        for entry in area["layer"]
    ]


def build_demo(
    workspace: Workspace,
    *,
    data_dir: Path = DATA_DIR,
    progress: Callable[[int, int, str], None] | None = None,
    records: bool = True,
) -> list[ImportReport]:
    """Import every demo layer into ``workspace``, then the example
    programme records (unless ``records`` is False).

    The records are added only to demo areas that hold no plan yet, so
    building again over an existing workspace adds no duplicates.

    Raises
    ------
    InputError
        When a demo file fails to import (the shipped data is broken).
    """
    entries = demo_layers(data_dir)
    steps = len(entries) + (1 if records else 0)
    reports = []
    for number, entry in enumerate(entries, start=1):
        if progress:
            progress(number, steps, entry.file.name)
        reports.append(_import_one(workspace, entry, data_dir))
    if records:
        if progress:
            progress(steps, steps, RECORDS_FILE)
        load_demo_records(workspace, path=data_dir / RECORDS_FILE)
    return reports


def _import_one(
    workspace: Workspace, entry: DemoLayer, data_dir: Path
) -> ImportReport:
    """Import one manifest entry; the shipped data must import cleanly."""
    options = ImportOptions(
        kind=entry.kind, where=entry.where, fields=entry.fields or {}
    )
    report, prepared = prepare_source(entry.file, options)
    if not report.ok or not prepared:
        raise InputError(t("demo.failed", file=entry.file.name,
                           why=report.error or ""))  # fmt: skip
    if entry.join:
        for layer in prepared:
            join_table(layer, data_dir / entry.join["file"], **_join_args(entry))
    workspace.add_layers(entry.area, entry.kind, prepared)
    log.info("demo %s: %s as %s", entry.area, entry.file.name, entry.kind)
    return report


def _join_args(entry: DemoLayer) -> dict[str, Any]:
    join = entry.join or {}
    return {
        "left": join["left"],
        "right": join["right"],
        "columns": dict(join["columns"]),
    }


def join_table(
    layer: PreparedLayer,
    table: Path,
    *,
    left: str,
    right: str,
    columns: dict[str, str],
) -> None:
    """Add columns from a CSV to a prepared layer, matched on a key.

    Parameters
    ----------
    layer : PreparedLayer
        Changed in place; the join is noted in its report.
    table : Path
        UTF-8 CSV with the key column ``right``.
    left, right : str
        Key column in the layer and in the table.
    columns : dict
        ``{target: table column}`` to copy.

    Every feature must find its row, and every row its feature; what
    does not match is reported, never dropped silently.
    """
    rows = pd.read_csv(table, dtype={right: str})
    keys = layer.frame[left].astype("string")
    lookup = rows.set_index(right)
    for target, source in columns.items():
        layer.frame[target] = keys.map(lookup[source]).to_numpy()
    unmatched = sorted(set(keys.dropna()) - set(lookup.index))
    unused = sorted(set(lookup.index) - set(keys.dropna()))
    layer.report.assumptions.append(
        t("demo.joined", table=table.name, columns=", ".join(columns))
    )
    if unmatched or unused:
        layer.report.warnings.append(
            t("demo.join_unmatched", table=table.name,
              features=", ".join(unmatched) or "-",
              rows=", ".join(unused) or "-")
        )  # fmt: skip
