"""The folium map of an area: display copies, styles, popups, legend, basemaps.

The map loads only the Leaflet files vendored in ``static/leaflet`` (served
by Streamlit under ``/app/static``), so it works with no internet except
for the basemap tiles; ``basemap="none"`` needs none at all. Every text
that reaches the browser is HTML-escaped: names and attributes are shown
as written, never run or rendered.

Examples
--------
>>> from gis.workspace import Workspace
>>> ws = Workspace("/tmp/mapdemo.gpkg")  # doctest: +SKIP
>>> fmap = build_map(load_area_layers(ws, "sikkim"), lang="en")  # doctest: +SKIP
>>> fmap.save("/tmp/sikkim.html")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element
from folium.template import Template
from shapely.geometry import mapping

from gis._maplegend import (
    _LEGEND_CSS,
    _label,
    _Legend,
    _legend_html,
    _legend_statuses,
    _missing,
)
from gis.errors import InputError
from gis.geometry import family_of
from gis.i18n import LANGUAGES, catalog, language, t, use_language
from gis.measure import metric_crs_for, to_metric
from gis.records import SECTIONS, STATUSES, yuan
from gis.workspace import Workspace
from layers import LayerKind, get_kind

log = logging.getLogger(__name__)

ASSET_BASE = "/app/static/leaflet"
BASEMAPS = ("osm", "satellite", "tianditu", "none")
TIANDITU_ENV = "TIANDITU_KEY"

HIGHLIGHT_COLOR = "#e7298a"
NONE_BACKGROUND = "#f2efe9"
SOURCE_ID = "source_id"

# set on every feature in the browser, so a clicked feature (st_folium's
# last_active_drawing) says which layer it belongs to
KIND_PROPERTY = "vp_kind"
FAMILY_PROPERTY = "vp_family"

# the projects of the records: their own overlay, coloured by status with
# the project features' colours; lines wider than the widest road (5 px)
PROJECTS_KIND = "projects"
PROJECT_LINE_WEIGHT = 6.0
PROJECT_RADIUS = 7.0
_PROJECT_STYLE_KIND = "project_features"
_PROJECT_TEXTS = ("village_id", "name", "section", "category", "status")
# a thin dark halo sets project lines and points apart from layers of
# similar colours (areas keep their dashed outline sharp)
_PROJECT_CSS = (
    ".vp-project-line, .vp-project-point "
    "{ filter: drop-shadow(0 0 1px rgba(0,0,0,0.8)); }\n"
    # the browser's focus box around a clicked shape is not part of the map
    ".leaflet-interactive:focus { outline: none; }\n"
)

_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
_ESRI_URL = (
    "https://server.arcgisonline.com/ArcGIS/rest/services/"
    "World_Imagery/MapServer/tile/{z}/{y}/{x}"
)
_TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
    "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)

# bottom to top; kinds not listed go above the listed fills of their
# family (areas: just under the village outlines)
_DRAW_ORDER = (
    ("polygon", "farmland"),
    ("polygon", "water"),
    ("polygon", "buildings"),
    ("polygon", "relocation_sites"),
    ("polygon", "hazards"),
    ("polygon", "project_features"),
    ("polygon", "villages"),
    ("polygon", "townships"),
    ("line", "water"),
    ("line", "roads"),
    ("line", "project_features"),
    ("point", "settlements"),
    ("point", "water"),
    ("point", "facilities"),
    ("point", "hazards"),
    ("point", "relocation_sites"),
    ("point", "project_features"),
)
_TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "是"})
_FALSE_WORDS = frozenset({"0", "false", "no", "n", "f", "否"})

# characters that could end a <script> or open a comment inside JSON
_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"}

_PLACE = {pair: rank for rank, pair in enumerate(_DRAW_ORDER)}
_FAMILY_RANK = {"polygon": 0, "line": 1, "point": 2}


@dataclass(frozen=True)
class MapLayer:
    """One workspace layer ready to draw.

    ``frame`` is in lon/lat (EPSG:4326) as stored, with ``source_id``
    and canonical field names.
    """

    kind: LayerKind
    family: str
    frame: gpd.GeoDataFrame


# loading and display copies


def load_area_layers(ws: Workspace, area: str) -> list[MapLayer]:
    """Every layer of an area, in drawing order (bottom first).

    Areas come under lines under points; village outlines (and township
    outlines) go over the other areas' fills.
    """
    layers = [
        MapLayer(get_kind(i.kind), i.family, ws.read(area, i.kind, i.family))
        for i in ws.layers(area)
    ]
    log.debug("loaded %d layers of %s", len(layers), area)
    return sorted(layers, key=_draw_rank)


def _draw_rank(layer: MapLayer) -> tuple[int, float, str]:
    """Sort key: family first, then the kind's place in ``_DRAW_ORDER``."""
    unknown = (
        _PLACE[("polygon", "villages")] - 0.5
        if layer.family == "polygon"
        else float(len(_DRAW_ORDER))
    )
    place = _PLACE.get((layer.family, layer.kind.key), unknown)
    return _FAMILY_RANK.get(layer.family, 3), place, layer.kind.key


