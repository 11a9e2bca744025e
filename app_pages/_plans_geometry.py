"""Plans page: where a project is, as a feature of a layer, a point or WKT.

The geometry is stored on the project as WKT in lon/lat (EPSG:4326);
a picked feature is also named in ``feature_ref`` as ``kind:source_id``
(``kind:family:source_id`` for kinds with several geometry families,
whose source ids repeat across families).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import shapely
import streamlit as st

from app_pages._plans_forms import (
    DRAFTS,
    Feedback,
    Place,
    attempt,
    draft,
    show_feedback,
    tell,
    widget_key,
)
from app_pages.common import synced_selectbox
from gis import villages
from gis.errors import GisError
from gis.i18n import language, t, use_language
from gis.workspace import LayerInfo, Workspace
from layers import get_kind

MODES = ("point", "feature", "wkt", "none")
# the layer kind offered first for a project of each plan section
SECTION_KINDS = {
    "farmland": "farmland",
    "water": "water",
    "roads": "roads",
    "income": "farmland",
    "services": "facilities",
    "leadership": "facilities",
}
DIGITS = 7  # decimal places of lon/lat kept in WKT (about 1 cm)
Build = Callable[[Place, dict[str, Any]], tuple[dict[str, Any], list[str]]]


def geometry_section(place: Place, project: dict[str, Any]) -> None:
    """The project's current geometry and a way to set it."""
    st.markdown(f"##### {t('plans.geometry_title')}")
    _current(project)
    store = f"plans::geometry_mode::{project['id']}"
    st.session_state.setdefault(store, _mode_of(project))
    modes = MODES if project.get("geometry_wkt") else MODES[:-1]
    mode = synced_selectbox(
        st, t("plans.geometry_how"), modes, store=store,
        format_func=lambda m: t(f"plans.geometry_{m}"),
    )  # fmt: skip
    fid = place.fid("project", int(project["id"]), "geometry")
    if mode == "feature":
        _feature_form(place, project, fid)
    elif mode == "point":
        _form(place, project, fid, ("lon", "lat"), _point)
    elif mode == "wkt":
        _form(place, project, fid, ("wkt",), _wkt)
    else:
        _form(place, project, fid, (), _nothing, submit="plans.geometry_remove")


def _mode_of(project: dict[str, Any]) -> str:
    """How the project's geometry was set: the way to change it first."""
    if project.get("feature_ref"):
        return "feature"
    wkt = project.get("geometry_wkt")
    return "wkt" if wkt and not isinstance(_read(wkt), shapely.Point) else "point"


def _current(project: dict[str, Any]) -> None:
    """What the project's geometry is now."""
    wkt = project.get("geometry_wkt")
    if not wkt:
        st.caption(t("plans.geometry_empty"))
        return
    shown = wkt if len(wkt) <= 160 else wkt[:157] + "…"
    ref = project.get("feature_ref")
    st.caption(t("plans.geometry_now", ref=ref or "—"))
    st.code(shown, language=None, wrap_lines=True)


def _initial(project: dict[str, Any]) -> dict[str, Any]:
    """Starting values of the geometry forms, from the stored geometry."""
    wkt = project.get("geometry_wkt") or ""
    shape = _read(wkt)
    point = shape if isinstance(shape, shapely.Point) else None
    ref = project.get("feature_ref") or ""
    return {
        "ref": ref,
        "lon": point.x if point is not None else None,
        "lat": point.y if point is not None else None,
        "wkt": wkt,
    }


def _form(
    place: Place,
    project: dict[str, Any],
    fid: str,
    names: tuple[str, ...],
    build: Build,
    *,
    submit: str = "plans.geometry_save",
) -> None:
    """A form of lon/lat inputs or a WKT box that saves the geometry."""
    keys = {name: widget_key(fid, name) for name in names}
    draft(fid, project, lambda: _initial(project), keys)
    with st.form(f"plans::{fid}::{'-'.join(names) or 'none'}"):
        if "lon" in keys:
            left, right = st.columns(2)
            left.number_input(t("plans.lon"), value=None, format="%.6f",
                              step=0.0001, key=keys["lon"])  # fmt: skip
            right.number_input(t("plans.lat"), value=None, format="%.6f",
                               step=0.0001, key=keys["lat"])  # fmt: skip
        if "wkt" in keys:
            st.text_area(t("records.field_geometry_wkt"), key=keys["wkt"], height=100,
                         placeholder="POINT (106.63 26.65)")  # fmt: skip
        st.form_submit_button(
            t(submit), key=f"plans::{fid}::{'-'.join(names) or 'none'}::submit",
            on_click=_save, args=(place, project, fid, keys, build, language()),
        )  # fmt: skip
    show_feedback(fid)


