"""Relocation sites: candidate and chosen sites for households that move."""

from layers import _aliases as a
from layers.base import Category, FieldSpec, LayerKind, Style

SITE_STATUSES = Category(
    field="status",
    values=("candidate", "chosen"),
    aliases={
        "selected": "chosen",
        "proposed": "candidate",
        "候选": "candidate",
        "备选": "candidate",
        "拟选": "candidate",
        "候选点": "candidate",
        "选定": "chosen",
        "已选定": "chosen",
        "确定": "chosen",
        "已确定": "chosen",
    },
)

KIND = LayerKind(
    key="relocation_sites",
    families=("point", "polygon"),
    fields=(
        FieldSpec(
            "name",
            "str",
            aliases=(*a.NAME, "安置点", "安置点名称", "site", "site_name"),
        ),
        FieldSpec("status", "str", aliases=(*a.STATUS, "选址状态")),
        FieldSpec(
            "capacity_households",
            "int",
            aliases=(
                "安置户数",
                "容纳户数",
                "规划户数",
                "可安置户数",
                "户数",
                "households",
                "capacity",
            ),
            unit="households",
        ),
        FieldSpec(
            "capacity_people",
            "int",
            aliases=("安置人数", "容纳人数", "规划人数", "可安置人数", "人数"),
            unit="people",
        ),
        # site areas are usually given in square metres
        FieldSpec(
            "area_m2",
            "float",
            aliases=a.AREA_M2,
            unit="m2",
        ),
        FieldSpec(
            "area_mu",
            "float",
            aliases=(*a.AREA_MU, "占地面积(亩)", "用地面积(亩)"),
            unit="mu",
        ),
        FieldSpec("village", "str", aliases=a.VILLAGE),
    ),
    style=Style(
        color="#762a83",
        weight=2.5,
        fill_color="#c2a5cf",
        fill_opacity=0.4,
        radius=7.0,
        category_field="status",
        category_colors={"candidate": "#9970ab", "chosen": "#40004b"},
        category_dash_arrays={"candidate": "6 4"},
    ),
    popup_fields=(
        "name",
        "status",
        "capacity_households",
        "capacity_people",
        "area_m2",
        "village",
    ),
    label_key="layers.relocation_sites",
    categories=(SITE_STATUSES,),
)
