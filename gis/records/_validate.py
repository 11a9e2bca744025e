"""Turn entered values into stored ones, and list every problem at once.

``parse`` converts types field by field (text trimmed, numbers, ISO
dates, yuan to fen); ``check`` looks across fields and records (dates in
order, votes within attendance, units matching the plan target, links
within one village). Both return problems as translated sentences, so a
form can show them all together.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import shapely

from gis.i18n import t
from gis.measure import M2_PER_MU
from gis.records._fields import MAX_YUAN, PAST_DATES, Field, field_map

Lookup = Callable[[str, int], dict[str, Any] | None]

_FIRST_YEAR, _LAST_YEAR = 1949, 2100
_SHAPES = frozenset({
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
})  # fmt: skip
_FEN = Decimal("0.01")
# amounts of this many digits before the point are refused at once
# (rounding to fen needs them within the 28 digits Decimal works in)
_HUGE_DIGITS = 15
_PHONE = re.compile(
    r"[0-9+()\-/ .]{3,40}(\s*(转|ext\.?|x)\s*[0-9]{1,6})?", re.IGNORECASE
)

# units that measure the same thing; a project's unit must share a
# group with its target's unit (or be spelled the same)
UNIT_GROUPS: dict[str, frozenset[str]] = {
    "length": frozenset({"m", "km", "米", "公里", "千米"}),
    "area": frozenset({"m2", "m²", "mu", "亩", "ha", "公顷", "平方米", "km2", "km²"}),
    "volume": frozenset({"m3", "m³", "立方米", "t", "吨"}),
    "money": frozenset({"yuan", "元", "万元", "yuan/person", "元/人"}),
    "households": frozenset({"households", "户", "hh"}),
    "people": frozenset({"people", "persons", "人", "人次"}),
}


def parse(
    kind: str, values: Mapping[str, object], *, today: dt.date
) -> tuple[dict[str, Any], list[str], set[str]]:
    """Entered values of ``kind`` as stored column values, the problems,
    and the columns whose value could not be read (left out of the row).

    Unknown field names are problems too. Empty strings become None.
    """
    fields = field_map(kind)
    clean: dict[str, Any] = {}
    problems: list[str] = []
    failed: set[str] = set()
    for name, raw in values.items():
        spec = fields.get(name)
        if spec is None:
            problems.append(
                t(
                    "records.unknown_field",
                    field=name,
                    kind=t(f"records.kind_{kind}"),
                    valid=", ".join(fields),
                )
            )
            continue
        try:
            clean[spec.column] = _convert(spec, raw, today=today)
        except ValueError as exc:
            problems.append(
                t("records.field_problem", field=label(spec.name), problem=exc)
            )
            failed.add(spec.column)
    return clean, problems, failed


def missing(kind: str, row: Mapping[str, Any], failed: set[str]) -> list[str]:
    """Problems for required fields that are empty in a full row (those
    whose entered value was unreadable are reported already)."""
    return [
        t("records.required", field=label(spec.name))
        for spec in field_map(kind).values()
        if spec.required and row.get(spec.column) is None and spec.column not in failed
    ]


def check(kind: str, row: Mapping[str, Any], lookup: Lookup) -> list[str]:
    """Problems across the fields of a full row and the records it links to.

    ``lookup(kind, id)`` returns a stored record as a dict, or None.
    """
    problems = _references(kind, row, lookup)
    problems += _order(kind, row)
    if kind == "plan":
        problems += _votes(row)
    if kind == "project":
        problems += _project_links(row, lookup)
    if kind == "allocation":
        problems += _department(row)
        problems += _same_village(row, "project_id", "project", lookup)
    if kind == "spending":
        problems += _spending_links(row, lookup)
    return problems


def label(name: str) -> str:
    """A field's translated label."""
    return t(f"records.field_{name}")


def unit_group(unit: str | None) -> str | None:
    """The group a unit belongs to (``"km"`` → ``"length"``), or None."""
    if unit is None:
        return None
    key = unit.strip().lower()
    return next((g for g, units in UNIT_GROUPS.items() if key in units), None)


