"""Coverage: who lives within reach of roads, water, schools and clinics.

Per village and in total, the share of people within a straight-line
distance of an all-weather road (default 500 m), a safe water source
(800 m), a school (5 km) and a clinic (3 km), and basic farmland in mu
and mu per person against a target (1.0). Thresholds and the classes
that count live in a settings profile (``gis/profiles/default.toml``),
which a province can replace and a run can override.

Rules of counting
-----------------
- Settlements belong to the village polygon that covers them (edge
  included; on a shared edge, the first village). One outside every
  polygon goes to the nearest village within ``assign_tolerance_m``,
  else it is listed as unassigned and left out of every share.
- A village's people are counted, by the first that applies: its
  settlements' population; its settlements' households; its recorded
  population spread equally over its buildings (an estimate); its
  buildings (shares of buildings); nothing (shares left empty).
- Distances are straight lines in the local metric CRS of the villages
  (:func:`gis.measure.metric_crs_for`), rounded to whole millimetres.
  "Within" includes the threshold: distance <= threshold.
- A share is empty (NaN), never 0, when its layer is missing or the
  village has nobody to count; a layer with nothing that counts (no
  school at all) gives 0.

Examples
--------
>>> import pathlib, tempfile
>>> from gis.demo import build_demo
>>> from gis.workspace import Workspace
>>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "demo.gpkg")
>>> _ = build_demo(ws)
>>> result = coverage(ws, "liechtenstein")
>>> result.method, result.crs
('straight', 'EPSG:32632')
>>> sorted(set(result.villages["population_basis"]))
['buildings_estimate']
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd

from gis import _coverage_write as write
from gis._coverage_inputs import INDICATORS, prepare, read_area
from gis._coverage_measure import (
    count_villages,
    distances,
    farmland_m2,
    units_of,
)
from gis._coverage_profile import DEFAULT_PROFILE, Profile, load_profile
from gis._coverage_tables import notes, point_tables, village_table
from gis.errors import InputError
from gis.i18n import language, t
from gis.workspace import Workspace, area_key

__all__ = [
    "DEFAULT_PROFILE",
    "INDICATORS",
    "METHODS",
    "CoverageResult",
    "Profile",
    "coverage",
    "coverage_frames",
    "load_profile",
    "write_result",
]

log = logging.getLogger(__name__)

METHODS = ("straight", "network", "terrain")
AVAILABLE = ("straight",)
WITHIN_RULE = "distance_m <= threshold_m, distances rounded to whole millimetres"

Progress = Callable[[float, str], None]


@dataclass
class CoverageResult:
    """What a coverage run found, and how.

    Attributes
    ----------
    villages : pandas.DataFrame
        One row per village, then a total row (``is_total``): ids,
        ``population`` (people the shares count; an estimate where
        ``population_basis`` is ``"buildings_estimate"``),
        ``population_basis``, ``households``, ``buildings``,
        ``settlements``, ``units`` (points counted), ``<indicator>_covered_pct``
        (0-100, NaN where not measured), ``<indicator>_uncovered_people``,
        ``farmland_mu``, ``farmland_mu_per_person``,
        ``farmland_meets_target``.
    uncovered : geopandas.GeoDataFrame
        Lon/lat points (settlements, or buildings where they carry the
        people) out of reach of one indicator or more, with their
        village, population, ``distance_to_<indicator>_m``,
        ``fails_<indicator>`` and ``fails`` (``"road;school"``).
    unassigned : geopandas.GeoDataFrame
        Settlements farther than the tolerance from every village, with
        the nearest village and their distances.
    method : str
        ``"straight"``.
    profile : Profile
        Thresholds and classes used.
    data_dates : dict
        ``"<kind>:<family>"`` -> when that layer was imported.
    notes : list of str
        Translated sentences: method, estimates, missing layers,
        unassigned settlements.
    area : str
        Area key.
    crs : str
        The metric CRS distances were measured in.
    village_shapes : geopandas.GeoSeries
        Lon/lat village polygons, in the order of the village rows.
    computed_at : str
        UTC time of the run, ISO 8601.
    """

    villages: pd.DataFrame
    uncovered: gpd.GeoDataFrame
    unassigned: gpd.GeoDataFrame
    method: str
    profile: Profile
    data_dates: dict[str, str]
    notes: list[str]
    area: str = ""
    crs: str = ""
    village_shapes: gpd.GeoSeries = field(default_factory=gpd.GeoSeries)
    computed_at: str = ""

    def metadata(self) -> dict[str, object]:
        """Method, thresholds, CRS, data dates and notes, for files."""
        return {
            "area": self.area,
            "method": self.method,
            "metric_crs": self.crs,
            "within_rule": WITHIN_RULE,
            "profile": self.profile.as_dict(),
            "data_dates": dict(self.data_dates),
            "notes": list(self.notes),
            "language": language(),
            "computed_at": self.computed_at,
        }


def coverage(
    ws: Workspace,
    area: str,
    *,
    profile: Profile | None = None,
    method: str = "straight",
    progress: Progress | None = None,
) -> CoverageResult:
    """Coverage of every village of a workspace area.

    Parameters
    ----------
    ws : Workspace
        The workspace holding the area.
    area : str
        Area name or key.
    profile : Profile, optional
        Thresholds and classes; the shipped default when left out (see
        :func:`load_profile`).
    method : {"straight"}
        How distance is measured. ``"network"`` and ``"terrain"`` are
        planned and raise for now.
    progress : callable, optional
        Called as ``progress(fraction, message)`` with fraction 0..1 and
        a translated message.

    Raises
    ------
    gis.errors.InputError
        Unknown or unavailable method, no village layer, bad profile.
    """
    check_method(method)
    report = progress or _silent
    report(0.0, t("coverage.step_read"))
    frames, dates = read_area(ws, area)
    return _run(frames, dates, area_key(area), profile, method, report)


def coverage_frames(
    frames: Mapping[str, gpd.GeoDataFrame],
    *,
    profile: Profile | None = None,
    method: str = "straight",
    progress: Progress | None = None,
    data_dates: Mapping[str, str] | None = None,
    area: str = "",
) -> CoverageResult:
    """Coverage from layers in memory, for batch runs and benchmarks.

    ``frames`` maps layer kinds (``"villages"``, ``"settlements"``,
    ``"buildings"``, ``"roads"``, ``"water"``, ``"facilities"``,
    ``"farmland"``) to GeoDataFrames with a CRS and the canonical
    fields; kinds left out count as missing layers. The other
    parameters are those of :func:`coverage`.
    """
    check_method(method)
    report = progress or _silent
    return _run(dict(frames), dict(data_dates or {}), area, profile, method, report)


def check_method(method: str) -> None:
    """Raise :class:`InputError` unless ``method`` can be run now."""
    if method in AVAILABLE:
        return
    if method in METHODS:
        raise InputError(
            t("coverage.method_not_yet", method=method,
              available=", ".join(AVAILABLE))
        )  # fmt: skip
    raise InputError(
        t("coverage.method_unknown", method=method, valid=", ".join(METHODS))
    )


def write_result(
    result: CoverageResult,
    out: Path | str,
    *,
    table: Literal["villages", "uncovered", "unassigned"] = "villages",
) -> list[Path]:
    """Write a result to ``.csv``, ``.gpkg`` or ``.json``.

    Every file records the method, thresholds, CRS and data dates:
    ``.json`` in its ``"metadata"`` object, ``.gpkg`` in a
    ``coverage_metadata`` table, ``.csv`` in a sibling
    ``<name>.meta.json``. A ``.gpkg`` holds the ``villages`` (with
    their polygons), ``uncovered`` and ``unassigned`` layers and a
    ``.json`` all three tables; a ``.csv`` (UTF-8 with BOM, for Excel)
    holds the one named by ``table``, points with ``lon``/``lat``.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    gis.errors.InputError
        An unsupported file suffix or table name.
    """
    out = Path(out)
    tables = {
        "villages": result.villages,
        "uncovered": result.uncovered,
        "unassigned": result.unassigned,
    }
    if table not in tables:
        raise InputError(
            t("coverage.unknown_table", table=table, valid=", ".join(tables))
        )
    suffix = out.suffix.lower()
    metadata = result.metadata()
    if suffix == ".csv":
        return write.csv(tables[table], metadata | {"table": table}, out)
    if suffix == ".gpkg":
        return write.gpkg(tables, result.village_shapes, metadata, out)
    if suffix == ".json":
        return write.json_file(tables, metadata, out)
    raise InputError(t("coverage.bad_suffix", path=str(out)))


def _run(
    frames: dict[str, gpd.GeoDataFrame],
    dates: dict[str, str],
    area: str,
    profile: Profile | None,
    method: str,
    report: Progress,
) -> CoverageResult:
    """Check, place, measure and tabulate."""
    profile = profile or load_profile()

    # the layers, checked, in metres
    report(0.1, t("coverage.step_prepare"))
    checked = prepare(frames, profile)

    # who lives where, and how far from what
    report(0.3, t("coverage.step_assign"))
    counts = count_villages(checked, profile)
    units = units_of(checked, counts)
    report(0.5, t("coverage.step_distance", n=len(units.table)))
    distance = distances(units, checked, profile)

    # the tables
    report(0.8, t("coverage.step_tables"))
    farmland = farmland_m2(checked.village_shapes, checked.farmland)
    villages = village_table(checked, counts, units, distance, farmland, profile)
    uncovered, unassigned = point_tables(checked, units, distance, profile)
    log.info(
        "coverage of %s: %d villages, %d units, %d uncovered, %d unassigned",
        area or "frames", len(checked.villages), len(units.table),
        len(uncovered), len(unassigned),
    )  # fmt: skip
    report(1.0, t("coverage.step_done"))
    return CoverageResult(
        villages=villages,
        uncovered=uncovered,
        unassigned=unassigned,
        method=method,
        profile=profile,
        data_dates=dates,
        notes=notes(checked, counts, units, profile),
        area=area,
        crs=checked.crs_name,
        village_shapes=checked.village_lonlat,
        computed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _silent(fraction: float, message: str) -> None:
    """A progress callback that does nothing."""
