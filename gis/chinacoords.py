"""Convert between WGS84 and the Chinese web-map datums GCJ-02 and BD-09.

GCJ-02 ("Mars coordinates") is the obfuscated datum that AMap, Tencent
and Google Maps China draw in; BD-09 is Baidu's further offset of it.
Both shift a point by a few hundred metres inside China and leave it
unchanged outside, so data digitised on those maps must be converted
before it is overlaid on WGS84 or CGCS2000 layers.

Every function takes and returns coordinates in (lon, lat) order, in
degrees. Inputs may be scalars or arrays (they are broadcast together);
outputs are always float64 arrays. NaN passes through as NaN.

Examples
--------
>>> lon, lat = wgs84_to_gcj02(116.397128, 39.916527)
>>> back_lon, back_lat = gcj02_to_wgs84(lon, lat)
>>> round(float(back_lon), 6), round(float(back_lat), 6)
(116.397128, 39.916527)
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry import shape

from gis.errors import CRSError, InputError

__all__ = [
    "DATUMS",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
GeometriesT = TypeVar("GeometriesT")
_Conversion = Callable[
    [FloatArray, FloatArray], tuple[FloatArray, FloatArray]
]

DATUMS = ("wgs84", "cgcs2000", "gcj02", "bd09")
"""Datums :func:`to_wgs84` accepts, by name."""

# GCJ-02: Krasovsky 1940 semi-major axis (m) and squared eccentricity
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

# BD-09: scaled pi and the constant offsets (degrees)
_BD_X_PI = 3.14159265358979324 * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006

# exact inverses: stop when no point moves more than this (degrees)
_INVERSE_TOL_DEG = 1e-9
_INVERSE_MAX_ITER = 30

# leniency at the border: the outline is coarse (1:110m)
_OUTLINE_BUFFER_DEG = 0.2
_OUTLINE_PATH = Path(__file__).with_name("_data") / "china_outline.geojson"

# datums whose coordinates are taken as WGS84 (CGCS2000 is within 1 m)
_WGS84_LIKE = ("wgs84", "cgcs2000")


def _as_lonlat(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Return ``lon`` and ``lat`` as float64 arrays of one shape."""
    lon_arr, lat_arr = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    return lon_arr, lat_arr


@functools.cache
def _china_area(margin_deg: float = _OUTLINE_BUFFER_DEG) -> shapely.Geometry:
    """Return the outline of China (EPSG:4326) widened by ``margin_deg``,
    prepared.

    Read once per margin from ``gis/_data/china_outline.geojson``.
    """
    # read every feature of the collection and merge them
    with _OUTLINE_PATH.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    parts = [shape(feature["geometry"]) for feature in collection["features"]]
    outline = shapely.union_all(parts)

    # widen the coarse outline and prepare it for many point tests
    area = shapely.buffer(outline, margin_deg) if margin_deg else outline
    shapely.prepare(area)
    logger.debug("loaded China outline from %s", _OUTLINE_PATH)
    return area


def in_china(lon: Any, lat: Any, *, margin: bool = True) -> BoolArray:
    """Tell whether the GCJ-02 offset applies at each point.

    A point counts as in China when it lies within about 0.2 degrees of
    the Natural Earth 1:110m outline of China. That takes in Hainan, and
    Hong Kong and Macau through the margin, but not Taiwan, which
    Natural Earth draws as a separate unit.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees, scalars or arrays.
    margin : bool
        Widen the outline by about 0.2 degrees (the default, for the
        offset). Without it, a place just across the border (north
        Sikkim, northern Vietnam) is not taken for China: what choosing
        a national grid for measuring needs.

    Returns
    -------
    numpy.ndarray of bool
        True where the point is in China; False for NaN coordinates.
    """
    lon_arr, lat_arr = _as_lonlat(lon, lat)
    area = _china_area() if margin else _china_area(0.0)
    inside: BoolArray = shapely.contains_xy(area, lon_arr, lat_arr)
    return np.asarray(inside, dtype=np.bool_)


def _waves(
    t: FloatArray, amp1: float, freq1: float, amp2: float, freq2: float
) -> FloatArray:
    """Return one published pair of sine terms, ``2/3 (a1 sin + a2 sin)``."""
    return (
        amp1 * np.sin(freq1 * t * np.pi) + amp2 * np.sin(freq2 * t * np.pi)
    ) * 2.0 / 3.0


def _gcj_shift_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    """Return the published GCJ-02 longitude term, before scaling."""
    base = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
    base += 0.1 * np.sqrt(np.abs(x))
    return (
        base
        + _waves(x, 20.0, 6.0, 20.0, 2.0)
        + _waves(x, 20.0, 1.0, 40.0, 1.0 / 3.0)
        + _waves(x, 150.0, 1.0 / 12.0, 300.0, 1.0 / 30.0)
    )


