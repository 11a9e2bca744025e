"""Record exports: a workbook for people, a zip of CSV files for programs.

Records of one village (幸福村, tests/records_fixtures.py) with amounts
chosen so the yuan values are easy to check by hand: a budget of
1,234,567.89 yuan, 100,000.50 yuan allocated and 60,000.25 + 40,000.50 =
100,000.75 yuan spent, 0.25 yuan over the allocation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gis.errors import InputError
from gis.records import RecordStore, Snapshot
from gis.records import export as export_module
from gis.records.export import export_records
from tests.records_fixtures import (
    AREA,
    HAPPY,
    allocation_values,
    plan_values,
    project_values,
    store_at,
)

KIND_SHEETS_EN = [
    "Plans",
    "Plan targets",
    "Projects",
    "Status changes",
    "Inspections",
    "Allocations",
    "Spending",
    "Assistance",
    "Paired households",
]


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    store, _ = store_at(tmp_path_factory.mktemp("export") / "ws.gpkg")
    plan = store.add("plan", plan_values(assembly_date="2025-01-10"))
    project = store.add(
        "project",
        project_values(
            plan_id=plan.id,
            budget_yuan="1,234,567.89",
            unit="km",
            quantity=1.5,
            planned_start="2025-03-01",
        ),
    )
    store.add(
        "status",
        {"project_id": project.id, "status": "approved", "on_date": "2025-02-20"},
    )
    alloc = store.add(
        "allocation", allocation_values(project_id=project.id, amount_yuan=100_000.50)
    )
    for amount, day in (("60000.25", "2025-04-01"), ("40000.50", "2025-05-01")):
        store.add(
            "spending",
            {
                "allocation_id": alloc.id,
                "project_id": project.id,
                "amount_yuan": amount,
                "spent_on": day,
            },
        )
    store.add(
        "assistance",
        {
            "area": AREA,
            "village_id": HAPPY,
            "leader_name": "王副县长",
            "cadre_name": "李驻村",
            "unit_name": "县交通局",
        },
    )
    return RecordStore(store.workspace).snapshot()


def _rows(sheet: object) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_workbook_has_a_sheet_per_kind_findings_and_money(
    snap: Snapshot, tmp_path: Path
) -> None:
    out = export_records(snap, tmp_path / "r.xlsx", fmt="xlsx", lang="en")
    book = load_workbook(out)
    assert book.sheetnames == [*KIND_SHEETS_EN, "Findings", "Money by channel"]


def test_workbook_money_in_yuan_dates_as_dates_choices_translated(
    snap: Snapshot, tmp_path: Path
) -> None:
    book = load_workbook(
        export_records(snap, tmp_path / "r.xlsx", fmt="xlsx", lang="en")
    )
    header, row = _rows(book["Projects"])
    project = dict(zip(header, row, strict=True))
    assert project["Budget (yuan)"] == pytest.approx(1_234_567.89)
    assert project["Plan section"] == "Roads"
    assert project["Status"] == "Approved"
    assert project["Name"] == "通组路"
    assert project["Planned start"].date() == dt.date(2025, 3, 1)
    assert "Budget (yuan)" in header and "budget_fen" not in header

    # money by channel: 100,000.50 allocated, 100,000.75 spent
    header, *money = _rows(book["Money by channel"])
    assert header == (
        "Area",
        "Village id",
        "Village",
        "Channel",
        "Department",
        "Allocated (yuan)",
        "Spent (yuan)",
    )
    ((area, village_id, village, *rest),) = money
    assert (area, village_id) == (AREA, snap.of("allocation")[0]["village_id"])
    assert village == snap.of("allocation")[0]["village_name"]
    assert rest == ["Poverty funds (county)", None, 100_000.5, 100_000.75]


def test_workbook_in_chinese(snap: Snapshot, tmp_path: Path) -> None:
    book = load_workbook(
        export_records(snap, tmp_path / "r.xlsx", fmt="xlsx", lang="zh")
    )
    assert book.sheetnames[2] == "项目"
    header, row = _rows(book["项目"])
    project = dict(zip(header, row, strict=True))
    assert project["预算（元）"] == pytest.approx(1_234_567.89)
    assert project["规划板块"] == "道路交通"
    assert project["村名"] == "幸福村"
    header, *findings = _rows(book["问题清单"])
    assert [f[0] for f in findings] == ["超出资金安排支出"]
    assert "超支 0.25 元" in str(findings[0][-1])


def test_zip_of_csv_keyed_by_field_names(snap: Snapshot, tmp_path: Path) -> None:
    out = export_records(snap, tmp_path / "r.zip", fmt="csv", lang="en")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        projects = _csv(archive, "project.csv")
        allocations = _csv(archive, "allocation.csv")
        spending = _csv(archive, "spending.csv")
        findings = _csv(archive, "findings.csv")
        fields = _csv(archive, "fields.csv")
    kinds = [
        "plan",
        "target",
        "project",
        "status",
        "inspection",
        "allocation",
        "spending",
        "assistance",
        "pair",
    ]
    assert {f"{k}.csv" for k in kinds} | {"findings.csv", "fields.csv"} <= set(names)

    # values a program can read back: keys, ISO dates, yuan with two decimals
    project = projects[0]
    assert project["budget_yuan"] == "1234567.89"
    assert project["section"] == "roads"
    assert project["status"] == "approved"
    assert project["village_name"] == "幸福村"
    assert project["name"] == "通组路"
    assert project["planned_start"] == "2025-03-01"
    assert allocations[0]["amount_yuan"] == "100000.50"
    assert allocations[0]["department"] == ""
    assert sorted(s["amount_yuan"] for s in spending) == ["40000.50", "60000.25"]

    # the findings name their records; fields.csv labels every key
    assert [f["rule"] for f in findings] == ["overspent"]
    ids = [s["id"] for s in spending]
    assert findings[0]["records"] == ", ".join(
        [f"allocation:{allocations[0]['id']}", *(f"spending:{i}" for i in ids)]
    )
    labels = {f["key"]: (f["en"], f["zh"]) for f in fields}
    assert labels["budget_yuan"] == ("Budget (yuan)", "预算（元）")
    assert labels["village_name"] == ("Village", "村名")
    assert set(projects[0]) <= set(labels)


def test_wrong_suffix_is_refused_before_writing(snap: Snapshot, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.zip"):
        export_records(snap, tmp_path / "r.csv", fmt="csv")
    with pytest.raises(InputError, match=r"\.xlsx"):
        export_records(snap, tmp_path / "r.zip", fmt="xlsx")
    with pytest.raises(InputError, match="pdf"):
        export_records(snap, tmp_path / "r.pdf", fmt="pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_old_file(
    snap: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"the previous export")

    def boom(path: Path, *args: object) -> None:
        path.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(export_module, "_write_workbook", boom)
    with pytest.raises(OSError, match="disk full"):
        export_records(snap, out, fmt="xlsx")
    assert out.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_an_empty_registry_exports_headers_only(tmp_path: Path) -> None:
    empty = Snapshot({}, None)
    book = load_workbook(
        export_records(empty, tmp_path / "r.xlsx", fmt="xlsx", lang="en")
    )
    assert _rows(book["Allocations"])[0][0] == "Id"
    assert len(_rows(book["Findings"])) == 1
