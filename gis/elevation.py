"""Elevation rasters: open a GeoTIFF, read its heights, sample them at points.

A DEM (digital elevation model) is read with rasterio in its own CRS:
points are transformed into that CRS with pyproj, never assumed to be
in it. Heights are metres; cells that hold the raster's no-data value
(or its mask says are empty, or are not finite) read as NaN, and so do
points outside the raster.

Slope over an area (:func:`area_slope`) is taken on the raster's own
grid, with Horn's method (the 3 x 3 weighted differences GDAL's
``gdaldem slope`` uses), from cell sizes measured on the ground in
metres: a projected raster's cells are scaled by the projection's
scale factor at the area, a geographic raster's cells are converted
from degrees on its ellipsoid, row by row. The area is moved into the
raster's CRS, never the raster into the area's.

Examples
--------
>>> dem = open_dem("dem.tif")  # doctest: +SKIP
>>> sample_lonlat(dem, np.array([[105.0, 25.0]]))  # doctest: +SKIP
array([1234.5])
>>> area_slope(dem, site, CRS.from_epsg(4544)).mean_deg  # doctest: +SKIP
5.71
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np
import rasterio
import rasterio.features
import shapely
import shapely.geometry
from affine import Affine
from pyproj import CRS, Proj, Transformer
from pyproj.exceptions import ProjError
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
from rasterio.windows import Window

from gis.crs import WGS84, epsg_string
from gis.errors import CRSError, InputError
from gis.i18n import t
from gis.uploads import MAX_UPLOAD_BYTES

log = logging.getLogger(__name__)

SUFFIXES = (".tif", ".tiff")
# most cells one slope window may hold (about 160 MB of float64)
MAX_SLOPE_CELLS = 20_000_000
# segments of an area's outline are cut to this share of its size
# before it is moved into the raster's CRS, so its edges follow the
# projection
_DENSIFY_SHARE = 0.01


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


# slope over an area


@dataclass(frozen=True)
class SlopeGrid:
    """Slope of the cells of a DEM window around an area.

    ``degrees`` holds each cell's slope (NaN where a cell or one of its
    eight neighbours has no height); ``transform`` maps (column, row)
    to (x, y) in the DEM's CRS; ``inside`` marks the cells of the area
    (centre inside it, or every cell it touches when it holds no
    centre); ``no_height`` the cells without a height, outside the
    raster included; ``cell_m`` the (width, height) of a cell on the
    ground in metres, at the window's middle row.
    """

    degrees: np.ndarray
    transform: Affine
    inside: np.ndarray
    no_height: np.ndarray
    cell_m: tuple[float, float]

    def summary(self) -> AreaSlope:
        """Mean and steepest slope over the area's cells, and the share
        of them without a height."""
        cells = int(self.inside.sum())
        missing = int((self.inside & self.no_height).sum())
        measured = self.inside & np.isfinite(self.degrees)
        degrees = self.degrees[measured]
        percent = np.tan(np.radians(degrees)) * 100.0
        empty = not degrees.size
        return AreaSlope(
            mean_deg=math.nan if empty else float(degrees.mean()),
            max_deg=math.nan if empty else float(degrees.max()),
            mean_pct=math.nan if empty else float(percent.mean()),
            max_pct=math.nan if empty else float(percent.max()),
            no_data_share=missing / cells if cells else 1.0,
            cells=cells,
            measured=int(measured.sum()),
        )

    def steep_cells(self, max_deg: float) -> np.ndarray:
        """Which of the area's cells are steeper than ``max_deg``."""
        slope = np.nan_to_num(self.degrees, nan=-1.0)
        steep: np.ndarray = self.inside & (slope > max_deg)
        return steep

    def steeper_than(self, max_deg: float) -> list[shapely.Geometry]:
        """Outlines of the area's cells steeper than ``max_deg``, as
        polygons in the DEM's CRS (neighbouring cells merged)."""
        steep = self.steep_cells(max_deg)
        if not steep.any():
            return []
        found = rasterio.features.shapes(
            steep.astype(np.uint8), mask=steep, transform=self.transform
        )
        return [shapely.geometry.shape(shape) for shape, _ in found]

    def not_steeper_than(self, max_deg: float) -> list[shapely.Geometry]:
        """Outlines of the window's cells with a slope of at most
        ``max_deg``, as polygons in the DEM's CRS (neighbouring cells
        merged). Every cell of the window counts, not only those whose
        centre lies in the area, so the area's edges are covered; cells
        without a slope (no height there or next to them) are left out.
        """
        fit = np.isfinite(self.degrees) & (self.degrees <= max_deg)
        if not fit.any():
            return []
        found = rasterio.features.shapes(
            fit.astype(np.uint8), mask=fit, transform=self.transform
        )
        return [shapely.geometry.shape(shape) for shape, _ in found]

    def has_gaps(self) -> bool:
        """Whether a cell of the area has no slope (no height there or
        next to it)."""
        return bool((self.inside & ~np.isfinite(self.degrees)).any())


