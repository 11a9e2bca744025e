"""The briefing files: PNG and PDF maps, the atlas, the noticeboards, the
HTML map, the CJK font and the command line.

All made from the hand-worked programme of tests/test_briefing.py as of
2025-07-01 (幸福村 80 % complete, 250,000 of 400,000 yuan spent).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import errno
import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pypdf
import pytest
from fontTools.ttLib import TTCollection, TTFont
from matplotlib import patheffects
from PIL import Image

from gis import _cli_brief, briefing, fonts
from gis._brief_html import (
    progress_html,
    project_noticeboard_html,
    village_noticeboard_html,
)
from gis._brief_pdf import (
    BOARD,
    BOARD_SCALES,
    atlas_pdf,
    page_count,
    project_noticeboard_pdf,
    village_noticeboard_pdf,
)
from gis._brief_render import (
    drawing,
    figure_bytes,
    new_figure,
    nice_length,
    progress_image,
    wrap_lines,
)
from gis._brief_text import complaint_text, quantity, summary_lines
from gis._cli_brief import add_commands
from gis.errors import InputError
from gis.i18n import use_language
from gis.workspace import Workspace
from tests.records_fixtures import AREA, HAPPY, SHANGHAI, STONE
from tests.test_briefing import build_programme

try:  # a fresh machine without root may lack one: say so, do not fail
    fonts.cjk_font()
except fonts.FontMissingError as missing:
    pytest.skip(str(missing), allow_module_level=True)

DAY = dt.date(2025, 7, 1)
# legend colours (hex) that no village or project of the map has on DAY:
# completion classes 0 %, 0–25 %, 25–50 %, 50–75 %, 100 % and the
# statuses planned, approved, under construction, completed
UNUSED_LEGEND_COLOURS = (
    "#feebe2",
    "#fcc5c0",
    "#fa9fb5",
    "#f768a1",
    "#ae017e",
    "#999999",
    "#88ccee",
    "#ddaa33",
    "#117733",
)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(build_programme(tmp_path_factory.mktemp("out") / "ws.gpkg"))


@pytest.fixture(scope="module")
def chinese() -> Iterator[None]:
    with use_language("zh"):
        yield


@pytest.fixture(scope="module")
def progress(ws: Workspace, chinese: None) -> briefing.Progress:
    return briefing.progress(ws, AREA, as_of=DAY, tz=SHANGHAI)


@pytest.fixture(scope="module")
def sheets(ws: Workspace, chinese: None) -> list[briefing.VillageSheet]:
    return briefing.village_sheets(ws, AREA, as_of=DAY, tz=SHANGHAI)


@pytest.fixture(scope="module")
def drawn(
    progress: briefing.Progress, sheets: list[briefing.VillageSheet]
) -> tuple[bytes, list[tuple[int, int, str]]]:
    """The atlas, and the calls its progress callback received."""
    seen: list[tuple[int, int, str]] = []
    with use_language("zh"):
        pdf = atlas_pdf(progress, sheets, on_page=lambda *a: seen.append(a))
    return pdf, seen


@pytest.fixture(scope="module")
def atlas(drawn: tuple[bytes, list[tuple[int, int, str]]]) -> bytes:
    return drawn[0]


def _text(pdf: bytes) -> list[str]:
    """The extracted text of each page, spaces removed."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return [re.sub(r"\s+", "", page.extract_text()) for page in pages]


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


# the progress map


def test_png_is_a_drawn_a4_page_with_the_legend(progress: briefing.Progress) -> None:
    with use_language("zh"):
        png = progress_image(progress, fmt="png", dpi=100)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    # A4 landscape at 100 dpi, mostly white but not blank
    assert image.shape[:2] == (827, 1169)
    white = (image == 255).all(axis=2).mean()
    assert 0.3 < white < 0.97
    colours = {tuple(c) for c in image.reshape(-1, 3)[::7]}
    assert len(colours) > 50

    # every legend swatch: colours only the legend can have put there
    pixels = {tuple(c) for c in image.reshape(-1, 3)}
    for colour in UNUSED_LEGEND_COLOURS:
        assert _hex(colour) in pixels, colour

    # 幸福村 at 80 % is drawn in the 75–100 % class colour, widely
    share = (image == _hex("#dd3497")).all(axis=2).mean()
    assert share > 0.05


