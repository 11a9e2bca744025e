"""Plans page, projects section: the village's projects, one project's
fields, geometry, status steps and inspections."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from app_pages._plans_forms import (
    NEW,
    FormSpec,
    Place,
    delete_button,
    edit_title,
    md,
    pick_record,
    record_form,
    show_table,
)
from app_pages._plans_geometry import geometry_section
from app_pages._plans_plan import target_label
from gis.i18n import language, t
from gis.records import STATUSES, TargetProgress

PROJECT_ROWS = (
    ("name", "section", "category"),
    ("target_id", "quantity", "unit"),
    ("budget_yuan", "planned_start", "planned_end"),
    ("actual_start", "actual_end", "progress_pct", "progress_date"),
    ("accepted_on", "accepted_by"),
    ("acceptance_notes",),
)


def projects_section(place: Place) -> None:
    """The table of projects, then the chosen (or a new) project."""
    rows = place.records.projects
    if rows:
        show_table(
            project_table(rows), project_columns(), optional={"budget": "{:,.2f}"}
        )
    else:
        st.caption(t("plans.no_projects"))

    # the project to work on, kept across language switches
    names = {str(p["project_id"]): f"#{p['project_id']} {p['name']}" for p in rows}
    store = project_store(place)
    chosen = pick_record("project", t("plans.project_pick"), store, names,
                         t("plans.new_project"))  # fmt: skip
    project = place.snap.get("project", int(chosen)) if chosen != NEW else None
    if project is None:
        _details(place, None, select=store)
        return
    _project(place, project)


def project_store(place: Place) -> str:
    """Session key of the chosen project of the village."""
    return f"plans::project::{place.area}/{place.village_id}"


def _project(place: Place, project: dict[str, Any]) -> None:
    """Fields, geometry, status and inspections of one project."""
    status = t(f"records.status_{project['status']}")
    st.markdown(f"#### {md(project['name'])} · {status}")
    _details(place, project)
    delete_button(place, "project", project)
    with st.container(border=True):
        geometry_section(place, project)
    with st.container(border=True):
        _status(place, project)
    with st.container(border=True):
        _inspections(place, project)


def _details(place: Place, project: dict[str, Any] | None, *, select: str | None = None
             ) -> None:  # fmt: skip
    """The form of every field of a project (status moves on apart)."""
    plan = place.plan
    targets = place.records.targets
    plan_of = {p.target["id"]: p.target["plan_id"] for p in targets}
    linked = project["target_id"] if project else None
    title = (
        edit_title("project", project["id"], project["name"])
        if project
        else t("plans.new_project")
    )
    record_form(place, FormSpec(
        fid=place.fid("project", project["id"] if project else None),
        kind="project", rows=PROJECT_ROWS, title=title, record=project,
        fixed={**place.where, "plan_id": plan["id"] if plan else None},
        refs={"target_id": _targets_of_section(targets, linked)},
        submit="plans.save" if project else "plans.create_project",
        select=select, derive=_with_plan(plan_of),
    ))  # fmt: skip


def _targets_of_section(
    targets: list[TargetProgress], linked: int | None
) -> Callable[[Mapping[str, Any]], dict[int, str]]:
    """Target choices: those of the section chosen in the form (and the
    target the project is linked to now), labelled with their section."""

    def choices(values: Mapping[str, Any]) -> dict[int, str]:
        return {
            p.target["id"]: target_label(p.target)
            for p in targets
            if p.target["section"] == values.get("section") or p.target["id"] == linked
        }

    return choices


def _with_plan(plan_of: dict[int, int]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A project linked to a target belongs to that target's plan."""

    def derive(values: dict[str, Any]) -> dict[str, Any]:
        target = values.get("target_id")
        return {**values, "plan_id": plan_of[target]} if target in plan_of else values

    return derive


