"""Settlements or households: points that carry population."""

from layers import _aliases as a
from layers.base import FieldSpec, LayerKind, Style

KIND = LayerKind(
    key="settlements",
    families=("point",),
    fields=(
        FieldSpec(
            "name",
            "str",
            aliases=(
                *a.NAME,
                "自然村",
                "自然村名称",
                "村民小组",
                "组名",
                "居民点",
                "居民点名称",
                "户主",
                "户主姓名",
                "settlement",
                "settlement_name",
                "hab_name",  # PMGSY habitations
                "habitation",
                "habitation_name",
            ),
        ),
        FieldSpec(
            "code",
            "str",
            aliases=(
                "编号",
                "代码",
                "自然村代码",
                "户编号",
                "settlement_code",
                "household_id",
                "hab_id",  # PMGSY habitations
                "osm_id",
            ),
        ),
        FieldSpec("population", "int", aliases=a.POPULATION, unit="people"),
        FieldSpec("households", "int", aliases=a.HOUSEHOLDS, unit="households"),
        FieldSpec("village", "str", aliases=a.VILLAGE),
        FieldSpec("township", "str", aliases=a.TOWNSHIP),
        FieldSpec("county", "str", aliases=a.COUNTY),
        FieldSpec(
            "settlement_type",
            "str",
            aliases=("类型", "type", "place", "fclass"),  # OSM place=*
        ),
    ),
    style=Style(
        color="#7a4d00",
        weight=1.0,
        fill_color="#e69f00",
        fill_opacity=0.85,
        radius=5.0,
        size_field="population",
        size_reference=250.0,
        max_radius=16.0,
    ),
    popup_fields=(
        "name",
        "village",
        "population",
        "households",
        "settlement_type",
    ),
    label_key="layers.settlements",
    id_field="code",
)
