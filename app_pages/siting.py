"""Relocation review page: who would move, the candidate sites, and the
review of each site against safety, access and capacity.

Reruns are cheap: the area's settlements (with their distances to
hazards and roads) are read once per workspace version, the maps are
built once per choice and language, the review runs only when its
button is pressed and is kept until a choice changes; the review
sheets (PDF, HTML) are drawn only when their button is pressed. The
movers map sends back only the clicked settlement
(``last_active_drawing``), the drawing map only the drawn shapes
(``all_drawings``).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from folium.plugins import Draw
from pandas.io.formats.style import Styler

from app_pages.common import (
    md,
    pick_area,
    show_map,
    synced_selectbox,
    version,
    workspace,
)
from gis import mapview
from gis._siting_map import constraints_map, movers_map
from gis._siting_report import (
    CRITERIA_COLUMNS,
    RANKING_COLUMNS,
    RESULT_FILL,
    criteria_rows,
    matrix,
    ranking_rows,
    review_html,
    review_pdf,
)
from gis.elevation import SUFFIXES as DEM_SUFFIXES
from gis.elevation import stage_dem
from gis.errors import GisError
from gis.i18n import language, t, use_language
from gis.siting import (
    LayerFile,
    SitingReview,
    movers_by_rule,
    read_kind,
    read_layer_file,
    review_sites,
    settlement_reach,
    sites_from_features,
    write_review,
)
from gis.uploads import ACCEPTED, MAX_UPLOAD_MB, stage_uploads
from gis.workspace import Workspace

MAP_HEIGHT = 480
STAGE_ROOT = Path(tempfile.gettempdir()) / "village-siting"
SOURCES = ("layer", "upload", "draw")
# a local copy of the Leaflet.draw plug-in, if one is vendored
DRAW_DIR = Path(__file__).resolve().parent.parent / "static" / "leaflet-draw"
REVIEW = "siting::review"  # session key: (choice, review)
SHEETS = "siting::sheets"  # session key: (review id, site, pdf, html)


def render() -> None:
    """Who moves, the sites, the review and its sheets."""
    st.header(t("siting.page_title"))
    st.caption(t("siting.page_intro"))
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        return
    basemap = (
        synced_selectbox(
            st.sidebar,
            t("mappage.basemap"),
            ["none", "osm", "satellite"],
            store="siting_basemap",
            format_func=lambda b: t(f"mappage.basemap_{b}"),
        )
        or "none"
    )

    st.subheader(t("siting.page_step_movers"))
    movers = _movers_section(ws, area, basemap)
    st.subheader(t("siting.page_step_sites"))
    sites = _sites_section(ws, area, basemap)
    dem = _dem_upload()

    # the review, run on demand and kept while nothing changes
    choice = (
        str(ws.path),
        version(ws),
        area,
        _frame_key(movers),
        _frame_key(sites),
        str(dem),
        language(),
    )
    if st.button(
        t("siting.page_run"), type="primary", key="siting_run", disabled=sites is None
    ):
        st.session_state[REVIEW] = (choice, _review(ws, area, sites, movers, dem))
    stored = st.session_state.get(REVIEW)
    if not stored or stored[0] != choice or stored[1] is None:
        st.info(t("siting.page_hint"))
        return
    _results(stored[1], basemap)


def _frame_key(frame: gpd.GeoDataFrame | None) -> tuple[Any, ...]:
    """What a small frame holds, as a cache key."""
    if frame is None:
        return ()
    names = tuple(map(str, frame.get("name", pd.Series(dtype=str))))
    return (len(frame), names, tuple(frame.geometry.to_wkt()))


# who would move


@st.cache_resource(max_entries=4, show_spinner=False)
def _reach(path: str, stamp: float, area: str, lang: str) -> gpd.GeoDataFrame:
    """The area's settlements with distances to hazards and roads."""
    return settlement_reach(Workspace(path), area)


@st.cache_resource(max_entries=4, show_spinner=False)
def _hazards(path: str, stamp: float, area: str) -> gpd.GeoDataFrame | None:
    """The area's recorded hazards (points and areas)."""
    return read_kind(Workspace(path), area, "hazards")


