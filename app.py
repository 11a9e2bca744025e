"""Streamlit front end: thin pages over the ``gis`` core.

Run with ``make run``. Pages live in ``app_pages/``; this file sets the
language and the navigation only.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from gis.i18n import LANGUAGES, language, set_language, t

PAGES = Path(__file__).resolve().parent / "app_pages"


def main() -> None:
    """Language, page config and navigation."""
    # the address keeps the language, so a reload (F5) does not lose it
    asked = st.query_params.get("lang")
    lang = st.session_state.get("lang") or (
        asked if asked in LANGUAGES else language()
    )
    st.session_state.setdefault("lang", lang)
    set_language(lang)
    st.set_page_config(page_title=t("app.title"), layout="wide")
    st.sidebar.radio(
        "语言 / Language", ["zh", "en"], key="lang",
        format_func=lambda c: {"zh": "中文", "en": "English"}[c],
        horizontal=True,
    )  # fmt: skip
    set_language(st.session_state["lang"])
    if st.query_params.get("lang") != st.session_state["lang"]:
        st.query_params["lang"] = st.session_state["lang"]

    pages = [
        _page("map.py", "app.page_map", ":material/map:", default=True),
        _page("plans.py", "app.page_plans", ":material/assignment:"),
        _page("sketch.py", "sketch.title", ":material/draw:"),
        _page("coverage.py", "app.page_coverage", ":material/donut_large:"),
        _page("siting.py", "siting.page_title", ":material/holiday_village:"),
        _page("briefing.py", "brief.page_title", ":material/co_present:"),
        _page("data.py", "app.page_data", ":material/upload_file:"),
        _page("layers.py", "app.page_layers", ":material/layers:"),
    ]
    st.navigation(pages).run()


def _page(file: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    """One page of the navigation, titled in the current language."""
    return st.Page(
        PAGES / file,
        title=t(title),
        icon=icon,
        default=default,
        url_path=file.removesuffix(".py"),
    )


main()
