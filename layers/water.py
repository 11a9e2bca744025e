"""Water: sources as points, pipes and rivers as lines, reservoirs as areas."""

from layers import _aliases as a
from layers.base import Category, FieldSpec, LayerKind, Style

WATER_CLASSES = Category(
    field="water_class",
    values=(
        # sources
        "drinking_water",
        "tap",
        "well",
        "spring",
        "cistern",
        "tank",
        "waterworks",
        "fountain",
        # lines
        "pipe",
        "river",
        "stream",
        "canal",
        "ditch",
        "drain",
        "dam",
        # areas
        "reservoir",
        "lake",
        "pond",
        "basin",
        "water_body",
    ),
    aliases={
        "water": "water_body",  # OSM natural=water
        "water_well": "well",
        "water_tap": "tap",
        "water_tower": "tank",
        "water_tank": "tank",
        "storage_tank": "tank",
        "water_works": "waterworks",
        "pipeline": "pipe",
        "riverbank": "river",
        "weir": "dam",
    },
    keywords=(
        ("饮水", "drinking_water"),
        ("自来水", "tap"),
        ("水龙头", "tap"),
        ("水窖", "cistern"),
        ("水井", "well"),
        ("机井", "well"),
        ("喷泉", "fountain"),
        ("泉", "spring"),
        ("水厂", "waterworks"),
        ("水池", "tank"),
        ("水塔", "tank"),
        ("水柜", "tank"),
        ("管", "pipe"),
        ("水库", "reservoir"),
        ("排水", "drain"),
        ("运河", "canal"),
        ("渠", "canal"),
        ("沟", "ditch"),
        ("溪", "stream"),
        ("河", "river"),
        ("江", "river"),
        ("坝", "dam"),
        ("湖", "lake"),
        ("塘", "pond"),
        ("井", "well"),
    ),
)

KIND = LayerKind(
    key="water",
    families=("point", "line", "polygon"),
    fields=(
        FieldSpec(
            "name",
            "str",
            aliases=(*a.NAME, "水源名称", "水源地名称", "河流名称", "水库名称"),
        ),
        FieldSpec(
            "water_class",
            "str",
            aliases=(
                "水源类型",
                "水体类型",
                "水源类别",
                "类型",
                "water_type",
                "type",
                "class",
                "kind",  # Liechtenstein water points
                "waterway",  # OSM waterway=*
                "fclass",
            ),
        ),
        FieldSpec(
            "safe",
            "bool",
            aliases=(
                "是否安全",
                "安全饮水",
                "水质达标",
                "水质是否达标",
                "is_safe",
                "safe_water",
                "potable",
            ),
        ),
    ),
    style=Style(
        color="#0072b2",
        weight=2.0,
        fill_color="#56b4e9",
        fill_opacity=0.5,
        radius=5.0,
    ),
    popup_fields=("name", "water_class", "safe"),
    label_key="layers.water",
    categories=(WATER_CLASSES,),
)
