"""Command-line interface: ``python -m gis <command>``.

Every command calls the same functions as the app. Exit codes: 0 done,
2 bad input (nothing written), 1 an unexpected failure; ``check funds``
exits 1 when it finds broken rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gis import demo
from gis._cli_brief import add_commands as add_brief_commands
from gis._cli_siting import add_commands as add_siting_commands
from gis.areas import resolve_area
from gis.chinacoords import DATUMS
from gis.coverage import coverage, load_profile, write_result
from gis.errors import GisError, InputError, WorkspaceError
from gis.export import FORMATS, export_layer
from gis.i18n import set_language, t
from gis.importer import ImportOptions, prepare_source
from gis.records import Finding, RecordStore, check_funds
from gis.records.demo import load_demo_records
from gis.records.export import FORMATS as RECORD_FORMATS
from gis.records.export import SUFFIXES as RECORD_SUFFIXES
from gis.records.export import check_target, export_records
from gis.report import ImportReport, LayerReport
from gis.workspace import Workspace
from layers import kind_keys

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2
COVERAGE_SUFFIXES = (".csv", ".gpkg", ".json")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = _globals_first(list(sys.argv[1:] if argv is None else argv))
    _early_language(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.run(args)
    except GisError as exc:
        _fail(args, str(exc))
        return EXIT_BAD_INPUT
    except (OSError, sa.exc.DatabaseError) as exc:
        # an unusable workspace path: not a GeoPackage, not writable
        _fail(args, t("cli.workspace_unusable", why=exc))
        return EXIT_BAD_INPUT
    return code


def _globals_first(argv: list[str]) -> list[str]:
    """``--lang`` and ``-v`` moved before the command, so they work
    wherever they are written (``check funds --lang en``)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--lang" and i + 1 < len(argv):
            front += argv[i : i + 2]
            i += 2
            continue
        (
            front if arg.startswith("--lang=") or arg in ("-v", "--verbose") else rest
        ).append(arg)
        i += 1
    return front + rest


