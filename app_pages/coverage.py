"""Coverage page: who is within reach of a road, safe water, a school, a clinic."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from streamlit_folium import st_folium

from app_pages.common import pick_area, synced_selectbox, version, workspace
from gis.coverage import METHODS, CoverageResult, coverage, load_profile, write_result
from gis.coveragemap import INDICATORS, MAX_POINTS, coverage_map
from gis.elevation import SUFFIXES, stage_dem
from gis.errors import GisError
from gis.i18n import catalog, language, t
from gis.uploads import MAX_UPLOAD_MB
from gis.workspace import Workspace

DEM_ROOT = Path(tempfile.gettempdir()) / "village-dems"

SHOWN = [
    "village_name", "population", "population_basis", "road_covered_pct",
    "water_covered_pct", "school_covered_pct", "clinic_covered_pct",
    "farmland_mu", "farmland_mu_per_person", "assistance_complete",
    "paired_households", "sections_with_projects",
]  # fmt: skip


UNCOVERED = [
    "village_name", "name", "population", "fails", "distance_to_road_m",
    "distance_to_water_m", "distance_to_school_m", "distance_to_clinic_m",
    "time_to_school_min", "time_to_clinic_min", "distance_to_any_road_m",
    "unreachable_school", "unreachable_clinic",
]  # fmt: skip
REASONS = ("unreachable_school", "unreachable_clinic")
MAX_ROWS = 2000  # rows of the uncovered listing on the page; downloads hold all


def render() -> None:
    """Settings, the run, the table, the choropleth and downloads."""
    st.header(t("covmap.title"))
    ws = workspace()
    area = pick_area(ws)
    if area is None:
        return
    settings = _settings()
    method, dem = _method()
    key = (str(ws.path), version(ws), area, tuple(settings.items()), method,
           str(dem), language())  # fmt: skip
    blocked = method == "terrain" and dem is None
    if st.button(t("covmap.run"), type="primary", key="run_coverage",
                 disabled=blocked):  # fmt: skip
        st.session_state["coverage"] = (key, _run(ws, area, settings, method, dem))
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
    return values


def _method() -> tuple[str, Path | None]:
    """The distance method, and the staged DEM of a terrain run."""
    method = synced_selectbox(
        st, t("covmap.method"), list(METHODS), store="cov_method",
        format_func=lambda m: t(f"coverage.page_method_{m}"),
    ) or METHODS[0]  # fmt: skip
    if method != "terrain":
        return method, None
    upload = st.file_uploader(
        t("coverage.page_dem_upload", mb=MAX_UPLOAD_MB),
        type=[s.lstrip(".") for s in SUFFIXES], key="cov_dem",
    )  # fmt: skip
    if upload is None:
        st.warning(t("coverage.page_dem_needed"))
        return method, None
    return method, _staged_dem(upload.name, upload.getvalue())


def _staged_dem(name: str, content: bytes) -> Path | None:
    """The uploaded DEM written once to a private folder (None: refused,
    with the reason shown)."""
    signature = (name, len(content))
    staged = st.session_state.get("cov_dem_staged")
    if staged and staged[0] == signature:
        return Path(staged[1])
    try:
        path = stage_dem(name, content, DEM_ROOT / uuid.uuid4().hex)
    except GisError as exc:
        st.error(str(exc))
        return None
    st.session_state["cov_dem_staged"] = (signature, str(path))
    return path


def _run(
    ws: Workspace,
    area: str,
    settings: dict[str, float],
    method: str,
    dem: Path | None,
) -> CoverageResult | None:
    """The analysis with a progress bar; errors shown, not raised."""
    bar = st.progress(0.0)

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), message)

    try:
        profile = load_profile(**settings)
        result = coverage(ws, area, profile=profile, method=method, dem=dem,
                          progress=progress)  # fmt: skip
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
    st.dataframe(_shown(table), hide_index=True,
                 use_container_width=True)  # fmt: skip

    indicator = synced_selectbox(
        st, t("covmap.show"), list(INDICATORS), store="cov_indicator",
        format_func=lambda i: t(f"covmap.indicator_{i}"),
    )  # fmt: skip
    village = _focus(result)
    fmap = coverage_map(result, indicator or INDICATORS[0], village=village)
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[],
              key=f"covmap_{result.area}_{indicator}_{village}")  # fmt: skip
    column = f"fails_{indicator}"
    if column in result.uncovered:
        out = int(result.uncovered[column].fillna(False).astype(bool).sum())
        if out > MAX_POINTS:
            st.caption(t("covmap.points_capped", shown=f"{MAX_POINTS:,}", n=f"{out:,}"))

    listed = pd.DataFrame(result.uncovered)
    if village is not None:
        listed = listed[listed["village_id"].astype(str) == str(village)]
    st.markdown(t("covmap.uncovered_list", n=len(listed)))
    if len(listed) > MAX_ROWS:
        st.caption(t("covmap.rows_capped", shown=f"{MAX_ROWS:,}", n=f"{len(listed):,}"))
    listed = listed[[c for c in UNCOVERED if c in listed]].head(MAX_ROWS)
    if "fails" in listed:
        listed["fails"] = listed["fails"].map(_fails_text)
    for column in (c for c in REASONS if c in listed):
        listed[column] = listed[column].map(
            lambda why: t(f"coverage.reason_{why}") if isinstance(why, str) else ""
        )
    places = {c: 1 if c.endswith("_min") else 0 for c in listed.columns}
    st.dataframe(_shown(listed, places), hide_index=True)
    _downloads(result)


def _fails_text(codes: object) -> str:
    """``road;clinic`` as the indicators' names in the current language."""
    if not isinstance(codes, str) or not codes:
        return ""
    return t("records.list_sep").join(
        t(f"covmap.what_{code}") for code in codes.split(";")
    )


def _focus(result: CoverageResult) -> object | None:
    """The village whose uncovered points are listed and highlighted
    (None: all villages)."""
    rows = result.villages[~result.villages["is_total"].astype(bool)]
    names = dict(zip(rows["village_id"], rows["village_name"], strict=True))
    # a name that several villages share is told apart by the id
    shared = rows["village_name"].duplicated(keep=False).to_numpy()
    for vid, name, twin in zip(rows["village_id"], rows["village_name"], shared,
                               strict=True):  # fmt: skip
        if twin:
            names[vid] = f"{name} · {vid}"
    choice = synced_selectbox(
        st, t("covmap.focus_village"), [None, *names], store=f"cov_focus_{result.area}",
        format_func=lambda v: t("covmap.all_villages") if v is None else str(names[v]),
        placeholder=t("covmap.all_villages"),
    )  # fmt: skip
    return choice


def _shown(table: pd.DataFrame, places: dict[str, int] | None = None) -> Styler:
    """A result table with translated headers, decimals rounded (one
    place unless ``places`` says), counts with thousands separators and
    missing values as a dash rather than "None"; the columns stay
    numeric, so they still sort. (The tables shown hold no ids.)"""
    formats = {
        _header(c): f"{{:,.{(places or {}).get(c, 1)}f}}"
        for c in table.select_dtypes("float").columns
    }
    formats |= {_header(c): "{:,}" for c in table.select_dtypes("integer").columns}
    return _headed(table).style.format(formats, na_rep="—")


def _headed(table: pd.DataFrame) -> pd.DataFrame:
    """Columns renamed to their translated headers."""
    return table.rename(columns={c: _header(c) for c in table.columns})


def _header(column: str) -> str:
    """A result column's translated header."""
    key = f"covmap.col_{column}"
    return t(key) if key in catalog() else t(f"coverage.col_{column}")


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
