"""Decide which text encoding a file's attributes use, and say which rule did.

Shapefiles from Chinese planning offices are often GBK/GB18030 without a
``.cpg`` file, sometimes UTF-8, sometimes with a ``.cpg`` that says
``936``; CSV files saved by Excel are often GBK or UTF-8 with a BOM. A wrong
guess garbles every village name without any error, so each decision here
is made by one explicit rule, recorded in :class:`EncodingDecision`, and a
file that no rule can settle raises :class:`~gis.errors.EncodingError`
instead of being guessed.

The functions work on bytes, not paths, so that files inside zip archives
are handled the same way as files on disk.

Examples
--------
>>> from gis.encoding import decide_text_encoding
>>> csv = "名称,户数\\n幸福村,120\\n".encode("gbk")
>>> decision = decide_text_encoding(csv)
>>> decision.encoding, decision.source
('gb18030', 'gb18030')
>>> csv.decode(decision.encoding).splitlines()[1]
'幸福村,120'
"""

from __future__ import annotations

import codecs
import collections
import logging
import re
import struct
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from gis.errors import EncodingError, InputError
from gis.i18n import t

__all__ = [
    "EncodingDecision",
    "EncodingSource",
    "codec_from_name",
    "dbf_text_bytes",
    "decide_dbf_encoding",
    "decide_text_encoding",
]

_log = logging.getLogger(__name__)

EncodingSource = Literal[
    "option", "cpg", "dbf-header", "utf-8", "gb18030", "format", "ascii"
]
"""The rule that decided an encoding, strongest first."""


@dataclass(frozen=True)
class EncodingDecision:
    """The encoding chosen for a file's text, and the rule that chose it.

    Attributes
    ----------
    encoding
        Python codec name, also understood by GDAL, so it can be passed to
        ``pyogrio.read_dataframe(..., encoding=...)``, ``pandas.read_csv``
        and :meth:`bytes.decode`: ``"utf-8"``, ``"gb18030"``, ``"cp1252"``,
        ``"latin1"``, ``"cp950"``, ``"cp932"``...
    source
        The rule that decided: ``"option"`` (the user's ``--encoding``),
        ``"cpg"`` (the shapefile's ``.cpg``), ``"dbf-header"`` (the language
        driver byte of the ``.dbf``), ``"format"`` (a byte-order mark),
        ``"ascii"`` (only ASCII text), ``"utf-8"`` (strict UTF-8 decode) or
        ``"gb18030"`` (strict GB18030 decode that reads as Chinese).
    detail
        One short sentence for the user, in the current language, naming
        the rule and any declaration that was set aside.
    """

    encoding: str
    source: EncodingSource
    detail: str


# --- code page names -------------------------------------------------------

# Windows code page numbers, as .cpg files and LDIDs give them. GBK (936)
# maps to GB18030, its superset; Big5 (950) and Shift-JIS (932) map to the
# Windows supersets cp950 and cp932 for the same reason.
_CODEPAGES: dict[int, str] = {
    65001: "utf-8",
    936: "gb18030",
    54936: "gb18030",
    20936: "gb18030",
    950: "cp950",
    932: "cp932",
    949: "cp949",
    51949: "cp949",
    20932: "euc-jp",
    51932: "euc-jp",
    874: "cp874",
    1200: "utf-16-le",
    1201: "utf-16-be",
    20127: "ascii",
    20866: "koi8-r",
    21866: "koi8-u",
    28591: "latin1",
    28592: "iso8859-2",
    28593: "iso8859-3",
    28594: "iso8859-4",
    28595: "iso8859-5",
    28596: "iso8859-6",
    28597: "iso8859-7",
    28598: "iso8859-8",
    28599: "iso8859-9",
    28603: "iso8859-13",
    28605: "iso8859-15",
    **{
        number: f"cp{number}"
        for number in (
            437, 737, 775, 850, 852, 855, 857, 858, 860, 861,
            862, 863, 864, 865, 866, 869,
            1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258,
        )
    },
}  # fmt: skip

