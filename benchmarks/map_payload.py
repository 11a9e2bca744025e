"""Map payload and first paint for each demo area.

Builds the demo workspace in a temporary folder, renders each area's map
as the app does, and reports the HTML size and the time until headless
chromium has drawn the village outlines (Leaflet served from the
project's own copy, no network). Run on demand:

    .venv/bin/python benchmarks/map_payload.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis import mapview  # noqa: E402
from gis.demo import build_demo  # noqa: E402
from gis.workspace import Workspace  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
RUNS = 5


def main() -> None:
    """Print one line per demo area."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "demo.gpkg")
        build_demo(ws)
        assets = (ROOT / "static" / "leaflet").as_uri()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu",
                      "--disable-background-networking"],
            )  # fmt: skip
            for area in ws.areas():
                _measure(ws, area, assets, Path(tmp), browser)
            browser.close()


def _measure(ws: Workspace, area: str, assets: str, tmp: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """Build time, HTML size and median first paint of one area."""
    start = time.perf_counter()
    layers = mapview.load_area_layers(ws, area)
    fmap = mapview.build_map(layers, basemap="none", asset_base=assets)
    html = fmap.get_root().render()
    build_s = time.perf_counter() - start
    page_path = tmp / f"{area}.html"
    page_path.write_text(html, encoding="utf-8")

    paints = []
    for _ in range(RUNS):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        t0 = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_selector("path.vp-village", timeout=60_000)
        paints.append(time.perf_counter() - t0)
        page.close()
    size_mb = len(html.encode("utf-8")) / 1e6
    print(
        f"{area:15s} html {size_mb:5.2f} MB  build {build_s:5.2f} s  "
        f"first paint median {statistics.median(paints):5.2f} s "
        f"(min {min(paints):.2f}, max {max(paints):.2f}, {RUNS} runs)"
    )


if __name__ == "__main__":
    main()