def _early_language(argv: list[str]) -> None:
    """Apply ``--lang`` before the parser's help texts are built."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            set_language(argv[i + 1])
        elif arg.startswith("--lang=") and arg[7:] in ("zh", "en"):
            set_language(arg[7:])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gis", description=t("cli.description")
    )
    parser.add_argument("--lang", choices=["zh", "en"], help=t("cli.opt_lang"))
    parser.add_argument("-v", "--verbose", action="store_true",
                        help=t("cli.opt_verbose"))  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)

    inspect = sub.add_parser("inspect", help=t("cli.inspect"))
    _source_options(inspect)
    inspect.add_argument("--kind", choices=kind_keys(), help=t("cli.opt_kind"))
    inspect.add_argument("--area", help=t("cli.opt_area_ref"))
    _workspace_option(inspect)
    inspect.set_defaults(run=_run_inspect)

    imp = sub.add_parser("import", help=t("cli.import"))
    _source_options(imp)
    imp.add_argument("--kind", required=True, choices=kind_keys(),
                     help=t("cli.opt_kind"))  # fmt: skip
    imp.add_argument("--area", default="default", help=t("cli.opt_area"))
    imp.add_argument("--append", action="store_true", help=t("cli.opt_append"))
    _workspace_option(imp)
    imp.set_defaults(run=_run_import)

    ls = sub.add_parser("layers", help=t("cli.layers"))
    _workspace_option(ls)
    ls.add_argument("--area", help=t("cli.opt_area_filter"))
    ls.add_argument("--json", action="store_true", help=t("cli.opt_json"))
    ls.set_defaults(run=_run_layers)

    ex = sub.add_parser("export", help=t("cli.export"))
    _workspace_option(ex)
    ex.add_argument("--area", required=True, help=t("cli.opt_area"))
    ex.add_argument("--kind", required=True, choices=kind_keys(),
                    help=t("cli.opt_kind"))  # fmt: skip
    ex.add_argument("--family", choices=["point", "line", "polygon"],
                    help=t("cli.opt_family"))  # fmt: skip
    ex.add_argument("--format", dest="fmt", required=True, choices=FORMATS,
                    help=t("cli.opt_format"))  # fmt: skip
    ex.add_argument("--out", type=Path, required=True, help=t("cli.opt_out"))
    ex.set_defaults(run=_run_export)

    cov = sub.add_parser("coverage", help=t("cli.coverage"))
    _workspace_option(cov)
    cov.add_argument("--area", required=True, help=t("cli.opt_area"))
    cov.add_argument("--profile", type=Path, help=t("cli.opt_profile"))
    for name in ("road", "water", "school", "clinic"):
        cov.add_argument(f"--{name}-m", type=float, metavar="M",
                         help=t("cli.opt_threshold", what=name))  # fmt: skip
    cov.add_argument("--method", default="straight",
                     choices=["straight", "network", "terrain"],
                     help=t("cli.opt_method"))  # fmt: skip
    cov.add_argument("--dem", type=Path, metavar="FILE", help=t("cli.opt_dem"))
    cov.add_argument("--out", type=Path, required=True, help=t("cli.opt_cov_out"))
    cov.add_argument("--uncovered-out", type=Path, help=t("cli.opt_uncovered"))
    cov.set_defaults(run=_run_coverage)

    dm = sub.add_parser("demo", help=t("cli.demo"))
    _workspace_option(dm)
    dm.add_argument("--if-missing", action="store_true",
                    help=t("cli.opt_if_missing"))  # fmt: skip
    dm.set_defaults(run=_run_demo)

    _records_parser(sub)
    _check_parser(sub)
    add_brief_commands(sub)
    add_siting_commands(sub)
    return parser


def _records_parser(sub: Any) -> None:
    """``records export``."""
    rec = sub.add_parser("records", help=t("recordscli.records"),
                         description=t("recordscli.records_description"))  # fmt: skip
    actions = rec.add_subparsers(dest="records_command", required=True)
    ex = actions.add_parser(
        "export",
        help=t("recordscli.records_export"),
        description=t("recordscli.records_export_description"),
    )
    _workspace_option(ex)
    ex.add_argument("--format", dest="fmt", required=True, choices=RECORD_FORMATS,
                    help=t("recordscli.opt_format"))  # fmt: skip
    ex.add_argument("--out", type=Path, help=t("recordscli.opt_out"))
    ex.add_argument("--as-of", metavar="YYYY-MM-DD", help=t("recordscli.opt_as_of"))
    ex.set_defaults(run=_run_records_export, error_extra={})


def _check_parser(sub: Any) -> None:
    """``check funds``."""
    chk = sub.add_parser("check", help=t("recordscli.check"),
                         description=t("recordscli.check_description"))  # fmt: skip
    checks = chk.add_subparsers(dest="check_command", required=True)
    funds = checks.add_parser(
        "funds",
        help=t("recordscli.check_funds"),
        description=t("recordscli.check_funds_description"),
    )
    _workspace_option(funds)
    funds.add_argument("--area", help=t("recordscli.opt_area"))
    funds.add_argument("--as-of", metavar="YYYY-MM-DD",
                       help=t("recordscli.opt_as_of"))  # fmt: skip
    funds.add_argument("--json", action="store_true", help=t("cli.opt_json"))
    funds.set_defaults(run=_run_check_funds, error_extra={})


def _source_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``inspect`` and ``import``."""
    p.add_argument("path", type=Path, help=t("cli.opt_path"))
    p.add_argument("--layer", help=t("cli.opt_layer"))
    p.add_argument("--encoding", help=t("cli.opt_encoding"))
    p.add_argument("--crs", help=t("cli.opt_crs"))
    p.add_argument("--source-datum", choices=DATUMS, default="wgs84",
                   help=t("cli.opt_datum"))  # fmt: skip
    p.add_argument("--swap-xy", action="store_true", help=t("cli.opt_swap"))
    p.add_argument("--where", help=t("cli.opt_where"))
    p.add_argument("--field", action="append", default=[],
                   metavar="TARGET=SOURCE", help=t("cli.opt_field"))  # fmt: skip
    p.add_argument("--json", action="store_true", help=t("cli.opt_json"))


def _workspace_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", type=Path, help=t("cli.opt_workspace"))


def _options(args: argparse.Namespace, ws: Workspace) -> ImportOptions:
    """Import options from the parsed arguments."""
    fields = dict(_pair(item) for item in args.field)
    bounds = ws.area_bounds(args.area) if args.area and ws.exists() else None
    return ImportOptions(
        layer=args.layer,
        encoding=args.encoding,
        crs=args.crs,
        source_datum=args.source_datum,
        kind=args.kind,
        fields=fields,
        swap_xy=args.swap_xy,
        reference_bounds=bounds,
        where=args.where,
    )


def _pair(item: str) -> tuple[str, str]:
    """``target=source`` to a pair."""
    target, sep, source = item.partition("=")
    if not sep or not target.strip() or not source.strip():
        raise InputError(t("cli.bad_field", value=item))
    return target.strip(), source.strip()