# Names written without case, spaces, dashes, dots or underscores.
_CODEC_NAMES: dict[str, str] = {
    "UTF8": "utf-8",
    "GBK": "gb18030",
    "GB2312": "gb18030",
    "GB18030": "gb18030",
    "EUCCN": "gb18030",
    "BIG5": "cp950",
    "SHIFTJIS": "cp932",
    "SJIS": "cp932",
    "EUCJP": "euc-jp",
    "EUCKR": "cp949",
    "LATIN1": "latin1",
    "ASCII": "ascii",
    "USASCII": "ascii",
    "KOI8R": "koi8-r",
    "KOI8U": "koi8-u",
    "UTF16": "utf-16",
    "UTF16LE": "utf-16-le",
    "UTF16BE": "utf-16-be",
}

_SEPARATORS = re.compile(r"[\s\-_.:/'\"\ufeff]")
_ISO8859 = re.compile(r"(?:ISO)?8859(\d{1,2})")
_NUMBERED = re.compile(
    r"(?:ANSI|OEM|CP|WINDOWS|WIN|MS|IBM|CODEPAGE)?(\d{3,5})"
)
_ISO8859_PARTS = frozenset({*range(1, 12), *range(13, 17)})


def codec_from_name(name: str) -> str:
    """Return the Python codec for a code page name or number.

    Parameters
    ----------
    name
        An encoding as a ``.cpg`` file or a user option spells it:
        ``"UTF-8"``, ``"utf8"``, ``"65001"``, ``"936"``, ``"CP936"``,
        ``"GBK"``, ``"GB2312"``, ``"ANSI 936"``, ``"GB18030"``,
        ``"54936"``, ``"1252"``, ``"ANSI 1252"``, ``"ISO-8859-1"``,
        ``"88591"``, ``"950"``, ``"BIG5"``, ``"932"``...

    Returns
    -------
    str
        The normalised codec name. GBK, GB2312 and 936 give
        ``"gb18030"``, which decodes the same bytes and more.

    Raises
    ------
    EncodingError
        If the name is not a known encoding; the message names it and
        gives valid examples.

    Examples
    --------
    >>> codec_from_name("ANSI 936"), codec_from_name("88591")
    ('gb18030', 'latin1')
    """
    # compare without case, spaces, dashes, dots or underscores
    key = _SEPARATORS.sub("", name).upper()
    codec = _CODEC_NAMES.get(key) or _iso8859(key) or _numbered(key)

    # an unknown name is an error, never a guess
    if codec is None:
        raise EncodingError(
            t("encoding.error_unknown_name", value=name.strip())
        )
    return codec


def _iso8859(key: str) -> str | None:
    """Return the codec of an ISO 8859 part (``"ISO88592"``, ``"88591"``)."""
    match = _ISO8859.fullmatch(key)
    if match is None or int(match[1]) not in _ISO8859_PARTS:
        return None
    part = int(match[1])
    return "latin1" if part == 1 else f"iso8859-{part}"


def _numbered(key: str) -> str | None:
    """Return the codec of a code page number (``"CP936"``, ``"ANSI1252"``)."""
    match = _NUMBERED.fullmatch(key)
    return None if match is None else _CODEPAGES.get(int(match[1]))


# --- reading the .dbf layout -----------------------------------------------

# dBASE language driver ids (header byte 29) and their Windows code pages,
# after the ESRI table. 0x00 and 0x57 ("current ANSI code page") say
# nothing definite and are left out, as are Macintosh and the Kamenicky and
# Mazovia pages, which GDAL cannot recode.
_LDID_CODEPAGES: dict[int, int] = {
    0x01: 437, 0x02: 850, 0x03: 1252, 0x08: 865, 0x09: 437,
    0x0A: 850, 0x0B: 437, 0x0D: 437, 0x0E: 850, 0x0F: 437,
    0x10: 850, 0x11: 437, 0x12: 850, 0x13: 932, 0x14: 850,
    0x15: 437, 0x16: 850, 0x17: 865, 0x18: 437, 0x19: 437,
    0x1A: 850, 0x1B: 437, 0x1C: 863, 0x1D: 850, 0x1F: 852,
    0x22: 852, 0x23: 852, 0x24: 860, 0x25: 850, 0x26: 866,
    0x37: 850, 0x40: 852, 0x4D: 936, 0x4E: 949, 0x4F: 950,
    0x50: 874, 0x58: 1252, 0x59: 1252, 0x64: 852, 0x65: 866,
    0x66: 865, 0x67: 861, 0x6A: 737, 0x6B: 857, 0x6C: 863,
    0x78: 950, 0x79: 949, 0x7A: 936, 0x7B: 932, 0x7C: 874,
    0x86: 737, 0x87: 852, 0x88: 857, 0xC8: 1250, 0xC9: 1251,
    0xCA: 1254, 0xCB: 1253, 0xCC: 1257,
}  # fmt: skip

