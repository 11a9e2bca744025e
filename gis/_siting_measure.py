"""Siting plumbing: each criterion of one candidate site, measured.

Every criterion gives a :class:`Criterion`: the measured value, the
threshold, which way it must lie (``"min"``: value >= threshold,
``"max"``: value <= threshold) and the result, ``"pass"``, ``"fail"``
or ``"not_assessed"`` with the reason. Distances are straight lines in
the metric CRS, rounded to whole millimetres, as in the coverage
analysis: clearances (hazards, rivers) from the site's nearest edge,
reach (road, school, clinic, town, water) from its centre.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from gis._coverage_profile import SitingProfile
from gis._siting_inputs import Movers, Site, Targets
from gis.elevation import Dem, SlopeGrid, slope_grid
from gis.errors import InputError
from gis.i18n import t
from gis.measure import M2_PER_MU
from layers import get_kind

log = logging.getLogger(__name__)

Result = Literal["pass", "fail", "not_assessed"]
Rule = Literal["min", "max"]

# the criteria, in the order they are shown
CRITERIA = (
    "hazard", "slope_mean", "slope_max", "river", "road", "school",
    "clinic", "town", "water", "farmland", "capacity",
)  # fmt: skip
# (unit, rule, profile key of the threshold) of each criterion
SPECS: dict[str, tuple[str, Rule, str]] = {
    "hazard": ("m", "min", "hazard_m"),
    "slope_mean": ("deg", "max", "max_mean_slope_deg"),
    "slope_max": ("deg", "max", "max_slope_deg"),
    "river": ("m", "min", "river_m"),
    "road": ("m", "max", "road_m"),
    "school": ("m", "max", "school_m"),
    "clinic": ("m", "max", "clinic_m"),
    "town": ("m", "max", "town_m"),
    "water": ("m", "max", "water_m"),
    "farmland": ("mu_per_person", "min", "farmland_mu_per_person"),
    "capacity": ("m2", "min", "needed"),
}
# the layer each criterion needs
NEEDS = {
    "hazard": "hazards", "river": "water", "road": "roads",
    "school": "facilities", "clinic": "facilities", "town": "facilities",
    "water": "water", "farmland": "farmland",
}  # fmt: skip
MM = 3  # distances are rounded to whole millimetres
# ground around each site searched for steep cells for the map, metres
STEEP_AROUND_M = 500.0
# segments per quarter circle of the buffers
QUAD_SEGS = 32
# a distance in a location accuracy: "Known_within_5_km", "1km", "500 m"
_ACCURACY = re.compile(r"(\d+(?:\.\d+)?)\s*_?\s*(km|m)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Criterion:
    """One criterion of one site.

    ``value`` is in ``unit`` (``"m"``, ``"deg"``, ``"mu_per_person"``,
    ``"m2"``), NaN when not assessed and inf when nothing is found (no
    hazard recorded at all); ``note`` says what was found, or why the
    criterion was not assessed; ``extra`` holds figures the sheets show
    beside the value (slope in percent, areas).
    """

    key: str
    value: float
    threshold: float
    result: Result
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        """Unit of ``value`` and ``threshold``."""
        return SPECS[self.key][0]

    @property
    def rule(self) -> Rule:
        """``"min"``: value must be >= threshold; ``"max"``: <=."""
        return SPECS[self.key][1]

    @property
    def margin(self) -> float:
        """How far the value is on the good side of the threshold, as a
        share of it, capped at -1..1 (NaN when not assessed)."""
        if self.result == "not_assessed" or not self.threshold > 0:
            return math.nan
        if math.isinf(self.value):
            return 1.0 if (self.value > 0) == (self.rule == "min") else -1.0
        gap = self.value - self.threshold
        share = (gap if self.rule == "min" else -gap) / self.threshold
        return float(np.clip(share, -1.0, 1.0))


def judged(key: str, value: float, threshold: float, note: str = "",
           **extra: float) -> Criterion:  # fmt: skip
    """A measured criterion, passed or failed by its rule."""
    rule = SPECS[key][1]
    ok = value >= threshold if rule == "min" else value <= threshold
    return Criterion(key, value, threshold, "pass" if ok else "fail", note, extra)


def not_assessed(key: str, threshold: float, why: str) -> Criterion:
    """A criterion that could not be measured, and why."""
    return Criterion(key, math.nan, threshold, "not_assessed", why)


@dataclass
class Context:
    """What every site's criteria are measured against."""

    targets: Targets
    movers: Movers
    dem: Dem | None
    profile: SitingProfile


