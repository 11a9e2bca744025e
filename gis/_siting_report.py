"""Siting plumbing: the review sheets, as HTML and as PDF.

Both hold the same things in the current language (Chinese or
English): the comparison (who moves, the ranking with its reasons, a
criteria-by-site matrix, the constraints map, the thresholds and the
notes), then one sheet per site (its criteria with measured value,
threshold, result and note, and a map of the site). Either can be
limited to one site. The HTML is one self-contained file (maps as
inline PNG) with every text from the data escaped; the PDF is drawn
with matplotlib, its CJK font embedded as TrueType (``pdf.fonttype``
42, :mod:`gis.fonts`), so it prints the same anywhere, offline.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from pyproj import CRS

from gis._brief_render import (
    A4_PORTRAIT,
    INK,
    MUTED,
    draw_north_arrow,
    draw_scale_bar,
    drawing,
    fit_extent,
    fit_lines,
    frame,
    new_figure,
)
from gis._siting_map import (
    CONSTRAINT_STYLE,
    HAZARD_COLOUR,
    MOVER_COLOUR,
    VERDICT_COLOUR,
)
from gis._siting_measure import CRITERIA, Criterion
from gis._siting_rank import label, quantity, threshold_text, value_text
from gis.areas import area_title
from gis.i18n import language, t
from gis.siting import SitingReview

RESULT_FILL = {"pass": "#d9f0d3", "fail": "#f4d3e6", "not_assessed": "#eeeeee"}
POINTS_PER_INCH = 72.0
MARGIN_IN = 0.6
BODY, SMALL, HEADING, TITLE = 8.0, 6.8, 11.0, 16.0
# sites side by side in the comparison matrix of one PDF page
MATRIX_SITES = 4
# a site map shows this much ground around the site at least, metres
SITE_MAP_AROUND_M = 400.0
OVERVIEW_AROUND_M = 800.0
MAP_HEIGHT_IN = 4.6
RANKING_COLUMNS = (
    "rank", "site", "verdict", "fails", "not_assessed", "margin", "reason",
)  # fmt: skip
CRITERIA_COLUMNS = ("criterion", "value", "threshold", "result", "note")


# rows both formats share


def criterion_of(row: pd.Series) -> Criterion:
    """A criteria row back as a :class:`Criterion` (for its texts)."""
    extra = {
        str(k)[6:]: float(v)
        for k, v in row.items()
        if str(k).startswith("extra_")
        and isinstance(v, int | float)
        and math.isfinite(v)
    }
    return Criterion(
        str(row["criterion"]),
        float(row["value"]),
        float(row["threshold"]),
        row["result"],
        str(row["note"]),
        extra,
    )


def result_text(c: Criterion) -> str:
    """ "pass", "fail" or "not assessed: <why>"."""
    if c.result == "not_assessed":
        return t("siting.not_assessed_why", why=c.note)
    return t(f"siting.result_{c.result}")


def criteria_rows(
    review: SitingReview, site_id: str
) -> list[tuple[Criterion, list[str]]]:
    """One site's criteria: (criterion, [label, measured, threshold,
    result, note]); a criterion not assessed has its reason as note."""
    rows = []
    for _, row in review.of_site(site_id).iterrows():
        c = criterion_of(row)
        result = t(f"siting.result_{c.result}")
        rows.append(
            (c, [label(c.key), value_text(c), threshold_text(c), result, c.note])
        )
    return rows


def ranking_rows(review: SitingReview) -> list[list[str]]:
    """Rank, site, verdict, failures, not assessed, margin, reason."""
    return [
        [
            str(int(r["rank"])),
            str(r["name"]),
            t(f"siting.verdict_{r['verdict']}"),
            str(int(r["fails"])),
            str(int(r["not_assessed"])),
            f"{r['margin']:+.2f}",
            str(r["reason"]),
        ]
        for _, r in review.ranked().iterrows()
    ]


def matrix(
    review: SitingReview, site_ids: Sequence[str]
) -> list[list[tuple[str, str]]]:
    """Criteria by site: per criterion [(label, ""), (threshold, ""),
    then (value, result) of each site]."""
    rows = []
    for key in CRITERIA:
        found = review.criteria[review.criteria["criterion"] == key]
        by_site = {str(r["site_id"]): criterion_of(r) for _, r in found.iterrows()}
        first = by_site[str(site_ids[0])]
        thresh = (
            threshold_text(first)
            if key != "capacity"
            else "≥ " + t("siting.needed_area")
        )
        cells = [(label(key), ""), (thresh, "")]
        for sid in site_ids:
            c = by_site[str(sid)]
            shown = (
                value_text(c)
                if c.result != "not_assessed"
                else t("siting.result_not_assessed")
            )
            cells.append((shown, c.result))
        rows.append(cells)
    return rows


def summary_lines(review: SitingReview) -> list[str]:
    """Area, date, who moves, elevation data, CRS."""
    households = (
        f"{review.households:,.0f}" if math.isfinite(review.households) else "—"
    )
    lines = [
        t("siting.sheet_area", area=area_title(review.area) or "—"),
        t("siting.sheet_date", date=review.computed_at.replace("T", " ")),
        t(
            "siting.sheet_movers",
            n=len(review.movers),
            people=f"{review.people:,.0f}",
            households=households,
        ),
    ]
    if review.dem:
        lines.append(
            t("siting.sheet_dem", dem=review.dem.rsplit("/", 1)[-1], crs=review.dem_crs)
        )
    else:
        lines.append(t("siting.sheet_no_dem"))
    return lines


def threshold_lines(review: SitingReview) -> list[str]:
    """The settings used, in words."""
    s = review.profile.siting
    first = str(review.sites["site_id"].iloc[0])
    parts = [
        f"{label(c.key)} {threshold_text(c)}"
        for c, _ in criteria_rows(review, first)
        if c.key != "capacity"
    ]
    return [
        "; ".join(parts) + ".",
        t(
            "siting.sheet_capacity_rule",
            m2=f"{s.housing_m2_per_person:g}",
            share=f"{s.public_share * 100:g} %",
            per=f"{s.needed_m2_per_person:g}",
        ),
        t(
            "siting.sheet_reach_rule",
            farmland=f"{s.farmland_m:,.0f}",
            radius=f"{s.point_site_radius_m:,.0f}",
            share=f"{s.max_no_data_share * 100:g} %",
        ),
        t("siting.sheet_rank_rule"),
    ]


def site_facts(review: SitingReview, row: pd.Series) -> str:
    """Shape, village, area and usable area of one site."""
    area = row["area_m2"]
    parts = [t(f"siting.shape_{row['shape']}")]
    if isinstance(row["village"], str) and row["village"]:
        parts.append(t("siting.sheet_village", village=row["village"]))
    if isinstance(area, float) and math.isfinite(area):
        parts.append(t("siting.sheet_site_area", area=quantity(area, "m2")))
    usable = row["usable_m2"]
    if isinstance(usable, float) and math.isfinite(usable):
        parts.append(t("siting.sheet_usable", area=quantity(usable, "m2")))
    near, far = row["movers_nearest_m"], row["movers_farthest_m"]
    if isinstance(near, float) and math.isfinite(near):
        parts.append(t("siting.sheet_moves", near=quantity(near, "m"),
                       far=quantity(far, "m")))  # fmt: skip
    return " · ".join(parts)


# the map, drawn with matplotlib in the review's metric CRS


def draw_map(ax: Axes, review: SitingReview, focus: str | None = None) -> None:
    """Constraints, movers and sites; zoomed to one site when ``focus``
    names its id, else to every site and mover."""
    crs = CRS.from_user_input(review.crs)
    sites = review.sites.to_crs(crs)
    for name, (stroke, fill, opacity) in CONSTRAINT_STYLE.items():
        shapes = review.constraints[name]
        if not shapes.empty:
            shapes.to_crs(crs).plot(
                ax=ax,
                facecolor=fill,
                edgecolor=stroke,
                alpha=opacity + 0.1,
                linewidth=0.5,
                zorder=2,
            )
    hazards = review.constraints.get("hazards")
    if hazards is not None and not hazards.empty:
        points = hazards.to_crs(crs).representative_point()
        points.plot(ax=ax, color=HAZARD_COLOUR, markersize=16, marker="^",
                    edgecolor=INK, linewidth=0.5, zorder=3)  # fmt: skip
    if not review.movers.empty:
        review.movers.to_crs(crs).plot(
            ax=ax,
            color=MOVER_COLOUR,
            markersize=18,
            edgecolor=INK,
            linewidth=0.5,
            zorder=5,
        )
    _draw_sites(ax, sites)
    fit_extent(ax, _extent(review, sites, focus, crs), margin=0.08)
    frame(ax)
    draw_scale_bar(ax)
    draw_north_arrow(ax, crs)
    _map_legend(ax)


def _draw_sites(ax: Axes, sites: gpd.GeoDataFrame) -> None:
    """Sites coloured by verdict (failing ones dashed), rank on each."""
    for _, row in sites.iterrows():
        colour = VERDICT_COLOUR[str(row["verdict"])]
        shape = row.geometry
        if shape.geom_type in ("Point", "MultiPoint"):
            ax.scatter(
                [shape.centroid.x],
                [shape.centroid.y],
                s=160,
                facecolor="white",
                edgecolor=colour,
                linewidth=2.5,
                zorder=6,
            )
        else:
            style = "--" if row["verdict"] == "fail" else "-"
            gpd.GeoSeries([shape]).boundary.plot(
                ax=ax, color=colour, linewidth=2, linestyle=style, zorder=6
            )
        centre = shape.representative_point()
        ax.text(
            centre.x,
            centre.y,
            str(int(row["rank"])),
            clip_on=True,
            ha="center",
            va="center",
            fontsize=8,
            color="white",
            zorder=8,
            bbox={
                "boxstyle": "circle,pad=0.25",
                "facecolor": colour,
                "edgecolor": "white",
                "linewidth": 1,
            },
        )


def _extent(
    review: SitingReview, sites: gpd.GeoDataFrame, focus: str | None, crs: CRS
) -> tuple[float, float, float, float]:
    """Map bounds in metres: one site with room around it, or all the
    sites (the movers' homes may lie beyond: the sheets say how far)."""
    if focus is not None:
        shape = sites[sites["site_id"] == str(focus)].geometry.iloc[0]
        return tuple(shape.buffer(SITE_MAP_AROUND_M).bounds)
    return tuple(
        shapely.union_all(list(sites.geometry)).buffer(OVERVIEW_AROUND_M).bounds
    )


def _map_legend(ax: Axes) -> None:
    """Legend of the constraints, verdicts and movers, lower right."""
    handles: list[Patch | Line2D] = [
        Patch(
            facecolor=fill,
            edgecolor=stroke,
            alpha=opacity + 0.1,
            label=t(f"siting.map_{name}"),
        )
        for name, (stroke, fill, opacity) in CONSTRAINT_STYLE.items()
    ]
    handles += [
        Line2D(
            [],
            [],
            color=VERDICT_COLOUR["pass"],
            linewidth=2,
            label=t("siting.verdict_pass"),
        ),
        Line2D(
            [],
            [],
            color=VERDICT_COLOUR["fail"],
            linewidth=2,
            linestyle="--",
            label=t("siting.verdict_fail"),
        ),
        *(Line2D([], [], marker=marker, linestyle="", markerfacecolor=colour,
                 markeredgecolor=INK, label=t(f"siting.map_{name}"))
          for marker, colour, name in (("^", HAZARD_COLOUR, "hazards"),
                                       ("o", MOVER_COLOUR, "movers"))),
    ]  # fmt: skip
    legend = ax.legend(
        handles=handles, loc="lower right", fontsize=6.5, frameon=True, framealpha=0.9
    )
    legend.set_zorder(30)


def map_png(review: SitingReview, focus: str | None = None, *, dpi: int = 110) -> bytes:
    """The map as PNG bytes (for the HTML sheet)."""
    with drawing():
        fig = new_figure((7.0, 5.0) if focus is None else (6.0, 4.2))
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
        draw_map(ax, review, focus)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


# HTML

_CSS = """
body { font: 14px/1.5 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  color: #222; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; border-left: 5px solid #a31d24; padding-left: 8px;
  margin-top: 28px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid #bbb; padding: 4px 6px; vertical-align: top;
  text-align: left; font-size: 13px; }
th { background: #e4e4e4; }
td.num { text-align: right; white-space: nowrap; }
td.pass { background: #d9f0d3; } td.fail { background: #f4d3e6; }
td.not_assessed { background: #eeeeee; color: #555; }
td.pass, td.fail, td.not_assessed { white-space: nowrap; }
.muted { color: #666; font-size: 12px; }
img.map { max-width: 100%; border: 1px solid #999; }
section.site { page-break-before: always; }
"""


def review_html(review: SitingReview, *, site_id: str | None = None) -> str:
    """The review sheets as one HTML document: the comparison and every
    site's sheet, or one site's sheet only."""
    title = t("siting.sheet_title")
    parts = [f"<h1>{_e(title)}</h1>"]
    parts += [f"<p class='muted'>{_e(line)}</p>" for line in summary_lines(review)]
    if site_id is None:
        parts += [_comparison_html(review), _settings_html(review)]
    ids = [str(site_id)] if site_id is not None else list(review.ranked()["site_id"])
    parts += [_site_html(review, sid) for sid in ids]
    if site_id is not None:
        parts.append(_settings_html(review))
    lang = "zh-CN" if language() == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>"
    )