def display_copy(
    layer: MapLayer, *, tolerance_m: float = 3.0, decimals: int = 5
) -> gpd.GeoDataFrame:
    """A light copy of a layer for the browser.

    Keeps ``source_id``, the name, the style's category and size fields
    and the popup fields. Lines and areas are simplified by
    ``tolerance_m`` metres in the local metric CRS (topology kept), then
    every coordinate is rounded to ``decimals`` degrees in lon/lat
    (5 decimals ≈ 1 m); features that collapse are dropped. Category
    values become canonical so the style matches them; every text value
    is HTML-escaped.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326, same index as ``layer.frame``.
    """
    frame = layer.frame[_display_columns(layer)].copy()
    tolerance_m = 0.0 if layer.family == "point" else tolerance_m
    frame = _light_geometry(frame, tolerance_m, decimals)

    # canonical categories, escaped text
    for column in frame.columns.drop(frame.geometry.name):
        frame[column] = _display_values(layer.kind, column, frame[column])
    return frame


def _light_geometry(
    frame: gpd.GeoDataFrame, tolerance_m: float, decimals: int
) -> gpd.GeoDataFrame:
    """Rows with a geometry, simplified in metres and rounded in lon/lat.

    Rows whose geometry is missing, empty or collapses are dropped.
    """
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    if frame.empty:
        return frame

    # simplify in metres, never in degrees
    if tolerance_m > 0:
        metric = to_metric(frame, metric_crs_for(frame))
        simple = metric.geometry.simplify(tolerance_m, preserve_topology=True)
        frame = metric.set_geometry(simple).to_crs("EPSG:4326")

    # snap to the decimal grid, then round so numbers print short
    geoms = shapely.set_precision(np.asarray(frame.geometry), 10.0**-decimals)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    return frame[~frame.geometry.is_empty]


def _display_columns(layer: MapLayer) -> list[str]:
    """Columns a display copy keeps, present in the frame, in order."""
    kind, style = layer.kind, layer.kind.style
    wanted = [
        SOURCE_ID,
        kind.name_field,
        style.category_field,
        style.size_field,
        *kind.popup_fields,
    ]
    present = [c for c in dict.fromkeys(wanted) if c and c in layer.frame.columns]
    return [*present, layer.frame.geometry.name]


def _display_values(kind: LayerKind, column: str, values: pd.Series) -> pd.Series:
    """One column made canonical and safe for the browser.

    Categories become canonical keys, flags ``True``/``False``, numbers
    stay numbers; everything else is escaped text.
    """
    out: list[object]
    if kind.category_spec(column) is not None:
        out = [_canonical(kind, column, v) for v in values]
    elif column == SOURCE_ID:
        out = [_text(v) for v in values]
    elif kind.field(column).dtype == "bool":
        out = [_flag(v) for v in values]
    elif kind.field(column).dtype in ("int", "float"):
        out = [_number(v) for v in values]
    else:
        out = [_text(v) for v in values]
    return pd.Series(out, index=values.index, dtype=object)


