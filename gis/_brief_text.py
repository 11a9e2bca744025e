"""The texts of the atlas and the noticeboards, shared by the PDF and HTML
outputs: rows of people, money and works, project facts, dates and
amounts with their units, in the current language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from gis.briefing import Progress, ProjectSheet, VillageSheet
from gis.i18n import catalog, language, t
from gis.records import STATUSES, yuan


def people_rows(helps: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) of the linked leader, resident cadre, unit and phone."""
    helps = helps or {}
    rows = [
        (
            t("brief.nb_leader"),
            _who(helps.get("leader_name"), helps.get("leader_post")),
        ),
        (t("brief.nb_cadre"), _who(helps.get("cadre_name"), helps.get("cadre_unit"))),
        (t("brief.nb_unit"), _who(helps.get("unit_name"), None)),
    ]
    if helps.get("phone"):
        rows.append((t("brief.nb_phone"), str(helps["phone"])))
    return rows


def project_rows(sheet: ProjectSheet) -> list[tuple[str, str]]:
    """(label, value) of a project notice: where, what, how big, how much,
    when and (after acceptance) by whom."""
    p = sheet.project
    rows = [
        (t("brief.nb_village"), str(sheet.village_name)),
        (t("brief.nb_section"), t(f"records.section_{p['section']}")),
        (t("brief.nb_category"), str(p["category"])),
        (t("brief.nb_quantity"), _scale(p)),
        (t("brief.nb_budget"), yuan_text(p.get("budget_fen"))),
        (t("brief.nb_status"), t(f"records.status_{p['status']}")),
        (t("brief.nb_planned"), _span(p.get("planned_start"), p.get("planned_end"))),
    ]
    if sheet.stage == "after":
        rows.append(
            (t("brief.nb_actual"), _span(p.get("actual_start"), p.get("actual_end")))
        )
        rows.append(
            (
                t("brief.nb_accepted"),
                t(
                    "brief.nb_accepted_text",
                    date=_day(p.get("accepted_on")),
                    by=p.get("accepted_by") or "—",
                ),
            )
        )
    return rows


def inspection_lines(sheet: ProjectSheet) -> list[str]:
    """One line per inspection: date, inspector, result."""
    return [
        t(
            "brief.nb_inspection_line",
            date=_day(i["on_date"]),
            inspector=i["inspector"],
            result=t(f"records.result_{i['result']}"),
        )
        for i in sheet.inspections
    ]


def complaint_text(helps: dict[str, Any] | None) -> str:
    """The standard "how to complain" text with the county hotline: to the
    resident cadre (and the phone on record) when one is named, else to
    the village committee."""
    helps = helps or {}
    phone = helps.get("phone")
    suffix = t("brief.nb_phone_suffix", phone=phone) if phone else ""
    key = "nb_complain_text" if helps.get("cadre_name") else "nb_complain_no_cadre"
    return t(f"brief.{key}", phone=suffix)


def built_rows(sheet: VillageSheet) -> list[tuple[str, str, str, str, str]]:
    """(name, scale, status, budget, years) of the village's projects."""
    return [
        (
            str(p["name"]),
            _scale(p),
            t(f"records.status_{p['status']}"),
            yuan_text(p.get("budget_fen")),
            _years(p),
        )
        for p in ordered(sheet.works)
    ]


