"""The Relocation review page, driven with Streamlit's AppTest, in both
languages; and its maps, checked as HTML.

The workspace is a tiny one built here (``tests.metric_drawing``):
hazards, a school, a clinic and a market, four settlements, and a
relocation sites layer with two candidate sites, so the page runs
without an upload or a drawing (which AppTest cannot make).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from streamlit.testing.v1 import AppTest

from gis._siting_map import constraints_map, movers_map
from gis.i18n import use_language
from gis.importer import ImportOptions, prepare_source
from gis.siting import review_sites, settlement_reach
from gis.workspace import ENV_VAR, Workspace
from tests.metric_drawing import metric_frame

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "app_pages" / "siting.py"
AREA = "testland"


def _add(ws: Workspace, kind: str, frame: gpd.GeoDataFrame, folder: Path) -> None:
    """Import a drawing into the workspace as a layer of ``kind``."""
    path = folder / f"{kind}.geojson"
    frame.drop(columns="source_id").to_file(path)
    report, prepared = prepare_source(path, ImportOptions(kind=kind))
    assert report.ok, report.error
    ws.add_layers(AREA, kind, prepared)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("sitingpage")
    ws = Workspace(folder / "ws.gpkg")
    _add(
        ws, "hazards", metric_frame([Point(-700, 100)], name=["滑坡 <i>A</i>"]), folder
    )
    _add(
        ws,
        "facilities",
        metric_frame(
            [Point(100, 1100), Point(100, -900), Point(1100, 100)],
            facility_type=["school", "clinic", "market"],
        ),
        folder,
    )
    _add(
        ws,
        "settlements",
        metric_frame(
            [Point(-800, 100), Point(-600, 300), Point(3000, 3000), Point(0, 5000)],
            name=["下寨", "上寨", "far", "farther"],
            population=[60, 40, 500, 80],
        ),
        folder,
    )
    _add(
        ws,
        "relocation_sites",
        metric_frame(
            [box(0, 0, 200, 200), box(-500, 0, -300, 200)], name=["新村", "河边"]
        ),
        folder,
    )
    return ws


def _app(lang: str, tmp_path: Path) -> AppTest:
    """The page alone, in ``lang``."""
    script = tmp_path / f"page_{lang}.py"
    script.write_text(
        textwrap.dedent(f"""
        import runpy, sys
        sys.path.insert(0, {str(ROOT)!r})
        from gis.i18n import set_language
        set_language({lang!r})
        runpy.run_path({str(PAGE)!r}, run_name="__main__")
    """)
    )
    return AppTest.from_file(str(script), default_timeout=60)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "zh",
            ("易地搬迁选址评审", "已评估条件全部通过", "与灾害点的避让距离", "未评估"),
        ),
        (
            "en",
            (
                "Relocation review",
                "passes all assessed",
                "Hazard clearance",
                "not assessed",
            ),
        ),
    ],
)
def test_page_reviews_the_sites(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    words: tuple[str, ...],
) -> None:
    monkeypatch.setenv(ENV_VAR, str(workspace.path))
    with use_language(lang):
        _drive(_app(lang, tmp_path), words)


def _drive(at: AppTest, words: tuple[str, ...]) -> None:
    """Run the page: rule, review, sheets."""
    at.run()
    assert not at.exception
    assert at.header[0].value == words[0]
    assert at.button(key="siting_run").disabled is False

    # the rule: settlements within 400 m of the hazard (下寨 and 上寨)
    at.number_input(key="siting_rule_hazard_m").set_value(400.0)
    at.button[0].click().run()
    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["2", "100"]

    # the review: ranking, reasons, criteria by site, one site's criteria
    at.button(key="siting_run").click().run()
    assert not at.exception
    ranking = at.dataframe[0].value
    assert list(ranking.iloc[:, 1]) == ["新村", "河边"]
    assert words[1] in ranking.iloc[0, 2]
    assert any(m.value.startswith("1. **新村**") for m in at.markdown)
    by_site = at.table[0].value
    assert list(by_site.columns[2:]) == ["新村", "河边"]
    criteria = at.table[1].value
    assert words[2] in list(criteria.iloc[:, 0])
    assert any(words[3] in str(v) for v in criteria.iloc[:, 3])

    # the sheets, drawn on request (once: they are slow to draw)
    if words[0] != "易地搬迁选址评审":
        return
    at.button(key="siting_make_sheets").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert len(labels) == 4


def test_constraints_map_escapes_names_and_colours_sites(workspace: Workspace) -> None:
    reach = settlement_reach(workspace, AREA)
    movers = reach[reach["hazard_m"] <= 400]
    sites = workspace.read(AREA, "relocation_sites")
    review = review_sites(workspace, AREA, sites, movers=movers)
    page = constraints_map(review).get_root().render()
    assert "vp-siting-hazard" in page and "vp-siting-mover" in page
    # the recorded hazards themselves, not only their clearance rings
    hazards = review.constraints["hazards"]
    assert len(hazards) == len(review.constraints["hazard"]) >= 1
    assert set(hazards.geom_type) == {"Point"}
    # each hazard: its clearance ring and its own marker
    assert page.count('"className": "vp-siting-hazard"') == 2 * len(hazards)
    # escaped as HTML, then as JSON ("&" is \u0026)
    assert "<i>A</i>" not in page and "\\u0026lt;i\\u0026gt;A" in page
    assert "#117733" in page and "#aa3377" in page  # one passes, one fails
    picked = movers_map(reach, list(movers["source_id"]), None).get_root().render()
    assert picked.count("vp-siting-chosen") >= 1
