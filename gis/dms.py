"""Read coordinates typed as decimal degrees or degrees-minutes-seconds.

Planners copy coordinates into CSV and Excel sheets in many forms:
``116.396``, ``116°23'45.6"E``, ``116d23m45.6s``, ``116:23:45.6``,
``N39°54.5'``, ``东经116度23分45.6秒``, full-width digits, a comma as
the decimal separator. This module turns each of them into decimal
degrees, or says exactly why it cannot.

Examples
--------
>>> parse_coordinate("东经116度23分45.6秒", axis="lon")
116.396
>>> parse_coordinate("S 33.9", axis="lat")
-33.9
"""

from __future__ import annotations

import logging
import math
import numbers
import re
import unicodedata
from collections.abc import Hashable
from decimal import Decimal
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from gis.errors import InputError

__all__ = ["Axis", "parse_coordinate", "parse_coordinates"]

logger = logging.getLogger(__name__)

Axis = Literal["lon", "lat"]

_AXIS_NAMES = {"lon": "longitude", "lat": "latitude"}
_LIMITS = {"lon": 180.0, "lat": 90.0}
_HEMISPHERES = {"lon": {"E": 1.0, "W": -1.0}, "lat": {"N": 1.0, "S": -1.0}}
_EXAMPLES = {
    "lon": "116.396 or 116°23'45.6\"E",
    "lat": "39.9 or 39°54'N",
}

# symbols NFKC would mangle (º becomes "o"), mapped before it runs
_BEFORE_NFKC = str.maketrans({"º": "°", "˚": "°", "´": "'"})

# after NFKC: Chinese words and typographic marks to plain ASCII marks;
# longer keys first, so that "东经" wins over "东" and "′′" over "′"
_REPLACEMENTS = (
    ("东经", "E"), ("東經", "E"), ("西经", "W"), ("西經", "W"),
    ("北纬", "N"), ("北緯", "N"), ("南纬", "S"), ("南緯", "S"),
    ("东", "E"), ("東", "E"), ("西", "W"), ("北", "N"), ("南", "S"),
    ("度", "°"), ("分", "'"), ("秒", '"'),
    ("′′", '"'), ("''", '"'), ("″", '"'), ("”", '"'), ("“", '"'),
    ("′", "'"), ("’", "'"), ("‘", "'"),
    ("−", "-"), ("–", "-"),
)

# letter units: D after a number is degrees, M minutes, and S seconds
# only right after a minutes part (otherwise S is south)
_LETTER_SECONDS = re.compile(r"(M\s*\d+(?:\.\d*)?)\s*S")
_LETTER_DEGREES = re.compile(r"(?<=[\d.])\s*D")
_LETTER_MINUTES = re.compile(r"(?<=[\d.])\s*M")

# a decimal comma: exactly one, between digits, and no point
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")

# hemisphere and sign around a body of numbers and marks
_TEXT = re.compile(
    r"""
    (?P<lead>[NSEW])?\s*
    (?P<sign>[-+])?\s*
    (?P<body>[\d.][\d.°'":\s]*?)\s*
    (?P<trail>[NSEW])?
    """,
    re.VERBOSE,
)

# one number of the body and the mark after it, if any
_PART = re.compile(
    r"(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<mark>[°'\":])?\s*"
)
_BODY = re.compile(rf"(?:{_PART.pattern})+")

# the mark each position may carry: degrees, minutes, seconds
_UNITS = ("°", "'", '"')
_UNIT_NAMES = ("degrees", "minutes", "seconds")


def _check_axis(axis: str) -> None:
    """Raise if ``axis`` is neither ``"lon"`` nor ``"lat"``."""
    if axis not in _LIMITS:
        raise InputError(
            f"axis must be 'lon' or 'lat', not {axis!r}."
        )


