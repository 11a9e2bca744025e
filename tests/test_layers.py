"""Tests of the layer kinds in :mod:`layers`.

Column lists below are copied from the demo files under
``/work/shared/data`` (read once with geopandas; not read at test time):
Liechtenstein OSM 2013 (ODbL), Sikkim DataMeet villages (ODbL) and PMGSY
(GODL-India), NASA Global Landslide Catalog, and NBS 2023 division codes
via modood/Administrative-divisions-of-China (WTFPL).
"""

from __future__ import annotations

import re

import pytest

from gis.errors import InputError
from gis.i18n import LANGUAGES, catalog, use_language
from layers import (
    KINDS,
    LayerKind,
    category_label,
    get_kind,
    kind_keys,
    normalize_name,
    normalize_value,
)

HEX = re.compile(r"#[0-9a-fA-F]{6}")
UNITS = {"m", "km", "m2", "km2", "ha", "mu", "yuan", "people", "households"}

# --- column lists of the demo files -------------------------------------

LI_MUNICIPALITIES = [
    "osm_id", "osm_way_id", "name", "admin_level", "wikipedia", "area_km2",
    "geometry",
]  # fmt: skip
LI_POPULATION_CSV = [
    "name", "population_2014_12_31", "area_km2_official", "electoral_district",
]  # fmt: skip
LI_ADMIN_OTHER = ["osm_id", "name", "admin_level", "geometry"]
LI_ROADS = [
    "osm_id", "highway", "name", "ref", "surface", "tracktype", "bridge",
    "tunnel", "access", "geometry",
]  # fmt: skip
LI_WATERWAYS = ["osm_id", "waterway", "name", "geometry"]
LI_WATER_AREAS = ["osm_id", "osm_way_id", "name", "water_class", "geometry"]
LI_WATER_POINTS = ["osm_id", "name", "kind", "geometry"]
LI_LANDUSE = [
    "osm_id", "osm_way_id", "name", "class", "is_farmland", "area_m2",
    "geometry",
]  # fmt: skip
LI_BUILDINGS = ["osm_id", "osm_way_id", "building", "name", "geometry"]
LI_PLACES = ["osm_id", "name", "place", "population", "geometry"]
LI_FACILITIES = ["osm_id", "name", "amenity", "geometry"]

SK_VILLAGES = [
    "SUB_DIST", "DISTRICT", "STATE", "TYPE", "NAME", "CEN_2001",
    "village_code_2011", "village_name_2011", "district_code_2011",
    "sub_district_code_2011", "area_km2", "geometry",
]  # fmt: skip
SK_HABITATIONS = [
    "HAB_ID", "STATE_ID", "DISTRICT_ID", "BLOCK_ID", "HAB_NAME",
    "TOT_POPULATION", "DISTRICT_NAME", "BLOCK_NAME", "geometry",
]  # fmt: skip
SK_FACILITIES = [
    "STATE_ID", "DISTRICT_ID", "BLOCK_ID", "HAB_ID", "FACILITY_ID",
    "FAC_DESC", "FAC_CATEGORY", "BLOCK_NAME", "geometry",
]  # fmt: skip
SK_BLOCKS = [
    "BLOCK_ID", "STATE_ID", "DISTRICT_ID", "BLOCK_NAME", "DISTRICT_NAME",
    "geometry",
]  # fmt: skip

GLC_LANDSLIDES = [
    "id", "date", "country", "nearest_places", "hazard_type",
    "landslide_type", "trigger", "fatalities", "injuries",
    "location_description", "location_accuracy", "landslide_size",
    "countryname", "adminname1", "adminname2", "near", "distance",
    "source_name", "source_link", "geometry",
]  # fmt: skip

GZ_TOWNSHIPS_CSV = ["code", "name", "areaCode", "provinceCode", "cityCode"]