@dataclass
class Measured:
    """One site's criteria, its usable ground (metres), and the steep
    ground around it (DEM CRS polygons) for the map."""

    criteria: list[Criterion]
    usable: shapely.Geometry | None
    steep: list[shapely.Geometry]
    village: str | None


def measure_site(site: Site, ctx: Context) -> Measured:
    """Every criterion of one site, in :data:`CRITERIA` order."""
    grid, slope = _slope(site, ctx)
    found = {
        "hazard": _clearance(site, ctx, "hazard"),
        "river": _clearance(site, ctx, "river"),
        **{name: _reach(site, ctx, name)
           for name in ("road", "school", "clinic", "town", "water")},
        "farmland": _farmland(site, ctx),
    }  # fmt: skip
    usable, excluded_note = _usable(site, ctx, grid)
    found["capacity"] = _capacity(site, ctx, usable, excluded_note)
    heights_gap = _heights_gap(site, ctx, slope)
    if heights_gap and found["capacity"].result != "not_assessed":
        # too little of the site has heights to say how much is buildable
        found["capacity"] = not_assessed("capacity", found["capacity"].threshold,
                                         heights_gap)  # fmt: skip
    criteria = [*slope, *found.values()]
    criteria.sort(key=lambda c: CRITERIA.index(c.key))
    return Measured(criteria, usable, _steep_around(site, ctx), _village_of(site, ctx))


# clearances and reach


def _clearance(site: Site, ctx: Context, name: str) -> Criterion:
    """Distance from the site's nearest edge to the nearest hazard or
    river/water body (0 when it touches one); must be >= threshold."""
    threshold = float(getattr(ctx.profile, SPECS[name][2]))
    shapes = ctx.targets.shapes[name]
    if shapes is None:
        return not_assessed(name, threshold, _no_layer(NEEDS[name]))
    if not len(shapes):
        return judged(name, math.inf, threshold, t(f"siting.none_{name}"))
    distance = np.round(shapely.distance(site.shape, shapes), MM)
    nearest = int(np.argmin(distance))
    note = _hazard_note(ctx, nearest, threshold) if name == "hazard" else ""
    return judged(name, float(distance[nearest]), threshold, note)


def _hazard_note(ctx: Context, index: int, clearance_m: float) -> str:
    """What the nearest hazard is: name, type, date, location accuracy,
    and a warning when its location is vaguer than the clearance."""
    info = ctx.targets.hazard_info.iloc[index]
    parts = [t("siting.hazard_nearest", name=info["name"] or "—")]
    if info["hazard_type"]:
        parts.append(_hazard_type(str(info["hazard_type"])))
    if info["date"]:
        parts.append(str(info["date"])[:10])
    vague = accuracy_m(info["accuracy"])
    if info["accuracy"]:
        said = (str(info["accuracy"]).replace("_", " ") if vague is None
                else t("siting.accuracy_within", d=_distance_text(vague)))  # fmt: skip
        parts.append(t("siting.hazard_accuracy", accuracy=said))
    note = "; ".join(parts)
    if vague is not None and vague > clearance_m:
        note = t("siting.hazard_vague", note=note, km=_number(vague / 1000, 0))
    return note


def _distance_text(metres: float) -> str:
    """``50 km`` or ``500 m``, in the current language's units."""
    if metres >= 1000:
        return f"{_number(metres / 1000, 0)} {t('units.km')}"
    return f"{_number(metres, 0)} {t('units.m')}"


def accuracy_m(text: object) -> float | None:
    """Metres of a location accuracy written like "Known_within_5_km",
    "1km" or "500 m" (None when it gives no distance).

    Examples
    --------
    >>> accuracy_m("Known_within_25_km"), accuracy_m("Exact_Location")
    (25000.0, None)
    """
    found = _ACCURACY.search(str(text or ""))
    if found is None:
        return None
    scale = 1000.0 if found.group(2).lower() == "km" else 1.0
    return float(found.group(1)) * scale


def _hazard_type(raw: str) -> str:
    """A hazard type's label, when it is a known one."""
    return get_kind("hazards").value_label("hazard_type", raw) if raw else raw


def _reach(site: Site, ctx: Context, name: str) -> Criterion:
    """Distance from the site's centre to the nearest target; must be
    <= threshold."""
    threshold = float(getattr(ctx.profile, SPECS[name][2]))
    shapes = ctx.targets.shapes[name]
    if shapes is None:
        return not_assessed(name, threshold, _no_layer(NEEDS[name]))
    if not len(shapes):
        return judged(name, math.inf, threshold, t(f"siting.none_{name}"))
    distance = np.round(shapely.distance(site.centre, shapes), MM)
    return judged(name, float(distance.min()), threshold)


