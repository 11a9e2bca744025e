"""Tests for gis.encoding: which encoding a file's text uses, and why.

Shapefiles are written by GDAL (through pyogrio) in tmp_path, then made to
look like planners' files by deleting the .cpg, rewriting it, or rewriting
the language driver byte (29) of the .dbf. A few .dbf files are built by
hand with ``struct`` so that the expected bytes do not come from the code
under test. Reading back with pyogrio and pandas checks that each decision
gives the exact names.
"""

from __future__ import annotations

import codecs
import io
import struct
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from gis.encoding import (
    EncodingDecision,
    codec_from_name,
    dbf_text_bytes,
    decide_dbf_encoding,
    decide_text_encoding,
)
from gis.errors import EncodingError, InputError
from gis.i18n import catalog, placeholders, use_language

VILLAGES = ["幸福村", "石门坎乡", "紫云苗族布依族自治县"]
LATIN = ["Café du Marché", "Zürich", "São Paulo"]


# --- helpers -----------------------------------------------------------------


def write_layer(
    folder: Path, *, encoding: str, names: list[str] = VILLAGES
) -> Path:
    """Write a point shapefile with a ``name`` column; return the .shp."""
    frame = gpd.GeoDataFrame(
        {"name": names, "households": range(len(names))},
        geometry=[Point(106.0 + i, 26.0) for i in range(len(names))],
        crs="EPSG:4326",
    )
    path = folder / "villages.shp"
    pyogrio.write_dataframe(frame, path, encoding=encoding)
    return path


def set_cpg(shp: Path, content: str | None) -> None:
    """Replace the .cpg content, or delete the file when None."""
    cpg = shp.with_suffix(".cpg")
    if content is None:
        cpg.unlink()
    else:
        cpg.write_text(content, encoding="ascii")


def set_ldid(shp: Path, ldid: int) -> None:
    """Rewrite the language driver id, byte 29 of the .dbf header."""
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = ldid
    dbf.write_bytes(bytes(data))


def decide_layer(
    shp: Path, *, override: str | None = None
) -> EncodingDecision:
    """Decide from the .dbf bytes and the .cpg text, as a reader would."""
    cpg = shp.with_suffix(".cpg")
    return decide_dbf_encoding(
        shp.with_suffix(".dbf").read_bytes(),
        cpg=cpg.read_text("ascii") if cpg.exists() else None,
        override=override,
    )


def make_dbf(
    fields: list[tuple[str, str, int]],
    records: list[tuple[bool, list[bytes]]],
    *,
    ldid: int = 0,
) -> bytes:
    """Build a dBASE III file by hand: (name, type, width) fields and
    (deleted, values) records, each value already padded to its width."""
    header_length = 32 + 32 * len(fields) + 1
    record_length = 1 + sum(width for _, _, width in fields)
    header = struct.pack(
        "<B3BIHH17sB2x",
        0x03,
        125,
        1,
        1,
        len(records),
        header_length,
        record_length,
        b"",
        ldid,
    )
    descriptors = b"".join(
        struct.pack("<11sc4xBB14x", name.encode(), kind.encode(), width, 0)
        for name, kind, width in fields
    )
    body = b"".join(
        (b"*" if deleted else b" ") + b"".join(values)
        for deleted, values in records
    )
    return header + descriptors + b"\r" + body + b"\x1a"


def ascii_dbf(ldid: int) -> bytes:
    """A one-record .dbf with ASCII text and the given language driver."""
    return make_dbf([("NAME", "C", 8)], [(False, [b"Xingfu  "])], ldid=ldid)


# --- shapefiles: which rule decides ------------------------------------------

