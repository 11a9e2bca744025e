"""Coordinate reference systems: local metric CRS, proposals and sanity checks.

Every function here takes and returns coordinates in (x=lon/easting,
y=lat/northing) order. Geometry is stored in EPSG:4326; measures are taken
in a metric CRS chosen for the place: inside China the CGCS2000 3-degree
Gauss-Krüger zone of the data's centroid, elsewhere its UTM zone.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError

from gis.chinacoords import in_china
from gis.errors import CRSError
from gis.i18n import t

WGS84 = "EPSG:4326"
CGCS2000 = "EPSG:4490"

# CGCS2000 Gauss-Krüger families (EPSG numbering is contiguous)
GK3_CM = tuple(range(75, 136, 3))  # central meridians of 3-degree zones
GK6_ZONES = tuple(range(13, 24))  # 6-degree zone numbers, CM = 6n - 3
_GK3_PREFIX_BASE = 4513  # zone 25 (CM 75E), false easting 25,500,000
_GK3_PLAIN_BASE = 4534  # CM 75E, false easting 500,000
_GK6_PREFIX_BASE = 4491  # zone 13 (CM 75E), false easting 13,500,000
_GK6_PLAIN_BASE = 4502  # CM 75E, false easting 500,000

# how far (m) a transverse-Mercator easting may sit from its false easting
_TM_HALF_WIDTH_M = 900_000.0


@dataclass(frozen=True)
class Proposal:
    """A CRS that could explain a file's coordinates.

    Attributes
    ----------
    crs : str
        ``"EPSG:nnnn"``.
    reason : str
        Why it fits, translated.
    distance_km : float or None
        Distance from the data's centre (in this CRS) to the reference area,
        when a reference was given.
    """

    crs: str
    reason: str
    distance_km: float | None = None


@dataclass(frozen=True)
class TMInfo:
    """Parameters of a transverse-Mercator CRS that matter for checks."""

    central_meridian: float
    false_easting: float

    @property
    def zone_prefix(self) -> int | None:
        """Zone number carried in the false easting, if any."""
        zone = int(self.false_easting // 1_000_000)
        return zone or None


def epsg_string(crs: CRS) -> str:
    """Return ``"EPSG:nnnn"`` when the CRS has a code, else its name."""
    code = crs.to_epsg(min_confidence=70)
    return f"EPSG:{code}" if code else crs.to_string()


def parse_crs(value: str | int | CRS) -> CRS:
    """Read a CRS from ``"EPSG:4545"``, ``4545``, WKT or a PROJ string.

    Raises
    ------
    CRSError
        When the value names no CRS that PROJ knows.
    """
    if isinstance(value, CRS):
        return value
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except ProjCRSError as exc:
        raise CRSError(t("crs.unknown", value=text)) from exc


def gk3_epsg(central_meridian: int, *, zone_prefix: bool) -> int:
    """EPSG code of a CGCS2000 3-degree Gauss-Krüger zone.

    Parameters
    ----------
    central_meridian : int
        A multiple of 3 from 75 to 135 (degrees east).
    zone_prefix : bool
        Whether eastings carry the zone number (false easting n,500,000).
    """
    if central_meridian not in GK3_CM:
        raise CRSError(t("crs.bad_cm", cm=central_meridian))
    offset = GK3_CM.index(central_meridian)
    base = _GK3_PREFIX_BASE if zone_prefix else _GK3_PLAIN_BASE
    return base + offset


def gk6_epsg(zone: int, *, zone_prefix: bool) -> int:
    """EPSG code of a CGCS2000 6-degree Gauss-Krüger zone (13 to 23)."""
    if zone not in GK6_ZONES:
        raise CRSError(t("crs.bad_zone", zone=zone))
    base = _GK6_PREFIX_BASE if zone_prefix else _GK6_PLAIN_BASE
    return base + zone - GK6_ZONES[0]


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 UTM zone containing (lon, lat)."""
    zone = min(60, max(1, math.floor((lon + 180.0) / 6.0) + 1))
    return (32600 if lat >= 0 else 32700) + zone