def _comparison_html(review: SitingReview) -> str:
    """Ranking, matrix and map."""
    heads = [t(f"siting.col_{c}") for c in RANKING_COLUMNS]
    ranking = _table(
        heads,
        [[(c, "") for c in row] for row in ranking_rows(review)],
        numeric=(0, 3, 4, 5),
    )
    ids = list(review.ranked()["site_id"])
    names = [str(n) for n in review.ranked()["name"]]
    grid = _table(
        [t("siting.col_criterion"), t("siting.col_threshold"), *names],
        matrix(review, ids),
    )
    image = base64.b64encode(map_png(review)).decode("ascii")
    return (
        f"<h2>{_e(t('siting.sheet_ranking'))}</h2>{ranking}"
        f"<h2>{_e(t('siting.sheet_matrix'))}</h2>{grid}"
        f"<h2>{_e(t('siting.map_title'))}</h2>"
        f'<img class="map" alt="{_e(t("siting.map_title"))}" '
        f'src="data:image/png;base64,{image}">'
    )


def _site_html(review: SitingReview, site_id: str) -> str:
    """One site's sheet."""
    row = review.sites[review.sites["site_id"] == site_id].iloc[0]
    heads = [t(f"siting.col_{c}") for c in CRITERIA_COLUMNS]
    cells = [
        [(text, c.result if i == 3 else "") for i, text in enumerate(texts)]
        for c, texts in criteria_rows(review, site_id)
    ]
    image = base64.b64encode(map_png(review, site_id)).decode("ascii")
    heading = t("siting.sheet_site", rank=int(row["rank"]), name=row["name"])
    return (
        f'<section class="site"><h2>{_e(heading)}</h2>'
        f"<p>{_e(site_facts(review, row))}</p>"
        f"<p>{_e(row['reason'])}</p>"
        f"{_table(heads, cells, numeric=(1, 2))}"
        f'<img class="map" alt="{_e(heading)}" src="data:image/png;base64,{image}">'
        "</section>"
    )


