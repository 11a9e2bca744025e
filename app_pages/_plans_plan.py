"""Plans page, plan section: the village plan and its targets with progress."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages._plans_forms import (
    NONE,
    FormSpec,
    Place,
    delete_button,
    edit_title,
    new_title,
    pick_record,
    record_form,
    show_table,
)
from app_pages.common import md
from gis.i18n import t
from gis.records import TargetProgress

PLAN_ROWS = (
    ("title", "revision"),
    ("period_start", "period_end", "assembly_date"),
    ("attendance", "votes_for", "votes_against"),
    ("notes",),
)
TARGET_ROWS = (
    ("section", "measure", "unit"),
    ("target_value", "baseline_value"),
)


def plan_section(place: Place) -> None:
    """The current plan (or a form to create one) and its targets."""
    plan = place.plan
    if plan is None:
        st.info(t("plans.no_plan", village=place.village_name))
        record_form(place, FormSpec(
            fid=place.fid("plan", None), kind="plan", rows=PLAN_ROWS,
            title=new_title("plan"), initial=_new_plan(place), fixed=place.where,
            submit="plans.create_plan",
        ))  # fmt: skip
        return

    _summary(plan, earlier=len(place.records.plans) - 1)
    with st.expander(t("plans.edit_plan"), icon=":material/edit:"):
        record_form(place, FormSpec(
            fid=place.fid("plan", plan["id"]), kind="plan", rows=PLAN_ROWS,
            title=edit_title("plan", plan["id"], plan["title"]), record=plan,
        ))  # fmt: skip
        st.caption(t("plans.delete_plan_hint"))
        delete_button(place, "plan", plan, label="plans.delete_plan")
    _targets(place, plan)


def _new_plan(place: Place) -> dict[str, Any]:
    """Starting values of a new plan: version 1 over three years."""
    year = place.today.year
    return {
        "title": t("plans.default_title", village=place.village_name),
        "revision": 1,
        "period_start": year,
        "period_end": year + 2,
    }


def _summary(plan: dict[str, Any], *, earlier: int) -> None:
    """Title, version, period, assembly and votes of the plan."""
    st.markdown(f"#### {md(plan['title'])}")
    cols = st.columns(4)
    cols[0].metric(t("records.field_revision"), plan["revision"])
    cols[1].metric(t("plans.period"),
                   f"{plan['period_start']}–{plan['period_end']}")  # fmt: skip
    cols[2].metric(t("records.field_attendance"), _or_none(plan["attendance"]))
    cols[3].metric(
        t("plans.votes"),
        f"{_or_none(plan['votes_for'])} / {_or_none(plan['votes_against'])}",
    )
    st.caption(
        t("plans.assembly", date=_or_none(plan["assembly_date"]))
        + (f" · {md(plan['notes'])}" if plan["notes"] else "")
    )
    if earlier:
        st.caption(t("plans.earlier_versions", n=earlier))


def _or_none(value: object) -> str:
    return NONE if value is None else str(value)


def _targets(place: Place, plan: dict[str, Any]) -> None:
    """The plan's targets with progress, and a form to add or edit one."""
    st.markdown(f"#### {t('plans.targets')}")
    progress = place.records.targets
    if progress:
        show_table(
            _target_table(progress), _target_columns(), optional={"baseline": "{:,.2f}"}
        )
        st.caption(t("plans.progress_note"))
        for item in progress:
            if item.unconvertible:
                st.caption(t("plans.unconvertible", target=item.target["id"],
                             ids=", ".join(map(str, item.unconvertible))))  # fmt: skip
    else:
        st.caption(t("plans.no_targets"))

    # pick a target to edit, or a new one
    by_id = {str(p.target["id"]): p.target for p in progress}
    labels = {key: f"#{key} {target_label(found)}" for key, found in by_id.items()}
    store = f"plans::target::{place.area}/{place.village_id}"
    chosen = pick_record("target", t("plans.target_pick"), store, labels,
                         t("plans.new_target"))  # fmt: skip
    target = by_id.get(chosen)
    title = (
        edit_title("target", target["id"], target_label(target))
        if target
        else new_title("target")
    )
    record_form(place, FormSpec(
        fid=place.fid("target", target["id"] if target else None), kind="target",
        rows=TARGET_ROWS, title=title, record=target, fixed={"plan_id": plan["id"]},
        submit="plans.save" if target else "plans.add_target",
    ))  # fmt: skip
    if target is not None:
        delete_button(place, "target", target)


def target_label(target: dict[str, Any]) -> str:
    """``Section · measure (unit)`` of a target."""
    section = t(f"records.section_{target['section']}")
    return t("plans.target_label", section=section, measure=target["measure"],
             unit=target["unit"])  # fmt: skip


def _target_table(progress: list[TargetProgress]) -> pd.DataFrame:
    """One row per target: section, measure, baseline, target, done, share."""
    rows = [
        {
            "id": p.target["id"],
            "section": t(f"records.section_{p.target['section']}"),
            "measure": p.target["measure"],
            "unit": p.target["unit"],
            "baseline": _number(p.target["baseline_value"]),
            "target": p.target["target_value"],
            "done": p.done,
            "share": 100 * p.share,
        }
        for p in progress
    ]
    return pd.DataFrame(rows)


def _number(value: float | None) -> float:
    """A number for a numeric column (NaN shows as empty, None as "None")."""
    return float("nan") if value is None else float(value)


def _target_columns() -> dict[str, Any]:
    """Headers and formats of the target table."""
    number, text = st.column_config.NumberColumn, st.column_config.TextColumn
    return {
        "id": number(t("plans.col_id"), format="%d", width=50),
        "section": text(t("records.field_section"), width="small"),
        "measure": text(t("records.field_measure"), width="medium",
                        help=t("plans.long_text_hint")),
        "unit": text(t("records.field_unit"), width=60),
        "baseline": t("records.field_baseline_value"),
        "target": number(t("records.field_target_value"), format="%,.2f",
                         width="small"),
        "done": number(t("plans.col_done"), format="%,.2f", width=120),
        "share": st.column_config.ProgressColumn(
            t("plans.col_share"), min_value=0, max_value=100, format="%.0f %%",
            width="small",
        ),
    }  # fmt: skip