@dataclass(frozen=True)
class AreaSlope:
    """Slope over an area, from the cells of an elevation raster.

    ``mean_deg`` and ``max_deg`` are the mean and the steepest of the
    cells' slopes in degrees, ``mean_pct`` and ``max_pct`` the same in
    percent (rise per 100 m run; the mean of the cells' percentages),
    all NaN when no cell has a slope. ``no_data_share`` (0..1) is the
    share of the area's ``cells`` without a height; ``measured`` counts
    the cells with a slope.
    """

    mean_deg: float
    max_deg: float
    mean_pct: float
    max_pct: float
    no_data_share: float
    cells: int
    measured: int


def area_slope(dem: Dem, area: shapely.Geometry, crs: CRS) -> AreaSlope:
    """Mean and steepest slope over an area, degrees and percent.

    Parameters
    ----------
    dem : Dem
        The elevation raster (heights in metres, any CRS).
    area : shapely.Geometry
        A polygon (or multipolygon) in ``crs``.
    crs : pyproj.CRS
        The CRS of ``area``, e.g. the area's local metric CRS.

    Raises
    ------
    gis.errors.InputError
        The raster is rotated or sheared, the area cannot be placed on
        it, or it covers too many cells.
    """
    return slope_grid(dem, area, crs).summary()


def slope_grid(dem: Dem, area: shapely.Geometry, crs: CRS) -> SlopeGrid:
    """The slope of every cell of the window around ``area`` (in
    ``crs``), with the cells of the area marked; see :func:`area_slope`."""
    _check_north_up(dem)

    # the area in the raster's CRS, its edges densified first
    local = _to_dem_crs(area, crs, dem)

    # the window around it, one cell more on each side; cells outside
    # the raster read as no height
    window = _area_window(dem, local)
    heights = _padded_heights(dem, window)
    transform = _shifted(dem.transform, window)

    # slope on the ground, and the area's cells
    dx, dy = _cell_metres(dem, transform, heights.shape)
    degrees = _horn_degrees(heights, dx, dy)
    inside = _cells_of(local, transform, heights.shape)
    middle = heights.shape[0] // 2
    log.debug("slope over %d cells of %s", int(inside.sum()), dem.path.name)
    return SlopeGrid(degrees, transform, inside, np.isnan(heights),
                     (float(dx[middle, 0]), float(dy[middle, 0])))  # fmt: skip


def _check_north_up(dem: Dem) -> None:
    """Refuse rasters whose rows are not east-west (rotated or sheared)."""
    if dem.transform.b != 0 or dem.transform.d != 0:
        raise InputError(t("siting.dem_rotated", path=str(dem.path)))


