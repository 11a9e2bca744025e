"""The one import pipeline for every file a planner brings.

Reads a source (see :mod:`gis._readers`), decides its encoding and CRS
explicitly, checks the coordinates before and after transforming them,
cleans the geometry, maps fields to a layer kind and returns each layer
in EPSG:4326 with an import report. One bad feature never sinks a file:
it is left out and named in the report.

Examples
--------
>>> from gis.importer import ImportOptions, prepare_source
>>> report, layers = prepare_source(
...     "data/boundaries/liechtenstein/water_points.geojson",
...     ImportOptions(kind="water"),
... )
>>> layers[0].report.crs, layers[0].family
('EPSG:4326', 'point')
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS

from gis import geometry as geo
from gis._readers import RawLayer, read_source
from gis.chinacoords import DATUMS, in_china, to_wgs84
from gis.crs import (
    WGS84,
    check_declared,
    epsg_string,
    parse_crs,
    propose_crs,
    transformer,
)
from gis.encoding import EncodingDecision
from gis.errors import GisError, InputError
from gis.i18n import t
from gis.measure import layer_measures, metric_crs_for
from gis.report import ImportReport, LayerReport
from layers import get_kind
from layers.base import LayerKind

log = logging.getLogger(__name__)

SOURCE_ID = "source_id"
_WGS84_LIKE_DATUMS = ("World Geodetic System 1984", "China 2000")
ABSURD_COORDINATE = 1e8  # metres, feet or degrees: no CRS reaches this
EARTH_KM_PER_DEG = 111.32


@dataclass(frozen=True)
class ImportOptions:
    """What the user told the import, all optional.

    Attributes
    ----------
    layer : str, optional
        Read only this layer of a multi-layer source.
    encoding : str, optional
        Attribute encoding, overriding every detection rule.
    crs : str, optional
        CRS the coordinates are in (confirms a proposal, or overrides
        the file's declaration), e.g. ``"EPSG:4545"``.
    source_datum : str
        Datum of lon/lat points: ``wgs84``, ``cgcs2000``, ``gcj02`` or
        ``bd09`` (points picked on Chinese web maps).
    kind : str, optional
        Layer kind to map fields to (see :mod:`layers`).
    fields : mapping
        ``{target: source}`` field mappings that beat the aliases.
    swap_xy : bool
        Read coordinates as (y, x): confirms a swapped-axes finding.
    reference_bounds : tuple, optional
        (minx, miny, maxx, maxy) lon/lat of the area the data belongs to.
    outside_km : float
        Features farther than this from ``reference_bounds`` are rejected.
    where : str, optional
        Attribute filter in OGR SQL, e.g. ``"is_farmland = 1"`` (vector
        formats only).
    """

    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    source_datum: str = "wgs84"
    kind: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    swap_xy: bool = False
    reference_bounds: tuple[float, float, float, float] | None = None
    outside_km: float = 50.0
    where: str | None = None


@dataclass
class PreparedLayer:
    """A layer ready for the workspace: one geometry family, EPSG:4326."""

    name: str
    family: geo.Family
    frame: gpd.GeoDataFrame
    report: LayerReport


def prepare_source(
    path: str | Path, options: ImportOptions | None = None
) -> tuple[ImportReport, list[PreparedLayer]]:
    """Read, check and clean every layer of a source.

    Returns
    -------
    ImportReport
        ``error`` is set when the source cannot be used at all; a layer's
        ``error`` when that layer needs the user's decision first.
    list of PreparedLayer
        The usable layers (none for a layer with an error).
    """
    options = options or ImportOptions()
    report = ImportReport(path=str(path))
    try:
        _check_options(options)
        raws = read_source(
            path,
            layer=options.layer,
            encoding=options.encoding,
            where=options.where,
        )
    except InputError as exc:
        report.error = str(exc)
        return report, []
    except (
        ValueError, LookupError, UnicodeError, OSError,
        DataSourceError, DataLayerError,
    ) as exc:  # fmt: skip
        # a library gave up on the file (pandas parser, GDAL, codecs)
        log.debug("reading %s failed", path, exc_info=True)
        report.error = t("io.unreadable", path=Path(path).name, why=exc)
        return report, []

    prepared: list[PreparedLayer] = []
    for raw in raws:
        layer_report = LayerReport(name=raw.name, source=raw.source)
        report.layers.append(layer_report)
        try:
            prepared += _prepare_layer(raw, options, layer_report)
        except GisError as exc:
            layer_report.error = str(exc)
    _summarise_error(report)
    return report, prepared


def _check_options(options: ImportOptions) -> None:
    """Validate option values once, before reading anything."""
    if options.source_datum not in DATUMS:
        raise InputError(
            t("import.bad_datum", value=options.source_datum,
              allowed=", ".join(DATUMS))
        )  # fmt: skip
    if options.kind is not None:
        get_kind(options.kind)
    if options.crs is not None:
        parse_crs(options.crs)


def _summarise_error(report: ImportReport) -> None:
    """Top-level error naming the layers that cannot be imported yet."""
    if report.error or not report.layers:
        return
    failed = [lr for lr in report.layers if lr.error]
    if failed:
        report.error = "\n".join(f"{lr.name}: {lr.error}" for lr in failed)


def _prepare_layer(
    raw: RawLayer, options: ImportOptions, report: LayerReport
) -> list[PreparedLayer]:
    """Every step from raw geometry to clean lon/lat layers."""
    ids = _own_ids(raw)
    report.feature_count = len(ids)
    report.datum = options.source_datum
    report.assumptions += raw.assumptions
    _note_encoding(report, raw.encoding)
    if raw.attribute_only:
        report.warnings.append(
            t(
                "import.attribute_table",
                columns=", ".join(map(str, raw.attributes.columns)),
            )
        )
        return []

    # what the reader already found
    report.fix("closed_ring", raw.unclosed_ids, t("import.fix_closed_ring"))
    report.reject("unreadable_geometry", raw.unreadable_ids, t("import.rej_unreadable"))
    report.reject("bad_coordinates", raw.bad_coordinate_ids, t("import.rej_bad_coords"))

    # empties, Z, non-finite and (0, 0) coordinates
    geometry = raw.geometry.copy()
    keep = _drop_missing(geometry, ids, report)
    geometry, has_z = geo.drop_z(geometry)
    report.fix("dropped_z", ids[has_z & keep], t("import.fix_dropped_z"))
    if options.swap_xy:
        geometry = shapely.transform(geometry, lambda xy: xy[:, ::-1])
        report.assumptions.append(t("import.swapped_by_option"))
    keep &= _check_vertices(geometry, ids, keep, report)

    # the CRS, checked against the coordinates before transforming
    crs = _decide_crs(raw, options, geometry[keep], report)
    if crs is None:
        return []
    geometry, unsound = _to_lonlat(geometry, keep, crs, options, report)
    report.reject("bad_transform", ids[unsound & keep], t("import.rej_bad_transform"))
    keep &= ~unsound
    keep &= _check_lonlat(geometry, ids, keep, report)
    keep &= _check_location(geometry, ids, keep, options, report)
    if not keep.any():
        raise InputError(t("import.nothing_left", name=raw.name))

    # validity and families
    geometry, invalid = geo.repair(geometry)
    report.fix("repaired_invalid", ids[invalid & keep], t("import.fix_invalid"))
    frame = _frame(raw.attributes, geometry, ids, keep)
    frame = _split_collections(frame, report)
    kind = get_kind(options.kind) if options.kind else None
    if kind is not None:
        frame = _map_fields(frame, kind, options.fields, report)
    return _by_family(raw.name, frame, kind, report)


def _note_encoding(report: LayerReport, decision: EncodingDecision | None) -> None:
    """Say which encoding was used and why."""
    if decision is None:
        return
    report.encoding = decision.encoding
    report.encoding_source = decision.source
    report.assumptions.append(
        t("import.encoding_used", encoding=decision.encoding,
          detail=decision.detail)
    )  # fmt: skip


def _drop_missing(
    geometry: np.ndarray, ids: np.ndarray, report: LayerReport
) -> np.ndarray:
    """Mask of features with a geometry; empties are reported by id."""
    missing = geo.missing_mask(geometry)
    already = report.rejected_ids
    empty_ids = [i for i in ids[missing] if i not in already]
    report.reject("empty_geometry", empty_ids, t("import.rej_empty"))
    return ~missing


def _vertex_positions(
    geometry: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of kept features and the feature position of each."""
    where = np.flatnonzero(keep)
    coords, index = shapely.get_coordinates(geometry[where], return_index=True)
    return coords, where[index]


def _features_with(owner: np.ndarray, flagged: np.ndarray, n: int) -> np.ndarray:
    """Mask of the ``n`` features owning at least one flagged vertex."""
    mask = np.zeros(n, dtype=bool)
    mask[owner[flagged]] = True
    return mask


def _check_vertices(
    geometry: np.ndarray, ids: np.ndarray, keep: np.ndarray,
    report: LayerReport,
) -> np.ndarray:  # fmt: skip
    """Reject features with non-finite, exact (0, 0) or absurd vertices."""
    coords, owner = _vertex_positions(geometry, keep)
    n = len(geometry)
    nonfinite = _features_with(owner, ~np.isfinite(coords).all(axis=1), n)
    island = _features_with(owner, (coords == 0.0).all(axis=1), n)
    # beyond 100,000 km no CRS on Earth applies: a typing error
    huge = _features_with(owner, (np.abs(coords) > ABSURD_COORDINATE).any(axis=1), n)

    found = (
        ("non_finite", nonfinite, "import.rej_non_finite"),
        ("null_island", island & ~nonfinite, "import.rej_null_island"),
        ("absurd_coordinates", huge & ~nonfinite, "import.rej_absurd"),
    )
    for kind, mask, message in found:
        report.reject(kind, ids[mask], t(message))
    good: np.ndarray = ~(nonfinite | island | huge)
    return good


def _decide_crs(
    raw: RawLayer,
    options: ImportOptions,
    geometry: np.ndarray,
    report: LayerReport,
) -> CRS | None:
    """Pick the CRS: the option, else the file's; never a silent guess."""
    coords = shapely.get_coordinates(geometry)
    x, y = coords[:, 0], coords[:, 1]
    if options.crs:
        crs, report.crs_source = parse_crs(options.crs), "option"
    elif raw.crs_wkt:
        crs, report.crs_source = parse_crs(raw.crs_wkt), "file"
        if raw.crs_note:
            report.assumptions.append(raw.crs_note)
    else:
        _no_crs(x, y, options, report)
        return None
    report.crs = epsg_string(crs)

    # check eastings, axis order and units against the declared CRS
    check = check_declared(x, y, crs)
    if check.problem:
        if check.suggestion:
            report.crs_proposals = [check.suggestion]
        if check.swapped_axes:
            fix = t("import.fix_swap")
        elif check.suggestion:
            fix = t("import.fix_crs", crs=check.suggestion)
        else:
            fix = t("import.fix_unknown")
        raise InputError(f"{check.problem} {fix}")
    if crs.is_geographic and _looks_swapped(x, y, options):
        raise InputError(t("import.looks_swapped") + " " + t("import.fix_swap"))
    _warn_ballpark(crs, report)
    return crs


def _looks_swapped(x: np.ndarray, y: np.ndarray, options: ImportOptions) -> bool:
    """Degrees that make sense only as (lat, lon): near a pole as read, in
    China or in the reference area when swapped."""
    if x.size == 0 or options.swap_xy:
        return False
    cx, cy = np.array([np.median(x)]), np.array([np.median(y)])
    if options.reference_bounds is not None:
        box = options.reference_bounds
        as_read = _km_from_box(cx, cy, box)[0]
        swapped = _km_from_box(cy, cx, box)[0]
        return bool(swapped < 50.0 <= as_read)
    polar = bool(np.all(np.abs(y) > 84.0)) and bool(np.all(np.abs(x) <= 84.0))
    return polar or bool(in_china(cy, cx)[0] and not in_china(cx, cy)[0])


def _warn_ballpark(crs: CRS, report: LayerReport) -> None:
    """Warn when PROJ knows no datum shift for the source CRS."""
    geodetic = crs.geodetic_crs
    datum = geodetic.datum.name if geodetic and geodetic.datum else ""
    if datum.startswith(_WGS84_LIKE_DATUMS):
        return  # CGCS2000 and WGS 84 agree within a metre: no shift needed
    description = transformer(crs.to_wkt(), WGS84).description or ""
    if "ballpark" in description.lower():
        report.warnings.append(t("import.ballpark", crs=epsg_string(crs)))


def _no_crs(
    x: np.ndarray, y: np.ndarray, options: ImportOptions, report: LayerReport
) -> None:
    """Fill in proposals and the error for a layer without a CRS."""
    found = propose_crs(x, y, reference_bounds=options.reference_bounds)
    report.crs_proposals = [p.crs for p in found]
    report.crs_source = "none"
    if found:
        listing = "; ".join(f"{p.crs} ({p.reason})" for p in found[:5])
        report.error = t("import.no_crs", proposals=listing)
    else:
        report.error = t("import.no_crs_no_proposal")
    if found and options.reference_bounds is None and len(found) > 2:
        report.warnings.append(t("import.zone_ambiguous"))


def _to_lonlat(
    geometry: np.ndarray,
    keep: np.ndarray,
    crs: CRS,
    options: ImportOptions,
    report: LayerReport,
) -> tuple[np.ndarray, np.ndarray]:
    """Transform kept features to EPSG:4326, then undo a web-map datum.

    Returns the new geometry and a mask of features whose transform does
    not go back to where it came from (a projection used far outside its
    domain wraps around the globe instead of failing).
    """
    out = geometry.copy()
    unsound = np.zeros(len(geometry), dtype=bool)
    if not crs.equals(CRS.from_epsg(4326)):
        out[keep] = _transform(geometry[keep], crs.to_wkt(), WGS84)
        unsound = _round_trip_fails(geometry, out, keep, crs)

    if options.source_datum in {"gcj02", "bd09"}:
        if not crs.is_geographic:
            raise InputError(t("import.datum_needs_lonlat", datum=options.source_datum))
        before = shapely.get_coordinates(out[keep])
        out[keep] = to_wgs84(out[keep], options.source_datum)
        moved = not np.array_equal(before, shapely.get_coordinates(out[keep]))
        if moved:
            report.assumptions.append(
                t("import.datum_converted", datum=options.source_datum)
            )
        else:
            report.warnings.append(
                t("import.datum_outside_china", datum=options.source_datum)
            )
    return out, unsound


def _transform(geometry: np.ndarray, src: str, dst: str) -> np.ndarray:
    """Every vertex of ``geometry`` from ``src`` to ``dst`` (always_xy)."""
    move = transformer(src, dst)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = move.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(geometry, project))


