"""Elevation rasters: open a GeoTIFF, read its heights, sample them at points.

A DEM (digital elevation model) is read with rasterio in its own CRS:
points are transformed into that CRS with pyproj, never assumed to be
in it. Heights are metres; cells that hold the raster's no-data value
(or its mask says are empty, or are not finite) read as NaN, and so do
points outside the raster.

Examples
--------
>>> dem = open_dem("dem.tif")  # doctest: +SKIP
>>> sample_lonlat(dem, np.array([[105.0, 25.0]]))  # doctest: +SKIP
array([1234.5])
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS, Transformer
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
from rasterio.windows import Window

from gis.crs import WGS84, epsg_string
from gis.errors import CRSError, InputError
from gis.i18n import t
from gis.uploads import MAX_UPLOAD_BYTES

log = logging.getLogger(__name__)

SUFFIXES = (".tif", ".tiff")


@dataclass(frozen=True)
class Dem:
    """An elevation raster on disk: where it is and how it is laid out.

    ``transform`` maps (column, row) to (x, y) in ``crs``;
    ``nodata`` is the raster's no-data value, None when it has none.
    """

    path: Path
    crs: CRS
    transform: Affine
    width: int
    height: int
    nodata: float | None

    @property
    def crs_name(self) -> str:
        """``"EPSG:nnnn"`` of the raster's CRS, else its PROJ text."""
        return epsg_string(self.crs)


@dataclass(frozen=True)
class Heights:
    """Heights of a window of a DEM, metres, NaN where there is no data.

    ``transform`` maps (column, row) of ``values`` to (x, y) in the
    DEM's CRS.
    """

    values: np.ndarray
    transform: Affine

    @property
    def no_data(self) -> np.ndarray:
        """True for cells without a height."""
        return np.asarray(np.isnan(self.values), dtype=bool)


def open_dem(path: Path | str) -> Dem:
    """Open an elevation raster and check it can be used.

    Raises
    ------
    gis.errors.InputError
        The file is missing or not a raster rasterio can read.
    gis.errors.CRSError
        The raster has no CRS, so points cannot be placed on it.
    """
    path = Path(path)
    try:
        with warnings.catch_warnings():
            # a raster without georeferencing is refused just below
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as src:
                crs = src.crs
                layout = (src.transform, src.width, src.height, src.nodata)
    except RasterioIOError as exc:
        raise InputError(t("coverage.dem_unreadable", path=str(path), why=exc)) from exc
    if crs is None:
        raise CRSError(t("coverage.dem_no_crs", path=str(path)))
    transform, width, height, nodata = layout
    return Dem(path, CRS.from_wkt(crs.to_wkt()), transform, width, height,
               None if nodata is None else float(nodata))  # fmt: skip


def read_heights(dem: Dem, window: Window | None = None) -> Heights:
    """Heights of the first band, whole or in a window (rows, columns)."""
    with rasterio.open(dem.path) as src:
        band = src.read(1, window=window, masked=True)
    values = np.ma.filled(band.astype(np.float64), np.nan)
    values[~np.isfinite(values)] = np.nan
    return Heights(values, _shifted(dem.transform, window))


def _shifted(transform: Affine, window: Window | None) -> Affine:
    """The transform of a window's cells (its first cell at 0, 0)."""
    if window is None:
        return transform
    col, row = window.col_off, window.row_off
    a, b, c, d, e, f = transform[:6]
    return Affine(a, b, c + a * col + b * row, d, e, f + d * col + e * row)


def sample_lonlat(dem: Dem, lonlat: np.ndarray) -> np.ndarray:
    """Heights at (lon, lat) points in EPSG:4326; see :func:`sample_xy`."""
    return sample_xy(dem, lonlat, CRS.from_user_input(WGS84))


