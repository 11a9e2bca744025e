"""Roads: lines with class, surface and all-weather access."""

from layers import _aliases as a
from layers.base import Category, FieldSpec, LayerKind, Style

ROAD_CLASSES = Category(
    field="road_class",
    values=(
        # OpenStreetMap highway=*
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "unclassified",
        "road",
        "residential",
        "living_street",
        "service",
        "track",
        "path",
        "footway",
        "cycleway",
        "bridleway",
        "steps",
        "pedestrian",
        # Chinese administrative classes (行政等级)
        "national",
        "provincial",
        "county",
        "township",
        "village",
        "group",
    ),
    aliases={
        "motorway_link": "motorway",
        "trunk_link": "trunk",
        "primary_link": "primary",
        "secondary_link": "secondary",
        "tertiary_link": "tertiary",
        "expressway": "motorway",
    },
    keywords=(
        ("高速", "motorway"),
        ("国道", "national"),
        ("省道", "provincial"),
        ("县道", "county"),
        ("乡道", "township"),
        ("村道", "village"),
        ("通村", "village"),
        ("通组", "group"),
        ("组道", "group"),
        ("组路", "group"),
        ("机耕", "track"),
        ("生产路", "track"),
        ("田间道", "track"),
        ("步道", "footway"),
        ("人行", "footway"),
        ("便道", "path"),
    ),
)

# darker and wider for higher classes; tracks and paths dashed
_MAJOR, _PRIMARY, _SECONDARY = "#662506", "#993404", "#cc4c02"
_TERTIARY, _MINOR = "#ec7014", "#fe9929"
_SERVICE, _TRACK, _PATH = "#a6a6a6", "#8c6d31", "#737373"

_CLASS_STYLE: dict[str, tuple[str, float, str | None]] = {
    "motorway": (_MAJOR, 5.0, None),
    "trunk": (_MAJOR, 5.0, None),
    "national": (_MAJOR, 5.0, None),
    "primary": (_PRIMARY, 4.5, None),
    "provincial": (_PRIMARY, 4.5, None),
    "secondary": (_SECONDARY, 4.0, None),
    "county": (_SECONDARY, 4.0, None),
    "tertiary": (_TERTIARY, 3.0, None),
    "township": (_TERTIARY, 3.0, None),
    "unclassified": (_MINOR, 2.5, None),
    "village": (_MINOR, 2.5, None),
    "residential": (_MINOR, 2.0, None),
    "living_street": (_MINOR, 2.0, None),
    "group": (_MINOR, 2.0, None),
    "service": (_SERVICE, 1.5, None),
    "track": (_TRACK, 1.5, "6 4"),
    "path": (_PATH, 1.0, "2 4"),
    "footway": (_PATH, 1.0, "2 4"),
    "cycleway": (_PATH, 1.0, "2 4"),
    "bridleway": (_PATH, 1.0, "2 4"),
    "steps": (_PATH, 1.0, "2 4"),
    "pedestrian": (_PATH, 1.0, "2 4"),
}

KIND = LayerKind(
    key="roads",
    families=("line",),
    fields=(
        FieldSpec("name", "str", aliases=(*a.NAME, "道路名称", "路名")),
        FieldSpec(
            "road_class",
            "str",
            aliases=(
                "道路等级",
                "公路等级",
                "等级",
                "道路类型",
                "道路类别",
                "行政等级",
                "类型",
                "class",
                "highway",  # OSM highway=*
                "fclass",
                "type",
            ),
        ),
        FieldSpec(
            "surface",
            "str",
            aliases=("路面", "路面类型", "路面材料", "路面结构", "铺装"),
        ),
        FieldSpec(
            "track_type",
            "str",
            aliases=("tracktype", "路况"),  # OSM grade1..grade5
        ),
        FieldSpec(
            "ref",
            "str",
            aliases=("道路编号", "路线编号", "路线代码", "编号", "road_number"),
        ),
        FieldSpec(
            "all_weather",
            "bool",
            aliases=("全天候", "是否全天候", "全天候通行", "晴雨通车"),
        ),
        FieldSpec("bridge", "bool", aliases=("桥梁", "是否桥梁")),
        FieldSpec("tunnel", "bool", aliases=("隧道", "是否隧道")),
        FieldSpec("access", "str", aliases=("通行限制",)),
        FieldSpec(
            "length_km",
            "float",
            aliases=("里程", "长度(km)", "长度(公里)", "里程(km)", "里程(公里)"),
            unit="km",
        ),
        FieldSpec(
            "width_m",
            "float",
            aliases=("路宽", "路面宽度", "宽度", "宽度(m)", "width"),
            unit="m",
        ),
    ),
    style=Style(
        color=_SERVICE,
        weight=1.5,
        category_field="road_class",
        category_colors={k: v[0] for k, v in _CLASS_STYLE.items()},
        category_weights={k: v[1] for k, v in _CLASS_STYLE.items()},
        category_dash_arrays={k: v[2] for k, v in _CLASS_STYLE.items() if v[2]},
    ),
    popup_fields=(
        "name",
        "ref",
        "road_class",
        "surface",
        "track_type",
        "all_weather",
        "width_m",
    ),
    label_key="layers.roads",
    categories=(ROAD_CLASSES,),
)
