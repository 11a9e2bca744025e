"""Sketch page: draw a road, a pipe, an area or a site, measure it, and
save it as the geometry of a project.

The map is built once per "mount": when the area, basemap, language or
workspace file changes, or when the page itself changes a sketch (a
delete, a refused drawing). Drawing, editing and deleting on the map
change the sketches without building the map again: the browser gives
every drawing its id, st_folium sends back only ``all_drawings``, and
the overlay (the chosen sketch as saved, who it brings within reach)
is sent as a feature group that does not reload the map. Sketches are
kept in session state and in the JSON file beside the workspace, so a
rerun or a reload never loses or duplicates one.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import (
    area_title,
    pick_area,
    pick_basemap,
    version,
    workspace,
)
from gis import mapview, records, sketchbook, sketchmap
from gis._sketch_reach import (
    INDICATOR_OF,
    SOURCE_JOIN_M,
    Reach,
    ReachBase,
    area_reach_base,
    newly_in_reach,
    out_of_reach,
)
from gis.coverage import load_profile
from gis.errors import ConflictError, GisError, ValidationError
from gis.i18n import language, t, use_language
from gis.records import SECTIONS, RecordStore, Snapshot
from gis.sketch import (
    PURPOSES,
    SNAP_KINDS,
    Measure,
    Snapped,
    SnapTargets,
    VillageHit,
    VillageShapes,
    measure,
    project_prefill,
    sketch_problems,
    snap_line_ends,
    snap_targets,
    village_of,
    village_shapes,
)
from gis.sketchbook import SaveDone, Sketch, SketchBook, compare_drawings
from gis.villages import village_table
from gis.workspace import Workspace

MAP_HEIGHT = 620
SNAP_DEFAULT_M = 20.0
BOOK = "sketch::book"
LAST_SAVE = "sketch::last_save"
NOTES = "sketch::notes"


@dataclass
class Mount:
    """One build of the map: what it was built from and the sketches it
    holds; ``seen`` collects the ids the map has sent back since."""

    token: int
    basis: tuple[object, ...]
    sketches: tuple[Sketch, ...]
    seen: set[str] = field(default_factory=set)
    fmap: folium.Map | None = None

    @property
    def on_map(self) -> frozenset[str]:
        return frozenset(s.id for s in self.sketches) | self.seen


@dataclass(frozen=True)
class Look:
    """A sketch as the page shows it: the geometry to save (ends snapped),
    its problems, measure and village."""

    sketch: Sketch
    geometry: shapely.Geometry
    snapped: Snapped | None
    problems: tuple[str, ...]
    measure: Measure | None
    village: VillageHit | None

    def summary(self) -> str:
        """``"Line 1 · 1,234.5 m (1.235 km)"``: label and main measure."""
        parts = [self.sketch.label()]
        if self.problems:
            parts.append(t("sketch.invalid"))
        elif self.measure is not None and len(self.measure.rows()) > 1:
            parts.append(self.measure.rows()[0][1])
        if self.sketch.project_id is not None:
            parts.append(t("sketch.saved_as", id=self.sketch.project_id))
        return " · ".join(parts)


def render() -> None:
    """Sidebar choices, the map, and the chosen sketch's panel."""
    st.header(t("sketch.title"))
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        return
    basemap = pick_basemap()
    tolerance_m = _snap_choice()

    # the sketches, how the page sees them, and the chosen one
    sketches = _sketches(ws, area)
    looks = [_look(ws, area, s, tolerance_m) for s in sketches]
    chosen = _chosen(area, looks)
    reach = _reach(ws, area, chosen)

    left, right = st.columns([3, 2], gap="medium")
    with left:
        mount = _mount(ws, area, basemap, sketches)
        drawings = _draw_map(ws, area, mount, _overlay(ws, area, chosen, reach))
        st.caption(t("sketch.map_hint"))
    _sync(ws, area, mount, sketches, drawings)
    with right:
        _notes()
        _undo(ws, area)
        _panel(ws, area, looks, chosen, reach)


# sidebar



def _snap_choice() -> float:
    """Snap tolerance in metres; 0 when snapping is off."""
    on = st.sidebar.toggle(t("sketch.snap"), value=True, key="sketch::snap",
                           help=t("sketch.snap_help"))  # fmt: skip
    tolerance = st.sidebar.number_input(
        t("sketch.snap_tolerance"), min_value=1.0, max_value=500.0,
        value=SNAP_DEFAULT_M, step=5.0, key="sketch::snap_m", disabled=not on,
    )  # fmt: skip
    return float(tolerance) if on else 0.0


