"""Plans page, funds section: allocations by channel and the spending
against them."""

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
from gis.i18n import language, t
from gis.records import yuan

ALLOCATION_ROWS = (
    ("channel", "department", "purpose"),
    ("project_id", "amount_yuan", "allocated_on"),
    ("document", "notes"),
)
SPENDING_ROWS = (
    ("amount_yuan", "spent_on", "project_id"),
    ("purpose", "description"),
)
MONEY = "%,.2f"
MONEY_PX = 110  # width of a money column: 12,345,678.90 and its header


def funds_section(place: Place) -> None:
    """Totals by channel, the allocations, and the chosen allocation."""
    st.markdown(f"#### {t('plans.by_channel')}")
    _totals(place)

    st.markdown(f"#### {t('plans.allocations')}")
    allocations = {str(a["id"]): a for a in place.snap.of("allocation", **place.where)}
    if allocations:
        table = _allocation_table(place, list(allocations.values()))
        show_table(table, _money_columns())
    else:
        st.caption(t("plans.no_allocations"))

    # the allocation to work on, or a new one (also after an add)
    store = f"plans::allocation::{place.area}/{place.village_id}"
    labels = {key: _allocation_label(a) for key, a in allocations.items()}
    chosen = pick_record("allocation", t("plans.allocation_pick"), store, labels,
                         t("plans.new_allocation"))  # fmt: skip
    allocation = allocations.get(chosen)
    title = (
        edit_title("allocation", allocation["id"], _allocation_what(allocation))
        if allocation
        else new_title("allocation")
    )
    record_form(place, FormSpec(
        fid=place.fid("allocation", allocation["id"] if allocation else None),
        kind="allocation", rows=ALLOCATION_ROWS, title=title, record=allocation,
        initial={"allocated_on": place.today}, fixed=place.where,
        refs={"project_id": _projects(place)},
        submit="plans.save" if allocation else "plans.add_allocation",
    ))  # fmt: skip
    if allocation is not None:
        delete_button(place, "allocation", allocation)
        with st.container(border=True):
            _spending(place, allocation)


def _totals(place: Place) -> None:
    """Allocated, spent and left per channel (sector funds per department)."""
    money = place.records.money
    if not money:
        st.caption(t("plans.no_money"))
        return
    table = pd.DataFrame(
        {
            "channel": [_channel(m["channel"], m["department"]) for m in money],
            "allocated": [m["allocated_fen"] / 100 for m in money],
            "spent": [m["spent_fen"] / 100 for m in money],
            "left": [(m["allocated_fen"] - m["spent_fen"]) / 100 for m in money],
        }
    )
    show_table(table, _money_columns())
    allocated = sum(m["allocated_fen"] for m in money)
    spent = sum(m["spent_fen"] for m in money)
    st.caption(t("plans.money_total", allocated=yuan(allocated), spent=yuan(spent)))


def _channel(channel: str, department: str | None) -> str:
    """A channel's label, with the department of sector funds."""
    label = t(f"records.channel_{channel}")
    if not department:
        return label
    return t("plans.channel_department", channel=label,
             department=t(f"records.department_{department}"))  # fmt: skip


def _allocation_label(allocation: dict[str, Any]) -> str:
    """``#id channel · purpose · amount`` of an allocation."""
    return f"#{allocation['id']} {_allocation_what(allocation)}"


def _allocation_what(allocation: dict[str, Any]) -> str:
    """``channel · purpose · amount`` of an allocation."""
    channel = _channel(allocation["channel"], allocation["department"])
    purpose = t(f"records.section_{allocation['purpose']}")
    return f"{channel} · {purpose} · {yuan(allocation['amount_fen'])}"


def _projects(place: Place) -> dict[int, str]:
    """The village's projects as link choices."""
    return {p["project_id"]: f"#{p['project_id']} {p['name']}"
            for p in place.records.projects}  # fmt: skip


