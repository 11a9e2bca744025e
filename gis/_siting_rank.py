"""Siting plumbing: rank the sites and say why, in words.

Order: sites that pass every assessed criterion first, then by the
number of failed safety criteria (hazard clearance, slope, flood
clearance: a site that is not safe never ranks above one that is,
however much nearer a school it lies), then by the number of failed
criteria (fewest first), then by the total margin
(largest first): the sum over the assessed criteria of how far each
value lies on the good side of its threshold, as a share of the
threshold, each capped at -1..1 (so one far-off school cannot outweigh
everything else); last, the order the sites were given in. Criteria
not assessed count neither way; the reasons list them.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from gis._siting_measure import CRITERIA, Criterion
from gis.i18n import t
from gis.measure import M2_PER_MU

# the criteria that decide whether a site is safe to live on
SAFETY = ("hazard", "slope_mean", "slope_max", "river")

RANK_RULE = (
    "sites passing every assessed criterion first, then fewest failed "
    "safety criteria (hazard, slope, flood clearance), then fewest failed "
    "criteria, then largest total margin (sum over assessed criteria of "
    "(value - threshold) / threshold for minimums and (threshold - value) "
    "/ threshold for maximums, each capped at -1..1), then input order"
)


def rank(names: list[str], criteria: list[list[Criterion]]) -> pd.DataFrame:
    """Rank, counts, total margin, verdict and reasons of each site.

    ``criteria[i]`` are the criteria of site ``names[i]``. Returns one
    row per site in the given order with ``rank`` (1 = best),
    ``passes``, ``fails``, ``safety_fails``, ``not_assessed``,
    ``margin``, ``verdict``
    (``"pass"`` when no assessed criterion fails) and ``reason``.
    """
    table = pd.DataFrame({
        "passes": [_count(c, "pass") for c in criteria],
        "fails": [_count(c, "fail") for c in criteria],
        "safety_fails": [_count([x for x in c if x.key in SAFETY], "fail")
                         for c in criteria],
        "not_assessed": [_count(c, "not_assessed") for c in criteria],
        "margin": [_margin(c) for c in criteria],
    })  # fmt: skip
    order = sorted(range(len(names)), key=lambda i: (
        table["fails"][i] > 0, table["safety_fails"][i], table["fails"][i],
        -table["margin"][i], i))  # fmt: skip
    ranks = np.empty(len(names), dtype=int)
    ranks[order] = np.arange(1, len(names) + 1)
    table.insert(0, "rank", ranks)
    table["verdict"] = np.where(table["fails"] > 0, "fail", "pass")
    table["reason"] = [
        _reason(i, order, names, criteria, table) for i in range(len(names))
    ]
    return table


def _count(criteria: list[Criterion], result: str) -> int:
    """How many criteria have ``result``."""
    return sum(1 for c in criteria if c.result == result)


def _margin(criteria: list[Criterion]) -> float:
    """Sum of the capped margins of the assessed criteria."""
    margins = [c.margin for c in criteria if c.result != "not_assessed"]
    return round(float(sum(margins)), 6) if margins else 0.0


# reasons


def _reason(
    i: int,
    order: list[int],
    names: list[str],
    criteria: list[list[Criterion]],
    table: pd.DataFrame,
) -> str:
    """Why site ``i`` stands where it does: what it fails, what was not
    assessed, and what sets it apart from its neighbour in the ranking."""
    mine = criteria[i]
    row = table.iloc[i]
    assessed = int(row["passes"] + row["fails"])
    parts = [_verdict(mine, assessed)]
    skipped = [c for c in mine if c.result == "not_assessed"]
    if skipped:
        parts.append(t("siting.reason_not_assessed", items=_skipped(skipped)))
    parts.append(_place(i, order, names, table))
    return functools.reduce(lambda a, b: t("siting.sentences", first=a, second=b),
                            parts)  # fmt: skip


def _verdict(criteria: list[Criterion], assessed: int) -> str:
    """ "Passes all n assessed" or "fails k of n: ..."."""
    failed = [c for c in criteria if c.result == "fail"]
    if not failed:
        return t("siting.reason_passes", n=assessed)
    return t("siting.reason_fails", k=len(failed), n=assessed,
             items="; ".join(failure(c) for c in failed))  # fmt: skip


def failure(c: Criterion) -> str:
    """A failed criterion in words: label, value, what it needs."""
    return t("siting.reason_item", label=label(c.key), value=value_text(c),
             needs=threshold_text(c))  # fmt: skip


def _skipped(criteria: list[Criterion]) -> str:
    """The criteria not assessed, grouped by why: "Mean slope, Steepest
    slope (no elevation data); ..."."""
    groups: dict[str, list[str]] = {}
    for c in criteria:
        groups.setdefault(c.note, []).append(label(c.key))
    return "; ".join(
        t("siting.reason_skipped", label=t("siting.list_sep").join(labels), why=why)
        for why, labels in groups.items()
    )


