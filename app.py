"""Streamlit front end: thin pages over the ``gis`` core."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis.i18n import catalog, set_language, t
from gis.workspace import Workspace
from layers import get_kind


def main() -> None:
    """Render the page."""
    lang = st.sidebar.radio(
        "语言 / Language", ["zh", "en"], format_func=_lang_name, key="lang"
    )
    set_language(lang)
    st.set_page_config(page_title=t("app.title"), layout="wide")
    st.title(t("app.title"))

    workspace = Workspace()
    infos = workspace.layers()
    if not infos:
        st.warning(t("cli.no_layers", path=str(workspace.path)))
        return
    st.caption(t("app.workspace", path=str(workspace.path)))
    st.dataframe(_layer_table(infos), hide_index=True, use_container_width=True)


def _area_title(key: str) -> str:
    """Translated title of a demo area, else its key."""
    name = f"demo.area_{key}"
    return t(name) if name in catalog() else key


def _lang_name(code: str) -> str:
    return {"zh": "中文", "en": "English"}[code]


def _layer_table(infos: list) -> pd.DataFrame:  # type: ignore[type-arg]
    return pd.DataFrame(
        {
            t("app.col_area"): [_area_title(i.area) for i in infos],
            t("app.col_kind"): [get_kind(i.kind).label() for i in infos],
            t("app.col_family"): [t(f"layers.family_{i.family}") for i in infos],
            t("app.col_features"): [i.feature_count for i in infos],
            t("app.col_source"): [i.source for i in infos],
        }
    )


main()
