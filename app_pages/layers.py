"""Layers page: what the workspace holds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import area_title, workspace
from gis.i18n import t
from gis.workspace import LayerInfo
from layers import get_kind


def render() -> None:
    """The workspace's layers as a table."""
    st.title(t("app.title"))
    ws = workspace()
    infos = ws.layers()
    if not infos:
        st.warning(t("cli.no_layers", path=str(ws.path)))
        return
    st.caption(t("app.workspace", path=str(ws.path)))
    st.dataframe(_table(infos), hide_index=True, use_container_width=True)


def _table(infos: list[LayerInfo]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("app.col_area"): [area_title(i.area) for i in infos],
            t("app.col_kind"): [get_kind(i.kind).label() for i in infos],
            t("app.col_family"): [t(f"layers.family_{i.family}") for i in infos],
            t("app.col_features"): [i.feature_count for i in infos],
            t("app.col_source"): [i.source for i in infos],
        }
    )


render()
