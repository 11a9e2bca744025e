"""Translation layer: every user-facing string in Simplified Chinese and English.

Messages live in ``gis/locales/<domain>.toml``; each table there is one
message with an ``en`` and a ``zh`` text, so a key reads
``"<domain>.<message>"``. Placeholders use :meth:`str.format` syntax.

Examples
--------
>>> from gis.i18n import t, use_language
>>> with use_language("en"):
...     t("units.mu")
'mu'
>>> with use_language("zh"):
...     t("units.mu")
'亩'
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_LOCALE_DIR = Path(__file__).with_name("locales")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "gis_language", default=None
)


@functools.cache
def catalog() -> dict[str, dict[str, str]]:
    """Return every message as ``{key: {language: text}}``."""
    messages: dict[str, dict[str, str]] = {}
    for path in sorted(_LOCALE_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            tables = tomllib.load(fh)
        for name, texts in tables.items():
            messages[f"{path.stem}.{name}"] = dict(texts)
    return messages


def language() -> str:
    """Return the language in force: context, then ``GIS_LANG``, then Chinese."""
    chosen = _current.get() or os.environ.get("GIS_LANG", "")
    chosen = chosen.lower()[:2]
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Set the language for the current context (``"zh"`` or ``"en"``)."""
    if lang not in LANGUAGES:
        raise ValueError(
            f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}."
        )
    _current.set(lang)


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Switch the language inside a ``with`` block only."""
    if lang not in LANGUAGES:
        raise ValueError(
            f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}."
        )
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def t(key: str, /, *, lang: str | None = None, **params: object) -> str:
    """Return message ``key`` in the current (or given) language.

    A missing key raises :class:`KeyError`, so a typo fails in tests
    instead of showing a raw key to a user.
    """
    texts = catalog()[key]
    text = texts[lang or language()]
    return text.format(**params) if params else text


def placeholders(text: str) -> set[str]:
    """Return the names of the ``{placeholders}`` in ``text``."""
    return {
        field for _, field, _, _ in string.Formatter().parse(text) if field
    }