def _ink_columns(effect: bool) -> tuple[int, int]:
    """First and last column with ink of the map title drawn as a raster
    text (``effect`` False) or as the stroke under it (True)."""
    with drawing():
        fig = new_figure((7, 0.6))
        title = "整村推进进度图：印度锡金邦（人口普查村界、PMGSY）"
        effects = [patheffects.Stroke(linewidth=0.7, foreground="black")]
        fig.text(
            0.02, 0.5, title, fontsize=17, path_effects=effects if effect else None
        )
        png = figure_bytes(fig, "png")
    ink = (np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 128).any(axis=0)
    columns = np.flatnonzero(ink)
    return int(columns[0]), int(columns[-1])


def test_png_title_and_its_stroke_line_up() -> None:
    # the heavy title is a text over its stroke: both must cover the same
    # columns (hinted raster glyphs ran ~20 px short at 150 dpi, so the
    # title showed twice, shifted)
    (text_left, text_right), (stroke_left, stroke_right) = (
        _ink_columns(False),
        _ink_columns(True),
    )
    assert abs(text_left - stroke_left) <= 2
    assert abs(text_right - stroke_right) <= 2


def test_pdf_map_has_its_title_legend_and_date(progress: briefing.Progress) -> None:
    with use_language("zh"):
        pdf = progress_image(progress, fmt="pdf")
    (text,) = _text(pdf)
    for expected in (
        "整村推进进度图",
        "幸福村",
        "石门坎村",
        "规划完成度",
        "75–100%",
        "已验收",
        "北",
        "数据截至2025-07-01",
        "来源",
        "EPSG:4544",
        "400,000.00元",
        "250,000.00元",
    ):
        assert expected in text, expected


def test_legends_say_how_the_measure_is_computed(ws: Workspace) -> None:
    with use_language("zh"):
        texts = {}
        for measure in ("quantities", "spending"):
            found = briefing.progress(ws, AREA, as_of=DAY, measure=measure, tz=SHANGHAI)
            texts[measure] = _text(progress_image(found, fmt="pdf"))[0]
    assert "已验收任务量占各目标在基线之上应增加量的比例" in texts["quantities"]
    assert "预算支出占比：已支出资金占项目预算比例" in texts["spending"]
    assert "平均预算支出占比：6" in texts["spending"]  # 250,000 / 400,000
    assert "完成度" not in texts["spending"]


def test_scale_bar_lengths() -> None:
    assert nice_length(2_600) == 2_000
    assert nice_length(740) == 500
    assert nice_length(1_000) == 1_000
    assert nice_length(13_000) == 10_000


# the atlas


def test_atlas_has_a_map_page_then_a_page_per_village(atlas: bytes) -> None:
    assert page_count(atlas) == 3
    overview, happy, stone = _text(atlas)
    assert "整村推进进度图：望谟" in overview and "第1页，共3页" in overview
    for expected in (
        "幸福村·望谟",
        "第2页，共3页",
        "硬化路",
        "2公里",
        "1.2公里",
        "60%",
        "基数",  # the baseline column
        "40户",
        "50户",
        "100%",
        "通组路硬化",
        "300,000.00元",
        "250,000.00元",
        "县级财政扶贫资金",
        "资金规则检查",
        "未经合格检查即验收",
    ):
        assert expected in happy, expected
    assert "石门坎村·望谟" in stone and "暂无记录" in stone


