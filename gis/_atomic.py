"""Write a file in one step: to a temporary name beside it, then replace."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from gis.errors import InputError
from gis.i18n import t


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it on success only.

    The temporary file does not exist yet (GDAL and openpyxl want to
    create their files themselves), so it gets the usual permissions.
    If the block raises, ``path`` is untouched and nothing is left.

    Raises
    ------
    gis.errors.InputError
        The folder does not exist: a mistyped path is not made into a
        new tree of folders.
    """
    if not path.parent.is_dir():
        raise InputError(t("cli.no_folder", path=str(path),
                           folder=str(path.parent)))  # fmt: skip
    tmp = path.with_name(f".{path.stem}-{uuid.uuid4().hex}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
