"""Briefing outputs as HTML: the interactive progress map and the noticeboards.

Each is one self-contained file: the progress map carries Leaflet's
script, stylesheet and icons inline (from ``static/leaflet``), so it
opens offline; only basemap tiles, when a basemap is chosen, come from
the internet. Every text from the data is HTML-escaped: a name is shown
as written, never run or rendered.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from gis import mapview
from gis._brief_text import (
    built_rows,
    complaint_text,
    inspection_lines,
    money_rows,
    people_rows,
    project_rows,
    summary_lines,
    unassigned_line,
    village_period,
)
from gis._maplegend import _Legend
from gis.areas import area_title
from gis.briefing import (
    Progress,
    ProjectSheet,
    VillageSheet,
    class_labels,
)
from gis.i18n import language, t
from gis.records import STATUSES
from layers import get_kind

LEAFLET_DIR = Path(__file__).resolve().parent.parent / "static" / "leaflet"
# a stand-in asset folder, replaced by the files' contents
_INLINE = "vp-inline"
_STATUS_STYLE = get_kind("project_features").style

_BOX_CSS = """
.vp-brief { background: rgba(255,255,255,0.94); padding: 8px 10px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
  font: 13px/1.45 sans-serif; max-width: 420px; }
.vp-brief h1 { font-size: 17px; margin: 0 0 4px; }
.vp-brief p { margin: 2px 0; }
.vp-brief .vp-small { font-size: 11px; color: #555; }
.vp-north { font: bold 15px sans-serif; text-align: center; line-height: 1.1;
  background: rgba(255,255,255,0.94); padding: 4px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
"""


class _Box(MacroElement):
    """A Leaflet control at ``position`` holding ready-made, escaped HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, position: str, css_class: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "BriefBox"
        self.html = html_text
        self.position = position
        self.css_class = css_class


class _MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo(
            {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MetricScale"


# the progress map


def progress_map(
    progress: Progress,
    *,
    basemap: str = "none",
    asset_base: str = mapview.ASSET_BASE,
    figures: bool = True,
) -> folium.Map:
    """The folium map of an area's progress: villages by completion,
    projects by status on top, legend, title, data date and sources,
    and (``figures``) the counts and money a briefing quotes.

    Leaflet loads from ``asset_base`` (the app's vendored copy by
    default); :func:`progress_html` makes a file with it inline.
    """
    fmap = mapview.build_map(
        [], basemap=basemap, projects=progress.projects, asset_base=asset_base
    )

    # keep the projects group, drop the default legend and layer control
    children = fmap._children
    projects = [k for k, c in children.items() if isinstance(c, folium.FeatureGroup)]
    kept = {k: children.pop(k) for k in projects}
    for name in [
        k for k, c in children.items() if isinstance(c, folium.LayerControl | _Legend)
    ]:
        del children[name]

    # a metric scale only (Leaflet's default adds miles)
    fmap.control_scale = False
    _MetricScale().add_to(fmap)

    # villages under the projects, then the boxes around the map
    _villages_layer(progress).add_to(fmap)
    for name, child in kept.items():
        children[name] = child
    _Legend(_legend_html(progress.measure)).add_to(fmap)
    _Box(_title_html(progress, figures=figures), position="topright",
         css_class="vp-brief").add_to(fmap)  # fmt: skip
    _Box(
        f"▲<br>{html.escape(t('brief.north'))}",
        position="topleft",
        css_class="vp-north",
    ).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    root: Any = fmap.get_root()
    root.header.add_child(folium.Element(f"<style>{_BOX_CSS}</style>"), name="vp_brief")

    minx, miny, maxx, maxy = progress.villages.total_bounds
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def progress_html(progress: Progress, *, basemap: str = "none") -> str:
    """The progress map as one HTML file with Leaflet inline."""
    fmap = progress_map(progress, basemap=basemap, asset_base=_INLINE)
    page = fmap.get_root().render()
    return inline_leaflet(page)


def inline_leaflet(page: str) -> str:
    """Replace the links to ``vp-inline/leaflet.*`` by the files' contents
    (images in the stylesheet become data URIs)."""
    script = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    script = script.replace("</script", "<\\/script")
    style = re.sub(
        r"url\((images/[\w.-]+\.png)\)",
        lambda m: f"url({_data_uri(LEAFLET_DIR / m.group(1))})",
        (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8"),
    )
    page = page.replace(
        f'<script src="{_INLINE}/leaflet.js"></script>', f"<script>{script}</script>"
    )
    return page.replace(
        f'<link rel="stylesheet" href="{_INLINE}/leaflet.css"/>',
        f"<style>{style}</style>",
    )


def _data_uri(path: Path) -> str:
    """A PNG file as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def _villages_layer(progress: Progress) -> folium.GeoJson:
    """Villages filled with their class colour; tooltip: name and share."""
    villages = progress.villages
    shown = villages.assign(
        name=[html.escape(str(n)) for n in villages["name"]],
        share=[_percent(s) for s in villages["share"]],
    )[["name", "share", "colour", "in_programme", "geometry"]]
    return folium.GeoJson(
        shown.to_json(drop_id=True),
        name=html.escape(t(f"brief.legend_{progress.measure}")),
        style_function=_village_style,
        tooltip=folium.GeoJsonTooltip(
            ["name", "share"],
            aliases=[html.escape(t("brief.notice_village")),
                     html.escape(t("brief.col_share"))],
        ),
    )  # fmt: skip


def _village_style(feature: dict[str, Any]) -> dict[str, object]:
    """Fill of the village's class; villages in the programme outlined."""
    joined = bool(feature["properties"]["in_programme"])
    return {
        "fillColor": feature["properties"]["colour"],
        "color": "#222222" if joined else "#777777",
        "weight": 2.5 if joined else 1,
        "fillOpacity": 0.75,
        "className": "vp-progress",
    }


def _legend_html(measure: str) -> str:
    """Legend rows: the completion classes, then the project statuses."""
    rows = [f"<b>{html.escape(t(f'brief.legend_{measure}'))}</b>"]
    rows += [
        f'<div class="vp-row"><i style="width:14px;height:12px;background:{colour};'
        f'border:1px solid #555"></i><span>{html.escape(label)}</span></div>'
        for colour, label in class_labels()
    ]
    rows.append(
        '<div class="vp-row"><i style="width:14px;height:12px;'
        'border:2.5px solid #222"></i>'
        f"<span>{html.escape(t('brief.legend_outlined'))}</span></div>"
    )
    rows.append(f"<b>{html.escape(t('brief.legend_projects'))}</b>")
    for status in STATUSES:
        line = "dashed" if _STATUS_STYLE.dash_array_for(status) else "solid"
        colour = _STATUS_STYLE.color_for(status)
        rows.append(
            f'<div class="vp-row"><i style="width:18px;height:0;'
            f'border-top:5px {line} {colour}"></i>'
            f"<span>{html.escape(t(f'records.status_{status}'))}</span></div>"
        )
    return "".join(rows)


def _title_html(progress: Progress, *, figures: bool = True) -> str:
    """Title, what the colours mean, the figures, data date and sources
    (escaped)."""
    title = t("brief.map_title", area=area_title(progress.area))
    subtitle = t(
        "brief.map_subtitle",
        measure=t(f"brief.measure_{progress.measure}"),
        date=progress.as_of.isoformat(),
    )
    small = [
        t("brief.data_date", date=progress.as_of.isoformat()),
        t("brief.sources", sources="; ".join(progress.sources)),
    ]
    lines = summary_lines(progress) if figures else []
    listed = "".join(f"<li>{html.escape(s)}</li>" for s in lines)
    return (
        f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>"
        + (f'<ul class="vp-figures">{listed}</ul>' if listed else "")
        + "".join(f'<p class="vp-small">{html.escape(s)}</p>' for s in small)
    )


def _percent(share: object) -> str:
    """A share (0–1) as a percent, or a dash."""
    if not isinstance(share, float) or share != share:
        return "—"
    return f"{share * 100:.0f} %"


# the noticeboards

_BOARD_CSS = """
@page { size: A3 portrait; margin: 18mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  "WenQuanYi Micro Hei", sans-serif; color: #222; margin: 0 auto;
  max-width: 1000px; padding: 24px; font-size: 22px; line-height: 1.5; }
header.band { background: #a31d24; color: #fff; text-align: center;
  padding: 18px 12px; font-size: 40px; font-weight: bold; }
/* browsers leave out backgrounds when printing unless asked */
header.band, th, tr:nth-child(even) td { -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
.sub { color: #555; font-size: 26px; margin: 10px 0 4px; }
h2 { border-left: 8px solid #a31d24; padding-left: 12px; font-size: 28px;
  margin: 28px 0 10px; }
table { width: 100%; border-collapse: collapse; }
th { background: #e4e4e4; text-align: left; }
th, td { padding: 6px 10px; vertical-align: top; }
tr:nth-child(even) td { background: #f3f3f3; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px;
  margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
footer { color: #666; font-size: 16px; margin-top: 28px; }
"""


def village_noticeboard_html(
    sheet: VillageSheet, *, complaint: str | None = None, today: dt.date | None = None
) -> str:
    """A village's noticeboard as one printable HTML page (A3)."""
    title = t("brief.nb_village_title", village=sheet.name)
    body = [
        f'<header class="band">{_e(title)}</header>',
        f'<p class="sub">{_e(village_period(sheet))}</p>',
        _section("brief.nb_people", _pairs(people_rows(sheet.records.assistance))),
        _section(
            "brief.nb_money",
            _money(money_rows(sheet.records.money))
            + "".join(f"<p>{_e(n)}</p>" for n in [unassigned_line(sheet)] if n),
        ),
        _section(
            "brief.nb_built",
            _table(
                (
                    "col_project",
                    "col_quantity",
                    "col_status",
                    "col_budget",
                    "col_years",
                ),
                built_rows(sheet),
                right=(3,),
            ),
        ),
        _section(
            "brief.nb_complain",
            f"<p>{_e(complaint or complaint_text(sheet.records.assistance))}</p>",
        ),
        _footer(sheet.as_of, today),
    ]
    return _document(title, body)


def project_noticeboard_html(
    sheet: ProjectSheet, *, complaint: str | None = None, today: dt.date | None = None
) -> str:
    """A project's notice (before building or after acceptance) as HTML."""
    title = t(f"brief.nb_project_{sheet.stage}")
    body = [
        f'<header class="band">{_e(title)}</header>',
        f'<p class="sub"><b>{_e(sheet.project["name"])}</b></p>',
        _section("brief.nb_project_what", _pairs(project_rows(sheet))),
        _section("brief.nb_funds", _money(money_rows(sheet.money))),
    ]
    if sheet.stage == "after":
        lines = inspection_lines(sheet)
        items = "".join(f"<li>{_e(line)}</li>" for line in lines)
        listing = f"<ul>{items}</ul>" if lines else f"<p>{_e(t('brief.no_rows'))}</p>"
        body.append(_section("brief.nb_inspections", listing))
    body += [
        _section(
            "brief.nb_complain",
            f"<p>{_e(complaint or complaint_text(sheet.assistance))}</p>",
        ),
        _footer(sheet.as_of, today),
    ]
    return _document(title, body)


def _document(title: str, body: Sequence[str]) -> str:
    """A whole HTML page in the current language."""
    lang = "zh-Hans" if language() == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_BOARD_CSS}</style>\n</head>\n"
        f"<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _section(heading: str, content: str) -> str:
    """A heading and its content."""
    return f"<section><h2>{_e(t(heading))}</h2>{content}</section>"


def _pairs(rows: Sequence[tuple[str, str]]) -> str:
    """Label and value rows as a definition list."""
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return f"<dl>{items}</dl>"


def _money(rows: Sequence[Sequence[str]]) -> str:
    """The money table; its last row (the total) in bold."""
    return _table(
        ("col_channel", "col_allocated", "col_spent"), rows, right=(1, 2), total=True
    )


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[int] = (),
    total: bool = False,
) -> str:
    """A table with translated headers (or "none on record")."""
    if not rows:
        return f"<p>{_e(t('brief.no_rows'))}</p>"

    def cell(tag: str, i: int, text: str) -> str:
        css = ' class="num"' if i in right else ""
        return f"<{tag}{css}>{_e(text)}</{tag}>"

    head = "".join(cell("th", i, t(f"brief.{h}")) for i, h in enumerate(headers))
    lines = []
    for n, row in enumerate(rows):
        css = ' class="total"' if total and n == len(rows) - 1 else ""
        cells = "".join(cell("td", i, str(v)) for i, v in enumerate(row))
        lines.append(f"<tr{css}>{cells}</tr>")
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
    )


def _footer(as_of: dt.date, today: dt.date | None) -> str:
    """Publication and data dates."""
    day = today or dt.date.today()
    text = t("brief.nb_published", date=day.isoformat(), as_of=as_of.isoformat())
    return f"<footer>{_e(text)}</footer>"


def _e(value: object) -> str:
    """Text from the data or the catalogue, escaped for HTML."""
    return html.escape(str(value))
