"""Hazards: recorded events or mapped hazard zones, as points or areas."""

from layers import _aliases as a
from layers.base import Category, FieldSpec, LayerKind, Style

_VALUES = (
    "landslide",
    "mudslide",
    "debris_flow",
    "rockfall",
    "complex",
    "translational_slide",
    "subsidence",
    "ground_fissure",
    "unstable_slope",
    "flash_flood",
    "flood",
)
_ALIASES = {"debris_avalanche": "debris_flow", "lahar": "debris_flow"}
_KEYWORDS = (
    ("泥石流", "debris_flow"),
    ("泥流", "mudslide"),
    ("滑坡", "landslide"),
    ("崩塌", "rockfall"),
    ("危岩", "rockfall"),
    ("落石", "rockfall"),
    ("塌陷", "subsidence"),
    ("地裂", "ground_fissure"),
    ("不稳定斜坡", "unstable_slope"),
    ("山洪", "flash_flood"),
    ("洪", "flood"),
)

# both fields use one vocabulary and one set of labels
HAZARD_TYPES = Category("hazard_type", _VALUES, _ALIASES, _KEYWORDS)
LANDSLIDE_TYPES = Category(
    "landslide_type", _VALUES, _ALIASES, _KEYWORDS, label_prefix="hazard_type"
)

KIND = LayerKind(
    key="hazards",
    families=("point", "polygon"),
    fields=(
        FieldSpec(
            "name",
            "str",
            aliases=(
                *a.NAME,
                "隐患点名称",
                "灾害点名称",
                "地点",
                "location",
                "nearest_places",  # NASA Global Landslide Catalog
            ),
        ),
        FieldSpec(
            "code",
            "str",
            aliases=("编号", "统一编号", "灾害点编号", "id", "event_id"),
        ),
        FieldSpec(
            "hazard_type",
            "str",
            aliases=("灾害类型", "灾种", "类型", "type", "hazard"),
        ),
        FieldSpec(
            "landslide_type",
            "str",
            aliases=("滑坡类型", "灾害亚类", "亚类", "subtype"),
        ),
        FieldSpec(
            "date",
            "date",
            aliases=("日期", "发生日期", "发生时间", "时间", "event_date"),
        ),
        FieldSpec(
            "accuracy",
            "str",
            aliases=("定位精度", "精度", "location_accuracy"),
        ),
        FieldSpec(
            "scale",
            "str",
            aliases=("规模", "规模等级", "size", "landslide_size"),
        ),
        FieldSpec("trigger", "str", aliases=("诱因", "诱发因素", "引发因素")),
        FieldSpec(
            "fatalities",
            "int",
            aliases=("死亡人数", "死亡", "deaths"),
            unit="people",
        ),
        FieldSpec(
            "injuries",
            "int",
            aliases=("受伤人数", "受伤", "injured"),
            unit="people",
        ),
        FieldSpec(
            "threatened_people",
            "int",
            aliases=("威胁人数", "受威胁人数", "威胁人口"),
            unit="people",
        ),
        FieldSpec(
            "source",
            "str",
            aliases=("来源", "数据来源", "信息来源", "source_name"),
        ),
        FieldSpec(
            "source_url",
            "str",
            aliases=("链接", "url", "link", "source_link"),
        ),
    ),
    style=Style(
        color="#cc3311",
        weight=2.0,
        fill_color="#cc3311",
        fill_opacity=0.3,
        radius=6.0,
    ),
    popup_fields=(
        "name",
        "hazard_type",
        "landslide_type",
        "date",
        "scale",
        "fatalities",
        "threatened_people",
        "accuracy",
        "source",
    ),
    label_key="layers.hazards",
    id_field="code",
    categories=(HAZARD_TYPES, LANDSLIDE_TYPES),
)