_DBF_HEADER = struct.Struct("<4xIHH")
_DBF_FIELD_SIZE = 32
_DBF_LDID_BYTE = 29
_DBF_DELETED = 0x2A
_DBF_FIELDS_END = 0x0D


class _DbfField(NamedTuple):
    """One field descriptor: raw name bytes, type letter and byte span."""

    name: bytes
    kind: str
    start: int
    width: int


class _DbfLayout(NamedTuple):
    """Where the records and their fields sit in a ``.dbf`` file."""

    header_length: int
    record_length: int
    record_count: int
    fields: tuple[_DbfField, ...]


def _dbf_layout(dbf: bytes) -> _DbfLayout:
    """Parse and check the dBASE header; raise InputError if it is damaged."""
    # the fixed part: record count, header length, record length
    if len(dbf) < _DBF_FIELD_SIZE:
        raise InputError(t("encoding.error_dbf_short", size=len(dbf)))
    count, header_length, record_length = _DBF_HEADER.unpack_from(dbf)

    # the field descriptors must fit the header and the record
    fields = tuple(_dbf_fields(dbf, header_length))
    width = sum(field.width for field in fields)
    if header_length > len(dbf) or width + 1 > record_length:
        raise InputError(
            t(
                "encoding.error_dbf_layout",
                size=len(dbf),
                header_length=header_length,
                fields_width=width + 1,
                record_length=record_length,
            )
        )
    return _DbfLayout(header_length, record_length, count, fields)


def _dbf_fields(dbf: bytes, header_length: int) -> Iterator[_DbfField]:
    """Yield the field descriptors up to the 0x0D terminator."""
    start = 1  # byte 0 of each record is the deletion flag
    end = min(header_length, len(dbf))
    for offset in range(
        _DBF_FIELD_SIZE, end - _DBF_FIELD_SIZE + 1, _DBF_FIELD_SIZE
    ):
        descriptor = dbf[offset : offset + _DBF_FIELD_SIZE]
        if descriptor[0] == _DBF_FIELDS_END:
            return

        # character fields over 255 bytes keep the high byte in "decimals"
        kind = chr(descriptor[11])
        width = descriptor[16]
        if kind == "C":
            width += descriptor[17] * 256
        name = descriptor[:11].split(b"\0", 1)[0]
        yield _DbfField(name, kind, start, width)
        start += width


def _dbf_records(dbf: bytes, layout: _DbfLayout) -> Iterator[bytes]:
    """Yield the records that are present and not marked deleted."""
    size = layout.record_length
    available = (len(dbf) - layout.header_length) // size
    for index in range(min(layout.record_count, available)):
        offset = layout.header_length + index * size
        record = dbf[offset : offset + size]
        if record[0] != _DBF_DELETED:
            yield record


def _dbf_values(dbf: bytes, layout: _DbfLayout) -> bytes:
    """Join the character field values of all live records."""
    spans = [
        (field.start, field.start + field.width)
        for field in layout.fields
        if field.kind == "C"
    ]
    return b"".join(
        record[start:end]
        for record in _dbf_records(dbf, layout)
        for start, end in spans
    )


def dbf_text_bytes(dbf: bytes) -> bytes:
    """Return the bytes of every character value in a ``.dbf`` file.

    The values of all character (type ``C``) fields of all records not
    marked deleted are joined in file order, each with its padding as
    stored. Numeric, date and logical fields are left out: they are ASCII
    in every encoding.

    Parameters
    ----------
    dbf
        The whole ``.dbf`` file.

    Returns
    -------
    bytes
        The joined values, still encoded.

    Raises
    ------
    InputError
        If the dBASE header is missing or does not match the records.
    """
    return _dbf_values(dbf, _dbf_layout(dbf))


