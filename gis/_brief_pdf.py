"""Multi-page PDFs: the village atlas and the noticeboards.

Pages are laid out from the top by a small flow (:class:`_Flow`): blocks
of text, tables and maps go one under the other, and a block that does
not fit starts a new page. Text is measured in the font it prints in,
so long names wrap or end in "…" instead of running over the margin.
Fonts are embedded (:func:`gis._brief_render.drawing`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from gis._brief_render import (
    A3_PORTRAIT,
    A4_PORTRAIT,
    HALO,
    INK,
    MUTED,
    draw_legend,
    draw_north_arrow,
    draw_projects,
    draw_scale_bar,
    drawing,
    fit_extent,
    fit_lines,
    frame,
    new_figure,
    percent,
    progress_figure,
    stroked,
)
from gis._brief_text import (
    built_rows,
    complaint_text,
    inspection_lines,
    money_rows,
    ordered,
    pair,
    people_rows,
    plan_line,
    project_rows,
    quantity,
    unassigned_line,
    village_period,
    yuan_text,
)
from gis.areas import area_title
from gis.briefing import (
    Progress,
    ProjectSheet,
    VillageSheet,
    share_colour,
)
from gis.i18n import t
from gis.measure import metric_crs_for
from gis.records import STATUSES

OnPage = Callable[[int, int, str], None]

BAND = "#a31d24"  # noticeboard header: the red of public notices
STRIPE = "#f3f3f3"
POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class _Type:
    """Font sizes (points) of one kind of page."""

    title: float
    heading: float
    body: float
    small: float
    margin_in: float


ATLAS = _Type(title=17, heading=11, body=8.5, small=7, margin_in=0.55)
BOARD = _Type(title=40, heading=26, body=20, small=13, margin_in=0.8)
BOARD_SCALES = (1.0, 0.9, 0.8)


@dataclass
class _Flow:
    """Pages filled from the top; a block that does not fit starts a page."""

    size: tuple[float, float]
    kind: _Type
    footer: Callable[[Figure, int], None] | None = None
    pages: list[Figure] = field(default_factory=list)
    y_in: float = 0.0

    @property
    def fig(self) -> Figure:
        """The page being filled (a first one is started on demand)."""
        if not self.pages:
            self.new_page()
        return self.pages[-1]

    @property
    def width_in(self) -> float:
        """Width between the margins, in inches."""
        return self.size[0] - 2 * self.kind.margin_in

    def new_page(self) -> None:
        """Start a page below its top margin."""
        self.pages.append(new_figure(self.size))
        self.y_in = self.kind.margin_in

    def room(self, height_in: float) -> None:
        """Start a new page unless ``height_in`` fits above the bottom margin
        (leaving space for the footer)."""
        if not self.pages:
            self.new_page()
            return
        bottom = self.size[1] - self.kind.margin_in - 0.4
        if self.y_in + height_in > bottom and self.y_in > 1.5:
            self.new_page()

    def space(self, height_in: float) -> None:
        """Move down by ``height_in``."""
        self.y_in += height_in

    def _xy(self, x_in: float, y_in: float) -> tuple[float, float]:
        """Inches from the top left to figure fractions."""
        return x_in / self.size[0], 1 - y_in / self.size[1]

    def text(
        self,
        text: str,
        size: float,
        *,
        heavy: bool = False,
        colour: str = INK,
        indent_in: float = 0.0,
        most: int = 99,
    ) -> None:
        """A paragraph wrapped to the width, kept on one page."""
        width_pt = (self.width_in - indent_in) * POINTS_PER_INCH
        lines = fit_lines(text, width_pt, size, most=most)
        height = len(lines) * size * 1.45 / POINTS_PER_INCH
        self.room(height)
        x, y = self._xy(self.kind.margin_in + indent_in, self.y_in)
        draw = (
            partial(stroked, self.fig.text, effect=(colour, size * 0.045))
            if heavy
            else self.fig.text
        )
        draw(
            x,
            y,
            "\n".join(lines),
            fontsize=size,
            va="top",
            ha="left",
            color=colour,
            linespacing=1.45,
        )
        self.y_in += height

    def heading(self, text: str) -> None:
        """A section heading with a coloured bar before it."""
        size = self.kind.heading
        # never alone at the foot of a page: room for it and three lines
        self.room((size * 2.5 + self.kind.body * 1.5 * 3) / POINTS_PER_INCH)
        self.space(size * 0.5 / POINTS_PER_INCH)
        bar_h = size * 1.1 / POINTS_PER_INCH
        x, y = self._xy(self.kind.margin_in, self.y_in + bar_h)
        self.fig.patches.append(
            Rectangle(
                (x, y),
                0.06 / self.size[0],
                bar_h / self.size[1],
                transform=self.fig.transFigure,
                facecolor=BAND,
                edgecolor="none",
            )
        )
        self.text(text, size, heavy=True, indent_in=0.14)
        self.space(size * 0.3 / POINTS_PER_INCH)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        right: Sequence[int] = (),
        size: float | None = None,
        most_lines: int = 2,
        bold_last: bool = False,
    ) -> None:
        """A table: ``widths`` are shares of the width, ``right`` the
        columns aligned right (amounts); cells wrap to ``most_lines``.
        A table longer than the page goes on with its header repeated."""
        size = size or self.kind.body
        total = sum(widths)
        cols = [w / total * self.width_in for w in widths]
        self._row(headers, cols, right, size, header=True, most=2)
        for number, row in enumerate(rows):
            last = bold_last and number == len(rows) - 1
            if self._row(
                row,
                cols,
                right,
                size,
                stripe=number % 2 == 1,
                most=most_lines,
                heavy=last,
            ):
                self._row(headers, cols, right, size, header=True, most=2)
                self._row(
                    row,
                    cols,
                    right,
                    size,
                    stripe=number % 2 == 1,
                    most=most_lines,
                    heavy=last,
                )

    def _row(
        self,
        cells: Sequence[str],
        cols: Sequence[float],
        right: Sequence[int],
        size: float,
        *,
        header: bool = False,
        stripe: bool = False,
        most: int,
        heavy: bool = False,
    ) -> bool:
        """One table row; True when it did not fit and was not drawn."""
        pad = size * 0.35 / POINTS_PER_INCH
        wrapped = [
            fit_lines(
                str(cell), width * POINTS_PER_INCH - 2 * pad * 72, size, most=most
            )
            for cell, width in zip(cells, cols, strict=True)
        ]
        lines = max(len(w) for w in wrapped)
        height = (lines * size * 1.35 + size * 0.8) / POINTS_PER_INCH
        pages = len(self.pages)
        self.room(height)
        if len(self.pages) != pages and not header:
            return True

        # background band, then each cell's lines
        if header or stripe:
            x, y = self._xy(self.kind.margin_in, self.y_in + height)
            self.fig.patches.append(
                Rectangle(
                    (x, y),
                    self.width_in / self.size[0],
                    height / self.size[1],
                    transform=self.fig.transFigure,
                    edgecolor="none",
                    facecolor="#e4e4e4" if header else STRIPE,
                )
            )
        left = self.kind.margin_in
        for index, (text, width) in enumerate(zip(wrapped, cols, strict=True)):
            at_right = index in right
            x_in = left + width - pad if at_right else left + pad
            x, y = self._xy(x_in, self.y_in + size * 0.4 / POINTS_PER_INCH)
            bold = header or heavy
            draw = (
                partial(stroked, self.fig.text, effect=(INK, size * 0.04))
                if bold
                else self.fig.text
            )
            draw(
                x,
                y,
                "\n".join(text),
                fontsize=size,
                va="top",
                ha="right" if at_right else "left",
                color=INK,
                linespacing=1.35,
            )
            left += width
        self.y_in += height
        return False

    def axes(self, height_in: float) -> Axes:
        """Axes across the width, ``height_in`` tall."""
        self.room(height_in)
        x, y = self._xy(self.kind.margin_in, self.y_in + height_in)
        ax = self.fig.add_axes(
            (x, y, self.width_in / self.size[0], height_in / self.size[1])
        )
        self.y_in += height_in
        return ax

    def finish(self) -> list[Figure]:
        """The pages, each with its footer."""
        for number, fig in enumerate(self.pages, start=1):
            if self.footer is not None:
                self.footer(fig, number)
        return self.pages


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by matplotlib (its ``/Type /Page`` objects)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _save(figures: Sequence[Figure], title: str) -> bytes:
    """Figures as the pages of one PDF (fonts embedded)."""
    buffer = io.BytesIO()
    with PdfPages(
        buffer, metadata={"Title": title, "Creator": "village-planning-map"}
    ) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return buffer.getvalue()


# the atlas


def atlas_pdf(
    progress: Progress,
    sheets: Sequence[VillageSheet],
    *,
    on_page: OnPage | None = None,
) -> bytes:
    """The area's progress map, then a page per village of ``sheets``.

    A village page shrinks its map to keep everything on one page; a
    village with very many records runs over onto a second page rather
    than losing rows.

    Parameters
    ----------
    progress : Progress
        The area's progress (:func:`gis.briefing.progress`), for the
        first page and the villages around each village.
    sheets : sequence of VillageSheet
        The villages to give a page (:func:`gis.briefing.village_sheets`).
    on_page : callable, optional
        Called as ``on_page(n, total, village_name)`` before each
        village's page is drawn, for a progress bar.
    """
    title = t("brief.atlas_title", area=area_title(progress.area))
    with drawing():
        pages = [progress_figure(progress)]
        for number, sheet in enumerate(sheets, start=1):
            if on_page is not None:
                on_page(number, len(sheets), sheet.name)
            village = village_pages(sheet, progress)
            for fig in village:
                _atlas_footer(fig, sheet.as_of, progress.sources)
            pages += village
        for number, fig in enumerate(pages, start=1):
            _page_number(fig, number, len(pages))
        return _save(pages, title)


def village_pages(sheet: VillageSheet, progress: Progress) -> list[Figure]:
    """A village's atlas page (two when its records do not fit on one)."""
    for map_in in (3.9, 3.3, 2.7, 2.2):
        flow = _Flow(A4_PORTRAIT, ATLAS)
        _village_content(flow, sheet, progress, map_in=map_in)
        if len(flow.pages) == 1:
            break
    return flow.finish()