# the sketches: session state, kept in the file beside the workspace


def _book(ws: Workspace) -> dict[str, Sketch]:
    """This session's sketches of the workspace, read from the file once."""
    books: dict[str, dict[str, Sketch]] = st.session_state.setdefault(BOOK, {})
    key = str(ws.path)
    if key not in books:
        try:
            books[key] = {s.id: s for s in SketchBook(ws.path).load()}
        except GisError as exc:
            _note("error", str(exc))
            books[key] = {}
    return books[key]


def _sketches(ws: Workspace, area: str) -> list[Sketch]:
    """The area's sketches, oldest first."""
    return [s for s in _book(ws).values() if s.area == area]


def _keep(ws: Workspace, sketch: Sketch) -> None:
    """Keep a new or changed sketch (session and file)."""
    _book(ws)[sketch.id] = sketch
    try:
        SketchBook(ws.path).put(sketch)
    except GisError as exc:
        _note("error", str(exc))


def _forget(ws: Workspace, sketch_id: str) -> None:
    """Forget a sketch (session and file)."""
    _book(ws).pop(sketch_id, None)
    try:
        SketchBook(ws.path).remove(sketch_id)
    except GisError as exc:
        _note("error", str(exc))


# what the page shows of each sketch


def _look(ws: Workspace, area: str, sketch: Sketch, tolerance_m: float) -> Look:
    """The sketch snapped (lines), checked, measured and placed."""
    snapped = None
    geometry = sketch.geometry
    if sketch.family == "line" and tolerance_m > 0 and not sketch_problems(geometry):
        snapped = snap_line_ends(geometry, _targets(str(ws.path), version(ws), area),
                                 tolerance_m=tolerance_m,
                                 kinds=SNAP_KINDS[sketch.purpose])  # fmt: skip
        geometry = snapped.geometry
    problems = tuple(sketch_problems(geometry))
    if problems:
        return Look(sketch, geometry, snapped, problems, None, None)
    shapes = _villages(str(ws.path), version(ws), area)
    village = (
        village_of(geometry, shapes, tolerance_m=_assign_tolerance_m())
        if shapes is not None else None
    )  # fmt: skip
    return Look(sketch, geometry, snapped, (), measure(geometry), village)


def _chosen(area: str, looks: list[Look]) -> Look | None:
    """The sketch the panel shows (the newest when none is chosen)."""
    if not looks:
        return None
    by_id = {look.sketch.id: look for look in looks}
    store = f"sketch::chosen::{area}"
    if st.session_state.get(store) not in by_id:
        st.session_state[store] = looks[-1].sketch.id
    return by_id[st.session_state[store]]


def _reach(ws: Workspace, area: str, look: Look | None) -> Reach | None:
    """Who the chosen road or pipe brings within reach (None otherwise)."""
    if look is None or look.problems or look.sketch.family != "line":
        return None
    if look.sketch.purpose not in INDICATOR_OF:
        return None
    base = _reach_base(str(ws.path), version(ws), area)
    return None if base is None else newly_in_reach(base, look.geometry,
                                                    look.sketch.purpose)  # fmt: skip


# cached per workspace version: the layers the sketches are checked against


@st.cache_resource(max_entries=4, show_spinner=False)
def _targets(path: str, stamp: float, area: str) -> SnapTargets:
    """The roads and water lines of an area, ready to snap to."""
    ws = Workspace(path)
    present = {(i.kind, i.family) for i in ws.layers(area)}
    frames = {kind: ws.read(area, kind, "line")
              for kind in ("roads", "water") if (kind, "line") in present}  # fmt: skip
    return snap_targets(frames)


@st.cache_resource(max_entries=4, show_spinner=False)
def _villages(path: str, stamp: float, area: str) -> VillageShapes | None:
    """The area's village polygons (None without a village layer)."""
    ws = Workspace(path)
    if not any(i.kind == "villages" for i in ws.layers(area)):
        return None
    return village_shapes(ws.read(area, "villages"))