def _feature_form(place: Place, project: dict[str, Any], fid: str) -> None:
    """Pick a layer, then one of its features in or near the village."""
    infos = {i.table_name: i for i in place.ws.layers(place.area)}
    store = f"plans::geometry_layer::{project['id']}"
    st.session_state.setdefault(store, _first_layer(project, list(infos.values())))
    table = synced_selectbox(
        st, t("plans.geometry_layer"), list(infos), store=store,
        format_func=lambda name: _layer_label(infos[name]),
    )  # fmt: skip
    if table is None:
        return
    info = infos[table]
    labels = _features(place, info)
    if not labels:
        st.caption(t("plans.geometry_no_features"))
        return
    key = widget_key(fid, f"feature::{table}")
    draft(fid, project, lambda: _initial(project), {})
    stored = _parse_ref(project.get("feature_ref") or "")
    if st.session_state.get(key) not in labels:
        mine = stored is not None and stored[:2] == (info.kind, info.family)
        sid = stored[2] if stored is not None and mine else None
        st.session_state[key] = sid if sid in labels else next(iter(labels))
    with st.form(f"plans::{fid}::feature"):
        st.selectbox(t("plans.geometry_feature"), list(labels),
                     format_func=lambda sid: labels[sid], key=key)  # fmt: skip
        st.caption(t("plans.geometry_feature_hint", n=len(labels)))
        st.form_submit_button(
            t("plans.geometry_save"), key=f"plans::{fid}::feature::submit",
            on_click=_save, args=(place, project, fid, {"feature": key},
                                  _feature(info), language()),
        )  # fmt: skip
    show_feedback(fid)


def _first_layer(project: dict[str, Any], infos: list[LayerInfo]) -> str | None:
    """The layer of the project's feature, else one of its section's kind."""
    stored = _parse_ref(project.get("feature_ref") or "")
    for info in infos:
        if stored and stored[:2] == (info.kind, info.family):
            return info.table_name
    wanted = SECTION_KINDS.get(project["section"])
    return next((i.table_name for i in infos if i.kind == wanted), None)


def _layer_label(info: LayerInfo) -> str:
    """``Kind · family (n)`` of a layer."""
    family = t(f"layers.family_{info.family}")
    kind = get_kind(info.kind).label()
    return f"{kind} · {family}（{info.feature_count}）"


def _features(place: Place, info: LayerInfo) -> dict[str, str]:
    """Features of a layer whose box meets the village's box, by source id."""
    try:
        box = villages.village_bounds(place.ws, place.area, place.village_id)
    except GisError:
        box = None
    return _near(str(place.ws.path), info.area, info.kind, info.family,
                 info.imported_at, box)  # fmt: skip


@st.cache_resource(max_entries=16, show_spinner=False)
def _near(
    path: str, area: str, kind: str, family: str, imported_at: str,
    box: tuple[float, float, float, float] | None,
) -> dict[str, str]:  # fmt: skip
    """Labels of the layer's features within ``box`` (lon/lat), sorted."""
    frame = _read_layer(path, area, kind, family, imported_at)
    near = frame if box is None else frame.cx[box[0] : box[2], box[1] : box[3]]
    name = get_kind(kind).name_field or "name"
    names = near[name] if name in near else [None] * len(near)
    named = sorted(
        (label, str(sid))
        for sid, label in zip(near["source_id"], names, strict=True)
        if isinstance(label, str) and label
    )
    unnamed = sorted(
        (str(sid) for sid, label in zip(near["source_id"], names, strict=True)
         if not (isinstance(label, str) and label)),
        key=lambda sid: (len(sid), sid),
    )  # fmt: skip
    return {sid: f"{label} (#{sid})" for label, sid in named} | {
        sid: f"#{sid}" for sid in unnamed
    }


