"""What the Map page shows for one village: its measures, counts and search.

Every measure is taken in the local metric CRS of the village (see
:func:`gis.measure.metric_crs_for`), never in degrees: lines and areas
of the other layers are clipped to the village polygon there, points
count when the polygon covers them (points on the boundary count).

Layers are read once per workspace version: reads and results are
cached on the workspace file's path, inode, size and modification time,
and the workspace replaces its file on every write, so a change is
picked up on the next call.

Examples
--------
>>> import pathlib, tempfile
>>> from gis.demo import build_demo
>>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "demo.gpkg")
>>> _ = build_demo(ws)
>>> hits = find_villages(ws, "liechtenstein", "VAD")
>>> hits.name.tolist()
['Vaduz']
>>> facts = village_facts(ws, "liechtenstein", hits.source_id[0])
>>> facts.population, facts.population_source
(5425, 'village')
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from gis.crs import epsg_string
from gis.errors import InputError
from gis.geometry import valid
from gis.i18n import t
from gis.measure import M2_PER_HA, M2_PER_MU, metric_crs_for
from gis.workspace import Workspace, area_key
from layers import category_label, get_kind

log = logging.getLogger(__name__)

# the layers a village's facts are drawn from, as (kind, family)
MEASURED: tuple[tuple[str, str], ...] = (
    ("roads", "line"),
    ("farmland", "polygon"),
    ("water", "point"),
    ("water", "line"),
    ("water", "polygon"),
    ("facilities", "point"),
    ("settlements", "point"),
)
TABLE_COLUMNS = ("source_id", "name", "code", "population")
UNKNOWN = "unknown"  # category key of features without a class
NO_DATA = "—"

# lon/lat margin of the candidate search around a village's box: covers
# the gap between straight edges in degrees and in metres
_PAD_DEG = 1e-3


@dataclass(frozen=True)
class VillageFacts:
    """Measures and counts of one village, as the Map page shows them.

    Areas are in m² (also km², mu and ha), lengths in km, all measured
    in ``metric_crs``. Category keys are canonical values of the layer
    kinds (``"residential"``, ``"school"``), or the raw value when a
    class is not known, or ``"unknown"`` when it is blank.

    ``missing_layers`` names the layers the area lacks, so a panel can
    say "no layer" rather than show 0: a kind key (``"roads"``) when
    the kind is absent, ``"<kind>:<family>"`` (``"water:polygon"``)
    when only one family of a kind with several is absent.
    """

    source_id: object
    name: str | None
    code: str | None
    area_m2: float
    area_km2: float
    area_mu: float
    area_ha: float
    population: int | None
    population_source: str
    households: int | None
    road_km_by_class: dict[str, float]
    road_km_total: float
    farmland_m2: float
    farmland_mu: float
    water_points: int
    water_line_km: float
    water_area_m2: float
    facilities_by_type: dict[str, int]
    settlements: int
    settlement_population: int | None
    metric_crs: str
    missing_layers: tuple[str, ...]

    def has(self, kind: str, family: str | None = None) -> bool:
        """Whether the area has the layer of ``kind`` (and ``family``)."""
        gone = set(self.missing_layers)
        if kind in gone:
            return False
        return family is None or f"{kind}:{family}" not in gone

    def rows(self, lang: str | None = None) -> list[tuple[str, str]]:
        """(label, value with unit) pairs for display, translated.

        Numbers carry thousands separators; a fact whose layer is
        missing reads "— (no layer)", an unknown value "—".
        """
        return [
            *self._identity_rows(lang),
            *self._people_rows(lang),
            *self._road_rows(lang),
            *self._land_and_water_rows(lang),
            *self._facility_rows(lang),
            *self._settlement_rows(lang),
            (t("villages.row_metric_crs", lang=lang), self.metric_crs),
        ]

    def _identity_rows(self, lang: str | None) -> list[tuple[str, str]]:
        """Name, code and area."""
        area = t("villages.v_area", lang=lang, km2=_number(self.area_km2),
                 mu=_number(self.area_mu))  # fmt: skip
        return [
            (t("layers.field_name", lang=lang), self.name or NO_DATA),
            (t("layers.field_code", lang=lang), self.code or NO_DATA),
            (t("villages.row_area", lang=lang), area),
        ]

    def _people_rows(self, lang: str | None) -> list[tuple[str, str]]:
        """Population (with its source) and households."""
        key = {
            "village": "villages.v_people",
            "settlements": "villages.v_people_settlements",
        }.get(self.population_source)
        people = NO_DATA
        if key and self.population is not None:
            people = t(key, lang=lang, n=f"{self.population:,}")
        households = NO_DATA
        if self.households is not None:
            households = t("villages.v_households", lang=lang,
                           n=f"{self.households:,}")  # fmt: skip
        return [
            (t("layers.field_population", lang=lang), people),
            (t("layers.field_households", lang=lang), households),
        ]

    def _road_rows(self, lang: str | None) -> list[tuple[str, str]]:
        """Total road length, then the length of each class."""
        label = t("villages.row_roads", lang=lang)
        if not self.has("roads"):
            return [(label, _no_layer(lang))]
        rows = [(label, _km(self.road_km_total, lang))]
        for value, km in self.road_km_by_class.items():
            name = _class_label("roads", "road_class", value, lang)
            rows.append(
                (t("villages.row_road_class", lang=lang, cls=name), _km(km, lang))
            )
        return rows

    def _land_and_water_rows(self, lang: str | None) -> list[tuple[str, str]]:
        """Farmland, water points, water lines and water areas."""
        farmland = t("villages.v_m2_mu", lang=lang, m2=_number(self.farmland_m2),
                     mu=_number(self.farmland_mu))  # fmt: skip
        water_area = t("villages.v_m2_mu", lang=lang,
                       m2=_number(self.water_area_m2),
                       mu=_number(self.water_area_m2 / M2_PER_MU))  # fmt: skip
        facts = [
            ("row_farmland", "farmland", "polygon", farmland),
            ("row_water_points", "water", "point", f"{self.water_points:,}"),
            ("row_water_lines", "water", "line", _km(self.water_line_km, lang)),
            ("row_water_area", "water", "polygon", water_area),
        ]
        return [
            (t(f"villages.{key}", lang=lang),
             text if self.has(kind, family) else _no_layer(lang))
            for key, kind, family, text in facts
        ]  # fmt: skip

    def _facility_rows(self, lang: str | None) -> list[tuple[str, str]]:
        """Number of facilities, then the number of each type."""
        label = t("villages.row_facilities", lang=lang)
        if not self.has("facilities"):
            return [(label, _no_layer(lang))]
        rows = [(label, f"{sum(self.facilities_by_type.values()):,}")]
        for value, count in self.facilities_by_type.items():
            name = _class_label("facilities", "facility_type", value, lang)
            rows.append(
                (t("villages.row_facility_type", lang=lang, type=name), f"{count:,}")
            )
        return rows

    def _settlement_rows(self, lang: str | None) -> list[tuple[str, str]]:
        """Number of settlements and their summed population."""
        count_label = t("villages.row_settlements", lang=lang)
        people_label = t("villages.row_settlement_population", lang=lang)
        if not self.has("settlements"):
            return [(count_label, _no_layer(lang)), (people_label, _no_layer(lang))]
        people = NO_DATA
        if self.settlement_population is not None:
            people = t("villages.v_people", lang=lang,
                       n=f"{self.settlement_population:,}")  # fmt: skip
        return [(count_label, f"{self.settlements:,}"), (people_label, people)]


def village_table(ws: Workspace, area: str) -> pd.DataFrame:
    """Every village of an area, for a selector: id, name, code, population.

    Sorted by name; empty (with the columns) when the area has no
    village layer. ``population`` is a nullable integer column.
    """
    snap = _snapshot(ws, area)
    if ("villages", "polygon") not in _families(snap):
        return _empty_table()
    return _table(snap).copy()


def find_villages(ws: Workspace, area: str, query: str) -> pd.DataFrame:
    """Villages whose name or code contains ``query``, best matches first.

    Matching ignores case and full-/half-width differences (NFKC), so
    ``"ＶＡＤ"`` finds Vaduz and ``"石门"`` finds 石门坎村. Exact matches
    come first, then prefixes, then other substrings; ties keep the
    table's name order. An empty query gives every village.
    """
    table = village_table(ws, area)
    wanted = _fold(query)
    if not wanted or table.empty:
        return table

    # rank each row by its best match on name or code
    ranks = [
        min(_rank(_fold(name), wanted), _rank(_fold(code), wanted))
        for name, code in zip(table["name"], table["code"], strict=True)
    ]
    table = table.assign(_rank=ranks)
    table = table[table["_rank"] < 3].sort_values("_rank", kind="stable")
    return table.drop(columns="_rank").reset_index(drop=True)


def village_facts(ws: Workspace, area: str, source_id: object) -> VillageFacts:
    """Measures and counts of the village with ``source_id``.

    Raises
    ------
    gis.errors.InputError
        The area has no village layer, or no village with this id.
    """
    facts = _facts(_snapshot(ws, area), str(source_id))

    # fresh dictionaries, so a caller cannot change the cached result
    return dataclasses.replace(
        facts,
        road_km_by_class=dict(facts.road_km_by_class),
        facilities_by_type=dict(facts.facilities_by_type),
    )


def village_bounds(
    ws: Workspace, area: str, source_id: object
) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a village, to zoom to it.

    Raises
    ------
    gis.errors.InputError
        The area has no village layer, or no village with this id.
    """
    row = _village_row(_snapshot(ws, area), str(source_id))
    minx, miny, maxx, maxy = row.geometry.bounds
    return (float(minx), float(miny), float(maxx), float(maxy))


