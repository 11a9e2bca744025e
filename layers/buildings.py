"""Building footprints, with an estimated number of occupants."""

from layers import _aliases as a
from layers.base import FieldSpec, LayerKind, Style

KIND = LayerKind(
    key="buildings",
    families=("polygon",),
    fields=(
        FieldSpec("name", "str", aliases=(*a.NAME, "建筑名称", "房屋名称")),
        FieldSpec(
            "building_type",
            "str",
            aliases=(
                "类型",
                "建筑类型",
                "房屋类型",
                "建筑用途",
                "用途",
                "type",
                "building",  # OSM building=*
                "fclass",
            ),
        ),
        FieldSpec(
            "floors",
            "int",
            aliases=("层数", "楼层数", "levels", "building:levels", "building_levels"),
        ),
        # an estimate, never a count: label it as such
        FieldSpec(
            "population_estimate",
            "int",
            aliases=(
                "估算人口",
                "人口估算",
                "居住人数",
                "人口",
                "pop_est",
                "population",
            ),
            unit="people",
        ),
    ),
    style=Style(
        color="#7f6a5a",
        weight=0.5,
        fill_color="#bfae9f",
        fill_opacity=0.7,
    ),
    popup_fields=("name", "building_type", "floors", "population_estimate"),
    label_key="layers.buildings",
)
