"""Builders of tiny source files in every format the importer reads.

Everything is written into a folder the test gives (``tmp_path``):
shapefiles and GeoPackages by GDAL through pyogrio, GeoJSON, KML and CSV
as hand-written text, workbooks by pandas with openpyxl, and zip archives
with :mod:`zipfile`. The control points below are made up for the tests;
their coordinates are the reference values, typed by hand.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import LineString, Point, Polygon

# (name, lon, lat) of three control points in Guizhou, WGS 84 degrees
VILLAGES = [
    ("幸福村", 106.63, 26.65),
    ("石门坎乡", 106.125, 25.875),
    ("紫云苗族布依族自治县", 106.084, 25.751),
]
NAMES = [name for name, _, _ in VILLAGES]

# a road through the first two villages, for line layers
ROAD = [(106.63, 26.65), (106.4, 26.2), (106.125, 25.875)]

# a small square around the first village, for polygon layers
SQUARE = [(106.62, 26.64), (106.64, 26.64), (106.64, 26.66), (106.62, 26.66)]


# --- shapefiles and GeoPackages ------------------------------------------


def village_frame() -> gpd.GeoDataFrame:
    """The control points with a ``name`` and a ``households`` column."""
    return gpd.GeoDataFrame(
        {"name": NAMES, "households": [120, 85, 40]},
        geometry=[Point(lon, lat) for _, lon, lat in VILLAGES],
        crs="EPSG:4326",
    )


def road_frame() -> gpd.GeoDataFrame:
    """One road line named 幸福路."""
    return gpd.GeoDataFrame(
        {"name": ["幸福路"]}, geometry=[LineString(ROAD)], crs="EPSG:4326"
    )


def square_frame() -> gpd.GeoDataFrame:
    """One square polygon named 幸福村."""
    return gpd.GeoDataFrame(
        {"name": ["幸福村"]}, geometry=[Polygon(SQUARE)], crs="EPSG:4326"
    )


def write_shapefile(
    folder: Path,
    stem: str,
    frame: gpd.GeoDataFrame,
    *,
    encoding: str,
    cpg: str | None,
) -> Path:
    """Write a shapefile in ``encoding`` with ``cpg`` as its .cpg content.

    ``cpg=None`` deletes the .cpg, as many Chinese planning offices'
    files come without one. GDAL leaves the language driver byte at 0,
    so the bytes themselves must decide.
    """
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / f"{stem}.shp"
    pyogrio.write_dataframe(frame, shp, encoding=encoding)

    # the .cpg as the test wants it
    sidecar = shp.with_suffix(".cpg")
    if cpg is None:
        sidecar.unlink()
    else:
        sidecar.write_text(cpg, "ascii")
    return shp


def shapefile_members(shp: Path, prefix: str) -> dict[str, bytes]:
    """The files of a shapefile as zip members under ``prefix``."""
    return {
        f"{prefix}{part.name}": part.read_bytes()
        for part in sorted(shp.parent.glob(f"{shp.stem}.*"))
    }


def write_geopackage(path: Path) -> Path:
    """A GeoPackage with layers ``points``, ``lines`` and ``polygons``."""
    pyogrio.write_dataframe(village_frame(), path, layer="points")
    pyogrio.write_dataframe(road_frame(), path, layer="lines", append=True)
    pyogrio.write_dataframe(
        square_frame(), path, layer="polygons", append=True
    )
    return path


# --- archives ------------------------------------------------------------


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A deflated zip holding ``members`` (name to bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def write_zip_with_gbk_names(
    path: Path, members: dict[str, bytes], names: dict[str, str]
) -> Path:
    """A zip whose member names are GBK bytes without the UTF-8 flag.

    Old Chinese Windows zip tools write names this way. :mod:`zipfile`
    only writes ASCII or flagged UTF-8 names, so each member is first
    written under an ASCII placeholder of the same byte length, then the
    placeholder bytes are replaced by the GBK bytes of ``names[placeholder]``
    (the name sits in the local header and in the central directory; no
    checksum covers it).
    """
    write_zip(path, members)
    data = path.read_bytes()
    for placeholder, name in names.items():
        gbk = name.encode("gbk")
        assert len(gbk) == len(placeholder.encode("ascii"))
        data = data.replace(placeholder.encode("ascii"), gbk)
    path.write_bytes(data)
    return path


def write_zip_bomb(path: Path, *, megabytes: int = 50) -> Path:
    """One member of ``megabytes`` MiB of zeros, deflated to ~1/1000."""
    chunk = bytes(1024**2)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("layer.shp", "w") as member,
    ):
        for _ in range(megabytes):
            member.write(chunk)
    return path


# --- text formats --------------------------------------------------------


def feature(
    fid: int, name: str, geometry: dict[str, Any] | None
) -> dict[str, Any]:
    """A GeoJSON feature with an integer id and a ``name`` property."""
    return {
        "type": "Feature",
        "id": fid,
        "properties": {"name": name},
        "geometry": geometry,
    }


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def village_features() -> list[dict[str, Any]]:
    """The control points as features with ids 101, 102, 103."""
    return [
        feature(101 + i, name, point(lon, lat))
        for i, (name, lon, lat) in enumerate(VILLAGES)
    ]


def geojson_text(features: list[dict[str, Any]]) -> str:
    """A FeatureCollection, Chinese written as is (not \\u escapes)."""
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1)


def kml_point(name: str, lon: float, lat: float) -> str:
    return (
        f"<Placemark><name>{name}</name>"
        f"<Point><coordinates>{lon},{lat},0</coordinates></Point>"
        f"</Placemark>"
    )


def kml_line(name: str, coords: list[tuple[float, float]]) -> str:
    text = " ".join(f"{lon},{lat},0" for lon, lat in coords)
    return (
        f"<Placemark><name>{name}</name>"
        f"<LineString><coordinates>{text}</coordinates></LineString>"
        f"</Placemark>"
    )


def kml_text() -> str:
    """A KML document with nested folders named in Chinese.

    ``项目`` holds only sub-folders: ``村庄`` with the three villages and
    ``道路与村``, which mixes a village point and the road line. Beside
    it, ``规划范围`` holds one polygon. Every coordinate has a height of 0.
    """
    villages = "".join(kml_point(*v) for v in VILLAGES)
    mixed = kml_point(*VILLAGES[0]) + kml_line("幸福路", ROAD)
    ring = " ".join(f"{lon},{lat},0" for lon, lat in [*SQUARE, SQUARE[0]])
    area = (
        "<Placemark><name>幸福村范围</name><Polygon><outerBoundaryIs>"
        f"<LinearRing><coordinates>{ring}</coordinates></LinearRing>"
        "</outerBoundaryIs></Polygon></Placemark>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<name>规划</name>"
        "<Folder><name>项目</name>"
        f"<Folder><name>村庄</name>{villages}</Folder>"
        f"<Folder><name>道路与村</name>{mixed}</Folder>"
        "</Folder>"
        f"<Folder><name>规划范围</name>{area}</Folder>"
        "</Document></kml>\n"
    )


def csv_text(header: list[str], rows: list[list[str]], sep: str = ",") -> str:
    """CSV text with Windows line ends, as Excel saves it."""
    lines = [sep.join(header), *(sep.join(row) for row in rows)]
    return "\r\n".join(lines) + "\r\n"


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """An .xlsx workbook with one sheet per frame (openpyxl via pandas)."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path