# plumbing: one version of one area's layers


@dataclass(frozen=True)
class _Snapshot:
    """One version of an area in a workspace file: the cache key."""

    path: str
    stamp: tuple[int, int, int]  # inode, size, mtime in ns
    area: str


def _snapshot(ws: Workspace, area: str) -> _Snapshot:
    """The current version of ``area`` in ``ws``."""
    try:
        info = ws.path.stat()
    except FileNotFoundError:
        stamp = (0, 0, 0)
    else:
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
    return _Snapshot(str(ws.path.resolve()), stamp, area_key(area))


@functools.lru_cache(maxsize=16)
def _families(snap: _Snapshot) -> frozenset[tuple[str, str]]:
    """(kind, family) of every layer the area holds."""
    infos = Workspace(snap.path).layers(snap.area)
    return frozenset((i.kind, i.family) for i in infos)


@functools.lru_cache(maxsize=32)
def _layer(snap: _Snapshot, kind: str, family: str) -> gpd.GeoDataFrame:
    """One layer, read once per workspace version; do not modify it."""
    frame = Workspace(snap.path).read(snap.area, kind, family)
    frame["source_id"] = frame["source_id"].astype(str)
    log.debug("read %d features of %s %s %s", len(frame), snap.area, kind, family)
    return frame