def _movers_section(ws: Workspace, area: str, basemap: str) -> gpd.GeoDataFrame | None:
    """Rule, list and map of the settlements that would move."""
    try:
        reach = _reach(str(ws.path), version(ws), area, language())
    except GisError as exc:
        st.warning(str(exc))
        return None
    store = f"siting::chosen::{area}"
    st.session_state.setdefault(store, [])
    _rule_form(reach, store)
    _chosen_list(reach, store)
    _movers_map(ws, area, reach, store, basemap)

    chosen = reach[reach["source_id"].isin(st.session_state[store])]
    households = chosen["households"].sum(min_count=1)
    left, middle, right = st.columns(3)
    left.metric(t("siting.page_n_movers"), len(chosen))
    middle.metric(t("siting.page_people"), f"{chosen['population'].sum():,.0f}")
    right.metric(
        t("siting.page_households"),
        "—" if pd.isna(households) else f"{households:,.0f}",
    )
    return chosen if not chosen.empty else None


def _rule_form(reach: gpd.GeoDataFrame, store: str) -> None:
    """Choose settlements by rule: near hazards, or without a road."""
    no_roads = bool(reach["road_m"].isna().all())
    with st.form("siting_rule"):
        left, right = st.columns(2)
        near = left.checkbox(
            t("siting.page_rule_hazard"), value=True, key="siting_rule_hazard_on"
        )
        near_m = left.number_input(
            t("siting.page_rule_m"),
            min_value=0.0,
            value=400.0,
            step=50.0,
            key="siting_rule_hazard_m",
        )
        far = right.checkbox(
            t("siting.page_rule_road"),
            value=False,
            disabled=no_roads,
            key="siting_rule_road_on",
        )
        far_m = right.number_input(
            t("siting.page_rule_m"),
            min_value=0.0,
            value=2000.0,
            step=100.0,
            disabled=no_roads,
            key="siting_rule_road_m",
        )
        if no_roads:
            right.caption(t("siting.page_rule_no_roads"))
        pressed = st.form_submit_button(t("siting.page_rule_apply"))
    if not pressed:
        return
    try:
        found = movers_by_rule(
            reach,
            near_hazard_m=near_m if near else None,
            without_road_m=far_m if far and not no_roads else None,
        )
    except GisError as exc:
        st.error(str(exc))
        return
    st.session_state[store] = list(found["source_id"])
    st.success(t("siting.page_rule_found", n=len(found)))


def _labels(reach: gpd.GeoDataFrame) -> dict[str, str]:
    """``name (people)`` of each settlement, by source id."""
    return {
        str(sid): t("siting.page_mover_label", name=name or f"#{sid}",
                    people=f"{pop:,.0f}")
        if pd.notna(pop)
        else f"{name or '#' + str(sid)}"
        for sid, name, pop in zip(
            reach["source_id"], reach["name"], reach["population"], strict=True
        )
    }


def _chosen_list(reach: gpd.GeoDataFrame, store: str) -> None:
    """The chosen settlements, to add or remove by hand."""
    labels = _labels(reach)
    widget = f"{store}::widget::{language()}"
    st.session_state[widget] = [s for s in st.session_state[store] if s in labels]
    st.multiselect(
        t("siting.page_chosen"),
        list(labels),
        key=widget,
        format_func=lambda sid: labels[sid],
        on_change=_copy,
        args=(widget, store),
        placeholder=t("siting.page_chosen_none"),
    )


def _copy(widget: str, store: str) -> None:
    """Widget callback: the list as edited becomes the choice."""
    st.session_state[store] = list(st.session_state.get(widget) or [])


