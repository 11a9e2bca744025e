"""Shared fixtures: tiny files built in the tests, one of every shape."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gis.i18n import use_language

# control point: Guiyang, Guizhou (lon, lat), and a spot in Wangmo county
GUIYANG = (106.630, 26.647)
WANGMO = (106.091, 25.178)


@pytest.fixture(scope="session")
def demo_layers_gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo layers without the example records, built once per test
    process from the shipped data; copy it before writing to it."""
    from gis.demo import build_demo
    from gis.workspace import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("demo-layers") / "demo.gpkg")
    build_demo(workspace, records=False)
    return workspace.path


@pytest.fixture(scope="session")
def demo_gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo layers with the example programme records, as ``make
    run`` builds them; copy it before writing to it."""
    from gis.demo import build_demo
    from gis.workspace import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("demo") / "demo.gpkg")
    build_demo(workspace)
    return workspace.path


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Run every test with English messages unless it switches."""
    with use_language("en"):
        yield


WriteLayer = Callable[..., Path]


@pytest.fixture
def write_layer(tmp_path: Path) -> WriteLayer:
    """Write a layer file from geometries and attributes.

    ``write_layer("a.shp", [geoms], crs="EPSG:4545", name=[...])``; pass
    ``crs=None`` for a file without a CRS (no .prj).
    """

    def write(
        filename: str,
        geometry: list[shapely.Geometry | None],
        *,
        crs: str | None = "EPSG:4326",
        encoding: str | None = None,
        **columns: list[object],
    ) -> Path:
        path = tmp_path / filename
        frame = gpd.GeoDataFrame(columns or {"n": list(range(len(geometry)))},
                                 geometry=geometry, crs=crs)  # fmt: skip
        kwargs = {"encoding": encoding} if encoding else {}
        with warnings.catch_warnings():
            # a file without CRS is the point of crs=None
            warnings.filterwarnings("ignore", "'crs' was not provided")
            frame.to_file(path, engine="pyogrio", **kwargs)
        return path

    return write


@pytest.fixture
def shapes() -> dict[str, shapely.Geometry | None]:
    """One geometry of every shape the import must handle (lon/lat)."""
    x, y = WANGMO
    d = 0.001
    return {
        "point": shapely.Point(x, y),
        "line": shapely.LineString([(x, y), (x + d, y + d)]),
        "polygon": shapely.box(x, y, x + d, y + d),
        "multipolygon": shapely.MultiPolygon(
            [
                shapely.box(x, y, x + d, y + d),
                shapely.box(x + 2 * d, y, x + 3 * d, y + d),
            ]
        ),
        "point_z": shapely.Point(x, y, 850.0),
        "bowtie": shapely.Polygon(
            [(x, y), (x + d, y + d), (x + d, y), (x, y + d), (x, y)]
        ),
        "empty": shapely.Polygon(),
        "none": None,
    }


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test item (for failure screenshots)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
