"""Map page: every layer of an area, village search and the village panel.

Reruns are cheap: the folium map is cached per (workspace version, area,
basemap, language, highlighted village), so a widget that changes none of
these reuses the same map, and st_folium sends back only the clicked
feature (``last_active_drawing``).
"""

from __future__ import annotations

import os

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import pick_area, synced_selectbox, version, workspace
from gis import mapview, villages
from gis.errors import GisError
from gis.i18n import language, t
from gis.workspace import Workspace

MAP_HEIGHT = 640


def render() -> None:
    """Sidebar choices, the map and the panel of the chosen village."""
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        return
    basemap = _pick_basemap()
    chosen = _search(ws, area)

    left, right = st.columns([3, 2], gap="medium")
    with left:
        clicked = _draw_map(ws, area, basemap, chosen)
    if clicked is not None and clicked != chosen:
        st.session_state[_village_store(area)] = clicked
        st.rerun()
    with right:
        _panel(ws, area, chosen)


def _village_store(area: str) -> str:
    """Session key of the chosen village: one per area, so switching the
    area never carries a village id over to another area."""
    return f"village::{area}"


def _pick_basemap() -> str:
    """Basemap choice; Tianditu only when a key is configured."""
    choices = [b for b in mapview.BASEMAPS
               if b != "tianditu" or os.environ.get("TIANDITU_KEY")]  # fmt: skip
    picked = synced_selectbox(
        st.sidebar, t("mappage.basemap"), choices, store="basemap",
        format_func=lambda b: t(f"mappage.basemap_{b}"),
    )  # fmt: skip
    return picked or choices[0]


def _search(ws: Workspace, area: str) -> object | None:
    """Village search by name or code; picking one zooms to it."""
    store = _village_store(area)
    query = st.sidebar.text_input(t("mappage.search"), key=f"village_query::{area}")
    found = villages.find_villages(ws, area, query)
    if found.empty:
        if query:
            st.sidebar.info(t("mappage.no_match", query=query))
        return st.session_state.get(store)

    # the widget shows labels; the store keeps the village's source_id,
    # which a click on the map may also set
    by_label = _labels(found)
    label_of = {v: k for k, v in by_label.items()}
    widget = f"{store}::pick::{language()}"
    st.session_state[widget] = label_of.get(st.session_state.get(store))
    st.sidebar.selectbox(
        t("mappage.village"), list(by_label), key=widget,
        placeholder=t("mappage.village_placeholder"),
        on_change=_picked, args=(widget, store, by_label),
    )  # fmt: skip
    return st.session_state.get(store)


def _picked(widget: str, store: str, by_label: dict[str, object]) -> None:
    """Widget callback: the picked label's village becomes the choice."""
    label = st.session_state.get(widget)
    st.session_state[store] = by_label.get(label) if label else None


def _labels(found: pd.DataFrame) -> dict[str, object]:
    """``"name (code)"`` per village, unique, mapped to its source_id."""
    out: dict[str, object] = {}
    for row in found.itertuples():
        label = f"{row.name or '—'} ({row.code})" if row.code else str(row.name)
        if label in out:
            label = f"{label} #{row.source_id}"
        out[label] = row.source_id
    return out


def _draw_map(
    ws: Workspace, area: str, basemap: str, chosen: object | None
) -> object | None:
    """The cached map; returns the source_id of a clicked village."""
    try:
        fmap = _cached_map(str(ws.path), version(ws), area, basemap,
                           language(), chosen)  # fmt: skip
    except GisError as exc:
        st.error(str(exc))
        return None
    result = st_folium(
        fmap, height=MAP_HEIGHT, use_container_width=True,
        returned_objects=["last_active_drawing"], key=f"map_{area}",
    )  # fmt: skip
    feature = (result or {}).get("last_active_drawing") or {}
    props = feature.get("properties") or {}
    if props.get(mapview.KIND_PROPERTY) == "villages":
        return props.get("source_id")
    return None


@st.cache_resource(max_entries=6, show_spinner=False)
def _cached_map(
    path: str, stamp: float, area: str, basemap: str, lang: str,
    highlight: object | None,
) -> folium.Map:  # fmt: skip
    """Build the folium map once per workspace version and choice."""
    ws = Workspace(path)
    layers = mapview.load_area_layers(ws, area)
    focus = villages.village_bounds(ws, area, highlight) if highlight else None
    return mapview.build_map(layers, basemap=basemap,
                             tianditu_key=os.environ.get("TIANDITU_KEY"),
                             lang=lang, highlight=highlight,
                             focus=focus)  # fmt: skip


def _panel(ws: Workspace, area: str, source_id: object | None) -> None:
    """Facts of the chosen village, or how to choose one."""
    if source_id is None:
        st.info(t("mappage.click_hint"))
        return
    try:
        facts = villages.village_facts(ws, area, source_id)
    except GisError as exc:
        st.warning(str(exc))
        return
    with st.container(border=True):
        st.subheader(facts.name or t("mappage.unnamed"))
        rows = pd.DataFrame(
            facts.rows(), columns=[t("mappage.fact"), t("mappage.value")]
        )
        st.table(rows.set_index(t("mappage.fact")))
        st.caption(t("mappage.measured_in", crs=facts.metric_crs))


render()
