"""Drawing the briefing maps with matplotlib: no browser and no internet.

Maps are drawn in the local metric CRS of what they show
(:func:`gis.measure.metric_crs_for`), so the scale bar is true in metres
and kilometres; the north arrow points to true north at the map's
centre (Gauss-Krüger and UTM grid north differs from it by up to a few
degrees). Every drawing runs inside :func:`drawing`, which sets a CJK
font (embedded in PDFs) so Chinese names print as characters.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import geopandas as gpd
import matplotlib as mpl
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.textpath import text_to_path
from pyproj import CRS, Transformer

from gis import fonts
from gis._brief_text import summary_lines
from gis.areas import area_title
from gis.briefing import Progress, class_labels
from gis.i18n import t
from gis.measure import metric_crs_for
from gis.records import STATUSES
from layers import get_kind

A4_LANDSCAPE = (11.69, 8.27)
A4_PORTRAIT = (8.27, 11.69)
A3_PORTRAIT = (11.69, 16.54)
FORMATS = ("png", "pdf")

INK = "#222222"
MUTED = "#666666"
OUTLINE = "#555555"
# (colour, width in points) of a stroke drawn under a text: a white halo
# keeps labels readable over any fill; a stroke of the text's own colour
# thickens headings (the CJK fonts that embed cleanly have one weight)
Stroke = tuple[str, float]
HALO: Stroke = ("white", 2.5)
HEAVY: Stroke = (INK, 0.7)

_STATUS_STYLE = get_kind("project_features").style
# village labels on an area map: all of them up to this many villages,
# else only the villages in the programme
_LABEL_ALL_UP_TO = 40


@contextlib.contextmanager
def drawing() -> Iterator[None]:
    """Matplotlib settings of every briefing drawing (CJK font, sizes).

    Raises
    ------
    gis.fonts.FontMissingError
        No font with Chinese characters is installed.
    """
    settings: Any = {
        **fonts.rc_params(),
        "font.size": 9,
        "axes.edgecolor": OUTLINE,
        "axes.linewidth": 0.6,
        "legend.frameon": False,
        "savefig.facecolor": "white",
        # unhinted glyphs at their true advance: a raster text then lines
        # up with its stroke, which is always drawn from the outlines
        "text.hinting": "none",
    }
    with mpl.rc_context(settings):
        yield


def stroked(
    draw: Callable[..., Text], *args: Any, effect: Stroke, **kwargs: Any
) -> Text:
    """Draw a text over a stroke of its outline (``draw`` is e.g.
    ``ax.text``); the text itself stays text, so a PDF keeps it
    searchable and in its embedded font."""
    colour, width = effect
    stroke = patheffects.Stroke(linewidth=width, foreground=colour)
    draw(*args, path_effects=[stroke], **kwargs)
    return draw(*args, **kwargs)


def figure_bytes(fig: Figure, fmt: str, *, dpi: int = 150) -> bytes:
    """A figure saved as PNG or PDF (fonts embedded as TrueType subsets)."""
    buffer = io.BytesIO()
    metadata = {"Creator": "village-planning-map"} if fmt == "pdf" else None
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def new_figure(size: tuple[float, float]) -> Figure:
    """A figure of ``size`` inches (its canvas draws only when saved)."""
    return Figure(figsize=size)


# the progress map of an area


def progress_image(progress: Progress, *, fmt: str = "png", dpi: int = 150) -> bytes:
    """The area's progress map on an A4 landscape page, as PNG or PDF."""
    with drawing():
        return figure_bytes(progress_figure(progress), fmt, dpi=dpi)


def progress_figure(progress: Progress) -> Figure:
    """Title, map, legend, summary, data date and sources on one page.

    Call inside :func:`drawing`.
    """
    fig = new_figure(A4_LANDSCAPE)

    # title and what is shown
    title = t("brief.map_title", area=area_title(progress.area))
    stroked(
        fig.text, 0.03, 0.955, title, effect=HEAVY, fontsize=17, va="top", color=INK
    )
    subtitle = t(
        "brief.map_subtitle",
        measure=t(f"brief.measure_{progress.measure}"),
        date=progress.as_of.isoformat(),
    )
    fig.text(0.03, 0.905, subtitle, fontsize=11, va="top", color=MUTED)

    # the map, then the legend and the summary beside it
    ax = fig.add_axes((0.03, 0.12, 0.66, 0.76))
    draw_area_map(ax, progress)
    side = fig.add_axes((0.72, 0.12, 0.26, 0.76))
    side.set_axis_off()
    _summary(side, progress, top=draw_legend(side, measure=progress.measure))

    # data date, sources, projection
    crs = metric_crs_for(progress.villages)
    footer(fig, progress.as_of.isoformat(), progress.sources, crs)
    return fig