def test_atlas_names_projects_off_the_map_and_reported_progress(
    ws: Workspace, tmp_path: Path
) -> None:
    from gis.records import RecordStore
    from tests.records_fixtures import project_values

    copy = Workspace(tmp_path / "ws.gpkg")
    shutil.copyfile(ws.path, copy.path)
    store = RecordStore(copy)
    store.add("project", project_values(name="未定位水窖", progress_pct=40))
    plan = next(p for p in store.snapshot().of("plan") if p["village_id"] == HAPPY)
    store.add("target", {"plan_id": plan["id"], "section": "income",
                         "measure": "合作社入社户", "unit": "户",
                         "target_value": 80, "baseline_value": 20})  # fmt: skip
    with use_language("zh"):
        sheets = briefing.village_sheets(copy, AREA, village_ids=[HAPPY])
        progress = briefing.progress(copy, AREA)
        pdf = atlas_pdf(progress, sheets)
    happy = _text(pdf)[1]
    assert "进度" in happy and "未定位水窖" in happy and "40%" in happy
    # numbered after the two located projects, and said to be off the map
    assert "项目3尚无位置，未在地图上显示" in happy
    # a target with a baseline: shown, and how its share is counted
    assert "合作社入社户20户80户0户0%" in happy
    assert "完成比例：已验收项目新增量占目标较基数新增量的比例" in happy


def test_atlas_reports_each_village(
    drawn: tuple[bytes, list[tuple[int, int, str]]],
) -> None:
    assert drawn[1] == [(1, 2, "幸福村"), (2, 2, "石门坎村")]


def test_pdf_embeds_only_the_cjk_font(atlas: bytes) -> None:
    # every font of every page is embedded and is the CJK font itself
    # (a missing glyph would bring in a fallback font), and that font
    # has glyphs for the names printed: no box replaces a character
    font = fonts.cjk_font()
    postscript = _postscript_name(font)
    reader = pypdf.PdfReader(io.BytesIO(atlas))
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            base = ref.get_object()
            for descendant in base.get("/DescendantFonts", [base]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
            names.add(str(base["/BaseFont"]).split("+", 1)[-1])
    assert names == {postscript}
    cmap = _face(font).getBestCmap()
    assert all(ord(c) in cmap for c in "幸福村石门坎村整村推进进度图")


def _face(font: fonts.CjkFont) -> TTFont:
    if font.path.suffix.lower() == ".ttc":
        return TTCollection(str(font.path)).fonts[font.index]
    return TTFont(str(font.path))


def _postscript_name(font: fonts.CjkFont) -> str:
    return str(_face(font)["name"].getDebugName(6))


def test_missing_font_fails_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(fonts, "_known_files", list)
    monkeypatch.setattr(fonts, "_matplotlib_fonts", list)
    fonts._find_and_register.cache_clear()
    try:
        with pytest.raises(fonts.FontMissingError, match="fonts-wqy-microhei"):
            fonts.cjk_font()
        missing = "/nowhere/font.ttf"
        monkeypatch.setenv(fonts.ENV_VAR, missing)
        with pytest.raises(fonts.FontMissingError, match=re.escape(missing)):
            fonts.cjk_font()
    finally:
        fonts._find_and_register.cache_clear()


NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not NOTO.exists(), reason="needs Debian's fonts-noto-cjk")
def test_collections_give_their_simplified_chinese_face(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the collection's first face is Japanese; Chinese text wants the SC face
    found = fonts._inspect(NOTO)
    assert found is not None
    assert (found.family, found.index, found.truetype) == ("Noto Sans CJK SC", 2, False)

    # a configured font is used even when a TrueType one is installed
    monkeypatch.setenv(fonts.ENV_VAR, str(NOTO))
    fonts._find_and_register.cache_clear()
    try:
        assert fonts.cjk_font().family == "Noto Sans CJK SC"
    finally:
        fonts._find_and_register.cache_clear()


def test_chinese_wraps_anywhere_latin_at_spaces() -> None:
    assert wrap_lines("整村推进进度图", 6) == ["整村推", "进进度", "图"]
    assert wrap_lines("plan completion by quantity", 12) == [
        "plan",
        "completion",
        "by quantity",
    ]


# the noticeboards


def test_village_noticeboard_pdf(sheets: list[briefing.VillageSheet]) -> None:
    with use_language("zh"):
        pdf = village_noticeboard_pdf(sheets[0], today=dt.date(2025, 7, 2))
    assert page_count(pdf) == 1
    (text,) = _text(pdf)
    for expected in (
        "幸福村整村推进公示",
        "2025—2027年",
        "联系领导：王县长（副县长）",
        "驻村干部：李驻村（县农业局）",
        "帮扶单位：县农业局",
        "县级财政扶贫资金",
        "300,000.00元",
        "通组路硬化",
        "1.2公里",
        "50户",
        "监督举报",
        "0859-1234567",
        "公示日期：2025-07-02",
    ):
        assert expected in text, expected
    with use_language("en"):
        english = _text(village_noticeboard_pdf(sheets[0]))[0]
    assert "Whole-villageprogrammenotice:幸福村" in english
    assert "Linkedleader:王县长(副县长)" in english


def test_board_cells_are_not_cut(sheets: list[briefing.VillageSheet]) -> None:
    # a long name, a long unit and status, a project not yet finished
    work = {
        **sheets[0].works[0],
        "name": "Temi tea-processing cooperative of the upper valley",
        "quantity": 48,
        "unit": "households",
        "status": "under_construction",
        "actual_start": dt.date(2025, 4, 1),
        "actual_end": None,
        "planned_end": None,
    }
    sheet = dataclasses.replace(sheets[0], works=[work])
    for lang, expected in (
        ("en", ("cooperativeoftheuppervalley", "48households", "Underconstruction")),
        ("zh", ("cooperativeoftheuppervalley", "48户", "建设年度", "2025年起")),
    ):
        with use_language(lang):
            (text,) = _text(village_noticeboard_pdf(sheet))
        assert "…" not in text and "–—" not in text
        for part in expected:
            assert part in text, (lang, part)
    with use_language("en"):
        assert "from2025" in _text(village_noticeboard_pdf(sheet))[0]


def test_a_long_board_runs_on_in_readable_type(
    sheets: list[briefing.VillageSheet],
) -> None:
    # twenty works do not fit one A3 sheet even at 80 % type: the board
    # takes a second sheet, its body text stays 16 pt, and the heading
    # of the last section is not left alone at the foot of a sheet
    works = [{**sheets[0].works[0], "name": f"工程 {n}"} for n in range(20)]
    sheet = dataclasses.replace(sheets[0], works=works)
    with use_language("zh"):
        pdf = village_noticeboard_pdf(sheet)
    assert page_count(pdf) == 2
    first, second = _text(pdf)
    assert "监督举报" in second and "12317" in second
    assert not first.rstrip().endswith("监督举报")
    sizes = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=lambda t, cm, tm, font, size: sizes.add(
            round(size * tm[0], 1)) if t.strip() else None)  # fmt: skip
    assert min(sizes) >= BOARD.small * BOARD_SCALES[-1] - 0.1
    assert BOARD.body * BOARD_SCALES[-1] == 16


