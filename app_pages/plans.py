"""Plans and projects page: a village's plan, projects, funds and assistance.

Every change goes through :class:`gis.records.RecordStore`, which checks
it and keeps its history. The registry is read once per version of the
workspace file (and once per save made here), not on every rerun.

The sections are chosen with a control whose choice lives in the
session (not tabs, which a rerun may reset to the first), and only the
chosen section is drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from app_pages._plans_assist import assistance_section
from app_pages._plans_forms import SAVES, Place, md, show_leftover
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
SECTION = "plans::section"  # the chosen section, kept across languages


def render() -> None:
    """Area and village choice, then the chosen part of the village's records."""
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
    chosen = _pick_section()

    # a message whose form is gone shows atop the section
    top = st.container()
    _SECTIONS[chosen](place)
    with top:
        show_leftover(place)


def _pick_section() -> str:
    """The section control; its choice lives in ``SECTION``, so reruns
    and language switches keep it."""
    value = st.session_state.get(SECTION)
    if value not in _SECTIONS:
        value = st.session_state[SECTION] = next(iter(_SECTIONS))
    widget = f"{SECTION}::widget::{language()}"
    st.session_state[widget] = value
    st.segmented_control(
        t("plans.sections"), list(_SECTIONS), key=widget, required=True,
        format_func=lambda s: t(f"plans.tab_{s}"), label_visibility="collapsed",
        on_change=_copy_section, args=(widget,),
    )  # fmt: skip
    return str(st.session_state[SECTION])


def _copy_section(widget: str) -> None:
    """Section control callback: the user's pick becomes the choice."""
    picked = st.session_state.get(widget)
    if picked in _SECTIONS:
        st.session_state[SECTION] = picked


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
    """The rule findings of this village, then those of the whole area."""
    in_area = [f for f in place.findings if f.area == place.area]
    villages_hit = len({f.village_id for f in in_area})
    st.caption(t("plans.findings_area", n=len(in_area), villages=villages_hit,
                 area=area_title(place.area)))  # fmt: skip
    mine = place.records.findings
    if not mine:
        st.success(t("plans.findings_none"))
    for finding in mine:
        rule = t(f"records.rule_name_{finding.rule}")
        st.warning(f"**{rule}** — {md(finding.message)}", icon=":material/warning:")
    if in_area:
        _area_findings(place, in_area)


def _area_findings(place: Place, found: list[Finding]) -> None:
    """Every finding of the area, grouped by village (this one first)."""
    st.markdown(f"#### {t('plans.findings_all', area=area_title(place.area))}")
    by_village: dict[str, list[Finding]] = {}
    for finding in found:
        by_village.setdefault(finding.village_id, []).append(finding)

    # this village first, then the others by name
    def order(village_id: str) -> tuple[bool, str]:
        first = by_village[village_id][0]
        return village_id != place.village_id, first.village_name or village_id

    for village_id in sorted(by_village, key=order):
        items = by_village[village_id]
        name = md(items[0].village_name or f"#{village_id}")
        if village_id == place.village_id:  # listed above
            st.markdown(f"**{name}**{t('plans.findings_here', n=len(items))}")
            continue
        lines = [f"**{name}** · {t('plans.findings_n', n=len(items))}"]
        lines += [_finding_line(f) for f in items]
        st.markdown("\n".join(lines))


def _finding_line(finding: Finding) -> str:
    """``- rule: message`` of one finding."""
    rule = t(f"records.rule_name_{finding.rule}")
    return "- " + t("plans.finding_line", rule=rule, message=md(finding.message))


_SECTIONS: dict[str, Callable[[Place], None]] = {
    "plan": plan_section,
    "projects": projects_section,
    "funds": funds_section,
    "assistance": assistance_section,
    "findings": findings_section,
}


render()