def _normalise(text: str) -> str:
    """Return ``text`` in ASCII marks, upper case, with D/M/S as marks."""
    # full-width digits and punctuation to ASCII
    text = unicodedata.normalize("NFKC", text.translate(_BEFORE_NFKC))
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    text = text.strip().upper()

    # 116D23M45.6S -> 116°23'45.6"
    text = _LETTER_SECONDS.sub(r'\1"', text)
    text = _LETTER_DEGREES.sub("°", text)
    return _LETTER_MINUTES.sub("'", text)


def _decimal_point(text: str) -> str:
    """Return ``text`` with an unambiguous decimal comma made a point."""
    if "," not in text:
        return text
    if text.count(",") == 1 and "." not in text:
        fixed = _DECIMAL_COMMA.sub(".", text)
        if "," not in fixed:
            return fixed
    raise ValueError(
        "a comma is read as decimal separator only when there is just "
        "one, between digits, and no point"
    )


def _check_marks(marks: list[str | None]) -> None:
    """Raise unless the marks after the numbers fit one known style."""
    # colons separate numbers: 116:23:45.6
    if ":" in marks:
        if marks[-1] is not None or any(m != ":" for m in marks[:-1]):
            raise ValueError(
                "colons may only separate the numbers, as in 116:23:45.6"
            )
        return

    # symbols, where given, must be °, ' and " in that order
    for position, mark in enumerate(marks):
        if mark is not None and mark != _UNITS[position]:
            raise ValueError(
                f"{mark} marks {_UNIT_NAMES[_UNITS.index(mark)]} but "
                f"stands where the {_UNIT_NAMES[position]} belong"
            )


def _body_degrees(body: str) -> float:
    """Return the unsigned degrees written in ``body`` (no hemisphere)."""
    # split into numbers with their marks
    if not _BODY.fullmatch(body):
        raise ValueError("it is not a number or degrees-minutes-seconds")
    parts = [(m["number"], m["mark"]) for m in _PART.finditer(body)]
    if len(parts) > 3:
        raise ValueError("it has more than three numbers")
    _check_marks([mark for _, mark in parts])
    if any("." in number for number, _ in parts[:-1]):
        raise ValueError("only the last number may have decimals")

    # minutes and seconds stay below 60
    values = [float(number) for number, _ in parts]
    for name, part in zip(_UNIT_NAMES[1:], values[1:], strict=False):
        if part >= 60.0:
            raise ValueError(f"{name} must be below 60, not {part:g}")
    return sum(v / 60.0**i for i, v in enumerate(values))


def _hemisphere_sign(
    lead: str | None, trail: str | None, minus: bool, axis: Axis
) -> float:
    """Return +1 or -1 from the hemisphere letter and minus sign."""
    # at most one letter, and it must belong to the axis
    if lead and trail:
        raise ValueError("it has two hemisphere letters")
    letter = lead or trail
    if letter is None:
        return -1.0 if minus else 1.0
    if letter not in _HEMISPHERES[axis]:
        other = "latitude" if axis == "lon" else "longitude"
        raise ValueError(
            f"{letter} marks a {other}, but a {_AXIS_NAMES[axis]} "
            "was expected"
        )

    # a minus sign with a letter is ambiguous
    if minus:
        raise ValueError(
            f"it has both a minus sign and the hemisphere {letter}"
        )
    return _HEMISPHERES[axis][letter]


def _parse_text(text: str, axis: Axis) -> float:
    """Return the signed degrees written in ``text``."""
    # one plain form for every way of writing it
    clean = _decimal_point(_normalise(text))
    if not clean:
        raise ValueError("the cell is empty")

    # hemisphere, sign and the numbers between them
    match = _TEXT.fullmatch(clean)
    if match is None:
        raise ValueError("it is not a number or degrees-minutes-seconds")
    sign = _hemisphere_sign(
        match["lead"], match["trail"], match["sign"] == "-", axis
    )
    return sign * _body_degrees(match["body"])


def _number_degrees(value: numbers.Real | Decimal) -> float:
    """Return a number as float degrees; NaN counts as empty."""
    try:
        degrees = float(value)
    except OverflowError as exc:
        raise ValueError("the number is far too large") from exc
    if math.isnan(degrees):
        raise ValueError("the cell is empty")
    return degrees