# --- decoding --------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """Encoded text to decide on: a body, plus short names such as fields.

    A name may have been cut inside its last character (GDAL truncates
    ``.dbf`` field names to 10 bytes), so a trailing incomplete character
    in a name is dropped rather than counted against an encoding.
    """

    body: bytes
    names: tuple[bytes, ...] = ()

    def isascii(self) -> bool:
        """Tell whether every byte is 7-bit ASCII."""
        return self.body.isascii() and all(n.isascii() for n in self.names)

    def decode(self, codec: str) -> str:
        """Decode strictly; raise UnicodeDecodeError on any bad byte."""
        names = [_decode_name(name, codec) for name in self.names]
        return "\n".join([*names, self.body.decode(codec)])


def _decode_name(name: bytes, codec: str) -> str:
    """Decode a name strictly, except for a cut last character."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    return decoder.decode(name, final=False)


def _try_decode(text: _Text, codec: str) -> str | UnicodeDecodeError:
    """Return the strictly decoded text, or the error that stopped it."""
    try:
        return text.decode(codec)
    except UnicodeDecodeError as exc:
        return exc


def _sample(exc: UnicodeDecodeError) -> str:
    """Show the bytes where decoding failed, escaped for a message."""
    chunk = exc.object[exc.start : exc.start + 12]
    return repr(bytes(chunk))


# --- is GB18030 text real Chinese? -----------------------------------------

# GB18030 maps almost any run of high bytes to some character, so a decode
# that succeeds proves little. Real Chinese attribute text is made mostly of
# common (GB2312) characters, has no control or private-use characters, and
# does not put Han characters inside Latin words, as misread Latin-1 does
# ("informação" read as "informa玢o").
_MIN_COMMON_SHARE = 0.8
_MAX_WEDGED_SHARE = 0.1
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_HAN_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_HAN = re.compile(_HAN_CLASS)
_HAN_IN_LATIN = re.compile(f"(?<=[A-Za-z]){_HAN_CLASS}(?=[a-z])")
_JUNK_CATEGORIES = frozenset({"Co", "Cn", "Cs"})


def _reads_as_chinese(text: str) -> bool:
    """Tell whether decoded GB18030 text looks like real Chinese or ASCII."""
    # control characters never belong in attribute text
    if _CONTROL.search(text):
        return False

    # private-use and unassigned characters mark misread bytes
    wide = collections.Counter(_NON_ASCII.findall(text))
    if any(_is_junk(char) for char in wide):
        return False

    # most non-ASCII characters must be common ones
    common = sum(n for char, n in wide.items() if _is_common(char))
    if common < _MIN_COMMON_SHARE * wide.total():
        return False

    # Han characters wedged inside Latin words betray Latin-1 text
    wedged = len(_HAN_IN_LATIN.findall(text))
    return wedged <= _MAX_WEDGED_SHARE * len(_HAN.findall(text))


def _is_junk(char: str) -> bool:
    """Tell whether a character is private-use, unassigned or U+FFFD."""
    return char == "\ufffd" or unicodedata.category(char) in _JUNK_CATEGORIES


def _is_common(char: str) -> bool:
    """Tell whether a character is in GB2312, the common Chinese set."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


# --- the rules ---------------------------------------------------------------


def _decision(
    encoding: str,
    source: EncodingSource,
    detail: str,
    notes: Sequence[str] = (),
) -> EncodingDecision:
    """Build a decision whose detail also carries the set-aside notes."""
    for note in notes:
        detail = t("encoding.with_note", detail=detail, note=note)
    _log.debug("encoding %s decided by rule %r: %s", encoding, source, detail)
    return EncodingDecision(encoding=encoding, source=source, detail=detail)


def _from_option(text: _Text, value: str) -> EncodingDecision:
    """Apply the user's encoding option, which must read the bytes."""
    # the name must be known and must decode every byte
    codec = codec_from_name(value)
    decoded = _try_decode(text, codec)
    if isinstance(decoded, UnicodeDecodeError):
        raise EncodingError(
            t(
                "encoding.error_option_unreadable",
                value=value.strip(),
                encoding=codec,
                sample=_sample(decoded),
                position=decoded.start,
            )
        ) from decoded
    detail = t("encoding.detail_option", value=value.strip())
    return _decision(codec, "option", detail)