@functools.lru_cache(maxsize=16)
def _table(snap: _Snapshot) -> pd.DataFrame:
    """The selector table of an area that has a village layer."""
    villages = _layer(snap, "villages", "polygon")
    table = pd.DataFrame({
        column: villages.get(column, pd.NA)
        for column in TABLE_COLUMNS
    })  # fmt: skip
    table["population"] = _to_int(table["population"])
    order = table["name"].map(_fold).argsort(kind="stable")
    return table.iloc[order].reset_index(drop=True)


def _empty_table() -> pd.DataFrame:
    """A selector table with no rows."""
    table = pd.DataFrame({column: pd.Series(dtype=object) for column in TABLE_COLUMNS})
    table["population"] = table["population"].astype("Int64")
    return table


def _village_row(snap: _Snapshot, source_id: str) -> pd.Series:
    """The village record with ``source_id`` (the first, if repeated)."""
    if ("villages", "polygon") not in _families(snap):
        raise InputError(t("villages.no_villages", area=snap.area))
    villages = _layer(snap, "villages", "polygon")
    found = villages[villages["source_id"] == source_id]
    if found.empty:
        raise InputError(
            t("villages.unknown_id", area=snap.area, source_id=source_id,
              n=len(villages))
        )  # fmt: skip
    if len(found) > 1:
        warnings.warn(
            t("villages.repeated_id", area=snap.area, source_id=source_id,
              names=", ".join(map(str, found["name"]))),
            stacklevel=2,
        )  # fmt: skip
    village: pd.Series = found.iloc[0]
    return village


# plumbing: the facts of one village