def _status(place: Place, project: dict[str, Any]) -> None:
    """The dated steps of the project, a form for the next, and an undo."""
    st.markdown(f"##### {t('plans.status_title')}")
    steps = sorted(place.snap.of("status", project_id=project["id"]),
                   key=lambda s: (s["on_date"], s["id"]))  # fmt: skip
    if steps:
        show_table(_steps_table(steps))
    else:
        st.caption(t("plans.no_steps", status=t(f"records.status_{STATUSES[0]}")))

    # a project moves one status at a time
    now = STATUSES.index(project["status"])
    later = STATUSES[now + 1 : now + 2]
    touched = (("project", int(project["id"])),)
    if later:
        record_form(place, FormSpec(
            fid=place.fid("status", None, f"project{project['id']}"), kind="status",
            rows=(("status", "on_date", "note"),), choices={"status": later},
            title=t("plans.next_status"),
            initial={"status": later[0], "on_date": place.today},
            fixed={"project_id": project["id"]}, touches=touched,
            submit="plans.move_status",
        ))  # fmt: skip
    else:
        st.caption(t("plans.final_status"))
    if steps:
        delete_button(place, "status", steps[-1], touches=touched,
                      label="plans.undo_status")  # fmt: skip


def _steps_table(steps: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("records.field_on_date"): [s["on_date"] for s in steps],
            t("records.field_status"): [t(f"records.status_{s['status']}")
                                        for s in steps],
            t("records.field_note"): [s["note"] or "" for s in steps],
        }
    )  # fmt: skip


def _inspections(place: Place, project: dict[str, Any]) -> None:
    """The project's inspections and a form to add one."""
    st.markdown(f"##### {t('plans.inspections_title')}")
    found = sorted(place.snap.of("inspection", project_id=project["id"]),
                   key=lambda i: (i["on_date"], i["id"]))  # fmt: skip
    if found:
        table = pd.DataFrame(
            {
                t("records.field_on_date"): [i["on_date"] for i in found],
                t("records.field_inspector"): [i["inspector"] for i in found],
                t("records.field_result"): [t(f"records.result_{i['result']}")
                                            for i in found],
                t("records.field_notes"): [i["notes"] or "" for i in found],
            }
        )  # fmt: skip
        show_table(table)
    else:
        st.caption(t("plans.no_inspections"))
    record_form(place, FormSpec(
        fid=place.fid("inspection", None, f"project{project['id']}"),
        kind="inspection", rows=(("on_date", "inspector", "result"), ("notes",)),
        title=t("plans.new_inspection"), initial={"on_date": place.today},
        fixed={"project_id": project["id"]}, submit="plans.add_inspection",
    ))  # fmt: skip
    if found:
        _delete_inspection(place, project, found)


def _delete_inspection(
    place: Place, project: dict[str, Any], found: list[dict[str, Any]]
) -> None:
    """Pick an inspection of the project and delete it."""
    by_id = {i["id"]: i for i in found}
    picked = st.selectbox(
        t("plans.inspection_pick"), list(by_id),
        format_func=lambda i: _inspection_label(by_id[i]),
        key=f"plans::inspection_pick::{project['id']}::{language()}",
    )  # fmt: skip
    delete_button(place, "inspection", by_id[picked])


def _inspection_label(inspection: dict[str, Any]) -> str:
    """``#id date inspector · result`` of an inspection."""
    result = t(f"records.result_{inspection['result']}")
    return (
        f"#{inspection['id']} {inspection['on_date']} "
        f"{inspection['inspector']} · {result}"
    )


def project_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Projects with translated section and status, money in yuan."""
    return pd.DataFrame(
        {
            "id": [r["project_id"] for r in rows],
            "name": [r["name"] for r in rows],
            "section": [t(f"records.section_{r['section']}") for r in rows],
            "category": [r["category"] for r in rows],
            "status": [t(f"records.status_{r['status']}") for r in rows],
            "budget": [_yuan(r["budget_fen"]) for r in rows],
            "spent": [_yuan(r["spent_fen"]) for r in rows],
            "progress": [r["progress_pct"] for r in rows],
        }
    )


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else fen / 100


def project_columns() -> dict[str, Any]:
    """Headers and formats of the project table."""
    number, text = st.column_config.NumberColumn, st.column_config.TextColumn
    return {
        "id": number(t("plans.col_id"), format="%d", width=50),
        "name": text(t("records.field_name"), width="medium",
                     help=t("plans.long_text_hint")),
        "section": text(t("records.field_section"), width="small"),
        "category": text(t("records.field_category"), width="small"),
        "status": text(t("records.field_status"), width="small"),
        "budget": t("records.field_budget_yuan"),
        "spent": number(t("plans.col_spent"), format="%,.2f", width="small"),
        "progress": st.column_config.ProgressColumn(
            t("records.field_progress_pct"), min_value=0, max_value=100,
            format="%.0f %%", width="small",
        ),
    }  # fmt: skip