def draw_area_map(ax: Axes, progress: Progress) -> None:
    """Villages coloured by completion, projects by status, labels,
    scale bar and north arrow, in the area's metric CRS."""
    crs = metric_crs_for(progress.villages)
    villages = progress.villages.to_crs(crs)
    villages.plot(
        ax=ax, color=list(villages["colour"]), edgecolor=OUTLINE, linewidth=0.4
    )
    joined = villages[villages["in_programme"].astype(bool)]
    if not joined.empty:
        joined.boundary.plot(ax=ax, color=INK, linewidth=1.3)
    draw_projects(ax, progress.projects.to_crs(crs))

    # names: every village on a small map, else those in the programme
    shown = {row.village_id for row in progress.table if row.in_programme}
    if len(villages) <= _LABEL_ALL_UP_TO:
        shown = set(villages["village_id"])
    busy = set(progress.projects["village_id"].astype(str))
    for row in villages[villages["village_id"].isin(shown)].itertuples():
        label_place(ax, row.geometry, str(row.name), busy=row.village_id in busy)

    fit_extent(ax, villages.total_bounds)
    frame(ax)
    draw_scale_bar(ax)
    draw_north_arrow(ax, crs)


def label_place(
    ax: Axes, shape: shapely.Geometry, text: str, *, busy: bool, size: float = 7
) -> None:
    """A place name inside ``shape``, moved below its middle when
    projects are drawn there."""
    point = shape.representative_point()
    stroked(
        ax.annotate,
        text,
        (point.x, point.y),
        xytext=(0, -2.2 * size if busy else 0),
        textcoords="offset points",
        fontsize=size,
        ha="center",
        va="center",
        color=INK,
        effect=HALO,
        annotation_clip=True,
        zorder=8,
    )


def draw_projects(ax: Axes, projects: gpd.GeoDataFrame) -> None:
    """Projects coloured by status: areas filled, lines cased in white,
    points as dots with a dark edge (``projects`` in the axes' CRS)."""
    if projects.empty:
        return
    kinds = projects.geometry.geom_type.str.replace("Multi", "")
    for status in STATUSES:
        mine = projects[projects["status"] == status]
        if mine.empty:
            continue
        colour = _STATUS_STYLE.color_for(status)
        dashed = line_style(status)
        areas = mine[kinds[mine.index] == "Polygon"]
        lines = mine[kinds[mine.index] == "LineString"]
        points = mine[kinds[mine.index] == "Point"]
        if not areas.empty:
            areas.plot(
                ax=ax,
                color=colour,
                alpha=0.55,
                edgecolor=colour,
                linewidth=1.5,
                zorder=3,
            )
        if not lines.empty:
            lines.plot(ax=ax, color="white", linewidth=5.5, zorder=4)
            lines.plot(ax=ax, color=colour, linewidth=3.2, linestyle=dashed, zorder=5)
        if not points.empty:
            points.plot(
                ax=ax,
                color=colour,
                markersize=46,
                edgecolor=INK,
                linewidth=0.8,
                zorder=6,
            )


def draw_legend(
    ax: Axes,
    *,
    measure: str | None,
    statuses: Sequence[str] = STATUSES,
    framed: bool = False,
) -> float:
    """Legends of the completion classes (unless ``measure`` is None)
    and of the project statuses, stacked from the top of ``ax`` (on a
    white ground when ``framed``); returns the height (axes fraction)
    where the last one ends."""
    groups: list[tuple[str, list[Patch | Line2D]]] = []
    if measure is not None:
        classes: list[Patch | Line2D] = [
            Patch(facecolor=colour, edgecolor=OUTLINE, linewidth=0.5, label=label)
            for colour, label in class_labels()
        ]
        outlined = t("brief.legend_outlined")
        classes.append(
            Patch(facecolor="none", edgecolor=INK, linewidth=1.3, label=outlined)
        )
        groups.append((t(f"brief.legend_{measure}"), classes))
    groups.append((t("brief.legend_projects"), [status_handle(s) for s in statuses]))

    # each legend starts below the one before
    top = 1.0
    for title, handles in groups:
        legend = Legend(
            ax,
            handles,
            [str(h.get_label()) for h in handles],
            loc="upper left",
            fontsize=9,
            bbox_to_anchor=(0, top),
            title=wrap(title, 36),
            title_fontsize=10,
            alignment="left",
            borderaxespad=0,
            handlelength=2.4,
            handleheight=1.1,
            labelspacing=0.55,
            frameon=framed,
            facecolor="white",
            edgecolor="none",
            framealpha=0.85,
        )
        ax.add_artist(legend)
        top = below(ax, legend) - 0.04
    return top


