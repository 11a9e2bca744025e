"""Map page: every layer of an area with the records' projects, village
search and the village panel (facts and records).

Reruns are cheap: the records are read once per workspace version and
the folium map is cached per (workspace version, area, basemap,
language, highlighted village), so a widget that changes none of these
reuses the same map, and st_folium sends back only the clicked feature
(``last_active_drawing``). Saving a record changes the workspace file,
so the map and the panel follow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app_pages.common import (
    md,
    pick_area,
    pick_basemap,
    show_map,
    version,
    workspace,
)
from gis import mapview, records, villages
from gis.errors import GisError
from gis.i18n import language, t
from gis.records import Snapshot, TargetProgress, VillageRecords
from gis.workspace import Workspace

MAP_HEIGHT = 640
MARK = "★"  # villages that have a plan, as on the Plans page


def render() -> None:
    """Sidebar choices, the map and the panel of the chosen village."""
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        return
    basemap = pick_basemap()
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
    planned = _planned(ws, area)
    by_label = _labels(found, planned)
    label_of = {v: k for k, v in by_label.items()}
    widget = f"{store}::pick::{language()}"
    st.session_state[widget] = label_of.get(st.session_state.get(store))
    st.sidebar.selectbox(
        t("mappage.village"), list(by_label), key=widget,
        placeholder=t("mappage.village_placeholder"),
        on_change=_picked, args=(widget, store, by_label),
    )  # fmt: skip
    if planned:
        st.sidebar.caption(t("mappage.mark_hint", mark=MARK))
    return st.session_state.get(store)


def _picked(widget: str, store: str, by_label: dict[str, object]) -> None:
    """Widget callback: the picked label's village becomes the choice."""
    label = st.session_state.get(widget)
    st.session_state[store] = by_label.get(label) if label else None


def _labels(found: pd.DataFrame, planned: set[str]) -> dict[str, object]:
    """``"name (code)"`` per village, unique, mapped to its source_id;
    villages with a plan are marked."""
    out: dict[str, object] = {}
    for row in found.itertuples():
        label = f"{row.name or '—'} ({row.code})" if row.code else str(row.name)
        if label in out:
            label = f"{label} #{row.source_id}"
        if str(row.source_id) in planned:
            label = f"{label} {MARK}"  # after the name, which stays first
        out[label] = row.source_id
    return out


def _planned(ws: Workspace, area: str) -> set[str]:
    """Ids of the area's villages that have a plan (none when the records
    cannot be read; the panel says why)."""
    try:
        snap = _snapshot(str(ws.path), version(ws))
    except GisError:
        return set()
    return {village for where, village in snap.villages() if where == area}


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
    result = show_map(
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
                             lang=lang, highlight=highlight, focus=focus,
                             projects=_area_projects(path, stamp, area))  # fmt: skip


@st.cache_resource(max_entries=2, show_spinner=False)
def _snapshot(path: str, stamp: float) -> Snapshot:
    """The records as saved, read once per workspace version."""
    return records.RecordStore(path).snapshot()


def _area_projects(path: str, stamp: float, area: str) -> gpd.GeoDataFrame | None:
    """The area's project features; None when the records cannot be read
    (the panel says why), so the map still shows the layers."""
    try:
        return records.project_features(_snapshot(path, stamp), area)
    except GisError:
        return None


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
    found = _village_records(ws, area, str(source_id))
    with st.container(border=True):
        st.subheader(facts.name or t("mappage.unnamed"))
        tabs = [t("mappage.tab_records"), t("mappage.tab_facts")]
        if found is None or not _has_records(found):
            tabs.reverse()  # facts first when nothing is recorded
        panes = dict(zip(tabs, st.tabs(tabs), strict=True))
        with panes[t("mappage.tab_facts")]:
            rows = pd.DataFrame(
                facts.rows(), columns=[t("mappage.fact"), t("mappage.value")]
            )
            st.table(rows.set_index(t("mappage.fact")))
            st.caption(t("mappage.measured_in", crs=facts.metric_crs))
        with panes[t("mappage.tab_records")]:
            _records_panel(found)


# the village's records


def _village_records(
    ws: Workspace, area: str, village_id: str
) -> VillageRecords | None:
    """The village's records (None, with a warning, when unreadable)."""
    try:
        snap = _snapshot(str(ws.path), version(ws))
    except GisError as exc:
        st.warning(str(exc))
        return None
    return records.village_records(snap, area, village_id, today=date.today())


def _records_panel(found: VillageRecords | None) -> None:
    """Plan, targets, projects, money, assistance and findings of a village."""
    if found is None or not _has_records(found):
        st.caption(t("mappage.no_records"))
        return
    for finding in found.findings:
        name = t(f"records.rule_name_{finding.rule}")
        st.warning(t("mappage.finding", rule=name, message=md(finding.message)))
    _plan(found)
    _targets(found)
    _projects(found)
    _money(found)
    _assistance(found)