DEMO_CASES = [
    ("villages", LI_MUNICIPALITIES, {"name": "name", "code": "osm_id"}),
    (
        "villages",
        LI_POPULATION_CSV,
        {
            "name": "name",
            "population": "population_2014_12_31",
            "township": "electoral_district",
        },
    ),
    ("townships", LI_ADMIN_OTHER, {"name": "name", "code": "osm_id"}),
    (
        "roads",
        LI_ROADS,
        {
            "name": "name",
            "road_class": "highway",
            "surface": "surface",
            "track_type": "tracktype",
            "ref": "ref",
            "bridge": "bridge",
            "tunnel": "tunnel",
            "access": "access",
        },
    ),
    ("water", LI_WATERWAYS, {"name": "name", "water_class": "waterway"}),
    ("water", LI_WATER_AREAS, {"name": "name", "water_class": "water_class"}),
    ("water", LI_WATER_POINTS, {"name": "name", "water_class": "kind"}),
    (
        "farmland",
        LI_LANDUSE,
        {
            "name": "name",
            "land_class": "class",
            "area_m2": "area_m2",
            "is_farmland": "is_farmland",
        },
    ),
    ("buildings", LI_BUILDINGS, {"name": "name", "building_type": "building"}),
    (
        "settlements",
        LI_PLACES,
        {
            "name": "name",
            "code": "osm_id",
            "population": "population",
            "settlement_type": "place",
        },
    ),
    (
        "facilities",
        LI_FACILITIES,
        {"name": "name", "facility_type": "amenity", "code": "osm_id"},
    ),
    (
        "villages",
        SK_VILLAGES,
        {
            "name": "NAME",
            "code": "CEN_2001",
            "township": "SUB_DIST",
            "township_code": "sub_district_code_2011",
            "county": "DISTRICT",
            "county_code": "district_code_2011",
        },
    ),
    (
        "settlements",
        SK_HABITATIONS,
        {
            "name": "HAB_NAME",
            "code": "HAB_ID",
            "population": "TOT_POPULATION",
            "township": "BLOCK_NAME",
            "county": "DISTRICT_NAME",
        },
    ),
    (
        "facilities",
        SK_FACILITIES,
        {
            "facility_type": "FAC_DESC",
            "category": "FAC_CATEGORY",
            "code": "FACILITY_ID",
            "settlement_code": "HAB_ID",
            "township": "BLOCK_NAME",
        },
    ),
    (
        "townships",
        SK_BLOCKS,
        {
            "name": "BLOCK_NAME",
            "code": "BLOCK_ID",
            "county": "DISTRICT_NAME",
            "county_code": "DISTRICT_ID",
        },
    ),
    (
        "hazards",
        GLC_LANDSLIDES,
        {
            "name": "nearest_places",
            "code": "id",
            "hazard_type": "hazard_type",
            "landslide_type": "landslide_type",
            "date": "date",
            "accuracy": "location_accuracy",
            "scale": "landslide_size",
            "trigger": "trigger",
            "fatalities": "fatalities",
            "injuries": "injuries",
            "source": "source_name",
            "source_url": "source_link",
        },
    ),
    (
        "townships",
        GZ_TOWNSHIPS_CSV,
        {"name": "name", "code": "code", "county_code": "areaCode"},
    ),
]

