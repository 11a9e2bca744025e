"""Plumbing: column names shared by several layer kinds.

Each tuple lists names real files carry for one idea, best first:
generic English, Chinese, then the demo sources' own spellings.
"""

NAME = ("名称", "名字", "地名", "title")

POPULATION = (
    "pop",
    "人口",
    "总人口",
    "人口数",
    "户籍人口",
    "常住人口",
    "total_population",
    "tot_population",  # PMGSY habitations
    "tot_pop",
    "population_2014_12_31",  # Liechtenstein municipal statistics
)

HOUSEHOLDS = (
    "hh",
    "户数",
    "总户数",
    "户籍户数",
    "农户数",
    "household",
    "num_households",
    "hh_count",
    "tot_hh",
)

VILLAGE = ("行政村", "村名", "所属村", "所属行政村", "村", "village_name")

TOWNSHIP = (
    "乡镇",
    "乡镇名称",
    "所属乡镇",
    "乡(镇)",
    "乡镇(街道)",
    "township_name",
    "town",
    "block",
    "block_name",  # PMGSY: block ≈ township
)

COUNTY = (
    "县",
    "县名",
    "区县",
    "县区",
    "县(区)",
    "县(市、区)",
    "所属县",
    "county_name",
    "district",
    "district_name",
)

# county statistical codes (NBS areaCode; DataMeet/PMGSY district codes)
COUNTY_CODE = (
    "县代码",
    "区县代码",
    "县编码",
    "areaCode",
    "area_code",
    "district_code",
)

STATUS = ("状态", "现状", "state")

CATEGORY = ("类别", "分类", "大类")

AREA_M2 = (
    "面积(平方米)",
    "面积(m2)",
    "面积(㎡)",
    "面积平方米",
    "area_sqm",
    "sqm",
)

AREA_MU = ("面积(亩)", "面积亩", "亩数", "亩", "mu")