def local_metric_crs(lon: float, lat: float) -> CRS:
    """Metric CRS for measuring around (lon, lat) in degrees.

    Inside China: the CGCS2000 3-degree Gauss-Krüger zone (no zone
    prefix) whose central meridian is nearest; elsewhere the UTM zone.

    Examples
    --------
    >>> local_metric_crs(9.52, 47.14).to_epsg()
    32632
    >>> local_metric_crs(106.6, 26.6).to_epsg()  # CM 108E
    4545
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise CRSError(t("crs.not_finite"))
    if bool(in_china(np.array([lon]), np.array([lat]), margin=False)[0]):
        cm = int(min(GK3_CM, key=lambda c: abs(c - lon)))
        return CRS.from_epsg(gk3_epsg(cm, zone_prefix=False))
    return CRS.from_epsg(utm_epsg(lon, lat))


def tm_info(crs: CRS) -> TMInfo | None:
    """Central meridian and false easting of a transverse-Mercator CRS."""
    op = crs.coordinate_operation
    if op is None or "Transverse Mercator" not in op.method_name:
        return None
    params = {p.name: p.value for p in op.params}
    return TMInfo(
        central_meridian=float(params.get("Longitude of natural origin", 0.0)),
        false_easting=float(params.get("False easting", 0.0)),
    )


@functools.cache
def transformer(src: str, dst: str) -> Transformer:
    """Cached ``always_xy`` transformer between two CRS strings."""
    return Transformer.from_crs(src, dst, always_xy=True)


def to_lonlat(
    x: np.ndarray, y: np.ndarray, crs: CRS | str
) -> tuple[np.ndarray, np.ndarray]:
    """Transform x/y in ``crs`` to (lon, lat) in EPSG:4326."""
    src = crs if isinstance(crs, str) else crs.to_wkt()
    lon, lat = transformer(src, WGS84).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _gk_family_proposals(cx: float) -> list[tuple[int, str]]:
    """EPSG codes implied by a zone number in the easting, with reasons."""
    zone = int(cx // 1_000_000)
    if zone in GK6_ZONES:
        code = gk6_epsg(zone, zone_prefix=True)
        return [(code, t("crs.reason_gk6_prefix", zone=zone))]
    if 25 <= zone <= 45:
        code = gk3_epsg(zone * 3, zone_prefix=True)
        return [(code, t("crs.reason_gk3_prefix", zone=zone))]
    return []


def _zoneless_candidates() -> list[tuple[int, str]]:
    """Every CRS whose eastings carry no zone: GK 3°, GK 6°, UTM north."""
    found = [
        (gk3_epsg(cm, zone_prefix=False), t("crs.reason_gk3_plain", cm=cm))
        for cm in GK3_CM
    ]
    found += [
        (gk6_epsg(z, zone_prefix=False), t("crs.reason_gk6_plain", cm=6 * z - 3))
        for z in GK6_ZONES
    ]
    found += [
        (32600 + z, t("crs.reason_utm", zone=z)) for z in range(1, 61)
    ]
    return found


def _distance_km(
    lon: float, lat: float, bounds: tuple[float, float, float, float]
) -> float:
    """Rough distance in km from (lon, lat) to a lon/lat box (0 inside)."""
    minx, miny, maxx, maxy = bounds
    dx = max(minx - lon, 0.0, lon - maxx)
    dy = max(miny - lat, 0.0, lat - maxy)
    coslat = math.cos(math.radians(max(-89.0, min(89.0, lat))))
    return 111.32 * math.hypot(dx * coslat, dy)


def looks_geographic(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether every value fits a longitude/latitude range."""
    return bool(np.all(np.abs(x) <= 180.0) and np.all(np.abs(y) <= 90.0))