def _from_cpg(
    text: _Text, cpg: str | None, notes: list[str]
) -> EncodingDecision | None:
    """Apply the ``.cpg`` file unless it is unknown or contradicted."""
    # a missing or blank .cpg says nothing
    value = (cpg or "").replace("\ufeff", "").strip()
    if not value:
        return None

    # an unknown code page is noted and set aside
    try:
        codec = codec_from_name(value)
    except EncodingError:
        notes.append(t("encoding.note_cpg_unknown", value=value))
        return None

    # so is one the bytes contradict, such as "UTF-8" over GBK bytes
    if isinstance(_try_decode(text, codec), UnicodeDecodeError):
        notes.append(
            t("encoding.note_cpg_unreadable", value=value, encoding=codec)
        )
        return None
    detail = t("encoding.detail_cpg", value=value)
    return _decision(codec, "cpg", detail, notes)


def _from_ldid(
    text: _Text, ldid: int, notes: list[str]
) -> EncodingDecision | None:
    """Apply the ``.dbf`` language driver id unless it is vague or wrong."""
    # 0x00, 0x57 ("current ANSI") and unlisted ids say nothing definite
    codepage = _LDID_CODEPAGES.get(ldid)
    if codepage is None:
        return None

    # a code page that cannot decode the bytes is noted and set aside
    codec = _CODEPAGES[codepage]
    if isinstance(_try_decode(text, codec), UnicodeDecodeError):
        notes.append(
            t(
                "encoding.note_ldid_unreadable",
                codepage=codepage,
                encoding=codec,
            )
        )
        return None

    # valid multi-byte UTF-8 is stronger evidence than a header byte:
    # GB18030 would decode it too, into the wrong characters
    utf8 = codec != "utf-8" and not text.isascii()
    if utf8 and isinstance(_try_decode(text, "utf-8"), str):
        notes.append(t("encoding.note_ldid_utf8", codepage=codepage))
        return None
    detail = t("encoding.detail_ldid", ldid=f"{ldid:02X}", codepage=codepage)
    return _decision(codec, "dbf-header", detail, notes)


def _from_bytes(text: _Text, notes: Sequence[str]) -> EncodingDecision:
    """Decide from the bytes alone: ASCII, UTF-8, Chinese GB18030 or fail."""
    # plain ASCII reads the same in every candidate
    if text.isascii():
        return _decision("utf-8", "ascii", t("encoding.detail_ascii"), notes)

    # valid multi-byte UTF-8 almost never happens by chance
    utf8 = _try_decode(text, "utf-8")
    if isinstance(utf8, str):
        return _decision("utf-8", "utf-8", t("encoding.detail_utf8"), notes)

    # GB18030 decodes much by chance, so the result must read as Chinese
    chinese = _try_decode(text, "gb18030")
    if isinstance(chinese, str) and _reads_as_chinese(chinese):
        detail = t("encoding.detail_gb18030")
        return _decision("gb18030", "gb18030", detail, notes)
    raise _undecidable(utf8, notes) from utf8


def _undecidable(
    utf8_error: UnicodeDecodeError, notes: Sequence[str]
) -> EncodingError:
    """Build the error for text that no rule could settle."""
    message = t("encoding.error_undecidable", sample=_sample(utf8_error))
    for note in notes:
        message = t("encoding.error_with_note", message=message, note=note)
    return EncodingError(message)


# Byte-order marks, longest first: the UTF-32 LE mark starts like UTF-16 LE.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def _from_bom(raw: bytes) -> EncodingDecision | None:
    """Apply a byte-order mark, which must agree with the bytes after it."""
    # a UTF-16 file may open with U+0000 and look like UTF-32: try both
    first_error: tuple[str, UnicodeDecodeError] | None = None
    for mark, codec, label in _BOMS:
        if not raw.startswith(mark):
            continue
        decoded = _try_decode(_Text(raw), codec)
        if isinstance(decoded, str):
            detail = t("encoding.detail_bom", bom=label)
            return _decision(codec, "format", detail)
        first_error = first_error or (label, decoded)

    # a mark the bytes contradict means a damaged file
    if first_error is None:
        return None
    label, exc = first_error
    raise EncodingError(
        t(
            "encoding.error_bom_unreadable",
            bom=label,
            sample=_sample(exc),
            position=exc.start,
        )
    ) from exc


