"""The folium map of an area: layers, styles, escaping, offline assets, size.

Cheapest first: the folium objects and the GeoJSON they carry, then the
rendered HTML. Areas are checked against pyproj's geodesic measure, an
independent tool.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from gis.demo import build_demo
from gis.errors import InputError
from gis.mapview import (
    ASSET_BASE,
    FAMILY_PROPERTY,
    HIGHLIGHT_COLOR,
    KIND_PROPERTY,
    MapLayer,
    build_map,
    display_copy,
    external_assets,
    layer_name,
    legend_html,
    load_area_layers,
)
from gis.workspace import Workspace
from layers import get_kind

AREAS = ("liechtenstein", "sikkim")
MAX_HTML_BYTES = 2_000_000
GEOD = Geod(ellps="WGS84")

SCRIPT_ALERT = "<script>alert(1)</script>"
IMG_ONERROR = "<img src=x onerror=alert(1)>"


# fixtures


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The demo areas imported from data/boundaries (about 3 s)."""
    ws = Workspace(tmp_path_factory.mktemp("map") / "demo.gpkg")
    build_demo(ws)
    return ws


@pytest.fixture(scope="module")
def area_layers(demo_ws: Workspace) -> dict[str, list[MapLayer]]:
    return {area: load_area_layers(demo_ws, area) for area in AREAS}


@pytest.fixture(scope="module")
def area_maps(area_layers: dict[str, list[MapLayer]]) -> dict[str, folium.Map]:
    return {
        area: build_map(layers, lang="en", highlight="3")
        for area, layers in area_layers.items()
    }


@pytest.fixture(scope="module")
def area_html(area_maps: dict[str, folium.Map]) -> dict[str, str]:
    return {area: fmap.get_root().render() for area, fmap in area_maps.items()}


def groups(fmap: folium.Map) -> list[folium.FeatureGroup]:
    return [c for c in fmap._children.values() if isinstance(c, folium.FeatureGroup)]


def geojson_of(group: folium.FeatureGroup) -> dict:
    """The GeoJSON a feature group carries (its single GeoJson child)."""
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    return layer.data


def group_named(fmap: folium.Map, name: str) -> folium.FeatureGroup:
    (group,) = [g for g in groups(fmap) if g.layer_name == name]
    return group


def styles_of(group: folium.FeatureGroup) -> list[dict]:
    """Style of each feature, as the map's style function gives it."""
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    return [layer.style_function(f) for f in layer.data["features"]]


def village_layer(names: list[str]) -> MapLayer:
    """A village layer of small squares with the given names."""
    wests = [9.5 + i * 0.01 for i in range(len(names))]
    geoms = [shapely.box(x, 47.1, x + 0.005, 47.105) for x in wests]
    frame = gpd.GeoDataFrame(
        {"source_id": [str(i) for i in range(len(names))], "name": names,
         "population": [100 * (i + 1) for i in range(len(names))]},
        geometry=geoms, crs="EPSG:4326",
    )  # fmt: skip
    return MapLayer(get_kind("villages"), "polygon", frame)


def geodesic_area_m2(geom: shapely.Geometry) -> float:
    """Area on the ellipsoid (pyproj), rings oriented first."""
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return abs(area)


# layers and groups


def test_layers_come_in_drawing_order(area_layers):
    families = {"polygon": 0, "line": 1, "point": 2}
    for layers in area_layers.values():
        ranks = [families[layer.family] for layer in layers]
        assert ranks == sorted(ranks)
        polygons = [layer.kind.key for layer in layers if layer.family == "polygon"]
        fills = {"farmland", "water", "buildings"} & set(polygons)
        assert all(polygons.index(k) < polygons.index("villages") for k in fills)


