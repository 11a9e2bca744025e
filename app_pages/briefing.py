"""Briefing page: the progress map as of a date, its files, the atlas and
the noticeboards.

Reruns are cheap: the progress of an (area, date, measure) and its
folium map are built once per workspace version and language; the
PNG, PDF and HTML files, the atlas and the noticeboards are drawn only
when their button is pressed, and kept for the download buttons until
a choice changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import folium
import streamlit as st

from app_pages.common import (
    area_title,
    pick_area,
    show_map,
    synced_radio,
    version,
    workspace,
)
from gis import briefing
from gis._brief_html import (
    progress_html,
    progress_map,
    project_noticeboard_html,
    village_noticeboard_html,
)
from gis._brief_pdf import (
    atlas_pdf,
    page_count,
    project_noticeboard_pdf,
    village_noticeboard_pdf,
)
from gis._brief_render import progress_image
from gis._brief_text import summary_lines
from gis.errors import GisError
from gis.i18n import language, t
from gis.records import STATUSES
from gis.workspace import Workspace

MAP_HEIGHT = 600
SECTIONS = ("map", "atlas", "notice")
FILES = "brief_files"  # session key of the files made, with what they were made of


def render() -> None:
    """Area, date and measure; then the map, the atlas and the noticeboards."""
    st.header(t("brief.page_title"))
    st.caption(t("brief.page_intro"))
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        return
    stamp = version(ws)
    changed = _dates(str(ws.path), stamp)
    if len(changed) < 2:
        st.info(t("brief.page_no_records"))
    # the day and the measure: any day from the first change to today,
    # typed or picked (not only the days something changed)
    day = st.date_input(
        t("brief.page_date"),
        value=changed[-1],
        min_value=changed[0],
        max_value=changed[-1],
        format="YYYY-MM-DD",
        key=f"brief_date::{area}::{stamp}",
    )
    if not isinstance(day, dt.date):
        day = changed[-1]
    measure = synced_radio(
        st, t("brief.page_measure"), briefing.MEASURES, store="brief_measure",
        format_func=lambda m: t(f"brief.measure_{m}"), horizontal=True,
    )  # fmt: skip
    choice = (str(ws.path), stamp, area, day, measure, language())
    try:
        progress = _progress(*choice)
    except GisError as exc:
        st.error(str(exc))
        return

    # one section at a time, not tabs: a map drawn in a hidden tab (on the
    # rerun of a button in another tab) stays blank when shown again
    section = synced_radio(
        st, t("brief.page_section"), SECTIONS, store="brief_section",
        format_func=lambda s: t(f"brief.tab_{s}"), horizontal=True,
        label_visibility="collapsed",
    )  # fmt: skip
    if section == "map":
        _map(progress, choice)
    elif section == "atlas":
        _atlas(ws, progress, choice)
    else:
        _noticeboards(ws, progress, choice)


@st.cache_resource(max_entries=2, show_spinner=False)
def _dates(path: str, stamp: float) -> list[dt.date]:
    """The days the registry changed, then today."""
    return briefing.programme_dates(Workspace(path))


@st.cache_resource(max_entries=8, show_spinner=False)
def _progress(
    path: str, stamp: float, area: str, day: dt.date, measure: str, lang: str
) -> briefing.Progress:
    """The area's progress as of ``day``, once per choice."""
    return briefing.progress(Workspace(path), area, as_of=day, measure=measure)


@st.cache_resource(max_entries=4, show_spinner=False)
def _folium(
    path: str, stamp: float, area: str, day: dt.date, measure: str, lang: str
) -> folium.Map:
    """The folium map of a progress, once per choice."""
    # the page lists the figures beside the map, keeping its box small
    return progress_map(_progress(path, stamp, area, day, measure, lang), figures=False)


# the progress map and its files


def _map(progress: briefing.Progress, choice: tuple[Any, ...]) -> None:
    """The interactive map and the figures it stands for, then the
    buttons for its files."""
    st.caption(" · ".join(summary_lines(progress)))
    show_map(
        _folium(*choice),
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=[],
        key=f"brief_map_{progress.area}",
    )
    name = f"progress_{progress.area}_{progress.as_of.isoformat()}"
    made = _made("map", choice)
    if made is None and st.button(t("brief.prepare_map"), key="brief_prepare_map"):
        with st.spinner(t("brief.prepare_map")):
            made = _keep("map", choice, _map_files(progress))
    if made is not None:
        columns = st.columns(3)
        for column, (suffix, data, mime) in zip(columns, made, strict=True):
            column.download_button(
                t(f"brief.download_{suffix}"),
                data,
                file_name=f"{name}.{suffix}",
                mime=mime,
                key=f"brief_dl_{suffix}",
            )


def _map_files(progress: briefing.Progress) -> list[tuple[str, Any, str]]:
    """(suffix, data, MIME type) of the map as PNG, PDF and HTML."""
    return [
        ("png", progress_image(progress, fmt="png"), "image/png"),
        ("pdf", progress_image(progress, fmt="pdf"), "application/pdf"),
        ("html", progress_html(progress), "text/html"),
    ]


