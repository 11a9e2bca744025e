"""Village boundaries: administrative villages (行政村) as areas."""

from layers import _aliases as a
from layers.base import FieldSpec, LayerKind, Style

KIND = LayerKind(
    key="villages",
    families=("polygon",),
    fields=(
        FieldSpec(
            "name",
            "str",
            aliases=(
                *a.NAME,
                "村名",
                "村庄名称",
                "行政村",
                "行政村名称",
                "村",
                "village",
                "village_name",
                "vill_name",
                "village_name_2011",  # Sikkim, 2011 census
            ),
            required=True,
        ),
        FieldSpec(
            "code",
            "str",
            aliases=(
                "村代码",
                "村庄代码",
                "村编码",
                "行政区划代码",
                "区划代码",
                "统计用区划代码",
                "代码",
                "adcode",
                "village_code",
                "vill_code",
                "CEN_2001",  # Sikkim, 2001 census: complete and unique
                "census_code",
                "village_code_2011",
                "osm_id",
            ),
        ),
        FieldSpec("population", "int", aliases=a.POPULATION, unit="people"),
        FieldSpec("households", "int", aliases=a.HOUSEHOLDS, unit="households"),
        FieldSpec(
            "township",
            "str",
            aliases=(
                *a.TOWNSHIP,
                "sub_district",
                "sub_dist",  # Sikkim census
                "tehsil",
                "electoral_district",  # Liechtenstein Wahlkreis
            ),
        ),
        FieldSpec(
            "township_code",
            "str",
            aliases=(
                "乡镇代码",
                "乡镇编码",
                "streetCode",
                "street_code",
                "sub_district_code",
                "sub_district_code_2011",
            ),
        ),
        FieldSpec("county", "str", aliases=a.COUNTY),
        FieldSpec(
            "county_code",
            "str",
            aliases=(*a.COUNTY_CODE, "district_code_2011"),
        ),
    ),
    style=Style(
        color="#3b3b3b",
        weight=2.0,
        fill_color="#9e9e9e",
        fill_opacity=0.05,
    ),
    popup_fields=(
        "name",
        "code",
        "township",
        "county",
        "population",
        "households",
    ),
    label_key="layers.villages",
    id_field="code",
)
