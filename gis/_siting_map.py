"""Siting plumbing: the constraints map of a review, and the movers map.

Built on :func:`gis.mapview.build_map` (local Leaflet, basemaps), so it
draws offline like the Map page: hazard and river clearance buffers,
steep ground, each site's usable ground, the movers, and the sites
coloured by their verdict with their rank on them. Every text from the
data is HTML-escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Collection

import folium
import geopandas as gpd
import pandas as pd

from gis import mapview
from gis._maplegend import _Legend
from gis.i18n import t
from gis.siting import SitingReview

# (stroke, fill, fill opacity) of each constraint; Paul Tol's palettes
CONSTRAINT_STYLE = {
    "hazard": ("#cc3311", "#cc3311", 0.18),
    "river": ("#0077bb", "#33bbee", 0.2),
    "steep": ("#8c510a", "#bf812d", 0.45),
    "usable": ("#117733", "#44aa99", 0.25),
}
VERDICT_COLOUR = {"pass": "#117733", "fail": "#aa3377"}
MOVER_COLOUR = "#ee7733"
CHOSEN_COLOUR = "#aa3377"
SETTLEMENT_COLOUR = "#777777"
HAZARD_COLOUR = "#cc3311"
# a map zoomed to one place shows at least this many degrees around it
MIN_SPAN_DEG = 0.02
# settlements drawn on the movers map at most (the nearest to hazards
# first would be a choice; all of an area's settlements usually fit)
MAX_SETTLEMENTS = 5000


class _Group(mapview._RendersAgain, folium.FeatureGroup):
    """A FeatureGroup that can be rendered again (the app caches maps)."""


class _GeoJson(mapview._RendersAgain, folium.GeoJson):
    """A GeoJson layer that can be rendered again."""


def constraints_map(review: SitingReview, *, basemap: str = "none") -> folium.Map:
    """The constraints of a review and its sites, zoomed to the sites
    (the movers' homes may lie outside the view).

    Rendering it is the costly step: build it once per review, basemap
    and language.
    """
    fmap = _bare_map(basemap)
    for name in ("hazard", "river", "steep", "usable"):
        _constraint_layer(review.constraints[name], name).add_to(fmap)
    hazards = review.constraints.get("hazards")
    if hazards is not None and not hazards.empty:
        _hazard_points(hazards).add_to(fmap)
    _movers_layer(review.movers).add_to(fmap)
    _sites_layer(review.sites).add_to(fmap)
    _Legend(_legend()).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    _fit(fmap, [review.sites])
    return _offline(fmap)


def movers_map(
    reach: gpd.GeoDataFrame,
    chosen: Collection[str],
    hazards: gpd.GeoDataFrame | None,
    *,
    basemap: str = "none",
) -> folium.Map:
    """Settlements to pick movers from (``reach`` of
    :func:`gis.siting.settlement_reach`), the chosen ones (by
    ``source_id``) highlighted, and the recorded hazards. A click on a
    settlement comes back as ``last_active_drawing`` with its
    ``source_id``."""
    fmap = _bare_map(basemap)
    if hazards is not None and not hazards.empty:
        _hazard_points(hazards).add_to(fmap)
    _settlements_layer(reach, set(chosen)).add_to(fmap)
    _Legend(_movers_legend()).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    shown = reach[reach["source_id"].isin(set(chosen))]
    _fit(fmap, [shown if not shown.empty else reach])
    return _offline(fmap)


def _bare_map(basemap: str) -> folium.Map:
    """The base map without its (empty) legend and layer control."""
    fmap = mapview.build_map([], basemap=basemap)
    for name in [k for k, c in fmap._children.items()
                 if isinstance(c, folium.LayerControl | _Legend)]:  # fmt: skip
        del fmap._children[name]
    return fmap


def _offline(fmap: folium.Map) -> folium.Map:
    """The map, checked to load no script or stylesheet from the internet."""
    external = mapview.external_assets(fmap)
    if external:
        raise RuntimeError(f"Map elements load assets from the internet: {external}")
    return fmap


def _fit(fmap: folium.Map, frames: list[gpd.GeoDataFrame]) -> None:
    """Zoom to the frames' lon/lat bounds."""
    shown = [f for f in frames if f is not None and not f.empty]
    if not shown:
        return
    minx = min(f.total_bounds[0] for f in shown)
    miny = min(f.total_bounds[1] for f in shown)
    maxx = max(f.total_bounds[2] for f in shown)
    maxy = max(f.total_bounds[3] for f in shown)
    pad = max(maxx - minx, maxy - miny) * 0.15
    pad = max(pad, MIN_SPAN_DEG / 2 - min(maxx - minx, maxy - miny) / 2)
    fmap.fit_bounds([[miny - pad, minx - pad], [maxy + pad, maxx + pad]])


# the review's layers


def _constraint_layer(frame: gpd.GeoDataFrame, name: str) -> folium.FeatureGroup:
    """One kind of constraint as a translucent area."""
    group = _Group(name=html.escape(t(f"siting.map_{name}")))
    if frame.empty:
        return group
    stroke, fill, opacity = CONSTRAINT_STYLE[name]
    shapes = gpd.GeoDataFrame(
        {"label": [html.escape(_constraint_label(name, row)) for _, row in
                   frame.iterrows()]},
        geometry=frame.geometry.simplify(1e-6).to_numpy(), crs=frame.crs,
    )  # fmt: skip
    _GeoJson(
        shapes.to_json(drop_id=True),
        style_function=lambda _f: {
            "color": stroke, "weight": 1, "fillColor": fill,
            "fillOpacity": opacity, "className": f"vp-siting-{name}",
        },
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    ).add_to(group)  # fmt: skip
    return group


def _constraint_label(name: str, row: pd.Series) -> str:
    """Tooltip of one constraint area."""
    label = t(f"siting.map_{name}")
    own = row.get("name")
    return f"{label}: {own}" if isinstance(own, str) and own else label


def _movers_layer(movers: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """The settlements that would move."""
    group = _Group(name=html.escape(t("siting.map_movers")))
    for _, row in movers.iterrows():
        text = t("siting.map_mover", name=row["name"] or row["source_id"],
                 people=_people(row["population"]))  # fmt: skip
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x], radius=5, color="#333333",
            weight=1, fill=True, fill_color=MOVER_COLOUR, fill_opacity=0.95,
            tooltip=html.escape(text), class_name="vp-siting-mover",
        ).add_to(group)  # fmt: skip
    return group