def _settings_html(review: SitingReview) -> str:
    """Thresholds and notes."""
    items = "".join(f"<li>{_e(line)}</li>" for line in threshold_lines(review))
    notes = "".join(f"<li>{_e(note)}</li>" for note in review.notes)
    return (
        f"<h2>{_e(t('siting.sheet_settings'))}</h2><ul>{items}</ul>"
        f"<h2>{_e(t('siting.sheet_notes'))}</h2><ul class='muted'>{notes}</ul>"
    )


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[tuple[str, str]]],
    *,
    numeric: Sequence[int] = (),
) -> str:
    """An HTML table; each cell is (text, css class), text escaped."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{_e(_classes(css, i in numeric))}">{_e(text)}</td>'
            for i, (text, css) in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _classes(css: str, numeric: bool) -> str:
    """CSS classes of a cell."""
    return " ".join(c for c in (css, "num" if numeric else "") if c)


def _e(text: object) -> str:
    """Text escaped for HTML."""
    return html.escape(str(text), quote=True)


# PDF


@dataclass
class _Sheet:
    """A4 pages filled from the top; a block that does not fit starts
    a new page."""

    pages: list[Figure] = field(default_factory=list)
    y_in: float = 0.0

    @property
    def fig(self) -> Figure:
        """The page being filled."""
        if not self.pages:
            self.new_page()
        return self.pages[-1]

    @property
    def width_in(self) -> float:
        """Width between the margins."""
        return A4_PORTRAIT[0] - 2 * MARGIN_IN

    def new_page(self) -> None:
        """Start a page below its top margin."""
        self.pages.append(new_figure(A4_PORTRAIT))
        self.y_in = MARGIN_IN

    def room(self, height_in: float) -> None:
        """A new page unless ``height_in`` fits above the footer."""
        bottom = A4_PORTRAIT[1] - MARGIN_IN - 0.3
        if not self.pages or self.y_in + height_in > bottom:
            self.new_page()

    def _xy(self, x_in: float, y_in: float) -> tuple[float, float]:
        """Inches from the top left to figure fractions."""
        return x_in / A4_PORTRAIT[0], 1 - y_in / A4_PORTRAIT[1]

    def text(
        self, text: str, size: float = BODY, *, colour: str = INK, most: int = 30
    ) -> None:
        """A paragraph wrapped to the width."""
        lines = fit_lines(text, self.width_in * POINTS_PER_INCH, size, most=most)
        height = len(lines) * size * 1.4 / POINTS_PER_INCH
        self.room(height)
        x, y = self._xy(MARGIN_IN, self.y_in)
        self.fig.text(
            x,
            y,
            "\n".join(lines),
            fontsize=size,
            va="top",
            ha="left",
            color=colour,
            linespacing=1.4,
        )
        self.y_in += height + size * 0.3 / POINTS_PER_INCH

    def heading(self, text: str, size: float = HEADING, *, keep: float = 0.0) -> None:
        """A heading with some space above it, kept on the page of the
        ``keep`` inches that follow it."""
        self.room(size * 4 / POINTS_PER_INCH + keep)
        self.y_in += size * 0.6 / POINTS_PER_INCH
        self.text(text, size)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[tuple[str, str]]],
        widths: Sequence[float],
        *,
        size: float = SMALL,
        most: int = 6,
    ) -> None:
        """A table of (text, result) cells; a cell with a result is
        shaded by it. Rows that do not fit go on with the header again."""
        total = sum(widths)
        cols = [w / total * self.width_in for w in widths]
        self._row([(h, "head") for h in headers], cols, size, 3)
        for row in rows:
            if not self._row(row, cols, size, most):
                self._row([(h, "head") for h in headers], cols, size, 3)
                self._row(row, cols, size, most)

    def _row(
        self,
        cells: Sequence[tuple[str, str]],
        cols: Sequence[float],
        size: float,
        most: int,
    ) -> bool:
        """One row; False when it started a new page (not drawn)."""
        pad = size * 0.35 / POINTS_PER_INCH
        wrapped = [
            fit_lines(text, (w - 2 * pad) * POINTS_PER_INCH, size, most=most)
            for (text, _), w in zip(cells, cols, strict=True)
        ]
        height = (max(len(w) for w in wrapped) * size * 1.3 + size * 0.8) / (
            POINTS_PER_INCH
        )
        pages = len(self.pages)
        self.room(height)
        if len(self.pages) != pages and cells[0][1] != "head":
            return False
        left = MARGIN_IN
        for (_, kind), lines, width in zip(cells, wrapped, cols, strict=True):
            fill = "#e4e4e4" if kind == "head" else RESULT_FILL.get(kind, "white")
            x, y = self._xy(left, self.y_in + height)
            self.fig.patches.append(
                Rectangle(
                    (x, y),
                    width / A4_PORTRAIT[0],
                    height / A4_PORTRAIT[1],
                    transform=self.fig.transFigure,
                    facecolor=fill,
                    edgecolor="#bbbbbb",
                    linewidth=0.4,
                )
            )
            tx, ty = self._xy(left + pad, self.y_in + size * 0.4 / POINTS_PER_INCH)
            self.fig.text(
                tx,
                ty,
                "\n".join(lines),
                fontsize=size,
                va="top",
                ha="left",
                color=INK,
                linespacing=1.3,
            )
            left += width
        self.y_in += height
        return True

    def axes(self, height_in: float) -> Axes:
        """Map axes across the width."""
        self.room(height_in)
        x, y = self._xy(MARGIN_IN, self.y_in + height_in)
        ax = self.fig.add_axes(
            (x, y, self.width_in / A4_PORTRAIT[0], height_in / A4_PORTRAIT[1])
        )
        self.y_in += height_in + 0.1
        return ax

    def finish(self, footer: Callable[[int, int], str]) -> list[Figure]:
        """The pages, each with its footer."""
        for number, fig in enumerate(self.pages, start=1):
            fig.text(
                MARGIN_IN / A4_PORTRAIT[0],
                0.3 / A4_PORTRAIT[1],
                footer(number, len(self.pages)),
                fontsize=SMALL,
                color=MUTED,
                va="bottom",
                ha="left",
            )
        return self.pages


def review_pdf(review: SitingReview, *, site_id: str | None = None) -> bytes:
    """The review sheets as PDF: the comparison and every site's sheet,
    or one site's sheet only.

    Raises
    ------
    gis.fonts.FontMissingError
        No font with Chinese characters is installed.
    """
    with drawing():
        sheet = _Sheet()
        sheet.text(t("siting.sheet_title"), TITLE)
        for line in summary_lines(review):
            sheet.text(line, BODY, colour=MUTED)
        if site_id is None:
            _comparison_pdf(sheet, review)
            _settings_pdf(sheet, review)
        ids = (
            [str(site_id)] if site_id is not None else list(review.ranked()["site_id"])
        )
        for sid in ids:
            _site_pdf(sheet, review, sid)
        if site_id is not None:
            _settings_pdf(sheet, review)
        area = area_title(review.area)
        pages = sheet.finish(
            lambda n, total: t(
                "siting.sheet_footer",
                area=area,
                date=review.computed_at[:10],
                n=n,
                total=total,
            )
        )
        return _save(pages, t("siting.sheet_title"))


def _comparison_pdf(sheet: _Sheet, review: SitingReview) -> None:
    """Ranking, map and matrix."""
    sheet.heading(t("siting.sheet_ranking"))
    heads = [t(f"siting.col_{c}") for c in RANKING_COLUMNS]
    rows = [
        [(c, str(verdict) if i == 2 else "") for i, c in enumerate(row)]
        for row, verdict in zip(
            ranking_rows(review), review.ranked()["verdict"], strict=True
        )
    ]
    sheet.table(heads, rows, (0.5, 1.6, 1.3, 0.7, 0.8, 0.7, 6.0), most=12)
    ids = list(review.ranked()["site_id"])
    names = list(review.ranked()["name"])
    for start in range(0, len(ids), MATRIX_SITES):
        part = ids[start : start + MATRIX_SITES]
        sheet.heading(t("siting.sheet_matrix"))
        heads = [
            t("siting.col_criterion"),
            t("siting.col_threshold"),
            *names[start : start + MATRIX_SITES],
        ]
        widths = (2.2, 1.4, *[1.6] * len(part))
        sheet.table(heads, matrix(review, part), widths)
    sheet.heading(t("siting.map_title"), keep=MAP_HEIGHT_IN)
    draw_map(sheet.axes(MAP_HEIGHT_IN), review)


def _site_pdf(sheet: _Sheet, review: SitingReview, site_id: str) -> None:
    """One site's sheet, on a page of its own."""
    row = review.sites[review.sites["site_id"] == site_id].iloc[0]
    sheet.new_page()
    sheet.text(t("siting.sheet_site", rank=int(row["rank"]), name=row["name"]), TITLE)
    sheet.text(site_facts(review, row), BODY, colour=MUTED)
    sheet.text(str(row["reason"]), BODY)
    heads = [t(f"siting.col_{c}") for c in CRITERIA_COLUMNS]
    cells = [
        [(text, c.result if i == 3 else "") for i, text in enumerate(texts)]
        for c, texts in criteria_rows(review, site_id)
    ]
    sheet.table(heads, cells, (1.9, 1.3, 1.1, 0.9, 3.6))
    draw_map(sheet.axes(3.6), review, site_id)


def _settings_pdf(sheet: _Sheet, review: SitingReview) -> None:
    """Thresholds and notes."""
    sheet.heading(t("siting.sheet_settings"))
    for line in threshold_lines(review):
        sheet.text("· " + line, SMALL)
    sheet.heading(t("siting.sheet_notes"))
    for note in review.notes:
        sheet.text("· " + note, SMALL, colour=MUTED)


def _save(figures: Sequence[Figure], title: str) -> bytes:
    """Figures as the pages of one PDF (fonts embedded)."""
    buffer = io.BytesIO()
    with PdfPages(
        buffer, metadata={"Title": title, "Creator": "village-planning-map"}
    ) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return buffer.getvalue()
