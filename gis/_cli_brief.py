"""Command line of the briefing outputs: ``brief``, ``atlas``, ``noticeboard``.

``gis.cli`` adds these commands with :func:`add_commands`; they call the
same functions as the Briefing page. Bad input (unknown area, village
or project, a file name with the wrong ending, a malformed date) raises
:class:`gis.errors.InputError`, which the command line turns into exit
code 2 before anything is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import re
import sys
from pathlib import Path
from typing import Any

from gis import briefing
from gis._atomic import replacing
from gis.errors import InputError
from gis.i18n import t
from gis.mapview import BASEMAPS
from gis.workspace import Workspace

EXIT_OK = 0
BRIEF_SUFFIXES = (".png", ".pdf", ".html")
NOTICE_SUFFIXES = (".pdf", ".html")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_commands(sub: Any) -> None:
    """Add ``brief``, ``atlas`` and ``noticeboard`` to the subparsers."""
    brief = sub.add_parser("brief", help=t("brief.cli_brief"))
    _workspace_option(brief)
    brief.add_argument("--area", required=True, help=t("brief.opt_area"))
    _date_option(brief)
    brief.add_argument(
        "--measure",
        choices=briefing.MEASURES,
        default=briefing.MEASURES[0],
        help=t("brief.opt_measure"),
    )
    brief.add_argument(
        "--basemap", choices=BASEMAPS, default="none", help=t("brief.opt_basemap")
    )
    brief.add_argument("--out", type=Path, required=True, help=t("brief.opt_out_brief"))
    brief.set_defaults(run=run_brief)

    atlas = sub.add_parser("atlas", help=t("brief.cli_atlas"))
    _workspace_option(atlas)
    atlas.add_argument("--area", required=True, help=t("brief.opt_area"))
    _date_option(atlas)
    atlas.add_argument("--out", type=Path, required=True, help=t("brief.opt_out_pdf"))
    atlas.set_defaults(run=run_atlas)

    notice = sub.add_parser("noticeboard", help=t("brief.cli_noticeboard"))
    _workspace_option(notice)
    notice.add_argument("--village", required=True, help=t("brief.opt_village"))
    notice.add_argument("--area", help=t("brief.opt_area"))
    notice.add_argument("--project", type=int, help=t("brief.opt_project"))
    notice.add_argument("--stage", choices=briefing.STAGES, help=t("brief.opt_stage"))
    notice.add_argument("--complaint", help=t("brief.opt_complaint"))
    _date_option(notice)
    notice.add_argument("--published", metavar="YYYY-MM-DD",
                        help=t("brief.opt_published"))  # fmt: skip
    notice.add_argument(
        "--out", type=Path, required=True, help=t("brief.opt_out_notice")
    )
    notice.set_defaults(run=run_noticeboard)


def _workspace_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", type=Path, help=t("cli.opt_workspace"))


def _date_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", metavar="YYYY-MM-DD", help=t("brief.opt_date"))


# the commands


def run_brief(args: argparse.Namespace) -> int:
    """``brief``: the progress map as PNG, PDF or HTML."""
    suffix = _suffix(args.out, BRIEF_SUFFIXES)
    day = parse_date(args.date)
    check_writable(args.out)
    ws = Workspace(args.workspace)
    progress = briefing.progress(ws, args.area, as_of=day, measure=args.measure)
    if progress.projects.empty and not any(r.in_programme for r in progress.table):
        print(t("brief.nothing_recorded", date=progress.as_of), file=sys.stderr)
    if suffix == ".html":
        from gis._brief_html import progress_html

        write_output(args.out, progress_html(progress, basemap=args.basemap))
    else:
        from gis._brief_render import progress_image

        write_output(args.out, progress_image(progress, fmt=suffix[1:]))
    print(t("brief.written", path=str(args.out)))
    return EXIT_OK


def run_atlas(args: argparse.Namespace) -> int:
    """``atlas``: one PDF page per village with a plan."""
    from gis._brief_pdf import atlas_pdf, page_count

    _suffix(args.out, (".pdf",))
    day = parse_date(args.date)
    check_writable(args.out)
    ws = Workspace(args.workspace)
    progress = briefing.progress(ws, args.area, as_of=day)
    sheets = briefing.village_sheets(ws, args.area, as_of=day)
    if not sheets:
        raise InputError(t("brief.no_programme", area=progress.area))

    def on_page(n: int, total: int, name: str) -> None:
        print(
            t("brief.atlas_progress", n=n, total=total, village=name), file=sys.stderr
        )

    data = atlas_pdf(progress, sheets, on_page=on_page)
    write_output(args.out, data)
    print(t("brief.written_pages", path=str(args.out), n=page_count(data)))
    return EXIT_OK


def run_noticeboard(args: argparse.Namespace) -> int:
    """``noticeboard``: a village's or a project's notice, PDF or HTML."""
    suffix = _suffix(args.out, NOTICE_SUFFIXES)
    day = parse_date(args.date)
    published = _published(args.published, day)
    check_writable(args.out)
    ws = Workspace(args.workspace)
    area = briefing.area_of_village(ws, args.village, args.area)
    options: dict[str, Any] = {"complaint": args.complaint, "today": published}
    if args.project is None:
        sheet = briefing.village_sheets(
            ws, area, as_of=day, village_ids=[args.village]
        )[0]
        briefing.check_notice(ws, sheet)
        text = _village_notice(sheet, suffix, options)
    else:
        project = briefing.project_sheet(ws, args.project, as_of=day, stage=args.stage)
        if (project.area, project.village_id) != (area, str(args.village)):
            raise InputError(
                t(
                    "brief.project_other_village",
                    id=args.project,
                    other=project.village_id,
                    village=args.village,
                )
            )
        text = _project_notice(project, suffix, options)
    write_output(args.out, text)
    print(t("brief.written", path=str(args.out)))
    return EXIT_OK


def _village_notice(
    sheet: briefing.VillageSheet, suffix: str, options: dict[str, Any]
) -> str | bytes:
    """A village's noticeboard as HTML text or PDF bytes."""
    if suffix == ".html":
        from gis._brief_html import village_noticeboard_html

        return village_noticeboard_html(sheet, **options)
    from gis._brief_pdf import village_noticeboard_pdf

    return village_noticeboard_pdf(sheet, **options)


