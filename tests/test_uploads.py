"""Staging uploads: only safe names, accepted types, within the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from gis.errors import InputError
from gis.uploads import stage_uploads


def test_single_file_is_the_entry_point(tmp_path: Path) -> None:
    path = stage_uploads([("井.csv", b"lon,lat\n1,2\n")], tmp_path / "u")
    assert path == tmp_path / "u" / "井.csv"
    assert path.read_bytes() == b"lon,lat\n1,2\n"


def test_loose_shapefile_needs_its_parts(tmp_path: Path) -> None:
    parts = [("村.shp", b"x"), ("村.dbf", b"x"), ("村.shx", b"x"), ("村.prj", b"x")]
    assert stage_uploads(parts, tmp_path / "a").name == "村.shp"
    with pytest.raises(InputError, match=r"\.shx"):
        stage_uploads(parts[:2], tmp_path / "b")
    with pytest.raises(InputError, match=r"\.shp"):
        stage_uploads(parts[1:], tmp_path / "c")


def test_several_sources_give_the_folder(tmp_path: Path) -> None:
    files = [("a.geojson", b"{}"), ("b.kml", b"<kml/>")]
    assert stage_uploads(files, tmp_path / "u") == tmp_path / "u"


@pytest.mark.parametrize(
    "name", ["../evil.csv", "sub/a.csv", "..\\a.csv", ".hidden.csv", ""]
)
def test_names_with_paths_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError):
        stage_uploads([(name, b"x")], tmp_path / "u")
    assert not (tmp_path / "evil.csv").exists()


def test_limits_and_types(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="over the 1 MB limit"):
        stage_uploads([("a.csv", b"x" * 2_000_000)], tmp_path, max_bytes=1024**2)
    with pytest.raises(InputError, match="cannot be imported"):
        stage_uploads([("a.docx", b"x")], tmp_path)
    with pytest.raises(InputError, match="empty"):
        stage_uploads([("a.csv", b"")], tmp_path)
    with pytest.raises(InputError, match="No file"):
        stage_uploads([], tmp_path)