def _place(i: int, order: list[int], names: list[str], table: pd.DataFrame) -> str:
    """The rank, and what sets the site apart from its neighbour."""
    position = order.index(i)
    n = len(order)
    if n == 1:
        return t("siting.rank_only")
    if position == 0:
        other, ahead = order[1], True
    else:
        other, ahead = order[position - 1], False
    mine, theirs = table.iloc[i], table.iloc[other]
    key = "ahead" if ahead else "behind"
    if mine["safety_fails"] != theirs["safety_fails"] and (
        mine["fails"] > 0 and theirs["fails"] > 0
    ):
        return t(f"siting.rank_{key}_safety", rank=position + 1, n=n,
                 other=names[other], mine=int(mine["safety_fails"]),
                 theirs=int(theirs["safety_fails"]))  # fmt: skip
    if mine["fails"] != theirs["fails"]:
        return t(f"siting.rank_{key}_fails", rank=position + 1, n=n,
                 other=names[other], mine=int(mine["fails"]),
                 theirs=int(theirs["fails"]))  # fmt: skip
    if mine["margin"] != theirs["margin"]:
        return t(f"siting.rank_{key}_margin", rank=position + 1, n=n,
                 other=names[other], mine=f"{mine['margin']:+.2f}",
                 theirs=f"{theirs['margin']:+.2f}")  # fmt: skip
    return t(f"siting.rank_{key}_order", rank=position + 1, n=n, other=names[other])


# values in words


def label(key: str) -> str:
    """Translated name of a criterion."""
    return t(f"siting.crit_{key}")


def value_text(c: Criterion) -> str:
    """The measured value with its unit ("—" when not assessed)."""
    if c.result == "not_assessed" or (math.isnan(c.value)):
        return "—"
    if math.isinf(c.value):
        return t("siting.value_none_found")
    return quantity(c.value, c.unit, pct=c.extra.get("pct"))


def threshold_text(c: Criterion) -> str:
    """The threshold with its direction: "≥ 500 m", "≤ 15°"."""
    if math.isnan(c.threshold):
        return "—"
    sign = "≥" if c.rule == "min" else "≤"
    return f"{sign} {quantity(c.threshold, c.unit)}"


def quantity(value: float, unit: str, *, pct: float | None = None) -> str:
    """A number with its unit: metres (km from 1,000 m), degrees (and
    percent), mu per person, m² (and mu)."""
    if unit == "m":
        if value >= 1000:
            return f"{value / 1000:,.2f} {t('units.km')}"
        return f"{value:,.0f} {t('units.m')}"
    if unit == "deg":
        if pct is not None and math.isfinite(pct):
            return t("siting.deg_pct", deg=f"{value:.1f}", pct=f"{pct:.1f}")
        return f"{value:.1f}°"
    if unit == "mu_per_person":
        return t("siting.mu_per_person", value=f"{value:,.2f}")
    return t("siting.m2_mu", m2=f"{value:,.0f}", mu=f"{value / M2_PER_MU:,.1f}")


def ordered(criteria: list[Criterion]) -> list[Criterion]:
    """Criteria in display order."""
    return sorted(criteria, key=lambda c: CRITERIA.index(c.key))