def _round_trip_fails(
    before: np.ndarray, after: np.ndarray, keep: np.ndarray, crs: CRS
) -> np.ndarray:
    """Features whose lon/lat do not project back onto their source."""
    src, owner = _vertex_positions(before, keep)
    ll, _ = _vertex_positions(after, keep)
    back = transformer(WGS84, crs.to_wkt()).transform(ll[:, 0], ll[:, 1])
    err = np.hypot(back[0] - src[:, 0], back[1] - src[:, 1])
    tolerance = 1e-7 if crs.is_geographic else 0.01
    return _features_with(owner, ~(err <= tolerance), len(before))  # NaN: bad


def _check_lonlat(
    geometry: np.ndarray, ids: np.ndarray, keep: np.ndarray,
    report: LayerReport,
) -> np.ndarray:  # fmt: skip
    """Reject features whose transformed vertices are not on Earth."""
    coords, owner = _vertex_positions(geometry, keep)
    finite = np.isfinite(coords).all(axis=1)
    in_range = (np.abs(coords[:, 0]) <= 180.0) & (np.abs(coords[:, 1]) <= 90.0)
    bad = _features_with(owner, ~(finite & in_range), len(geometry))
    report.reject("not_on_earth", ids[bad], t("import.rej_not_on_earth"))
    return ~bad


