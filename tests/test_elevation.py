"""Elevation rasters: opening, heights at lon/lat points, no-data.

Each raster is written here with rasterio: a tilted plane
``z = 500 + 0.1 * (northing - N0)`` in UTM zone 48N (EPSG:32648), 10 m
cells, around 105°E 25°N, so the height at any point follows from its
UTM northing (pyproj, an independent tool) by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from pyproj import Transformer

from gis.elevation import open_dem, read_heights, sample_lonlat, stage_dem
from gis.errors import CRSError, InputError

UTM = "EPSG:32648"
TO_UTM = Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
E0, N0 = TO_UTM.transform(105.0, 25.0)
GRADIENT = 0.1  # metres up per metre north
CELL = 10.0
NODATA = -9999.0


def write_plane(
    path: Path,
    *,
    west: float = -500.0,
    east: float = 1500.0,
    south: float = -500.0,
    north: float = 2500.0,
    hole: tuple[float, float] | None = None,
    crs: str | None = UTM,
) -> Path:
    """A GeoTIFF of the plane over UTM metres from (E0, N0); cells whose
    centre easting lies in ``hole`` (metres from E0) hold no data."""
    cols, rows = round((east - west) / CELL), round((north - south) / CELL)
    centre_e = west + CELL * (np.arange(cols) + 0.5)
    centre_n = north - CELL * (np.arange(rows) + 0.5)
    heights = 500.0 + GRADIENT * centre_n[:, None] + 0.0 * centre_e[None, :]
    if hole is not None:
        heights[:, (centre_e >= hole[0]) & (centre_e <= hole[1])] = NODATA
    profile = {
        "driver": "GTiff", "width": cols, "height": rows, "count": 1,
        "dtype": "float32", "nodata": NODATA,
        "transform": Affine(CELL, 0.0, E0 + west, 0.0, -CELL, N0 + north),
    }  # fmt: skip
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(heights.astype(np.float32), 1)
    return path


def plane_at(lon: float, lat: float) -> float:
    """The plane's height at a lon/lat point, by hand from its northing."""
    _, north = TO_UTM.transform(lon, lat)
    return 500.0 + GRADIENT * (north - N0)


def test_open_reads_the_crs_and_layout(tmp_path: Path) -> None:
    dem = open_dem(write_plane(tmp_path / "dem.tif"))
    assert dem.crs_name == UTM
    assert (dem.width, dem.height) == (200, 300)
    assert dem.nodata == NODATA


def test_heights_at_lon_lat_follow_the_plane(tmp_path: Path) -> None:
    dem = open_dem(write_plane(tmp_path / "dem.tif"))
    points = np.array([[105.0, 25.0], [105.004, 25.01], [105.01, 25.003]])
    got = sample_lonlat(dem, points)
    expected = [plane_at(lon, lat) for lon, lat in points]
    # bilinear between cell centres is exact on a plane
    assert got == pytest.approx(expected, abs=1e-3)
    assert got[1] - got[0] == pytest.approx(
        GRADIENT * (TO_UTM.transform(105.004, 25.01)[1] - N0), abs=1e-3
    )


def test_no_data_and_outside_read_nan(tmp_path: Path) -> None:
    dem = open_dem(write_plane(tmp_path / "dem.tif", hole=(800.0, 1200.0)))
    lon_in_hole = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True).transform(
        E0 + 1000.0, N0 + 1000.0
    )
    points = np.array([lon_in_hole, [105.0, 25.0], [106.0, 25.0]])
    got = sample_lonlat(dem, points)
    assert np.isnan(got[0])  # a no-data cell
    assert got[1] == pytest.approx(500.0, abs=1e-3)
    assert np.isnan(got[2])  # 100 km east of the raster
    heights = read_heights(dem)
    assert heights.no_data.sum() == 300 * 40  # 40 columns of 10 m
    assert heights.values[0, 0] == pytest.approx(500.0 + GRADIENT * 2495.0)


def test_missing_or_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nowhere\.tif"):
        open_dem(tmp_path / "nowhere.tif")
    text = tmp_path / "notes.tif"
    text.write_text("not a raster")
    with pytest.raises(InputError, match=r"notes\.tif"):
        open_dem(text)


def test_raster_without_crs_is_refused(tmp_path: Path) -> None:
    path = write_plane(tmp_path / "bare.tif", crs=None)
    with pytest.raises(CRSError, match=r"bare\.tif has no CRS"):
        open_dem(path)


def test_uploads_are_checked_and_staged(tmp_path: Path) -> None:
    content = write_plane(tmp_path / "dem.tif").read_bytes()
    staged = stage_dem("../hills.TIF", content, tmp_path / "up")
    assert staged == tmp_path / "up" / "hills.TIF"
    assert open_dem(staged).crs_name == UTM
    with pytest.raises(InputError, match="GeoTIFF"):
        stage_dem("hills.png", content, tmp_path / "up")
    with pytest.raises(InputError, match="empty"):
        stage_dem("hills.tif", b"", tmp_path / "up")