# written with, .cpg afterwards ("keep": as GDAL wrote it), LDID, expected
LAYER_CASES = [
    pytest.param("UTF-8", "keep", None, "utf-8", "cpg", id="cpg-utf8"),
    pytest.param("GBK", "936", None, "gb18030", "cpg", id="cpg-936"),
    pytest.param("GBK", "keep", None, "gb18030", "cpg", id="cpg-gbk"),
    pytest.param("GBK", "ANSI 936\r\n", None, "gb18030", "cpg", id="ansi"),
    pytest.param("GBK", None, 0x4D, "gb18030", "dbf-header", id="ldid-4d"),
    pytest.param("GBK", None, 0x7A, "gb18030", "dbf-header", id="ldid-7a"),
    pytest.param("GBK", None, 0x00, "gb18030", "gb18030", id="gbk"),
    pytest.param("GBK", None, 0x57, "gb18030", "gb18030", id="ansi-gbk"),
    pytest.param("UTF-8", None, 0x00, "utf-8", "utf-8", id="utf8"),
    pytest.param("UTF-8", None, 0x57, "utf-8", "utf-8", id="ansi-utf8"),
    pytest.param("GBK", "UTF-8", None, "gb18030", "gb18030", id="cpg-lies"),
    pytest.param("GBK", "UTF-8", 0x4D, "gb18030", "dbf-header", id="both"),
    pytest.param("UTF-8", None, 0x4D, "utf-8", "utf-8", id="ldid-lies"),
    pytest.param("GBK", "klingon", None, "gb18030", "gb18030", id="cpg-bad"),
]


def prepare_layer(
    folder: Path, written: str, cpg: str | None, ldid: int | None
) -> Path:
    """Write the villages layer, then alter its .cpg and LDID."""
    shp = write_layer(folder, encoding=written)
    if cpg != "keep":
        set_cpg(shp, cpg)
    if ldid is not None:
        set_ldid(shp, ldid)
    return shp


@pytest.mark.parametrize(
    ("written", "cpg", "ldid", "encoding", "source"), LAYER_CASES
)
def test_layer_decision(
    tmp_path: Path,
    written: str,
    cpg: str | None,
    ldid: int | None,
    encoding: str,
    source: str,
) -> None:
    shp = prepare_layer(tmp_path, written, cpg, ldid)

    decision = decide_layer(shp)

    assert (decision.encoding, decision.source) == (encoding, source)


@pytest.mark.parametrize(
    ("written", "cpg", "ldid", "encoding", "source"), LAYER_CASES
)
def test_layer_reads_back_exact_names(
    tmp_path: Path,
    written: str,
    cpg: str | None,
    ldid: int | None,
    encoding: str,
    source: str,
) -> None:
    shp = prepare_layer(tmp_path, written, cpg, ldid)

    decision = decide_layer(shp)
    frame = pyogrio.read_dataframe(shp, encoding=decision.encoding)

    assert frame["name"].tolist() == VILLAGES


def test_lying_cpg_is_named_in_detail(tmp_path: Path) -> None:
    shp = prepare_layer(tmp_path, "GBK", "UTF-8", None)

    with use_language("en"):
        english = decide_layer(shp).detail
    with use_language("zh"):
        chinese = decide_layer(shp).detail

    assert "the .cpg file says 'UTF-8'" in english
    assert "GB18030" in english
    assert ".cpg 文件写的是“UTF-8”" in chinese


def test_contradicted_ldid_is_named_in_detail(tmp_path: Path) -> None:
    shp = prepare_layer(tmp_path, "UTF-8", None, 0x4D)

    with use_language("en"):
        detail = decide_layer(shp).detail

    assert "code page 936" in detail
    assert "valid UTF-8" in detail


def test_ldid_detail_names_byte_and_code_page(tmp_path: Path) -> None:
    shp = prepare_layer(tmp_path, "GBK", None, 0x4D)

    with use_language("en"):
        detail = decide_layer(shp).detail

    assert "0x4D" in detail
    assert "936" in detail


def test_ascii_layer(tmp_path: Path) -> None:
    shp = write_layer(tmp_path, encoding="UTF-8", names=["Xingfu", "Shimen"])
    set_cpg(shp, None)

    decision = decide_layer(shp)

    assert (decision.encoding, decision.source) == ("utf-8", "ascii")