def below(ax: Axes, artist: Legend) -> float:
    """The bottom of a drawn artist, as a fraction of ``ax``'s height."""
    fig = ax.get_figure(root=True)
    assert fig is not None
    size = int(fig.bbox.width), int(fig.bbox.height)
    renderer = RendererAgg(*size, fig.dpi)  # type: ignore[no-untyped-call]
    box = artist.get_window_extent(renderer)
    return float(ax.transAxes.inverted().transform((0, box.y0))[1])


def status_handle(status: str) -> Line2D:
    """A legend symbol of one status: a thick line with a dot on it."""
    colour = _STATUS_STYLE.color_for(status)
    dashed = line_style(status)
    return Line2D(
        [],
        [],
        color=colour,
        linewidth=3.2,
        linestyle=dashed,
        marker="o",
        markersize=7,
        markeredgecolor=INK,
        markeredgewidth=0.8,
        label=t(f"records.status_{status}"),
    )


def line_style(status: str) -> Literal["-", "--"]:
    """Dashed for the statuses the map draws dashed (planned), else solid."""
    return "--" if _STATUS_STYLE.dash_array_for(status) else "-"


def _summary(ax: Axes, progress: Progress, *, top: float) -> None:
    """Counts and money under the legend: the figures a briefing quotes."""
    text = "\n".join(wrap(line, 44) for line in summary_lines(progress))
    ax.text(
        0,
        top,
        text,
        fontsize=9,
        va="top",
        ha="left",
        color=INK,
        linespacing=1.6,
        transform=ax.transAxes,
    )


# map furniture


def fit_extent(ax: Axes, bounds: Sequence[float], *, margin: float = 0.04) -> None:
    """Show ``bounds`` (minx, miny, maxx, maxy) filling the axes box, with
    a margin and equal scale in x and y."""
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    width, height = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    box = ax.get_position(original=True)
    fig_w, fig_h = ax.figure.get_size_inches()  # type: ignore[union-attr]
    ratio = (box.width * fig_w) / (box.height * fig_h)
    width, height = width * (1 + 2 * margin), height * (1 + 2 * margin)
    width, height = max(width, height * ratio), max(height, width / ratio)
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")


def frame(ax: Axes) -> None:
    """A thin frame around the map, no ticks nor axis labels."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color(OUTLINE)


def nice_length(target_m: float) -> float:
    """The 1, 2 or 5 × 10ⁿ metres nearest below ``target_m``."""
    power = 10 ** math.floor(math.log10(max(target_m, 1.0)))
    for step in (5, 2, 1):
        if step * power <= target_m:
            return float(step * power)
    return float(power)


def distance_text(metres: float) -> str:
    """A distance with its unit: metres below 1 km, else kilometres."""
    if metres >= 1000:
        return f"{metres / 1000:g} {t('units.km')}"
    return f"{metres:g} {t('units.m')}"


def draw_scale_bar(ax: Axes, *, fraction: float = 0.25) -> float:
    """A two-part scale bar at the lower left (axes in metres), numbers
    above and the unit after it; returns its length in metres."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    length = nice_length(width * fraction)
    unit = 1000.0 if length >= 1000 else 1.0
    left, base, bar = x0 + 0.04 * width, y0 + 0.04 * height, 0.012 * height

    # a white panel, then black and white halves
    ax.add_patch(
        Rectangle(
            (left - 0.025 * width, base - 0.02 * height),
            length + 0.12 * width,
            0.075 * height,
            facecolor="white",
            edgecolor="none",
            alpha=0.85,
            zorder=20,
        )
    )
    for i, colour in enumerate((INK, "white")):
        ax.add_patch(
            Rectangle(
                (left + i * length / 2, base),
                length / 2,
                bar,
                facecolor=colour,
                edgecolor=INK,
                linewidth=0.7,
                zorder=21,
            )
        )

    # the numbers over the ticks, the unit after the bar
    for x in (0.0, length / 2, length):
        ax.text(
            left + x,
            base + bar * 1.5,
            f"{x / unit:g}",
            fontsize=7,
            ha="center",
            va="bottom",
            color=INK,
            zorder=22,
        )
    name = t("units.km") if unit > 1 else t("units.m")
    ax.text(
        left + length + 0.015 * width,
        base + bar / 2,
        name,
        fontsize=7,
        ha="left",
        va="center",
        color=INK,
        zorder=22,
    )
    return length


def north_angle(crs: CRS, x: float, y: float) -> float:
    """Angle (radians, clockwise) from grid north to true north at (x, y)."""
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_grid = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    x2, y2 = to_grid.transform(lon, lat + 0.01)
    return math.atan2(x2 - x, y2 - y)