def _movers_map(
    ws: Workspace, area: str, reach: gpd.GeoDataFrame, store: str, basemap: str
) -> None:
    """Settlements and hazards; a click adds a settlement to the movers."""
    chosen = tuple(sorted(st.session_state[store]))
    fmap = _cached_movers_map(
        str(ws.path), version(ws), area, chosen, basemap, language()
    )
    st.caption(t("siting.page_map_hint"))
    result = show_map(
        fmap,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        key=f"siting_movers_{area}",
    )
    props = ((result or {}).get("last_active_drawing") or {}).get("properties") or {}
    sid = props.get("source_id")
    clicks = f"{store}::clicked"
    if props.get(mapview.KIND_PROPERTY) != "settlements" or sid is None:
        return
    if st.session_state.get(clicks) == sid:
        return
    st.session_state[clicks] = sid
    if sid not in st.session_state[store]:
        st.session_state[store] = [*st.session_state[store], sid]
        st.rerun()


@st.cache_resource(max_entries=6, show_spinner=False)
def _cached_movers_map(
    path: str,
    stamp: float,
    area: str,
    chosen: tuple[str, ...],
    basemap: str,
    lang: str,
) -> folium.Map:
    """The movers map, once per choice."""
    reach = _reach(path, stamp, area, lang)
    return movers_map(reach, chosen, _hazards(path, stamp, area), basemap=basemap)


# candidate sites


def _sites_section(ws: Workspace, area: str, basemap: str) -> gpd.GeoDataFrame | None:
    """The sites: the area's relocation-site layer, a file, or drawn."""
    has_layer = any(i.kind == "relocation_sites" for i in ws.layers(area))
    sources = SOURCES if has_layer else SOURCES[1:]
    source = synced_selectbox(
        st,
        t("siting.page_source"),
        list(sources),
        store="siting_source",
        format_func=lambda s: t(f"siting.page_source_{s}"),
    )
    try:
        if source == "layer":
            sites = read_kind(ws, area, "relocation_sites")
        elif source == "upload":
            sites = _uploaded_sites(ws, area)
        else:
            sites = _drawn_sites(ws, area, basemap)
    except GisError as exc:
        st.error(str(exc))
        return None
    if sites is not None:
        st.caption(t("siting.page_sites_found", n=len(sites)))
    return sites


def _uploaded_sites(ws: Workspace, area: str) -> gpd.GeoDataFrame | None:
    """Sites from an uploaded file, through the import pipeline (read
    once per set of files)."""
    files = st.file_uploader(
        t("siting.page_upload", mb=MAX_UPLOAD_MB),
        type=[s.lstrip(".") for s in ACCEPTED],
        accept_multiple_files=True,
        key="siting_upload",
    )
    crs = st.text_input(t("siting.page_upload_crs"), key="siting_upload_crs",
                        placeholder="EPSG:32645").strip() or None  # fmt: skip
    if not files:
        return None
    signature = (area, crs, language(), tuple((f.name, f.size) for f in files))
    staged = st.session_state.get("siting::staged")
    if not staged or staged[0] != signature:
        staged = (signature, _read_upload(ws, area, files, crs))
        st.session_state["siting::staged"] = staged
    if isinstance(staged[1], str):
        st.error(staged[1])
        return None
    found: LayerFile = staged[1]
    if found.notes:
        st.warning("  \n".join(md(note) for note in found.notes))
    return found.frame


def _read_upload(
    ws: Workspace, area: str, files: list[Any], crs: str | None
) -> LayerFile | str:
    """The uploaded files staged and read; the reason when they cannot be."""
    pairs = [(f.name, f.getvalue()) for f in files]
    try:
        path = stage_uploads(pairs, STAGE_ROOT / uuid.uuid4().hex)
        return read_layer_file(path, bounds=ws.area_bounds(area), crs=crs)
    except GisError as exc:
        return str(exc)


def _drawn_sites(ws: Workspace, area: str, basemap: str) -> gpd.GeoDataFrame | None:
    """Sites drawn on a map (polygons, rectangles or markers)."""
    chosen = tuple(sorted(st.session_state.get(f"siting::chosen::{area}", [])))
    fmap = _draw_map(str(ws.path), version(ws), area, chosen, basemap, language())
    if not (DRAW_DIR / "leaflet.draw.js").is_file():
        st.caption(t("siting.page_draw_online"))
    st.caption(t("siting.page_draw_hint"))
    result = show_map(
        fmap,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=["all_drawings"],
        key=f"siting_draw_{area}",
    )
    drawings = (result or {}).get("all_drawings") or []
    return sites_from_features(drawings) if drawings else None


