"""Relocation siting review: judge candidate sites on safety, access and size.

Households living where conditions are unfit may move, voluntarily, to
a new site. For each candidate site the review measures every criterion
of the settings profile's ``[siting]`` table and shows the value, the
threshold and pass or fail; it ranks the sites and says why.

The criteria
------------
- ``hazard``: clearance from recorded hazards (points and areas),
  from the site's nearest edge (0 when it touches one), >= ``hazard_m``.
- ``slope_mean``, ``slope_max``: mean and steepest slope over the site
  from an elevation raster (a point site: a circle of
  ``point_site_radius_m``), <= ``max_mean_slope_deg`` and
  ``max_slope_deg``; not assessed without a raster, or when more than
  ``max_no_data_share`` of the site has no heights.
- ``river``: clearance from rivers and water bodies (``river_classes``),
  from the nearest edge, >= ``river_m``.
- ``road``, ``school``, ``clinic``, ``town``, ``water``: distance from
  the site's centre to the nearest all-weather road, school, clinic,
  town or market (``town_types``) and safe water source, <= the
  threshold of each. Classes count as in the coverage analysis.
- ``farmland``: basic farmland within ``farmland_m`` of the centre, the
  site itself left out, per relocated person, >= ``farmland_mu_per_person``
  mu. It is land near the site, not land set aside for the movers.
- ``capacity``: usable area (the site less the ground within the hazard
  and river clearances and the cells steeper than ``max_slope_deg``)
  >= people x ``housing_m2_per_person`` x (1 + ``public_share``) m². A
  point site counts the area its attributes record, else capacity is
  not assessed.

A criterion whose layer is missing is "not assessed", with the reason;
that is never a failure to run. Every site is measured for all the
movers together: the sites are alternatives. Distances are straight
lines in the local metric CRS of the sites, rounded to millimetres;
"within" includes the threshold. The ranking rule is
:data:`gis._siting_rank.RANK_RULE`.

Examples
--------
>>> import pathlib, tempfile
>>> import geopandas as gpd, shapely
>>> from gis.demo import build_demo
>>> from gis.workspace import Workspace
>>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "demo.gpkg")
>>> _ = build_demo(ws)
>>> sites = gpd.GeoDataFrame({"name": ["A"]}, crs="EPSG:4326",
...     geometry=[shapely.box(88.61, 27.32, 88.612, 27.322)])
>>> review = review_sites(ws, "sikkim", sites)
>>> review.criteria.set_index("criterion").loc["slope_mean", "result"]
'not_assessed'
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from gis import _coverage_write as write
from gis._coverage_profile import Profile, load_profile
from gis._siting_inputs import (
    Movers,
    Site,
    Targets,
    check_movers,
    check_sites,
    metric_sites,
    prepare,
    read_layers,
)
from gis._siting_measure import (
    CRITERIA,
    QUAD_SEGS,
    Context,
    Measured,
    criteria_frame,
    measure_site,
)
from gis._siting_rank import RANK_RULE, label, rank
from gis.areas import resolve_area
from gis.crs import WGS84, epsg_string
from gis.elevation import Dem, open_dem
from gis.errors import InputError
from gis.i18n import language, t
from gis.importer import ImportOptions, PreparedLayer, prepare_source
from gis.measure import M2_PER_MU, metric_crs_for
from gis.report import ImportReport
from gis.workspace import Workspace, area_key
from layers import get_kind

__all__ = [
    "CRITERIA",
    "RANK_RULE",
    "SUFFIXES",
    "LayerFile",
    "SitingReview",
    "movers_by_rule",
    "read_kind",
    "read_layer_file",
    "review_frames",
    "review_sites",
    "settlement_reach",
    "sites_from_features",
    "sites_from_layers",
    "write_review",
]

log = logging.getLogger(__name__)

SUFFIXES = (".json", ".csv", ".html", ".pdf")
# hazards and rivers within this distance of a site are drawn, metres
CONSTRAINTS_AROUND_M = 5000.0
# extra columns of the site table: name -> (criterion, criteria column)
EXTRAS = {
    "slope_mean_pct": ("slope_mean", "extra_pct"),
    "slope_max_pct": ("slope_max", "extra_pct"),
    "slope_no_data_share": ("slope_mean", "extra_no_data_share"),
    "capacity_needed_m2": ("capacity", "threshold"),
}


@dataclass
class SitingReview:
    """What a siting review found, and how.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        One row per site in the given order (lon/lat): ``site_id``,
        ``name``, ``shape`` (``"point"`` or ``"area"``), ``village``,
        ``area_m2``, ``usable_m2`` (NaN for points),
        ``movers_nearest_m`` and ``movers_farthest_m`` (from the site's
        centre to the movers' homes), ``rank``,
        ``passes``, ``fails``, ``not_assessed``, ``margin``,
        ``verdict`` (``"pass"``/``"fail"``) and ``reason`` (words).
    criteria : pandas.DataFrame
        One row per site and criterion: ``site_id``, ``name``,
        ``criterion``, ``label``, ``value``, ``unit``, ``rule``
        (``"min"``: value >= threshold, ``"max"``: value <=),
        ``threshold``, ``result`` (``"pass"``, ``"fail"``,
        ``"not_assessed"``), ``note``, ``margin`` and ``extra_*``.
    movers : geopandas.GeoDataFrame
        The settlements or households that would move (lon/lat points).
    people, households : float
        Their known people and households (households NaN: unknown).
    constraints : dict of GeoDataFrame
        Lon/lat areas for the map: ``"hazard"`` (hazard clearance
        buffers), ``"river"`` (river clearance buffers), ``"steep"``
        (cells steeper than the limit near the sites), ``"usable"``
        (each site's usable ground).
    profile : Profile
        Settings used (``profile.siting`` the thresholds).
    area, crs, dem, dem_crs, computed_at : str
        Area key, metric CRS, elevation raster and its CRS ("" if none),
        UTC time of the run.
    data_dates : dict
        ``"<kind>:<family>"`` -> when that layer was imported.
    notes : list of str
        Translated sentences: missing layers, estimates, gaps.
    """

    sites: gpd.GeoDataFrame
    criteria: pd.DataFrame
    movers: gpd.GeoDataFrame
    people: float
    households: float
    constraints: dict[str, gpd.GeoDataFrame]
    profile: Profile
    area: str = ""
    crs: str = ""
    dem: str = ""
    dem_crs: str = ""
    computed_at: str = ""
    data_dates: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def ranked(self) -> gpd.GeoDataFrame:
        """The sites, best first."""
        return self.sites.sort_values("rank", kind="stable")

    def of_site(self, site_id: str) -> pd.DataFrame:
        """The criteria rows of one site, in display order."""
        return self.criteria[self.criteria["site_id"] == str(site_id)]

    def table(self) -> pd.DataFrame:
        """One row per site, best first: the site, its rank and verdict,
        and for each criterion ``<key>_value``, ``<key>_threshold``,
        ``<key>_result`` and ``<key>_note`` (plus slope in percent, the
        share of the site without heights, and the area needed)."""
        ranked = self.ranked()
        order = pd.Index(ranked["site_id"], name="site_id")
        base = pd.DataFrame(ranked.drop(columns="geometry")).set_index("site_id")
        # the point reach is measured from: a point on the site's surface
        # in the review's metric CRS (not one taken in degrees)
        metric = ranked.geometry.to_crs(self.crs)
        centres = metric.representative_point().to_crs(WGS84)
        base.insert(2, "lon", centres.x.round(7).to_numpy())
        base.insert(3, "lat", centres.y.round(7).to_numpy())
        base["people"] = self.people
        base["households"] = self.households
        parts = [base]
        for key in CRITERIA:
            rows = self.criteria[self.criteria["criterion"] == key]
            part = rows.set_index("site_id")[["value", "threshold", "result", "note"]]
            parts.append(part.add_prefix(f"{key}_").reindex(order))
        for name, (key, column) in EXTRAS.items():
            rows = self.criteria[self.criteria["criterion"] == key]
            found = rows.set_index("site_id")
            extra = found[column] if column in found else pd.Series(dtype=float)
            parts.append(extra.reindex(order).rename(name).to_frame())
        return pd.concat(parts, axis=1).reset_index()

    def metadata(self) -> dict[str, object]:
        """Thresholds, rules, CRS, data dates and notes, for files."""
        return {
            "area": self.area,
            "metric_crs": self.crs,
            "siting": self.profile.siting.as_dict(),
            "classes": {
                key: list(getattr(self.profile, key))
                for key in (
                    "all_weather_road_classes",
                    "safe_water_classes",
                    "school_types",
                    "clinic_types",
                )
            },
            "rank_rule": RANK_RULE,
            "distances": "straight lines, rounded to millimetres; clearances "
            "from the site's nearest edge, reach from its centre",
            "people": self.people,
            "households": self.households,
            "movers": len(self.movers),
            "dem": self.dem,
            "dem_crs": self.dem_crs,
            "data_dates": dict(self.data_dates),
            "notes": list(self.notes),
            "language": language(),
            "computed_at": self.computed_at,
        }


# running the review


def review_sites(
    ws: Workspace,
    area: str,
    sites: gpd.GeoDataFrame,
    *,
    movers: gpd.GeoDataFrame | None = None,
    dem: Path | str | None = None,
    profile: Profile | None = None,
) -> SitingReview:
    """Review candidate sites against an area's layers.

    Parameters
    ----------
    ws : Workspace
        The workspace holding the area.
    area : str
        Area name or key.
    sites : geopandas.GeoDataFrame
        Candidate sites, points or (multi)polygons, any CRS; ``name``
        (else "site <n>"), ``source_id``, ``area_m2`` or ``area_mu``
        (used for points) are read when present.
    movers : geopandas.GeoDataFrame, optional
        The settlements or households that would move, with
        ``population`` (and ``households``); see :func:`movers_by_rule`.
        Without them capacity and farmland per person are not assessed.
    dem : Path or str, optional
        An elevation raster (GeoTIFF, heights in metres, any CRS); slope
        is not assessed without it.
    profile : Profile, optional
        Settings; the shipped default when left out.

    Raises
    ------
    gis.errors.InputError
        Unknown area, no usable site, an unreadable raster or a bad
        profile (every problem of the sites named together).
    gis.errors.CRSError
        Sites, movers or a layer without a CRS.
    """
    key = resolve_area(ws, area)
    frames, dates = read_layers(ws, key)
    return review_frames(frames, sites, movers=movers, dem=dem, profile=profile,
                         data_dates=dates, area=key)  # fmt: skip


def review_frames(
    frames: Mapping[str, gpd.GeoDataFrame],
    sites: gpd.GeoDataFrame,
    *,
    movers: gpd.GeoDataFrame | None = None,
    dem: Path | str | None = None,
    profile: Profile | None = None,
    data_dates: Mapping[str, str] | None = None,
    area: str = "",
) -> SitingReview:
    """A review from layers in memory (tests, batch runs).

    ``frames`` maps layer kinds (``"hazards"``, ``"water"``,
    ``"roads"``, ``"facilities"``, ``"farmland"``, ``"villages"``) to
    GeoDataFrames with a CRS and the canonical fields; kinds left out
    count as missing layers. The rest is as for :func:`review_sites`.
    """
    profile = profile or load_profile()

    # sites, movers and raster checked once; everything in metres
    checked = check_sites(sites)
    crs = metric_crs_for(checked)
    moving = check_movers(movers)
    raster = open_dem(dem) if dem is not None else None
    targets = prepare(frames, crs, profile)
    context = Context(targets, moving, raster, profile.siting)

    # each site measured, then all ranked
    metric = metric_sites(checked, crs)
    measured = [measure_site(site, context) for site in metric]
    ranking = rank(list(checked["name"]), [m.criteria for m in measured])
    log.info("siting review of %d sites for %s people (%s)", len(metric),
             f"{moving.people:,.0f}", area or "frames")  # fmt: skip
    return SitingReview(
        sites=_site_table(checked, metric, measured, ranking, moving, crs),
        criteria=_criteria_table(metric, measured),
        movers=moving.frame,
        people=moving.people,
        households=moving.households,
        constraints=_constraints(targets, metric, measured, profile),
        profile=profile,
        area=area,
        crs=epsg_string(crs),
        dem="" if raster is None else str(raster.path),
        dem_crs="" if raster is None else raster.crs_name,
        computed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        data_dates=dict(data_dates or {}),
        notes=[
            *_read_notes(sites, movers),
            *_notes(targets, moving, raster, metric, measured),
        ],
    )


def _read_notes(
    sites: gpd.GeoDataFrame, movers: gpd.GeoDataFrame | None
) -> list[str]:
    """What reading the sites and movers files repaired or left out (kept
    with the frames by :func:`read_layer_file`), so the written review
    says which features it does not show."""
    notes = [
        t("siting.note_sites_file", note=n) for n in sites.attrs.get(READ_NOTES, [])
    ]
    if movers is not None:
        notes += [t("siting.note_movers_file", note=n)
                  for n in movers.attrs.get(READ_NOTES, [])]  # fmt: skip
    return notes


def _no_heights(measured: Measured) -> bool:
    """Whether the elevation raster gave a site no height at all."""
    slope = next(c for c in measured.criteria if c.key == "slope_mean")
    return slope.result == "not_assessed" and slope.note == t("siting.no_dem_here")


def _site_table(
    checked: gpd.GeoDataFrame,
    metric: list[Site],
    measured: list[Measured],
    ranking: pd.DataFrame,
    movers: Movers,
    crs: CRS,
) -> gpd.GeoDataFrame:
    """One row per site: who, where, how big, how far the movers come
    from, rank and reasons."""
    usable = [math.nan if m.usable is None else float(m.usable.area) for m in measured]
    area = [s.recorded_m2 if s.is_point else s.area_m2 for s in metric]
    table = pd.DataFrame({
        "site_id": checked["site_id"],
        "name": checked["name"],
        "shape": ["point" if s.is_point else "area" for s in metric],
        "village": [m.village for m in measured],
        "area_m2": np.round(area, 1),
        "area_mu": np.round(np.asarray(area) / M2_PER_MU, 2),
        "usable_m2": np.round(usable, 1),
        "usable_mu": np.round(np.asarray(usable) / M2_PER_MU, 2),
    })  # fmt: skip
    table["movers_nearest_m"], table["movers_farthest_m"] = _moves(metric, movers, crs)
    table = pd.concat([table, ranking], axis=1)
    return gpd.GeoDataFrame(table, geometry=checked.geometry.to_numpy(), crs=WGS84)


def _moves(
    metric: list[Site], movers: Movers, crs: CRS
) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line metres from each site's centre to the nearest and
    the farthest mover (NaN when nobody moves)."""
    nearest = np.full(len(metric), np.nan)
    farthest = np.full(len(metric), np.nan)
    if movers.frame.empty:
        return nearest, farthest
    homes = np.asarray(movers.frame.geometry.to_crs(crs).to_numpy(), dtype=object)
    for i, site in enumerate(metric):
        gaps = shapely.distance(site.centre, homes)
        nearest[i], farthest[i] = np.round(gaps.min(), 1), np.round(gaps.max(), 1)
    return nearest, farthest


def _criteria_table(metric: list[Site], measured: list[Measured]) -> pd.DataFrame:
    """The long table of every site's criteria."""
    rows = [
        (site.site_id, site.name, c)
        for site, found in zip(metric, measured, strict=True)
        for c in found.criteria
    ]
    return criteria_frame(rows, label)


def _constraints(
    targets: Targets, metric: list[Site], measured: list[Measured], profile: Profile
) -> dict[str, gpd.GeoDataFrame]:
    """Lon/lat areas for the map: clearance buffers near the sites, the
    recorded hazards they come from, steep ground around the sites and
    each site's usable ground."""
    crs = targets.crs
    sites = np.asarray([s.shape for s in metric], dtype=object)
    siting = profile.siting
    out = {
        name: _buffers(targets, name, sites, metres, crs)
        for name, metres in (("hazard", siting.hazard_m), ("river", siting.river_m))
    }
    out["hazards"] = _buffers(targets, "hazard", sites, 0.0, crs)
    steep = [shape for m in measured for shape in m.steep]
    merged = [shapely.union_all(steep)] if steep else []
    out["steep"] = _lonlat({"name": ["steep"] * len(merged)}, merged, crs)
    usable = [(s.site_id, m.usable) for s, m in zip(metric, measured, strict=True)
              if m.usable is not None and not m.usable.is_empty]  # fmt: skip
    out["usable"] = _lonlat({"site_id": [u[0] for u in usable]},
                            [u[1] for u in usable], crs)  # fmt: skip
    return out


def _buffers(
    targets: Targets, name: str, sites: np.ndarray, metres: float, crs: CRS
) -> gpd.GeoDataFrame:
    """Clearance buffers of the hazards or rivers near the sites (with
    ``metres`` 0, the hazards or rivers themselves)."""
    shapes = targets.shapes[name]
    if shapes is None or not len(shapes):
        return _lonlat({"name": []}, [], crs)
    reach = shapely.union_all(sites).buffer(CONSTRAINTS_AROUND_M)
    near = np.flatnonzero(shapely.intersects(shapes, reach))
    names: list[Any] = [None] * len(near)
    if name == "hazard":
        names = list(targets.hazard_info["name"].iloc[near])
    found = shapes[near]
    if metres > 0:
        found = shapely.buffer(found, metres, quad_segs=QUAD_SEGS)
    return _lonlat({"name": names}, list(found), crs)


def _lonlat(
    columns: dict[str, list[Any]], shapes: Sequence[shapely.Geometry], crs: CRS
) -> gpd.GeoDataFrame:
    """Metric shapes as a lon/lat frame."""
    frame = gpd.GeoDataFrame(columns, geometry=list(shapes), crs=crs)
    return frame.to_crs(WGS84)


def _notes(
    targets: Targets,
    movers: Movers,
    dem: Dem | None,
    metric: list[Site],
    measured: Sequence[Measured],
) -> list[str]:
    """Sentences on what the review could not see or had to assume."""
    notes = [t("siting.note_method", crs=targets.crs_name)]
    missing = [k for k in targets.missing if k not in ("villages", "settlements")]
    if missing:
        names = ", ".join(get_kind(k).label() for k in missing)
        notes.append(t("siting.note_missing", layers=names))
    if dem is None:
        notes.append(t("siting.no_dem_note"))
    elif all(_no_heights(m) for m in measured):
        notes.append(t("siting.dem_misses_sites", path=dem.path.name, crs=dem.crs_name))
    if not movers.chosen:
        notes.append(t("siting.note_no_movers"))
    if movers.unknown_people:
        frame = movers.frame
        unknown = frame[frame["population"].isna()]
        which = ", ".join(f"{name or ''} #{sid}".strip() for name, sid in
                          zip(unknown["name"][:10], unknown["source_id"][:10],
                              strict=True))  # fmt: skip
        notes.append(t("siting.note_unknown_people", n=movers.unknown_people,
                       which=which))  # fmt: skip
    points = [s.name for s in metric if s.is_point]
    if points:
        notes.append(t("siting.note_points", names=", ".join(points)))
    return notes


# choosing who moves


def read_kind(ws: Workspace, area: str, kind: str) -> gpd.GeoDataFrame | None:
    """Every feature of one layer kind of an area (all its geometry
    families in one lon/lat frame); None when the area has none."""
    infos = [i for i in ws.layers(area) if i.kind == kind]
    if not infos:
        return None
    frames = [ws.read(area, kind, info.family) for info in infos]
    joined = pd.concat([f.to_crs(WGS84) for f in frames], ignore_index=True)
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=WGS84)


def settlement_reach(
    ws: Workspace, area: str, *, profile: Profile | None = None
) -> gpd.GeoDataFrame:
    """An area's settlements with their distance to the nearest recorded
    hazard and all-weather road (metres; NaN when that layer is missing).

    Returns a lon/lat frame with ``source_id``, ``name``, ``population``,
    ``households``, ``hazard_m`` and ``road_m``.

    Raises
    ------
    gis.errors.InputError
        The area has no settlement layer.
    """
    profile = profile or load_profile()
    frames, _ = read_layers(ws, area)
    if "settlements" not in frames or frames["settlements"].empty:
        raise InputError(t("siting.no_settlements", area=area_key(area)))
    moving = check_movers(frames["settlements"])
    points = moving.frame
    crs = metric_crs_for(points)
    targets = prepare(frames, crs, profile)
    metric = np.asarray(points.geometry.to_crs(crs).to_numpy(), dtype=object)
    out = points.copy()
    for name in ("hazard", "road"):
        out[f"{name}_m"] = _nearest_m(metric, targets.shapes[name])
    return out


def _nearest_m(points: np.ndarray, shapes: np.ndarray | None) -> np.ndarray:
    """Metres from each point to the nearest shape (NaN: no layer, inf:
    nothing in it), rounded to millimetres."""
    if shapes is None:
        return np.full(len(points), np.nan)
    if not len(shapes) or not len(points):
        return np.full(len(points), np.inf)
    tree = shapely.STRtree(shapes)
    (got, _), gap = tree.query_nearest(points, return_distance=True,
                                       all_matches=False)  # fmt: skip
    out = np.full(len(points), np.inf)
    out[got] = gap
    return np.round(out, 3)


def movers_by_rule(
    reach: gpd.GeoDataFrame,
    *,
    near_hazard_m: float | None = None,
    without_road_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Settlements chosen by rule from :func:`settlement_reach`: within
    ``near_hazard_m`` of a recorded hazard, or farther than
    ``without_road_m`` from an all-weather road (either rule, or both:
    a settlement meeting one is chosen). Adds ``why``
    (``"hazard"``, ``"road"`` or ``"hazard;road"``).

    Raises
    ------
    gis.errors.InputError
        No rule given, a negative distance, or a rule whose layer the
        area lacks (no hazard or road layer).
    """
    rules = {"hazard": near_hazard_m, "road": without_road_m}
    given = {k: float(v) for k, v in rules.items() if v is not None}
    if not given:
        raise InputError(t("siting.no_rule"))
    problems = [t("siting.rule_negative", value=v) for v in given.values() if v < 0]
    for name in given:
        if reach[f"{name}_m"].isna().all() and len(reach):
            why = t(f"siting.no_layer_{name}s")
            problems.append(t("siting.rule_no_layer", why=why))
    if problems:
        raise InputError("; ".join(problems))
    hits = {}
    if "hazard" in given:
        hits["hazard"] = (reach["hazard_m"] <= given["hazard"]).to_numpy()
    if "road" in given:
        hits["road"] = (reach["road_m"] > given["road"]).to_numpy()
    chosen = np.logical_or.reduce(list(hits.values()))
    out = reach[chosen].copy()
    out["why"] = [
        ";".join(name for name, hit in hits.items() if hit[i])
        for i in np.flatnonzero(chosen)
    ]
    return out


# sites from the app


def sites_from_features(features: Sequence[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """Sites drawn on a map: GeoJSON features in lon/lat (points,
    polygons, rectangles, circles as polygons), named "drawn 1", ...

    Raises
    ------
    gis.errors.InputError
        No feature.
    """
    if not features:
        raise InputError(t("siting.no_sites"))
    shapes = [shapely.geometry.shape(f.get("geometry") or {}) for f in features]
    names = [
        str((f.get("properties") or {}).get("name") or t("siting.drawn", n=i + 1))
        for i, f in enumerate(features)
    ]
    ids = [f"d{i + 1}" for i in range(len(features))]
    return gpd.GeoDataFrame({"source_id": ids, "name": names}, geometry=shapes,
                            crs=WGS84)  # fmt: skip


# the frame attribute that carries what reading a file did to it
READ_NOTES = "read_notes"
# import fixes that leave the sites as drawn (points and areas are read
# together, single and multi parts alike): not worth a note
_SAME_SITES = frozenset({"split_mixed", "promoted_multi"})


class LayerFile(NamedTuple):
    """Features read from a file, and what the import did to them on
    the way (features repaired or left out, with why), to be shown."""

    frame: gpd.GeoDataFrame
    notes: list[str]


def read_layer_file(
    path: Path | str,
    kind: str = "relocation_sites",
    *,
    bounds: tuple[float, float, float, float] | None = None,
    crs: str | None = None,
) -> LayerFile:
    """Sites (or, with ``kind="settlements"``, movers) from a file,
    through the import pipeline: every layer of it in one lon/lat frame,
    with notes of what was repaired or left out.

    Parameters
    ----------
    path : Path or str
        Any source the import reads (GeoJSON, zipped Shapefile, ...).
    kind : str
        Layer kind whose fields the file's columns are mapped to.
    bounds : tuple, optional
        (minx, miny, maxx, maxy) lon/lat of the area; features far
        outside it are rejected.
    crs : str, optional
        The file's CRS when it declares none (``"EPSG:32645"``).

    Raises
    ------
    gis.errors.InputError
        The file cannot be read, needs a decision first (its CRS), or
        nothing in it could be used; the import's reasons are given.
    """
    options = ImportOptions(kind=kind, reference_bounds=bounds, crs=crs)
    report, prepared = prepare_source(path, options)
    if not report.ok or not prepared:
        raise InputError(t("siting.file_unusable", path=str(path),
                           why=_import_problems(report)))  # fmt: skip
    frame = sites_from_layers(prepared)
    notes = _import_notes(report)
    frame.attrs[READ_NOTES] = list(notes)
    return LayerFile(frame, notes)


def _import_problems(report: ImportReport) -> str:
    """Why an import gave nothing: its errors and everything it rejected."""
    # a layer's own error, when there is one, says more than the file's
    # summary of it (and names options this command has)
    layer_errors = any(layer.error for layer in report.layers)
    found = [report.error] if report.error and not layer_errors else []
    for layer in report.layers:
        if layer.error and layer.crs_proposals:
            found.append(t("siting.needs_crs", proposals=", ".join(
                layer.crs_proposals[:5])))  # fmt: skip
        elif layer.error:
            found.append(layer.error)
    found += _import_notes(report, fixes=False)
    return "; ".join(found) or t("siting.file_empty")


def _import_notes(report: ImportReport, *, fixes: bool = True) -> list[str]:
    """What the import repaired and what it left out, feature by feature,
    and what it warns of (values it could not read)."""
    notes = []
    for layer in report.layers:
        if fixes:
            notes += layer.warnings
        notes += [t("siting.rejected", n=r.count, ids=_some_ids(r.ids), why=r.message)
                  for r in layer.rejected]  # fmt: skip
        if fixes:
            notes += [t("siting.repaired", n=f.count, ids=_some_ids(f.ids),
                        why=f.message) for f in layer.fixes
                      if f.kind not in _SAME_SITES]  # fmt: skip
    return notes


def _some_ids(ids: Sequence[object]) -> str:
    """The first few feature ids, and how many more."""
    shown = ", ".join(str(i) for i in ids[:5])
    return shown + (f" (+{len(ids) - 5})" if len(ids) > 5 else "")


def sites_from_layers(prepared: Sequence[PreparedLayer]) -> gpd.GeoDataFrame:
    """Sites imported as relocation-site layers (points and areas) in one
    lon/lat frame; ids are ``<family>:<source_id>`` when both come.

    Raises
    ------
    gis.errors.InputError
        Nothing was imported.
    """
    frames = [p.frame for p in prepared if not p.frame.empty]
    if not frames:
        raise InputError(t("siting.no_sites"))
    several = len({p.family for p in prepared}) > 1
    parts = []
    for layer in prepared:
        frame = layer.frame.to_crs(WGS84).copy()
        if several and "source_id" in frame:
            frame["source_id"] = [f"{layer.family}:{s}" for s in frame["source_id"]]
        parts.append(frame)
    joined = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=WGS84)


# files


def write_review(review: SitingReview, out: Path | str) -> list[Path]:
    """Write a review to ``.json``, ``.csv``, ``.html`` or ``.pdf``.

    ``.json`` holds ``"metadata"``, ``"sites"`` (one row per site with
    every criterion's value, threshold, result and note, best first)
    and ``"criteria"`` (one row per site and criterion); ``.csv`` (UTF-8
    with BOM, for Excel) the site rows, with the metadata in a sibling
    ``<name>.meta.json``; ``.html`` and ``.pdf`` the review sheets: the
    comparison, then one sheet per site, in the current language.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    gis.errors.InputError
        An unsupported file suffix.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    metadata = review.metadata()
    if suffix == ".csv":
        return write.csv(review.table(), metadata, out)
    if suffix == ".json":
        tables = {"sites": review.table(), "criteria": review.criteria}
        return write.json_file(tables, metadata, out)
    if suffix in (".html", ".pdf"):
        from gis._atomic import replacing
        from gis._siting_report import review_html, review_pdf

        with replacing(out) as tmp:
            if suffix == ".html":
                tmp.write_text(review_html(review), encoding="utf-8")
            else:
                tmp.write_bytes(review_pdf(review))
        return [out]
    raise InputError(t("siting.bad_suffix", path=str(out), allowed=", ".join(SUFFIXES)))