@functools.lru_cache(maxsize=512)
def _facts(snap: _Snapshot, source_id: str) -> VillageFacts:
    """Facts of one village in one workspace version."""
    row = _village_row(snap, source_id)
    present = _families(snap)

    # the village in its own metric CRS
    village = gpd.GeoDataFrame(geometry=[row.geometry], crs="EPSG:4326")
    crs = metric_crs_for(village)
    shape = valid(village.to_crs(crs).geometry.to_numpy())[0]
    shapely.prepare(shape)
    area_m2 = float(shape.area)

    # what lies inside it, layer by layer
    def near(kind: str, family: str) -> gpd.GeoDataFrame | None:
        if (kind, family) not in present:
            return None
        return _near(_layer(snap, kind, family), row.geometry, crs)

    roads = _road_km(near("roads", "line"), shape)
    farmland = _farmland_m2(near("farmland", "polygon"), shape)
    water_points = near("water", "point")
    water_lines = near("water", "line")
    water_areas = near("water", "polygon")
    facilities = _facility_counts(near("facilities", "point"), shape)
    people = _settlement_sums(near("settlements", "point"), shape)

    # population: the village record, else the settlements inside
    population = _int_or_none(row.get("population"))
    source = "village" if population is not None else "none"
    if population is None and people["population"] is not None:
        population, source = people["population"], "settlements"
    households = _int_or_none(row.get("households"))
    if households is None:
        households = people["households"]

    log.debug("facts of village %s in %s measured in %s",
              source_id, snap.area, epsg_string(crs))  # fmt: skip
    return VillageFacts(
        source_id=row["source_id"],
        name=_str_or_none(row.get("name")),
        code=_str_or_none(row.get("code")),
        area_m2=area_m2,
        area_km2=area_m2 / 1e6,
        area_mu=area_m2 / M2_PER_MU,
        area_ha=area_m2 / M2_PER_HA,
        population=population,
        population_source=source,
        households=households,
        road_km_by_class=roads,
        road_km_total=float(sum(roads.values())),
        farmland_m2=farmland,
        farmland_mu=farmland / M2_PER_MU,
        water_points=int(_covered(water_points, shape).sum()),
        water_line_km=float(_clipped_lengths_m(water_lines, shape).sum()) / 1000.0,
        water_area_m2=_clipped_area_m2(water_areas, shape),
        facilities_by_type=facilities,
        settlements=people["count"] or 0,
        settlement_population=people["population"],
        metric_crs=epsg_string(crs),
        missing_layers=_missing(present),
    )


def _near(
    frame: gpd.GeoDataFrame, village: shapely.Geometry, crs: CRS
) -> gpd.GeoDataFrame:
    """Features whose lon/lat box meets the village's, in ``crs``."""
    minx, miny, maxx, maxy = village.bounds
    box = shapely.box(minx - _PAD_DEG, miny - _PAD_DEG,
                      maxx + _PAD_DEG, maxy + _PAD_DEG)  # fmt: skip
    hits = np.sort(frame.sindex.query(box))
    return frame.iloc[hits].to_crs(crs)


def _clipped(frame: gpd.GeoDataFrame | None, shape: shapely.Geometry) -> np.ndarray:
    """Each feature's part inside the village (empty when none)."""
    if frame is None or frame.empty:
        return np.array([], dtype=object)
    parts = shapely.intersection(valid(frame.geometry.to_numpy()), shape)
    return np.asarray(parts, dtype=object)


def _clipped_lengths_m(
    frame: gpd.GeoDataFrame | None, shape: shapely.Geometry
) -> np.ndarray:
    """Length in metres of each line's part inside the village."""
    return np.asarray(shapely.length(_clipped(frame, shape)), dtype=float)


def _clipped_area_m2(frame: gpd.GeoDataFrame | None, shape: shapely.Geometry) -> float:
    """Area in m² of the polygons' union inside the village.

    The union keeps overlapping features (a lake drawn twice) from
    being counted twice.
    """
    parts = _clipped(frame, shape)
    if not len(parts):
        return 0.0
    return float(shapely.union_all(parts).area)


def _covered(frame: gpd.GeoDataFrame | None, shape: shapely.Geometry) -> np.ndarray:
    """Which points lie inside the village or on its boundary."""
    if frame is None or frame.empty:
        return np.array([], dtype=bool)
    return np.asarray(shapely.covers(shape, frame.geometry.to_numpy()), dtype=bool)


def _road_km(
    roads: gpd.GeoDataFrame | None, shape: shapely.Geometry
) -> dict[str, float]:
    """Km of road inside the village by canonical class, longest first."""
    lengths = _clipped_lengths_m(roads, shape)
    if roads is None or not (lengths > 0).any():
        return {}
    classes = _categories(roads, "roads", "road_class")
    km = pd.Series(lengths / 1000.0).groupby(classes).sum()
    return _by_size({str(k): float(v) for k, v in km.items() if v > 0})