def test_every_layer_is_a_named_feature_group(demo_ws, area_maps):
    for area, fmap in area_maps.items():
        names = [g.layer_name for g in groups(fmap)]
        assert len(names) == len(demo_ws.layers(area))
        for info in demo_ws.layers(area):
            layer = MapLayer(get_kind(info.kind), info.family, gpd.GeoDataFrame())
            assert html.escape(layer_name(layer)) in names
    lie = [g.layer_name for g in groups(area_maps["liechtenstein"])]
    assert "Village boundaries" in lie
    assert "Roads" in lie
    assert "Water sources and water bodies (Lines)" in lie
    assert "Hazards (Points)" in [g.layer_name for g in groups(area_maps["sikkim"])]


def test_layer_control_and_bounds(area_maps, area_layers):
    fmap = area_maps["sikkim"]
    kinds = [type(c).__name__ for c in fmap._children.values()]
    assert "LayerControl" in kinds
    (fit,) = [c for c in fmap._children.values() if type(c).__name__ == "FitBounds"]
    (south, west), (north, east) = fit.bounds
    villages = next(la for la in area_layers["sikkim"] if la.kind.key == "villages")
    minx, miny, maxx, maxy = villages.frame.total_bounds
    assert west <= minx and south <= miny and east >= maxx and north >= maxy
    assert 87.9 < west < east < 89 and 26.9 < south < north < 28.2
    # a clicked village gets no browser focus box around it
    assert ".leaflet-interactive:focus { outline: none; }" in fmap.get_root().render()


def test_village_features_match_the_workspace(demo_ws, area_maps):
    for area, fmap in area_maps.items():
        data = geojson_of(group_named(fmap, "Village boundaries"))
        (info,) = [i for i in demo_ws.layers(area) if i.kind == "villages"]
        assert len(data["features"]) == info.feature_count
        ids = {f["properties"]["source_id"] for f in data["features"]}
        stored = set(demo_ws.read(area, "villages")["source_id"])
        assert ids == stored


def test_properties_are_canonical_and_light(area_maps):
    roads = geojson_of(group_named(area_maps["liechtenstein"], "Roads"))
    keys = set().union(*(f["properties"] for f in roads["features"]))
    assert keys <= {"source_id", "name", "road_class", "ref", "surface", "track_type"}
    classes = {f["properties"].get("road_class") for f in roads["features"]}
    assert {"primary", "track", "residential"} <= classes
    assert all(
        v is not None for f in roads["features"] for v in f["properties"].values()
    )


# styles


def test_roads_by_class(area_maps):
    group = group_named(area_maps["liechtenstein"], "Roads")
    data = geojson_of(group)
    by_class = {
        f["properties"].get("road_class"): style
        for f, style in zip(data["features"], styles_of(group), strict=True)
    }
    assert by_class["primary"]["weight"] > by_class["track"]["weight"]
    assert by_class["primary"]["color"] != by_class["track"]["color"]
    assert by_class["track"].get("dashArray")
    assert "dashArray" not in by_class["primary"]
    assert all(
        s["className"] == "vp-roads" and s["fill"] is False for s in by_class.values()
    )


def test_villages_outlined_with_class_name(area_maps, area_html):
    group = group_named(area_maps["sikkim"], "Village boundaries")
    styles = styles_of(group)
    assert {s["className"] for s in styles} == {"vp-village", "vp-village vp-highlight"}
    plain = [s for s in styles if s["className"] == "vp-village"]
    assert all(s["color"] == "#3b3b3b" and s["fillOpacity"] <= 0.1 for s in plain)
    assert '"className": "vp-village"' in area_html["sikkim"]


def test_highlighted_village_is_thicker_and_on_top(area_maps):
    group = group_named(area_maps["liechtenstein"], "Village boundaries")
    data, styles = geojson_of(group), styles_of(group)
    chosen = [s for f, s in zip(data["features"], styles, strict=True)
              if f["properties"]["source_id"] == "3"]  # fmt: skip
    others = [s for s in styles if s not in chosen]
    assert len(chosen) == 1
    assert chosen[0]["color"] == HIGHLIGHT_COLOR
    assert chosen[0]["weight"] > max(s["weight"] for s in others)
    assert data["features"][-1]["properties"]["source_id"] == "3"