def _no_layer(kind: str) -> str:
    """Why a criterion is not assessed: no layer of ``kind``."""
    return t(f"siting.no_layer_{kind}")


# slope


def _slope(site: Site, ctx: Context) -> tuple[SlopeGrid | None, list[Criterion]]:
    """Mean and steepest slope over the site (a point: over a circle of
    ``point_site_radius_m``), and the slope grid of a polygon site whose
    slope could be judged (None otherwise)."""
    profile = ctx.profile
    limits = (profile.max_mean_slope_deg, profile.max_slope_deg)
    if ctx.dem is None:
        why = t("siting.no_dem")
        return None, [not_assessed(k, v, why)
                      for k, v in zip(("slope_mean", "slope_max"), limits,
                                      strict=True)]  # fmt: skip
    area = site.shape
    if site.is_point:
        area = site.centre.buffer(profile.point_site_radius_m, quad_segs=QUAD_SEGS)
    grid = slope_grid(ctx.dem, area, ctx.targets.crs)
    found = grid.summary()
    share = found.no_data_share
    why = _slope_gap(found.measured, share, profile.max_no_data_share)
    if why:  # slope unknown: it cuts nothing from the usable ground either
        return None, [not_assessed(k, v, why)
                      for k, v in zip(("slope_mean", "slope_max"), limits,
                                      strict=True)]  # fmt: skip
    gap = t("siting.slope_gap", share=_percent(share)) if share > 0 else ""
    circle = t("siting.slope_circle", r=_number(profile.point_site_radius_m))
    where = circle if site.is_point else ""
    note = " ".join(p for p in (where, gap) if p)
    extra = {"no_data_share": share, "cells": float(found.cells)}
    return grid if not site.is_point else None, [
        judged("slope_mean", found.mean_deg, limits[0], note,
               pct=found.mean_pct, **extra),
        judged("slope_max", found.max_deg, limits[1], note,
               pct=found.max_pct, **extra),
    ]  # fmt: skip


def _heights_gap(site: Site, ctx: Context, slope: list[Criterion]) -> str:
    """Why the usable ground of an area site cannot be judged for want
    of heights ("" when it can: no raster was given, or it covers
    enough of the site)."""
    if ctx.dem is None or site.is_point or slope[0].result != "not_assessed":
        return ""
    return t("siting.capacity_no_heights", why=slope[0].note)


def _slope_gap(measured: int, share: float, most: float) -> str:
    """Why slope cannot be judged ("" when it can)."""
    if measured == 0:
        return t("siting.no_dem_here")
    if share > most:
        return t("siting.too_little_dem", share=_percent(share), most=_percent(most))
    return ""


def _steep_around(site: Site, ctx: Context) -> list[shapely.Geometry]:
    """Cells steeper than the limit within ``STEEP_AROUND_M`` of the
    site, as polygons in the metric CRS (none without a DEM)."""
    if ctx.dem is None:
        return []
    around = site.shape.buffer(STEEP_AROUND_M, quad_segs=8)
    try:
        grid = slope_grid(ctx.dem, around, ctx.targets.crs)
    except InputError as exc:
        log.info("no steep ground around %s: %s", site.name, exc)
        return []
    return _to_metric(grid.steeper_than(ctx.profile.max_slope_deg), ctx)