def _sites_layer(sites: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """The sites, coloured by verdict, each with its rank."""
    group = _Group(name=html.escape(t("siting.map_sites")))
    for _, row in sites.iterrows():
        colour = VERDICT_COLOUR[str(row["verdict"])]
        tip = html.escape(t("siting.map_site", rank=int(row["rank"]), name=row["name"],
                            verdict=t(f"siting.verdict_{row['verdict']}")))  # fmt: skip
        shape = row.geometry
        if shape.geom_type in ("Point", "MultiPoint"):
            folium.CircleMarker(
                [shape.centroid.y, shape.centroid.x], radius=9, color=colour,
                weight=3, fill=True, fill_color="#ffffff", fill_opacity=0.6,
                tooltip=tip, class_name=f"vp-siting-site-{row['verdict']}",
            ).add_to(group)  # fmt: skip
        else:
            dash = "6 4" if row["verdict"] == "fail" else None
            _GeoJson(
                shape.__geo_interface__,
                style_function=lambda _f, c=colour, d=dash: {
                    "color": c, "weight": 3, "fillOpacity": 0.05,
                    "dashArray": d, "className": "vp-siting-site",
                },
                tooltip=tip,
            ).add_to(group)  # fmt: skip
        centre = shape.representative_point()
        folium.Marker(
            [centre.y, centre.x], tooltip=tip,
            icon=folium.DivIcon(html=_rank_badge(int(row["rank"]), colour),
                                icon_size=(22, 22), icon_anchor=(11, 11)),
        ).add_to(group)  # fmt: skip
    return group


def _rank_badge(rank: int, colour: str) -> str:
    """A round badge with the site's rank."""
    return (
        f'<div class="vp-siting-rank" style="background:{colour};color:#fff;'
        "border:2px solid #fff;border-radius:50%;width:22px;height:22px;"
        "box-sizing:border-box;display:flex;align-items:center;"
        "justify-content:center;font:bold 12px/1 sans-serif;"
        f'box-shadow:0 0 2px #000">{rank}</div>'
    )


def _legend() -> str:
    """Legend rows of the constraints map (escaped text)."""
    rows = [f"<b>{html.escape(t('siting.map_title'))}</b>"]
    for name, (stroke, fill, opacity) in CONSTRAINT_STYLE.items():
        rows.append(_swatch(fill, stroke, opacity, t(f"siting.map_{name}")))
    for verdict, colour in VERDICT_COLOUR.items():
        rows.append(_swatch("#ffffff", colour, 0.0, t(f"siting.verdict_{verdict}"),
                            border=3))  # fmt: skip
    rows.append(_dot(HAZARD_COLOUR, t("siting.map_hazards")))
    rows.append(_dot(MOVER_COLOUR, t("siting.map_movers")))
    return "".join(rows)


def _swatch(fill: str, stroke: str, opacity: float, text: str, border: int = 1) -> str:
    """A legend row with a square swatch."""
    alpha = f"{round(max(opacity, 0.0) * 255):02x}" if opacity > 0 else "00"
    return (
        f'<div><i style="background:{fill}{alpha};border:{border}px solid {stroke};'
        'width:12px;height:12px;display:inline-block;vertical-align:middle">'
        f"</i> {html.escape(text)}</div>"
    )


def _dot(colour: str, text: str) -> str:
    """A legend row with a round dot."""
    return (
        f'<div><i style="background:{colour};border:1px solid #333;'
        "border-radius:6px;width:10px;height:10px;display:inline-block;"
        f'vertical-align:middle"></i> {html.escape(text)}</div>'
    )


def _people(value: object) -> str:
    """A population figure, or a dash."""
    number = float(value) if isinstance(value, int | float) else math.nan
    return f"{number:,.0f}" if math.isfinite(number) else "—"


# the movers map


def _settlements_layer(
    reach: gpd.GeoDataFrame, chosen: set[str]
) -> folium.FeatureGroup:
    """Every settlement as a clickable point; the chosen ones larger."""
    group = _Group(name=html.escape(t("siting.map_settlements")))
    rows = reach.head(MAX_SETTLEMENTS)
    picked = rows["source_id"].astype(str).isin(chosen).to_numpy()
    shapes = gpd.GeoDataFrame(
        {
            "source_id": rows["source_id"].astype(str).to_numpy(),
            mapview.KIND_PROPERTY: "settlements",
            "label": [html.escape(_settlement_label(r)) for _, r in rows.iterrows()],
            "chosen": picked,
        },
        geometry=rows.geometry.to_numpy(), crs=rows.crs,
    )  # fmt: skip
    _GeoJson(
        shapes.to_json(drop_id=True),
        marker=folium.CircleMarker(radius=5, weight=1, fill=True, fill_opacity=0.9),
        style_function=_settlement_style,
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    ).add_to(group)
    return group


def _settlement_style(feature: dict) -> dict[str, object]:  # type: ignore[type-arg]
    """Chosen settlements larger and coloured; the others grey."""
    chosen = bool(feature["properties"]["chosen"])
    return {
        "color": "#333333" if chosen else "#555555",
        "fillColor": CHOSEN_COLOUR if chosen else SETTLEMENT_COLOUR,
        "radius": 8 if chosen else 4,
        "weight": 2 if chosen else 1,
        "className": "vp-siting-chosen" if chosen else "vp-siting-settlement",
    }


def _settlement_label(row: pd.Series) -> str:
    """Tooltip of a settlement: name, people, distance to a hazard."""
    text = t("siting.map_mover", name=row.get("name") or row["source_id"],
             people=_people(row.get("population")))  # fmt: skip
    metres = row.get("hazard_m")
    if isinstance(metres, float) and math.isfinite(metres):
        text += " · " + t("siting.map_hazard_distance", m=f"{metres:,.0f}")
    return text


def _hazard_points(hazards: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Recorded hazards (points, and a point on each area)."""
    group = _Group(name=html.escape(t("siting.map_hazards")))
    for _, row in hazards.iterrows():
        point = row.geometry.representative_point()
        name = row.get("name")
        text = name if isinstance(name, str) and name else t("siting.map_hazards")
        folium.CircleMarker(
            [point.y, point.x], radius=6, color="#ffffff", weight=1.5,
            fill=True, fill_color=HAZARD_COLOUR, fill_opacity=0.95,
            tooltip=html.escape(text), class_name="vp-siting-hazard",
        ).add_to(group)  # fmt: skip
    return group


def _movers_legend() -> str:
    """Legend of the movers map."""
    return "".join([
        f"<b>{html.escape(t('siting.map_pick_title'))}</b>",
        _dot(CHOSEN_COLOUR, t("siting.map_chosen")),
        _dot(SETTLEMENT_COLOUR, t("siting.map_settlements")),
        _dot(HAZARD_COLOUR, t("siting.map_hazards")),
    ])  # fmt: skip