def test_complaints_go_to_the_cadre_only_when_there_is_one() -> None:
    helps = {"cadre_name": "李驻村", "phone": "0859-1234567"}
    with use_language("zh"):
        text = complaint_text(helps)
        assert "请向驻村干部（电话 0859-1234567）、村委会" in text
        assert "12317 扶贫监督举报电话" in text
        nobody = complaint_text({"phone": "0859-1234567"})
        assert "驻村干部" not in nobody
        assert "请向村委会（电话 0859-1234567）或县纪检监察部门" in nobody
        assert "12317 扶贫监督举报电话" in nobody
        assert "驻村干部" not in complaint_text(None)


def test_record_units_are_translated() -> None:
    with use_language("zh"):
        assert quantity(40, "households") == "40户"
        assert quantity(3, "facilities") == "3处"
        assert quantity(1.2, "km") == "1.2公里"
        assert quantity(2500, "yuan/person") == "2,500元/人"
        assert quantity(120, "mu") == "120亩"
        assert quantity(7, "people") == "7人"
        assert quantity(5, "boxes") == "5 boxes"  # unknown: as written
    with use_language("en"):
        assert quantity(1, "facilities") == "1 facility"
        assert quantity(2, "facilities") == "2 facilities"
        assert quantity(50, "户") == "50 households"