def money_rows(money: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(channel, allocated, spent) per channel, then the total."""
    rows = [
        (
            channel_label(m["channel"], m.get("department")),
            yuan_text(m["allocated_fen"]),
            yuan_text(m["spent_fen"]),
        )
        for m in money
    ]
    return [*rows, money_total(money)] if rows else []


def unassigned_line(sheet: VillageSheet) -> str | None:
    """The note under a village's money table on money spent on none of
    its projects, so the works and the channel totals add up; else None."""
    fen = sheet.unassigned_fen()
    return t("brief.nb_unassigned", amount=yuan_text(fen)) if fen else None


def pair(label: str, value: str) -> str:
    """A label and its value, joined by the colon of the current language."""
    return f"{label}：{value}" if is_zh() else f"{label}: {value}"


# plumbing: cell texts

# units as entered in the records (either language) → brief.unit_<slug>
_UNIT_SLUGS = {
    "households": "households",
    "household": "households",
    "户": "households",
    "facilities": "facilities",
    "facility": "facilities",
    "处": "facilities",
    "people": "people",
    "persons": "people",
    "人": "people",
    "yuan/person": "yuan_person",
    "元/人": "yuan_person",
    "mu": "mu",
    "亩": "mu",
    "km": "km",
    "公里": "km",
    "千米": "km",
    "m": "m",
    "米": "m",
    "m²": "m2",
    "m2": "m2",
    "平方米": "m2",
    "ha": "ha",
    "公顷": "ha",
}


def is_zh() -> bool:
    """Whether the current language is Chinese (for the colon's width)."""
    return language() == "zh"


def village_period(sheet: VillageSheet) -> str:
    """The plan period and title, or that there is no plan yet."""
    plans = sheet.records.plans
    if not plans:
        return t("brief.nb_no_period")
    plan = plans[0]
    return t(
        "brief.nb_village_sub",
        start=plan["period_start"],
        end=plan["period_end"],
        plan=plan["title"],
    )


def plan_line(plans: Sequence[dict[str, Any]]) -> str:
    """The current plan's title, revision and period."""
    if not plans:
        return t("brief.no_plan")
    plan = plans[0]
    return t(
        "brief.plan_line",
        title=plan["title"],
        revision=plan["revision"],
        start=plan["period_start"],
        end=plan["period_end"],
    )


def ordered(projects: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Projects furthest along first, then by id."""
    return sorted(
        projects, key=lambda p: (-STATUSES.index(p["status"]), p["project_id"])
    )


def yuan_text(fen: object) -> str:
    """Whole fen as yuan, or a dash."""
    return "—" if fen is None else yuan(int(fen))  # type: ignore[call-overload]


def money_total(money: Sequence[dict[str, Any]]) -> tuple[str, str, str]:
    """The total row of a money table."""
    return (
        t("brief.total"),
        yuan_text(sum(m["allocated_fen"] for m in money)),
        yuan_text(sum(m["spent_fen"] for m in money)),
    )


def channel_label(channel: str, department: str | None) -> str:
    """A channel's label; sector funds name their department."""
    label = t(f"records.channel_{channel}")
    if not department:
        return label
    return t(
        "brief.channel_department",
        channel=label,
        department=t(f"records.department_{department}"),
    )


def quantity(value: float | None, unit: str | None) -> str:
    """A quantity with at most two decimals and its unit, translated when
    it is one of the record units (Chinese units follow the number)."""
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    label = unit_label(unit, one=text == "1")
    return f"{text}{label}" if is_zh() and _cjk(label) else f"{text} {label}"


def unit_label(unit: str, *, one: bool = False) -> str:
    """A record unit in the current language; an unknown unit as written."""
    slug = _UNIT_SLUGS.get(unit.strip().casefold())
    if slug is None:
        return unit
    single = f"brief.unit_one_{slug}"
    return t(single) if one and single in catalog() else t(f"brief.unit_{slug}")


def _scale(project: dict[str, Any]) -> str:
    """A project's quantity with its unit, or a dash."""
    return quantity(project.get("quantity"), project.get("unit"))


def _years(project: dict[str, Any]) -> str:
    """Start and end years: actual where known, else planned."""
    start: dt.date | None = project.get("actual_start") or project.get("planned_start")
    end: dt.date | None = project.get("actual_end") or project.get("planned_end")
    if start is None:
        return "—" if end is None else t("brief.years_until", end=end.year)
    if end is None:
        return t("brief.years_from", start=start.year)
    if start.year == end.year:
        return str(start.year)
    return f"{start.year}–{end.year}"


def _span(start: dt.date | None, end: dt.date | None) -> str:
    """Two dates, a dash for each one missing."""
    return t("brief.nb_from_to", start=_day(start), end=_day(end))


def _day(value: dt.date | None) -> str:
    """A date as ISO text, or a dash."""
    return value.isoformat() if value else "—"


def _who(name: object, where: object) -> str:
    """A name with its post or unit, or "not yet named"."""
    if not name:
        return t("brief.nb_missing")
    return t("brief.nb_who", name=name, where=where) if where else str(name)


def _cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return any("\u3400" <= char <= "\u9fff" for char in text)


def summary_lines(progress: Progress) -> list[str]:
    """The figures a briefing quotes: villages in the programme, mean
    completion, projects and accepted, budgets, spent, fund findings."""
    rows = progress.table
    joined = [r for r in rows if r.in_programme]
    shares = [s for r in joined if (s := r.share(progress.measure)) is not None]
    statuses: dict[str, int] = {}
    for row in joined:
        for status, n in row.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    lines = [
        t("brief.sum_villages", n=len(joined), total=len(rows)),
        t(
            f"brief.sum_mean_{progress.measure}",
            share=f"{sum(shares) / len(shares) * 100:.0f}\u00a0%",
        )
        if shares
        else t("brief.sum_mean_none"),
        t(
            "brief.sum_projects",
            n=sum(statuses.values()),
            accepted=statuses.get("accepted", 0),
        ),
        t("brief.sum_budget", amount=yuan(sum(r.budget_fen for r in joined))),
        t("brief.sum_spent", amount=yuan(sum(r.spent_fen for r in joined))),
        t("brief.sum_findings", n=len(progress.findings)),
    ]
    return lines