def sample_xy(dem: Dem, xy: np.ndarray, crs: CRS) -> np.ndarray:
    """Heights at (x, y) points given in ``crs``, metres.

    Points are moved into the DEM's CRS, then heights are interpolated
    bilinearly between the four nearest cell centres; where one of
    those has no height (an edge, a no-data cell), the height of the
    cell the point falls in is used. NaN where that cell has no
    height or the point lies outside the raster.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    out = np.full(len(xy), np.nan)
    if not len(xy):
        return out

    # fractional (column, row) of each point in the raster
    x, y = _to_dem(xy, crs, dem.crs)
    back = ~dem.transform
    col = back.a * x + back.b * y + back.c
    row = back.d * x + back.e * y + back.f
    finite = np.isfinite(col) & np.isfinite(row)
    window = _window_of(col[finite], row[finite], dem)
    if window is None:
        return out

    # one read of the window the points cover
    heights = read_heights(dem, window).values
    col = col - window.col_off
    row = row - window.row_off
    out[finite] = _interpolate(heights, col[finite], row[finite])
    log.debug("sampled %d heights from %s (%d x %d cells)", len(xy),
              dem.path.name, heights.shape[1], heights.shape[0])  # fmt: skip
    return out


def _to_dem(xy: np.ndarray, src: CRS, dst: CRS) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates moved from ``src`` to the DEM's CRS (inf: impossible)."""
    if src == dst:
        return xy[:, 0], xy[:, 1]
    move = Transformer.from_crs(src, dst, always_xy=True)
    x, y = move.transform(xy[:, 0], xy[:, 1])
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _window_of(col: np.ndarray, row: np.ndarray, dem: Dem) -> Window | None:
    """The raster window holding the points and their neighbours."""
    if not len(col):
        return None
    left = max(math.floor(col.min()) - 1, 0)
    top = max(math.floor(row.min()) - 1, 0)
    right = min(math.floor(col.max()) + 2, dem.width)
    bottom = min(math.floor(row.max()) + 2, dem.height)
    if right <= left or bottom <= top:
        return None
    return Window(left, top, right - left, bottom - top)


def _interpolate(values: np.ndarray, col: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Bilinear heights at fractional (column, row), else the cell's own."""
    rows, cols = values.shape

    # the cell each point falls in
    cell_r, cell_c = np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)
    inside = (cell_r >= 0) & (cell_r < rows) & (cell_c >= 0) & (cell_c < cols)
    out = np.full(len(col), np.nan)
    out[inside] = values[cell_r[inside], cell_c[inside]]

    # the four cell centres around each point (centres at +0.5)
    c, r = col - 0.5, row - 0.5
    c0, r0 = np.floor(c).astype(np.int64), np.floor(r).astype(np.int64)
    four = (r0 >= 0) & (r0 + 1 < rows) & (c0 >= 0) & (c0 + 1 < cols)
    idx = np.flatnonzero(four)
    fx, fy = (c - c0)[idx], (r - r0)[idx]
    r0, c0 = r0[idx], c0[idx]
    blend = (values[r0, c0] * (1 - fx) * (1 - fy)
             + values[r0, c0 + 1] * fx * (1 - fy)
             + values[r0 + 1, c0] * (1 - fx) * fy
             + values[r0 + 1, c0 + 1] * fx * fy)  # fmt: skip
    good = np.isfinite(blend)
    out[idx[good]] = blend[good]
    return out


def stage_dem(name: str, content: bytes, folder: Path) -> Path:
    """Write an uploaded GeoTIFF into ``folder`` and check it opens.

    The file keeps its base name; the upload size limit of the Data
    page applies.

    Raises
    ------
    gis.errors.InputError
        Not a ``.tif``/``.tiff``, empty, over the size limit, or not a
        readable raster with a CRS.
    """
    base = PurePath(name.replace("\\", "/")).name.lstrip(".")
    if PurePath(base).suffix.lower() not in SUFFIXES:
        raise InputError(t("coverage.dem_bad_suffix", name=name))
    if not content:
        raise InputError(t("upload.empty", name=base))
    if len(content) > MAX_UPLOAD_BYTES:
        raise InputError(
            t("upload.too_big", mb=f"{len(content) / 1024**2:,.1f}",
              limit=f"{MAX_UPLOAD_BYTES / 1024**2:,.0f}")
        )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / base
    path.write_bytes(content)
    open_dem(path)
    return path