CHINESE_CASES = [
    (
        "villages",
        ["行政村", "行政区划代码", "总人口", "户数", "乡镇", "县"],
        {
            "name": "行政村",
            "code": "行政区划代码",
            "population": "总人口",
            "households": "户数",
            "township": "乡镇",
            "county": "县",
        },
    ),
    (
        "villages",
        ["村名", "村代码", "人口", "乡镇名称", "区县"],
        {
            "name": "村名",
            "code": "村代码",
            "population": "人口",
            "township": "乡镇名称",
            "county": "区县",
        },
    ),
    (
        "settlements",
        ["自然村名称", "行政村", "人口", "户数", "乡镇"],
        {
            "name": "自然村名称",
            "village": "行政村",
            "population": "人口",
            "households": "户数",
            "township": "乡镇",
        },
    ),
    (
        "roads",
        ["名称", "道路等级", "路面类型", "路线编号", "是否全天候", "路面宽度"],
        {
            "name": "名称",
            "road_class": "道路等级",
            "surface": "路面类型",
            "ref": "路线编号",
            "all_weather": "是否全天候",
            "width_m": "路面宽度",
        },
    ),
    (
        "facilities",
        ["名称", "设施类型", "类别"],
        {"name": "名称", "facility_type": "设施类型", "category": "类别"},
    ),
    (
        "water",
        ["名称", "水源类型", "水质是否达标"],
        {"name": "名称", "water_class": "水源类型", "safe": "水质是否达标"},
    ),
    (
        "farmland",
        ["地类", "面积（亩）", "是否灌溉", "村名"],
        {
            "land_class": "地类",
            "area_mu": "面积（亩）",
            "irrigated": "是否灌溉",
            "village": "村名",
        },
    ),
    # a bare 面积 names no unit: it must not be read as mu or m²
    ("farmland", ["地类名称", "面积"], {"land_class": "地类名称"}),
    (
        "hazards",
        ["灾害点名称", "灾害类型", "发生日期", "死亡人数", "威胁人数"],
        {
            "name": "灾害点名称",
            "hazard_type": "灾害类型",
            "date": "发生日期",
            "fatalities": "死亡人数",
            "threatened_people": "威胁人数",
        },
    ),
    (
        "relocation_sites",
        ["安置点名称", "状态", "安置户数", "安置人数", "面积(平方米)"],
        {
            "name": "安置点名称",
            "status": "状态",
            "capacity_households": "安置户数",
            "capacity_people": "安置人数",
            "area_m2": "面积(平方米)",
        },
    ),
    (
        "project_features",
        ["项目名称", "项目编号", "项目类别", "项目状态", "所属村"],
        {
            "name": "项目名称",
            "project_id": "项目编号",
            "category": "项目类别",
            "status": "项目状态",
            "village": "所属村",
        },
    ),
]


# --- the registry -------------------------------------------------------


def test_kind_keys_are_the_agreed_ones_in_order():
    assert kind_keys() == (
        "villages",
        "townships",
        "settlements",
        "buildings",
        "farmland",
        "water",
        "roads",
        "facilities",
        "hazards",
        "relocation_sites",
        "project_features",
    )
    assert all(KINDS[k].key == k for k in kind_keys())


def test_get_kind_returns_the_kind():
    assert get_kind("roads") is KINDS["roads"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_get_kind_rejects_unknown_key_listing_valid_ones(lang):
    with use_language(lang), pytest.raises(InputError) as info:
        get_kind("rivers")
    message = str(info.value)
    assert "rivers" in message
    assert "villages" in message and "project_features" in message


def test_main_families():
    assert get_kind("villages").families == ("polygon",)
    assert get_kind("settlements").families == ("point",)
    assert get_kind("roads").families == ("line",)
    assert set(get_kind("water").families) == {"point", "line", "polygon"}
    assert set(get_kind("hazards").families) == {"point", "polygon"}
    assert get_kind("project_features").main_family == "point"


# --- every kind is well formed ------------------------------------------


@pytest.mark.parametrize("kind", KINDS.values(), ids=kind_keys())
def test_style_colours_are_hex(kind: LayerKind):
    style = kind.style
    assert style.colors()
    for color in style.colors():
        assert HEX.fullmatch(color), color
    assert 0.0 <= style.fill_opacity <= 1.0
    assert style.weight > 0 and style.radius > 0


@pytest.mark.parametrize("kind", KINDS.values(), ids=kind_keys())
def test_fields_are_unique_and_referenced_fields_exist(kind: LayerKind):
    names = kind.field_names()
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name)
    referenced = [*kind.popup_fields, kind.name_field, kind.id_field]
    referenced += [kind.style.category_field, kind.style.size_field]
    for name in filter(None, referenced):
        assert kind.field(name).name == name


@pytest.mark.parametrize("kind", KINDS.values(), ids=kind_keys())
def test_no_column_name_can_match_two_fields(kind: LayerKind):
    seen: dict[str, str] = {}
    for spec in kind.fields:
        for key in spec.match_keys():
            assert seen.setdefault(key, spec.name) == spec.name, key


@pytest.mark.parametrize("kind", KINDS.values(), ids=kind_keys())
def test_units_are_known(kind: LayerKind):
    for spec in kind.fields:
        assert spec.unit is None or spec.unit in UNITS
        if spec.unit:
            assert f"units.{spec.unit}" in catalog()