@st.cache_resource(max_entries=4, show_spinner=False)
def _reach_base(path: str, stamp: float, area: str) -> ReachBase | None:
    """Units placed in villages with their reach now (None: no villages)."""
    try:
        return area_reach_base(Workspace(path), area)
    except GisError:
        return None


@st.cache_resource(max_entries=1, show_spinner=False)
def _assign_tolerance_m() -> float:
    """How far outside a village a sketch still belongs to it (coverage's
    settlement rule, from the settings profile)."""
    return float(load_profile().assign_tolerance_m)


@st.cache_resource(max_entries=2, show_spinner=False)
def _snapshot(path: str, stamp: float) -> Snapshot:
    """The records as saved, read once per workspace version."""
    return RecordStore(path).snapshot()


# the map


def _mount(ws: Workspace, area: str, basemap: str, sketches: list[Sketch]) -> Mount:
    """The current build of the map, or a new one when what it was built
    from has changed or the page changed a sketch."""
    store = f"sketch::mount::{area}"
    basis = (str(ws.path), version(ws), basemap, language())
    found: Mount | None = st.session_state.get(store)
    stale = st.session_state.pop(f"{store}::stale", False)
    if found is None or found.basis != basis or stale:
        token = found.token + 1 if found is not None else 0
        found = Mount(token, basis, tuple(sketches))
        st.session_state[store] = found
    return found


def _rebuild(area: str) -> None:
    """Build the map again on the next run (the page changed a sketch)."""
    st.session_state[f"sketch::mount::{area}::stale"] = True


def _draw_map(
    ws: Workspace, area: str, mount: Mount, extra: folium.FeatureGroup
) -> list[dict[str, Any]] | None:
    """The map; returns the drawings it holds (None before any event)."""
    if mount.fmap is None:
        try:
            mount.fmap = _build_map(ws, area, mount)
        except GisError as exc:
            st.error(str(exc))
            return None
    key = f"sketch_map::{area}::{mount.token}"
    try:
        result = st_folium(
            mount.fmap, key=key, height=MAP_HEIGHT, use_container_width=True,
            returned_objects=["all_drawings"], feature_group_to_add=extra,
            on_change=functools.partial(_drawn, ws, area, key),
        )  # fmt: skip
    finally:
        # st_folium adds the overlay to the map it keeps: take it out, so
        # the map's own script (and so its identity) stays the same
        mount.fmap._children.pop(extra.get_name(), None)
    drawings = (result or {}).get("all_drawings")
    return drawings if isinstance(drawings, list) else None


def _build_map(ws: Workspace, area: str, mount: Mount) -> folium.Map:
    """The area's layers and projects, with the drawing tools."""
    basemap, lang = mount.basis[2:]
    fmap = mapview.build_map(
        mapview.load_area_layers(ws, area), basemap=str(basemap),
        tianditu_key=os.environ.get("TIANDITU_KEY"), lang=str(lang),
        projects=_projects(ws, area), focus=sketchmap.view_bounds(mount.sketches),
    )  # fmt: skip
    return sketchmap.sketch_map(fmap, mount.sketches)


def _projects(ws: Workspace, area: str) -> gpd.GeoDataFrame | None:
    """The area's project features (None when the records cannot be read)."""
    try:
        return records.project_features(_snapshot(str(ws.path), version(ws)), area)
    except GisError:
        return None


def _overlay(
    ws: Workspace, area: str, look: Look | None, reach: Reach | None
) -> folium.FeatureGroup:
    """Units out of reach (none shown where the area has no road or
    water layer: nobody is known to be out of reach), those the chosen
    sketch reaches, and the chosen sketch as it will be saved."""
    purpose = look.sketch.purpose if look is not None else "road"
    base = _reach_base(str(ws.path), version(ws), area)
    out = None
    if base is not None and purpose in INDICATOR_OF and base.has_layer(purpose):
        out = out_of_reach(base, purpose)
        if reach is not None and not reach.points.empty:
            out = out[~out["source_id"].isin(reach.points["source_id"])]
    if look is None or look.problems:
        return sketchmap.overlay(out=out)
    ends = look.snapped.ends if look.snapped is not None else ()
    newly = reach.points if reach is not None else None
    return sketchmap.overlay(chosen=look.geometry, ends=ends, out=out, newly=newly)


