"""Areas and lengths in a local metric CRS, never in degrees.

1 mu (亩) = 10,000 / 15 m² ≈ 666.67 m²; 1 ha = 10,000 m² = 15 mu.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import CRS

from gis.crs import WGS84, local_metric_crs
from gis.errors import CRSError
from gis.i18n import t

M2_PER_MU = 10_000.0 / 15.0
M2_PER_HA = 10_000.0


def m2_to_mu(area_m2: float) -> float:
    """Square metres to mu (亩)."""
    return area_m2 / M2_PER_MU


def m2_to_ha(area_m2: float) -> float:
    """Square metres to hectares."""
    return area_m2 / M2_PER_HA


def metric_crs_for(frame: gpd.GeoDataFrame) -> CRS:
    """The local metric CRS at the centre of a frame's lon/lat bounds."""
    if frame.crs is None:
        raise CRSError(t("measure.no_crs"))
    if not CRS.from_user_input(frame.crs).is_geographic:
        frame = frame.to_crs(WGS84)
    minx, miny, maxx, maxy = frame.total_bounds
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        raise CRSError(t("crs.not_finite"))
    return local_metric_crs((minx + maxx) / 2.0, (miny + maxy) / 2.0)


def to_metric(
    frame: gpd.GeoDataFrame, crs: CRS | None = None
) -> gpd.GeoDataFrame:
    """Project a frame to ``crs`` or its local metric CRS."""
    return frame.to_crs(crs or metric_crs_for(frame))


def areas_m2(frame: gpd.GeoDataFrame, crs: CRS | None = None) -> np.ndarray:
    """Area of each feature in m², measured in a local metric CRS."""
    return np.asarray(to_metric(frame, crs).geometry.area, dtype=float)


def lengths_m(frame: gpd.GeoDataFrame, crs: CRS | None = None) -> np.ndarray:
    """Length (perimeter for areas) of each feature in metres."""
    return np.asarray(to_metric(frame, crs).geometry.length, dtype=float)


def layer_measures(frame: gpd.GeoDataFrame) -> dict[str, float]:
    """Totals a report shows: count, and area or length with units.

    Returns a dictionary with ``area_m2``, ``area_mu`` and ``area_ha`` for
    areas, ``length_m`` and ``length_km`` for lines, nothing for points.
    """
    if frame.empty:
        return {}
    crs = metric_crs_for(frame)
    kinds = set(frame.geometry.geom_type.dropna())
    if kinds & {"Polygon", "MultiPolygon"}:
        total = float(areas_m2(frame, crs).sum())
        return {
            "area_m2": total,
            "area_mu": m2_to_mu(total),
            "area_ha": m2_to_ha(total),
        }
    if kinds & {"LineString", "MultiLineString"}:
        total = float(lengths_m(frame, crs).sum())
        return {"length_m": total, "length_km": total / 1000.0}
    return {}