def test_gbk_field_names_count_with_ascii_values(tmp_path: Path) -> None:
    # values alone are ASCII; the Chinese column name is GBK
    frame = gpd.GeoDataFrame(
        {"名称": ["A1", "B2"]},
        geometry=[Point(106.0, 26.0), Point(107.0, 26.0)],
        crs="EPSG:4326",
    )
    shp = tmp_path / "fields.shp"
    pyogrio.write_dataframe(frame, shp, encoding="GBK")
    set_cpg(shp, None)

    decision = decide_layer(shp)
    back = pyogrio.read_dataframe(shp, encoding=decision.encoding)

    assert (decision.encoding, decision.source) == ("gb18030", "gb18030")
    assert "名称" in back.columns


# --- shapefiles: the user's option -------------------------------------------


def test_override_beats_lying_cpg(tmp_path: Path) -> None:
    shp = prepare_layer(tmp_path, "GBK", "UTF-8", None)

    decision = decide_layer(shp, override="CP936")

    assert (decision.encoding, decision.source) == ("gb18030", "option")


def test_override_latin_layer_reads_back(tmp_path: Path) -> None:
    shp = write_layer(tmp_path, encoding="cp1252", names=LATIN)
    set_cpg(shp, None)

    decision = decide_layer(shp, override="ANSI 1252")
    frame = pyogrio.read_dataframe(shp, encoding=decision.encoding)

    assert (decision.encoding, decision.source) == ("cp1252", "option")
    assert frame["name"].tolist() == LATIN


def test_override_that_cannot_decode_raises(tmp_path: Path) -> None:
    shp = prepare_layer(tmp_path, "GBK", None, None)

    with use_language("en"), pytest.raises(EncodingError) as caught:
        decide_layer(shp, override="UTF-8")

    assert "'UTF-8'" in str(caught.value)
    assert "--encoding" in str(caught.value)
    assert isinstance(caught.value.__cause__, UnicodeDecodeError)


def test_unknown_override_raises(tmp_path: Path) -> None:
    shp = prepare_layer(tmp_path, "GBK", None, None)

    with pytest.raises(EncodingError, match="klingon"):
        decide_layer(shp, override="klingon")


# --- shapefiles: nothing decides ---------------------------------------------


def test_undecodable_layer_raises(tmp_path: Path) -> None:
    shp = write_layer(tmp_path, encoding="cp1252", names=LATIN)
    set_cpg(shp, None)

    with use_language("en"), pytest.raises(EncodingError) as caught:
        decide_layer(shp)

    message = str(caught.value)
    assert "neither valid UTF-8 nor readable as GB18030" in message
    assert "--encoding cp1252" in message


def test_undecodable_layer_error_keeps_lying_cpg_note(tmp_path: Path) -> None:
    shp = write_layer(tmp_path, encoding="cp1252", names=LATIN)
    set_cpg(shp, "UTF-8")

    with use_language("zh"), pytest.raises(EncodingError) as caught:
        decide_layer(shp)

    message = str(caught.value)
    assert "--encoding" in message
    assert ".cpg 文件写的是“UTF-8”" in message


# --- hand-built .dbf files ---------------------------------------------------


def test_dbf_text_bytes_joins_live_character_values() -> None:
    name_1 = "幸福村".encode("gbk").ljust(10)
    name_2 = "石门坎乡".encode("gbk").ljust(10)
    dbf = make_dbf(
        [("NAME", "C", 10), ("POP", "N", 5), ("NOTE", "C", 4)],
        [
            (False, [name_1, b"  120", b"ok  "]),
            (True, [b"deleted   ", b"    1", b"gone"]),
            (False, [name_2, b"   75", b"\0\0\0\0"]),
        ],
    )

    assert dbf_text_bytes(dbf) == name_1 + b"ok  " + name_2 + b"\0\0\0\0"


def test_dbf_text_bytes_stops_at_truncated_records() -> None:
    dbf = make_dbf(
        [("NAME", "C", 6)],
        [(False, [b"Xingfu"]), (False, [b"Shimen"])],
    )
    truncated = dbf[: len(dbf) - 1 - 4]  # end marker and part of record 2

    assert dbf_text_bytes(truncated) == b"Xingfu"


