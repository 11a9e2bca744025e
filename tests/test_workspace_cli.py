"""The workspace file and the command line over it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyogrio
import pytest
import shapely

from gis import workspace as wsmod
from gis.cli import main
from gis.errors import InputError
from gis.importer import ImportOptions, prepare_source
from gis.workspace import Workspace, area_key
from tests.conftest import WANGMO, WriteLayer


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def villages(write_layer: WriteLayer) -> Path:
    x, y = WANGMO
    boxes = [
        shapely.box(x + i * 0.01, y, x + i * 0.01 + 0.01, y + 0.01) for i in range(3)
    ]
    return write_layer(
        "村界.shp", boxes, encoding="GBK",
        村名=["幸福村", "石门坎村", "紫云苗族布依族自治县新村"], 人口=[812, 1203, 97],
    )  # fmt: skip


def test_import_writes_a_layer_that_reads_back_exactly(
    tmp_path: Path, villages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = tmp_path / "ws.gpkg"
    code = main(["--lang", "en", "import", str(villages), "--kind",
                 "villages", "--area", "望谟县", "--workspace", str(ws_path),
                 "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["tables"] == ["望谟县__villages"]

    frame = Workspace(ws_path).read("望谟县", "villages")
    assert list(frame["name"]) == ["幸福村", "石门坎村", "紫云苗族布依族自治县新村"]
    assert list(frame["population"]) == [812, 1203, 97]
    assert frame.crs.to_epsg() == 4326
    assert len(pyogrio.list_layers(ws_path)) >= 1


def test_layers_lists_what_was_imported(
    tmp_path: Path, villages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws_path = tmp_path / "ws.gpkg"
    main(["import", str(villages), "--kind", "villages", "--area", "a",
          "--workspace", str(ws_path)])  # fmt: skip
    capsys.readouterr()
    assert main(["layers", "--workspace", str(ws_path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["layers"]
    assert [(r["area"], r["kind"], r["feature_count"]) for r in listed] == [
        ("a", "villages", 3)
    ]


def test_bad_input_exits_2_and_leaves_the_workspace_untouched(
    tmp_path: Path, villages: Path, write_layer: WriteLayer,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    ws_path = tmp_path / "ws.gpkg"
    main(["import", str(villages), "--kind", "villages", "--area", "a",
          "--workspace", str(ws_path)])  # fmt: skip
    before = _digest(ws_path)
    capsys.readouterr()

    no_crs = write_layer("nocrs.shp", [shapely.Point(500_000, 2_800_000)], crs=None)
    code = main(["import", str(no_crs), "--kind", "settlements", "--area", "a",
                 "--workspace", str(ws_path), "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert "--crs" in out["error"]
    assert out["layers"][0]["crs_source"] == "none"
    assert _digest(ws_path) == before


def test_inspect_json_has_the_documented_keys(
    villages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(villages), "--json"]) == 0
    layer = json.loads(capsys.readouterr().out)["layers"][0]
    for key in ("name", "feature_count", "geometry_type", "crs", "crs_source",
                "crs_proposals", "encoding", "bounds_wgs84", "fixes",
                "rejected", "warnings"):  # fmt: skip
        assert key in layer
    assert layer["encoding"] == "gb18030"
    assert layer["crs"] == "EPSG:4326" and layer["crs_source"] == "file"
    x, y = WANGMO
    assert layer["bounds_wgs84"] == pytest.approx([x, y, x + 0.03, y + 0.01])


def test_inspect_missing_file_exits_2_with_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(tmp_path / "nope.shp"), "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert "nope.shp" in out["error"] and out["layers"] == []


def test_bad_field_mapping_exits_2(
    villages: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["inspect", str(villages), "--kind", "villages", "--field",
                 "name=不存在", "--json"])  # fmt: skip
    assert code == 2
    assert "不存在" in json.loads(capsys.readouterr().out)["error"]


def test_chinese_messages(villages: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "zh", "inspect", str(villages)]) == 0
    text = capsys.readouterr().out
    assert "读取要素：3" in text and "面积" in text and "亩" in text


def test_failed_write_keeps_the_old_file(
    tmp_path: Path, villages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(tmp_path / "ws.gpkg")
    _, prepared = prepare_source(villages, ImportOptions(kind="villages"))
    ws.add_layers("a", "villages", prepared)
    before = _digest(ws.path)

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("disk full")

    monkeypatch.setattr(wsmod.pyogrio, "write_dataframe", boom)
    with pytest.raises(wsmod.WorkspaceError, match="left as it was"):
        ws.add_layers("b", "villages", prepared)
    assert _digest(ws.path) == before
    assert not list(tmp_path.glob(".ws-*"))  # no temporary copy left


def test_reimport_replaces_and_area_can_be_removed(
    tmp_path: Path, villages: Path
) -> None:
    ws = Workspace(tmp_path / "ws.gpkg")
    _, prepared = prepare_source(villages, ImportOptions(kind="villages"))
    ws.add_layers("a", "villages", prepared)
    ws.add_layers("a", "villages", prepared)
    assert [i.feature_count for i in ws.layers("a")] == [3]
    assert ws.area_bounds("a") == pytest.approx(
        (WANGMO[0], WANGMO[1], WANGMO[0] + 0.03, WANGMO[1] + 0.01)
    )
    assert ws.remove_area("a") == 1
    assert ws.layers() == []
    assert "a__villages" not in [str(n) for n in pyogrio.list_layers(ws.path)[:, 0]]


def test_area_key_folds_names() -> None:
    assert area_key("Sikkim (IN)") == "sikkim_in"
    assert area_key("望谟县") == "望谟县"
    with pytest.raises(InputError):
        area_key("  ()  ")


def test_writer_killed_mid_write_leaves_the_workspace_whole(
    tmp_path: Path, villages: Path
) -> None:
    import signal
    import subprocess
    import sys
    import textwrap

    ws = Workspace(tmp_path / "ws.gpkg")
    _, prepared = prepare_source(villages, ImportOptions(kind="villages"))
    ws.add_layers("a", "villages", prepared)
    before = _digest(ws.path)

    # a second writer that stops for good half-way through its write
    script = textwrap.dedent(f"""
        import sys, time, pyogrio
        from gis import workspace as w
        from gis.importer import ImportOptions, prepare_source
        real = pyogrio.write_dataframe
        def slow(*args, **kwargs):
            real(*args, **kwargs)
            print("written", flush=True)
            time.sleep(60)
        w.pyogrio.write_dataframe = slow
        _, layers = prepare_source({str(villages)!r}, ImportOptions(kind="villages"))
        w.Workspace({str(ws.path)!r}).add_layers("b", "villages", layers)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "written"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()

    assert _digest(ws.path) == before
    assert [i.area for i in ws.layers()] == ["a"]
    assert list(ws.read("a", "villages")["population"]) == [812, 1203, 97]