def test_a_project_notice_before_the_project_was_entered_says_when(
    ws: Workspace,
) -> None:
    # project 1 was entered on 2025-03-02 (Shanghai time)
    with use_language("en"), pytest.raises(InputError) as caught:
        briefing.project_sheet(ws, 1, as_of=dt.date(2025, 3, 1), tz=SHANGHAI)
    assert str(caught.value) == (
        "Project 1 was not yet in the records on 2025-03-01: it was entered on "
        "2025-03-02. Choose that day or a later one."
    )
    with use_language("en"), pytest.raises(InputError, match="no project 999"):
        briefing.project_sheet(ws, 999, as_of=dt.date(2025, 3, 1), tz=SHANGHAI)


def test_project_noticeboards_before_and_after(ws: Workspace) -> None:
    before = briefing.project_sheet(ws, 1, as_of=dt.date(2025, 6, 19), tz=SHANGHAI)
    after = briefing.project_sheet(ws, 1, as_of=DAY, tz=SHANGHAI)
    with use_language("zh"):
        texts = [_text(project_noticeboard_pdf(s))[0] for s in (before, after)]
    assert "项目实施前公告" in texts[0] and "验收人" not in texts[0]
    assert "项目竣工验收公告" in texts[1]
    assert "验收：2025-06-15，验收人：县验收组" in texts[1]
    assert "计划开工与完工：2025-04-01至2025-06-30" in texts[1]


def test_noticeboard_html_escapes_the_data(sheets: list[briefing.VillageSheet]) -> None:
    with use_language("zh"):
        page = village_noticeboard_html(
            sheets[0], complaint="<script>alert(1)</script>"
        )
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;饮水工程" in page
    assert "<script" not in page and "&lt;script&gt;alert(1)" in page
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh-Hans"' in page
    assert "300,000.00 元" in page and "王县长" in page
    # the red band prints even when the browser leaves out backgrounds
    # (checked by printing with chromium: the band keeps #a31d24)
    assert "header.band, th, tr:nth-child(even) td { -webkit-print-color-adjust" in page


def test_project_noticeboard_html(ws: Workspace) -> None:
    sheet = briefing.project_sheet(ws, 2, as_of=DAY, tz=SHANGHAI)
    with use_language("en"):
        page = project_noticeboard_html(sheet)
    assert "Project completion and acceptance notice" in page
    assert "&lt;b&gt;x&lt;/b&gt;饮水工程" in page and "<b>x</b>" not in page


# the interactive map


def test_html_map_is_self_contained_and_escaped(progress: briefing.Progress) -> None:
    with use_language("zh"):
        page = progress_html(progress)
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "L.map(" in page and "vp-progress" in page and "vp-projects" in page
    assert "data:image/png;base64," in page  # leaflet's icons inline
    assert "<b>x</b>" not in page
    for text in ("幸福村", "75–100 %", "整村推进进度图", "数据截至 2025-07-01"):
        # as written, or escaped as JSON writes it
        assert text in page or json.dumps(text)[1:-1] in page, text
    # the figures the PNG and PDF quote are on the HTML map too
    with use_language("zh"):
        figures = summary_lines(progress)
    assert len(figures) == 6 and "400,000.00 元" in " ".join(figures)
    for line in figures:
        escaped = html.escape(line)
        assert escaped in page or json.dumps(escaped)[1:-1] in page, line


# the command line


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.run(args))