def _project_notice(
    sheet: briefing.ProjectSheet, suffix: str, options: dict[str, Any]
) -> str | bytes:
    """A project's notice as HTML text or PDF bytes."""
    if suffix == ".html":
        from gis._brief_html import project_noticeboard_html

        return project_noticeboard_html(sheet, **options)
    from gis._brief_pdf import project_noticeboard_pdf

    return project_noticeboard_pdf(sheet, **options)


# writing the file


def check_writable(path: Path) -> None:
    """Refuse, before anything is drawn, an output whose folder cannot
    take it: the nearest existing folder above it must be writable, and
    the path must not be a folder itself."""
    folder = path.parent.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    usable = folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
    if not usable or path.is_dir():
        raise InputError(t("brief.out_not_writable", path=str(path)))


def write_output(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` in one step: a file that fails half-way
    (a full disk) leaves any earlier file of that name as it was, and
    no partial file.

    Raises
    ------
    gis.errors.InputError
        The file could not be written; the message names it and the fix.
    """
    try:
        with replacing(path) as tmp:
            _write(tmp, data)
    except OSError as exc:
        key = "out_no_space" if exc.errno == errno.ENOSPC else "out_not_writable"
        raise InputError(t(f"brief.{key}", path=str(path))) from None


def _write(path: Path, data: str | bytes) -> None:
    """Text as UTF-8, or bytes, to ``path``."""
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


# plumbing


def parse_date(text: str | None) -> dt.date | None:
    """``--date`` (YYYY-MM-DD, not after today) as a date, or None."""
    if text is None:
        return None
    day = _iso(text)
    today = dt.date.today()
    if day > today:
        raise InputError(t("brief.future_date", value=day, today=today))
    return day


def _iso(text: str) -> dt.date:
    """A YYYY-MM-DD date, or an error saying how to write one."""
    value = text.strip()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(t("brief.bad_date", value=text)) from None


def _published(text: str | None, day: dt.date | None) -> dt.date | None:
    """``--published``: the day a notice is posted (today when left out),
    not before the day whose records it shows."""
    if text is None:
        return None
    published = _iso(text)
    shown = day or dt.date.today()
    if published < shown:
        raise InputError(t("brief.published_early", published=published, day=shown))
    return published


def _suffix(path: Path, allowed: tuple[str, ...]) -> str:
    """The output's file ending, if allowed; else an error naming the
    allowed ones (raised before anything is computed)."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise InputError(t("brief.bad_out", path=str(path), allowed=", ".join(allowed)))
    return suffix
