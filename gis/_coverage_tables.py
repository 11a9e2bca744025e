"""Coverage plumbing: the result tables and the notes that explain them.

Shares are weighted by each unit's people (or households, or
buildings, by the village's basis) and are NaN, not 0, where nothing
was measured: a missing layer, or a village with nobody to count.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from gis._coverage_inputs import INDICATORS, TARGET_KIND, Area
from gis._coverage_measure import BASIS_UNIT, Units, VillageCounts
from gis._coverage_profile import Profile
from gis.crs import WGS84
from gis.i18n import t
from gis.measure import M2_PER_MU
from layers import get_kind

TOTAL_ID = "total"
MU_DECIMALS = 6  # mu per person is compared to the target at this precision
UNIT_ORDER = ("people", "households", "buildings")

# order of the villages table
VILLAGE_COLUMNS = (
    "village_id", "village_name", "village_code", "is_total",
    "population", "population_basis", "population_recorded", "households",
    "buildings", "settlements", "units",
    *(f"{name}_covered_pct" for name in INDICATORS),
    *(f"{name}_uncovered_people" for name in INDICATORS),
    "farmland_mu", "farmland_mu_per_person", "farmland_meets_target",
)  # fmt: skip


def threshold_m(profile: Profile, indicator: str) -> float:
    """The reach threshold of an indicator, metres."""
    return float(getattr(profile, f"{indicator}_m"))


def covered(distance_m: np.ndarray, limit_m: float) -> np.ndarray:
    """Within reach: distance <= threshold (NaN and inf are not)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(distance_m <= limit_m)


def village_table(
    area: Area,
    counts: VillageCounts,
    units: Units,
    distance: dict[str, np.ndarray],
    farmland_m2: np.ndarray,
    profile: Profile,
) -> pd.DataFrame:
    """One row per village, then the total row."""
    n = len(area.villages)
    rows = units.table
    where = rows["village"].to_numpy()
    inside = where >= 0
    weight = rows["weight"].to_numpy()
    basis = counts.basis
    people = np.isin(basis, ("settlements", "buildings_estimate"))

    # how many each village counts, and its population
    total_w = np.bincount(where[inside], weights=weight[inside], minlength=n)
    recorded = area.villages["population_recorded"].to_numpy(dtype=float)
    population = np.where(basis == "settlements", counts.settlement_population,
                          recorded)  # fmt: skip
    households = np.where(np.isnan(counts.settlement_households),
                          area.villages["households_recorded"],
                          counts.settlement_households)  # fmt: skip
    table = area.villages[["village_id", "village_name", "village_code"]].copy()
    table["is_total"] = False
    table["population"] = population
    table["population_basis"] = basis
    table["population_recorded"] = recorded
    table["households"] = households
    table["buildings"] = counts.buildings if counts.buildings is not None else np.nan
    table["settlements"] = counts.settlements
    table["units"] = np.bincount(where[inside], minlength=n)

    # shares within reach, and people out of reach
    for name in INDICATORS:
        ok = covered(distance[name][inside], threshold_m(profile, name))
        got = np.bincount(where[inside], weights=weight[inside] * ok, minlength=n)
        table = _shares(table, name, got, total_w, _measured(area, name, distance),
                        people)  # fmt: skip

    # basic farmland
    table["farmland_mu"] = farmland_m2 / M2_PER_MU
    table = _per_person(table, profile)
    total = _total_row(table, total_w, profile)
    return _typed(pd.concat([table, total], ignore_index=True))


def _measured(area: Area, name: str, distance: dict[str, np.ndarray]) -> bool:
    """Whether an indicator was measured: its layer is there, and so is
    what it is measured along (no roads: nothing along the roads)."""
    return area.targets[name] is not None and not np.isnan(distance[name]).all()


