"""Real-browser click-throughs: the app in headless Debian chromium.

Marked ``browser``; skipped when /usr/bin/chromium is missing (``.ci/run``
installs it). A failing test saves a screenshot to ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from gis.demo import build_demo
from gis.workspace import ENV_VAR, Workspace

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, seconds: float) -> None:
    """Poll the server until it answers (bounded; no fixed sleeps)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def _serve(folder: Path) -> Iterator[tuple[str, Path]]:
    """The app on a fresh demo workspace in ``folder``, on a free
    loopback port: its address and the workspace's path."""
    ws = Workspace(folder / "demo.gpkg")
    build_demo(ws)
    port = _free_port()
    env = os.environ | {ENV_VAR: str(ws.path), "GIS_LANG": "en"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true"],
        cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 60)
        yield f"http://127.0.0.1:{port}", ws.path
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the demo workspace, on a free loopback port."""
    with _serve(tmp_path_factory.mktemp("browser")) as (url, _):
        yield url


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh chromium page; screenshot saved when the test fails."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        yield tab
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
        browser.close()


def _map_frame(tab: object) -> object:
    return tab.frame_locator("iframe[title*='st_folium']")  # type: ignore[attr-defined]


def test_map_draws_every_village_and_a_click_opens_its_panel(
    app_url: str, page: object
) -> None:
    tab = page
    tab.goto(app_url, timeout=60_000)  # type: ignore[attr-defined]
    frame = _map_frame(tab)
    villages = frame.locator("path.vp-village")
    villages.first.wait_for(timeout=60_000)
    assert villages.count() == 11  # Liechtenstein's municipalities

    # click one village (as Leaflet sees it, whatever lies on top)
    villages.nth(0).dispatch_event("click")
    panel = tab.get_by_test_id("stTable")  # type: ignore[attr-defined]
    panel.first.wait_for(timeout=30_000)
    text = panel.first.inner_text()
    assert "km²" in text and "mu" in text and "people" in text


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_data_page_imports_a_gbk_shapefile_and_refuses_a_bad_zip(
    app_url: str, page: object, tmp_path: Path
) -> None:
    import geopandas as gpd
    import shapely

    # a GBK shapefile without .cpg, zipped, as county offices send them
    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame(
        {"村名": ["幸福村", "石门坎村"]},
        geometry=[
            shapely.box(9.50, 47.10, 9.51, 47.11),
            shapely.box(9.52, 47.10, 9.53, 47.11),
        ],
        crs="EPSG:4326",
    ).to_file(folder / "村界.shp", encoding="GBK")
    (folder / "村界.cpg").unlink()
    good = _zip(tmp_path / "villages.zip",
                {p.name: p.read_bytes() for p in folder.iterdir()})  # fmt: skip
    evil = _zip(tmp_path / "evil.zip", {"../evil.shp": b"x"})

    tab = page
    for upload, expected in ((evil, "points outside the archive folder"),
                             (good, "gb18030")):  # fmt: skip
        tab.goto(f"{app_url}/data", timeout=60_000)  # type: ignore[attr-defined]
        uploader = tab.locator("input[type=file]").first  # type: ignore[attr-defined]
        uploader.wait_for(state="attached", timeout=60_000)
        uploader.set_input_files(str(upload))
        tab.get_by_text(expected).first.wait_for(timeout=30_000)  # type: ignore[attr-defined]

    # the good file: both villages kept, then saved into a new area
    tab.get_by_text("Features kept").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert "村界" in tab.inner_text("body")  # type: ignore[attr-defined]
    tab.get_by_label("Name of the new area (e.g. a county)").fill("test county")  # type: ignore[attr-defined]
    tab.keyboard.press("Enter")  # type: ignore[attr-defined]
    tab.get_by_role("button", name="Save to the workspace").click()  # type: ignore[attr-defined]
    tab.get_by_text("Saved 2 features").wait_for(timeout=30_000)  # type: ignore[attr-defined]


def test_coverage_page_draws_the_choropleth(app_url: str, page: object) -> None:
    tab = page
    tab.goto(f"{app_url}/coverage", timeout=60_000)  # type: ignore[attr-defined]
    tab.get_by_role("button", name="Run the analysis").click()  # type: ignore[attr-defined]
    frame = _map_frame(tab)
    frame.get_by_text("0–25 %").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    # every municipality is drawn, plus the uncovered settlements (the
    # legend can come a moment before the last shapes on a busy machine)
    frame.locator("path").nth(11).wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert frame.locator("path").count() > 11  # type: ignore[attr-defined]
    download = tab.get_by_text("Download the table (CSV)")  # type: ignore[attr-defined]
    download.wait_for(timeout=30_000)
    assert download.count() == 1


@pytest.fixture(scope="module")
def records_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a demo workspace with one accepted road project."""
    from gis.records import RecordStore

    ws = Workspace(tmp_path_factory.mktemp("records") / "demo.gpkg")
    build_demo(ws)
    store = RecordStore(ws, actor="test")
    road = store.add("project", {
        "area": "liechtenstein", "village_id": "10", "section": "roads",
        "category": "road hardening", "name": "Upper road",
        "geometry_wkt": "LINESTRING (9.52 47.135, 9.53 47.14)",
    })  # fmt: skip
    store.add("status", {"project_id": road.id, "status": "approved",
                         "on_date": "2024-04-01"})  # fmt: skip
    port = _free_port()
    env = os.environ | {ENV_VAR: str(ws.path), "GIS_LANG": "en"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true"],
        cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_map_draws_projects_in_their_status_colour(
    records_url: str, page: object
) -> None:
    tab = page
    tab.goto(records_url, timeout=60_000)  # type: ignore[attr-defined]
    road = _map_frame(tab).locator("path.vp-projects.vp-status-approved")
    road.first.wait_for(timeout=60_000)
    assert road.first.get_attribute("stroke") == "#88ccee"  # approved: light cyan
    assert float(road.first.get_attribute("stroke-width")) > 5  # over roads


# the Sketch page


def _drawing_map(tab: object, timeout_s: float = 90) -> object:
    """The map frame once it is the only one and its drawing tools are up
    (a map being built again briefly shows two)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    frames = tab.locator("iframe[title*='st_folium']")  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if frames.count() == 1:
            frame = frames.element_handle().content_frame()
            ready = "!!window.drawnItems && !!document.querySelector('.leaflet-draw')"
            try:
                if frame.evaluate(ready):
                    return frame
            except sync_api.Error:
                pass  # the frame was replaced meanwhile
        tab.wait_for_timeout(250)  # type: ignore[attr-defined]
    raise TimeoutError("the sketch map did not come up")


def _click_map(tab: object, pixels: list[tuple[int, int]]) -> None:
    """Mouse clicks at pixels of the map (from its top left corner), at a
    person's pace (quicker clicks on one spot would be a double click)."""
    box = tab.locator("iframe[title*='st_folium']").bounding_box()  # type: ignore[attr-defined]
    for x, y in pixels:
        tab.mouse.click(box["x"] + x, box["y"] + y)  # type: ignore[attr-defined]
        tab.wait_for_timeout(300)  # type: ignore[attr-defined]


def _drawn(frame: object) -> dict[str, list[list[float]]]:
    """Coordinates of what the map holds, by the label's kind."""
    import json

    found = json.loads(frame.evaluate("JSON.stringify(window.drawnItems.toGeoJSON())"))  # type: ignore[attr-defined]
    return {f["geometry"]["type"]: f["geometry"]["coordinates"]
            for f in found["features"]}  # fmt: skip


def _shown(tab: object, pattern: str) -> float:
    """A number the page shows, as a float."""
    import re

    text = tab.get_by_test_id("stMain").inner_text()  # type: ignore[attr-defined]
    found = re.search(pattern, text)
    assert found, text
    return float(found[1].replace(",", ""))


@pytest.fixture(scope="module")
def sketch_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on a fresh demo workspace, and that workspace's path."""
    with _serve(tmp_path_factory.mktemp("sketch")) as served:
        yield served


def test_sketch_a_line_and_an_area_then_save_the_line_as_a_project(
    sketch_app: tuple[str, Path], page: object
) -> None:
    import shapely
    from pyproj import Geod

    from gis.records import RecordStore

    url, ws_path = sketch_app
    geod = Geod(ellps="WGS84")
    tab = page
    tab.goto(f"{url}/sketch", timeout=60_000)  # type: ignore[attr-defined]
    frame = _drawing_map(tab)

    # measure as drawn: snapping off; zoom in on Vaduz
    expect = pytest.importorskip("playwright.sync_api").expect
    tab.get_by_text("Snap line ends to roads and water lines").click()  # type: ignore[attr-defined]
    expect(tab.get_by_label("Snap tolerance (m)")).to_be_disabled()  # type: ignore[attr-defined]
    frame = _drawing_map(tab)
    frame.evaluate("window.map.setView([47.14, 9.52], 15, {animate: false})")  # type: ignore[attr-defined]

    # a line of three points, finished by clicking its last point again
    # (clear of the tool's Finish / Delete last point / Cancel bar)
    frame.locator("a.leaflet-draw-draw-polyline").click()  # type: ignore[attr-defined]
    _click_map(tab, [(140, 190), (250, 230), (290, 330), (290, 330)])
    tab.get_by_text("Line 1 · ").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    line = _drawn(_drawing_map(tab))["LineString"]
    length_m = geod.line_length(*zip(*line, strict=True))
    assert len(line) == 3
    assert _shown(tab, r"Length: ([\d,.]+) m") == pytest.approx(length_m, rel=1e-3)

    # an area of four corners, closed by clicking its first corner
    frame = _drawing_map(tab)
    frame.locator("a.leaflet-draw-draw-polygon").click()  # type: ignore[attr-defined]
    _click_map(tab, [(140, 400), (260, 400), (260, 500), (140, 500), (140, 400)])
    tab.get_by_text("Area 1 · ").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    (ring,) = _drawn(_drawing_map(tab))["Polygon"]
    lons, lats = zip(*ring, strict=True)
    area, perimeter = geod.polygon_area_perimeter(lons, lats)
    assert _shown(tab, r"Area: ([\d,.]+) m²") == pytest.approx(abs(area), rel=1e-3)
    assert _shown(tab, r"Perimeter: ([\d,.]+) m") == pytest.approx(perimeter, rel=1e-3)

    # the line, saved as a new project
    tab.get_by_text("Line 1 · ").click()  # type: ignore[attr-defined]
    tab.get_by_text("Length:").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    tab.get_by_role("button", name="Save as a new project").click()  # type: ignore[attr-defined]
    tab.get_by_text("saved as the new project").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    project_id = int(_shown(tab, r"saved as the new project #(\d+)"))

    # a reload keeps both sketches, the line marked with its project
    tab.reload()  # type: ignore[attr-defined]
    _drawing_map(tab)
    tab.get_by_text("Area 1 · ").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    tab.get_by_text("Line 1 · ").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    assert "· project #" in tab.get_by_text("Line 1 · ").inner_text()  # type: ignore[attr-defined]

    # in the records, with the line as drawn
    project = RecordStore(ws_path).get("project", project_id)
    saved = shapely.from_wkt(project["geometry_wkt"])
    assert saved.equals_exact(shapely.LineString(line), 1e-6)
    assert (project["area"], project["village_name"]) == ("liechtenstein", "Vaduz")
    assert project["unit"] == "km" and project["section"] == "roads"
    assert project["quantity"] == pytest.approx(length_m / 1000, abs=1e-3)

    # on the Map page, among the projects drawn
    tab.goto(url, timeout=60_000)  # type: ignore[attr-defined]
    _map_frame(tab).locator("path.vp-projects").first.wait_for(
        state="attached", timeout=60_000
    )
    drawn_ids = tab.locator("iframe[title*='st_folium']").element_handle(  # type: ignore[attr-defined]
    ).content_frame().evaluate(
        "Object.values(window.map._layers).filter(l => l.feature"
        " && l.feature.properties.vp_kind === 'projects')"
        ".map(l => l.feature.properties.project_id)"
    )  # fmt: skip
    assert project_id in drawn_ids
