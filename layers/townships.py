"""Townships: administrative units above villages (乡镇, blocks)."""

from layers import _aliases as a
from layers.base import FieldSpec, LayerKind, Style

KIND = LayerKind(
    key="townships",
    families=("polygon",),
    fields=(
        FieldSpec(
            "name",
            "str",
            aliases=(*a.NAME, *a.TOWNSHIP, "乡镇名", "乡", "镇", "街道"),
            required=True,
        ),
        FieldSpec(
            "code",
            "str",
            aliases=(
                "乡镇代码",
                "乡镇编码",
                "行政区划代码",
                "区划代码",
                "代码",
                "adcode",
                "township_code",
                "block_id",  # PMGSY
                "osm_id",
            ),
        ),
        FieldSpec("county", "str", aliases=a.COUNTY),
        FieldSpec(
            "county_code",
            "str",
            aliases=(*a.COUNTY_CODE, "district_id"),
        ),
    ),
    style=Style(color="#6b6b6b", weight=3.0, dash_array="10 4 2 4"),
    popup_fields=("name", "code", "county"),
    label_key="layers.townships",
    id_field="code",
)