def _check_location(
    geometry: np.ndarray,
    ids: np.ndarray,
    keep: np.ndarray,
    options: ImportOptions,
    report: LayerReport,
) -> np.ndarray:
    """Reject features far outside the area, or far from all the others."""
    where = np.flatnonzero(keep)
    good = np.ones(len(geometry), dtype=bool)
    if where.size == 0:
        return good
    centre = shapely.centroid(geometry[where])
    lon, lat = shapely.get_x(centre), shapely.get_y(centre)

    if options.reference_bounds is not None:
        dist = _km_from_box(lon, lat, options.reference_bounds)
        far = dist > options.outside_km
        if far.all():
            raise InputError(
                t("import.all_outside_area", km=f"{float(dist.min()):,.0f}")
            )
        kind, message = (
            "outside_area",
            t("import.rej_outside_area", km=f"{options.outside_km:g}"),
        )
    else:
        dist = _km_from_point(lon, lat, np.median(lon), np.median(lat))
        limit = max(200.0, 10.0 * float(np.median(dist)))
        far = dist > limit
        if far.sum() > max(1, 0.01 * far.size):
            # too many to be typos: a layer spread over two places
            report.warnings.append(
                t("import.spread_out", n=int(far.sum()), km=f"{limit:,.0f}")
            )
            return good
        kind, message = "far_outlier", t("import.rej_outlier", km=f"{limit:,.0f}")
    report.reject(kind, ids[where[far]], message)
    good[where[far]] = False
    return good