def propose_crs(
    x: np.ndarray,
    y: np.ndarray,
    *,
    reference_bounds: tuple[float, float, float, float] | None = None,
    limit: int = 12,
) -> list[Proposal]:
    """Propose CRSs that could explain coordinates found with none declared.

    Parameters
    ----------
    x, y : numpy.ndarray
        Finite coordinates as read (x = easting or longitude).
    reference_bounds : tuple, optional
        (minx, miny, maxx, maxy) in lon/lat of where the data should lie,
        e.g. the area the file is imported into. Candidates are ranked by
        distance to it and those more than 300 km away are dropped.
    limit : int
        Most proposals returned.

    Returns
    -------
    list of Proposal
        Best first. Empty when nothing fits.
    """
    if x.size == 0:
        return []
    cx, cy = float(np.median(x)), float(np.median(y))
    candidates: list[tuple[int, str]] = []

    # geographic degrees
    if looks_geographic(x, y):
        candidates.append((4326, t("crs.reason_geographic")))
        if bool(in_china(np.array([cx]), np.array([cy]))[0]):
            candidates.insert(0, (4490, t("crs.reason_cgcs2000")))

    # projected metres: zone-prefixed eastings name their zone
    elif 0 <= cy <= 10_000_000 and cx >= 1_000_000:
        candidates += _gk_family_proposals(cx)
        if abs(cx) <= 20_037_509 and abs(cy) <= 20_048_967:
            candidates.append((3857, t("crs.reason_web_mercator")))
    elif 0 <= cy <= 10_000_000 and 100_000 <= cx <= 900_000:
        candidates += _zoneless_candidates()

    return _rank(candidates, cx, cy, reference_bounds, limit)


def _rank(
    candidates: list[tuple[int, str]],
    cx: float,
    cy: float,
    reference_bounds: tuple[float, float, float, float] | None,
    limit: int,
) -> list[Proposal]:
    """Keep candidates that land on Earth (near the reference), best first."""
    ranked: list[Proposal] = []
    for code, reason in candidates:
        lon, lat = to_lonlat(np.array([cx]), np.array([cy]), f"EPSG:{code}")
        if not _plausible_lonlat(float(lon[0]), float(lat[0])):
            continue
        dist = None
        if reference_bounds is not None:
            dist = _distance_km(float(lon[0]), float(lat[0]), reference_bounds)
            if dist > 300.0:
                continue
        elif code >= 32600:
            # a UTM zone cannot be told from eastings without a reference
            continue
        elif _zoneless_gk(code) and not bool(in_china(lon, lat)[0]):
            continue
        ranked.append(Proposal(f"EPSG:{code}", reason, dist))
    if reference_bounds is not None:
        # equally near: the national grid where the area lies (CGCS2000
        # in China, UTM elsewhere) before the other
        minx, miny, maxx, maxy = reference_bounds
        centre = (np.array([(minx + maxx) / 2]), np.array([(miny + maxy) / 2]))
        china = bool(in_china(*centre, margin=False)[0])
        ranked.sort(key=lambda p: (
            p.distance_km or 0.0,
            p.crs != "EPSG:4326" and _cgcs2000(int(p.crs.split(":")[1])) != china,
        ))  # fmt: skip
    return ranked[:limit]


def _cgcs2000(code: int) -> bool:
    """Whether ``code`` is CGCS2000: geographic (4490) or a GK zone."""
    return 4490 <= code <= 4554


def _zoneless_gk(code: int) -> bool:
    """Whether ``code`` is a CGCS2000 GK CRS without zone number."""
    return 4534 <= code <= 4554 or 4502 <= code <= 4512


def _plausible_lonlat(lon: float, lat: float) -> bool:
    return (
        math.isfinite(lon)
        and math.isfinite(lat)
        and -180 <= lon <= 180
        and -85 <= lat <= 85
    )


