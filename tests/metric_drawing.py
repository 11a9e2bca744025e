"""Tiny drawings in metres, near 105° E 25° N, turned into lon/lat layers.

Shared by the tests whose expected values are worked out by hand on a
metric grid (villages, coverage): shapes are drawn in metres from an
origin in EPSG:4544 (CGCS2000 3-degree zone, CM 105° E) and moved to
lon/lat with pyproj, an independent tool.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

METRIC = "EPSG:4544"
TO_LONLAT = Transformer.from_crs(METRIC, "EPSG:4326", always_xy=True)
X0, Y0 = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True).transform(
    105.0, 25.0
)
NAN = float("nan")


def lonlat(geometry: shapely.Geometry) -> shapely.Geometry:
    """Metric drawing (metres from the origin) to lon/lat."""

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = TO_LONLAT.transform(xy[:, 0] + X0, xy[:, 1] + Y0)
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)


def metric_frame(
    geometry: list[shapely.Geometry], **columns: list[object]
) -> gpd.GeoDataFrame:
    """A lon/lat frame of metric shapes, source ids "0", "1", "2", ..."""
    return gpd.GeoDataFrame(
        {"source_id": [str(i) for i in range(len(geometry))], **columns},
        geometry=[lonlat(g) for g in geometry],
        crs="EPSG:4326",
    )
