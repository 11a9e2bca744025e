"""The Sketch page's map: drawing tools over an area's layers.

Leaflet.draw is served by the app from ``static/leaflet-draw`` (no
internet needed). The kept sketches go into the tools' editable group,
every new drawing gets a UUID in the browser the moment it is drawn, and
an overlay (changed without reloading the map) shows the chosen sketch
as it will be saved and who it brings within reach.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import shapely
import shapely.geometry
from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template

from gis.i18n import t
from gis.mapview import ASSET_BASE
from gis.sketch import SnappedEnd
from gis.sketchbook import Sketch, is_sketch_id

DRAW_ASSETS = "/app/static/leaflet-draw"
SKETCH_STYLE = {"color": "#c51b7d", "weight": 4, "opacity": 0.85, "fillOpacity": 0.2}
OVERLAY_STYLE = {
    "sketch": {"color": "#111111", "weight": 2, "dashArray": "6 4", "fill": False},
    "snap": {"radius": 5, "color": "#111111", "weight": 2, "fillColor": "#ffffff",
             "fillOpacity": 1.0},
    "out": {"radius": 7, "color": "#e41a1c", "weight": 2, "fill": False},
    "newly": {"radius": 7, "color": "#1a9850", "weight": 2, "fillColor": "#1a9850",
              "fillOpacity": 0.8},
}  # fmt: skip
# Leaflet.draw's texts (L.drawLocal paths) and the messages that word them
_DRAW_TEXTS = {
    "draw.toolbar.buttons.polyline": "sketch.draw_line",
    "draw.toolbar.buttons.polygon": "sketch.draw_area",
    "draw.toolbar.buttons.marker": "sketch.draw_point",
    "draw.toolbar.actions.title": "sketch.draw_cancel_title",
    "draw.toolbar.actions.text": "sketch.draw_cancel",
    "draw.toolbar.finish.title": "sketch.draw_finish_title",
    "draw.toolbar.finish.text": "sketch.draw_finish",
    "draw.toolbar.undo.title": "sketch.draw_undo_title",
    "draw.toolbar.undo.text": "sketch.draw_undo",
    "draw.handlers.polyline.tooltip.start": "sketch.draw_line_start",
    "draw.handlers.polyline.tooltip.cont": "sketch.draw_line_cont",
    "draw.handlers.polyline.tooltip.end": "sketch.draw_line_end",
    "draw.handlers.polyline.error": "sketch.draw_crossing",
    "draw.handlers.polygon.tooltip.start": "sketch.draw_area_start",
    "draw.handlers.polygon.tooltip.cont": "sketch.draw_area_cont",
    "draw.handlers.polygon.tooltip.end": "sketch.draw_area_end",
    "draw.handlers.marker.tooltip.start": "sketch.draw_point_start",
    "edit.toolbar.buttons.edit": "sketch.edit",
    "edit.toolbar.buttons.editDisabled": "sketch.edit_none",
    "edit.toolbar.buttons.remove": "sketch.remove",
    "edit.toolbar.buttons.removeDisabled": "sketch.edit_none",
    "edit.toolbar.actions.save.title": "sketch.edit_save_title",
    "edit.toolbar.actions.save.text": "sketch.edit_save",
    "edit.toolbar.actions.cancel.title": "sketch.edit_cancel_title",
    "edit.toolbar.actions.cancel.text": "sketch.draw_cancel",
    "edit.toolbar.actions.clearAll.title": "sketch.edit_clear_title",
    "edit.toolbar.actions.clearAll.text": "sketch.edit_clear",
    "edit.handlers.edit.tooltip.text": "sketch.edit_tip",
    "edit.handlers.edit.tooltip.subtext": "sketch.edit_subtip",
    "edit.handlers.remove.tooltip.text": "sketch.remove_tip",
}
# characters that could end a <script> inside embedded JSON
_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def sketch_map(
    fmap: folium.Map,
    sketches: Sequence[Sketch],
    *,
    draw_base: str = DRAW_ASSETS,
    leaflet_base: str = ASSET_BASE,
) -> folium.Map:
    """Add the drawing tools and the kept sketches to a map.

    ``fmap`` is a map of the area's layers
    (:func:`gis.mapview.build_map`). The kept ``sketches`` go into the
    drawing tools' editable group, so they can be edited and deleted;
    each carries its id as ``sketch_id``, and every new drawing gets a
    new random UUID there the moment it is drawn. Lines, areas and
    points can be drawn (no circles or rectangles); Leaflet.draw is
    loaded from ``draw_base`` and the markers' images from
    ``leaflet_base``, both served by the app (no internet needed).
    The toolbar speaks the current language.

    Returns
    -------
    folium.Map
        ``fmap``, changed in place. Its drawings come back through
        ``st_folium`` as ``all_drawings`` (GeoJSON features).
    """
    group = _SketchGroup(_features(sketches), _draw_texts(),
                         icon_path=f"{leaflet_base.rstrip('/')}/images/")  # fmt: skip
    group.add_to(fmap)
    draw = Draw(  # type: ignore[no-untyped-call]
        feature_group=group, show_geometry_on_click=False, position="topleft",
        draw_options={
            "polyline": {"shapeOptions": SKETCH_STYLE},
            "polygon": {"allowIntersection": False, "showArea": False,
                        "shapeOptions": SKETCH_STYLE},
            "marker": {}, "circle": False, "rectangle": False, "circlemarker": False,
        },
        edit_options={"poly": {"allowIntersection": False}},
    )  # fmt: skip
    base = draw_base.rstrip("/")
    draw.default_js = [("leaflet_draw_js", f"{base}/leaflet.draw.js")]
    draw.default_css = [("leaflet_draw_css", f"{base}/leaflet.draw.css")]
    draw.add_to(fmap)
    return fmap


def overlay(
    *,
    chosen: shapely.Geometry | None = None,
    ends: Sequence[SnappedEnd] = (),
    out: gpd.GeoDataFrame | None = None,
    newly: gpd.GeoDataFrame | None = None,
) -> folium.FeatureGroup:
    """What the page shows over the drawings, changed without reloading
    the map (``st_folium``'s ``feature_group_to_add``): units ``out`` of
    reach (red rings), units ``newly`` within reach (green dots), and
    the ``chosen`` sketch as it will be saved (dashed) with its snapped
    ``ends``. Nothing in it takes clicks, so the drawings stay editable.
    """
    features = []
    for role, frame in (("out", out), ("newly", newly)):
        if frame is not None and not frame.empty:
            features += [_feature(p, role) for p in frame.geometry]
    if chosen is not None:
        features.append(_feature(chosen, "sketch"))
    features += [_feature(shapely.Point(e.lonlat), "snap") for e in ends]
    group = folium.FeatureGroup(name="sketch-overlay", control=False)
    _Overlay({"type": "FeatureCollection", "features": features}).add_to(group)
    return group


def view_bounds(
    sketches: Sequence[Sketch], *, pad: float = 0.25, least_deg: float = 0.004
) -> tuple[float, float, float, float] | None:
    """Lon/lat box (minx, miny, maxx, maxy) to open the map on: the
    sketches with a margin of ``pad`` of their size each side, at least
    ``least_deg`` degrees (about 400 m); None without sketches."""
    if not sketches:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds([s.geometry for s in sketches])
    dx = max((maxx - minx) * pad, least_deg)
    dy = max((maxy - miny) * pad, least_deg)
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def _features(sketches: Sequence[Sketch]) -> dict[str, Any]:
    """The sketches as a GeoJSON collection carrying their ids."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"sketch_id": s.id},
             "geometry": shapely.geometry.mapping(s.geometry)}
            for s in sketches if is_sketch_id(s.id)
        ],
    }  # fmt: skip