def _canonical(kind: LayerKind, column: str, raw: object) -> str | None:
    """Canonical category value, else the raw value escaped."""
    if _missing(raw):
        return None
    return kind.canonical_value(column, raw) or html.escape(str(raw))


def _text(value: object) -> str | None:
    """A value as escaped text; dates in ISO form."""
    if _missing(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return html.escape(str(value))


def _flag(value: object) -> bool | str | None:
    """A yes/no value stored as bool, number or word; else escaped text."""
    if _missing(value):
        return None
    if isinstance(value, bool | np.bool_ | int | float | np.number):
        return bool(value)
    word = str(value).strip().casefold()
    if word in _TRUE_WORDS or word in _FALSE_WORDS:
        return word in _TRUE_WORDS
    return html.escape(str(value))


def _number(value: object) -> float | int | str | None:
    """A finite number as a plain int or float; else escaped text."""
    if _missing(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return html.escape(str(value))
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


# the map


def build_map(
    layers: Sequence[MapLayer],
    *,
    basemap: str = "osm",
    tianditu_key: str | None = None,
    lang: str | None = None,
    asset_base: str = ASSET_BASE,
    highlight: str | int | None = None,
    focus: tuple[float, float, float, float] | None = None,
    projects: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """The folium map of some layers, drawn in the order given.

    Parameters
    ----------
    layers : sequence of MapLayer
        Bottom layer first (see :func:`load_area_layers`).
    basemap : {"osm", "satellite", "tianditu", "none"}
        ``"none"`` draws no tiles and needs no internet.
    tianditu_key : str, optional
        Tianditu key (``tk``); defaults to the ``TIANDITU_KEY``
        environment variable.
    lang : {"zh", "en"}, optional
        Language of labels, popups and legend; the current one if left out.
    asset_base : str
        URL folder of the vendored ``leaflet.js`` and ``leaflet.css``.
    highlight : str or int, optional
        ``source_id`` of the village to draw highlighted.
    focus : tuple, optional
        (minx, miny, maxx, maxy) lon/lat to zoom to, e.g. the chosen
        village; all layers when left out.
    projects : geopandas.GeoDataFrame, optional
        Project features of the records in lon/lat
        (:func:`gis.records.project_features`), drawn on top as the
        "Projects" overlay, coloured by status, with a legend row per
        status. None or no rows: no overlay.

    Returns
    -------
    folium.Map
        One FeatureGroup per layer, a layer control and a legend.
        Rendering it (``st_folium`` or ``get_root().render()``) is the
        costly step: build it once per area, basemap, language and
        highlight, not on every rerun.

    Raises
    ------
    gis.errors.InputError
        Unknown basemap or language, or Tianditu without a key.
    """
    with _language(lang):
        tiles = basemap_layers(basemap, tianditu_key=tianditu_key)
        fmap = _empty_map(asset_base, plain=not tiles)
        for tile in tiles:
            tile.add_to(fmap)

        # one group per layer; the legend lists what is drawn
        drawn = [(layer, display_copy(layer)) for layer in layers]
        for layer, light in drawn:
            _feature_group(layer, light, highlight).add_to(fmap)

        # the records' projects go on top, and first in the legend
        works = _no_rows() if projects is None else project_copy(projects)
        if not works.empty:
            _projects_group(works).add_to(fmap)
        first = _project_legend() if not works.empty else []
        _Legend(_legend_html(drawn, first=first)).add_to(fmap)

        folium.LayerControl(collapsed=True).add_to(fmap)
        bounds = _bounds(layers)
        if focus is not None:
            bounds = [[focus[1], focus[0]], [focus[3], focus[2]]]
        if bounds:
            fmap.fit_bounds(bounds)

    external = external_assets(fmap, asset_base=asset_base)
    if external:
        raise RuntimeError(f"Map elements load assets from the internet: {external}")
    return fmap


@contextlib.contextmanager
def _language(lang: str | None) -> Iterator[None]:
    """Switch the message language for the block, if one is given."""
    if lang is None:
        yield
        return
    if lang not in LANGUAGES:
        raise InputError(t("map.error_language", code=lang, valid=", ".join(LANGUAGES)))
    with use_language(lang):
        yield


def _empty_map(asset_base: str, *, plain: bool) -> folium.Map:
    """A map with no tiles that loads only the local Leaflet files."""
    fmap = folium.Map(tiles=None, control_scale=True, max_zoom=19)
    base = asset_base.rstrip("/")
    fmap.default_js = [("leaflet", f"{base}/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    css = _LEGEND_CSS + _PROJECT_CSS
    if plain:
        css += f"#{fmap.get_name()} {{ background: {NONE_BACKGROUND}; }}\n"
    root: Any = fmap.get_root()
    root.header.add_child(Element(f"<style>{css}</style>"), name="vp_css")
    return fmap


def external_assets(element: Element, *, asset_base: str = ASSET_BASE) -> list[str]:
    """URLs of scripts and stylesheets outside ``asset_base`` in a map tree."""
    base = asset_base.rstrip("/") + "/"
    links = [
        link
        for item in _walk(element)
        for attr in ("default_js", "default_css")
        for link in getattr(item, attr, ())
    ]
    urls = [link[1] for link in links]
    return [u for u in urls if not u.startswith(base)]


def _walk(element: Element) -> Iterator[Element]:
    """An element and all its descendants."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _bounds(layers: Iterable[MapLayer]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of all layers, or None if empty."""
    boxes = [layer.frame.total_bounds for layer in layers if not layer.frame.empty]
    finite = np.array([b for b in boxes if np.isfinite(b).all()]).reshape(-1, 4)
    if not len(finite):
        return None
    west, south = finite[:, 0].min(), finite[:, 1].min()
    east, north = finite[:, 2].max(), finite[:, 3].max()
    return [[float(south), float(west)], [float(north), float(east)]]


# layers that render again


class _RendersAgain(Element):
    """A layer whose "add to parent" step stays right over many renders.

    folium's Layer adds that step as a child named after itself on each
    render. ``st_folium`` renames every element whenever it shows a map,
    so a map kept across reruns would call names that no longer exist;
    the steps of earlier renders are dropped first.
    """

    def render(self, **kwargs: Any) -> Any:
        for name in [k for k in self._children if k.endswith("_add")]:
            del self._children[name]
        return super().render(**kwargs)


class _Tiles(_RendersAgain, folium.TileLayer):
    """A TileLayer that can be rendered more than once."""


class _Group(_RendersAgain, folium.FeatureGroup):
    """A FeatureGroup that can be rendered more than once."""


# basemaps


def basemap_layers(
    basemap: str, *, tianditu_key: str | None = None
) -> list[folium.TileLayer]:
    """Tile layers of a basemap (none for ``"none"``).

    Raises
    ------
    gis.errors.InputError
        Unknown basemap, or ``"tianditu"`` with no key given and none in
        the ``TIANDITU_KEY`` environment variable.
    """
    if basemap not in BASEMAPS:
        raise InputError(
            t("map.error_basemap", basemap=basemap, valid=", ".join(BASEMAPS))
        )
    if basemap == "osm":
        osm = html.escape(t("map.attribution_osm"))
        attr = f'<a href="{_OSM_COPYRIGHT}">{osm}</a>'
        return [_tiles(_OSM_URL, "map.basemap_osm", attr)]
    if basemap == "satellite":
        attr = html.escape(t("map.attribution_satellite"))
        return [_tiles(_ESRI_URL, "map.basemap_satellite", attr)]
    if basemap == "tianditu":
        return _tianditu(tianditu_key)
    return []


def _tianditu(key: str | None) -> list[folium.TileLayer]:
    """Tianditu vector map and its labels (CGCS2000, no offset)."""
    key = (key or os.environ.get(TIANDITU_ENV, "")).strip()
    if not key:
        raise InputError(t("map.error_tianditu_key", env=TIANDITU_ENV))
    attr = html.escape(t("map.attribution_tianditu"))
    tk = quote(key, safe="")
    vec = _TIANDITU_URL.replace("{layer}", "vec").replace("{key}", tk)
    cva = _TIANDITU_URL.replace("{layer}", "cva").replace("{key}", tk)
    return [
        _tiles(vec, "map.basemap_tianditu", attr, subdomains="01234567", max_zoom=18),
        _tiles(cva, "map.basemap_tianditu_labels", attr, subdomains="01234567",
               max_zoom=18, overlay=True),
    ]  # fmt: skip


def _tiles(
    url: str,
    name_key: str,
    attr: str,
    *,
    subdomains: str = "abc",
    max_zoom: int = 19,
    overlay: bool = False,
) -> folium.TileLayer:
    """One tile layer named by a message key."""
    return _Tiles(
        tiles=url,
        attr=attr,
        name=html.escape(t(name_key)),
        max_zoom=max_zoom,
        subdomains=subdomains,
        overlay=overlay,
        control=True,
    )


# one layer


def layer_name(layer: MapLayer) -> str:
    """Translated name of a layer: the kind, plus the family if it may vary."""
    label = layer.kind.label()
    if len(layer.kind.families) == 1:
        return label
    family = t(f"layers.family_{layer.family}")
    return t("map.layer_family", kind=label, family=family)


def _feature_group(
    layer: MapLayer,
    light: gpd.GeoDataFrame,
    highlight: str | int | None,
) -> folium.FeatureGroup:
    """The layer's features with style, tooltip and popup, in one group."""
    name = html.escape(layer_name(layer))
    group = _Group(name=name, show=True)
    if light.empty:
        return group

    # the highlighted village goes last, so it is drawn on top
    chosen = _chosen(layer, light, highlight)
    light = pd.concat([light[~chosen], light[chosen]])
    chosen = pd.concat([chosen[~chosen], chosen[chosen]])

    # styles are worked out here from canonical values, once per feature
    styles = _feature_styles(layer, light, chosen)
    _FeatureLayer(
        _feature_collection(light),
        name=name,
        style_function=lambda feature: dict(styles[feature["id"]]),
        texts=_layer_texts(layer, light),
        points=layer.family == "point",
    ).add_to(group)
    return group


def _chosen(
    layer: MapLayer, light: gpd.GeoDataFrame, highlight: str | int | None
) -> pd.Series:
    """Which rows are the highlighted village."""
    if highlight is None or layer.kind.key != "villages":
        return pd.Series(False, index=light.index)
    chosen: pd.Series = light[SOURCE_ID].astype(str) == html.escape(str(highlight))
    return chosen


def _feature_styles(
    layer: MapLayer, light: gpd.GeoDataFrame, chosen: pd.Series
) -> list[dict[str, object]]:
    """Leaflet path options of every feature, in row order."""
    style = layer.kind.style
    categories = _column_or_none(light, style.category_field)
    sizes = _column_or_none(light, style.size_field)
    key = layer.kind.key
    class_name = "vp-village" if key == "villages" else f"vp-{key}"

    styles = []
    for category, size, is_chosen in zip(categories, sizes, chosen, strict=True):
        size = size if isinstance(size, int | float) else None
        options = style.leaflet(category, size)
        options["className"] = class_name
        if layer.family == "line":
            options["fill"] = False  # a filled polyline closes into a shape
        if layer.family == "point":
            # half-pixel steps keep the number of distinct styles small
            options["radius"] = round(float(options["radius"]) * 2) / 2  # type: ignore[arg-type]
        else:
            del options["radius"]
        if is_chosen:
            options.update(_highlight_options(style.weight))
        styles.append(options)
    return styles


def _highlight_options(weight: float) -> dict[str, object]:
    """Path options that set the highlighted village apart."""
    return {
        "color": HIGHLIGHT_COLOR,
        "weight": max(2 * weight, 4.0),
        "fill": True,
        "fillColor": HIGHLIGHT_COLOR,
        "fillOpacity": 0.15,
        "className": "vp-village vp-highlight",
    }


def _column_or_none(frame: pd.DataFrame, column: str | None) -> list[Any]:
    """A column's values, or None for every row if there is no such column."""
    if column and column in frame.columns:
        return list(frame[column])
    return [None] * len(frame)


def _feature_collection(light: gpd.GeoDataFrame) -> dict[str, Any]:
    """GeoJSON of a display copy; ids are row numbers, empty values left out."""
    columns = [c for c in light.columns if c != light.geometry.name]
    records = light[columns].to_dict("records")
    rows = zip(records, light.geometry, strict=True)
    features = [
        {
            "type": "Feature",
            "id": number,
            "properties": {k: v for k, v in record.items() if v is not None},
            "geometry": mapping(geom),
        }
        for number, (record, geom) in enumerate(rows)
    ]
    return {"type": "FeatureCollection", "features": features}


def _layer_texts(layer: MapLayer, light: gpd.GeoDataFrame) -> dict[str, Any]:
    """Everything the browser needs to word a popup, sent once per layer.

    ``popup`` and ``tooltip`` rows are ``[field, label, type, pattern]``:
    the type says how to show the value (``cat``, ``bool``, ``int``,
    ``float``, ``text``) and the pattern puts a number with its unit.
    ``labels`` maps the canonical category values present to their
    labels. The tooltip shows the first tooltip value found, or all of
    them joined by ``join`` when given. ``tags`` (kind and family) are
    copied into every feature's properties in the browser, so a clicked
    feature says which layer it is. All text is HTML-escaped.
    """
    kind = layer.kind
    present = [f for f in kind.popup_fields if f in light.columns]
    tips = [
        f for f in (kind.name_field, kind.style.category_field)
        if f and f in light.columns
    ]  # fmt: skip
    return {
        "popup": [_field_row(kind, f) for f in present],
        "tooltip": [_field_row(kind, f) for f in dict.fromkeys(tips)],
        "labels": {f: _value_labels(kind, f, light[f]) for f in {*present, *tips}},
        "fallback": html.escape(kind.label()),
        "tags": {KIND_PROPERTY: kind.key, FAMILY_PROPERTY: layer.family},
        **_browser_words(),
    }


def _browser_words() -> dict[str, str]:
    """Yes, no and the number locale, as every layer's texts carry them."""
    return {
        "yes": html.escape(t("map.yes")),
        "no": html.escape(t("map.no")),
        "locale": "zh-CN" if language() == "zh" else "en",
    }


def _field_row(kind: LayerKind, field: str) -> list[str | None]:
    """``[field, label, type, pattern]`` of one popup field."""
    spec = kind.field(field)
    shown: str = spec.dtype
    if kind.category_spec(field):
        shown = "cat"
    elif spec.dtype in ("str", "date"):
        shown = "text"
    pattern = None
    if spec.unit:
        key = f"units.{spec.unit}"
        unit = t(key) if key in catalog() else spec.unit
        pattern = html.escape(t("map.value_unit", value="{value}", unit=unit))
    return [field, html.escape(spec.label()), shown, pattern]


def _value_labels(kind: LayerKind, field: str, values: pd.Series) -> dict[str, str]:
    """Labels of the canonical values of a category field present."""
    spec = kind.category_spec(field)
    if spec is None:
        return {}
    found = {v for v in values if isinstance(v, str) and v in spec.values}
    return {v: html.escape(_label(spec, v)) for v in sorted(found)}


class _FeatureLayer(_RendersAgain, folium.GeoJson):
    """A GeoJson layer sent compactly, worded in the browser.

    Properties stay canonical (``source_id``, name, category keys,
    numbers); the popup and tooltip turn them into text with the
    labels, units and yes/no of ``texts``, sent once per layer. The
    data is embedded as compact JSON, safe inside ``<script>``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {%- set n = this.get_name() %}
        function {{ n }}_styler(feature) {
            switch ({{ this.feature_identifier }}) {
            {%- for style, ids in this.style_map.items() if style != "default" %}
                {% for i in ids %}case {{ i|tojson }}:{% endfor %}
                    return {{ style }};
            {%- endfor %}
                default:
                    return {{ this.style_map["default"] }};
            }
        }
        var {{ n }}_texts = {{ this.texts|tojson }};
        function {{ n }}_show(p, f) {
            var v = p[f[0]], s = {{ n }}_texts;
            if (v === undefined || v === null) return null;
            if (f[2] === "bool" && typeof v === "boolean") return v ? s.yes : s.no;
            if (typeof v === "number") {
                var digits = {maximumFractionDigits: f[2] === "int" ? 0 : 2};
                var number = v.toLocaleString(s.locale, digits);
                return f[3] ? f[3].replace("{value}", number) : number;
            }
            var labels = s.labels[f[0]];
            return labels && labels[v] !== undefined ? labels[v] : String(v);
        }
        var {{ n }} = L.geoJson({{ this.compact_data }}, {
            style: {{ n }}_styler,
            onEachFeature: function (feature) {
                Object.assign(feature.properties, {{ n }}_texts.tags);
            },
            {%- if this.points %}
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, {{ n }}_styler(feature));
            },
            {%- endif %}
        });
        {{ n }}.bindTooltip(function (layer) {
            var p = layer.feature.properties, s = {{ n }}_texts, parts = [];
            s.tooltip.forEach(function (f) {
                var v = {{ n }}_show(p, f);
                if (v) parts.push(v);
            });
            var text = s.join ? parts.join(s.join) : parts[0];
            var div = L.DomUtil.create("div");
            div.innerHTML = text || s.fallback;
            return div;
        }, {sticky: true});
        {%- if this.texts.popup %}
        {{ n }}.bindPopup(function (layer) {
            var p = layer.feature.properties, rows = "";
            {{ n }}_texts.popup.forEach(function (f) {
                var v = {{ n }}_show(p, f);
                if (v === null) return;
                rows += "<tr><th>" + f[1] + "</th><td>" + v + "</td></tr>";
            });
            var div = L.DomUtil.create("div", "vp-popup");
            div.innerHTML = "<table>" + rows + "</table>";
            return div;
        }, {maxWidth: 360});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        name: str,
        style_function: Callable[[dict[str, Any]], dict[str, Any]],
        texts: dict[str, Any],
        points: bool,
    ) -> None:
        super().__init__(data, name=name, control=False, style_function=style_function)
        self._name = "FeatureLayer"
        self.texts = texts
        self.points = points

    @property
    def compact_data(self) -> str:
        """The GeoJSON as compact JSON that cannot end a ``<script>``."""
        text = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
        for char, code in _JS_UNSAFE.items():
            text = text.replace(char, code)
        return text


# the records' projects


def project_copy(
    projects: gpd.GeoDataFrame, *, tolerance_m: float = 3.0, decimals: int = 5
) -> gpd.GeoDataFrame:
    """A light copy of the records' project features for the browser.

    ``projects`` is :func:`gis.records.project_features` (lon/lat).
    Lines and areas are simplified and every coordinate rounded as in
    :func:`display_copy`. Budget and spending become yuan text
    (``budget``, ``spent``); every text value is HTML-escaped.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326: project_id, village_id, name, section, category,
        status, budget, spent, progress_pct and geometry.
    """
    frame = _light_geometry(projects.copy(), tolerance_m, decimals)
    values = {
        "project_id": [_number(v) for v in frame["project_id"]],
        **{c: [_text(v) for v in frame[c]] for c in _PROJECT_TEXTS},
        "budget": [_yuan(v) for v in frame["budget_fen"]],
        "spent": [_yuan(v) for v in frame["spent_fen"]],
        "progress_pct": [_number(v) for v in frame["progress_pct"]],
    }
    table = {
        k: pd.Series(v, index=frame.index, dtype=object) for k, v in values.items()
    }
    return gpd.GeoDataFrame(table, geometry=frame.geometry, crs="EPSG:4326")


def _no_rows() -> gpd.GeoDataFrame:
    """An empty lon/lat frame: no projects to draw."""
    return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")


def _yuan(fen: object) -> str | None:
    """Whole fen as escaped yuan text, None when missing."""
    if _missing(fen):
        return None
    return html.escape(yuan(int(fen)))  # type: ignore[call-overload]


def _projects_group(light: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """The "Projects" overlay: one feature per project, coloured by status."""
    name = html.escape(t("map.projects"))
    group = _Group(name=name, show=True)
    shapes = zip(light["status"], light.geometry, strict=True)
    styles = [_project_style(status, family_of(geom)) for status, geom in shapes]
    _FeatureLayer(
        _feature_collection(light),
        name=name,
        style_function=lambda feature: dict(styles[feature["id"]]),
        texts=_project_texts(light),
        points=True,  # only point features become circle markers
    ).add_to(group)
    return group


def _project_style(status: str | None, family: str | None) -> dict[str, object]:
    """Leaflet options of one project: its status colour, drawn by family."""
    options = get_kind(_PROJECT_STYLE_KIND).style.leaflet(status)
    family = family or "polygon"
    options["className"] = f"vp-{PROJECTS_KIND} vp-status-{status} vp-project-{family}"
    if family == "point":
        # a thick ring: apart from the filled dots of settlements and
        # facilities
        options.update(radius=PROJECT_RADIUS, weight=4.0, fill=True,
                       fillColor="#ffffff", fillOpacity=0.9)  # fmt: skip
        return options
    del options["radius"]
    if family == "line":
        options.update(weight=PROJECT_LINE_WEIGHT, fill=False, opacity=0.9)
    return options


def _project_texts(light: gpd.GeoDataFrame) -> dict[str, Any]:
    """Popup rows, tooltip (name · status) and labels of the projects."""
    percent = t("map.value_unit", value="{value}", unit="%")
    popup = [
        _text_row("name", "records.field_name", "text"),
        _text_row("section", "records.field_section", "cat"),
        _text_row("category", "records.field_category", "text"),
        _text_row("status", "records.field_status", "cat"),
        _text_row("budget", "map.project_budget", "text"),
        _text_row("spent", "map.project_spent", "text"),
        _text_row("progress_pct", "map.project_progress", "float", percent),
    ]

    # labels of the sections and statuses present
    found = {v for c in ("section", "status") for v in light[c] if v}
    labels = {
        "section": {v: t(f"records.section_{v}") for v in SECTIONS if v in found},
        "status": {v: t(f"records.status_{v}") for v in STATUSES if v in found},
    }
    return {
        "popup": popup,
        "tooltip": [popup[0], popup[3]],
        "join": " · ",
        "labels": {f: {k: html.escape(v) for k, v in m.items()}
                   for f, m in labels.items()},
        "fallback": html.escape(t("map.projects")),
        "tags": {KIND_PROPERTY: PROJECTS_KIND},
        **_browser_words(),
    }  # fmt: skip


def _text_row(
    field: str, label_key: str, shown: str, pattern: str | None = None
) -> list[str | None]:
    """``[field, label, type, pattern]`` of one popup row, escaped."""
    escaped = html.escape(pattern) if pattern else None
    return [field, html.escape(t(label_key)), shown, escaped]


def _project_legend() -> list[str]:
    """Legend rows of the projects overlay: one per status, in order."""
    style = get_kind(_PROJECT_STYLE_KIND).style
    entries = [
        (style.color_for(s), t(f"records.status_{s}"), bool(style.dash_array_for(s)))
        for s in STATUSES
    ]
    return _legend_statuses(t("map.projects"), entries)


def legend_html(fmap: folium.Map) -> str:
    """The legend's HTML of a map built by :func:`build_map` ("" if none)."""
    legends = [e.html for e in _walk(fmap) if isinstance(e, _Legend)]
    return str(legends[0]) if legends else ""