def _km_from_box(
    lon: np.ndarray, lat: np.ndarray, box: tuple[float, float, float, float]
) -> np.ndarray:
    """Approximate km from points to a lon/lat box (0 inside)."""
    minx, miny, maxx, maxy = box
    dx = np.maximum.reduce([minx - lon, np.zeros_like(lon), lon - maxx])
    dy = np.maximum.reduce([miny - lat, np.zeros_like(lat), lat - maxy])
    coslat = np.cos(np.radians(np.clip(lat, -89.0, 89.0)))
    return np.asarray(EARTH_KM_PER_DEG * np.hypot(dx * coslat, dy))


def _km_from_point(
    lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float
) -> np.ndarray:
    """Great-circle km from points to (lon0, lat0)."""
    p1, p2 = np.radians(lat), np.radians(lat0)
    dl = np.radians(lon - lon0)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(6371.0088 * 2 * np.arcsin(np.sqrt(np.clip(a, 0, 1))))


def _own_ids(raw: RawLayer) -> np.ndarray:
    """Feature ids: the file's own ``source_id`` column when it has one
    that is complete and unique (a layer exported by this program, read
    back), else the reader's feature index. The column itself leaves the
    attributes, or is renamed when its values cannot serve."""
    table = raw.attributes
    column = table.get(SOURCE_ID)
    if column is not None:
        if column.notna().all() and column.is_unique:
            table = table.drop(columns=SOURCE_ID)
            table.index = pd.Index(column.to_numpy(dtype=object))
        else:
            table = table.rename(columns={SOURCE_ID: f"{SOURCE_ID}_in_file"})
        raw.attributes = table
    return np.asarray(table.index, dtype=object)


