"""``python -m gis records export`` and ``python -m gis check funds``.

One village (幸福村, tests/records_fixtures.py) gets 100,000 yuan for a
road on 2025-03-01, spends 60,000 on 2025-04-01 and 50,000 on 2025-05-01:
10,000 yuan over the allocation from 2025-05-01 on, nothing wrong before.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from gis import cli
from gis.cli import main
from tests.records_fixtures import (
    AREA,
    HAPPY,
    allocation_values,
    plan_values,
    project_values,
    store_at,
    village_workspace,
)

FINDING_KEYS = {"rule", "area", "village_id", "village_name", "records", "message"}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The workspace, and the records the overspending finding must name."""
    path = tmp_path_factory.mktemp("cli") / "ws.gpkg"
    store, clock = store_at(path, "2025-03-01T10:00+08:00")
    plan = store.add("plan", plan_values(assembly_date="2025-01-10"))
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
    project = store.add("project", project_values(plan_id=plan.id))
    alloc = store.add(
        "allocation", allocation_values(project_id=project.id, amount_yuan=100_000)
    )
    named = [f"allocation:{alloc.id}"]
    for when, amount in (("2025-04-01", 60_000), ("2025-05-01", 50_000)):
        clock.at(f"{when}T10:00+08:00")
        spent = store.add(
            "spending",
            {
                "allocation_id": alloc.id,
                "amount_yuan": amount,
                "project_id": project.id,
                "spent_on": when,
            },
        )
        named.append(f"spending:{spent.id}")
    return path, named


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# check funds


