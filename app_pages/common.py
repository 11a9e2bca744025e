"""Pieces every page shares: the workspace, the area picker, caching keys."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from gis.i18n import catalog, t
from gis.workspace import Workspace


def workspace() -> Workspace:
    """The workspace the app works on (``VILLAGE_WORKSPACE`` or default)."""
    return Workspace()


def version(ws: Workspace) -> float:
    """Changes whenever the workspace file is replaced: a cache key."""
    path = Path(ws.path)
    return path.stat().st_mtime_ns if path.exists() else 0.0


def area_title(key: str) -> str:
    """Translated title of a demo area, else the area's own name."""
    name = f"demo.area_{key}"
    return t(name) if name in catalog() else key


def pick_area(ws: Workspace, *, key: str = "area") -> str | None:
    """Sidebar area selector; None when the workspace is empty."""
    areas = ws.areas()
    if not areas:
        st.warning(t("cli.no_layers", path=str(ws.path)))
        return None
    if st.session_state.get(key) not in areas:
        st.session_state[key] = areas[0]
    return st.sidebar.selectbox(t("app.area"), areas, format_func=area_title, key=key)