def _to_metric(shapes: list[shapely.Geometry], ctx: Context) -> list[shapely.Geometry]:
    """Polygons from the DEM's CRS to the metric CRS."""
    if not shapes or ctx.dem is None:
        return []
    crs: CRS = ctx.targets.crs
    if ctx.dem.crs == crs:
        return shapes
    move = Transformer.from_crs(ctx.dem.crs, crs, always_xy=True)

    def moved(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(move.transform(xy[:, 0], xy[:, 1]))

    return [shapely.transform(shape, moved) for shape in shapes]


# farmland and capacity


def _farmland(site: Site, ctx: Context) -> Criterion:
    """Basic farmland within ``farmland_m`` of the site's centre, the
    site itself left out, per relocated person (mu/person)."""
    profile = ctx.profile
    threshold = profile.farmland_mu_per_person
    parcels = ctx.targets.farmland
    if parcels is None:
        return not_assessed("farmland", threshold, _no_layer("farmland"))
    if not ctx.movers.chosen:
        return not_assessed("farmland", threshold, t("siting.no_movers"))
    reach = site.centre.buffer(profile.farmland_m, quad_segs=QUAD_SEGS)
    near = parcels[shapely.intersects(parcels, reach)]
    ground = shapely.union_all(near) if len(near) else shapely.Polygon()
    within = ground.intersection(reach).difference(site.shape)
    mu = within.area / M2_PER_MU
    people = ctx.movers.people
    note = t("siting.farmland_note", mu=_number(mu, 1), people=_number(people),
             r=_number(profile.farmland_m))  # fmt: skip
    return judged("farmland", mu / people, threshold, note, mu=mu)


def _usable(
    site: Site, ctx: Context, grid: SlopeGrid | None
) -> tuple[shapely.Geometry | None, str]:
    """The part of a site that keeps the hazard and river clearances
    and, where an elevation raster is given, lies on cells with a slope
    of at most ``max_slope_deg`` (ground without heights is not known to
    be buildable, so it is left out); and a note of what was taken out.
    None for a point site."""
    if site.is_point:
        return None, ""
    profile = ctx.profile
    cuts: list[shapely.Geometry] = []
    taken: list[str] = []
    for name, metres in (("hazard", profile.hazard_m), ("river", profile.river_m)):
        shapes = ctx.targets.shapes[name]
        if shapes is None:
            continue
        near = shapes[shapely.dwithin(shapes, site.shape, metres)]
        if len(near):
            cuts += list(shapely.buffer(near, metres, quad_segs=QUAD_SEGS))
            taken.append(t(f"siting.cut_{name}", m=_number(metres)))
    usable = site.shape
    if grid is not None:
        fit = _to_metric(grid.not_steeper_than(profile.max_slope_deg), ctx)
        usable = usable.intersection(shapely.union_all(fit)) if fit else (
            shapely.Polygon())  # fmt: skip
        if grid.steep_cells(profile.max_slope_deg).any():
            taken.append(t("siting.cut_steep", deg=_number(profile.max_slope_deg)))
        if grid.has_gaps():
            taken.append(t("siting.cut_no_data"))
    if cuts:
        usable = usable.difference(shapely.union_all(cuts))
    return usable, "; ".join(taken)


def _capacity(
    site: Site, ctx: Context, usable: shapely.Geometry | None, taken: str
) -> Criterion:
    """Usable area against the ground the movers need:
    people * housing_m2_per_person * (1 + public_share), m²."""
    profile = ctx.profile
    people = ctx.movers.people
    needed = people * profile.needed_m2_per_person
    if not ctx.movers.chosen:
        return not_assessed("capacity", math.nan, t("siting.no_movers"))
    need = t("siting.capacity_need", people=_number(people),
             m2=_number(profile.housing_m2_per_person),
             share=_percent(profile.public_share),
             needed=_number(needed))  # fmt: skip
    if usable is None:
        if math.isnan(site.recorded_m2):
            return not_assessed("capacity", needed, t("siting.point_no_area"))
        note = t("siting.capacity_recorded") + " " + need
        return judged("capacity", site.recorded_m2, needed, note,
                      site_m2=site.recorded_m2, needed_m2=needed)  # fmt: skip
    area = float(usable.area)
    whole = site.area_m2
    lost = t("siting.capacity_lost", lost=_number(whole - area), what=taken) if (
        whole - area > 0.5) else ""  # fmt: skip
    note = " ".join(p for p in (need, lost) if p)
    return judged("capacity", area, needed, note, site_m2=whole, needed_m2=needed)


def _village_of(site: Site, ctx: Context) -> str | None:
    """Name of the village polygon holding the site's centre."""
    villages = ctx.targets.villages
    if villages is None:
        return None
    shapes, names = villages
    hit = np.flatnonzero(shapely.covers(shapes, site.centre))
    return names[int(hit[0])] if hit.size else None


# numbers in notes


def _number(value: float, places: int = 0) -> str:
    """A number with thousands separators."""
    return f"{value:,.{places}f}"


def _percent(share: float) -> str:
    """A share (0..1) as a percentage."""
    return f"{share * 100:.0f} %"


def criteria_frame(
    rows: list[tuple[str, str, Criterion]], label: Callable[[str], str]
) -> pd.DataFrame:
    """The long table: one row per site and criterion."""
    return pd.DataFrame(
        [
            {
                "site_id": sid,
                "name": name,
                "criterion": c.key,
                "label": label(c.key),
                "value": c.value,
                "unit": c.unit,
                "rule": c.rule,
                "threshold": c.threshold,
                "result": c.result,
                "note": c.note,
                "margin": c.margin,
                **{f"extra_{k}": v for k, v in c.extra.items()},
            }
            for sid, name, c in rows
        ]
    )