@pytest.mark.parametrize("kind", KINDS.values(), ids=kind_keys())
def test_label_keys_exist_in_both_languages(kind: LayerKind):
    keys = [kind.label_key, *(f.label_key for f in kind.fields)]
    for category in kind.categories:
        keys += [category.label_key(v) for v in category.values]
    for key in keys:
        assert key.startswith("layers."), key
        texts = catalog()[key]
        assert texts["en"].strip() and texts["zh"].strip(), key


@pytest.mark.parametrize("kind", KINDS.values(), ids=kind_keys())
def test_kinds_are_hashable_and_frozen(kind: LayerKind):
    assert hash(kind) == hash(kind)
    with pytest.raises(TypeError):
        kind.style.category_colors["x"] = "#000000"  # type: ignore[index]


def test_styled_categories():
    roads = get_kind("roads").style
    assert roads.category_field == "road_class"
    assert roads.weight_for("primary") > roads.weight_for("residential")
    assert roads.dash_array_for("track")
    assert not roads.dash_array_for("primary")
    assert get_kind("facilities").style.category_field == "facility_type"
    projects = get_kind("project_features").style
    assert projects.category_field == "status"
    assert set(projects.category_colors) == {
        "planned", "approved", "under_construction", "completed", "accepted",
    }  # fmt: skip
    assert len(set(projects.category_colors.values())) == 5


def test_settlement_radius_grows_with_population():
    style = get_kind("settlements").style
    assert style.size_field == "population"
    small, large = style.radius_for(50), style.radius_for(5000)
    assert small < style.radius_for(250) < large <= style.max_radius
    assert style.radius_for(None) == style.radius
    assert style.radius_for(float("nan")) == style.radius


def test_leaflet_options():
    options = get_kind("roads").style.leaflet("track")
    assert options["dashArray"] == "6 4"
    assert options["color"] == get_kind("roads").style.color_for("track")


def test_field_lookup_names_the_valid_fields():
    assert get_kind("villages").field("population").unit == "people"
    with pytest.raises(KeyError, match="households"):
        get_kind("villages").field("pop")


# --- field matching ------------------------------------------------------


@pytest.mark.parametrize(("key", "columns", "expected"), DEMO_CASES)
def test_match_fields_on_demo_files(key, columns, expected):
    assert get_kind(key).match_fields(columns) == expected


@pytest.mark.parametrize(("key", "columns", "expected"), CHINESE_CASES)
def test_match_fields_on_chinese_columns(key, columns, expected):
    assert get_kind(key).match_fields(columns) == expected


def test_matching_ignores_case_width_and_separators():
    villages = get_kind("villages")
    columns = ["ＮＡＭＥ", "Tot-Population", "house holds", "CEN 2001"]
    assert villages.match_fields(columns) == {
        "name": "ＮＡＭＥ",
        "code": "CEN 2001",
        "population": "Tot-Population",
        "households": "house holds",
    }


def test_canonical_name_beats_aliases_and_columns_are_used_once():
    villages = get_kind("villages")
    columns = ["village_name_2011", "NAME", "名称"]
    assert villages.match_fields(columns) == {"name": "NAME"}
    assert villages.match_fields(["name", "NAME"]) == {"name": "name"}


def test_overrides_win():
    settlements = get_kind("settlements")
    mapping = settlements.match_fields(
        SK_HABITATIONS, {"code": "BLOCK_ID", "village": "DISTRICT_NAME"}
    )
    assert mapping["code"] == "BLOCK_ID"
    assert mapping["village"] == "DISTRICT_NAME"
    assert "county" not in mapping  # its column went to the override
    assert mapping["population"] == "TOT_POPULATION"


def test_override_can_take_a_column_from_another_field():
    villages = get_kind("villages")
    mapping = villages.match_fields(SK_VILLAGES, {"code": "village_code_2011"})
    assert mapping["code"] == "village_code_2011"
    assert "CEN_2001" not in mapping.values()


def test_override_is_lenient_about_spelling_and_can_unmap():
    hazards = get_kind("hazards")
    mapping = hazards.match_fields(
        GLC_LANDSLIDES, {"Hazard_Type": "LANDSLIDE_TYPE", "landslide_type": ""}
    )
    assert mapping["hazard_type"] == "landslide_type"
    assert "landslide_type" not in mapping


