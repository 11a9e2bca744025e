"""Command line of the relocation siting review: ``siting``.

``gis.cli`` adds the command with :func:`add_commands`; it calls the
same functions as the Relocation review page. The sites (and movers)
file goes through the import pipeline, so every format the Data page
reads works here too. Bad input (unknown area, an unreadable or empty
sites file, a file name with the wrong ending, a bad raster) raises
:class:`gis.errors.InputError` before anything is written, which the
command line turns into exit code 2.

Examples
--------
``python -m gis siting --area sikkim
--sites data/boundaries/sikkim_candidate_sites.geojson
--movers-near-hazards 400 --out review.csv``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd

from gis.areas import resolve_area
from gis.coverage import load_profile
from gis.errors import InputError
from gis.i18n import t
from gis.siting import (
    SUFFIXES,
    SitingReview,
    movers_by_rule,
    read_layer_file,
    review_sites,
    settlement_reach,
    write_review,
)
from gis.workspace import Workspace

EXIT_OK = 0


def add_commands(sub: Any) -> None:
    """Add ``siting`` to the subparsers."""
    cmd = sub.add_parser("siting", help=t("siting.cli_help"),
                         description=t("siting.cli_description"))  # fmt: skip
    cmd.add_argument("--workspace", type=Path, help=t("cli.opt_workspace"))
    cmd.add_argument("--area", required=True, help=t("cli.opt_area"))
    cmd.add_argument("--sites", type=Path, required=True, metavar="FILE",
                     help=t("siting.opt_sites"))  # fmt: skip
    cmd.add_argument("--sites-crs", metavar="CRS", help=t("siting.opt_sites_crs"))
    cmd.add_argument("--dem", type=Path, metavar="FILE", help=t("siting.opt_dem"))
    who = cmd.add_mutually_exclusive_group()
    who.add_argument("--movers", type=Path, metavar="FILE",
                     help=t("siting.opt_movers"))  # fmt: skip
    who.add_argument("--movers-near-hazards", type=float, metavar="M",
                     help=t("siting.opt_near_hazards"))  # fmt: skip
    who.add_argument("--movers-without-road", type=float, metavar="M",
                     help=t("siting.opt_without_road"))  # fmt: skip
    cmd.add_argument("--movers-crs", metavar="CRS", help=t("siting.opt_movers_crs"))
    cmd.add_argument("--profile", type=Path, metavar="FILE", help=t("cli.opt_profile"))
    cmd.add_argument("--out", type=Path, required=True, metavar="FILE",
                     help=t("siting.opt_out", allowed=", ".join(SUFFIXES)))  # fmt: skip
    cmd.set_defaults(run=run_siting)


def run_siting(args: argparse.Namespace) -> int:
    """``siting``: review the sites, write one row per site, print the
    ranking."""
    check_out(args.out)
    ws = Workspace(args.workspace)
    area = resolve_area(ws, args.area)
    profile = load_profile(args.profile)
    bounds = ws.area_bounds(area)
    # what reading the files repaired or left out is among the review's notes
    sites = read_layer_file(args.sites, bounds=bounds, crs=args.sites_crs)
    movers = _movers(ws, area, args, bounds)
    review = review_sites(ws, area, sites.frame, movers=movers, dem=args.dem,
                          profile=profile)  # fmt: skip
    written = write_review(review, args.out)
    for note in review.notes:
        print(t("siting.cli_note", msg=note), file=sys.stderr)
    print(ranking_text(review))
    print(t("siting.cli_done", n=len(review.sites),
            files=", ".join(map(str, written))))  # fmt: skip
    return EXIT_OK


def check_out(out: Path) -> None:
    """Refuse an output with the wrong ending before anything runs."""
    if out.suffix.lower() not in SUFFIXES:
        raise InputError(t("siting.bad_suffix", path=str(out),
                           allowed=", ".join(SUFFIXES)))  # fmt: skip


def _movers(
    ws: Workspace,
    area: str,
    args: argparse.Namespace,
    bounds: tuple[float, float, float, float] | None,
) -> gpd.GeoDataFrame | None:
    """Movers from a file, or chosen by rule among the area's settlements."""
    if args.movers is not None:
        found = read_layer_file(args.movers, "settlements", bounds=bounds,
                                crs=args.movers_crs)  # fmt: skip
        return found.frame
    near, far = args.movers_near_hazards, args.movers_without_road
    if near is None and far is None:
        return None
    reach = settlement_reach(ws, area)
    return movers_by_rule(reach, near_hazard_m=near, without_road_m=far)


def ranking_text(review: SitingReview) -> str:
    """One line per site, best first: rank, name, verdict, counts."""
    lines = []
    for _, row in review.ranked().iterrows():
        lines.append(t("siting.cli_line", rank=int(row["rank"]), name=row["name"],
                       verdict=t(f"siting.verdict_{row['verdict']}"),
                       fails=int(row["fails"]),
                       skipped=int(row["not_assessed"])))  # fmt: skip
    lines.append(t("siting.cli_movers", n=len(review.movers),
                   people=f"{review.people:,.0f}"))  # fmt: skip
    return "\n".join(lines)