def _village_content(
    flow: _Flow, sheet: VillageSheet, progress: Progress, *, map_in: float
) -> None:
    """Header, map, targets, projects, money and findings of a village."""
    kind = flow.kind
    found = sheet.records

    # who and what
    flow.text(
        t("brief.village_heading", village=sheet.name, area=area_title(sheet.area)),
        kind.title,
        heavy=True,
    )
    flow.text(plan_line(found.plans), kind.body, colour=MUTED)
    flow.text(
        t(
            "brief.completion_line",
            quantities=percent(sheet.progress.quantities),
            spending=percent(sheet.progress.spending),
        ),
        kind.body,
    )
    flow.space(0.08)

    # the map, with the statuses present in its corner
    _village_map(flow.axes(map_in), sheet, progress.villages)

    # plan targets against progress
    flow.heading(t("brief.targets"))
    rows = [
        (
            t(f"records.section_{p.target['section']}"),
            str(p.target["measure"]),
            "—" if p.target.get("baseline_value") is None
            else quantity(p.target["baseline_value"], p.target["unit"]),
            quantity(p.target["target_value"], p.target["unit"]),
            quantity(p.done, p.target["unit"]),
            percent(min(p.share, 1.0)),
        )
        for p in found.targets
    ]
    _table_or_none(
        flow,
        ("col_section", "col_measure", "col_baseline", "col_planned", "col_done",
         "col_share"),
        rows,
        (1.2, 2.4, 1.1, 1.1, 1.1, 0.8),
        right=(2, 3, 4, 5),
    )  # fmt: skip
    if any(p.target.get("baseline_value") is not None for p in found.targets):
        flow.text(t("brief.share_rule"), kind.small, colour=MUTED)

    # the projects, numbered as on the map, with the progress reported
    flow.heading(t("brief.projects"))
    listed = list(enumerate(ordered(found.projects), start=1))
    project_rows = [
        (
            str(n),
            str(p["name"]),
            t(f"records.status_{p['status']}"),
            "—" if p.get("progress_pct") is None else f"{p['progress_pct']:.0f} %",
            yuan_text(p.get("budget_fen")),
            yuan_text(p.get("spent_fen")),
        )
        for n, p in listed
    ]
    _table_or_none(
        flow,
        ("col_no", "col_project", "col_status", "col_reported", "col_budget",
         "col_spent"),
        project_rows,
        (0.45, 3.0, 1.2, 0.6, 1.35, 1.35),
        right=(3, 4, 5),
    )  # fmt: skip
    placed = set(sheet.projects["project_id"]) if len(sheet.projects) else set()
    unplaced = [str(n) for n, p in listed if p["project_id"] not in placed]
    if unplaced:
        flow.text(t("brief.not_on_map", numbers=", ".join(unplaced)), kind.small,
                  colour=MUTED)  # fmt: skip

    # money by channel, then the fund rules' findings
    flow.heading(t("brief.money"))
    _money_table(flow, found.money)
    flow.heading(t("brief.findings"))
    messages = [
        "• " + pair(t(f"records.rule_name_{f.rule}"), f.message) for f in found.findings
    ]
    for line in messages or [t("brief.no_findings")]:
        flow.text(line, kind.body, most=3)


