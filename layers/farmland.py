"""Basic farmland (基本农田): parcels with land class, area and irrigation."""

from layers import _aliases as a
from layers.base import Category, FieldSpec, LayerKind, Style

LAND_CLASSES = Category(
    field="land_class",
    values=(
        "farmland",
        "paddy",
        "irrigated_land",
        "dry_land",
        "terrace",
        "orchard",
        "tea_garden",
        "vineyard",
        "meadow",
        "allotments",
        "greenhouse",
        "farmyard",
    ),
    aliases={
        "greenhouse_horticulture": "greenhouse",
        "plant_nursery": "orchard",
        "grassland": "meadow",
    },
    keywords=(
        ("水田", "paddy"),
        ("水浇地", "irrigated_land"),
        ("旱地", "dry_land"),
        ("梯田", "terrace"),
        ("茶园", "tea_garden"),
        ("葡萄", "vineyard"),
        ("果园", "orchard"),
        ("园地", "orchard"),
        ("草地", "meadow"),
        ("牧草", "meadow"),
        ("菜园", "allotments"),
        ("大棚", "greenhouse"),
        ("温室", "greenhouse"),
        ("耕地", "farmland"),
        ("农田", "farmland"),
    ),
)

KIND = LayerKind(
    key="farmland",
    families=("polygon",),
    fields=(
        FieldSpec(
            "name",
            "str",
            aliases=(*a.NAME, "地块名称", "地块名", "图斑名称"),
        ),
        FieldSpec(
            "code",
            "str",
            aliases=("编号", "地块编号", "图斑编号", "tbbh", "parcel_id"),
        ),
        FieldSpec(
            "land_class",
            "str",
            aliases=(
                "地类",
                "地类名称",
                "dlmc",  # land survey: 地类名称
                "土地类型",
                "用地类型",
                "类型",
                "class",
                "landuse",
                "land_use",
                "type",
                "fclass",
            ),
        ),
        # a bare 面积 in a farmland table is almost always in mu
        FieldSpec(
            "area_mu",
            "float",
            aliases=a.AREA_MU,
            unit="mu",
        ),
        FieldSpec(
            "area_m2",
            "float",
            aliases=(*a.AREA_M2, "图斑面积", "tbmj"),
            unit="m2",
        ),
        FieldSpec(
            "irrigated",
            "bool",
            aliases=("是否灌溉", "灌溉", "有效灌溉", "irrigation"),
        ),
        FieldSpec(
            "is_farmland",
            "bool",
            aliases=("是否耕地", "是否基本农田", "基本农田", "basic_farmland"),
        ),
        FieldSpec(
            "village",
            "str",
            aliases=(*a.VILLAGE, "权属单位名称", "qsdwmc"),
        ),
    ),
    style=Style(
        color="#7a8c1e",
        weight=1.0,
        fill_color="#bbcc33",
        fill_opacity=0.5,
    ),
    popup_fields=("name", "land_class", "area_mu", "irrigated", "village"),
    label_key="layers.farmland",
    id_field="code",
    categories=(LAND_CLASSES,),
)
