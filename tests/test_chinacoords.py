"""Tests of WGS84 / GCJ-02 / BD-09 conversion in gis.chinacoords.

Reference values come from a scalar re-implementation of the published
GCJ-02 formula written below (independent of the vectorised module
code) and from test vectors published with two widely used converters:

- googollee/eviltransform, ``python/test.py`` (MIT): WGS84 -> GCJ-02
  for Shanghai, Shenzhen and Beijing.
- wandergis/coordtransform, ``test/app.js`` (MIT): GCJ-02 <-> BD-09
  and WGS84 -> GCJ-02 at (116.404, 39.915).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import shape

from gis import chinacoords as cc
from gis.errors import CRSError, InputError

GEOD = Geod(ellps="WGS84")
OUTLINE = Path(cc.__file__).with_name("_data") / "china_outline.geojson"

TIANANMEN = (116.397128, 39.916527)
VADUZ = (9.52, 47.14)
SIKKIM = (88.6, 27.3)

# (wgs_lon, wgs_lat, gcj_lon, gcj_lat), from eviltransform's test.py
EVILTRANSFORM_VECTORS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]

ALL_CONVERSIONS = [
    cc.wgs84_to_gcj02,
    cc.gcj02_to_wgs84,
    cc.gcj02_to_bd09,
    cc.bd09_to_gcj02,
    cc.wgs84_to_bd09,
    cc.bd09_to_wgs84,
]


def reference_wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Published GCJ-02 forward formula, scalar, written out literally."""
    a = 6378245.0
    ee = 0.00669342162296594323
    pi = math.pi
    x = lon - 105.0
    y = lat - 35.0

    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
            + 0.2 * math.sqrt(abs(x)))
    dlat += (20.0 * math.sin(6.0 * x * pi)
             + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * pi)
             + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * pi)
             + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0

    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
            + 0.1 * math.sqrt(abs(x)))
    dlon += (20.0 * math.sin(6.0 * x * pi)
             + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * pi)
             + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * pi)
             + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0

    rad_lat = lat / 180.0 * pi
    magic = 1 - ee * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (a / sqrt_magic * math.cos(rad_lat) * pi)
    return lon + dlon, lat + dlat


