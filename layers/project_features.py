"""Project features: where a project builds, sketched or imported."""

from layers import _aliases as a
from layers.base import Category, FieldSpec, LayerKind, Style

STATUSES = Category(
    field="status",
    values=("planned", "approved", "under_construction", "completed", "accepted"),
    aliases={
        "proposed": "planned",
        "planning": "planned",
        "in_progress": "under_construction",
        "ongoing": "under_construction",
        "construction": "under_construction",
        "complete": "completed",
        "finished": "completed",
        "done": "completed",
        "计划": "planned",
        "规划": "planned",
        "拟建": "planned",
        "待建": "planned",
        "未开工": "planned",
        "储备": "planned",
        "批复": "approved",
        "已批复": "approved",
        "审批通过": "approved",
        "已审批": "approved",
        "批准": "approved",
        "已批准": "approved",
        "立项": "approved",
        "已立项": "approved",
        "在建": "under_construction",
        "施工中": "under_construction",
        "建设中": "under_construction",
        "开工": "under_construction",
        "已开工": "under_construction",
        "完工": "completed",
        "已完工": "completed",
        "竣工": "completed",
        "已竣工": "completed",
        "建成": "completed",
        "已建成": "completed",
        "验收": "accepted",
        "已验收": "accepted",
        "通过验收": "accepted",
        "验收合格": "accepted",
        "竣工验收": "accepted",
    },
)

# the six plan sections, plus relocation
CATEGORIES = Category(
    field="category",
    values=(
        "farmland",
        "drinking_water",
        "roads",
        "income",
        "social_services",
        "leadership",
        "relocation",
    ),
    aliases={"water": "drinking_water", "road": "roads"},
    keywords=(
        ("农田", "farmland"),
        ("耕地", "farmland"),
        ("梯田", "farmland"),
        ("饮水", "drinking_water"),
        ("供水", "drinking_water"),
        ("道路", "roads"),
        ("公路", "roads"),
        ("交通", "roads"),
        ("增收", "income"),
        ("产业", "income"),
        ("社会事业", "social_services"),
        ("公共服务", "social_services"),
        ("班子", "leadership"),
        ("组织", "leadership"),
        ("搬迁", "relocation"),
    ),
)

# grey (dashed) -> light cyan -> ochre -> green -> indigo as work advances:
# Tol colours that stay apart (CIELAB distance >= 27) for protan, deutan
# and tritan vision too, from the magenta of the highlighted village, and
# (by >= 13) from the blues of water and the orange of settlements
_STATUS_COLORS = {
    "planned": "#999999",
    "approved": "#88ccee",
    "under_construction": "#ddaa33",
    "completed": "#117733",
    "accepted": "#332288",
}

KIND = LayerKind(
    key="project_features",
    families=("point", "line", "polygon"),
    fields=(
        FieldSpec("name", "str", aliases=(*a.NAME, "项目名称", "project_name")),
        FieldSpec(
            "project_id",
            "str",
            aliases=("项目编号", "项目代码", "项目id", "project_code", "project"),
        ),
        FieldSpec(
            "category",
            "str",
            aliases=(*a.CATEGORY, "项目类别", "项目类型", "建设类别", "类型", "type"),
        ),
        FieldSpec(
            "status",
            "str",
            aliases=(*a.STATUS, "项目状态", "建设状态", "进度"),
        ),
        FieldSpec("village", "str", aliases=a.VILLAGE),
    ),
    style=Style(
        color="#999999",
        weight=3.0,
        fill_opacity=0.35,
        radius=6.0,
        category_field="status",
        category_colors=_STATUS_COLORS,
        category_dash_arrays={"planned": "4 4"},
    ),
    popup_fields=("name", "project_id", "category", "status", "village"),
    label_key="layers.project_features",
    categories=(STATUSES, CATEGORIES),
)