def _village_map(ax: Axes, sheet: VillageSheet, villages: gpd.GeoDataFrame) -> None:
    """The village (coloured by completion) among its neighbours, its
    projects numbered as in the table, scale bar, north arrow and legend."""
    shape = gpd.GeoDataFrame(geometry=[sheet.shape], crs="EPSG:4326")
    crs = metric_crs_for(shape)
    mine = shape.to_crs(crs)
    around = villages.to_crs(crs)
    projects = sheet.projects.to_crs(crs)

    # neighbours in grey, the village in its class colour, then projects
    around.plot(ax=ax, color="#f0f0f0", edgecolor="#b0b0b0", linewidth=0.5)
    colour = share_colour(sheet.progress.quantities)
    mine.plot(ax=ax, color=colour, alpha=0.6, edgecolor=INK, linewidth=1.4)
    draw_projects(ax, projects)
    numbers = {
        p["project_id"]: n
        for n, p in enumerate(ordered(sheet.records.projects), start=1)
    }
    for row in projects.itertuples():
        point = row.geometry.representative_point()
        stroked(
            ax.annotate,
            str(numbers.get(row.project_id, "")),
            (point.x, point.y),
            xytext=(7, 7),
            textcoords="offset points",
            fontsize=8,
            color=INK,
            effect=HALO,
            zorder=9,
        )

    # the extent: the village and its projects
    bounds = mine.total_bounds
    if not projects.empty:
        extra = projects.total_bounds
        bounds = [
            min(bounds[0], extra[0]),
            min(bounds[1], extra[1]),
            max(bounds[2], extra[2]),
            max(bounds[3], extra[3]),
        ]
    fit_extent(ax, bounds, margin=0.08)
    frame(ax)
    draw_scale_bar(ax)
    draw_north_arrow(ax, crs)
    if projects.empty:
        stroked(
            ax.text,
            0.5,
            0.04,
            t("brief.no_map"),
            transform=ax.transAxes,
            ha="center",
            fontsize=8,
            color=MUTED,
            effect=HALO,
        )

    # a small legend of the statuses present, inside the map
    present = [s for s in STATUSES if s in set(sheet.projects["status"])]
    if present:
        legend_ax = ax.inset_axes((0.015, 0.6, 0.3, 0.38))
        legend_ax.set_axis_off()
        draw_legend(legend_ax, measure=None, statuses=present, framed=True)