def _frame(
    attributes: pd.DataFrame, geometry: np.ndarray, ids: np.ndarray,
    keep: np.ndarray,
) -> gpd.GeoDataFrame:  # fmt: skip
    """Kept features as a lon/lat GeoDataFrame with their source ids."""
    table = attributes.loc[keep].copy()
    table.insert(0, SOURCE_ID, ids[keep])
    table = table.reset_index(drop=True)
    return gpd.GeoDataFrame(table, geometry=list(geometry[keep]), crs=WGS84)


def _split_collections(
    frame: gpd.GeoDataFrame, report: LayerReport
) -> gpd.GeoDataFrame:
    """Replace geometry collections by one feature per family."""
    values = frame.geometry.to_numpy()
    positions, parts, mask = geo.split_collections(values)
    if not mask.any():
        return frame
    report.fix("split_collection", frame.loc[mask, SOURCE_ID], t("import.fix_split"))
    extra = frame.iloc[positions].copy()
    extra = extra.set_geometry(gpd.GeoSeries(parts, crs=WGS84, index=extra.index))
    rest = frame.loc[~mask]
    merged = pd.concat([rest, extra], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=WGS84)


def _by_family(
    name: str,
    frame: gpd.GeoDataFrame,
    kind: LayerKind | None,
    report: LayerReport,
) -> list[PreparedLayer]:
    """One prepared layer per geometry family; wrong families rejected."""
    fam = geo.families(frame.geometry.to_numpy())
    present = [f for f in geo.FAMILIES if (fam == f).any()]
    allowed = list(kind.families) if kind else present
    wrong = ~np.isin(fam, allowed)
    if wrong.any():
        report.reject(
            "wrong_geometry",
            frame.loc[wrong, SOURCE_ID],
            t("import.rej_wrong_geometry",
              allowed=", ".join(allowed)),
        )  # fmt: skip
    layers = [f for f in present if f in allowed]
    if len(layers) > 1:
        report.fix(
            "split_mixed",
            frame.loc[np.isin(fam, layers[1:]), SOURCE_ID],
            t("import.fix_split_mixed"),
        )
        report.warnings.append(t("import.split_mixed", families=", ".join(layers)))

    out: list[PreparedLayer] = []
    for family in layers:
        part = frame.loc[fam == family].reset_index(drop=True)
        geoms, promoted = geo.promote_to_multi(part.geometry.to_numpy())
        if promoted.any():
            part = part.set_geometry(gpd.GeoSeries(geoms, crs=WGS84))
            report.fix(
                "promoted_multi",
                part.loc[promoted, SOURCE_ID],
                t("import.fix_promoted"),
            )
        suffix = f"_{family}" if len(layers) > 1 else ""
        out.append(PreparedLayer(f"{name}{suffix}", family, part, report))
    _summarise(report, frame.loc[np.isin(fam, layers)])
    return out


