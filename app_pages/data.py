"""Data page: bring a planner's files in, and take layers out."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.common import area_title, version, workspace
from gis.chinacoords import DATUMS
from gis.errors import GisError
from gis.export import FORMATS, export_layer
from gis.i18n import language, t
from gis.importer import ImportOptions, prepare_source
from gis.report import ImportReport, LayerReport
from gis.uploads import ACCEPTED, MAX_UPLOAD_MB, stage_uploads
from gis.workspace import Workspace
from layers import get_kind, kind_keys

STAGE_ROOT = Path(tempfile.gettempdir()) / "village-uploads"


def render() -> None:
    """The whole page: import on the left of the tabs, export on the right."""
    st.header(t("data.title"))
    ws = workspace()
    upload_tab, export_tab = st.tabs([t("data.tab_import"), t("data.tab_export")])
    with upload_tab:
        _import_section(ws)
    with export_tab:
        _export_section(ws)


# import


def _import_section(ws: Workspace) -> None:
    files = st.file_uploader(
        t("data.upload", mb=MAX_UPLOAD_MB),
        type=[s.lstrip(".") for s in ACCEPTED],
        accept_multiple_files=True,
        key="uploads",
    )
    left, right = st.columns(2)
    areas = ws.areas()
    # a new area first: data checked against the wrong area is refused
    area = left.selectbox(
        t("data.area"), ["", *areas], format_func=lambda a: area_title(a) if a
        else t("data.new_area"), key=f"import_area_{language()}",
    )  # fmt: skip
    if not area:
        area = left.text_input(t("data.new_area_name"), key="import_new_area")
    kind = right.selectbox(
        t("data.kind"), kind_keys(), format_func=lambda k: get_kind(k).label(),
        key=f"import_kind_{language()}",
    )  # fmt: skip
    options = _options_form(ws, area, kind)
    if not files:
        st.info(t("data.hint"))
        return

    try:
        staged = _stage(files)
        report, prepared = _prepared(staged, options)
    except GisError as exc:
        st.error(str(exc))
        return
    _show_report(report, kind)
    if report.ok and prepared:
        _save_button(ws, area, kind, prepared, options)


def _options_form(ws: Workspace, area: str, kind: str) -> ImportOptions:
    """CRS, encoding, datum and field mapping overrides."""
    with st.expander(t("data.options"), expanded=False):
        a, b, c = st.columns(3)
        crs = a.text_input(t("data.crs"), key="opt_crs", placeholder="EPSG:4545")
        encoding = b.text_input(
            t("data.encoding"), key="opt_encoding", placeholder="gb18030"
        )
        datum = c.selectbox(
            t("data.datum"), DATUMS, key="opt_datum",
            format_func=lambda d: t(f"data.datum_{d}"),
        )  # fmt: skip
        swap = st.checkbox(t("data.swap"), key="opt_swap")
        mapping = st.text_area(
            t("data.fields"), key="opt_fields", placeholder="name=村名\npopulation=人口"
        )
    bounds = ws.area_bounds(area) if area and ws.exists() else None
    return ImportOptions(
        crs=crs.strip() or None,
        encoding=encoding.strip() or None,
        source_datum=datum,
        kind=kind,
        fields=_mapping(mapping),
        swap_xy=swap,
        reference_bounds=bounds,
    )


def _mapping(text: str) -> dict[str, str]:
    """``target=source`` lines to a dict; malformed lines are reported."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        target, sep, source = line.partition("=")
        if not sep or not target.strip() or not source.strip():
            st.warning(t("cli.bad_field", value=line))
            continue
        out[target.strip()] = source.strip()
    return out


def _stage(files: list) -> Path:  # type: ignore[type-arg]
    """Write the uploads to a private folder once per set of files."""
    signature = tuple((f.name, f.size) for f in files)
    staged = st.session_state.get("staged")
    if staged and staged[0] == signature:
        return Path(staged[1])
    pairs = [(f.name, f.getvalue()) for f in files]
    path = stage_uploads(pairs, STAGE_ROOT / uuid.uuid4().hex)
    st.session_state["staged"] = (signature, str(path))
    return path


def _prepared(staged: Path, options: ImportOptions) -> tuple[ImportReport, list]:  # type: ignore[type-arg]
    """Run the pipeline once per file set, options and language."""
    key = (str(staged), repr(options), language())
    last = st.session_state.get("prepared")
    if last and last[0] == key:
        return last[1], last[2]
    report, prepared = prepare_source(staged, options)
    st.session_state["prepared"] = (key, report, prepared)
    return report, prepared


def _show_report(report: ImportReport, kind: str) -> None:
    """The import report, one block per layer."""
    if report.error and not report.layers:
        st.error(report.error)
        return
    for layer in report.layers:
        with st.container(border=True):
            _layer_block(layer, kind)


