"""Pieces every page shares: the workspace, the area picker, caching keys."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from gis import mapview
from gis.areas import area_title
from gis.i18n import language, t
from gis.workspace import Workspace


def workspace() -> Workspace:
    """The workspace the app works on (``VILLAGE_WORKSPACE`` or default)."""
    return Workspace()


def version(ws: Workspace) -> float:
    """Changes whenever the workspace file is replaced: a cache key."""
    path = Path(ws.path)
    return path.stat().st_mtime_ns if path.exists() else 0.0


def pick_area(ws: Workspace, *, store: str = "area") -> str | None:
    """Sidebar area selector; None when the workspace is empty."""
    areas = ws.areas()
    if not areas:
        st.warning(t("cli.no_layers", path=str(ws.path)))
        return None
    # the address keeps the area, so a reload (F5) does not lose it
    asked = st.query_params.get("area")
    if store not in st.session_state and asked in areas:
        st.session_state[store] = asked
    picked = synced_selectbox(
        st.sidebar, t("app.area"), areas, store=store, format_func=area_title
    )
    if picked and asked != picked:
        st.query_params["area"] = picked
    return picked


def synced_selectbox(
    container: Any,
    label: str,
    options: Sequence[str],
    *,
    store: str,
    format_func: Callable[[str], str] = str,
    placeholder: str | None = None,
) -> str | None:
    """A selectbox whose choice lives in ``st.session_state[store]``.

    The widget's own key carries the language, so its labels follow a
    language switch, and other widgets (a click on the map) can change
    the choice by writing ``store``. With a placeholder, nothing is
    chosen until the user picks.
    """
    return _synced(container.selectbox, label, options, store=store,
                   format_func=format_func, placeholder=placeholder)  # fmt: skip


def synced_radio(
    container: Any,
    label: str,
    options: Sequence[str],
    *,
    store: str,
    format_func: Callable[[str], str] = str,
    **kwargs: Any,
) -> str:
    """Radio buttons whose choice lives in ``st.session_state[store]``
    and outlives a language switch (see :func:`synced_selectbox`)."""
    found = _synced(container.radio, label, options, store=store,
                    format_func=format_func, **kwargs)  # fmt: skip
    return found if found is not None else options[0]


def _synced(
    widget_of: Callable[..., Any],
    label: str,
    options: Sequence[str],
    *,
    store: str,
    format_func: Callable[[str], str],
    placeholder: str | None = None,
    **kwargs: Any,
) -> str | None:
    """A choice widget keyed per language over a stored choice."""
    value = st.session_state.get(store)
    if value not in options:
        value = None if placeholder is not None else options[0]
        st.session_state[store] = value
    widget = f"{store}::widget::{language()}"
    st.session_state[widget] = value
    if placeholder is not None:
        kwargs["placeholder"] = placeholder
    widget_of(
        label, list(options), key=widget, format_func=format_func,
        on_change=_copy_choice, args=(widget, store), **kwargs,
    )  # fmt: skip
    return st.session_state.get(store)


def _copy_choice(widget: str, store: str) -> None:
    """Widget callback: the user's pick becomes the stored choice."""
    st.session_state[store] = st.session_state.get(widget)


def pick_basemap() -> str:
    """The basemap chosen in the sidebar, shared by the map pages;
    Tianditu only when a key is configured."""
    choices = [b for b in mapview.BASEMAPS
               if b != "tianditu" or os.environ.get("TIANDITU_KEY")]  # fmt: skip
    picked = synced_selectbox(
        st.sidebar, t("mappage.basemap"), choices, store="basemap",
        format_func=lambda b: t(f"mappage.basemap_{b}"),
    )  # fmt: skip
    return picked or choices[0]


def show_map(fmap: Any, **kwargs: Any) -> Any:
    """``st_folium`` over a copy of ``fmap``.

    st_folium renames the elements of the map it is given; a cached map
    handed to it again can then name a layer that no longer exists, and
    the browser draws nothing. A copy keeps the cached map as built
    (about 0.2 s for a 2 MB map, far less than building it again).
    """
    from streamlit_folium import st_folium

    return st_folium(copy.deepcopy(fmap), **kwargs)


# punctuation Markdown could read as markup anywhere (CommonMark lets a
# backslash escape any of it), and list markers at the start of a line
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#~$|:&!])")
_LIST_MARK = re.compile(r"^(\s*)(\d+)?([-+.)])", re.MULTILINE)


def md(value: object) -> str:
    """Text from the data shown as written, never as Markdown."""
    text = _MARKDOWN.sub(r"\\\1", str(value))
    return _LIST_MARK.sub(lambda m: f"{m[1]}{m[2] or ''}\\{m[3]}", text)