def _table_or_none(
    flow: _Flow,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    **options: Any,
) -> None:
    """A table with translated headers, or "none on record"."""
    if not rows:
        flow.text(t("brief.no_rows"), flow.kind.body, colour=MUTED)
        return
    flow.table([t(f"brief.{h}") for h in headers], rows, widths, **options)


def _page_number(fig: Figure, page: int, total: int) -> None:
    """The page number and count at the lower right."""
    fig.text(
        0.97,
        0.015,
        t("brief.atlas_page", n=page, total=total),
        fontsize=7,
        ha="right",
        va="bottom",
        color=MUTED,
    )


def _atlas_footer(fig: Figure, as_of: dt.date, sources: Sequence[str]) -> None:
    """The data date and sources at the foot of a village page."""
    lines = [t("brief.data_date", date=as_of.isoformat())]
    lines += fit_lines(t("brief.sources", sources="; ".join(sources)), 430, 6.5, most=2)
    fig.text(
        0.065,
        0.015,
        "\n".join(lines),
        fontsize=6.5,
        ha="left",
        va="bottom",
        color=MUTED,
        linespacing=1.4,
    )


# the noticeboards


def village_noticeboard_pdf(
    sheet: VillageSheet, *, complaint: str | None = None, today: dt.date | None = None
) -> bytes:
    """A village's noticeboard on A3 portrait, in the current language.

    Village name, plan period, linked leader, resident cadre, assisting
    unit, investment by channel, what is built, and how to complain. The
    type shrinks (to 80 % at most) to keep it on one sheet, else the
    board runs on to a second.
    """

    def build(flow: _Flow) -> None:
        kind = flow.kind
        _band(flow, t("brief.nb_village_title", village=sheet.name))
        flow.text(village_period(sheet), kind.heading, colour=MUTED)

        # who is responsible
        flow.heading(t("brief.nb_people"))
        for label, value in people_rows(sheet.records.assistance):
            flow.text(pair(label, value), kind.body)

        # money and works
        flow.heading(t("brief.nb_money"))
        _money_table(flow, sheet.records.money)
        note = unassigned_line(sheet)
        if note:
            flow.text(note, kind.small, colour=MUTED)
        flow.heading(t("brief.nb_built"))
        _table_or_none(
            flow,
            ("col_project", "col_quantity", "col_status", "col_budget", "col_years"),
            built_rows(sheet),
            (2.4, 1.6, 1.9, 1.7, 1.5),
            right=(3,),
            most_lines=4,
        )

        # how to complain, and when this was published
        flow.heading(t("brief.nb_complain"))
        flow.text(complaint or complaint_text(sheet.records.assistance), kind.body)
        _board_footer(flow, sheet.as_of, today)

    with drawing():
        title = t("brief.nb_village_title", village=sheet.name)
        return _save(_one_sheet(build), title)