def _shares(
    table: pd.DataFrame,
    name: str,
    covered_w: np.ndarray,
    total_w: np.ndarray,
    measured: bool,
    people: np.ndarray,
) -> pd.DataFrame:
    """Percent within reach (NaN: not measured, or nobody to count) and
    people out of reach (villages counted in people only)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * covered_w / total_w
    table[f"{name}_covered_pct"] = np.where(measured & (total_w > 0), pct, np.nan)
    table[f"{name}_uncovered_people"] = np.where(
        measured & people, total_w - covered_w, np.nan
    )
    return table


def _per_person(table: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Farmland mu per person and whether it meets the target."""
    population = table["population"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.where(population > 0, table["farmland_mu"] / population, np.nan)
    table["farmland_mu_per_person"] = per
    meets = pd.array(_meets(per, profile), dtype="boolean")
    meets[np.isnan(per)] = pd.NA
    table["farmland_meets_target"] = meets
    return table


def _total_row(
    table: pd.DataFrame, weight: np.ndarray, profile: Profile
) -> pd.DataFrame:
    """The total: sums of counts, and shares over the villages counted in
    the main unit (people before households before buildings)."""
    basis = table["population_basis"].to_numpy()
    unit = main_unit(basis)
    same = (pd.Series(basis).map(BASIS_UNIT) == unit).to_numpy()
    row: dict[str, object] = {
        "village_id": TOTAL_ID,
        "village_name": t("coverage.total"),
        "village_code": None,
        "is_total": True,
        "population_basis": _total_basis(basis),
    }
    for column in ("population", "population_recorded", "households",
                   "buildings", "settlements", "units", "farmland_mu",
                   *(f"{n}_uncovered_people" for n in INDICATORS)):  # fmt: skip
        row[column] = table[column].sum(min_count=1)

    # shares: covered weight over counted weight, same unit only
    for name in INDICATORS:
        pct = table[f"{name}_covered_pct"].to_numpy(dtype=float)
        use = same & ~np.isnan(pct)
        denominator = weight[use].sum()
        row[f"{name}_covered_pct"] = (
            float((pct[use] * weight[use]).sum() / denominator)
            if denominator > 0 else np.nan
        )  # fmt: skip

    # farmland per person over villages where both are known
    per = table["farmland_mu_per_person"].notna()
    people = table.loc[per, "population"].sum()
    mu = table.loc[per, "farmland_mu"].sum()
    row["farmland_mu_per_person"] = mu / people if people > 0 else np.nan
    row["farmland_meets_target"] = (
        bool(_meets(np.array([mu / people]), profile)[0]) if people > 0 else pd.NA
    )
    return pd.DataFrame([row])


def _meets(per_person: np.ndarray, profile: Profile) -> np.ndarray:
    """Mu per person >= the target, compared to a millionth of a mu so
    that a village exactly at the target meets it."""
    with np.errstate(invalid="ignore"):
        rounded = np.round(per_person, MU_DECIMALS)
        return np.asarray(rounded >= profile.farmland_target_mu_per_person)


def main_unit(basis: np.ndarray) -> str | None:
    """The unit the total's shares count: the first present of
    people, households, buildings."""
    present = {BASIS_UNIT.get(str(b)) for b in basis}
    return next((u for u in UNIT_ORDER if u in present), None)


def _total_basis(basis: np.ndarray) -> str:
    """The one basis of the villages that count anybody, or ``"mixed"``."""
    found = set(map(str, basis)) - {"none"}
    if not found:
        return "none"
    return found.pop() if len(found) == 1 else "mixed"


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer counts and the documented column order."""
    for column in ("population", "population_recorded", "households",
                   "buildings", "settlements", "units"):  # fmt: skip
        values = pd.to_numeric(table[column], errors="coerce")
        whole = values.dropna()
        if (whole == whole.round()).all():
            table[column] = values.round().astype("Int64")
    table["is_total"] = table["is_total"].astype(bool)
    table["farmland_meets_target"] = table["farmland_meets_target"].astype("boolean")
    return table[list(VILLAGE_COLUMNS)]


# point lists


def point_tables(
    area: Area,
    units: Units,
    distance: dict[str, np.ndarray],
    profile: Profile,
    extra: Mapping[str, np.ndarray] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Uncovered units (in a village) and unassigned settlements.

    ``extra`` holds more per-unit columns to list after the distances
    (the network methods' times and reasons). Only the listed rows are
    copied: on millions of units most of the cost is moving columns
    around.
    """
    extra = extra or {}
    where = units.table["village"].to_numpy()
    measured = {n: ~np.isnan(distance[n]) for n in INDICATORS}
    failed = np.column_stack([
        measured[n] & ~covered(distance[n], threshold_m(profile, n))
        for n in INDICATORS
    ])  # fmt: skip

    # uncovered: assigned units failing one indicator or more
    show = np.flatnonzero((where >= 0) & failed.any(axis=1))
    uncovered = _listing(units, show, distance, extra)
    ids = area.villages["village_id"].to_numpy()
    names = area.villages["village_name"].to_numpy()
    uncovered.insert(1, "village_id", ids[where[show]])
    uncovered.insert(2, "village_name", names[where[show]])
    for i, name in enumerate(INDICATORS):
        flag = pd.array(failed[show, i], dtype="boolean")
        flag[~measured[name][show]] = pd.NA
        uncovered[f"fails_{name}"] = flag
    uncovered["fails"] = _fail_labels(failed[show])
    uncovered = uncovered.rename(columns={"estimate": "population_is_estimate"})

    # unassigned: settlements outside every village beyond the tolerance
    lost = np.flatnonzero(where < 0)
    unassigned = _listing(units, lost, distance, extra)
    unassigned = _with_nearest_village(unassigned, area, units.shapes[lost])
    unassigned = unassigned.drop(columns=["distance_to_village_m", "estimate"])
    return _geo(uncovered), _geo(unassigned)


def _listing(
    units: Units,
    rows: np.ndarray,
    distance: dict[str, np.ndarray],
    extra: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """Rows of the unit table with their distances and lon/lat points."""
    table = units.table.iloc[rows].drop(columns=["village", "weight"])
    table = table.reset_index(drop=True)
    for name in INDICATORS:
        table[f"distance_to_{name}_m"] = distance[name][rows]
    for column, values in extra.items():
        table[column] = values[rows]
    table["geometry"] = shapely.points(units.lonlat[rows]) if rows.size else []
    return table


def _geo(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """A table with a ``geometry`` column of lon/lat points, last."""
    geometry = table.pop("geometry")
    return gpd.GeoDataFrame(table, geometry=geometry.to_numpy(), crs=WGS84)


def _fail_labels(failed: np.ndarray) -> np.ndarray:
    """``"road;school"`` for each row of an (n, indicators) boolean array."""
    code = failed.astype(np.intp) @ (1 << np.arange(failed.shape[1]))
    labels = [
        ";".join(n for i, n in enumerate(INDICATORS) if mask >> i & 1)
        for mask in range(1 << len(INDICATORS))
    ]
    return np.asarray(labels, dtype=object)[code]


def _with_nearest_village(
    frame: pd.DataFrame, area: Area, points: np.ndarray
) -> pd.DataFrame:
    """The nearest village and the distance to it, whatever it is."""
    ids = np.full(len(frame), None, dtype=object)
    names = np.full(len(frame), None, dtype=object)
    gap = np.full(len(frame), np.nan)
    if len(frame):
        tree = STRtree(area.village_shapes)
        (got, near), dist = tree.query_nearest(
            points, return_distance=True, all_matches=False
        )
        ids[got] = area.villages["village_id"].to_numpy()[near]
        names[got] = area.villages["village_name"].to_numpy()[near]
        gap[got] = np.round(dist, 3)
    frame.insert(1, "nearest_village_id", ids)
    frame.insert(2, "nearest_village_name", names)
    frame.insert(3, "distance_to_nearest_village_m", gap)
    return frame


# notes


def notes(
    area: Area,
    counts: VillageCounts,
    units: Units,
    profile: Profile,
    method_notes: list[str] | None = None,
    *,
    farmland_outside_m2: float = 0.0,
) -> list[str]:
    """Translated sentences on method, estimates, gaps and leftovers;
    ``method_notes`` replace the straight-line method's sentence."""
    basis = counts.basis
    out = list(method_notes or [t("coverage.note_method", crs=area.crs_name)])
    out.append(_thresholds_note(area, profile))
    out += _layer_notes(area, profile)
    out += _farmland_notes(area, profile, farmland_outside_m2)

    # how each village's people were counted
    for key, name in (("note_estimate", "buildings_estimate"),
                      ("note_households", "households"),
                      ("note_buildings", "buildings"),
                      ("note_no_population", "none")):  # fmt: skip
        n = int((basis == name).sum())
        if n:
            out.append(t(f"coverage.{key}", n=n))
    out += _settlement_notes(counts, units, profile)

    # the total's unit
    unit = main_unit(basis)
    other = sum(1 for b in basis if BASIS_UNIT.get(str(b)) not in (None, unit))
    if unit and other:
        out.append(t("coverage.note_total_unit",
                     unit=t(f"coverage.unit_{unit}"), n=other))  # fmt: skip
    return out


def _thresholds_note(area: Area, profile: Profile) -> str:
    """The thresholds this result used, and how many targets counted."""
    found = {}
    for name in INDICATORS:
        targets = area.targets[name]
        found[name] = (
            t("coverage.targets_no_layer") if targets is None
            else t("coverage.targets_counted", n=f"{len(targets):,}")
        )  # fmt: skip
    metres = {name: f"{threshold_m(profile, name):,.0f}" for name in INDICATORS}
    return t(
        "coverage.note_thresholds",
        road=metres["road"], water=metres["water"], school=metres["school"],
        clinic=metres["clinic"], n_road=found["road"], n_water=found["water"],
        n_school=found["school"], n_clinic=found["clinic"],
        farmland=f"{profile.farmland_target_mu_per_person:g}",
    )  # fmt: skip


def _layer_notes(area: Area, profile: Profile) -> list[str]:
    """Missing layers, and layers with nothing that counts."""
    out = []
    for name in INDICATORS:
        kind = TARGET_KIND[name]
        label = get_kind(kind).label()
        indicator = t(f"coverage.indicator_{name}")
        targets = area.targets[name]
        if targets is None:
            out.append(t("coverage.note_missing_layer", layer=label,
                          indicator=indicator))  # fmt: skip
        elif len(targets) == 0:
            out.append(t("coverage.note_no_targets", layer=label,
                          indicator=indicator))  # fmt: skip
    if area.farmland is None:
        out.append(t("coverage.note_missing_farmland",
                     layer=get_kind("farmland").label()))  # fmt: skip
    if area.settlements is None and area.buildings is None:
        out.append(t("coverage.note_no_people_layers"))
    return out


def _farmland_notes(area: Area, profile: Profile, outside_m2: float) -> list[str]:
    """Which land classes counted as farmland, what was left out, and
    farmland outside every village."""
    if area.farmland is None:
        return []
    kind = get_kind("farmland")
    classes = t("records.list_sep").join(
        kind.value_label("land_class", c) for c in profile.farmland_classes
    )
    out = [t("coverage.note_farmland_classes", classes=classes)]
    if area.farmland_left_out:
        parts = t("records.list_sep").join(
            f"{name} {m2 / M2_PER_MU:,.1f} {t('units.mu')}"
            for name, m2 in sorted(area.farmland_left_out.items())
        )
        out.append(t("coverage.note_farmland_left_out", parts=parts))
    if outside_m2 / M2_PER_MU >= 0.05:
        out.append(t("coverage.note_farmland_outside",
                     mu=f"{outside_m2 / M2_PER_MU:,.1f}"))  # fmt: skip
    return out


def _settlement_notes(
    counts: VillageCounts, units: Units, profile: Profile
) -> list[str]:
    """Settlements placed by tolerance, left out, or without figures."""
    out = []
    tolerance = f"{profile.assign_tolerance_m:,.0f}"
    rows = units.table
    settlement = (rows["unit"] == "settlement").to_numpy()
    near = int(counts.settlement_place.outside.sum())
    if near:
        out.append(t("coverage.note_assigned_nearest", n=near, tol=tolerance))
    lost = settlement & (rows["village"] < 0).to_numpy()
    if lost.any():
        people = rows.loc[lost, "population"].sum()
        out.append(t("coverage.note_unassigned", n=int(lost.sum()),
                     people=f"{people:,.0f}", tol=tolerance))  # fmt: skip
    if units.blank_settlements:
        out.append(t("coverage.note_blank_settlements", n=units.blank_settlements))
    estimate = bool((counts.basis == "buildings_estimate").any())
    near_b = int(counts.building_place.outside.sum())
    if near_b and estimate:
        out.append(t("coverage.note_assigned_nearest_buildings", n=near_b,
                     tol=tolerance))  # fmt: skip
    if estimate:
        out.append(t("coverage.note_building_points"))
    lost_b = int((counts.building_place.village < 0).sum())
    if lost_b and estimate:
        out.append(t("coverage.note_unassigned_buildings", n=lost_b, tol=tolerance))
    return out
