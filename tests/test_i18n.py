"""Tests of the message catalogue in ``gis/locales``: complete in both languages."""

from __future__ import annotations

import re

import pytest

from gis.i18n import LANGUAGES, catalog, placeholders, t, use_language

MESSAGES = sorted(catalog().items())
KEYS = [key for key, _ in MESSAGES]

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
LETTERS = re.compile(r"[^\W\d_]+")

# unit and symbol words a Chinese text may keep in Latin letters
SYMBOLS = {"m", "km", "ha", "mm", "cm", "kg", "t", "epsg", "utm", "wgs", "cgcs"}


def _only_units_or_symbols(text: str) -> bool:
    """Whether ``text`` has no words beyond units, symbols and numbers."""
    words = LETTERS.findall(PLACEHOLDER.sub("", text))
    return all(w.casefold() in SYMBOLS for w in words)


def test_catalogue_is_not_empty():
    assert MESSAGES
    assert all(key.count(".") >= 1 for key in KEYS)


@pytest.mark.parametrize(("key", "texts"), MESSAGES, ids=KEYS)
def test_both_languages_present_and_non_empty(key, texts):
    for lang in LANGUAGES:
        assert isinstance(texts.get(lang), str), f"{key}: no {lang!r} text"
        assert texts[lang].strip(), f"{key}: empty {lang!r} text"


@pytest.mark.parametrize(("key", "texts"), MESSAGES, ids=KEYS)
def test_same_placeholders_in_both_languages(key, texts):
    assert placeholders(texts["en"]) == placeholders(texts["zh"]), key


@pytest.mark.parametrize(("key", "texts"), MESSAGES, ids=KEYS)
def test_chinese_text_is_chinese(key, texts):
    zh = texts["zh"]
    assert CJK.search(zh) or _only_units_or_symbols(zh), f"{key}: {zh!r}"


@pytest.mark.parametrize(("key", "texts"), MESSAGES, ids=KEYS)
def test_messages_format_with_their_placeholders(key, texts):
    for lang in LANGUAGES:
        params = {name: 1 for name in placeholders(texts[lang])}
        assert t(key, lang=lang, **params)


def test_language_switch():
    with use_language("en"):
        assert t("units.mu") == "mu"
    with use_language("zh"):
        assert t("units.mu") == "亩"