def _summarise(report: LayerReport, frame: gpd.GeoDataFrame) -> None:
    """Counts, types, bounds and measures of what is kept."""
    report.kept_count = len(frame)
    types = sorted(set(frame.geometry.geom_type.dropna()))
    report.geometry_type = ", ".join(types) if types else None
    if frame.empty:
        return
    report.bounds_wgs84 = [round(float(v), 7) for v in frame.total_bounds]
    report.metric_crs = epsg_string(metric_crs_for(frame))
    report.measures = {k: round(v, 3) for k, v in layer_measures(frame).items()}
    # the advice is for points picked in China: a place just across the
    # border (north Sikkim) is not asked about
    if (
        bool(in_china(*_centre(report.bounds_wgs84), margin=False)[0])
        and (report.datum == "wgs84")
        and report.crs_source != "none"
        and _is_points(types)
    ):
        report.warnings.append(t("import.check_datum"))


def _centre(bounds: list[float]) -> tuple[np.ndarray, np.ndarray]:
    minx, miny, maxx, maxy = bounds
    return np.array([(minx + maxx) / 2]), np.array([(miny + maxy) / 2])


def _is_points(types: list[str]) -> bool:
    return bool(types) and all("Point" in g for g in types)


def _map_fields(
    frame: gpd.GeoDataFrame,
    kind: LayerKind,
    overrides: Mapping[str, str],
    report: LayerReport,
) -> gpd.GeoDataFrame:
    """Rename source columns to the kind's fields and coerce their types."""
    columns = [c for c in frame.columns if c not in (SOURCE_ID, "geometry")]
    mapping = kind.match_fields(columns, overrides)
    report.field_map = dict(mapping)

    # unmapped columns stay, renamed if they bear a field's name (a
    # field the user left unmapped must not be filled by its namesake)
    renames: dict[str, str] = {}
    names = set(kind.field_names())
    for column in columns:
        if column in mapping.values():
            continue
        if column in names:
            renames[column] = f"{column}_src"
    frame = frame.rename(columns=renames)
    frame = frame.rename(columns={src: dst for dst, src in mapping.items()})

    for spec in kind.fields:
        if spec.name in frame.columns:
            frame[spec.name] = _coerce(frame, spec.name, spec.dtype, report)
    missing = [s.name for s in kind.fields if s.required and s.name not in frame]
    if missing:
        report.warnings.append(t("import.missing_fields", fields=", ".join(missing)))
    return frame


def _coerce(
    frame: gpd.GeoDataFrame, column: str, dtype: str, report: LayerReport
) -> pd.Series:
    """One column as the field's type; unconvertible values are listed."""
    values = frame[column]
    if dtype in {"int", "float"}:
        text = values.astype("string").str.replace(",", "", regex=False)
        converted = pd.to_numeric(text.str.strip(), errors="coerce")
        if dtype == "int":
            converted = converted.round().astype("Int64")
    elif dtype == "bool":
        converted = values.map(_to_bool).astype("boolean")
    elif dtype == "date":
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        converted = parsed.dt.strftime("%Y-%m-%d").astype("string")
    else:
        return pd.Series(values.astype("string"))
    lost = values.notna() & (values.astype("string").str.strip() != "")
    lost &= converted.isna()
    if lost.any():
        report.warnings.append(
            t("import.values_unreadable", field=column, n=int(lost.sum()),
              ids=", ".join(str(i) for i in frame.loc[lost, SOURCE_ID][:20]))
        )  # fmt: skip
    return pd.Series(converted)


_TRUE = {"1", "true", "yes", "y", "t", "是", "有", "√", "安全", "合格"}
_FALSE = {"0", "false", "no", "n", "f", "否", "无", "×", "不安全", "不合格"}


def _to_bool(value: Any) -> bool | None:
    """Read yes/no values written in English or Chinese."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None