def test_settlements_sized_by_population(area_maps):
    group = group_named(area_maps["sikkim"], "Settlements and households")
    data, styles = geojson_of(group), styles_of(group)
    sized = sorted(
        (f["properties"]["population"], s["radius"])
        for f, s in zip(data["features"], styles, strict=True)
        if "population" in f["properties"]
    )
    radii = [r for _, r in sized]
    assert radii == sorted(radii)
    assert radii[0] < radii[-1] <= get_kind("settlements").style.max_radius


def test_facilities_coloured_by_type(area_maps):
    group = group_named(area_maps["sikkim"], "Facilities")
    data, styles = geojson_of(group), styles_of(group)
    colour = get_kind("facilities").style.category_colors
    for f, s in zip(data["features"], styles, strict=True):
        kind = f["properties"].get("facility_type")
        assert s["color"] == colour.get(kind, "#666666")
    assert {s["color"] for s in styles} >= {colour["school"], colour["clinic"]}


# popups, tooltips, legend


def test_popup_texts_have_labels_and_units(area_maps, area_layers):
    group = group_named(area_maps["sikkim"], "Settlements and households")
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    rows = {row[0]: row for row in layer.texts["popup"]}
    assert rows["name"][1] == "Name"
    assert rows["population"][1:] == ["Population", "int", "{value} people"]
    assert layer.texts["tooltip"][0][0] == "name"

    # the same layer in Chinese
    settlements = next(
        la for la in area_layers["sikkim"] if la.kind.key == "settlements"
    )
    zh = build_map([settlements], lang="zh", basemap="none")
    (layer,) = [c for c in groups(zh)[0]._children.values()
                if isinstance(c, folium.GeoJson)]  # fmt: skip
    rows = {row[0]: row for row in layer.texts["popup"]}
    assert rows["population"][1:] == ["人口", "int", "{value} 人"]
    assert layer.texts["locale"] == "zh-CN"


def test_category_labels_sent_once_per_layer(area_maps):
    group = group_named(area_maps["liechtenstein"], "Roads")
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    labels = layer.texts["labels"]["road_class"]
    assert labels["primary"] == "Primary road"
    assert "motorway" not in labels  # not in the data


def test_legend_lists_kinds_and_categories_present(area_maps):
    text = legend_html(area_maps["liechtenstein"])
    assert "Legend" in text and "Roads" in text and "Village boundaries" in text
    assert "Primary road" in text and "School" in text
    assert "Motorway" not in text
    assert text.count("Water sources and water bodies") == 1


def test_language_switch(area_layers):
    fmap = build_map(area_layers["sikkim"], lang="zh", basemap="none")
    names = [g.layer_name for g in groups(fmap)]
    assert "村界" in names and "灾害隐患（点）" in names
    assert "图例" in legend_html(fmap)
    with pytest.raises(InputError, match="fr"):
        build_map(area_layers["sikkim"], lang="fr")


# escaping


def test_hostile_names_are_shown_escaped():
    layer = village_layer([SCRIPT_ALERT, IMG_ONERROR, "<b>x</b>", "Tom & Jerry"])
    fmap = build_map([layer], basemap="none", lang="en")

    # the data carries escaped text only
    data = geojson_of(groups(fmap)[0])
    names = [f["properties"]["name"] for f in data["features"]]
    assert names == [html.escape(n) for n in layer.frame["name"]]

    # nothing raw reaches the page
    page = fmap.get_root().render()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>x</b>" not in page
    assert "\\u0026lt;script\\u0026gt;alert(1)" in page


def test_hostile_category_and_legend_are_escaped():
    frame = gpd.GeoDataFrame(
        {"source_id": ["1", "2"], "name": ["A", "B"],
         "facility_type": ["<b>x</b>", "Primary Health Centre"]},
        geometry=[shapely.Point(88.6, 27.3), shapely.Point(88.61, 27.31)],
        crs="EPSG:4326",
    )  # fmt: skip
    layer = MapLayer(get_kind("facilities"), "point", frame)
    light = display_copy(layer)
    assert list(light["facility_type"]) == ["&lt;b&gt;x&lt;/b&gt;", "clinic"]

    fmap = build_map([layer], basemap="none", lang="en")
    legend = legend_html(fmap)
    assert "Other" in legend and "Clinic" in legend
    assert "<b>x" not in legend
    assert "<b>x" not in fmap.get_root().render()


