"""Choropleth of one coverage indicator, with the uncovered settlements.

Built on :func:`gis.mapview.build_map` (local Leaflet, basemaps), so it
draws offline like the Map page.
"""

from __future__ import annotations

import html
import math

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from gis import mapview
from gis._maplegend import _Legend
from gis.coverage import CoverageResult
from gis.errors import InputError
from gis.i18n import t

# share covered (%) -> colour, worst first (colour-blind safe, ColorBrewer RdYlBu)
BINS = (
    (25.0, "#d73027"),
    (50.0, "#fc8d59"),
    (75.0, "#fee090"),
    (90.0, "#91bfdb"),
    (100.0, "#4575b4"),
)
NO_DATA = "#bdbdbd"
MAX_POINTS = 3000  # uncovered points drawn; the table lists them all

INDICATORS = ("road", "water", "school", "clinic", "farmland")


def colour_for(value: float | None) -> str:
    """Bin colour of a share in percent (grey when not measured)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    for upper, colour in BINS:
        if value <= upper:
            return colour
    return BINS[-1][1]


def indicator_values(result: CoverageResult, indicator: str) -> pd.Series:
    """Per-village value mapped on the choropleth (percent, or % of the
    farmland target per person, capped at 100)."""
    if indicator not in INDICATORS:
        raise InputError(
            t("covmap.bad_indicator", value=indicator, allowed=", ".join(INDICATORS))
        )
    rows = result.villages[~result.villages["is_total"].astype(bool)]
    if indicator == "farmland":
        target = result.profile.farmland_target_mu_per_person
        share = 100.0 * rows["farmland_mu_per_person"] / target
        return share.clip(upper=100.0).reset_index(drop=True)
    return rows[f"{indicator}_covered_pct"].reset_index(drop=True)


def coverage_map(
    result: CoverageResult,
    indicator: str,
    *,
    basemap: str = "osm",
    village: object | None = None,
) -> folium.Map:
    """Villages coloured by ``indicator``; uncovered points for it on top.

    With ``village`` (a village id), the map zooms to that village,
    outlines it, and draws its uncovered points larger and in red.
    """
    values = indicator_values(result, indicator)
    rows = result.villages[~result.villages["is_total"].astype(bool)]
    fmap = mapview.build_map([], basemap=basemap)
    # the base map's layer control must come after the layers added here,
    # and its (empty) legend gives way to the choropleth's
    for name in [k for k, c in fmap._children.items()
                 if isinstance(c, folium.LayerControl | _Legend)]:  # fmt: skip
        del fmap._children[name]
    shapes = gpd.GeoDataFrame(
        {
            "name": [html.escape(str(n)) for n in rows["village_name"]],
            "value": [None if pd.isna(v) else round(float(v), 1) for v in values],
        },
        geometry=list(result.village_shapes),
        crs="EPSG:4326",
    )
    shapes["colour"] = [colour_for(v) for v in shapes["value"]]
    folium.GeoJson(
        shapes.to_json(drop_id=True),
        name=t(f"covmap.indicator_{indicator}"),
        style_function=_style,
        tooltip=folium.GeoJsonTooltip(
            ["name", "value"], aliases=[t("covmap.village"), t("covmap.value")]
        ),
    ).add_to(fmap)
    _uncovered(result, indicator, village).add_to(fmap)
    _Legend(_legend(indicator)).add_to(fmap)
    chosen = rows["village_id"].astype(str).to_numpy() == str(village)
    if village is not None and chosen.any():
        shapes = shapes[chosen]
        folium.GeoJson(
            shapes.geometry.to_json(), name=t("covmap.chosen_village"),
            style_function=lambda _: dict(CHOSEN_STYLE),
        ).add_to(fmap)  # fmt: skip

    # last: its script names every layer above, which must exist by then
    folium.LayerControl(collapsed=True).add_to(fmap)
    minx, miny, maxx, maxy = shapes.total_bounds
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


CHOSEN_STYLE = {"color": "#d7191c", "weight": 3, "fill": False}


def _style(feature: dict) -> dict[str, object]:  # type: ignore[type-arg]
    return {
        "fillColor": feature["properties"]["colour"],
        "color": "#333333",
        "weight": 1,
        "fillOpacity": 0.7,
        "className": "vp-choropleth",
    }


def _uncovered(
    result: CoverageResult, indicator: str, village: object | None = None
) -> folium.FeatureGroup:
    """Points out of reach for ``indicator`` (none for farmland); those of
    ``village`` first (so they are drawn even past the point limit),
    larger and red."""
    group = folium.FeatureGroup(name=t("covmap.uncovered"))
    column = f"fails_{indicator}"
    if indicator == "farmland" or column not in result.uncovered:
        return group
    # not measured (its layer is missing) is not out of reach
    points = result.uncovered[result.uncovered[column].fillna(False).astype(bool)]
    mine = points["village_id"].astype(str) == str(village)
    points = pd.concat([points[mine], points[~mine]]).assign(
        _mine=[True] * int(mine.sum()) + [False] * int((~mine).sum())
    )
    distance = f"distance_to_{indicator}_m"
    for _, row in points.head(MAX_POINTS).iterrows():
        text = _reach_text(row.get(distance), row.get(f"unreachable_{indicator}"))
        name = "" if pd.isna(row.get("name")) else f"{row.get('name')}: "
        big = bool(row["_mine"])
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x], radius=6 if big else 3,
            color="#000000", fill=True, weight=1, fill_opacity=1,
            fill_color="#d7191c" if big else "#ffffff",
            tooltip=html.escape(name + text),
            class_name="vp-uncovered-chosen" if big else "vp-uncovered",
        ).add_to(group)  # fmt: skip
    return group


def _reach_text(metres: object, unreachable: object) -> str:
    """Tooltip of an uncovered point: its distance, or why it has none."""
    if isinstance(unreachable, str) and unreachable:
        return t(f"covmap.unreachable_{unreachable}")
    value = float(metres) if isinstance(metres, int | float) else float("nan")
    if not np.isfinite(value):
        return t("covmap.nothing_in_reach")
    return t("covmap.point", m=f"{value:,.0f}")


def _legend(indicator: str) -> str:
    """Legend rows of the bins (escaped text)."""
    rows = [f"<b>{html.escape(t(f'covmap.indicator_{indicator}'))}</b>"]
    lower = 0.0
    for upper, colour in BINS:
        rows.append(
            f'<div><i style="background:{colour};width:12px;height:12px;'
            f'display:inline-block"></i> {lower:g}–{upper:g} %</div>'
        )
        lower = upper
    rows.append(
        f'<div><i style="background:{NO_DATA};width:12px;height:12px;'
        f'display:inline-block"></i> {html.escape(t("covmap.no_data"))}</div>'
    )
    return "".join(rows)