def _feature(geometry: shapely.Geometry, role: str) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"role": role},
            "geometry": shapely.geometry.mapping(geometry)}  # fmt: skip


def _draw_texts() -> dict[str, str]:
    """Leaflet.draw's texts in the current language, by L.drawLocal path."""
    return {path: t(key) for path, key in _DRAW_TEXTS.items()}


def _script_json(data: object) -> str:
    """Compact JSON that cannot end a ``<script>``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, code in _JS_UNSAFE.items():
        text = text.replace(char, code)
    return text


class _SketchGroup(MacroElement):
    """The drawing tools' editable group, holding the kept sketches.

    Before the tools are made, the toolbar texts are set and the legend
    is folded away (the map is for drawing); after every
    new drawing, the drawing gets a ``sketch_id`` (a random UUID, made
    with ``crypto.getRandomValues`` where ``randomUUID`` is not offered
    outside https).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        // markers' images from the app's copy of Leaflet, not from a
        // path guessed from the style sheets loaded so far
        L.Icon.Default.imagePath = {{ this.icon_path|tojson }};
        (function (texts) {
            Object.keys(texts).forEach(function (path) {
                var keys = path.split("."), node = L.drawLocal;
                keys.slice(0, -1).forEach(function (k) {
                    node = node[k] = node[k] || {};
                });
                node[keys[keys.length - 1]] = texts[path];
            });
        })({{ this.texts_json }});
        {%- set group = this.get_name() %}
        var {{ group }} = L.featureGroup().addTo({{ this._parent.get_name() }});
        L.geoJson({{ this.data_json }}, {
            style: function () { return {{ this.style_json }}; },
            pointToLayer: function (feature, latlng) { return L.marker(latlng); }
        }).eachLayer(function (layer) { {{ group }}.addLayer(layer); });
        function {{ this.get_name() }}_id() {
            var c = window.crypto;
            if (c.randomUUID) { return c.randomUUID(); }
            var b = c.getRandomValues(new Uint8Array(16));
            b[6] = (b[6] & 15) | 64;
            b[8] = (b[8] & 63) | 128;
            var h = Array.prototype.map.call(b, function (x) {
                return (x + 256).toString(16).slice(1);
            }).join("");
            return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16),
                    h.slice(16, 20), h.slice(20)].join("-");
        }
        document.querySelectorAll(".vp-legend details").forEach(function (d) {
            d.open = false;  // folded: the map is for drawing
        });
        {{ this._parent.get_name() }}.on(L.Draw.Event.CREATED, function (e) {
            var feature = e.layer.feature = e.layer.feature || {type: "Feature"};
            feature.properties = feature.properties || {};
            feature.properties.sketch_id = {{ this.get_name() }}_id();
        });
        {% endmacro %}
        """
    )

    def __init__(
        self, data: dict[str, Any], texts: dict[str, str], *, icon_path: str
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SketchGroup"
        self.data_json = _script_json(data)
        self.texts_json = _script_json(texts)
        self.style_json = _script_json(SKETCH_STYLE)
        self.icon_path = icon_path


class _Overlay(MacroElement):
    """Points and lines drawn over the map by role, taking no clicks."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (styles) {
            L.geoJson({{ this.data_json }}, {
                interactive: false,
                style: function (f) { return styles[f.properties.role]; },
                pointToLayer: function (f, latlng) {
                    var s = Object.assign({interactive: false},
                                          styles[f.properties.role]);
                    return L.circleMarker(latlng, s);
                }
            }).addTo({{ this._parent.get_name() }});
        })({{ this.styles_json }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SketchOverlay"
        self.data_json = _script_json(data)
        self.styles_json = _script_json(OVERLAY_STYLE)