# the atlas


def _atlas(ws: Workspace, progress: briefing.Progress, choice: tuple[Any, ...]) -> None:
    """A button that draws the atlas with a progress bar, then its download."""
    st.caption(t("brief.atlas_hint"))
    made = _made("atlas", choice)
    if made is None and st.button(t("brief.make_atlas"), key="brief_make_atlas"):
        try:
            sheets = briefing.village_sheets(ws, progress.area, as_of=progress.as_of)
            if not sheets:
                st.info(t("brief.no_programme", area=area_title(progress.area)))
                return
            bar = st.progress(0.0)
            made = _keep(
                "atlas", choice, atlas_pdf(progress, sheets, on_page=_bar(bar))
            )
            bar.empty()
        except GisError as exc:
            st.error(str(exc))
            return
    if made is not None:
        st.download_button(
            t("brief.download_atlas", n=page_count(made)),
            made,
            mime="application/pdf",
            file_name=f"atlas_{progress.area}_{progress.as_of.isoformat()}.pdf",
            key="brief_dl_atlas",
        )


def _bar(bar: Any) -> Callable[[int, int, str], None]:
    """An ``on_page`` callback moving a Streamlit progress bar."""

    def on_page(n: int, total: int, name: str) -> None:
        bar.progress(
            n / max(total, 1), t("brief.atlas_progress", n=n, total=total, village=name)
        )

    return on_page


# the noticeboards


def _noticeboards(
    ws: Workspace, progress: briefing.Progress, choice: tuple[Any, ...]
) -> None:
    """A village (and optionally one of its projects), then the notice files."""
    rows = {r.village_id: r for r in progress.table}
    ids = [r.village_id for r in progress.table if r.in_programme]
    ids += [v for v in rows if v not in ids]
    village = st.selectbox(
        t("brief.notice_village"),
        ids,
        key=f"brief_nb_village::{progress.area}",
        format_func=lambda v: rows[v].name,
    )
    if village is None:
        return
    try:
        sheet = briefing.village_sheets(
            ws, progress.area, as_of=progress.as_of, village_ids=[village]
        )[0]
    except GisError as exc:
        st.error(str(exc))
        return
    works = {w["id"]: str(w["name"]) for w in sheet.works}
    project = st.selectbox(
        t("brief.notice_project"),
        [None, *works],
        key=f"brief_nb_project::{village}",
        format_func=lambda p: (
            t("brief.notice_whole_village") if p is None else works[p]
        ),
    )
    if project is not None:
        status = next(w["status"] for w in sheet.works if w["id"] == project)
        stage = "after" if status == STATUSES[-1] else "before"
        st.caption(t(f"brief.notice_stage_{stage}",
                     status=t(f"records.status_{status}")))  # fmt: skip
    complaint = st.text_input(t("brief.notice_complaint"), key="brief_nb_complaint")

    what = (*choice, village, project, complaint)
    made = _made("notice", what)
    if made is None and st.button(t("brief.make_notice"), key="brief_make_notice"):
        try:
            made = _keep(
                "notice", what, _notice_files(ws, sheet, project, complaint or None)
            )
        except GisError as exc:
            st.error(str(exc))
            return
    if made is not None:
        name = f"notice_{progress.area}_{village}" + (f"_{project}" if project else "")
        name += f"_{progress.as_of.isoformat()}"
        left, right = st.columns(2)
        left.download_button(
            t("brief.download_notice_pdf"),
            made[0],
            file_name=f"{name}.pdf",
            mime="application/pdf",
            key="brief_dl_notice_pdf",
        )
        right.download_button(
            t("brief.download_notice_html"),
            made[1],
            file_name=f"{name}.html",
            mime="text/html",
            key="brief_dl_notice_html",
        )


def _notice_files(
    ws: Workspace,
    sheet: briefing.VillageSheet,
    project: int | None,
    complaint: str | None,
) -> tuple[bytes, str]:
    """The noticeboard as PDF and HTML: the village's, or the project's."""
    if project is None:
        briefing.check_notice(ws, sheet)
        return (
            village_noticeboard_pdf(sheet, complaint=complaint),
            village_noticeboard_html(sheet, complaint=complaint),
        )
    notice = briefing.project_sheet(ws, project, as_of=sheet.as_of)
    return (
        project_noticeboard_pdf(notice, complaint=complaint),
        project_noticeboard_html(notice, complaint=complaint),
    )


# files kept between reruns


def _made(kind: str, choice: tuple[Any, ...]) -> Any:
    """The files of ``kind`` made for this very choice, or None."""
    kept = st.session_state.get(FILES, {}).get(kind)
    return kept[1] if kept and kept[0] == choice else None


def _keep(kind: str, choice: tuple[Any, ...], files: Any) -> Any:
    """Keep the files of ``kind`` made for ``choice`` (one set per kind)."""
    st.session_state.setdefault(FILES, {})[kind] = (choice, files)
    return files


render()