@dataclass(frozen=True)
class DeclaredCheck:
    """Outcome of checking coordinates against the CRS a file declares.

    Attributes
    ----------
    problem : str or None
        Translated sentence saying what does not fit, or None.
    suggestion : str or None
        ``"EPSG:nnnn"`` that would fit, when one can be named.
    swapped_axes : bool
        True when the values look like (lat, lon) in a geographic CRS.
    """

    problem: str | None = None
    suggestion: str | None = None
    swapped_axes: bool = False


def check_declared(x: np.ndarray, y: np.ndarray, crs: CRS) -> DeclaredCheck:
    """Check finite coordinates against a declared CRS before transforming.

    Catches projected values under a geographic CRS, (lat, lon) order,
    and Gauss-Krüger files declared in the wrong family (with or without
    the zone number in the easting) or the wrong zone.
    """
    if x.size == 0:
        return DeclaredCheck()
    if crs.is_geographic:
        return _check_geographic(x, y, crs)
    info = tm_info(crs)
    if info is None:
        return DeclaredCheck()
    return _check_tm(x, info, crs)


def _check_geographic(x: np.ndarray, y: np.ndarray, crs: CRS) -> DeclaredCheck:
    """Geographic CRS: values must be degrees in (lon, lat) order."""
    name = epsg_string(crs)
    if looks_geographic(x, y):
        return DeclaredCheck()
    if looks_geographic(y, x):
        return DeclaredCheck(
            problem=t("crs.swapped_axes", crs=name), swapped_axes=True
        )
    found = propose_crs(x, y)
    best = found[0].crs if found else None
    return DeclaredCheck(
        problem=t(
            "crs.projected_under_geographic",
            crs=name,
            x=f"{float(np.median(x)):,.0f}",
            y=f"{float(np.median(y)):,.0f}",
        ),
        suggestion=best,
    )


def _check_tm(x: np.ndarray, info: TMInfo, crs: CRS) -> DeclaredCheck:
    """Transverse Mercator: eastings must sit near the false easting."""
    name = epsg_string(crs)
    cx = float(np.median(x))
    offset = abs(cx - info.false_easting)
    same_zone = info.zone_prefix is None or int(cx // 1e6) == info.zone_prefix
    if offset <= _TM_HALF_WIDTH_M and same_zone:
        return DeclaredCheck()

    suggestion = _gk_suggestion(cx, info)
    if info.zone_prefix and cx < 1_000_000:
        problem = t("crs.gk_missing_prefix", crs=name, x=f"{cx:,.0f}")
    elif cx >= 1_000_000 and not info.zone_prefix:
        problem = t(
            "crs.gk_has_prefix", crs=name, x=f"{cx:,.0f}", zone=int(cx // 1e6)
        )
    elif not same_zone:
        problem = t(
            "crs.gk_other_zone", crs=name, x=f"{cx:,.0f}",
            zone=int(cx // 1e6), declared=info.zone_prefix,
        )
    else:
        problem = t(
            "crs.easting_off",
            crs=name,
            x=f"{cx:,.0f}",
            fe=f"{info.false_easting:,.0f}",
        )
    return DeclaredCheck(problem=problem, suggestion=suggestion)


def _gk_suggestion(cx: float, info: TMInfo) -> str | None:
    """The CGCS2000 GK code that fits eastings ``cx``, if one does."""
    cm = round(info.central_meridian)
    if cx < 1_000_000:
        if cm in GK3_CM and info.zone_prefix and info.zone_prefix >= 25:
            return f"EPSG:{gk3_epsg(cm, zone_prefix=False)}"
        if (cm + 3) % 6 == 0 and (cm + 3) // 6 in GK6_ZONES:
            return f"EPSG:{gk6_epsg((cm + 3) // 6, zone_prefix=False)}"
        return None
    found = _gk_family_proposals(cx)
    return f"EPSG:{found[0][0]}" if found else None