def _sync(
    ws: Workspace,
    area: str,
    mount: Mount,
    sketches: list[Sketch],
    drawings: list[dict[str, Any]] | None,
) -> None:
    """Take what the map sends back into the sketches (when its change
    callback has not already); run again when anything changed, so
    every part of the page shows it."""
    if drawings is None:
        # a map built anew sends nothing until drawn on: if it was built
        # from older sketches (the page was left meanwhile), build again
        if _shapes(sketches) != _shapes(mount.sketches):
            _rebuild(area)
            st.rerun()
        return
    if _take(ws, area, mount, drawings):
        st.rerun()


def _drawn(ws: Workspace, area: str, key: str) -> None:
    """Map change callback: take the drawings before the page runs, so
    it draws the new state at once."""
    mount: Mount | None = st.session_state.get(f"sketch::mount::{area}")
    drawings = (st.session_state.get(key) or {}).get("all_drawings")
    if mount is not None and isinstance(drawings, list):
        # callbacks run before the app sets the language of the run
        with use_language(st.session_state.get("lang") or language()):
            _take(ws, area, mount, drawings)


def _take(
    ws: Workspace, area: str, mount: Mount, drawings: list[dict[str, Any]]
) -> bool:
    """Add, change and forget sketches as the map's drawings say;
    whether anything changed."""
    found = compare_drawings(_sketches(ws, area), drawings, area=area,
                             on_map=mount.on_map)  # fmt: skip
    mount.seen |= {str(f["properties"].get("sketch_id")) for f in drawings
                   if isinstance(f.get("properties"), dict)}  # fmt: skip
    for sketch in (*found.added, *found.changed):
        _keep(ws, sketch)
    for sketch_id in found.removed:
        _forget(ws, sketch_id)
    if found.added:
        st.session_state[f"sketch::chosen::{area}"] = found.added[-1].id
    for _, label, problems in found.refused:
        _note("error", t("sketch.refused", label=label), problems)
    if found.refused:
        _rebuild(area)  # the map drops what was refused
    return bool(found)


def _shapes(sketches: Sequence[Sketch]) -> tuple[tuple[str, bytes], ...]:
    """Ids and geometries: what the map draws of the sketches."""
    return tuple((s.id, shapely.to_wkb(s.geometry)) for s in sketches)


# the panel


def _notes() -> None:
    """Messages of the last action, shown once."""
    for kind, text, details in st.session_state.pop(NOTES, []):
        body = "\n".join([text, "", *(f"- {d}" for d in details)]) if details else text
        {"error": st.error, "success": st.success, "info": st.info}[kind](body)


def _note(kind: str, text: str, details: tuple[str, ...] | list[str] = ()) -> None:
    """Keep a message for the next run of the page."""
    st.session_state.setdefault(NOTES, []).append((kind, text, tuple(details)))


def _panel(
    ws: Workspace, area: str, looks: list[Look], look: Look | None, reach: Reach | None
) -> None:
    """The list of sketches, then the chosen one: measures, what it
    changes, and how to save it."""
    if look is None:
        st.info(t("sketch.how_to", area=area_title(area)))
        return
    _pick(area, looks)
    with st.container(border=True):
        st.subheader(look.sketch.label())
        if look.sketch.family == "line":
            _purpose(ws, area, look.sketch)
        if look.problems:
            st.error("\n".join([t("sketch.cannot_save"), "",
                                *(f"- {p}" for p in look.problems)]))  # fmt: skip
        else:
            _measures(look)
            _reach_table(reach)
            _save(ws, area, look)
        _delete(ws, area, look.sketch)


def _pick(area: str, looks: list[Look]) -> None:
    """Choose a sketch from the list (label and main measure)."""
    store = f"sketch::chosen::{area}"
    labels = {look.sketch.id: look.summary() for look in looks}
    ids = list(reversed(labels))  # newest first
    widget = f"{store}::widget::{language()}"
    st.session_state[widget] = st.session_state.get(store)
    st.radio(t("sketch.sketches", n=len(ids)), ids, key=widget,
             format_func=labels.__getitem__, on_change=_copy,
             args=(widget, store))  # fmt: skip


def _copy(widget: str, store: str) -> None:
    """Widget callback: the widget's value becomes the stored choice."""
    st.session_state[store] = st.session_state.get(widget)


