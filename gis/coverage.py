"""Coverage: who lives within reach of roads, water, schools and clinics.

Per village and in total, the share of people within reach of an
all-weather road (default 500 m), a safe water source (800 m), a school
(5 km) and a clinic (3 km), and basic farmland in mu and mu per person
against a target (1.0). Thresholds and the classes that count live in
a settings profile (``gis/profiles/default.toml``), which a province
can replace and a run can override.

Three methods measure the distance to schools and clinics:
``"straight"`` (a straight line), ``"network"`` (along the roads, with
the legs to and from the nearest road) and ``"terrain"`` (walking time
along the roads over an elevation raster, ``dem=``, compared with the
thresholds walked at ``walk_kmh`` on flat ground). Roads and water are
measured in straight lines under every method: reaching a road is what
the road indicator measures. See :mod:`gis._coverage_network`.

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
- Distances are measured in the local metric CRS of the villages
  (:func:`gis.measure.metric_crs_for`), rounded to whole millimetres.
  "Within" includes the threshold: distance <= threshold.
- Along the roads, a settlement or facility farther than
  ``snap_limit_m`` from every road, or on a part of the network no
  facility reaches, is out of reach (infinite distance).
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
import numpy as np
import pandas as pd

from gis import _coverage_network as network
from gis import _coverage_write as write
from gis._coverage_inputs import INDICATORS, Area, prepare, read_area
from gis._coverage_measure import (
    Units,
    count_villages,
    distances,
    farmland_m2,
    units_of,
)
from gis._coverage_profile import DEFAULT_PROFILE, Profile, load_profile
from gis._coverage_records import with_programme
from gis._coverage_tables import notes, point_tables, village_table
from gis.areas import resolve_area
from gis.elevation import Dem, open_dem
from gis.errors import InputError
from gis.i18n import language, t
from gis.records.store import RecordStore
from gis.workspace import Workspace

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
WITHIN_RULE = "distance_m <= threshold_m, distances rounded to whole millimetres"
TERRAIN_RULE = (
    "time_min <= threshold_m walked at walk_kmh on flat ground; times are "
    "compared as that flat distance, rounded to whole millimetres"
)
SPEED_RULE = (
    "Tobler's hiking function scaled to walk_kmh on flat ground: "
    "walk_kmh * exp(-3.5 * (|slope + 0.05| - 0.05)), slope = rise / run "
    "from the DEM at the ends of road pieces of at most terrain_step_m; "
    "legs to and from the road, and pieces without heights, at walk_kmh"
)

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
        ``fails_<indicator>`` and ``fails`` (``"road;school"``). Along
        the roads, ``distance_to_school_m`` and ``distance_to_clinic_m``
        are network metres (terrain: the distance walked on flat ground
        in the same time), and the listing adds
        ``distance_to_any_road_m``, ``unreachable_school`` and
        ``unreachable_clinic`` (``"off_road"``: beyond the snap limit,
        ``"no_route"``: no road leads to one) and, for terrain,
        ``time_to_school_min`` and ``time_to_clinic_min``.
    unassigned : geopandas.GeoDataFrame
        Settlements farther than the tolerance from every village, with
        the nearest village and their distances.
    method : str
        ``"straight"``, ``"network"`` or ``"terrain"``.
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
    dem : str
        The elevation raster of a terrain run, as given ("" otherwise).
    dem_crs : str
        Its CRS.
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
    dem: str = ""
    dem_crs: str = ""

    def metadata(self) -> dict[str, object]:
        """Method, thresholds, CRS, data dates and notes, for files."""
        meta: dict[str, object] = {
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
        if self.method == "straight":
            return meta
        meta["along_roads"] = list(network.ALONG_ROADS)
        meta["snap_limit_m"] = self.profile.snap_limit_m
        if self.method == "terrain":
            per_m = network.minutes_per_m(self.profile.walk_kmh)
            meta["within_rule"] = TERRAIN_RULE
            meta["speed_rule"] = SPEED_RULE
            meta["walk_kmh"] = self.profile.walk_kmh
            meta["threshold_min"] = {
                name: round(float(getattr(self.profile, f"{name}_m")) * per_m, 3)
                for name in network.ALONG_ROADS
            }
            meta["dem"] = self.dem
            meta["dem_crs"] = self.dem_crs
        return meta


def coverage(
    ws: Workspace,
    area: str,
    *,
    profile: Profile | None = None,
    method: str = "straight",
    dem: Path | str | None = None,
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
    method : {"straight", "network", "terrain"}
        How distance to schools and clinics is measured: a straight
        line, along the roads, or walking time along the roads over
        ``dem``. Roads and water are straight lines under every method.
    dem : Path or str, optional
        An elevation raster (GeoTIFF, heights in metres, any CRS); the
        terrain method needs it, the others leave it unused.
    progress : callable, optional
        Called as ``progress(fraction, message)`` with fraction 0..1 and
        a translated message.

    Raises
    ------
    gis.errors.InputError
        Unknown area or method, terrain without a readable ``dem``, no
        village layer, bad profile.
    gis.errors.WorkspaceError
        There is no workspace file.
    """
    raster = check_method(method, dem)
    report = progress or _silent
    report(0.0, t("coverage.step_read"))
    key = resolve_area(ws, area)
    frames, dates = read_area(ws, key)
    result = _run(frames, dates, key, profile, method, raster, report)
    snap = RecordStore(ws).snapshot()
    if not snap.is_empty():
        result.villages, note = with_programme(result.villages, snap, key)
        result.notes.append(note)
    return result


