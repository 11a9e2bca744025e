"""Plans page, assistance section: who assists the village, and paired
households."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages._plans_forms import (
    FormSpec,
    Place,
    delete_button,
    edit_title,
    new_title,
    record_form,
    show_table,
)
from gis.i18n import language, t

ASSISTANCE_ROWS = (
    ("leader_name", "leader_post"),
    ("cadre_name", "cadre_unit"),
    ("unit_name", "since", "phone"),
)
PAIR_ROWS = (("household", "members", "helper_name", "helper_unit"),)
PAIR_COLUMNS = ("household", "members", "helper_name", "helper_unit")


def assistance_section(place: Place) -> None:
    """The village's assistance record and its paired households."""
    st.markdown(f"#### {t('plans.assistance_title')}")
    record = place.records.assistance
    if record is None:
        st.caption(t("plans.no_assistance"))
    title = (
        edit_title("assistance", record["id"], place.village_name)
        if record
        else new_title("assistance")
    )
    record_form(place, FormSpec(
        fid=place.fid("assistance", record["id"] if record else None),
        kind="assistance", rows=ASSISTANCE_ROWS, title=title, record=record,
        fixed=place.where, submit="plans.save",
    ))  # fmt: skip

    st.markdown(f"#### {t('plans.pairs_title')}")
    pairs = place.records.pairs
    if pairs:
        members = t("records.field_members")
        show_table(_pair_table(pairs), optional={members: "{:,.0f}"})
    else:
        st.caption(t("plans.no_pairs"))
    record_form(place, FormSpec(
        fid=place.fid("pair", None), kind="pair", rows=PAIR_ROWS,
        title=new_title("pair"), fixed=place.where, submit="plans.add_pair",
    ))  # fmt: skip
    if pairs:
        _delete_pair(place, pairs)


def _pair_table(pairs: list[dict[str, Any]]) -> pd.DataFrame:
    """Paired households with translated headers."""
    return pd.DataFrame(
        {t(f"records.field_{c}"): [p[c] for p in pairs] for c in PAIR_COLUMNS}
    )


def _delete_pair(place: Place, pairs: list[dict[str, Any]]) -> None:
    """Pick a paired household and delete it."""
    by_id = {p["id"]: p for p in pairs}
    picked = st.selectbox(
        t("plans.pair_pick"), list(by_id),
        format_func=lambda i: f"#{i} {by_id[i]['household']}",
        key=f"plans::pair_pick::{place.area}/{place.village_id}::{language()}",
    )  # fmt: skip
    delete_button(place, "pair", by_id[picked])