def _gcj_shift_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    """Return the published GCJ-02 latitude term, before scaling."""
    base = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
    base += 0.2 * np.sqrt(np.abs(x))
    return (
        base
        + _waves(x, 20.0, 6.0, 20.0, 2.0)
        + _waves(y, 20.0, 1.0, 40.0, 1.0 / 3.0)
        + _waves(y, 160.0, 1.0 / 12.0, 320.0, 1.0 / 30.0)
    )


def _gcj_offset(
    lon: FloatArray, lat: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return the GCJ-02 offset (dlon, dlat) in degrees at WGS84 points.

    The formula applies everywhere; callers decide where to use it.
    """
    # raw shifts, centred on (105 E, 35 N)
    x = lon - 105.0
    y = lat - 35.0
    dlon = _gcj_shift_lon(x, y)
    dlat = _gcj_shift_lat(x, y)

    # metres on the Krasovsky ellipsoid to degrees at this latitude
    rad_lat = np.radians(lat)
    magic = 1.0 - _GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / (
        _GCJ_A * (1.0 - _GCJ_EE) / (magic * sqrt_magic) * np.pi
    )
    dlon = dlon * 180.0 / (_GCJ_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _gcj_forward(
    lon: FloatArray, lat: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return WGS84 points offset to GCJ-02, wherever they are."""
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def _bd_forward(
    lon: FloatArray, lat: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return GCJ-02 points offset to BD-09 by the published formula."""
    radius = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return (
        radius * np.cos(theta) + _BD_DLON,
        radius * np.sin(theta) + _BD_DLAT,
    )


def _bd_backward(
    lon: FloatArray, lat: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return BD-09 points taken back by the published inverse formula.

    That formula is approximate, off by up to about 0.2 m;
    :func:`_invert` refines it.
    """
    x = lon - _BD_DLON
    y = lat - _BD_DLAT
    radius = np.hypot(x, y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return radius * np.cos(theta), radius * np.sin(theta)


def _invert(
    forward: _Conversion,
    target: tuple[FloatArray, FloatArray],
    start: tuple[FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(point) == target`` by fixed-point iteration.

    Each step moves the guess by how far its image misses the target.
    This converges fast because both offsets are nearly constant over
    a few hundred metres. It stops when no point moves by more than
    1e-9 degrees (about 0.1 mm), or after 30 steps.
    """
    lon, lat = start
    for step in range(1, _INVERSE_MAX_ITER + 1):
        # how far the image of the guess misses the target
        image_lon, image_lat = forward(lon, lat)
        miss_lon = image_lon - target[0]
        miss_lat = image_lat - target[1]
        lon, lat = lon - miss_lon, lat - miss_lat

        # NaN never counts as unconverged
        change = np.maximum(np.abs(miss_lon), np.abs(miss_lat))
        if not np.any(change > _INVERSE_TOL_DEG):
            logger.debug("inverse converged in %d steps", step)
            break
    return lon, lat


def _in_china_only(
    lon: FloatArray,
    lat: FloatArray,
    converted: tuple[FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    """Return ``converted`` in China and (lon, lat) unchanged elsewhere."""
    mask = in_china(lon, lat)
    return (
        np.where(mask, converted[0], lon),
        np.where(mask, converted[1], lat),
    )


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 (lon, lat) to GCJ-02; unchanged outside China.

    Parameters
    ----------
    lon, lat
        WGS84 longitude and latitude in degrees, scalars or arrays.

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 longitude and latitude in degrees (float64).
    """
    lon_arr, lat_arr = _as_lonlat(lon, lat)
    gcj = _gcj_forward(lon_arr, lat_arr)
    return _in_china_only(lon_arr, lat_arr, gcj)


def gcj02_to_wgs84(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 (lon, lat) to WGS84; unchanged outside China.

    The offset has no closed-form inverse, so this iterates on the
    forward formula until no point moves by more than 1e-9 degrees
    (about 0.1 mm); it needs four or five steps.

    Whether a point was offset is decided on its GCJ-02 position, as
    other converters do. Within about 700 m of the edge of the
    buffered outline (some 20 km outside China) that decision can
    differ from the forward one, and the round trip is then off by
    the size of the offset.

    Parameters
    ----------
    lon, lat
        GCJ-02 longitude and latitude in degrees, scalars or arrays.

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 longitude and latitude in degrees (float64).
    """
    target = _as_lonlat(lon, lat)
    wgs = _invert(_gcj_forward, target, start=target)
    return _in_china_only(*target, wgs)


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 (lon, lat) to BD-09; unchanged outside China.

    Outside China Baidu, like GCJ-02, uses WGS84 as it is.

    Parameters
    ----------
    lon, lat
        GCJ-02 longitude and latitude in degrees, scalars or arrays.

    Returns
    -------
    tuple of numpy.ndarray
        BD-09 longitude and latitude in degrees (float64).
    """
    lon_arr, lat_arr = _as_lonlat(lon, lat)
    bd = _bd_forward(lon_arr, lat_arr)
    return _in_china_only(lon_arr, lat_arr, bd)


def bd09_to_gcj02(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 (lon, lat) to GCJ-02; unchanged outside China.

    Starts from the published inverse formula, which is off by up to
    about 0.2 m, and refines it by iteration to 1e-9 degrees. The same
    caveat at the edge of the outline applies as for
    :func:`gcj02_to_wgs84`.

    Parameters
    ----------
    lon, lat
        BD-09 longitude and latitude in degrees, scalars or arrays.

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 longitude and latitude in degrees (float64).
    """
    target = _as_lonlat(lon, lat)
    start = _bd_backward(*target)
    gcj = _invert(_bd_forward, target, start=start)
    return _in_china_only(*target, gcj)


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 (lon, lat) to BD-09, by way of GCJ-02.

    Parameters
    ----------
    lon, lat
        WGS84 longitude and latitude in degrees, scalars or arrays.

    Returns
    -------
    tuple of numpy.ndarray
        BD-09 longitude and latitude in degrees (float64).
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 (lon, lat) to WGS84, by way of GCJ-02.

    Parameters
    ----------
    lon, lat
        BD-09 longitude and latitude in degrees, scalars or arrays.

    Returns
    -------
    tuple of numpy.ndarray
        WGS84 longitude and latitude in degrees (float64).
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}


def _check_datum(datum: str) -> str:
    """Return ``datum`` in lower case, or raise if it is not known."""
    key = str(datum).strip().lower()
    if key not in DATUMS:
        allowed = ", ".join(repr(name) for name in DATUMS)
        raise InputError(
            f"Unknown datum {datum!r}. Choose one of {allowed}: 'gcj02' "
            "for AMap, Tencent or Google China, 'bd09' for Baidu, "
            "'wgs84' or 'cgcs2000' for GPS and official survey data."
        )
    return key


def _check_geographic(geometries: object) -> None:
    """Raise if a GeoSeries declares a projected (non lon/lat) CRS."""
    crs = getattr(geometries, "crs", None)
    if crs is not None and not crs.is_geographic:
        raise CRSError(
            f"The geometries are in {crs.name!r}, a projected CRS, but "
            "datum conversion needs longitude/latitude in degrees. "
            "Reproject them to EPSG:4326 first, e.g. with "
            "GeoSeries.to_crs(4326)."
        )


def _wrap_like(template: Any, result: npt.NDArray[np.object_]) -> Any:
    """Return ``result`` as the same kind of container as ``template``."""
    # plain arrays and lists come back as numpy object arrays
    if not isinstance(template, pd.Series):
        return result

    # a (Geo)Series keeps its index and name and is now WGS84
    return gpd.GeoSeries(
        result, index=template.index, name=template.name, crs="EPSG:4326"
    )


def to_wgs84(geometries: GeometriesT, datum: str) -> GeometriesT:
    """Convert every vertex of lon/lat geometries from ``datum`` to WGS84.

    Parameters
    ----------
    geometries
        numpy array or GeoSeries of shapely geometries of any type, with
        (lon, lat) coordinates in degrees. None and empty geometries
        pass through; Z values are kept.
    datum
        One of :data:`DATUMS`: ``"wgs84"``, ``"cgcs2000"``,
        ``"gcj02"`` or ``"bd09"`` (case-insensitive).

    Returns
    -------
    numpy.ndarray or geopandas.GeoSeries
        The same kind of container with WGS84 coordinates. For
        ``"wgs84"`` and ``"cgcs2000"`` (equal to WGS84 within a metre)
        the input itself is returned. A GeoSeries comes back labelled
        EPSG:4326 with its index kept.

    Raises
    ------
    gis.errors.InputError
        If ``datum`` is not one of :data:`DATUMS`.
    gis.errors.CRSError
        If a GeoSeries declares a projected CRS.
    """
    # nothing to do for datums that already are WGS84
    key = _check_datum(datum)
    if key in _WGS84_LIKE:
        return geometries
    _check_geographic(geometries)
    convert = _TO_WGS84[key]

    def _convert_xy(coords: FloatArray) -> FloatArray:
        # columns are x (lon), y (lat) and perhaps z, which stays
        out = coords.copy()
        out[:, 0], out[:, 1] = convert(coords[:, 0], coords[:, 1])
        return out

    # one vectorised call over all vertices of all geometries
    array = np.asarray(geometries, dtype=object)
    result = shapely.transform(array, _convert_xy, include_z=None)
    wrapped = _wrap_like(geometries, np.asarray(result, dtype=object))
    return cast(GeometriesT, wrapped)
