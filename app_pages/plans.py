"""Plans and projects page: a village's plan, projects, funds and assistance.

Every change goes through :class:`gis.records.RecordStore`, which checks
it and keeps its history. The registry is read once per version of the
workspace file (and once per save made here), not on every rerun.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages._plans_assist import assistance_section
from app_pages._plans_forms import SAVES, Place, show_flash
from app_pages._plans_funds import funds_section
from app_pages._plans_plan import plan_section
from app_pages._plans_projects import projects_section
from app_pages.common import area_title, pick_area, synced_selectbox, version, workspace
from gis import villages
from gis.errors import GisError
from gis.i18n import language, t, use_language
from gis.records import Finding, RecordStore, Snapshot, check_funds, village_records
from gis.workspace import Workspace

MARK = "★ "  # villages that have a plan
TABS = ("plan", "projects", "funds", "assistance", "findings")


def render() -> None:
    """Area and village choice, then one tab per part of the village's records."""
    st.header(t("plans.title"))
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        st.info(t("plans.import_first"))
        return
    table = villages.village_table(ws, area)
    if table.empty:
        st.warning(t("plans.no_village_layer", area=area_title(area)))
        return

    # the registry, read once per workspace version and language
    today = dt.date.today()
    stamp = (version(ws), st.session_state.get(SAVES, 0))
    try:
        snap, findings = _registry(str(ws.path), stamp, language(), today)
    except GisError as exc:
        st.error(str(exc))
        return
    village_id = _pick_village(area, table, snap)
    name = _village_name(table, village_id)
    place = Place(
        ws, area, village_id, name, snap,
        village_records(snap, area, village_id, today=today, findings=list(findings)),
        findings, today,
    )  # fmt: skip

    st.subheader(name)
    show_flash()
    tabs = st.tabs([t(f"plans.tab_{tab}") for tab in TABS])
    for tab, section in zip(tabs, _SECTIONS, strict=True):
        with tab:
            section(place)


@st.cache_resource(max_entries=4, show_spinner=False)
def _registry(
    path: str, stamp: tuple[float, int], lang: str, today: dt.date
) -> tuple[Snapshot, tuple[Finding, ...]]:
    """Every record and every finding (messages in ``lang``); shared, do
    not modify."""
    with use_language(lang):
        snap = RecordStore(Workspace(path)).snapshot()
        return snap, tuple(check_funds(snap, today=today))


def _pick_village(area: str, table: pd.DataFrame, snap: Snapshot) -> str:
    """Sidebar village selector: villages with a plan first, marked."""
    planned = {vid for a, vid in snap.villages() if a == area}
    ids = [str(v) for v in table["source_id"]]
    ids = [v for v in ids if v in planned] + [v for v in ids if v not in planned]
    labels = {str(row.source_id): _label(row) for row in table.itertuples()}
    labels = {vid: (MARK if vid in planned else "") + labels[vid] for vid in ids}

    # start from the village chosen on the Map page, if any
    store = f"plans::village::{area}"
    if store not in st.session_state:
        on_map = st.session_state.get(f"village::{area}")
        st.session_state[store] = str(on_map) if on_map is not None else None
    chosen = synced_selectbox(
        st.sidebar, t("plans.village"), ids, store=store, format_func=labels.__getitem__
    )
    st.sidebar.caption(t("plans.mark_hint", mark=MARK.strip()))
    return chosen or ids[0]


def _label(row: object) -> str:
    """``name (code)`` of a village, or its id."""
    name, code = getattr(row, "name", None), getattr(row, "code", None)
    name = name if isinstance(name, str) and name else None
    code = code if isinstance(code, str) and code else None
    if name and code:
        return f"{name} ({code})"
    return name or code or f"#{getattr(row, 'source_id', '')}"


def _village_name(table: pd.DataFrame, village_id: str) -> str:
    """The village's name, else its id."""
    found = table.loc[table["source_id"].astype(str) == village_id, "name"]
    name = found.iloc[0] if len(found) else None
    return name if isinstance(name, str) and name else f"#{village_id}"


def findings_section(place: Place) -> None:
    """The rule findings of this village, and how many the area has."""
    in_area = [f for f in place.findings if f.area == place.area]
    villages_hit = len({f.village_id for f in in_area})
    st.caption(t("plans.findings_area", n=len(in_area), villages=villages_hit,
                 area=area_title(place.area)))  # fmt: skip
    mine = place.records.findings
    if not mine:
        st.success(t("plans.findings_none"))
        return
    for finding in mine:
        rule = t(f"records.rule_name_{finding.rule}")
        st.warning(f"**{rule}** — {finding.message}", icon=":material/warning:")


_SECTIONS = (
    plan_section,
    projects_section,
    funds_section,
    assistance_section,
    findings_section,
)


render()
