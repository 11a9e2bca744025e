"""Plumbing of the map legend: swatches and category rows, as escaped HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from gis.i18n import catalog, t
from layers import Category, LayerKind

if TYPE_CHECKING:
    from gis.mapview import MapLayer


def _missing(value: object) -> bool:
    """Whether a cell is empty (None, NaN, NA, NaT)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _label(spec: Category, value: str) -> str:
    """Translated label of a canonical category value (the value if none)."""
    key = spec.label_key(value)
    return t(key) if key in catalog() else value


# the legend

_LEGEND_CSS = """
.vp-legend { background: rgba(255,255,255,0.92); padding: 6px 8px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
  font: 12px/1.4 sans-serif; max-height: 35vh; max-width: 240px;
  overflow-y: auto; }
.vp-legend summary { font-weight: bold; font-size: 13px; cursor: pointer; }
.vp-legend .vp-kind { margin-top: 4px; font-weight: bold; }
.vp-legend .vp-row { display: flex; align-items: center; gap: 6px; }
.vp-legend .vp-cat { padding-left: 12px; }
.vp-legend i { display: inline-block; flex: none; box-sizing: border-box; }
"""


class _Legend(MacroElement):
    """A Leaflet control (bottom right) holding ready-made, escaped HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "vp-legend");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.html = html_text


def _legend_html(
    drawn: Sequence[tuple[MapLayer, gpd.GeoDataFrame]], *, first: Sequence[str] = ()
) -> str:
    """Legend rows: ``first`` (ready-made rows), then each kind drawn with
    its swatches and its categories."""
    families: dict[str, list[str]] = {}
    values: dict[str, set[str | None]] = {}
    kinds: dict[str, LayerKind] = {}
    for layer, light in drawn:
        key = layer.kind.key
        kinds.setdefault(key, layer.kind)
        families.setdefault(key, []).append(layer.family)
        values.setdefault(key, set()).update(_category_values(layer.kind, light))

    # a <details> block, so the legend folds away from a small map
    rows = [f"<details open><summary>{html.escape(t('map.legend'))}</summary>"]
    rows.extend(first)
    for key, kind in kinds.items():
        rows.append(_legend_kind(kind, families[key]))
        rows.extend(_legend_categories(kind, families[key], values[key]))
    rows.append("</details>")
    return "".join(rows)


def _legend_statuses(title: str, entries: Sequence[tuple[str, str, bool]]) -> list[str]:
    """Rows of an overlay by status: its title, then a thick line swatch
    per ``(colour, label, dashed)`` entry."""
    rows = [f'<div class="vp-row vp-kind"><span>{html.escape(title)}</span></div>']
    for color, label, dashed in entries:
        line = "dashed" if dashed else "solid"
        swatch = f'<i style="width:18px;height:0;border-top:5px {line} {color}"></i>'
        text = f"<span>{html.escape(label)}</span>"
        rows.append(f'<div class="vp-row vp-cat">{swatch}{text}</div>')
    return rows


def _category_values(kind: LayerKind, light: gpd.GeoDataFrame) -> set[str | None]:
    """Canonical values of the style's category field in a display copy."""
    field = kind.style.category_field
    if not field or field not in light.columns:
        return set()
    return {None if _missing(v) else str(v) for v in light[field]}


def _legend_kind(kind: LayerKind, families: Sequence[str]) -> str:
    """The row of a kind: one swatch per family drawn, then its label."""
    swatches = "".join(_swatch(kind, family) for family in families)
    label = html.escape(kind.label())
    return f'<div class="vp-row vp-kind">{swatches}<span>{label}</span></div>'


def _legend_categories(
    kind: LayerKind, families: Sequence[str], values: set[str | None]
) -> list[str]:
    """Rows of the categories present, in the category's order."""
    style = kind.style
    spec = kind.category_spec(style.category_field or "")
    if spec is None or not values:
        return []
    styled = [v for v in spec.values if v in values and v in style.category_colors]
    rows: list[tuple[str | None, str]] = [(v, _label(spec, v)) for v in styled]
    if values - set(styled):
        rows.append((None, t("map.other")))
    return [
        f'<div class="vp-row vp-cat">{_swatch(kind, families[0], value)}'
        f"<span>{html.escape(label)}</span></div>"
        for value, label in rows
    ]


def _swatch(kind: LayerKind, family: str, category: str | None = None) -> str:
    """A small symbol drawn like the layer: dot, line or box."""
    options = kind.style.leaflet(category)
    color, fill = options["color"], options["fillColor"]
    if family == "point":
        return (
            f'<i style="width:12px;height:12px;border-radius:50%;'
            f'border:1px solid {color};background:{fill}"></i>'
        )
    if family == "line":
        line = "dashed" if "dashArray" in options else "solid"
        weight = min(max(float(options["weight"]), 2.0), 5.0)  # type: ignore[arg-type]
        return (
            f'<i style="width:18px;height:0;'
            f'border-top:{weight:g}px {line} {color}"></i>'
        )
    alpha = f"{round(float(options['fillOpacity']) * 255):02x}"  # type: ignore[arg-type]
    line = "dashed" if "dashArray" in options else "solid"
    return (
        f'<i style="width:14px;height:12px;border:2px {line} {color};'
        f'background:{fill}{alpha}"></i>'
    )