def _farmland_m2(farmland: gpd.GeoDataFrame | None, shape: shapely.Geometry) -> float:
    """Basic farmland inside the village in m², from the farmland layer.

    Parcels marked ``is_farmland`` false are left out; unmarked ones
    count, since the layer kind is basic farmland.
    """
    if farmland is not None and "is_farmland" in farmland:
        farmland = farmland[farmland["is_farmland"].ne(False).to_numpy()]
    return _clipped_area_m2(farmland, shape)


def _facility_counts(
    facilities: gpd.GeoDataFrame | None, shape: shapely.Geometry
) -> dict[str, int]:
    """Number of facilities inside the village by canonical type."""
    inside = _covered(facilities, shape)
    if facilities is None or not inside.any():
        return {}
    types = _categories(facilities[inside], "facilities", "facility_type")
    return _by_size({k: int(v) for k, v in Counter(types).items()})


def _settlement_sums(
    settlements: gpd.GeoDataFrame | None, shape: shapely.Geometry
) -> dict[str, int | None]:
    """Count, population and households of the settlements inside.

    A sum is None when no settlement inside carries the value.
    """
    inside = _covered(settlements, shape)
    if settlements is None:
        return {"count": None, "population": None, "households": None}
    chosen = settlements[inside]
    return {
        "count": int(inside.sum()),
        "population": _sum_or_none(chosen, "population"),
        "households": _sum_or_none(chosen, "households"),
    }


def _categories(frame: gpd.GeoDataFrame, kind_key: str, field: str) -> list[str]:
    """Canonical category of each feature; raw value when unknown."""
    if field not in frame:
        return [UNKNOWN] * len(frame)
    kind = get_kind(kind_key)
    out = []
    for raw in frame[field]:
        text = _str_or_none(raw)
        out.append(kind.canonical_value(field, raw) or text or UNKNOWN)
    return out


def _missing(present: frozenset[tuple[str, str]]) -> tuple[str, ...]:
    """Kinds (or kind:family) the facts need that the area lacks."""
    kinds = {kind for kind, _ in present}
    missing: list[str] = []
    for kind, family in MEASURED:
        if kind not in kinds:
            missing.append(kind)
        elif (kind, family) not in present:
            missing.append(f"{kind}:{family}")
    return tuple(dict.fromkeys(missing))


# plumbing: values and text


def _by_size(values: dict[str, Any]) -> dict[str, Any]:
    """The mapping sorted by value, largest first, then by key."""
    return dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))


def _sum_or_none(frame: pd.DataFrame, column: str) -> int | None:
    """Sum of the known values of a column; None if there are none."""
    if column not in frame:
        return None
    values = pd.to_numeric(frame[column], errors="coerce").dropna()
    return round(float(values.sum())) if len(values) else None


def _to_int(column: pd.Series) -> pd.Series:
    """Numbers as a nullable integer column."""
    values = pd.to_numeric(column, errors="coerce").round()
    return values.astype("Int64")


def _int_or_none(value: object) -> int | None:
    """A whole number, or None for a missing or non-numeric value."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else round(float(number))


def _str_or_none(value: object) -> str | None:
    """Stripped text, or None for a missing or blank value."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _fold(value: object) -> str:
    """Text folded for matching: NFKC, case-folded, stripped."""
    text = _str_or_none(value) or ""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _rank(text: str, wanted: str) -> int:
    """0 exact, 1 prefix, 2 substring, 3 no match."""
    if not text or wanted not in text:
        return 3
    if text == wanted:
        return 0
    return 1 if text.startswith(wanted) else 2


def _number(value: float) -> str:
    """A measure with thousands separators and about three digits.

    >>> _number(3000.0), _number(12.345), _number(1.5), _number(0.0)
    ('3,000', '12.3', '1.50', '0')
    """
    size = abs(value)
    digits = 0 if size >= 100 or size == 0 else 1 if size >= 10 else 2
    return f"{value:,.{digits}f}"


def _km(value: float, lang: str | None) -> str:
    """A length in km with its unit."""
    return t("villages.v_km", lang=lang, km=_number(value))


def _no_layer(lang: str | None) -> str:
    """What a fact shows when its layer is missing."""
    return t("villages.no_layer", lang=lang)


def _class_label(kind: str, field: str, value: str, lang: str | None) -> str:
    """Translated label of a category key."""
    if value == UNKNOWN:
        return t("villages.unknown_class", lang=lang)
    return category_label(kind, field, value, lang=lang)