def _to_dem_crs(area: shapely.Geometry, src: CRS, dem: Dem) -> shapely.Geometry:
    """An area moved from ``src`` to the DEM's CRS, edges densified."""
    if src == dem.crs:
        return area
    minx, miny, maxx, maxy = area.bounds
    step = max(maxx - minx, maxy - miny) * _DENSIFY_SHARE
    dense = shapely.segmentize(area, step) if step > 0 else area
    move = Transformer.from_crs(src, dem.crs, always_xy=True)

    def moved(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(move.transform(xy[:, 0], xy[:, 1]))

    local = shapely.transform(dense, moved)
    if local.is_empty or not np.isfinite(local.bounds).all():
        raise InputError(t("siting.dem_cannot_place", path=str(dem.path)))
    return local


def _area_window(dem: Dem, area: shapely.Geometry) -> Window:
    """Cells (not clipped to the raster) holding the area, plus one."""
    minx, miny, maxx, maxy = area.bounds
    back = ~dem.transform
    corners = [back @ (x, y) for x in (minx, maxx) for y in (miny, maxy)]
    cols, rows = [c for c, _ in corners], [r for _, r in corners]
    left, top = math.floor(min(cols)) - 1, math.floor(min(rows)) - 1
    right, bottom = math.ceil(max(cols)) + 1, math.ceil(max(rows)) + 1
    if (right - left) * (bottom - top) > MAX_SLOPE_CELLS:
        raise InputError(
            t("siting.dem_too_many_cells", path=dem.path.name,
              n=(right - left) * (bottom - top), most=MAX_SLOPE_CELLS)
        )  # fmt: skip
    return Window(left, top, right - left, bottom - top)


def _padded_heights(dem: Dem, window: Window) -> np.ndarray:
    """Heights of a window that may reach beyond the raster (NaN there)."""
    out = np.full((int(window.height), int(window.width)), np.nan)
    left, top = max(window.col_off, 0), max(window.row_off, 0)
    right = min(window.col_off + window.width, dem.width)
    bottom = min(window.row_off + window.height, dem.height)
    if right <= left or bottom <= top:
        return out
    part = read_heights(dem, Window(left, top, right - left, bottom - top))
    row, col = top - window.row_off, left - window.col_off
    out[row : row + part.values.shape[0], col : col + part.values.shape[1]] = (
        part.values
    )
    return out


def _cell_metres(
    dem: Dem, transform: Affine, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Cell width and height on the ground, metres, per row (rows, 1)."""
    rows = shape[0]
    width, height = abs(transform.a), abs(transform.e)
    if dem.crs.is_geographic:
        # degrees on the ellipsoid: radii of curvature at each row
        to_rad = dem.crs.axis_info[0].unit_conversion_factor
        lat = np.radians(transform.f + transform.e * (np.arange(rows) + 0.5))
        ellipsoid = dem.crs.ellipsoid
        a = ellipsoid.semi_major_metre if ellipsoid else 6_378_137.0
        inv_f = ellipsoid.inverse_flattening if ellipsoid else 298.257223563
        e2 = (2.0 - 1.0 / inv_f) / inv_f if inv_f else 0.0
        w = 1.0 - e2 * np.sin(lat) ** 2
        across = a / np.sqrt(w) * np.cos(lat) * width * to_rad
        along = a * (1.0 - e2) / w**1.5 * height * to_rad
        return across[:, None], along[:, None]

    # projected: units to metres, then the projection's scale at the area
    unit = dem.crs.axis_info[0].unit_conversion_factor if dem.crs.axis_info else 1.0
    x = transform.c + transform.a * shape[1] / 2
    y = transform.f + transform.e * rows / 2
    across, along = _scale_factors(dem.crs, x, y)
    ones = np.ones((rows, 1))
    return ones * width * unit / across, ones * height * unit / along


def _scale_factors(crs: CRS, x: float, y: float) -> tuple[float, float]:
    """(parallel, meridional) scale of a projection at (x, y); (1, 1)
    when pyproj cannot tell."""
    try:
        lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(x, y)
        factors = Proj(crs).get_factors(lon, lat)
        found = (float(factors.parallel_scale), float(factors.meridional_scale))
    except (ProjError, RuntimeError, ValueError):
        return 1.0, 1.0
    if not all(math.isfinite(v) and v > 0 for v in found):
        return 1.0, 1.0
    return found


def _horn_degrees(heights: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Slope of each cell by Horn's weighted differences, degrees; NaN
    on the window's border and where a neighbour has no height."""
    out = np.full(heights.shape, np.nan)
    if min(heights.shape) < 3:
        return out
    z = heights
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    gx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8.0 * dx[1:-1])
    gy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8.0 * dy[1:-1])
    out[1:-1, 1:-1] = np.degrees(np.arctan(np.hypot(gx, gy)))
    return out


def _cells_of(
    area: shapely.Geometry, transform: Affine, shape: tuple[int, ...]
) -> np.ndarray:
    """Cells whose centre lies in the area; every cell it touches when
    it holds no centre (an area smaller than a cell)."""
    shape2 = (int(shape[0]), int(shape[1]))
    for touched in (False, True):
        inside = np.asarray(rasterio.features.geometry_mask(
            [area], out_shape=shape2, transform=transform, invert=True,
            all_touched=touched,
        ), dtype=bool)  # fmt: skip
        if inside.any():
            break
    return inside
