"""The import report: what was read, assumed, fixed and rejected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Finding:
    """A group of features that one fix or one rejection applied to.

    Attributes
    ----------
    kind : str
        Stable machine key, e.g. ``"dropped_z"``, ``"null_island"``.
    count : int
        Number of features.
    ids : list
        Source feature ids (fid, or row number for tables).
    message : str
        Translated sentence for people.
    """

    kind: str
    count: int
    ids: list[Any]
    message: str = ""


@dataclass
class LayerReport:
    """Report on one layer read from a source file.

    ``crs`` is the CRS the coordinates were read in (``"EPSG:4545"``) and
    ``crs_source`` how it was decided: ``"file"``, ``"option"`` or
    ``"none"``. Bounds are in EPSG:4326 (lon, lat) order.
    """

    name: str
    source: str
    feature_count: int = 0
    geometry_type: str | None = None
    crs: str | None = None
    crs_source: str = "none"
    crs_proposals: list[str] = field(default_factory=list)
    encoding: str | None = None
    encoding_source: str | None = None
    datum: str = "wgs84"
    bounds_wgs84: list[float] | None = None
    metric_crs: str | None = None
    fixes: list[Finding] = field(default_factory=list)
    rejected: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    field_map: dict[str, str] = field(default_factory=dict)
    measures: dict[str, float] = field(default_factory=dict)
    kept_count: int = 0
    error: str | None = None

    def fix(self, kind: str, ids: Iterable[Any], message: str = "") -> None:
        """Record a fix applied to ``ids`` (ignored when there are none)."""
        _add(self.fixes, kind, ids, message)

    def reject(self, kind: str, ids: Iterable[Any], message: str = "") -> None:
        """Record features left out, with the reason."""
        _add(self.rejected, kind, ids, message)

    @property
    def rejected_ids(self) -> set[Any]:
        """Every id rejected for any reason."""
        return {i for f in self.rejected for i in f.ids}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary."""
        out: dict[str, Any] = _jsonable(asdict(self))
        return out


@dataclass
class ImportReport:
    """Report on a whole source (a file can hold several layers)."""

    path: str
    layers: list[LayerReport] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file and every layer could be used."""
        return self.error is None and all(not lr.error for lr in self.layers)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary with a ``layers`` list."""
        out: dict[str, Any] = {
            "path": self.path,
            "layers": [lr.to_dict() for lr in self.layers],
        }
        if self.error:
            out["error"] = self.error
        return out


def _add(
    bucket: list[Finding], kind: str, ids: Iterable[Any], message: str
) -> None:
    """Merge ``ids`` into the finding of ``kind`` in ``bucket``."""
    ids = [_plain(i) for i in ids]
    if not ids:
        return
    for found in bucket:
        if found.kind == kind:
            found.ids.extend(ids)
            found.count = len(found.ids)
            return
    bucket.append(Finding(kind, len(ids), ids, message))


def _plain(value: Any) -> Any:
    """Numpy scalars to Python ones, so reports serialise to JSON."""
    return value.item() if hasattr(value, "item") else value


def _jsonable(value: Any) -> Any:
    """Recursively turn numpy scalars into Python ones."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return _plain(value)