@pytest.mark.parametrize("lang", LANGUAGES)
def test_override_with_unknown_target_lists_fields(lang):
    with use_language(lang), pytest.raises(InputError) as info:
        get_kind("roads").match_fields(LI_ROADS, {"class": "highway"})
    message = str(info.value)
    assert "class" in message and "road_class" in message
    assert "all_weather" in message


@pytest.mark.parametrize("lang", LANGUAGES)
def test_override_with_unknown_column_lists_columns(lang):
    with use_language(lang), pytest.raises(InputError) as info:
        get_kind("roads").match_fields(LI_ROADS, {"road_class": "fclass"})
    message = str(info.value)
    assert "fclass" in message and "highway" in message and "tracktype" in message


def test_override_with_same_column_twice_is_refused():
    overrides = {"name": "ref", "ref": "ref"}
    with pytest.raises(InputError, match="ref"):
        get_kind("roads").match_fields(LI_ROADS, overrides)


def test_input_error_is_a_value_error():
    with pytest.raises(ValueError):
        get_kind("")


# --- category values ----------------------------------------------------


@pytest.mark.parametrize(
    ("key", "field", "raw", "expected"),
    [
        ("roads", "road_class", "secondary_link", "secondary"),
        ("roads", "road_class", "县道", "county"),
        ("roads", "road_class", "机耕道", "track"),
        ("water", "water_class", "natural=water", "water_body"),
        ("water", "water_class", "landuse=reservoir", "reservoir"),
        ("water", "water_class", "排水渠", "drain"),
        ("water", "water_class", "小水窖", "cistern"),
        ("facilities", "facility_type", "place_of_worship", "worship"),
        ("facilities", "facility_type", "Primary Health Centre", "clinic"),
        ("facilities", "facility_type", "Veterinary Hospital", "veterinary"),
        ("facilities", "facility_type", "Govt.Secondary School", "school"),
        ("facilities", "facility_type", "Sabji Mandi", "market"),
        ("facilities", "facility_type", "Village Administrative Centre", "office"),
        ("facilities", "facility_type", "村卫生室", "clinic"),
        ("facilities", "facility_type", "中心幼儿园", "kindergarten"),
        ("facilities", "facility_type", "compost pit", None),
        ("hazards", "landslide_type", "Debris_Flow", "debris_flow"),
        ("hazards", "hazard_type", "泥石流", "debris_flow"),
        ("project_features", "status", "在建", "under_construction"),
        ("project_features", "status", "未开工", "planned"),
        ("project_features", "status", "Under construction", "under_construction"),
        ("relocation_sites", "status", "候选", "candidate"),
        ("farmland", "land_class", "vineyard", "vineyard"),
        ("farmland", "land_class", "forest", None),
        ("roads", "surface", "gravel", None),
    ],
)
def test_canonical_values(key, field, raw, expected):
    assert get_kind(key).canonical_value(field, raw) == expected


def test_category_labels():
    def label(key, field, value, lang="en"):
        return category_label(key, field, value, lang=lang)

    assert label("roads", "road_class", "primary") == "Primary road"
    assert label("roads", "road_class", "县道") == "County road"
    assert label("facilities", "facility_type", "post_office", "zh") == "邮局"
    assert label("water", "water_class", "stream", "zh") == "溪流"
    with use_language("en"):
        text = category_label("project_features", "status", "accepted")
        assert text == "Accepted"


def test_category_label_falls_back_to_raw_value():
    unknown = category_label("roads", "road_class", "bus_guideway")
    assert unknown == "bus_guideway"
    assert category_label("roads", "surface", "Gravel") == "Gravel"
    assert category_label("roads", "road_class", None) == ""
    assert category_label("roads", "road_class", float("nan")) == ""


def test_normalisers():
    assert normalize_name("ＴＯＴ－ＰＯＰＵＬＡＴＩＯＮ") == "totpopulation"
    assert normalize_name("面积（亩）") == normalize_name("面积(亩)")
    assert normalize_value(" Debris_Flow ") == "debris_flow"
    assert normalize_value("Transport/Admin") == "transport_admin"
    assert normalize_value(None) == ""