def _purpose(ws: Workspace, area: str, sketch: Sketch) -> None:
    """What a line is for: road, water pipe or other."""
    widget = f"sketch::purpose::{sketch.id}::{language()}"
    st.session_state[widget] = sketch.purpose
    st.radio(t("sketch.purpose"), PURPOSES, key=widget, horizontal=True,
             format_func=lambda p: t(f"sketch.purpose_{p}"),
             on_change=_set_purpose, args=(ws, sketch.id, widget))  # fmt: skip


def _set_purpose(ws: Workspace, sketch_id: str, widget: str) -> None:
    """Widget callback: keep the line's new purpose."""
    sketch = _book(ws).get(sketch_id)
    if sketch is not None:
        _keep(ws, replace(sketch, purpose=st.session_state[widget]))


def _measures(look: Look) -> None:
    """Measures in m/km and m²/mu/ha, the village and the snapped ends."""
    assert look.measure is not None
    lines = [f"**{label}:** {value}" for label, value in look.measure.rows()]
    village = look.village
    if village is None:
        lines.append(t("sketch.no_village"))
    elif village.distance_m > 0:
        lines.append(_village_line(village))
    else:
        lines.append(t("sketch.in_village", name=village.name or village.village_id,
                       share=f"{village.share * 100:.0f}"))  # fmt: skip
    if look.snapped is not None:
        lines += [end.text() for end in look.snapped.ends] or [
            t(f"sketch.not_snapped_{look.sketch.purpose or 'other'}")
        ]
    st.markdown("  \n".join(lines))


def _village_line(village: VillageHit) -> str:
    """Where a sketch outside every village was placed."""
    return t("sketch.near_village", name=village.name or village.village_id,
             m=f"{village.distance_m:,.0f}")  # fmt: skip


def _reach_table(reach: Reach | None) -> None:
    """Who a road or pipe brings within reach, per village."""
    if reach is None:
        return
    st.markdown(f"**{t('sketch.changes_title')}**")
    kind = t(f"sketch.indicator_{reach.indicator}")
    if reach.layer_missing:
        st.info(t(f"sketch.no_layer_{reach.indicator}"))
    elif reach.joins_source is False:
        st.warning(t("sketch.pipe_not_joined", m=f"{SOURCE_JOIN_M:,.0f}"))
    if not reach.villages:
        st.caption(t("sketch.nobody_new", what=kind, m=f"{reach.threshold_m:,.0f}"))
        return
    units = {v.unit for v in reach.villages}
    unit = (
        _unit(units.pop(), reach.newly) if len(units) == 1 else t("sketch.unit_mixed")
    )
    people, metres = _count(reach.people), f"{reach.threshold_m:,.0f}"
    # without the layer, who was within reach before is unknown: the
    # sketch's own reach, not a gain
    key = "sketch.within_alone" if reach.layer_missing else "sketch.newly_total"
    st.markdown(t(key, n=reach.newly, units=unit, what=kind, people=people,
                  m=metres))  # fmt: skip
    if any(v.estimated for v in reach.villages):
        st.caption(t("sketch.people_estimated"))
    rows = [
        (v.village_name or v.village_id, f"{v.newly} {_unit(v.unit, v.newly)}",
         _count(v.people), _pct(v.before_pct), _pct(v.after_pct))
        for v in reach.villages
    ]  # fmt: skip
    headers = ["village", "newly", "people", "before", "after"]
    frame = pd.DataFrame(rows, columns=[t(f"sketch.col_{h}") for h in headers])
    st.table(frame, hide_index=True)


def _unit(unit: str, n: int) -> str:
    """The word for ``n`` units: "building" for one, "buildings" for more
    (Chinese has one word for both)."""
    return t(f"sketch.unit_{unit}_one") if n == 1 else t(f"sketch.unit_{unit}")


def _count(value: float) -> str:
    return "—" if np.isnan(value) else f"{value:,.0f}"


def _pct(value: float) -> str:
    return "—" if np.isnan(value) else f"{value:.1f} %"


# saving


def _save(ws: Workspace, area: str, look: Look) -> None:
    """Save as a new project, or as the geometry of an existing one."""
    new, existing = st.tabs([t("sketch.tab_new"), t("sketch.tab_existing")])
    with new:
        _new_project(ws, area, look)
    with existing:
        _existing_project(ws, area, look)


def _form_id(look: Look) -> str:
    """Form key: the sketch and its geometry as saved (a changed
    geometry fills the form again), and the language."""
    digest = hashlib.sha1(look.geometry.wkb).hexdigest()[:10]
    return f"sketch::form::{look.sketch.id}::{digest}::{language()}"


