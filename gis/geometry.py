"""Geometry clean-up on import: Z, validity, families and empties.

Functions take a numpy array of shapely geometries (None allowed) and
return new arrays plus the positions they changed, so the caller can
report the feature ids.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

Family = Literal["point", "line", "polygon"]
FAMILIES: tuple[Family, ...] = ("point", "line", "polygon")

_FAMILY_OF_TYPE: dict[int, Family] = {
    0: "point",  # Point
    1: "line",  # LineString
    2: "line",  # LinearRing
    3: "polygon",  # Polygon
    4: "point",  # MultiPoint
    5: "line",  # MultiLineString
    6: "polygon",  # MultiPolygon
}
_COLLECTION = 7


def missing_mask(geometry: np.ndarray) -> np.ndarray:
    """True where a geometry is None or empty."""
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    return np.asarray(missing, dtype=bool)


def valid(geometry: np.ndarray) -> np.ndarray:
    """The same geometries, made valid where they (or projecting them)
    are not; the input array is left as it was."""
    broken = ~np.asarray(shapely.is_valid(geometry), dtype=bool)
    if not broken.any():
        return geometry
    out = geometry.copy()
    out[broken] = shapely.make_valid(geometry[broken])
    return out


def drop_z(geometry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove Z (and M) values; return the new array and the changed mask."""
    has_z = np.asarray(shapely.has_z(geometry), dtype=bool)
    out = geometry.copy()
    if has_z.any():
        out[has_z] = shapely.force_2d(geometry[has_z])
    return out, has_z


def repair(geometry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make invalid geometries valid, keeping their own family.

    A self-crossing polygon becomes the (multi)polygon that
    :func:`shapely.make_valid` builds with the ``structure`` method; any
    lower-dimension by-products (a collapsed spike) are dropped so the
    feature keeps the family it had.
    """
    present = ~missing_mask(geometry)
    invalid = present & ~np.asarray(shapely.is_valid(geometry), dtype=bool)
    out = geometry.copy()
    for i in np.flatnonzero(invalid):
        family = family_of(geometry[i])
        fixed = shapely.make_valid(geometry[i], method="structure")
        out[i] = _keep_family(fixed, family) if family else fixed
    return out, invalid


def family_of(geom: BaseGeometry | None) -> Family | None:
    """Geometry family of one geometry; None for collections and empties."""
    if geom is None or geom.is_empty:
        return None
    return _FAMILY_OF_TYPE.get(int(shapely.get_type_id(geom)))


def families(geometry: np.ndarray) -> np.ndarray:
    """Family of each geometry as an object array (None where unknown)."""
    ids = shapely.get_type_id(geometry)
    return np.array([_FAMILY_OF_TYPE.get(int(i)) for i in ids], dtype=object)


def split_collections(
    geometry: np.ndarray,
) -> tuple[list[int], list[BaseGeometry], np.ndarray]:
    """Break geometry collections into one part per family.

    Returns
    -------
    positions : list of int
        Position of the source feature for each new part.
    parts : list of geometry
        The parts, each of one family.
    mask : numpy.ndarray
        True where the source was a collection.
    """
    ids = shapely.get_type_id(geometry)
    mask = ids == _COLLECTION
    positions: list[int] = []
    parts: list[BaseGeometry] = []
    for i in np.flatnonzero(mask):
        for family in FAMILIES:
            part = _keep_family(geometry[i], family)
            if part is not None and not part.is_empty:
                positions.append(int(i))
                parts.append(part)
    return positions, parts, mask


def promote_to_multi(geometry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make every geometry of a mixed single/multi family a Multi*."""
    ids = shapely.get_type_id(geometry)
    single = np.isin(ids, (0, 1, 3))
    multi = np.isin(ids, (4, 5, 6))
    if not (single.any() and multi.any()):
        return geometry, np.zeros(len(geometry), dtype=bool)
    out = geometry.copy()
    makers = {
        0: shapely.multipoints,
        1: shapely.multilinestrings,
        3: shapely.multipolygons,
    }
    for type_id, make in makers.items():
        where = ids == type_id
        for i in np.flatnonzero(where):
            out[i] = make([geometry[i]])
    return out, single


def _keep_family(geom: BaseGeometry, family: Family) -> BaseGeometry | None:
    """The parts of ``geom`` of one family, merged into one geometry."""
    parts = [
        p
        for p in shapely.get_parts(geom)
        if family_of(p) == family and not p.is_empty
    ]
    if not parts:
        return None
    if family == "polygon":
        return shapely.union_all(parts)
    if family == "line":
        return shapely.multilinestrings(
            [q for p in parts for q in shapely.get_parts(p)]
        ) if len(parts) > 1 else parts[0]
    return shapely.multipoints(
        [q for p in parts for q in shapely.get_parts(p)]
    ) if len(parts) > 1 else parts[0]
