"""Programme records written out: a workbook for people, CSV files for programs.

``xlsx`` holds one sheet per record kind, a sheet of the fund checks'
findings and one of money by channel, with translated headers and choice
values, money in yuan and dates as dates. ``csv`` is a zip of UTF-8 (with
BOM, so spreadsheet programs read the Chinese text) CSV files whose headers
are the field keys (``budget_yuan``, ``section`` …) and whose values are
the stored keys, so other programs can read them back; ``fields.csv``
gives every key's English and Chinese label.

Examples
--------
>>> from gis.records import RecordStore
>>> snap = RecordStore("workspace/village.gpkg").snapshot()  # doctest: +SKIP
>>> export_records(snap, Path("records.xlsx"), fmt="xlsx")  # doctest: +SKIP
PosixPath('records.xlsx')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gis._atomic import replacing
from gis.errors import InputError
from gis.i18n import catalog, language, t, use_language
from gis.records._fields import field_map
from gis.records._models import (
    CHANNELS,
    DEPARTMENTS,
    MODELS,
    RESULTS,
    SECTIONS,
    STATUSES,
)
from gis.records.rules import Finding, check_funds
from gis.records.snapshot import Snapshot
from gis.records.summary import money_by_channel

FORMATS = ("csv", "xlsx")
SUFFIXES = {"csv": ".zip", "xlsx": ".xlsx"}

# columns kept out of exports: bookkeeping of the store
_HIDDEN = frozenset({"row_version"})
# the message prefix of each set of choices
_CHOICE_KEYS = {
    SECTIONS: "section",
    STATUSES: "status",
    CHANNELS: "channel",
    DEPARTMENTS: "department",
    RESULTS: "result",
}
_DATE_FORMAT = "yyyy-mm-dd"
_MONEY_FORMAT = "#,##0.00"
_WIDEST = 60


@dataclass(frozen=True)
class Column:
    """One exported column: its key (the CSV header), stored column and type.

    ``type`` is a field type of :mod:`gis.records._fields`; ``choices``
    names the message prefix of a choice column (``"section"`` …).
    """

    key: str
    column: str
    type: str = "text"
    choices: str | None = None

    def label(self) -> str:
        """The translated header (money headers carry their unit)."""
        return column_label(self.key)

    def cell(self, row: dict[str, Any], *, for_people: bool) -> object:
        """The value to write: yuan from fen, labels or keys for choices."""
        value = row.get(self.column)
        if value is None:
            return None
        if self.type == "yuan":
            yuan = Decimal(int(value)) / 100
            return float(yuan) if for_people else f"{yuan:.2f}"
        if self.choices is not None and for_people:
            return t(f"records.{self.choices}_{value}")
        if isinstance(value, dt.date) and not for_people:
            return value.isoformat()
        return value


def export_records(
    snapshot: Snapshot,
    out: Path,
    *,
    fmt: str,
    lang: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write every record of ``snapshot``, the findings and money by channel.

    Parameters
    ----------
    snapshot : Snapshot
        The records now or as of a past day.
    out : Path
        The file to write: ``.xlsx`` for ``fmt="xlsx"``, ``.zip`` for
        ``fmt="csv"``. It is replaced only once complete.
    fmt : {"csv", "xlsx"}
        Workbook for people, or CSV files for programs.
    lang : {"zh", "en"}, optional
        Language of headers, choice labels and findings; default the
        current one.
    today : date, optional
        The day the fund checks judge by; default the snapshot's day, or
        today for the live records.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    gis.errors.InputError
        Unknown format, or a file name whose ending does not fit it.
    """
    check_target(out, fmt)
    with use_language(lang or language()):
        findings = check_funds(snapshot, today=today or snapshot_day(snapshot))
        with replacing(out) as tmp:
            if fmt == "xlsx":
                _write_workbook(tmp, snapshot, findings)
            else:
                _write_zip(tmp, snapshot, findings)
    return out


def check_target(out: Path, fmt: str) -> None:
    """Refuse an unknown format, or a file name that does not end to fit it."""
    if fmt not in FORMATS:
        raise InputError(t("recordscli.bad_format", fmt=fmt, valid=", ".join(FORMATS)))
    if out.suffix.lower() != SUFFIXES[fmt]:
        raise InputError(
            t("recordscli.bad_suffix", path=str(out), fmt=fmt, suffix=SUFFIXES[fmt])
        )


def snapshot_day(snapshot: Snapshot) -> dt.date:
    """The local day a snapshot shows (today for the live records)."""
    if snapshot.as_of is None:
        return dt.date.today()
    # as_of is the first instant after the day shown
    last = snapshot.as_of - dt.timedelta(microseconds=1)
    return last.astimezone().date()


