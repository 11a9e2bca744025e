"""Tests of reading typed coordinates in gis.dms.

Expected values are worked out by hand in the comments, e.g.
116°23'45.6" = 116 + 23/60 + 45.6/3600 = 116 + 0.383333 + 0.012667
= 116.396.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from gis.dms import Axis, parse_coordinate, parse_coordinates
from gis.errors import InputError

# 116 + 23/60 + 45.6/3600
DMS_LON = 116.396
# 116 + 23/60
DM_LON = 116.383333333333333
# 39 + 54.5/60 = 39 + 0.908333
DECIMAL_MINUTES_LAT = 39.908333333333333
# 39 + 54/60
DM_LAT = 39.9
# 33 + 52/60 + 10/3600 = 33 + 3130/3600
DMS_LAT = 33.869444444444444

ACCEPTED_LON = [
    # numbers as they come from Excel
    (116, 116.0),
    (116.5, 116.5),
    (Decimal("116.396"), DMS_LON),
    (np.float64(-116.5), -116.5),
    (np.int64(116), 116.0),
    # decimal degrees as text
    ("116.396", DMS_LON),
    ("-116.5", -116.5),
    ("+116.5", 116.5),
    ("  116.5  ", 116.5),
    ("116.5°", 116.5),
    ("116,5", 116.5),
    ("E116.5", 116.5),
    ("116.5W", -116.5),
    ("西经116.5", -116.5),
    ("180", 180.0),
    ("-180", -180.0),
    # degrees, minutes, seconds
    ("116°23'45.6\"E", DMS_LON),
    ("116° 23′ 45.6″ E", DMS_LON),
    ("116°23'45.6\"", DMS_LON),
    ("116°23'45,6\"E", DMS_LON),
    ("116º23'45.6\"", DMS_LON),
    ("116d23m45.6s", DMS_LON),
    ("116D 23M 45.6S", DMS_LON),
    ("116:23:45.6", DMS_LON),
    ("116 23 45.6", DMS_LON),
    ("116:23", DM_LON),
    ("W 116 23", -DM_LON),
    ("116°E", 116.0),
    # Chinese and full-width
    ("东经116度23分45.6秒", DMS_LON),
    ("116度23分45.6秒", DMS_LON),
    ("東經116度23分45.6秒", DMS_LON),
    ("１１６°２３′４５．６″Ｅ", DMS_LON),
    ("１１６，５", 116.5),
    ("－１１６．５", -116.5),
]

ACCEPTED_LAT = [
    ("N39°54.5'", DECIMAL_MINUTES_LAT),
    ("39°54.5'N", DECIMAL_MINUTES_LAT),
    ("39°54'N", DM_LAT),
    ("北纬39度54分", DM_LAT),
    ("南纬39度54分", -DM_LAT),
    ("S 33.9", -33.9),
    ("33.9S", -33.9),
    ("33d52m10s", DMS_LAT),
    ("33d52m10s S", -DMS_LAT),
    ("33d52m10sS", -DMS_LAT),
    ("33°52'10\"S", -DMS_LAT),
    ("90", 90.0),
    ("-90", -90.0),
]

REJECTED = [
    # empty
    ("", "lon", "empty"),
    ("   ", "lat", "empty"),
    (None, "lon", "empty"),
    (float("nan"), "lat", "empty"),
    (pd.NA, "lat", "empty"),
    # not a coordinate at all
    ("abc", "lon", "not a number"),
    ("1e5", "lon", "not a number"),
    ("39°N54'", "lat", "not a number"),
    (True, "lon", "true/false"),
    ([116], "lon", "expected a number or text"),
    (10**400, "lon", "far too large"),
    # minutes and seconds
    ("116°60'", "lon", "minutes must be below 60"),
    ("116°23'60\"", "lon", "seconds must be below 60"),
    ("116 75", "lon", "minutes must be below 60"),
    ("23'", "lon", "stands where the degrees belong"),
    ("116°45.6\"", "lon", "stands where the minutes belong"),
    ("116.5°23'", "lon", "only the last number may have decimals"),
    ("1 2 3 4", "lon", "more than three numbers"),
    ("116:23'", "lon", "colons"),
    # hemisphere and sign
    ("N39.9", "lon", "N marks a latitude"),
    ("116.5E", "lat", "E marks a longitude"),
    ("N39S", "lat", "two hemisphere letters"),
    ("-116.5W", "lon", "both a minus sign and the hemisphere W"),
    # commas
    ("39,54,30", "lat", "comma"),
    ("116,5.3", "lon", "comma"),
    # range
    ("181", "lon", r"outside -180\.\.180"),
    (float("inf"), "lon", r"outside -180\.\.180"),
    ("-90.5", "lat", r"outside -90\.\.90"),
    ("116.4", "lat", "swapped"),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED_LON)
def test_accepted_longitudes(value: object, expected: float) -> None:
    result = parse_coordinate(value, axis="lon")

    assert type(result) is float
    assert result == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("value", "expected"), ACCEPTED_LAT)
def test_accepted_latitudes(value: object, expected: float) -> None:
    result = parse_coordinate(value, axis="lat")

    assert result == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("value", "axis", "reason"), REJECTED)
def test_rejected(value: object, axis: Axis, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_coordinate(value, axis=axis)


def test_error_names_the_value_and_the_fix() -> None:
    with pytest.raises(InputError) as info:
        parse_coordinate("116°60'", axis="lon")

    message = str(info.value)
    assert "\"116°60'\"" in message
    assert "longitude" in message
    assert "Write it like 116.396" in message


@pytest.mark.parametrize("call", [parse_coordinate, parse_coordinates])
def test_unknown_axis(call) -> None:
    value = pd.Series(["116.5"]) if call is parse_coordinates else "116.5"

    with pytest.raises(InputError, match="'lon' or 'lat'"):
        call(value, axis="x")


# --- columns --------------------------------------------------------------

def test_series_with_failed_labels() -> None:
    values = pd.Series(
        ["116.5", "116°23'45.6\"E", "", None, "abc", 116, "200"],
        index=["a", "b", "c", "d", "e", "f", "g"],
    )

    degrees, failed = parse_coordinates(values, axis="lon")

    assert degrees.dtype == np.float64
    np.testing.assert_allclose(
        degrees,
        [116.5, DMS_LON, np.nan, np.nan, np.nan, 116.0, np.nan],
        rtol=0,
        atol=1e-12,
    )
    assert failed == ["c", "d", "e", "g"]


def test_string_dtype_series_keeps_integer_labels() -> None:
    values = pd.Series(
        ["N39°54'", pd.NA, "北纬39度54.5分"], index=[10, 20, 30],
        dtype="string",
    )

    degrees, failed = parse_coordinates(values, axis="lat")

    assert degrees[0] == pytest.approx(DM_LAT, abs=1e-12)
    assert math.isnan(degrees[1])
    assert degrees[2] == pytest.approx(DECIMAL_MINUTES_LAT, abs=1e-12)
    assert failed == [20]


def test_numeric_series_with_missing_values() -> None:
    values = pd.Series([39.9, np.nan, -33.9])

    degrees, failed = parse_coordinates(values, axis="lat")

    np.testing.assert_array_equal(degrees, [39.9, np.nan, -33.9])
    assert failed == [1]


def test_empty_series() -> None:
    degrees, failed = parse_coordinates(pd.Series([], dtype=object), axis="lon")

    assert degrees.shape == (0,)
    assert degrees.dtype == np.float64
    assert failed == []