@pytest.mark.parametrize(
    ("ldid", "codec"),
    [
        (0x01, "cp437"),
        (0x02, "cp850"),
        (0x03, "cp1252"),
        (0x13, "cp932"),
        (0x4D, "gb18030"),
        (0x4E, "cp949"),
        (0x4F, "cp950"),
        (0x64, "cp852"),
        (0x65, "cp866"),
        (0x7A, "gb18030"),
        (0x7B, "cp932"),
        (0xC8, "cp1250"),
        (0xC9, "cp1251"),
        (0xCB, "cp1253"),
    ],
)
def test_language_driver_ids(ldid: int, codec: str) -> None:
    decision = decide_dbf_encoding(ascii_dbf(ldid))

    assert (decision.encoding, decision.source) == (codec, "dbf-header")


@pytest.mark.parametrize("ldid", [0x00, 0x57])
def test_vague_language_driver_ids_leave_it_to_the_bytes(ldid: int) -> None:
    decision = decide_dbf_encoding(ascii_dbf(ldid))

    assert (decision.encoding, decision.source) == ("utf-8", "ascii")


def test_every_language_driver_gives_a_python_codec() -> None:
    for ldid in range(256):
        decision = decide_dbf_encoding(ascii_dbf(ldid))
        assert codecs.lookup(decision.encoding)


def test_dbf_shorter_than_header_raises() -> None:
    with use_language("en"), pytest.raises(InputError, match="damaged"):
        decide_dbf_encoding(b"\x03abc")


def test_dbf_fields_wider_than_record_raise() -> None:
    dbf = bytearray(ascii_dbf(0))
    dbf[10:12] = struct.pack("<H", 4)  # record length below the field width

    with use_language("en"), pytest.raises(InputError, match="damaged"):
        dbf_text_bytes(bytes(dbf))


# --- text files --------------------------------------------------------------

CSV_TEXT = (
    "名称,户数\n幸福村,120\n石门坎乡,85\n紫云苗族布依族自治县,40\n"
)


@pytest.mark.parametrize(
    ("raw", "encoding", "source"),
    [
        pytest.param(
            CSV_TEXT.encode("utf-8-sig"), "utf-8-sig", "format", id="utf8-bom"
        ),
        pytest.param(CSV_TEXT.encode("gbk"), "gb18030", "gb18030", id="gbk"),
        pytest.param(CSV_TEXT.encode("utf-8"), "utf-8", "utf-8", id="utf8"),
        pytest.param(
            CSV_TEXT.encode("utf-16"), "utf-16", "format", id="utf16-bom"
        ),
        pytest.param(
            CSV_TEXT.encode("utf-32"), "utf-32", "format", id="utf32-bom"
        ),
    ],
)
def test_csv_decision_reads_back(
    raw: bytes, encoding: str, source: str
) -> None:
    decision = decide_text_encoding(raw)
    frame = pd.read_csv(io.BytesIO(raw), encoding=decision.encoding)

    assert (decision.encoding, decision.source) == (encoding, source)
    assert frame["名称"].tolist() == VILLAGES


def test_ascii_text() -> None:
    decision = decide_text_encoding(b"name,households\nXingfu,120\n")

    assert (decision.encoding, decision.source) == ("utf-8", "ascii")


def test_geojson_utf8() -> None:
    raw = '{"type": "Feature", "properties": {"name": "幸福村"}}'.encode()

    decision = decide_text_encoding(raw)

    assert (decision.encoding, decision.source) == ("utf-8", "utf-8")


def test_latin1_text_that_gb18030_cannot_decode_raises() -> None:
    raw = "name\nCafé du Marché\nZürich\n".encode("latin-1")

    with use_language("en"), pytest.raises(EncodingError, match="--encoding"):
        decide_text_encoding(raw)


def test_latin1_text_that_gb18030_misreads_raises() -> None:
    # GB18030 decodes these bytes, but into rare Han characters inside
    # Latin words, which real Chinese text does not contain
    raw = "São Paulo,informação,coração,Conceição\n".encode("latin-1")
    assert raw.decode("gb18030")

    with pytest.raises(EncodingError):
        decide_text_encoding(raw)