def distance_m(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Geodesic distance in metres on WGS84 between point arrays."""
    *_, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist)


@pytest.fixture(scope="module")
def china_grid() -> tuple[np.ndarray, np.ndarray]:
    """Points every half degree inside the unbuffered China outline."""
    with OUTLINE.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    outline = shapely.union_all([shape(f["geometry"]) for f in features])

    lon, lat = np.meshgrid(np.arange(73.0, 135.5, 0.5),
                           np.arange(18.0, 54.0, 0.5))
    inside = shapely.contains_xy(outline, lon, lat)
    assert inside.sum() > 3000
    return lon[inside], lat[inside]


# --- forward GCJ-02 -------------------------------------------------------

def test_tiananmen_matches_the_published_formula() -> None:
    lon, lat = cc.wgs84_to_gcj02(*TIANANMEN)

    expected = reference_wgs84_to_gcj02(*TIANANMEN)
    assert (float(lon), float(lat)) == pytest.approx(expected, abs=1e-9)


def test_tiananmen_shifts_by_a_few_hundred_metres() -> None:
    lon, lat = cc.wgs84_to_gcj02(*TIANANMEN)

    shift = distance_m(TIANANMEN[0], TIANANMEN[1], lon, lat)
    assert 100.0 < shift < 1000.0


@pytest.mark.parametrize("vector", EVILTRANSFORM_VECTORS)
def test_published_vectors(vector: tuple[float, ...]) -> None:
    wgs_lon, wgs_lat, gcj_lon, gcj_lat = vector

    lon, lat = cc.wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert (float(lon), float(lat)) == pytest.approx(
        (gcj_lon, gcj_lat), abs=1e-9
    )

    lon, lat = cc.gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert (float(lon), float(lat)) == pytest.approx(
        (wgs_lon, wgs_lat), abs=1e-8
    )


def test_grid_matches_the_published_formula(
    china_grid: tuple[np.ndarray, np.ndarray],
) -> None:
    lon, lat = china_grid

    got_lon, got_lat = cc.wgs84_to_gcj02(lon, lat)

    expected = np.array(
        [reference_wgs84_to_gcj02(x, y) for x, y in zip(lon, lat, strict=True)]
    )
    np.testing.assert_allclose(got_lon, expected[:, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got_lat, expected[:, 1], rtol=0, atol=1e-9)


# --- inverses and round trips ---------------------------------------------

def test_gcj02_round_trip_across_china(
    china_grid: tuple[np.ndarray, np.ndarray],
) -> None:
    lon, lat = china_grid

    gcj_lon, gcj_lat = cc.wgs84_to_gcj02(lon, lat)
    back_lon, back_lat = cc.gcj02_to_wgs84(gcj_lon, gcj_lat)

    # every point moved, and came back to within a centimetre
    assert distance_m(lon, lat, gcj_lon, gcj_lat).min() > 1.0
    assert distance_m(lon, lat, back_lon, back_lat).max() < 0.01


def test_bd09_round_trips_across_china(
    china_grid: tuple[np.ndarray, np.ndarray],
) -> None:
    lon, lat = china_grid

    bd_lon, bd_lat = cc.wgs84_to_bd09(lon, lat)
    back_lon, back_lat = cc.bd09_to_wgs84(bd_lon, bd_lat)
    assert distance_m(lon, lat, back_lon, back_lat).max() < 0.01

    gcj_lon, gcj_lat = cc.bd09_to_gcj02(*cc.gcj02_to_bd09(lon, lat))
    assert distance_m(lon, lat, gcj_lon, gcj_lat).max() < 0.01


def test_bd09_published_vectors() -> None:
    # wandergis/coordtransform, test/app.js, input (116.404, 39.915)
    bd = cc.gcj02_to_bd09(116.404, 39.915)
    assert [float(v) for v in bd] == pytest.approx(
        [116.41036949371029, 39.92133699351021], abs=1e-9
    )

    # the published value comes from the approximate inverse formula
    # (off by a few cm); the exact inverse maps forward onto the input
    gcj = cc.bd09_to_gcj02(116.404, 39.915)
    assert [float(v) for v in gcj] == pytest.approx(
        [116.39762729119315, 39.90865673957631], abs=1e-6
    )
    forward = cc.gcj02_to_bd09(*gcj)
    assert [float(v) for v in forward] == pytest.approx(
        [116.404, 39.915], abs=1e-9
    )

    gcj = cc.wgs84_to_gcj02(116.404, 39.915)
    assert [float(v) for v in gcj] == pytest.approx(
        [116.41024449916938, 39.91640428150164], abs=1e-9
    )


def test_bd09_is_gcj02_composed_with_the_baidu_offset() -> None:
    gcj = cc.wgs84_to_gcj02(*TIANANMEN)

    bd = cc.wgs84_to_bd09(*TIANANMEN)
    np.testing.assert_allclose(bd, cc.gcj02_to_bd09(*gcj), rtol=0, atol=0)


# --- where the offset applies ---------------------------------------------

@pytest.mark.parametrize(
    "place",
    [
        (116.4, 39.9),   # Beijing
        (91.1, 29.65),   # Lhasa
        (87.6, 43.8),    # Urumqi
        (75.99, 39.47),  # Kashgar
        (126.6, 45.75),  # Harbin
        (110.35, 20.02),  # Haikou, Hainan
    ],
)
def test_places_in_china(place: tuple[float, float]) -> None:
    assert cc.in_china(*place)


@pytest.mark.parametrize("conversion", ALL_CONVERSIONS)
@pytest.mark.parametrize("place", [VADUZ, SIKKIM])
def test_outside_china_unchanged(conversion, place) -> None:
    assert not cc.in_china(*place)

    lon, lat = conversion(*place)
    assert (float(lon), float(lat)) == place


def test_mixed_array_converts_only_points_in_china() -> None:
    lon = np.array([TIANANMEN[0], VADUZ[0], SIKKIM[0]])
    lat = np.array([TIANANMEN[1], VADUZ[1], SIKKIM[1]])

    got_lon, got_lat = cc.wgs84_to_gcj02(lon, lat)

    assert got_lon[0] == pytest.approx(
        reference_wgs84_to_gcj02(*TIANANMEN)[0], abs=1e-9
    )
    np.testing.assert_array_equal(got_lon[1:], lon[1:])
    np.testing.assert_array_equal(got_lat[1:], lat[1:])


# --- input forms ----------------------------------------------------------

@pytest.mark.parametrize("conversion", ALL_CONVERSIONS)
def test_scalars_give_float64_arrays(conversion) -> None:
    lon, lat = conversion(116, 40)

    assert isinstance(lon, np.ndarray)
    assert lon.dtype == np.float64
    assert lon.shape == lat.shape == ()


@pytest.mark.parametrize("conversion", ALL_CONVERSIONS)
def test_arrays_broadcast_and_nan_passes(conversion) -> None:
    lon = np.array([[116.0, np.nan], [121.0, 113.0]])

    out_lon, out_lat = conversion(lon, 30.0)

    assert out_lon.shape == out_lat.shape == (2, 2)
    assert out_lon.dtype == out_lat.dtype == np.float64
    assert np.isnan(out_lon[0, 1])
    assert np.isfinite(np.delete(out_lon.ravel(), 1)).all()


def test_empty_arrays() -> None:
    lon, lat = cc.gcj02_to_wgs84([], [])

    assert lon.shape == lat.shape == (0,)


# --- geometries -----------------------------------------------------------

def wgs84_geometries() -> np.ndarray:
    """Every geometry shape near Beijing, plus None and empties."""
    hole = [(116.42, 39.92), (116.44, 39.92), (116.44, 39.94)]
    return np.array(
        [
            shapely.Point(116.4, 39.9),
            shapely.Point(116.4, 39.9, 42.0),
            shapely.LineString([(116.3, 39.8), (116.5, 40.0)]),
            shapely.Polygon(
                [(116.4, 39.9), (116.5, 39.9), (116.5, 40.0)], [hole]
            ),
            shapely.MultiPolygon(
                [
                    shapely.box(116.0, 39.0, 116.1, 39.1),
                    shapely.box(117.0, 39.0, 117.1, 39.1),
                ]
            ),
            shapely.GeometryCollection(
                [shapely.Point(121.5, 31.2), shapely.LineString(
                    [(121.4, 31.1), (121.6, 31.3)]
                )]
            ),
            None,
            shapely.Point(),
            shapely.Polygon(),
        ],
        dtype=object,
    )


def shift_vertices(geometries: np.ndarray, conversion) -> np.ndarray:
    """Apply a (lon, lat) conversion to every vertex, keeping Z."""

    def _apply(coords: np.ndarray) -> np.ndarray:
        out = coords.copy()
        out[:, 0], out[:, 1] = conversion(coords[:, 0], coords[:, 1])
        return out

    return shapely.transform(geometries, _apply, include_z=None)


@pytest.mark.parametrize(
    ("datum", "forward"),
    [("gcj02", cc.wgs84_to_gcj02), ("bd09", cc.wgs84_to_bd09)],
)
def test_to_wgs84_undoes_the_offset(datum: str, forward) -> None:
    original = wgs84_geometries()
    offset = shift_vertices(original, forward)

    result = cc.to_wgs84(offset, datum)

    # same shapes, same Z, vertices back within a millimetre
    assert isinstance(result, np.ndarray)
    assert result[6] is None
    assert shapely.is_empty(result[7:]).all()
    assert shapely.equals_exact(result[:6], original[:6], tolerance=1e-8).all()
    np.testing.assert_array_equal(
        shapely.get_type_id(result[:6]), shapely.get_type_id(original[:6])
    )
    assert shapely.get_z(result[1]) == 42.0
    assert shapely.get_num_interior_rings(result[3]) == 1


def test_to_wgs84_moves_every_vertex() -> None:
    original = wgs84_geometries()[:6]

    result = cc.to_wgs84(original, "gcj02")

    before = shapely.get_coordinates(original)
    after = shapely.get_coordinates(result)
    assert before.shape == after.shape
    moved = distance_m(before[:, 0], before[:, 1], after[:, 0], after[:, 1])
    assert (moved > 100.0).all()


def test_to_wgs84_keeps_a_geoseries() -> None:
    original = wgs84_geometries()
    offset = gpd.GeoSeries(
        shift_vertices(original, cc.wgs84_to_gcj02),
        index=list("abcdefghi"),
        name="parcels",
        crs="EPSG:4326",
    )

    result = cc.to_wgs84(offset, "GCJ02")

    assert isinstance(result, gpd.GeoSeries)
    assert list(result.index) == list("abcdefghi")
    assert result.name == "parcels"
    assert result.crs == "EPSG:4326"
    assert result.iloc[:6].geom_equals_exact(
        gpd.GeoSeries(original[:6], index=list("abcdef"), crs=4326),
        tolerance=1e-8,
    ).all()


@pytest.mark.parametrize("datum", ["wgs84", "cgcs2000", "CGCS2000"])
def test_wgs84_like_datums_return_the_input(datum: str) -> None:
    geometries = wgs84_geometries()

    assert cc.to_wgs84(geometries, datum) is geometries


def test_unknown_datum_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"'gcj-02'.*'wgs84'.*'bd09'"):
        cc.to_wgs84(wgs84_geometries(), "gcj-02")


def test_projected_geoseries_is_a_crs_error() -> None:
    projected = gpd.GeoSeries([shapely.Point(500000, 4400000)], crs=32650)

    with pytest.raises(CRSError, match="to_crs"):
        cc.to_wgs84(projected, "gcj02")