def test_cli_writes_every_format(
    ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "ws.gpkg"
    shutil.copyfile(ws.path, copy)
    common = ("--workspace", str(copy))
    for name in ("map.png", "map.pdf", "map.html"):
        out = tmp_path / name
        assert (
            _run(
                "brief",
                *common,
                "--area",
                AREA,
                "--date",
                "2025-07-01",
                "--measure",
                "spending",
                "--out",
                str(out),
            )
            == 0
        )
        assert out.stat().st_size > 10_000
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _run("atlas", *common, "--area", AREA, "--out", str(tmp_path / "a.pdf")) == 0
    assert page_count((tmp_path / "a.pdf").read_bytes()) == 3
    assert (
        _run(
            "noticeboard",
            *common,
            "--village",
            HAPPY,
            "--out",
            str(tmp_path / "n.html"),
        )
        == 0
    )
    assert "王县长" in (tmp_path / "n.html").read_text("utf-8")
    assert (
        _run(
            "noticeboard",
            *common,
            "--village",
            HAPPY,
            "--project",
            "1",
            "--out",
            str(tmp_path / "p.pdf"),
        )
        == 0
    )
    assert "a.pdf" in capsys.readouterr().out


def test_a_notice_for_a_past_day_is_the_same_whenever_it_is_made(
    ws: Workspace, tmp_path: Path
) -> None:
    common = ("--workspace", str(ws.path), "--village", HAPPY, "--date",
              "2025-07-01", "--published", "2025-07-02")  # fmt: skip
    for name in ("a.html", "b.html"):
        with use_language("zh"):
            assert _run("noticeboard", *common, "--out", str(tmp_path / name)) == 0
    first = (tmp_path / "a.html").read_text("utf-8")
    assert "公示日期：2025-07-02" in first
    assert first == (tmp_path / "b.html").read_text("utf-8")


@pytest.mark.parametrize(
    "argv",
    [
        ("brief", "--area", AREA, "--out", "map.svg"),
        ("brief", "--area", AREA, "--date", "1.7.2025", "--out", "map.png"),
        ("brief", "--area", "nowhere", "--out", "map.png"),
        ("atlas", "--area", AREA, "--out", "atlas.png"),
        ("noticeboard", "--village", "404", "--out", "n.pdf"),
        ("noticeboard", "--village", STONE, "--project", "1", "--out", "n.pdf"),
        ("noticeboard", "--village", HAPPY, "--date", "2025-07-01", "--published",
         "2025-06-30", "--out", "n.pdf"),
        ("noticeboard", "--village", HAPPY, "--published", "July", "--out", "n.pdf"),
    ],
)
def test_cli_refuses_bad_input(
    ws: Workspace, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    out = tmp_path / argv[-1]
    args = [*argv[:-1], str(out), "--workspace", str(ws.path)]
    with pytest.raises(InputError):
        _run(*args)
    assert not out.exists()


def test_a_failed_write_keeps_the_earlier_file(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the disk fills half-way through the new file
    def half_then_full(path: Path, data: str | bytes) -> None:
        path.write_bytes(data[: len(data) // 2] if isinstance(data, bytes) else b"x")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_cli_brief, "_write", half_then_full)
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("report.pdf", "map.png", "map.html"):
        (folder / name).write_bytes(b"the earlier file")
        with pytest.raises(InputError, match=f"{name}.*disk is full"):
            _run(
                "brief",
                "--workspace",
                str(ws.path),
                "--area",
                AREA,
                "--out",
                str(folder / name),
            )
        assert (folder / name).read_bytes() == b"the earlier file"
    assert sorted(p.name for p in folder.iterdir()) == [
        "map.html",
        "map.png",
        "report.pdf",
    ]


def test_an_unwritable_folder_is_refused_before_drawing(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[int] = []
    monkeypatch.setattr(
        _cli_brief.briefing, "village_sheets", lambda *a, **k: drawn.append(1)
    )
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = blocker / "atlas.pdf"
    message = f"Cannot write {out}: .*--out.*Nothing was written"
    with pytest.raises(InputError, match=message) as refused:
        _run("atlas", "--workspace", str(ws.path), "--area", AREA, "--out", str(out))
    assert drawn == []
    assert "Errno" not in str(refused.value)
    assert "--workspace" not in str(refused.value)


def test_a_map_dated_before_any_record_warns(
    ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the first record was entered on 2025-03-01
    out = tmp_path / "map.html"
    common = ("brief", "--workspace", str(ws.path), "--area", AREA, "--out", str(out))
    assert _run(*common, "--date", "2025-02-28") == 0
    assert "nothing was recorded in the programme by 2025-02-28" in (
        capsys.readouterr().err
    )
    assert _run(*common, "--date", "2025-03-01") == 0
    assert capsys.readouterr().err == ""