def _allocation_table(place: Place, allocations: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per allocation with what was spent against it."""
    projects = _projects(place)
    spent = {
        a["id"]: sum(s["amount_fen"] for s in place.snap.of("spending",
                                                            allocation_id=a["id"]))
        for a in allocations
    }  # fmt: skip
    return pd.DataFrame(
        {
            "id": [a["id"] for a in allocations],
            "channel": [_channel(a["channel"], a["department"]) for a in allocations],
            "purpose": [t(f"records.section_{a['purpose']}") for a in allocations],
            "project": [projects.get(a["project_id"], NONE) for a in allocations],
            "allocated": [a["amount_fen"] / 100 for a in allocations],
            "spent": [spent[a["id"]] / 100 for a in allocations],
            "allocated_on": [a["allocated_on"] for a in allocations],
            "document": [a["document"] or "" for a in allocations],
        }
    )


def _money_columns() -> dict[str, Any]:
    """Headers and formats of the money tables (amounts in yuan)."""
    number, text = st.column_config.NumberColumn, st.column_config.TextColumn
    hint = t("plans.long_text_hint")
    return {
        "id": number(t("plans.col_id"), format="%d", width=50),
        "channel": text(t("records.field_channel"), width="medium"),
        "purpose": text(t("records.field_purpose"), width="small"),
        "project": text(t("records.field_project_id"), width="medium", help=hint),
        "allocated": number(t("plans.col_allocated"), format=MONEY, width=MONEY_PX),
        "spent": number(t("plans.col_spent"), format=MONEY, width=MONEY_PX),
        "left": number(t("plans.col_left"), format=MONEY, width=MONEY_PX),
        "amount": number(t("records.field_amount_yuan"), format=MONEY,
                         width=MONEY_PX),
        "allocated_on": st.column_config.DateColumn(
            t("records.field_allocated_on"), width="small"),
        "spent_on": st.column_config.DateColumn(
            t("records.field_spent_on"), width="small"),
        "document": text(t("records.field_document"), width="medium", help=hint),
        "section": text(t("records.field_purpose"), width="small"),
        "description": text(t("records.field_description"), width="medium",
                            help=hint),
    }  # fmt: skip


def _balance(allocation: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """What is left of an allocation; a warning the moment it is overspent
    (the fund rules list it too, but the person entering should know)."""
    given = int(allocation["amount_fen"] or 0)
    spent = sum(int(e["amount_fen"] or 0) for e in entries)
    if spent > given:
        st.warning(t("plans.overspent_now", id=allocation["id"], spent=yuan(spent),
                     given=yuan(given), over=yuan(spent - given)))  # fmt: skip
    else:
        st.caption(t("plans.balance", given=yuan(given), spent=yuan(spent),
                     left=yuan(given - spent)))  # fmt: skip


def _spending(place: Place, allocation: dict[str, Any]) -> None:
    """Spending entries of one allocation: list, add, delete."""
    st.markdown(f"##### {t('plans.spending_of', id=allocation['id'])}")
    entries = place.snap.of("spending", allocation_id=allocation["id"])
    projects = _projects(place)
    if entries:
        table = pd.DataFrame(
            {
                "id": [e["id"] for e in entries],
                "spent_on": [e["spent_on"] for e in entries],
                "amount": [e["amount_fen"] / 100 for e in entries],
                "project": [projects.get(e["project_id"], NONE) for e in entries],
                "section": [t(f"records.section_{e['purpose']}") if e["purpose"]
                            else NONE for e in entries],
                "description": [e["description"] or "" for e in entries],
            }
        )  # fmt: skip
        show_table(table, _money_columns())
    else:
        st.caption(t("plans.no_spending"))
    _balance(allocation, entries)
    record_form(place, FormSpec(
        fid=place.fid("spending", None, f"allocation{allocation['id']}"),
        kind="spending", rows=SPENDING_ROWS, title=new_title("spending"),
        initial={"spent_on": place.today,
                 "project_id": allocation["project_id"] or 0},
        fixed={"allocation_id": allocation["id"]}, refs={"project_id": projects},
        submit="plans.add_spending",
    ))  # fmt: skip
    if entries:
        _delete_entry(place, entries)


def _delete_entry(place: Place, entries: list[dict[str, Any]]) -> None:
    """Pick a spending entry and delete it."""
    by_id = {e["id"]: e for e in entries}
    picked = st.selectbox(
        t("plans.spending_pick"), list(by_id),
        format_func=lambda i: _entry_label(by_id[i]),
        key=f"plans::spending_pick::{entries[0]['allocation_id']}::{language()}",
    )  # fmt: skip
    delete_button(place, "spending", by_id[picked])


def _entry_label(entry: dict[str, Any]) -> str:
    """``#id date amount`` of a spending entry."""
    return f"#{entry['id']} {entry['spent_on']} {yuan(entry['amount_fen'])}"