def _layer_block(lr: LayerReport, kind: str | None = None) -> None:
    st.subheader(lr.name)
    cols = st.columns(4)
    cols[0].metric(t("data.read"), f"{lr.feature_count:,}")
    cols[1].metric(t("data.kept"), f"{lr.kept_count:,}")
    cols[2].metric(t("data.crs"), lr.crs or "—")
    cols[3].metric(t("data.encoding"), lr.encoding or "—")
    st.caption(t("data.crs_how", how=t(f"cli.crs_{lr.crs_source}"),
                 datum=t(f"data.datum_{lr.datum}")))  # fmt: skip
    if lr.measures:
        st.write(_measure_text(lr))
    if lr.crs_proposals:
        st.info(t("data.proposals", crs=", ".join(lr.crs_proposals)))
    for note in lr.assumptions:
        st.caption("· " + note)
    _findings(t("data.fixed"), lr.fixes)
    _findings(t("data.rejected"), lr.rejected)
    for warning in lr.warnings:
        st.warning(warning)
    if lr.field_map and kind:
        spec = get_kind(kind)
        st.dataframe(
            pd.DataFrame({
                t("data.field"): [spec.field(f).label() for f in lr.field_map],
                t("data.source_column"): list(lr.field_map.values()),
            }),
            hide_index=True,
        )  # fmt: skip
    if lr.error:
        st.error(lr.error)


def _measure_text(lr: LayerReport) -> str:
    m = lr.measures
    if "area_m2" in m:
        return t("cli.r_area", m2=f"{m['area_m2']:,.0f}", mu=f"{m['area_mu']:,.1f}",
                 ha=f"{m['area_ha']:,.2f}", crs=lr.metric_crs).strip()  # fmt: skip
    return t("cli.r_length", m=f"{m['length_m']:,.0f}",
             km=f"{m['length_km']:,.2f}", crs=lr.metric_crs).strip()  # fmt: skip


def _findings(title: str, findings: list) -> None:  # type: ignore[type-arg]
    if not findings:
        return
    rows = [
        {t("data.what"): f.message or f.kind, t("data.count"): f.count,
         t("data.ids"): ", ".join(map(str, f.ids[:50]))}
        for f in findings
    ]  # fmt: skip
    st.markdown(f"**{title}**")
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def _save_button(
    ws: Workspace, area: str, kind: str, prepared: list,  # type: ignore[type-arg]
    options: ImportOptions,
) -> None:  # fmt: skip
    if not area.strip():
        st.warning(t("data.need_area"))
        return
    append = st.checkbox(t("data.append"), key="opt_append")
    if st.button(t("data.save"), type="primary", key="save"):
        try:
            ws.add_layers(area, kind, prepared, append=append)
        except GisError as exc:
            st.error(str(exc))
            return
        st.success(
            t(
                "data.saved",
                kind=get_kind(kind).label(),
                area=area_title(area),
                n=sum(len(p.frame) for p in prepared),
            )
        )


# export


def _export_section(ws: Workspace) -> None:
    infos = ws.layers()
    if not infos:
        st.info(t("cli.no_layers", path=str(ws.path)))
        return
    labels = {
        i.table_name: f"{area_title(i.area)} · {get_kind(i.kind).label()}"
        f" · {t('layers.family_' + i.family)} ({i.feature_count:,})"
        for i in infos
    }
    table = st.selectbox(t("data.layer"), list(labels), format_func=labels.get,
                         key="export_layer")  # fmt: skip
    fmt = st.radio(t("data.format"), FORMATS, horizontal=True, key="export_fmt",
                   format_func=lambda f: t(f"data.format_{f}"))  # fmt: skip
    info = next(i for i in infos if i.table_name == table)
    try:
        data, filename, notes = _exported(
            str(ws.path),
            version(ws),
            info.area,
            info.kind,
            info.family,
            fmt,
            language(),
        )
    except GisError as exc:
        st.error(str(exc))
        return
    for note in notes:
        st.warning(note)
    st.download_button(t("data.download", name=filename), data, file_name=filename,
                       key="download")  # fmt: skip


@st.cache_data(max_entries=8, show_spinner=False)
def _exported(
    path: str,
    stamp: float,
    area: str,
    kind: str,
    family: str,
    fmt: str,
    lang: str,
) -> tuple[bytes, str, list[str]]:
    """Export bytes, cached until the workspace changes (``stamp``); the
    language is part of the key because the notes are translated."""
    frame = Workspace(path).read(area, kind, family)
    return export_layer(frame, fmt, name=f"{area}_{kind}_{family}")


render()