def to_fen(value: object) -> int:
    """Yuan (number or text, ``"1,200.50"``) as whole fen, half up."""
    text = str(value).strip().replace(",", "").replace("，", "")
    text = text.removesuffix("元").removesuffix("yuan").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(t("records.not_amount", value=value)) from None
    if not amount.is_finite():
        raise ValueError(t("records.not_amount", value=value))
    if amount.adjusted() >= _HUGE_DIGITS:
        raise ValueError(
            t("records.above_max", value=text, maximum=_shown(MAX_YUAN))
            if amount > 0
            else t("records.not_positive", value=text, minimum=0)
        )
    return int((amount / _FEN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# conversion of one value


def _convert(spec: Field, raw: object, *, today: dt.date) -> Any:
    """One entered value as the stored value (None when empty)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float) and math.isnan(raw):
        return None
    value = _typed(spec, raw)
    _check_range(spec, value)
    if spec.type == "date" and spec.name in PAST_DATES and value > today:
        raise ValueError(t("records.date_in_future", value=value, today=today))
    return value


def _typed(spec: Field, raw: object) -> Any:
    """``raw`` converted to the field's type."""
    if spec.type in ("text", "phone"):
        text = str(raw).strip()
        if len(text) > spec.max_length:
            raise ValueError(t("records.too_long", n=len(text), limit=spec.max_length))
        if spec.type == "phone" and not _PHONE.fullmatch(text):
            raise ValueError(t("records.not_phone", value=text))
        return text
    if spec.type == "choice":
        value = str(raw).strip()
        if value not in spec.choices:
            raise ValueError(
                t("records.not_choice", value=value, valid=", ".join(spec.choices))
            )
        return value
    if spec.type == "date":
        return _date(raw)
    if spec.type == "wkt":
        return _wkt(raw)
    if spec.type == "yuan":
        return to_fen(raw)
    if spec.type == "float":
        return _number(raw, float)
    return _number(raw, int)  # int, year and ref


def _number(raw: object, kind: type) -> Any:
    """An int or float; whole floats are accepted for ints."""
    try:
        number = float(str(raw).strip().replace(",", ""))
    except ValueError:
        raise ValueError(t("records.not_number", value=raw)) from None
    if not math.isfinite(number):
        raise ValueError(t("records.not_number", value=raw))
    if kind is int:
        if not number.is_integer():
            raise ValueError(t("records.not_whole", value=raw))
        return int(number)
    return number


def _wkt(raw: object) -> str:
    """Valid, non-empty WKT in lon/lat degrees, normalised (6 decimals)."""
    try:
        shape = shapely.from_wkt(str(raw).strip())
    except shapely.errors.GEOSException:
        raise ValueError(t("records.not_wkt", value=str(raw)[:60])) from None
    if shape is None or shape.is_empty:
        raise ValueError(t("records.empty_wkt"))
    if shape.geom_type not in _SHAPES:
        raise ValueError(t("records.wkt_kind", kind=shape.geom_type))
    minx, miny, maxx, maxy = shape.bounds
    if min(minx + 180, 180 - maxx, miny + 90, 90 - maxy) < 0:
        corner = f"{minx:.0f}, {miny:.0f}"
        raise ValueError(t("records.wkt_not_lonlat", bounds=corner))
    if not shape.is_valid:
        raise ValueError(t("records.wkt_invalid", why=shapely.is_valid_reason(shape)))
    return str(shapely.to_wkt(shape, rounding_precision=6, trim=True))


def _date(raw: object) -> dt.date:
    """A date from a date, a datetime or ISO text (YYYY-MM-DD)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        raise ValueError(t("records.not_date", value=raw)) from None


def _check_range(spec: Field, value: Any) -> None:
    """Minimum, maximum and plausible years."""
    if spec.type == "year" and not _FIRST_YEAR <= value <= _LAST_YEAR:
        raise ValueError(
            t("records.bad_year", value=value, first=_FIRST_YEAR, last=_LAST_YEAR)
        )
    number = value / 100 if spec.type == "yuan" else value
    if spec.minimum is not None:
        too_small = (
            number <= spec.minimum if spec.exclusive_min else number < spec.minimum
        )
        if too_small:
            key = "records.not_positive" if spec.exclusive_min else "records.below_min"
            raise ValueError(t(key, value=_shown(number), minimum=_shown(spec.minimum)))
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(
            t("records.above_max", value=_shown(number), maximum=_shown(spec.maximum))
        )


def _shown(number: float) -> str:
    """A number as a person wrote it: 5, -5, 12,000.5 (not -5.0); one
    too large to write out in digits as 1e+30."""
    if abs(number) >= 1e15:
        return f"{number:.6g}"
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.10g}"


# checks across fields and records


_ORDERED = (
    ("period_start", "period_end"),
    ("planned_start", "planned_end"),
    ("actual_start", "actual_end"),
    ("actual_end", "accepted_on"),
)


def _order(kind: str, row: Mapping[str, Any]) -> list[str]:
    """Start before end, for every pair the kind has."""
    fields = field_map(kind)
    problems = []
    for first, second in _ORDERED:
        if first not in fields or second not in fields:
            continue
        a, b = row.get(first), row.get(second)
        if a is not None and b is not None and a > b:
            problems.append(
                t(
                    "records.out_of_order",
                    first=label(first),
                    a=a,
                    second=label(second),
                    b=b,
                )
            )
    return problems


def _votes(row: Mapping[str, Any]) -> list[str]:
    """Votes cast cannot exceed the people at the assembly."""
    attendance = row.get("attendance")
    cast = (row.get("votes_for") or 0) + (row.get("votes_against") or 0)
    if attendance is not None and cast > attendance:
        return [t("records.votes_exceed", cast=cast, attendance=attendance)]
    return []


def _references(kind: str, row: Mapping[str, Any], lookup: Lookup) -> list[str]:
    """Every linked record must exist."""
    problems = []
    for spec in field_map(kind).values():
        ref_id = row.get(spec.column)
        if spec.type != "ref" or ref_id is None or spec.ref is None:
            continue
        if lookup(spec.ref, ref_id) is None:
            kind_label = t(f"records.kind_{spec.ref}")
            problems.append(t("records.no_such", kind=kind_label, id=ref_id))
    return problems


def _same_village(
    row: Mapping[str, Any], column: str, kind: str, lookup: Lookup
) -> list[str]:
    """A linked record must belong to the same village as ``row``."""
    ref_id = row.get(column)
    other = lookup(kind, ref_id) if ref_id is not None else None
    if other is None or "village_id" not in other:
        return []
    if (other["area"], other["village_id"]) == (row.get("area"), row.get("village_id")):
        return []
    return [
        t(
            "records.other_village",
            kind=t(f"records.kind_{kind}"),
            id=ref_id,
            village=other.get("village_name") or other["village_id"],
        )
    ]


def _project_links(row: Mapping[str, Any], lookup: Lookup) -> list[str]:
    """Plan in the same village; target of that plan, same section, same unit."""
    problems = _same_village(row, "plan_id", "plan", lookup)
    target_id = row.get("target_id")
    target = lookup("target", target_id) if target_id is not None else None
    if target is None:
        return problems
    if row.get("plan_id") is not None and target["plan_id"] != row["plan_id"]:
        problems.append(t("records.target_other_plan", id=target_id))
    if target["section"] != row.get("section"):
        problems.append(
            t(
                "records.target_other_section",
                id=target_id,
                section=t(f"records.section_{target['section']}"),
            )
        )
    unit = row.get("unit")
    if unit is not None and not _same_unit(unit, target["unit"]):
        problems.append(
            t("records.unit_mismatch", unit=unit, target_unit=target["unit"])
        )
    return problems


def _same_unit(a: str, b: str) -> bool:
    """Whether two units measure the same thing."""
    if a.strip().lower() == b.strip().lower():
        return True
    group = unit_group(a)
    return group is not None and group == unit_group(b)


def _department(row: Mapping[str, Any]) -> list[str]:
    """Sector funds name their department; other channels do not."""
    channel, department = row.get("channel"), row.get("department")
    if channel == "sector" and department is None:
        return [t("records.department_needed")]
    if channel is not None and channel != "sector" and department is not None:
        return [
            t("records.department_only_sector", channel=t(f"records.channel_{channel}"))
        ]
    return []


def _spending_links(row: Mapping[str, Any], lookup: Lookup) -> list[str]:
    """Spending follows its allocation, in its village."""
    allocation_id = row.get("allocation_id")
    allocation = lookup("allocation", allocation_id) if allocation_id else None
    if allocation is None:
        return []
    problems = []
    spent_on = row.get("spent_on")
    if spent_on is not None and spent_on < allocation["allocated_on"]:
        problems.append(
            t(
                "records.spent_before_allocated",
                spent_on=spent_on,
                allocated_on=allocation["allocated_on"],
                id=allocation_id,
            )
        )
    located = {
        **row,
        "area": allocation["area"],
        "village_id": allocation["village_id"],
    }
    return problems + _same_village(located, "project_id", "project", lookup)


# size of each unit in its group's base unit (m, m², m³, yuan)
UNIT_FACTORS: dict[str, float] = {
    "m": 1.0,
    "米": 1.0,
    "km": 1000.0,
    "公里": 1000.0,
    "千米": 1000.0,
    "m2": 1.0,
    "m²": 1.0,
    "平方米": 1.0,
    "mu": M2_PER_MU,
    "亩": M2_PER_MU,
    "ha": 10000.0,
    "公顷": 10000.0,
    "km2": 1e6,
    "km²": 1e6,
    "m3": 1.0,
    "m³": 1.0,
    "立方米": 1.0,
    "yuan": 1.0,
    "元": 1.0,
    "万元": 10000.0,
}


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to_unit``; None when they do not
    measure the same thing. Units without a factor convert only to
    themselves (households, people)."""
    a, b = unit.strip().lower(), to_unit.strip().lower()
    if a == b:
        return value
    if unit_group(a) is None or unit_group(a) != unit_group(b):
        return None
    if a not in UNIT_FACTORS or b not in UNIT_FACTORS:
        return None
    return value * UNIT_FACTORS[a] / UNIT_FACTORS[b]