def _new_project(ws: Workspace, area: str, look: Look) -> None:
    """A form prefilled from the sketch that saves a new project."""
    table = _village_choices(ws, area)
    if not table:
        st.warning(t("sketch.no_villages", area=area_title(area)))
        return
    found = look.village.village_id if look.village is not None else None
    fill = project_prefill(look.geometry, look.sketch.purpose)
    fid = _form_id(look)
    with st.form(fid):
        village = st.selectbox(
            t("sketch.village"), list(table), format_func=table.__getitem__,
            index=list(table).index(found) if found in table else None,
            placeholder=t("sketch.pick_village"), key=f"{fid}::village",
        )  # fmt: skip
        name = st.text_input(t("records.field_name"), key=f"{fid}::name",
                             value=t("sketch.default_name", label=look.sketch.label(),
                                     category=fill.category))  # fmt: skip
        left, right = st.columns(2)
        section = left.selectbox(
            t("records.field_section"), SECTIONS, key=f"{fid}::section",
            index=SECTIONS.index(fill.section),
            format_func=lambda s: t(f"records.section_{s}"),
        )  # fmt: skip
        category = right.text_input(t("records.field_category"), value=fill.category,
                                    key=f"{fid}::category")  # fmt: skip
        quantity = left.number_input(t("records.field_quantity"), value=fill.quantity,
                                     min_value=0.0, format="%.3f",
                                     key=f"{fid}::quantity")  # fmt: skip
        unit = right.text_input(t("records.field_unit"), value=fill.unit,
                                key=f"{fid}::unit")  # fmt: skip
        saved_as = look.sketch.project_id
        again = False
        if saved_as is not None:
            st.caption(t("sketch.already_saved", id=saved_as))
            again = st.checkbox(t("sketch.save_again"), key=f"{fid}::again")
        submitted = st.form_submit_button(t("sketch.save_new"), type="primary")
    if submitted and saved_as is not None and not again:
        st.error(t("sketch.already_saved", id=saved_as))
    elif submitted:
        values = {"village_id": village, "name": name, "section": section,
                  "category": category, "quantity": quantity, "unit": unit,
                  "plan_id": _plan_of(ws, area, village)}  # fmt: skip
        _attempt(ws, area, look, lambda store: sketchbook.save_as_project(
            store, _as_saved(look), values))  # fmt: skip


def _existing_project(ws: Workspace, area: str, look: Look) -> None:
    """Pick a project of the area and make the sketch its geometry."""
    projects = _area_projects(ws, area)
    if not projects:
        st.caption(t("sketch.no_projects"))
        return
    labels = {p["id"]: _project_label(p) for p in projects}
    ids = list(labels)
    first = look.sketch.project_id if look.sketch.project_id in labels else None
    with st.form(f"{_form_id(look)}::existing"):
        chosen = st.selectbox(
            t("sketch.project"), ids, format_func=labels.__getitem__,
            index=ids.index(first) if first is not None else None,
            placeholder=t("sketch.pick_project"), key=f"{_form_id(look)}::project",
        )  # fmt: skip
        st.caption(t("sketch.replaces_hint"))
        fill = project_prefill(look.geometry, look.sketch.purpose)
        measured = look.sketch.family != "point"
        set_quantity = measured and st.checkbox(
            t("sketch.set_quantity", quantity=f"{fill.quantity:,}", unit=fill.unit),
            value=True, key=f"{_form_id(look)}::set_quantity",
        )  # fmt: skip
        anyway = st.checkbox(t("sketch.attach_anyway"), key=f"{_form_id(look)}::anyway")
        submitted = st.form_submit_button(t("sketch.save_existing"), type="primary")
    if submitted and chosen is not None:
        project = next(p for p in projects if p["id"] == chosen)
        village = look.village.village_id if look.village is not None else None
        wrong = sketchbook.attach_mismatches(project, look.sketch, village)
        if wrong and not anyway:
            st.error("\n".join([t("sketch.attach_refused"), "",
                                 *(f"- {w}" for w in wrong)]))  # fmt: skip
            return
        quantity = (fill.quantity, fill.unit) if set_quantity else None
        _attempt(ws, area, look, lambda store: sketchbook.attach_to_project(
            store, _as_saved(look), int(chosen), version=int(project["row_version"]),
            quantity=quantity))  # fmt: skip
    elif submitted:
        st.error(t("sketch.pick_project"))