# --- public entry points -----------------------------------------------------


def decide_dbf_encoding(
    dbf: bytes, *, cpg: str | None = None, override: str | None = None
) -> EncodingDecision:
    """Decide the encoding of a shapefile's ``.dbf`` attribute text.

    The rules, strongest first:

    1. ``override``, the user's ``--encoding`` option; it must decode
       every byte.
    2. the ``.cpg`` file's content, unless the name is unknown or the
       bytes are not valid in it (a ``.cpg`` saying UTF-8 over GBK bytes);
       then it is set aside and ``detail`` says so.
    3. the language driver id in header byte 29 (0x4D: code page 936, ...),
       unless it is 0x00 or 0x57 ("current ANSI code page"), or its code
       page cannot decode the bytes.
    4. only ASCII text: ``"utf-8"``, source ``"ascii"``.
    5. strict UTF-8 decode succeeds: ``"utf-8"``.
    6. strict GB18030 decode succeeds and the result reads as Chinese
       (mostly common characters, no control or private-use characters):
       ``"gb18030"``.

    The text considered is every character value and every field name.

    Parameters
    ----------
    dbf
        The whole ``.dbf`` file.
    cpg
        The content of the ``.cpg`` file, or None if there is none.
    override
        The encoding the user gave, or None.

    Returns
    -------
    EncodingDecision
        The codec, the rule that chose it, and a sentence saying so.

    Raises
    ------
    EncodingError
        If ``override`` is unknown or cannot decode the text, or if no rule
        settles the encoding; the message tells the user to pass
        ``--encoding``.
    InputError
        If the dBASE header is damaged.

    Notes
    -----
    A declared single-byte code page (``.cpg`` "1252", LDID 0x03) decodes
    almost any bytes, so GBK text labelled that way is trusted as labelled.
    """
    # read the field names and the character values once
    layout = _dbf_layout(dbf)
    names = tuple(field.name for field in layout.fields)
    text = _Text(_dbf_values(dbf, layout), names)

    # an explicit option outranks everything the file says
    if override is not None:
        return _from_option(text, override)

    # then what the file declares: the .cpg, then the header byte
    notes: list[str] = []
    declared = _from_cpg(text, cpg, notes)
    if declared is None:
        declared = _from_ldid(text, dbf[_DBF_LDID_BYTE], notes)
    if declared is not None:
        return declared

    # last, what the bytes themselves allow
    return _from_bytes(text, notes)


def decide_text_encoding(
    raw: bytes, *, override: str | None = None
) -> EncodingDecision:
    """Decide the encoding of a text file: CSV, GeoJSON, TXT...

    The rules, strongest first: ``override`` (the user's ``--encoding``,
    which must decode every byte), a UTF-8, UTF-16 or UTF-32 byte-order
    mark (source ``"format"``; UTF-8 gives ``"utf-8-sig"`` so the mark is
    dropped), only ASCII bytes, strict UTF-8, and strict GB18030 whose
    result reads as Chinese.

    Parameters
    ----------
    raw
        The whole file.
    override
        The encoding the user gave, or None.

    Returns
    -------
    EncodingDecision
        The codec, the rule that chose it, and a sentence saying so.

    Raises
    ------
    EncodingError
        If ``override`` is unknown or cannot decode the text, if the text
        contradicts its byte-order mark, or if no rule settles the
        encoding; the message tells the user to pass ``--encoding``.
    """
    # an explicit option outranks everything the file says
    text = _Text(raw)
    if override is not None:
        return _from_option(text, override)

    # a byte-order mark is the file's own declaration
    marked = _from_bom(raw)
    if marked is not None:
        return marked

    # otherwise the bytes decide
    return _from_bytes(text, ())