def test_big5_text_that_gb18030_misreads_raises() -> None:
    raw = "臺北市中正區,新北市板橋區,花蓮縣吉安鄉\n".encode("cp950")
    assert raw.decode("gb18030")

    with pytest.raises(EncodingError):
        decide_text_encoding(raw)


def test_text_override() -> None:
    raw = "name\nZürich\n".encode("latin-1")

    decision = decide_text_encoding(raw, override="ISO-8859-1")

    assert (decision.encoding, decision.source) == ("latin1", "option")
    assert raw.decode(decision.encoding) == "name\nZürich\n"


def test_utf8_bom_over_gbk_bytes_raises() -> None:
    raw = codecs.BOM_UTF8 + CSV_TEXT.encode("gbk")

    with use_language("en"), pytest.raises(EncodingError, match="damaged"):
        decide_text_encoding(raw)


def test_bom_detail_is_translated() -> None:
    raw = CSV_TEXT.encode("utf-8-sig")

    with use_language("en"):
        english = decide_text_encoding(raw).detail
    with use_language("zh"):
        chinese = decide_text_encoding(raw).detail

    assert english == "from the UTF-8 byte-order mark at the start of the file"
    assert chinese == "来自文件开头的 UTF-8 字节顺序标记（BOM）"


# --- code page names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("65001", "utf-8"),
        ("936", "gb18030"),
        ("CP936", "gb18030"),
        ("GBK", "gb18030"),
        ("gb2312", "gb18030"),
        ("ANSI 936", "gb18030"),
        ("GB18030", "gb18030"),
        ("54936", "gb18030"),
        ("1252", "cp1252"),
        ("ANSI 1252", "cp1252"),
        ("windows-1252", "cp1252"),
        ("ISO-8859-1", "latin1"),
        ("88591", "latin1"),
        ("latin-1", "latin1"),
        ("ISO 8859-2", "iso8859-2"),
        ("950", "cp950"),
        ("BIG5", "cp950"),
        ("932", "cp932"),
        ("Shift_JIS", "cp932"),
        ("949", "cp949"),
        ("OEM 866", "cp866"),
        ("\ufeffUTF-8\r\n", "utf-8"),
    ],
)
def test_codec_from_name(name: str, codec: str) -> None:
    assert codec_from_name(name) == codec
    assert codecs.lookup(codec)


@pytest.mark.parametrize("name", ["klingon", "ANSI", "", "9999", "rot13"])
def test_unknown_codec_name_raises(name: str) -> None:
    with use_language("en"), pytest.raises(EncodingError) as caught:
        codec_from_name(name)

    assert f"'{name}'" in str(caught.value)
    assert "'GBK'" in str(caught.value)


def test_unknown_codec_name_in_chinese() -> None:
    with use_language("zh"), pytest.raises(EncodingError) as caught:
        codec_from_name("klingon")

    assert "无法识别的文字编码“klingon”" in str(caught.value)


# --- messages ----------------------------------------------------------------


def test_every_message_has_both_languages_with_same_placeholders() -> None:
    messages = {
        key: texts
        for key, texts in catalog().items()
        if key.startswith("encoding.")
    }

    assert messages
    for key, texts in messages.items():
        assert set(texts) == {"en", "zh"}, key
        assert placeholders(texts["en"]) == placeholders(texts["zh"]), key


def test_utf8_bytes_beat_a_gbk_header_byte(tmp_path: Path) -> None:
    # this name in UTF-8 also decodes as GB18030, into other characters
    name = "紫云苗族布依族自治县"
    assert name.encode().decode("gb18030") != name
    shp = write_layer(tmp_path, encoding="UTF-8", names=[name])
    set_cpg(shp, None)
    set_ldid(shp, 0x4D)

    decision = decide_layer(shp)
    frame = pyogrio.read_dataframe(shp, encoding=decision.encoding)
    assert (decision.encoding, decision.source) == ("utf-8", "utf-8")
    assert list(frame["name"]) == [name]