def coverage_frames(
    frames: Mapping[str, gpd.GeoDataFrame],
    *,
    profile: Profile | None = None,
    method: str = "straight",
    dem: Path | str | None = None,
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
    raster = check_method(method, dem)
    report = progress or _silent
    return _run(dict(frames), dict(data_dates or {}), area, profile, method,
                raster, report)  # fmt: skip


def check_method(method: str, dem: Path | str | None = None) -> Dem | None:
    """The opened DEM of a terrain run (None for the other methods).

    Raises
    ------
    gis.errors.InputError
        An unknown method, or terrain without a readable ``dem``.
    """
    if method not in METHODS:
        raise InputError(
            t("coverage.method_unknown", method=method, valid=", ".join(METHODS))
        )
    if method != "terrain":
        if dem is not None:
            log.info("method %s does not use the elevation raster %s", method, dem)
        return None
    if dem is None:
        raise InputError(t("coverage.terrain_needs_dem"))
    return open_dem(dem)


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
    dem: Dem | None,
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
    distance, extra, method_notes = _measure(checked, units, profile, method,
                                             dem, report)  # fmt: skip

    # the tables
    report(0.8, t("coverage.step_tables"))
    farmland, farmland_outside = farmland_m2(checked.village_shapes, checked.farmland)
    villages = village_table(checked, counts, units, distance, farmland, profile)
    uncovered, unassigned = point_tables(checked, units, distance, profile, extra)
    log.info(
        "coverage of %s (%s): %d villages, %d units, %d uncovered, %d unassigned",
        area or "frames", method, len(checked.villages), len(units.table),
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
        notes=notes(
            checked, counts, units, profile, method_notes,
            farmland_outside_m2=farmland_outside,
        ),
        area=area,
        crs=checked.crs_name,
        village_shapes=checked.village_lonlat,
        computed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dem="" if dem is None else str(dem.path),
        dem_crs="" if dem is None else dem.crs_name,
    )


def _measure(
    checked: Area,
    units: Units,
    profile: Profile,
    method: str,
    dem: Dem | None,
    report: Progress,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list[str] | None]:
    """Distances of every unit, extra listing columns and method notes.

    Straight lines for everything, or for roads and water only when
    schools and clinics are measured along the roads.
    """
    if method == "straight":
        return distances(units, checked, profile), {}, None
    straight = tuple(n for n in INDICATORS if n not in network.ALONG_ROADS)
    distance = distances(units, checked, profile, straight)
    found = network.reach(units.shapes, checked, profile, dem=dem, report=report)
    counted = units.table["village"].to_numpy() >= 0
    said = network.notes(found, checked, profile, dem, counted)
    if found is None:
        blank = np.full(len(units.table), np.nan)
        return distance | dict.fromkeys(network.ALONG_ROADS, blank), {}, said
    return distance | found.distance_m, found.columns(), said


def _silent(fraction: float, message: str) -> None:
    """A progress callback that does nothing."""