def _as_saved(look: Look) -> Sketch:
    """The sketch with the geometry it is saved with (ends snapped)."""
    return replace(look.sketch, geometry=look.geometry)


def _attempt(
    ws: Workspace, area: str, look: Look, action: Callable[[RecordStore], SaveDone]
) -> None:
    """Run a save; on success remember how to undo it and run again."""
    try:
        on_file = {s.id for s in SketchBook(ws.path).load()}
    except GisError as exc:
        st.error(str(exc))
        return
    if look.sketch.id not in on_file:
        _book(ws).pop(look.sketch.id, None)
        _rebuild(area)
        _note("error", t("sketch.deleted_elsewhere", label=look.sketch.label()))
        st.rerun()
    try:
        done: SaveDone = action(RecordStore(ws))
    except ValidationError as exc:
        st.error("\n".join([str(exc), "", *(f"- {p}" for p in exc.problems)]))
        return
    except (ConflictError, GisError) as exc:
        st.error(str(exc))
        return
    st.session_state[LAST_SAVE] = (done, look.sketch.project_id, str(ws.path), area)
    _keep(ws, replace(look.sketch, project_id=done.project_id))
    key = "sketch.saved_new" if done.created else "sketch.saved_existing"
    _note("success", t(key, label=look.sketch.label(), id=done.project_id))
    st.rerun()


def _undo(ws: Workspace, area: str) -> None:
    """Undo the last save of this session, if there is one and it was
    made in this area (the button offers it on that area's page only)."""
    found = st.session_state.get(LAST_SAVE)
    if found is None or found[2:] != (str(ws.path), area):
        return
    done, before, *_ = found
    key = "sketch.undo_new" if done.created else "sketch.undo_existing"
    if not st.button(t(key, id=done.project_id), icon=":material/undo:"):
        return
    try:
        sketchbook.undo_save(RecordStore(ws), done)
    except (ConflictError, GisError) as exc:
        st.error(str(exc))
        return
    st.session_state.pop(LAST_SAVE, None)
    sketch = _book(ws).get(done.sketch_id)
    if sketch is not None:
        _keep(ws, replace(sketch, project_id=before))
    _note("success", t("sketch.undone", id=done.project_id))
    st.rerun()


def _delete(ws: Workspace, area: str, sketch: Sketch) -> None:
    """Forget the sketch (the project it was saved to keeps its geometry)."""
    if st.button(t("sketch.delete"), key=f"sketch::delete::{sketch.id}",
                 icon=":material/delete:"):  # fmt: skip
        _forget(ws, sketch.id)
        _rebuild(area)
        _note("info", t("sketch.deleted", label=sketch.label()))
        st.rerun()


# records the forms offer


def _village_choices(ws: Workspace, area: str) -> dict[str, str]:
    """Village id -> "name (code)" of the area's villages."""
    table = village_table(ws, area)
    out = {}
    for row in table.itertuples():
        name = (
            row.name if isinstance(row.name, str) and row.name else f"#{row.source_id}"
        )
        code = row.code if isinstance(row.code, str) and row.code else None
        out[str(row.source_id)] = f"{name} ({code})" if code else name
    return out


def _area_projects(ws: Workspace, area: str) -> list[dict[str, Any]]:
    """The area's projects, newest first."""
    try:
        snap = _snapshot(str(ws.path), version(ws))
    except GisError as exc:
        st.warning(str(exc))
        return []
    return sorted(snap.of("project", area=area), key=lambda p: -int(p["id"]))


def _project_label(project: dict[str, Any]) -> str:
    """``#12 Upper road · Triesen (planned)``."""
    village = project.get("village_name") or project["village_id"]
    status = t(f"records.status_{project['status']}")
    return f"#{project['id']} {project['name']} · {village} ({status})"


def _plan_of(ws: Workspace, area: str, village_id: str | None) -> int | None:
    """The village's current plan (highest revision), if it has one."""
    if village_id is None:
        return None
    try:
        snap = _snapshot(str(ws.path), version(ws))
    except GisError:
        return None
    plans = snap.of("plan", area=area, village_id=village_id)
    best = max(plans, key=lambda p: (p["revision"], p["id"]), default=None)
    return int(best["id"]) if best is not None else None


render()