def test_findings_exit_1_grouped_by_village(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, named = story
    code, out, _ = _run(capsys, "check", "funds", "--workspace", str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"幸福村 ({AREA}, village id {HAPPY}): 1 finding(s)"
    assert lines[1].startswith("  - Spending over allocation: ")
    assert "10,000.00 yuan over" in lines[1]
    assert lines[1].endswith(f"[{', '.join(named)}]")
    assert lines[-1] == "1 finding(s) in 1 village(s)."


def test_findings_as_json(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, named = story
    code, out, _ = _run(capsys, "check", "funds", "--workspace", str(path), "--json")
    assert code == 1
    findings = json.loads(out)
    assert [set(f) for f in findings] == [FINDING_KEYS]
    assert findings[0]["rule"] == "overspent"
    assert findings[0]["village_name"] == "幸福村"
    assert findings[0]["records"] == named


def test_no_findings_before_the_overspending_exit_0(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = story
    argv = ["check", "funds", "--workspace", str(path), "--as-of", "2025-04-15"]
    code, out, _ = _run(capsys, *argv)
    assert (code, out.strip()) == (
        0,
        "No findings: every fund and assistance rule is met.",
    )
    code, out, _ = _run(capsys, *argv, "--json")
    assert (code, json.loads(out)) == (0, [])


def test_area_filter(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = story
    code, out, _ = _run(
        capsys, "check", "funds", "--workspace", str(path), "--area", AREA, "--json"
    )
    assert (code, len(json.loads(out))) == (1, 1)
    code, _, err = _run(
        capsys, "check", "funds", "--workspace", str(path), "--area", "nowhere"
    )
    assert code == 2
    assert f"no area 'nowhere'. Its areas are: {AREA}." in err


@pytest.mark.parametrize(
    "value", ["2025-02-30", "30.06.2025", "2025/06/30", "20250630"]
)
def test_bad_date_exit_2(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path, _ = story
    code, out, err = _run(
        capsys, "check", "funds", "--workspace", str(path), "--as-of", value
    )
    assert code == 2
    assert out == ""
    assert err.strip() == (
        f"Error: '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2025-06-30."
    )


def test_bad_date_as_json_and_in_chinese(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = story
    code, out, _ = _run(
        capsys,
        "--lang",
        "zh",
        "check",
        "funds",
        "--workspace",
        str(path),
        "--as-of",
        "明天",
        "--json",
    )
    assert code == 2
    assert json.loads(out) == {
        "error": "“明天”不是日期；请写成 YYYY-MM-DD，例如 2025-06-30。"
    }


def test_a_future_date_exit_2(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = story
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    code, _, err = _run(
        capsys, "check", "funds", "--workspace", str(path), "--as-of", tomorrow
    )
    assert code == 2
    assert f"{tomorrow} is after today" in err


def test_missing_workspace_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "none.gpkg")
    code, _, err = _run(capsys, "check", "funds", "--workspace", missing)
    assert code == 2
    assert f"no workspace at {missing}" in err
    code, _, _ = _run(
        capsys,
        "records",
        "export",
        "--format",
        "csv",
        "--workspace",
        missing,
        "--out",
        str(tmp_path / "r.zip"),
    )
    assert code == 2
    assert list(tmp_path.iterdir()) == []


def test_a_workspace_without_records_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = village_workspace(tmp_path / "ws.gpkg")
    code, out, _ = _run(capsys, "check", "funds", "--workspace", str(ws.path))
    assert code == 0
    assert "holds no programme records yet" in out


# records export


def test_export_csv_to_the_default_file(
    story: tuple[Path, list[str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = story
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(
        capsys, "records", "export", "--format", "csv", "--workspace", str(path)
    )
    assert code == 0
    # plan, assistance, project, allocation, two spending entries
    assert out.strip() == "Exported 6 records to records.zip."
    with zipfile.ZipFile(tmp_path / "records.zip") as archive:
        spending = archive.read("spending.csv").decode("utf-8-sig").splitlines()
    assert len(spending) == 3


def test_export_xlsx_as_of_a_past_day(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, _ = story
    out_file = tmp_path / "april.xlsx"
    code, out, _ = _run(
        capsys,
        "records",
        "export",
        "--format",
        "xlsx",
        "--workspace",
        str(path),
        "--out",
        str(out_file),
        "--as-of",
        "2025-04-15",
    )
    assert code == 0
    assert out.strip() == f"Exported 5 records to {out_file}."
    assert out_file.is_file()


def test_export_refuses_a_wrong_suffix(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, _ = story
    code, _, err = _run(
        capsys,
        "records",
        "export",
        "--format",
        "xlsx",
        "--workspace",
        str(path),
        "--out",
        str(tmp_path / "r.csv"),
    )
    assert code == 2
    assert "change the file name's ending to .xlsx" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv", [["records", "export"], ["check", "funds"], ["records"], ["check"]]
)
def test_every_subcommand_has_help(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m gis {' '.join(argv)}")


def test_export_needs_a_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["records", "export"])
    assert exit_info.value.code == 2
    assert "--format" in capsys.readouterr().err


# the demo's --if-missing path adds the example programme


def test_demo_if_missing_adds_the_example_records(
    story: tuple[Path, list[str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = story
    calls: list[Path] = []

    def load(ws: object) -> int:
        calls.append(ws.path)  # type: ignore[attr-defined]
        return 7

    monkeypatch.setattr(cli, "load_demo_records", load)
    code, out, _ = _run(capsys, "demo", "--workspace", str(path), "--if-missing")
    assert code == 0
    assert calls == [path]
    assert (
        f"Added 7 records of the example programme (invented examples) to {path}."
        in out
    )


def test_lang_works_after_the_command(tmp_path: Path) -> None:
    from gis.cli import _globals_first

    assert _globals_first(["check", "funds", "--lang", "en", "--json"]) == [
        "--lang", "en", "check", "funds", "--json",
    ]  # fmt: skip
    assert _globals_first(["-v", "layers", "--lang=zh"]) == [
        "-v",
        "--lang=zh",
        "layers",
    ]


def test_export_into_a_missing_folder_is_refused(
    story: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, _ = story
    out_file = tmp_path / "typo" / "records.xlsx"
    code, _, err = _run(capsys, "records", "export", "--format", "xlsx",
                        "--workspace", str(path), "--out", str(out_file))  # fmt: skip
    assert code == 2
    assert f"the folder {tmp_path / 'typo'} does not exist" in err
    assert not (tmp_path / "typo").exists()
