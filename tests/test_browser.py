"""Real-browser click-throughs: the app in headless Debian chromium.

Marked ``browser``; skipped when /usr/bin/chromium is missing (``.ci/run``
installs it). A failing test saves a screenshot to ``test-artifacts/``.
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the demo workspace, on a free loopback port."""
    ws = Workspace(tmp_path_factory.mktemp("browser") / "demo.gpkg")
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
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


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
    # every municipality is drawn, plus the uncovered settlements
    assert frame.locator("path").count() > 11  # type: ignore[attr-defined]
    assert tab.get_by_text("Download the table (CSV)").count() == 1  # type: ignore[attr-defined]


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