def _as_degrees(value: object, axis: Axis) -> float:
    """Return ``value`` as signed degrees, before the range check."""
    # missing values and booleans are not coordinates
    if value is None or value is pd.NA or value is pd.NaT:
        raise ValueError("the cell is empty")
    if isinstance(value, bool | np.bool_):
        raise ValueError("a true/false value is not a coordinate")

    # numbers as they are, text parsed
    if isinstance(value, numbers.Real | Decimal):
        return _number_degrees(value)
    if isinstance(value, str):
        return _parse_text(value, axis)
    raise ValueError(
        f"expected a number or text, got {type(value).__name__}"
    )


def _check_range(degrees: float, axis: Axis) -> None:
    """Raise if ``degrees`` lies outside the range of the axis."""
    limit = _LIMITS[axis]
    if not abs(degrees) <= limit:
        hint = ""
        if axis == "lat" and abs(degrees) <= 180.0:
            hint = " (are longitude and latitude swapped?)"
        raise ValueError(
            f"{degrees:g} is outside -{limit:g}..{limit:g}{hint}"
        )


def parse_coordinate(value: object, *, axis: Axis) -> float:
    """Return one longitude or latitude in decimal degrees.

    Parameters
    ----------
    value
        A number (int, float, Decimal) or text: decimal degrees
        (``"-116.5"``, ``"116,5"``, ``"116.5W"``, ``"E116.5"``),
        degrees-minutes-seconds (``116°23'45.6"E``, ``116d23m45.6s``,
        ``116:23:45.6``, ``116 23 45.6``), degrees and decimal minutes
        (``N39°54.5'``) or Chinese (``东经116度23分45.6秒``,
        ``北纬39度54分``). Full-width characters are accepted.
    axis
        ``"lon"`` or ``"lat"``: which coordinate ``value`` is, for the
        range check and the hemisphere letters allowed (E/W or N/S).

    Returns
    -------
    float
        Decimal degrees, negative west and south.

    Raises
    ------
    gis.errors.InputError
        A ``ValueError`` saying why ``value`` cannot be read: empty,
        unparseable, minutes or seconds of 60 or more, a hemisphere
        letter of the other axis, or out of range (|lat| > 90,
        |lon| > 180). Also raised for an ``axis`` other than
        ``"lon"`` or ``"lat"``.
    """
    _check_axis(axis)
    try:
        degrees = _as_degrees(value, axis)
        _check_range(degrees, axis)
    except ValueError as exc:
        raise InputError(
            f"Cannot read {value!r} as a {_AXIS_NAMES[axis]}: {exc}. "
            f"Write it like {_EXAMPLES[axis]}."
        ) from exc
    return degrees


def parse_coordinates(
    values: pd.Series, *, axis: Axis
) -> tuple[npt.NDArray[np.float64], list[Hashable]]:
    """Return a column of longitudes or latitudes in decimal degrees.

    Parameters
    ----------
    values
        One column of a table, each cell in any form
        :func:`parse_coordinate` reads.
    axis
        ``"lon"`` or ``"lat"``.

    Returns
    -------
    degrees : numpy.ndarray of float64
        One value per cell, in order; NaN where a cell is empty or
        cannot be read.
    failed : list
        Index labels of those cells, empty ones included, in order.

    Raises
    ------
    gis.errors.InputError
        If ``axis`` is neither ``"lon"`` nor ``"lat"``.
    """
    _check_axis(axis)

    # every cell on its own; a bad one fails alone
    degrees = np.full(len(values), np.nan, dtype=np.float64)
    failed: list[Hashable] = []
    for position, (label, value) in enumerate(values.items()):
        try:
            degrees[position] = parse_coordinate(value, axis=axis)
        except ValueError:
            failed.append(label)

    logger.info(
        "read %d of %d %s values", len(values) - len(failed), len(values),
        _AXIS_NAMES[axis],
    )
    return degrees, failed
