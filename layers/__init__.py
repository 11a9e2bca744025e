"""Registry of layer kinds: what each layer holds and how it is drawn.

Examples
--------
>>> from layers import get_kind
>>> roads = get_kind("roads")
>>> roads.match_fields(["osm_id", "highway", "name", "surface"])
{'name': 'name', 'road_class': 'highway', 'surface': 'surface'}
>>> category_label("roads", "road_class", "primary", lang="en")
'Primary road'
"""

from __future__ import annotations

from gis.errors import InputError
from gis.i18n import catalog, t
from layers import (
    buildings,
    facilities,
    farmland,
    hazards,
    project_features,
    relocation_sites,
    roads,
    settlements,
    townships,
    villages,
    water,
)
from layers.base import (
    Category,
    Family,
    FieldSpec,
    LayerKind,
    Style,
    normalize_name,
    normalize_value,
)

__all__ = [
    "KINDS",
    "Category",
    "Family",
    "FieldSpec",
    "LayerKind",
    "Style",
    "category_label",
    "get_kind",
    "kind_keys",
    "normalize_name",
    "normalize_value",
]

KINDS: dict[str, LayerKind] = {
    kind.key: kind
    for kind in (
        villages.KIND,
        townships.KIND,
        settlements.KIND,
        buildings.KIND,
        farmland.KIND,
        water.KIND,
        roads.KIND,
        facilities.KIND,
        hazards.KIND,
        relocation_sites.KIND,
        project_features.KIND,
    )
}


def kind_keys() -> tuple[str, ...]:
    """Keys of every layer kind, in menu order."""
    return tuple(KINDS)


def get_kind(key: str) -> LayerKind:
    """The layer kind called ``key``.

    Raises
    ------
    gis.errors.InputError
        ``key`` is not a layer kind; the message lists the valid ones.
    """
    try:
        return KINDS[key]
    except KeyError:
        raise InputError(
            t("layers.error_unknown_kind", key=key, valid=", ".join(KINDS))
        ) from None


def category_label(
    kind_key: str, field: str, value: object, *, lang: str | None = None
) -> str:
    """Human label of a category value, or the raw value if it has none.

    The value is first made canonical with the kind's category rules
    (so ``"post_office"``, ``"Post Office"`` and ``"邮政所"`` all read
    as the label of ``"post"``).

    Examples
    --------
    >>> category_label("facilities", "facility_type", "post_office", lang="zh")
    '邮局'
    >>> category_label("roads", "surface", "gravel")
    'gravel'
    """
    kind = get_kind(kind_key)
    raw = normalize_value(value)
    if not raw:
        return ""

    # canonical value by the kind's rules, else the folded raw value
    spec = kind.category_spec(field)
    canonical = spec.canonical(value) if spec else raw
    prefix = spec.label_prefix if spec else field
    key = f"layers.{prefix}_{canonical}"
    return t(key, lang=lang) if canonical and key in catalog() else str(value)
