"""Coverage page: who is within reach of a road, safe water, a school, a clinic."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import pick_area, synced_selectbox, version, workspace
from gis.coverage import CoverageResult, coverage, load_profile, write_result
from gis.coveragemap import INDICATORS, coverage_map
from gis.errors import GisError
from gis.i18n import catalog, language, t
from gis.workspace import Workspace

SHOWN = [
    "village_name", "population", "population_basis", "road_covered_pct",
    "water_covered_pct", "school_covered_pct", "clinic_covered_pct",
    "farmland_mu", "farmland_mu_per_person",
]  # fmt: skip


UNCOVERED = [
    "village_name", "name", "population", "fails", "distance_to_road_m",
    "distance_to_water_m", "distance_to_school_m", "distance_to_clinic_m",
]  # fmt: skip


def render() -> None:
    """Settings, the run, the table, the choropleth and downloads."""
    st.header(t("covmap.title"))
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        return
    settings = _settings()
    key = (str(ws.path), version(ws), area, tuple(settings.items()), language())
    if st.button(t("covmap.run"), type="primary", key="run_coverage"):
        st.session_state["coverage"] = (key, _run(ws, area, settings))
    stored = st.session_state.get("coverage")
    if not stored or stored[0] != key or stored[1] is None:
        st.info(t("covmap.hint"))
        return
    _show(stored[1])


def _settings() -> dict[str, float]:
    """Threshold inputs, prefilled from the shipped profile."""
    base = load_profile()
    cols = st.columns(5)
    values = {
        f"{what}_m": cols[i].number_input(
            t("covmap.threshold", what=t(f"covmap.what_{what}")),
            min_value=1.0,
            value=float(getattr(base, f"{what}_m")),
            step=100.0,
            key=f"cov_{what}",
        )
        for i, what in enumerate(("road", "water", "school", "clinic"))
    }
    values["farmland_target_mu_per_person"] = cols[4].number_input(
        t("covmap.farmland_target"), min_value=0.01,
        value=float(base.farmland_target_mu_per_person), step=0.1, key="cov_target",
    )  # fmt: skip
    st.caption(t("covmap.method") + ": " + t("covmap.method_straight"))
    return values


def _run(ws: Workspace, area: str, settings: dict[str, float]) -> CoverageResult | None:
    """The analysis with a progress bar; errors shown, not raised."""
    bar = st.progress(0.0)

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), message)

    try:
        profile = load_profile(**settings)
        result = coverage(ws, area, profile=profile, progress=progress)
    except GisError as exc:
        st.error(str(exc))
        return None
    finally:
        bar.empty()
    return result


def _show(result: CoverageResult) -> None:
    for note in result.notes:
        st.caption("· " + note)
    table = result.villages[[c for c in SHOWN if c in result.villages]].copy()
    table["population_basis"] = table["population_basis"].map(
        lambda b: t(f"covmap.basis_{b}") if f"covmap.basis_{b}" in catalog() else b
    )
    st.dataframe(_headed(table.round(1)), hide_index=True, use_container_width=True)

    indicator = synced_selectbox(
        st, t("covmap.show"), list(INDICATORS), store="cov_indicator",
        format_func=lambda i: t(f"covmap.indicator_{i}"),
    )  # fmt: skip
    fmap = coverage_map(result, indicator or INDICATORS[0])
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[],
              key=f"covmap_{result.area}_{indicator}")  # fmt: skip

    st.markdown(t("covmap.uncovered_list", n=len(result.uncovered)))
    listed = pd.DataFrame(result.uncovered)
    listed = listed[[c for c in UNCOVERED if c in listed]].head(2000)
    st.dataframe(_headed(listed.round(0)), hide_index=True)
    _downloads(result)


def _headed(table: pd.DataFrame) -> pd.DataFrame:
    """Columns renamed to their translated headers."""
    return table.rename(columns={c: t(f"covmap.col_{c}") for c in table.columns})


def _downloads(result: CoverageResult) -> None:
    """CSV and GeoPackage buttons; the files are written once per result,
    not on every rerun (changing the mapped indicator reruns the page)."""
    files = _files(result)
    left, right = st.columns(2)
    for column, (name, data), label in zip(
        (left, right), files, ("covmap.download_csv", "covmap.download_gpkg"),
        strict=True,
    ):  # fmt: skip
        column.download_button(t(label), data, file_name=name, key=f"dl_{name}")


def _files(result: CoverageResult) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the result as CSV and GeoPackage, cached."""
    cached = st.session_state.get("coverage_files")
    if cached and cached[0] is result:
        return list(cached[1])
    files = []
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".csv", ".gpkg"):
            path = Path(tmp) / f"coverage_{result.area}{suffix}"
            write_result(result, path)
            files.append((path.name, path.read_bytes()))
    st.session_state["coverage_files"] = (result, files)
    return files


render()