def _has_records(found: VillageRecords) -> bool:
    """Whether anything at all is recorded for the village."""
    kept = (found.plans, found.projects, found.money, found.assistance, found.pairs)
    return any(kept)


def _plan(found: VillageRecords) -> None:
    """The current plan (latest version) and its assembly vote."""
    if not found.plans:
        st.markdown(t("mappage.no_plan"))
        return
    plan = found.plans[0]
    st.markdown(t("mappage.plan_line", title=md(plan["title"]),
                  revision=plan["revision"], start=plan["period_start"],
                  end=plan["period_end"]))  # fmt: skip
    if plan.get("assembly_date"):
        st.markdown(t("mappage.plan_assembly", date=plan["assembly_date"],
                      attendance=_count(plan.get("attendance")),
                      votes_for=_count(plan.get("votes_for")),
                      votes_against=_count(plan.get("votes_against"))))  # fmt: skip


def _targets(found: VillageRecords) -> None:
    """Progress per plan target: done / target with its unit, and the
    baseline the share is counted from."""
    rows = [
        (t(f"records.section_{p.target['section']}"), md(p.target["measure"]),
         _progress(p))
        for p in found.targets
    ]  # fmt: skip
    headers = ("records.field_section", "records.field_measure", "mappage.done")
    _table("mappage.targets", headers, rows)


def _progress(p: TargetProgress) -> str:
    """``2.5 / 5 km from 1.2 (66 %)``: the share counts what the target
    adds to its baseline (:func:`gis.records.summary.target_share`)."""
    goal, base = p.target["target_value"], p.target.get("baseline_value")
    values = {"done": _amount(p.done), "target": _amount(goal),
              "unit": md(p.target["unit"]), "share": f"{p.share * 100:.0f}"}
    if base is not None and 0 <= base <= (goal or 0):
        return t("mappage.target_done_from", baseline=_amount(base), **values)
    return t("mappage.target_done", **values)


def _projects(found: VillageRecords) -> None:
    """The village's projects: name, section, status, budget, spent."""
    rows = [
        (md(p["name"]), t(f"records.section_{p['section']}"),
         t(f"records.status_{p['status']}"), _yuan(p.get("budget_fen")),
         _yuan(p.get("spent_fen")))
        for p in found.projects
    ]  # fmt: skip
    headers = ("records.field_name", "records.field_section", "records.field_status",
               "map.project_budget", "map.project_spent")  # fmt: skip
    _table("mappage.projects", headers, rows)


def _money(found: VillageRecords) -> None:
    """Allocated and spent money per channel (sector funds per department)."""
    rows = [
        (_channel(m["channel"], m.get("department")),
         _yuan(m["allocated_fen"]), _yuan(m["spent_fen"]))
        for m in found.money
    ]  # fmt: skip
    headers = ("records.field_channel", "mappage.allocated", "map.project_spent")
    _table("mappage.money", headers, rows)


def _assistance(found: VillageRecords) -> None:
    """Linked leader, resident cadre, assisting unit and paired households."""
    helps = found.assistance or {}
    rows = [
        (t("records.field_leader_name"),
         _who(helps.get("leader_name"), helps.get("leader_post"))),
        (t("records.field_cadre_name"),
         _who(helps.get("cadre_name"), helps.get("cadre_unit"))),
        (t("records.field_unit_name"), _who(helps.get("unit_name"), None)),
        (t("mappage.paired"), str(len(found.pairs))),
    ]  # fmt: skip
    _table("mappage.assistance", ("mappage.assist_role", "mappage.assist_who"), rows)


def _table(title: str, headers: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """A titled static table (cells are Markdown, so data is escaped)."""
    if not rows:
        return
    st.markdown(f"**{t(title)}**")
    frame = pd.DataFrame(rows, columns=[t(h) for h in headers])
    st.table(frame, hide_index=True)


# cell texts

# characters that Markdown (and Streamlit's directives) would act on
_MISSING = "—"


def _yuan(fen: object) -> str:
    """Whole fen as a yuan amount, or a dash when missing."""
    return _MISSING if fen is None else records.yuan(int(fen))  # type: ignore[call-overload]


def _amount(value: float) -> str:
    """A quantity with thousands separators and at most two decimals."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _count(value: object) -> str:
    """A head count, or a dash when missing."""
    return _MISSING if value is None else f"{value:,}"


def _who(name: object, where: object) -> str:
    """A name with its post or unit in brackets, or a dash."""
    if not name:
        return _MISSING
    return t("mappage.who", name=md(name), where=md(where)) if where else md(name)


def _channel(channel: str, department: str | None) -> str:
    """A fund channel's label; sector funds name their department."""
    label = t(f"records.channel_{channel}")
    if not department:
        return label
    return t("mappage.channel_department", channel=label,
             department=t(f"records.department_{department}"))  # fmt: skip


render()