def _layer(path: str, info: LayerInfo) -> gpd.GeoDataFrame:
    """One layer in lon/lat, read once per import of it; do not modify."""
    return _read_layer(path, info.area, info.kind, info.family, info.imported_at)


@st.cache_resource(max_entries=8, show_spinner=False)
def _read_layer(
    path: str, area: str, kind: str, family: str, imported_at: str
) -> gpd.GeoDataFrame:
    """The layer as imported at ``imported_at`` (the cache key)."""
    frame = Workspace(path).read(area, kind, family)
    frame["source_id"] = frame["source_id"].astype(str)
    return frame


# what each form saves


def _feature(info: LayerInfo) -> Build:
    """Save a picked feature: its reference and its geometry."""

    def build(place: Place, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        frame = _layer(str(place.ws.path), info)
        found = frame[frame["source_id"] == str(values.get("feature"))]
        if found.empty:
            return {}, [t("plans.geometry_gone", id=values.get("feature"))]
        several = len(get_kind(info.kind).families) > 1
        kind = f"{info.kind}:{info.family}" if several else info.kind
        return {
            "feature_ref": f"{kind}:{values['feature']}",
            "geometry_wkt": _text(found.geometry.iloc[0]),
        }, []

    return build


def _point(place: Place, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Save a point typed as lon/lat."""
    lon, lat = values.get("lon"), values.get("lat")
    problems = []
    if lon is None or not -180 <= lon <= 180:
        problems.append(t("plans.bad_lon", value="—" if lon is None else lon))
    if lat is None or not -90 <= lat <= 90:
        problems.append(t("plans.bad_lat", value="—" if lat is None else lat))
    if problems:
        return {}, problems
    wkt = _text(shapely.Point(lon, lat))
    return {"geometry_wkt": wkt, "feature_ref": None}, []


def _wkt(place: Place, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Save pasted WKT, once it reads as a lon/lat geometry."""
    text = (values.get("wkt") or "").strip()
    shape = _read(text)
    if shape is None or shape.is_empty:
        return {}, [t("plans.bad_wkt", text=text[:60] or "—")]
    minx, miny, maxx, maxy = shape.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return {}, [t("plans.wkt_not_lonlat")]
    return {"geometry_wkt": _text(shapely.force_2d(shape)), "feature_ref": None}, []


def _nothing(place: Place, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Remove the geometry."""
    return {"geometry_wkt": None, "feature_ref": None}, []


def _save(
    place: Place,
    project: dict[str, Any],
    fid: str,
    keys: Mapping[str, str],
    build: Build,
    lang: str,
) -> None:
    """Submit callback: update the project from the version as loaded."""
    with use_language(lang):
        found = st.session_state[DRAFTS][fid]
        found.values.update({n: st.session_state.get(k) for n, k in keys.items()})
        values, problems = build(place, found.values)
        if problems:
            tell(fid, Feedback("problems", t("plans.not_saved"), tuple(problems)))
            return
        pid = int(project["id"])
        attempt(
            fid, lambda s: s.update("project", pid, values, version=found.version),
            done=t("plans.geometry_saved"), place=place,
        )  # fmt: skip


def _read(text: str) -> shapely.Geometry | None:
    """A geometry from WKT, or None when it does not read."""
    if not text:
        return None
    try:
        return shapely.from_wkt(text)
    except shapely.errors.GEOSException:
        return None


def _text(shape: shapely.Geometry) -> str:
    """WKT in lon/lat to about a centimetre."""
    return str(shapely.to_wkt(shape, rounding_precision=DIGITS, trim=True))


def _parse_ref(ref: str) -> tuple[str, str, str] | None:
    """(kind, family, source id) of a stored feature reference."""
    parts = ref.split(":")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        kind = parts[0]
        try:
            family = get_kind(kind).families[0]
        except GisError:
            return None
        return kind, family, parts[1]
    return None
