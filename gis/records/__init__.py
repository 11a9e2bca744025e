"""Programme records: plans, projects, funds, assistance and their history.

The records live in the workspace GeoPackage next to the layers
(``vp_*`` tables, migrated with Alembic). :class:`RecordStore` saves
them, :class:`Snapshot` reads them now or as of a past date,
:func:`check_funds` applies the fund and assistance rules and
:func:`village_records` gathers what a village panel shows.
"""

from gis.records._fields import FIELDS, Field, field_map
from gis.records._models import CHANNELS, DEPARTMENTS, RESULTS, SECTIONS, STATUSES
from gis.records._validate import convert, to_fen, unit_group
from gis.records.rules import RULES, Finding, check_funds, village_findings, yuan
from gis.records.snapshot import Snapshot
from gis.records.store import RecordStore, Saved, utc_now
from gis.records.summary import (
    PROJECT_COLUMNS,
    TargetProgress,
    VillageRecords,
    money_by_channel,
    project_features,
    village_records,
)

__all__ = [
    "CHANNELS",
    "DEPARTMENTS",
    "FIELDS",
    "PROJECT_COLUMNS",
    "RESULTS",
    "RULES",
    "SECTIONS",
    "STATUSES",
    "Field",
    "Finding",
    "RecordStore",
    "Saved",
    "Snapshot",
    "TargetProgress",
    "VillageRecords",
    "check_funds",
    "convert",
    "field_map",
    "money_by_channel",
    "project_features",
    "to_fen",
    "unit_group",
    "utc_now",
    "village_findings",
    "village_records",
    "yuan",
]