def _run_inspect(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    report, _ = prepare_source(args.path, _options(args, ws))
    _emit(args, report)
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def _run_import(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    report, prepared = prepare_source(args.path, _options(args, ws))
    if not report.ok or not prepared:
        report.error = report.error or t("workspace.nothing_to_add")
        _emit(args, report)
        return EXIT_BAD_INPUT
    replaced = {
        p.family: ws.existing_count(args.area, args.kind, p.family) for p in prepared
    }
    tables = ws.add_layers(args.area, args.kind, prepared, append=args.append)
    notes = [
        t("cli.replaced", n=n, family=t(f"layers.family_{fam}"))
        for fam, n in replaced.items() if n and not args.append
    ]  # fmt: skip
    _emit(args, report, extra={"workspace": str(ws.path), "tables": tables,
                               "notes": notes})  # fmt: skip
    return EXIT_OK


def _run_layers(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    infos = ws.layers(args.area)
    if args.json:
        rows = [info.__dict__ for info in infos]
        print(json.dumps({"workspace": str(ws.path), "layers": rows},
                         ensure_ascii=False, indent=2))  # fmt: skip
        return EXIT_OK
    if not infos:
        print(t("cli.no_layers", path=str(ws.path)))
    for info in infos:
        print(t("cli.layer_line", table=info.table_name, kind=info.kind,
                family=info.family, n=info.feature_count,
                source=info.source or "-"))  # fmt: skip
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    frame = ws.read(resolve_area(ws, args.area), args.kind, args.family)
    name = f"{args.area}_{args.kind}"
    data, _, notes = export_layer(frame, args.fmt, name=name)
    args.out.write_bytes(data)
    for note in notes:
        print(t("cli.r_warning", msg=note), file=sys.stderr)
    print(t("cli.exported", n=len(frame), path=str(args.out)))
    return EXIT_OK


def _run_coverage(args: argparse.Namespace) -> int:
    _check_outputs(args.out, args.uncovered_out)
    ws = Workspace(args.workspace)
    profile = load_profile(
        args.profile, road_m=args.road_m, water_m=args.water_m,
        school_m=args.school_m, clinic_m=args.clinic_m,
    )  # fmt: skip
    result = coverage(ws, args.area, profile=profile, method=args.method, dem=args.dem)
    written = write_result(result, args.out)
    if args.uncovered_out:
        written += write_result(result, args.uncovered_out, table="uncovered")
    for note in result.notes:
        print(t("cli.r_warning", msg=note), file=sys.stderr)
    print(t("cli.coverage_done", n=len(result.villages) - 1,
            files=", ".join(map(str, written))))  # fmt: skip
    return EXIT_OK


def _check_outputs(out: Path, extra: Path | None) -> None:
    """Refuse bad output paths before anything is computed or written."""
    for path in (out, extra):
        if path is not None and path.suffix.lower() not in COVERAGE_SUFFIXES:
            raise InputError(t("cli.bad_out", path=str(path),
                               allowed=", ".join(COVERAGE_SUFFIXES)))  # fmt: skip
    if extra is not None and extra.resolve() == out.resolve():
        raise InputError(t("cli.same_out", path=str(out)))


def _run_demo(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    if args.if_missing and ws.exists() and ws.layers():
        print(t("cli.demo_exists", path=str(ws.path)))
        added = load_demo_records(ws)
        if added:
            print(t("recordscli.demo_added", n=added, path=str(ws.path)))
        return EXIT_OK

    def progress(n: int, total: int, name: str) -> None:
        print(t("demo.building", file=name, n=n, total=total), file=sys.stderr)

    demo.build_demo(ws, progress=progress)
    print(t("cli.demo_done", path=str(ws.path), n=len(ws.layers())))
    return EXIT_OK


def _run_records_export(args: argparse.Namespace) -> int:
    out = args.out or Path(f"records{RECORD_SUFFIXES[args.fmt]}")
    check_target(out, args.fmt)
    as_of = _as_of(args.as_of)
    snap = _record_store(args.workspace).snapshot(as_of=as_of)
    export_records(snap, out, fmt=args.fmt, today=as_of)
    count = sum(len(rows) for rows in snap.rows.values())
    print(t("recordscli.exported", n=count, path=str(out)))
    return EXIT_OK


def _run_check_funds(args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    store = _record_store(args.workspace)
    area = resolve_area(store.workspace, args.area) if args.area else None
    snap = store.snapshot(as_of=as_of)
    findings = check_funds(snap, today=as_of or dt.date.today())
    findings = [f for f in findings if area is None or f.area == area]
    if args.json:
        rows = [f.to_dict() for f in findings]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif snap.is_empty():
        print(t("recordscli.no_records", path=str(store.workspace.path.resolve())))
    else:
        print(_findings_text(findings))
    return EXIT_FAIL if findings else EXIT_OK


def _record_store(path: Path | None) -> RecordStore:
    """The records of an existing workspace."""
    ws = Workspace(path)
    if not ws.exists():
        raise WorkspaceError(t("records.no_workspace", path=str(ws.path.resolve())))
    return RecordStore(ws)


def _as_of(text: str | None) -> dt.date | None:
    """``--as-of`` as a past or present date (YYYY-MM-DD), or None."""
    if text is None:
        return None
    try:
        if not ISO_DATE.fullmatch(text.strip()):
            raise ValueError(text)
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(t("recordscli.bad_date", value=text)) from None
    today = dt.date.today()
    if day > today:
        raise InputError(t("recordscli.future_date", value=day, today=today))
    return day


def _findings_text(findings: list[Finding]) -> str:
    """Findings for people: a heading per village, a line per finding."""
    if not findings:
        return t("recordscli.no_findings")
    lines: list[str] = []
    villages = sorted({(f.area, f.village_id) for f in findings})
    for area, village_id in villages:
        found = [f for f in findings if (f.area, f.village_id) == (area, village_id)]
        lines.append(t("recordscli.village_heading", area=area,
                       village=found[0].village_name or village_id,
                       village_id=village_id, n=len(found)))  # fmt: skip
        lines += [
            t("recordscli.finding_line", rule=t(f"records.rule_name_{f.rule}"),
              message=f.message,
              records=", ".join(f.to_dict()["records"]))
            for f in found
        ]  # fmt: skip
    total = t("recordscli.findings_total", n=len(findings), villages=len(villages))
    lines.append(total)
    return "\n".join(lines)


def _emit(
    args: argparse.Namespace,
    report: ImportReport,
    extra: dict[str, Any] | None = None,
) -> None:
    """Print a report as JSON or as text for people."""
    if args.json:
        payload = report.to_dict() | (extra or {})
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for layer in report.layers:
        print(_layer_text(layer))
    for note in (extra or {}).get("notes", []):
        print(t("cli.r_warning", msg=note))
    if extra and extra.get("tables"):
        print(t("cli.written", tables=", ".join(extra["tables"]),
                path=extra["workspace"]))  # fmt: skip
    if report.error:
        print(t("cli.error", message=report.error), file=sys.stderr)


def _layer_text(lr: LayerReport) -> str:
    """A layer report as indented lines."""
    lines = [
        t("cli.r_layer", name=lr.name, source=lr.source),
        t("cli.r_counts", n=lr.feature_count, kept=lr.kept_count,
          types=lr.geometry_type or "-"),
        t("cli.r_crs", crs=lr.crs or "-", how=t(f"cli.crs_{lr.crs_source}")),
    ]  # fmt: skip
    if lr.crs_proposals:
        lines.append(t("cli.r_proposals", crs=", ".join(lr.crs_proposals)))
    if lr.encoding:
        lines.append(t("cli.r_encoding", enc=lr.encoding,
                       how=lr.encoding_source or "-"))  # fmt: skip
    if lr.bounds_wgs84:
        box = ", ".join(f"{v:.5f}" for v in lr.bounds_wgs84)
        lines.append(t("cli.r_bounds", b=box))
    lines += _measure_lines(lr.measures, lr.metric_crs)
    if lr.field_map:
        pairs = ", ".join(f"{k} ← {v}" for k, v in lr.field_map.items())
        lines.append(t("cli.r_fields", pairs=pairs))
    lines += [f"  · {a}" for a in lr.assumptions]
    lines += [t("cli.r_fix", kind=f.kind, n=f.count, ids=_ids(f.ids), msg=f.message)
              for f in lr.fixes]  # fmt: skip
    lines += [t("cli.r_rejected", kind=f.kind, n=f.count, ids=_ids(f.ids),
                msg=f.message) for f in lr.rejected]  # fmt: skip
    lines += [t("cli.r_warning", msg=w) for w in lr.warnings]
    if lr.error:
        lines.append(t("cli.r_error", msg=lr.error))
    return "\n".join(lines)


def _measure_lines(measures: dict[str, float], crs: str | None) -> list[str]:
    if "area_m2" in measures:
        return [t("cli.r_area", m2=f"{measures['area_m2']:,.0f}",
                  mu=f"{measures['area_mu']:,.1f}",
                  ha=f"{measures['area_ha']:,.2f}", crs=crs)]  # fmt: skip
    if "length_m" in measures:
        return [t("cli.r_length", m=f"{measures['length_m']:,.0f}",
                  km=f"{measures['length_km']:,.2f}", crs=crs)]  # fmt: skip
    return []


def _ids(ids: list[Any], most: int = 10) -> str:
    shown = ", ".join(str(i) for i in ids[:most])
    return shown + (" …" if len(ids) > most else "")


def _fail(args: argparse.Namespace, message: str) -> None:
    """Report a bad-input failure as JSON or on stderr."""
    if getattr(args, "json", False):
        extra = getattr(args, "error_extra", {"layers": []})
        print(json.dumps({"error": message, **extra}, ensure_ascii=False))
    else:
        print(t("cli.error", message=message), file=sys.stderr)