def columns(kind: str) -> list[Column]:
    """The exported columns of a record kind: the id, columns the store
    keeps for itself (a project's status), then the entered fields."""
    fields = list(field_map(kind).values())
    entered = {spec.column for spec in fields}
    own = [
        c.key
        for c in sa.inspect(MODELS[kind]).columns
        if c.key not in entered and c.key not in _HIDDEN
    ]
    found = [
        Column(key, key, "choice", "status")
        if key == "status"
        else Column(key, key, "int")
        for key in own
    ]
    found += [
        Column(spec.name, spec.column, spec.type, _CHOICE_KEYS.get(spec.choices))
        for spec in fields
    ]
    return found


def column_label(key: str, lang: str | None = None) -> str:
    """A column's translated header: a field label or an export column's."""
    field_key = f"records.field_{key}"
    if field_key in catalog():
        return t(field_key, lang=lang)
    return t(f"recordscli.col_{key}", lang=lang)


# the tables, as (columns, rows) for both formats

FINDING_COLUMNS = (
    Column("rule", "rule", "choice", "rule_name"),
    Column("area", "area"),
    Column("village_id", "village_id"),
    Column("village_name", "village_name"),
    Column("records", "records"),
    Column("message", "message"),
)
MONEY_COLUMNS = (
    Column("area", "area"),
    Column("village_id", "village_id"),
    Column("village_name", "village_name"),
    Column("channel", "channel", "choice", "channel"),
    Column("department", "department", "choice", "department"),
    Column("allocated_yuan", "allocated_fen", "yuan"),
    Column("spent_yuan", "spent_fen", "yuan"),
)


def _finding_rows(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings as rows (records as ``kind:id`` joined by commas)."""
    return [
        {**f.to_dict(), "records": ", ".join(f.to_dict()["records"])} for f in findings
    ]


def _money_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Allocated and spent money per village, channel and department
    (summed per area in a spreadsheet, where the money went is kept)."""
    names: dict[tuple[str, str], str | None] = {}
    for row in snapshot.of("allocation"):
        key = (row["area"], str(row["village_id"]))
        names[key] = names.get(key) or row.get("village_name")
    return [
        {"area": area, "village_id": village, "village_name": names[area, village],
         **row}
        for area, village in sorted(names)
        for row in money_by_channel(snapshot, area=area, village_id=village)
    ]  # fmt: skip


def _tables(
    snapshot: Snapshot, findings: Sequence[Finding]
) -> Iterator[tuple[str, Sequence[Column], Sequence[dict[str, Any]]]]:
    """(name, columns, rows) of every table: each kind, findings, money."""
    for kind in MODELS:
        yield kind, columns(kind), snapshot.of(kind)
    yield "findings", FINDING_COLUMNS, _finding_rows(findings)
    yield "money_by_channel", MONEY_COLUMNS, _money_rows(snapshot)


# xlsx


def _write_workbook(
    path: Path, snapshot: Snapshot, findings: Sequence[Finding]
) -> None:
    """One sheet per table, headers bold and frozen, widths to fit."""
    book = Workbook()
    book.remove(book.active)
    for name, cols, rows in _tables(snapshot, findings):
        sheet = book.create_sheet(_sheet_title(name))
        sheet.append([c.label() for c in cols])
        for row in rows:
            sheet.append([c.cell(row, for_people=True) for c in cols])
        _format_sheet(sheet, cols)
    book.save(path)


def _sheet_title(name: str) -> str:
    """A table's translated sheet name (Excel allows 31 characters)."""
    key = {"findings": "sheet_findings", "money_by_channel": "sheet_money"}
    return t(f"recordscli.{key.get(name, f'sheet_{name}')}")[:31]


def _format_sheet(sheet: Any, cols: Sequence[Column]) -> None:
    """Bold frozen header, date and money formats, column widths."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, col in enumerate(cols, start=1):
        letter = get_column_letter(number)
        cells = sheet[letter]
        style = {"date": _DATE_FORMAT, "yuan": _MONEY_FORMAT}.get(col.type)
        if style is not None:
            for cell in cells[1:]:
                cell.number_format = style
        longest = max(len(str(c.value)) if c.value is not None else 0 for c in cells)
        sheet.column_dimensions[letter].width = min(longest + 2, _WIDEST)


# csv


def _write_zip(path: Path, snapshot: Snapshot, findings: Sequence[Finding]) -> None:
    """One CSV per table and ``fields.csv`` with every key's labels."""
    keys: dict[str, None] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, cols, rows in _tables(snapshot, findings):
            records = [[c.cell(row, for_people=False) for c in cols] for row in rows]
            archive.writestr(f"{name}.csv", _csv_text([c.key for c in cols], records))
            keys.update(dict.fromkeys(c.key for c in cols))
        labels = [[key, column_label(key, "en"), column_label(key, "zh")]
                  for key in keys]  # fmt: skip
        archive.writestr("fields.csv", _csv_text(["key", "en", "zh"], labels))


def _csv_text(header: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A CSV file as UTF-8 with a byte-order mark; None as an empty cell."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