def project_noticeboard_pdf(
    sheet: ProjectSheet, *, complaint: str | None = None, today: dt.date | None = None
) -> bytes:
    """A project's notice before building or after acceptance, A3 portrait."""

    def build(flow: _Flow) -> None:
        kind = flow.kind
        _band(flow, t(f"brief.nb_project_{sheet.stage}"))
        flow.text(str(sheet.project["name"]), kind.title * 0.8, heavy=True)
        flow.space(0.1)

        # the project's facts, then its money
        flow.heading(t("brief.nb_project_what"))
        for label, value in project_rows(sheet):
            flow.text(pair(label, value), kind.body)
        flow.heading(t("brief.nb_funds"))
        _money_table(flow, sheet.money)
        if sheet.stage == "after":
            flow.heading(t("brief.nb_inspections"))
            for line in inspection_lines(sheet) or [t("brief.no_rows")]:
                flow.text(f"• {line}", kind.body)

        flow.heading(t("brief.nb_complain"))
        flow.text(complaint or complaint_text(sheet.assistance), kind.body)
        _board_footer(flow, sheet.as_of, today)

    with drawing():
        return _save(_one_sheet(build), t(f"brief.nb_project_{sheet.stage}"))


def _one_sheet(build: Callable[[_Flow], None]) -> list[Figure]:
    """A board's pages, its type shrunk a little if that keeps it on one
    sheet; a board that still does not fit goes on to a second sheet
    rather than into type too small to read from a step away (body text
    16 pt at least on A3)."""
    for scale in BOARD_SCALES:
        kind = dataclasses.replace(
            BOARD,
            title=BOARD.title * scale,
            heading=BOARD.heading * scale,
            body=BOARD.body * scale,
            small=BOARD.small * scale,
        )
        flow = _Flow(A3_PORTRAIT, kind)
        build(flow)
        if len(flow.pages) == 1:
            break
    return flow.finish()


def _band(flow: _Flow, title: str) -> None:
    """The red header band with the notice's title in white."""
    size = flow.kind.title
    lines = fit_lines(title, (flow.width_in - 0.4) * POINTS_PER_INCH, size, most=2)
    height = (len(lines) * size * 1.3 + size) / POINTS_PER_INCH
    flow.room(height)
    x, y = flow._xy(flow.kind.margin_in, flow.y_in + height)
    flow.fig.patches.append(
        Rectangle(
            (x, y),
            flow.width_in / flow.size[0],
            height / flow.size[1],
            transform=flow.fig.transFigure,
            facecolor=BAND,
            edgecolor="none",
        )
    )
    x, y = flow._xy(flow.size[0] / 2, flow.y_in + height / 2)
    stroked(
        flow.fig.text,
        x,
        y,
        "\n".join(lines),
        effect=("white", 1.0),
        fontsize=size,
        ha="center",
        va="center",
        color="white",
        linespacing=1.3,
    )
    flow.y_in += height + 0.2


def _money_table(flow: _Flow, money: Sequence[dict[str, Any]]) -> None:
    """Allocated and spent money per channel, with the total."""
    rows = money_rows(money)
    _table_or_none(
        flow,
        ("col_channel", "col_allocated", "col_spent"),
        rows,
        (3.6, 1.8, 1.8),
        right=(1, 2),
        bold_last=bool(rows),
    )


def _board_footer(flow: _Flow, as_of: dt.date, today: dt.date | None) -> None:
    """Publication date and data date, then page numbers on every sheet."""
    day = today or dt.date.today()
    flow.space(0.25)
    flow.text(
        t("brief.nb_published", date=day.isoformat(), as_of=as_of.isoformat()),
        flow.kind.small,
        colour=MUTED,
    )
    total = len(flow.pages)

    def footer(fig: Figure, number: int) -> None:
        if total > 1:
            fig.text(
                0.5,
                0.02,
                t("brief.nb_page", n=number, total=total),
                fontsize=BOARD.small,
                ha="center",
                color=MUTED,
            )

    flow.footer = footer