@st.cache_resource(max_entries=4, show_spinner=False)
def _draw_map(
    path: str,
    stamp: float,
    area: str,
    chosen: tuple[str, ...],
    basemap: str,
    lang: str,
) -> folium.Map:
    """The hazards and the movers (chosen before the sites are drawn:
    choosing again draws the map afresh), with the drawing tools."""
    reach = _reach(path, stamp, area, lang)
    fmap = movers_map(reach, chosen, _hazards(path, stamp, area), basemap=basemap)
    draw = Draw(
        export=False,
        draw_options={
            "polyline": False,
            "circle": False,
            "circlemarker": False,
            "polygon": True,
            "rectangle": True,
            "marker": True,
        },
    )
    if (DRAW_DIR / "leaflet.draw.js").is_file():
        draw.default_js = [
            ("leaflet_draw_js", "/app/static/leaflet-draw/leaflet.draw.js")
        ]
        draw.default_css = [
            ("leaflet_draw_css", "/app/static/leaflet-draw/leaflet.draw.css")
        ]
    draw.add_to(fmap)
    return fmap


def _dem_upload() -> Path | None:
    """An optional elevation raster, staged once."""
    upload = st.file_uploader(
        t("siting.page_dem", mb=MAX_UPLOAD_MB),
        type=[s.lstrip(".") for s in DEM_SUFFIXES],
        key="siting_dem",
    )
    if upload is None:
        st.caption(t("siting.page_no_dem"))
        return None
    signature = (upload.name, upload.size)
    staged = st.session_state.get("siting::dem")
    if staged and staged[0] == signature:
        return Path(staged[1])
    try:
        path = stage_dem(upload.name, upload.getvalue(), STAGE_ROOT / uuid.uuid4().hex)
    except GisError as exc:
        st.error(str(exc))
        return None
    st.session_state["siting::dem"] = (signature, str(path))
    return path


# the review


def _review(
    ws: Workspace,
    area: str,
    sites: gpd.GeoDataFrame | None,
    movers: gpd.GeoDataFrame | None,
    dem: Path | None,
) -> SitingReview | None:
    """The review; errors shown, not raised."""
    if sites is None:
        return None
    try:
        with st.spinner(t("siting.page_running")):
            return review_sites(ws, area, sites, movers=movers, dem=dem)
    except GisError as exc:
        st.error(str(exc))
        return None


def _results(review: SitingReview, basemap: str) -> None:
    """Ranking with reasons, criteria by site, one site's criteria, the
    constraints map and the downloads."""
    for note in review.notes:
        st.caption("· " + note)
    st.markdown(f"#### {t('siting.sheet_ranking')}")
    heads = [t(f"siting.col_{c}") for c in RANKING_COLUMNS]
    ranking = pd.DataFrame(ranking_rows(review), columns=heads)
    st.dataframe(ranking.iloc[:, :-1], hide_index=True, width="stretch")
    for _, row in review.ranked().iterrows():
        st.markdown(t("siting.page_reason_line", rank=int(row["rank"]),
                      name=md(row["name"]), reason=md(row["reason"])))  # fmt: skip

    st.markdown(f"#### {t('siting.sheet_matrix')}")
    st.table(_matrix_table(review))

    st.markdown(f"#### {t('siting.page_criteria')}")
    names = dict(zip(review.ranked()["site_id"], review.ranked()["name"], strict=True))
    site = synced_selectbox(
        st, t("siting.col_site"), list(names), store="siting_site",
        format_func=lambda s: names[s],
    )  # fmt: skip
    st.table(_criteria_table(review, site or next(iter(names))))

    st.markdown(f"#### {t('siting.map_title')}")
    fmap = _cached_constraints(review, basemap, language())
    show_map(fmap, height=MAP_HEIGHT + 60, use_container_width=True,
              returned_objects=[], key="siting_constraints")  # fmt: skip
    _downloads(review, names)