# assets and basemaps


def test_no_external_scripts_or_stylesheets(area_maps, area_html):
    for area, fmap in area_maps.items():
        assert external_assets(fmap) == []
        page = area_html[area]
        scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", page)
        sheets = re.findall(r"<link[^>]*\bhref=\"([^\"]*)\"", page)
        assert scripts == [f"{ASSET_BASE}/leaflet.js"]
        assert sheets == [f"{ASSET_BASE}/leaflet.css"]
        for word in ("jquery", "bootstrap", "awesome", "cdn", "unpkg"):
            assert word not in page.lower()


def test_asset_base_is_configurable():
    fmap = build_map([village_layer(["A"])], basemap="none", asset_base="/x/leaflet/")
    page = fmap.get_root().render()
    assert '<script src="/x/leaflet/leaflet.js">' in page
    assert external_assets(fmap, asset_base="/x/leaflet") == []


def test_osm_basemap_with_attribution(area_maps, area_html):
    (tiles,) = [c for c in area_maps["sikkim"]._children.values()
                if isinstance(c, folium.TileLayer)]  # fmt: skip
    assert tiles.tiles == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "© OpenStreetMap contributors" in tiles.options["attribution"]
    assert "OpenStreetMap contributors" in area_html["sikkim"]


def test_satellite_basemap():
    fmap = build_map([village_layer(["A"])], basemap="satellite", lang="en")
    (tiles,) = [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    assert "World_Imagery" in tiles.tiles
    assert "Esri" in tiles.options["attribution"]


def test_basemap_none_has_no_tiles():
    fmap = build_map([village_layer(["A"])], basemap="none")
    assert not [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    page = fmap.get_root().render()
    assert "L.tileLayer" not in page
    assert "http://" not in page and "https://" not in page


def test_tianditu_needs_a_key(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(InputError, match="TIANDITU_KEY"):
        build_map([village_layer(["A"])], basemap="tianditu", lang="en")


def test_tianditu_key_goes_into_the_tile_urls(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    fmap = build_map([village_layer(["A"])], basemap="tianditu", tianditu_key="abc123")
    urls = [c.tiles for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    assert len(urls) == 2
    assert all("tianditu.gov.cn" in u and u.endswith("tk=abc123") for u in urls)
    assert {"LAYER=vec", "LAYER=cva"} <= {p for u in urls for p in u.split("&")}
    assert "tk=abc123" in fmap.get_root().render()


def test_tianditu_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("TIANDITU_KEY", "envkey")
    fmap = build_map([village_layer(["A"])], basemap="tianditu")
    urls = [c.tiles for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    assert all(u.endswith("tk=envkey") for u in urls)


def test_unknown_basemap_lists_the_choices():
    with pytest.raises(InputError) as info:
        build_map([village_layer(["A"])], basemap="google")
    assert all(
        name in str(info.value) for name in ("osm", "satellite", "tianditu", "none")
    )


# display copies


def test_display_copy_keeps_areas_within_one_percent(area_layers):
    for layers in area_layers.values():
        villages = next(la for la in layers if la.kind.key == "villages")
        light = display_copy(villages)
        before = np.array([geodesic_area_m2(g) for g in villages.frame.geometry])
        after = np.array([geodesic_area_m2(g) for g in light.geometry])
        assert len(after) == len(before)
        np.testing.assert_allclose(after, before, rtol=0.01)


def test_display_copy_simplifies_and_rounds(area_layers):
    roads = next(la for la in area_layers["liechtenstein"] if la.kind.key == "roads")
    light = display_copy(roads)
    xy = shapely.get_coordinates(light.geometry.values)
    np.testing.assert_allclose(xy * 1e5, np.round(xy * 1e5), atol=1e-6)
    assert len(xy) < 0.8 * len(shapely.get_coordinates(roads.frame.geometry.values))
    assert light.crs.to_epsg() == 4326


def test_display_copy_keeps_display_fields_only(area_layers):
    hazards = next(la for la in area_layers["sikkim"] if la.kind.key == "hazards")
    light = display_copy(hazards)
    kind = hazards.kind
    allowed = {"source_id", "geometry", kind.name_field, *kind.popup_fields}
    assert set(light.columns) <= allowed
    assert "source_url" not in light.columns and "trigger" not in light.columns


def test_display_copy_drops_features_that_collapse():
    tiny = shapely.box(9.5, 47.1, 9.500001, 47.100001)
    frame = gpd.GeoDataFrame(
        {"source_id": ["a", "b", "c"], "name": ["tiny", "none", "ok"]},
        geometry=[tiny, None, shapely.box(9.5, 47.1, 9.51, 47.11)],
        crs="EPSG:4326",
    )
    light = display_copy(MapLayer(get_kind("villages"), "polygon", frame))
    assert list(light["source_id"]) == ["c"]


def test_an_empty_layer_gives_an_empty_group():
    empty = gpd.GeoDataFrame(
        {"source_id": [], "name": []}, geometry=[], crs="EPSG:4326"
    )
    fmap = build_map([MapLayer(get_kind("villages"), "polygon", empty)], basemap="none")
    (group,) = groups(fmap)
    assert not [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    assert fmap.get_root().render()


# rendering again


def _undefined_names(page: str) -> set[str]:
    """Names used in ``x.addTo(y)`` that the page never defines."""
    defined = set(re.findall(r"\b(?:var|let|const)\s+(\w+)", page))
    used = {n for pair in re.findall(r"(\w+)\.addTo\((\w+)\)", page) for n in pair}
    return used - defined


def test_map_renders_again_after_its_elements_are_renamed():
    # st_folium renames every element and renders each one's script
    # again whenever it shows a (cached) map
    fmap = build_map([village_layer(["A", "B"])], basemap="osm", lang="en")
    assert not _undefined_names(_leaflet_script(fmap))
    for number, element in enumerate(_elements(fmap)):
        element._id = f"div_{number}"
    assert not _undefined_names(_leaflet_script(fmap))


def _leaflet_script(fmap: folium.Map) -> str:
    """The scripts of all elements, rendered one by one as st_folium does."""
    fmap.get_root().render()
    scripts = [
        macro(element)
        for element in _elements(fmap)
        if (macro := getattr(element._template.module, "script", None))
    ]
    return "\n".join(scripts)


def _elements(element):
    yield element
    for child in element._children.values():
        yield from _elements(child)


def test_clicked_features_say_which_layer_they_are(area_maps):
    group = group_named(area_maps["sikkim"], "Hazards (Points)")
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    tags = {KIND_PROPERTY: "hazards", FAMILY_PROPERTY: "point"}
    assert layer.texts["tags"] == tags
    script = layer._template.module.script(layer)
    assert "Object.assign(feature.properties" in script


# payload


def test_map_html_stays_under_two_megabytes(area_html):
    for area, page in area_html.items():
        size = len(page.encode("utf-8"))
        print(f"{area}: {size / 1e6:.2f} MB")
        assert size < MAX_HTML_BYTES, area


def test_saved_map_is_a_whole_page(area_maps, tmp_path: Path):
    path = tmp_path / "sikkim.html"
    area_maps["sikkim"].save(str(path))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "L.geoJson(" in text


def test_focus_zooms_to_the_given_box() -> None:
    frame = gpd.GeoDataFrame(
        {"source_id": [1], "name": ["幸福村"]},
        geometry=[shapely.box(106.0, 25.0, 106.5, 25.5)],
        crs="EPSG:4326",
    )
    layer = MapLayer(get_kind("villages"), "polygon", frame)
    fmap = build_map([layer], basemap="none", focus=(106.1, 25.1, 106.2, 25.2))
    html_text = fmap.get_root().render()
    assert "[[25.1, 106.1], [25.2, 106.2]]" in html_text