def draw_north_arrow(ax: Axes, crs: CRS) -> None:
    """An arrow to true north with an "N", at the upper right."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    size = 0.07 * min(width, height)
    cx, cy = x1 - 0.06 * width, y1 - 0.06 * height - size
    angle = north_angle(crs, (x0 + x1) / 2, (y0 + y1) / 2)
    dx, dy = size * math.sin(angle), size * math.cos(angle)

    # a white disc behind, the arrow and the letter past its tip
    ax.add_patch(
        mpl.patches.Circle(
            (cx + dx / 2, cy + dy / 2),
            size * 0.85,
            facecolor="white",
            edgecolor="none",
            alpha=0.85,
            zorder=20,
        )
    )
    ax.annotate(
        "",
        xy=(cx + dx, cy + dy),
        xytext=(cx, cy),
        zorder=21,
        arrowprops={
            "arrowstyle": "-|>,head_width=0.45,head_length=0.9",
            "color": INK,
            "linewidth": 1.6,
        },
    )
    stroked(
        ax.text,
        cx + dx * 1.3,
        cy + dy * 1.3,
        t("brief.north"),
        fontsize=10,
        ha="center",
        va="center",
        color=INK,
        zorder=21,
        effect=HEAVY,
    )


def footer(fig: Figure, as_of: str, sources: Sequence[str], crs: CRS) -> None:
    """Data date, sources and attribution, and the map's projection."""
    lines = [t("brief.data_date", date=as_of)]
    lines += [wrap(t("brief.sources", sources="; ".join(sources)), 180)]
    lines.append(t("brief.projection", crs=crs.name, code=_code(crs)))
    fig.text(
        0.03,
        0.02,
        "\n".join(lines),
        fontsize=7,
        va="bottom",
        ha="left",
        color=MUTED,
        linespacing=1.5,
    )


def _code(crs: CRS) -> str:
    """``EPSG:nnnn`` of a CRS, or "—" when it has no code."""
    found = crs.to_epsg()
    return f"EPSG:{found}" if found else "—"


# text


def text_width(text: str, size: float) -> float:
    """Width of one line of text in points at font ``size`` (kerning
    ignored: within a few per cent). Call inside :func:`drawing`."""
    family = tuple(mpl.rcParams["font.family"])
    return size * sum(_char_em(char, family) for char in text)


@functools.lru_cache(maxsize=4096)
def _char_em(char: str, family: tuple[str, ...]) -> float:
    """Advance width of a character in ems, in the first family of
    ``family`` that has it."""
    width, _, _ = text_to_path.get_text_width_height_descent(
        char, FontProperties(family=list(family), size=100), ismath=False
    )
    return float(width) / 100.0


def fit_lines(text: str, width_pt: float, size: float, *, most: int = 99) -> list[str]:
    """``text`` broken into lines no wider than ``width_pt`` at ``size``;
    past ``most`` lines the last is cut short with "…"."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if line.strip() and text_width(line + token.rstrip(), size) > width_pt:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    if len(lines) > most:
        lines = [*lines[: most - 1], _cut(" ".join(lines[most - 1 :]), width_pt, size)]
    return [_cut(line, width_pt, size) for line in lines]


def _cut(line: str, width_pt: float, size: float) -> str:
    """A line shortened with "…" until it fits ``width_pt``."""
    if text_width(line, size) <= width_pt:
        return line
    while line and text_width(line + "…", size) > width_pt:
        line = line[:-1]
    return line.rstrip() + "…"


def wrap(text: str, width: int) -> str:
    """Wrap ``text`` to about ``width`` Latin characters a line; a Chinese
    character counts as two."""
    return "\n".join(wrap_lines(text, width))


def wrap_lines(text: str, width: int) -> list[str]:
    """Lines of ``text`` wrapped as in :func:`wrap`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, width) or [""]
    return lines


def _wrap_paragraph(text: str, width: int) -> list[str]:
    """Greedy wrap: Latin words stay whole, Chinese breaks anywhere."""
    if not any(_wide(c) for c in text):
        return textwrap.wrap(text, width) or []
    lines, line, used = [], "", 0
    for token in _tokens(text):
        size = sum(2 if _wide(c) else 1 for c in token)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = token.lstrip(), size
        else:
            line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Latin words (with the space after them) and single wide characters."""
    tokens: list[str] = []
    for char in text:
        if (
            tokens
            and not _wide(char)
            and not _wide(tokens[-1][-1])
            and not tokens[-1].endswith(" ")
        ):
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _wide(char: str) -> bool:
    """Whether a character prints about twice as wide as a Latin letter."""
    return ord(char) >= 0x2E80


def _percent(share: float) -> str:
    """A share (0–1) as a whole percent (no line break before the sign)."""
    return f"{share * 100:.0f}\u00a0%"


def percent(share: float | None) -> str:
    """A share (0–1) as a whole percent, or a dash without a value."""
    return "—" if share is None or share != share else _percent(share)