def _matrix_table(review: SitingReview) -> Styler:
    """Criteria by site, each value shaded by its result."""
    ranked = review.ranked()
    rows = matrix(review, list(ranked["site_id"]))
    heads = [t("siting.col_criterion"), t("siting.col_threshold"), *ranked["name"]]
    texts = pd.DataFrame([[text for text, _ in row] for row in rows], columns=heads)
    shades = pd.DataFrame(
        [[_shade(result) for _, result in row] for row in rows], columns=heads
    )
    return texts.style.apply(lambda _: shades, axis=None).hide(axis="index")


def _criteria_table(review: SitingReview, site_id: str) -> Styler:
    """One site's criteria with translated headers, results shaded."""
    heads = [t(f"siting.col_{c}") for c in CRITERIA_COLUMNS]
    found = criteria_rows(review, site_id)
    texts = pd.DataFrame([texts for _, texts in found], columns=heads)
    shades = pd.DataFrame(
        [["", "", "", _shade(c.result), ""] for c, _ in found], columns=heads
    )
    return texts.style.apply(lambda _: shades, axis=None).hide(axis="index")


def _shade(result: str) -> str:
    """CSS of a cell with a result (none for the others)."""
    colour = RESULT_FILL.get(result)
    return f"background-color: {colour}" if colour else ""


@st.cache_resource(
    max_entries=4,
    show_spinner=False,
    hash_funcs={SitingReview: lambda r: (r.computed_at, r.area, id(r))},
)
def _cached_constraints(review: SitingReview, basemap: str, lang: str) -> folium.Map:
    """The constraints map, once per review."""
    return constraints_map(review, basemap=basemap)


def _downloads(review: SitingReview, names: dict[str, str]) -> None:
    """CSV and JSON at once; the sheets (PDF, HTML) on request."""
    st.markdown(f"#### {t('siting.page_downloads')}")
    stem = f"siting_{review.area or 'review'}"
    left, right = st.columns(2)
    left.download_button(
        t("siting.page_download_csv"),
        _file(review, ".csv"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="siting_dl_csv",
    )
    right.download_button(
        t("siting.page_download_json"),
        _file(review, ".json"),
        file_name=f"{stem}.json",
        mime="application/json",
        key="siting_dl_json",
    )

    options = ["", *names]
    pick = st.selectbox(
        t("siting.page_sheet_of"),
        options,
        key=f"siting_sheet_of::{language()}",
        format_func=lambda s: names.get(s) or t("siting.page_sheet_all"),
    )
    made = st.session_state.get(SHEETS)
    if st.button(t("siting.page_make_sheets"), key="siting_make_sheets"):
        made = _sheets(review, pick or None)
        st.session_state[SHEETS] = made
    if made is None or made[0] != id(review) or made[1] != pick:
        return
    name = f"{stem}_{pick}" if pick else stem
    left, right = st.columns(2)
    left.download_button(
        t("siting.page_download_pdf"),
        made[2],
        file_name=f"{name}.pdf",
        mime="application/pdf",
        key="siting_dl_pdf",
    )
    right.download_button(
        t("siting.page_download_html"),
        made[3],
        file_name=f"{name}.html",
        mime="text/html",
        key="siting_dl_html",
    )


def _sheets(review: SitingReview, site_id: str | None) -> tuple[Any, ...] | None:
    """The review sheets as PDF and HTML; errors shown, not raised."""
    try:
        with st.spinner(t("siting.page_making")):
            pdf = review_pdf(review, site_id=site_id)
            page = review_html(review, site_id=site_id)
    except GisError as exc:
        st.error(str(exc))
        return None
    return (id(review), site_id or "", pdf, page.encode("utf-8"))


def _file(review: SitingReview, suffix: str) -> Callable[[], bytes]:
    """The review as CSV or JSON, written when the button is pressed."""
    lang = language()

    def make() -> bytes:
        with use_language(lang), tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"review{suffix}"
            write_review(review, path)
            return path.read_bytes()

    return make


render()
