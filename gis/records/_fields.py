"""The fields of each record kind: type, whether required, allowed values.

One definition serves validation, the Plans page's forms and the
exports. Money fields are entered in yuan (``*_yuan``) and stored in
whole fen (``*_fen``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gis.records._models import CHANNELS, DEPARTMENTS, RESULTS, SECTIONS, STATUSES

# no single plan item of a village costs a billion yuan: larger is a typo
MAX_YUAN = 1_000_000_000
# nor does it build a billion of anything (km, mu, households), nor does
# a village assembly count ten million people: larger is a typo
MAX_QUANTITY = 1_000_000_000
MAX_COUNT = 10_000_000
SHORT_TEXT = 200

# field types: text, int, float, date, year, yuan, choice, ref, wkt, phone
TYPES = (
    "text",
    "int",
    "float",
    "date",
    "year",
    "yuan",
    "choice",
    "ref",
    "wkt",
    "phone",
)


@dataclass(frozen=True)
class Field:
    """One field of a record kind as users enter it."""

    name: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None  # the record kind a "ref" field points to
    minimum: float | None = None
    maximum: float | None = None
    exclusive_min: bool = False
    max_length: int = 20_000  # characters, for text

    @property
    def column(self) -> str:
        """The stored column: ``budget_yuan`` is kept as ``budget_fen``."""
        if self.type == "yuan":
            return self.name.removesuffix("_yuan") + "_fen"
        return self.name


def _village() -> tuple[Field, ...]:
    return (
        Field("area", required=True),
        Field("village_id", required=True),
        _name("village_name", required=False),
    )


def _count(name: str, *, required: bool = False) -> Field:
    return Field(name, "int", required=required, minimum=0, maximum=MAX_COUNT)


def _positive(name: str, kind: str = "float", *, required: bool = False) -> Field:
    limit = MAX_YUAN if kind == "yuan" else MAX_QUANTITY
    return Field(name, kind, required=required, minimum=0, exclusive_min=True,
                 maximum=limit)  # fmt: skip


def _name(name: str, *, required: bool = True) -> Field:
    """A short text: a title, a name, a category."""
    return Field(name, required=required, max_length=SHORT_TEXT)


FIELDS: dict[str, tuple[Field, ...]] = {
    "plan": (
        *_village(),
        _name("title"),
        Field("revision", "int", required=True, minimum=1),
        Field("period_start", "year", required=True),
        Field("period_end", "year", required=True),
        Field("assembly_date", "date"),
        _count("attendance"),
        _count("votes_for"),
        _count("votes_against"),
        Field("notes"),
    ),
    "target": (
        Field("plan_id", "ref", required=True, ref="plan"),
        Field("section", "choice", required=True, choices=SECTIONS),
        _name("measure"),
        _name("unit"),
        _positive("target_value", required=True),
        Field("baseline_value", "float", minimum=0, maximum=MAX_QUANTITY),
    ),
    "project": (
        *_village(),
        Field("plan_id", "ref", ref="plan"),
        Field("target_id", "ref", ref="target"),
        Field("section", "choice", required=True, choices=SECTIONS),
        _name("category"),
        _name("name"),
        Field("geometry_wkt", "wkt"),
        Field("feature_ref"),
        _positive("quantity"),
        _name("unit", required=False),
        _positive("budget_yuan", "yuan"),
        Field("planned_start", "date"),
        Field("planned_end", "date"),
        Field("actual_start", "date"),
        Field("actual_end", "date"),
        Field("progress_pct", "float", minimum=0, maximum=100),
        Field("progress_date", "date"),
        Field("accepted_on", "date"),
        _name("accepted_by", required=False),
        Field("acceptance_notes"),
    ),
    "status": (
        Field("project_id", "ref", required=True, ref="project"),
        Field("status", "choice", required=True, choices=STATUSES),
        Field("on_date", "date", required=True),
        Field("note"),
    ),
    "inspection": (
        Field("project_id", "ref", required=True, ref="project"),
        Field("on_date", "date", required=True),
        _name("inspector"),
        Field("result", "choice", required=True, choices=RESULTS),
        Field("notes"),
    ),
    "allocation": (
        *_village(),
        Field("project_id", "ref", ref="project"),
        Field("channel", "choice", required=True, choices=CHANNELS),
        Field("department", "choice", choices=DEPARTMENTS),
        Field("purpose", "choice", required=True, choices=SECTIONS),
        _positive("amount_yuan", "yuan", required=True),
        Field("allocated_on", "date", required=True),
        _name("document", required=False),
        Field("notes"),
    ),
    "spending": (
        Field("allocation_id", "ref", required=True, ref="allocation"),
        Field("project_id", "ref", ref="project"),
        Field("purpose", "choice", choices=SECTIONS),
        _positive("amount_yuan", "yuan", required=True),
        Field("spent_on", "date", required=True),
        Field("description"),
    ),
    "assistance": (
        *_village(),
        _name("leader_name", required=False),
        _name("leader_post", required=False),
        _name("cadre_name", required=False),
        _name("cadre_unit", required=False),
        _name("unit_name", required=False),
        Field("since", "date"),
        Field("phone", "phone", max_length=40),
    ),
    "pair": (
        *_village(),
        _name("household"),
        _positive("members", "int"),
        _name("helper_name", required=False),
        _name("helper_unit", required=False),
    ),
}

# dates of things that have happened: never later than today
PAST_DATES = frozenset(
    {
        "assembly_date",
        "actual_start",
        "actual_end",
        "progress_date",
        "accepted_on",
        "on_date",
        "allocated_on",
        "spent_on",
        "since",
    }
)

# the kinds whose records belong to a village directly
VILLAGE_KINDS = ("plan", "project", "allocation", "assistance", "pair")


def field_map(kind: str) -> dict[str, Field]:
    """The fields of ``kind`` by name."""
    return {f.name: f for f in FIELDS[kind]}
