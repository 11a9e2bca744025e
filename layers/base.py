"""Building blocks of a layer kind: fields, style, category values, matching.

A :class:`LayerKind` is declarative: which geometry families a layer may
hold, which fields it carries (with the column names real files use for
them), how it is drawn and what its popup shows. The only logic here
matches a file's columns to those fields and a raw value to a known
category.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal

from gis.errors import InputError
from gis.i18n import t

Family = Literal["point", "line", "polygon"]
DType = Literal["str", "int", "float", "date", "bool"]

FAMILIES: tuple[Family, ...] = ("point", "line", "polygon")
DTYPES: tuple[DType, ...] = ("str", "int", "float", "date", "bool")

_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_SNAKE_CASE = re.compile(r"[a-z][a-z0-9_]*")
_NAME_NOISE = re.compile(r"[\s_\-]+")
_VALUE_NOISE = re.compile(r"[\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9_]+")


def normalize_name(text: str) -> str:
    """Fold a column name for matching.

    Full-width forms become half-width (NFKC), case is folded and spaces,
    ``_`` and ``-`` are dropped, so ``"TOT_POPULATION"``,
    ``"tot population"`` and ``"ＴＯＴ－ＰＯＰＵＬＡＴＩＯＮ"`` all match.

    Examples
    --------
    >>> normalize_name("Village_Code 2011")
    'villagecode2011'
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NAME_NOISE.sub("", folded)


def normalize_value(raw: object) -> str:
    """Fold a category value into a snake_case key.

    An OSM-style ``key=value`` keeps its value; runs of anything but
    letters and digits become one ``_``. Missing values give ``""``.

    Examples
    --------
    >>> normalize_value("landuse=reservoir")
    'reservoir'
    >>> normalize_value("Transport/Admin")
    'transport_admin'
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).casefold().strip()
    text = text.rsplit("=", 1)[-1]
    return _VALUE_NOISE.sub("_", text).strip("_")


def is_hex_color(text: str) -> bool:
    """Tell whether ``text`` is a ``#rrggbb`` colour."""
    return bool(_HEX_COLOR.fullmatch(text))


def _frozen(mapping: Mapping[str, object]) -> MappingProxyType[str, object]:
    """Read-only copy of a mapping."""
    return MappingProxyType(dict(mapping))


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One attribute of a layer kind.

    ``aliases`` are column names seen in real files (English, Chinese,
    and the demo sources' own); the canonical ``name`` matches too, first.
    ``label_key`` defaults to ``"layers.field_<name>"``.
    """

    name: str
    dtype: DType
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    required: bool = False
    label_key: str = ""

    def __post_init__(self) -> None:
        if not _SNAKE_CASE.fullmatch(self.name):
            raise ValueError(f"Field name {self.name!r} is not snake_case.")
        if self.dtype not in DTYPES:
            raise ValueError(
                f"Field {self.name!r} has dtype {self.dtype!r}; "
                f"use one of {', '.join(DTYPES)}."
            )
        object.__setattr__(self, "aliases", tuple(self.aliases))
        if not self.label_key:
            object.__setattr__(self, "label_key", f"layers.field_{self.name}")

    def match_keys(self) -> tuple[str, ...]:
        """Normalised names that select this field, best first."""
        keys = (normalize_name(n) for n in (self.name, *self.aliases))
        return tuple(dict.fromkeys(keys))

    def label(self, *, lang: str | None = None) -> str:
        """Translated label of the field."""
        return t(self.label_key, lang=lang)


@dataclasses.dataclass(frozen=True)
class Style:
    """How a layer is drawn (Leaflet-like options).

    ``category_*`` mappings are keyed by canonical category values (see
    :class:`Category`) and override the base colour, weight and dash.
    With ``size_field`` set, point radii grow with the square root of
    the value, so symbol area is proportional to it: ``radius`` at
    ``size_reference``, capped at ``max_radius``.
    """

    color: str
    weight: float = 2.0
    fill_color: str | None = None
    fill_opacity: float = 0.0
    radius: float = 5.0
    dash_array: str | None = None
    category_field: str | None = None
    category_colors: Mapping[str, str] = dataclasses.field(
        default_factory=dict, hash=False
    )
    category_weights: Mapping[str, float] = dataclasses.field(
        default_factory=dict, hash=False
    )
    category_dash_arrays: Mapping[str, str] = dataclasses.field(
        default_factory=dict, hash=False
    )
    size_field: str | None = None
    size_reference: float = 100.0
    max_radius: float = 18.0

    def __post_init__(self) -> None:
        # freeze the mappings so the style stays immutable
        for name in ("category_colors", "category_weights", "category_dash_arrays"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

        bad = [c for c in self.colors() if not is_hex_color(c)]
        if bad:
            raise ValueError(f"Colours {bad} are not '#rrggbb'.")
        if not 0.0 <= self.fill_opacity <= 1.0:
            raise ValueError(f"fill_opacity {self.fill_opacity} is not in [0, 1].")

    def colors(self) -> tuple[str, ...]:
        """Every colour the style uses."""
        fill = (self.fill_color,) if self.fill_color else ()
        return (self.color, *fill, *self.category_colors.values())

    def color_for(self, value: str | None) -> str:
        """Stroke colour for a canonical category value."""
        return self.category_colors.get(value or "", self.color)

    def weight_for(self, value: str | None) -> float:
        """Line weight for a canonical category value."""
        return self.category_weights.get(value or "", self.weight)

    def dash_array_for(self, value: str | None) -> str | None:
        """Dash pattern for a canonical category value."""
        return self.category_dash_arrays.get(value or "", self.dash_array)

    def radius_for(self, size: float | None) -> float:
        """Marker radius in px for a ``size_field`` value."""
        if self.size_field is None or size is None or not size > 0:
            return self.radius
        scaled = self.radius * math.sqrt(size / self.size_reference)
        return min(max(scaled, self.radius / 2), self.max_radius)

    def leaflet(
        self, category: str | None = None, size: float | None = None
    ) -> dict[str, object]:
        """Leaflet path options for one feature (folium ``style_function``)."""
        color = self.color_for(category)
        options: dict[str, object] = {
            "color": color,
            "weight": self.weight_for(category),
            "fill": self.fill_opacity > 0,
            "fillColor": self.fill_color or color,
            "fillOpacity": self.fill_opacity,
            "radius": self.radius_for(size),
        }
        dash = self.dash_array_for(category)
        if dash:
            options["dashArray"] = dash
        if self.category_field and category in self.category_colors:
            options["fillColor"] = color
        return options


@dataclasses.dataclass(frozen=True)
class Category:
    """The known values of one category field, for legends and labels.

    ``values`` are canonical snake_case keys in legend order. A raw value
    is folded with :func:`normalize_value`, then looked up in
    ``values``, then in ``aliases`` (raw -> canonical), then searched for
    ``keywords`` in order: an ASCII keyword must match whole ``_``-words,
    a Chinese one any substring. Labels are message keys
    ``"layers.<label_prefix>_<value>"``; the prefix defaults to ``field``.
    """

    field: str
    values: tuple[str, ...]
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict, hash=False)
    keywords: tuple[tuple[str, str], ...] = ()
    label_prefix: str = ""

    def __post_init__(self) -> None:
        # fold aliases and keywords the way raw values will be folded
        aliases = {normalize_value(k): v for k, v in self.aliases.items()}
        keywords = tuple((normalize_value(k), v) for k, v in self.keywords)
        object.__setattr__(self, "aliases", _frozen(aliases))
        object.__setattr__(self, "keywords", keywords)
        object.__setattr__(self, "label_prefix", self.label_prefix or self.field)

        # every target must be a known value
        targets = {*aliases.values(), *(v for _, v in keywords)}
        unknown = sorted(targets - set(self.values))
        if unknown:
            raise ValueError(
                f"Category {self.field!r}: targets {unknown} are not in values."
            )

    def canonical(self, raw: object) -> str | None:
        """Canonical value for a raw one, or ``None`` when unknown."""
        value = normalize_value(raw)
        if not value:
            return None
        if value in self.values:
            return value
        if value in self.aliases:
            return self.aliases[value]
        hits = (v for k, v in self.keywords if _contains_keyword(value, k))
        return next(hits, None)

    def label_key(self, value: str) -> str:
        """Message key of a canonical value's label."""
        return f"layers.{self.label_prefix}_{value}"


def _contains_keyword(value: str, keyword: str) -> bool:
    """Whole-word match for ASCII keywords, substring for the others."""
    if _ASCII_WORD.fullmatch(keyword):
        return f"_{keyword}_" in f"_{value}_"
    return keyword in value


@dataclasses.dataclass(frozen=True)
class LayerKind:
    """Everything the import, the map and the exports know about a layer."""

    key: str
    families: tuple[Family, ...]
    fields: tuple[FieldSpec, ...]
    style: Style
    popup_fields: tuple[str, ...]
    label_key: str
    name_field: str | None = "name"
    id_field: str | None = None
    categories: tuple[Category, ...] = ()

    def __post_init__(self) -> None:
        self._check_families()
        self._check_references()
        self._check_aliases()

    @property
    def main_family(self) -> Family:
        """The family a new, empty layer of this kind gets."""
        return self.families[0]

    def field_names(self) -> tuple[str, ...]:
        """Canonical field names in order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``; :class:`KeyError` if there is none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(
            f"Layer kind {self.key!r} has no field {name!r}; "
            f"its fields are {', '.join(self.field_names())}."
        )

    def label(self, *, lang: str | None = None) -> str:
        """Translated name of the kind."""
        return t(self.label_key, lang=lang)

    def category_spec(self, field_name: str) -> Category | None:
        """The known values of ``field_name``, if it is a category field."""
        return next((c for c in self.categories if c.field == field_name), None)

    def canonical_value(self, field_name: str, raw: object) -> str | None:
        """Canonical category value of ``raw``, ``None`` when unknown."""
        spec = self.category_spec(field_name)
        return spec.canonical(raw) if spec else None

    def value_label(self, field_name: str, raw: object) -> str:
        """Translated label of ``raw``'s canonical category value; the raw
        text itself when it is not a known value (``"-"`` when empty)."""
        value = self.canonical_value(field_name, raw)
        spec = self.category_spec(field_name)
        if spec is not None and value:
            return t(spec.label_key(value))
        text = "" if raw is None or raw != raw else str(raw).strip()
        return text or "-"

    def match_fields(
        self,
        columns: Sequence[str],
        overrides: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Map canonical field name -> source column.

        Names match case-insensitively, ignoring spaces, ``_``, ``-`` and
        full-/half-width differences; each field tries its canonical name
        first, then its aliases in order. A column fills one field at most.

        Parameters
        ----------
        columns : sequence of str
            The source's column names.
        overrides : mapping of str to str, optional
            ``{target: source}`` from the user (``--field target=source``);
            these win. An empty source leaves the target unmapped.

        Returns
        -------
        dict
            ``{field: column}`` in the kind's field order.

        Raises
        ------
        gis.errors.InputError
            An override names an unknown field, a column the source does
            not have, or the same column twice.
        """
        columns = [str(c) for c in columns]
        chosen = self._apply_overrides(columns, overrides or {})

        # the rest by name, each column used once
        taken = {c for c in chosen.values() if c}
        index = _index_columns(columns)
        for spec in self.fields:
            if spec.name in chosen:
                continue
            column = _first_free(spec.match_keys(), index, taken)
            if column is not None:
                chosen[spec.name] = column
                taken.add(column)

        return {f.name: c for f in self.fields if (c := chosen.get(f.name))}

    def _apply_overrides(
        self, columns: list[str], overrides: Mapping[str, str]
    ) -> dict[str, str]:
        """Check the user's ``target=source`` pairs and resolve them."""
        chosen: dict[str, str] = {}
        users: dict[str, str] = {}
        for target, source in overrides.items():
            name = self._resolve_target(target)
            column = _resolve_column(name, source, columns) if source else ""

            # the same column cannot fill two fields
            if column and column in users:
                raise InputError(
                    t("layers.error_column_reused", column=column,
                      first=users[column], second=name)
                )  # fmt: skip
            if column:
                users[column] = name
            chosen[name] = column
        return chosen

    def _resolve_target(self, target: str) -> str:
        """Canonical field name for a user-typed one."""
        wanted = normalize_name(target)
        for spec in self.fields:
            if normalize_name(spec.name) == wanted:
                return spec.name
        raise InputError(
            t("layers.error_unknown_field", kind=self.key, target=target,
              valid=", ".join(self.field_names()))
        )  # fmt: skip

    def _check_families(self) -> None:
        bad = [f for f in self.families if f not in FAMILIES]
        if not self.families or bad or len(set(self.families)) < len(self.families):
            raise ValueError(
                f"Layer kind {self.key!r}: families {self.families} must be "
                f"distinct values of {FAMILIES}."
            )

    def _check_references(self) -> None:
        names = self.field_names()
        if len(set(names)) < len(names):
            raise ValueError(f"Layer kind {self.key!r} repeats a field name.")

        # every field named elsewhere in the kind must exist
        used = [
            *self.popup_fields,
            *(c.field for c in self.categories),
            *(n for n in (self.name_field, self.id_field) if n),
            *(n for n in (self.style.category_field, self.style.size_field) if n),
        ]
        unknown = sorted(set(used) - set(names))
        if unknown:
            raise ValueError(
                f"Layer kind {self.key!r} refers to unknown fields {unknown}."
            )

        # styled categories must be known values
        spec = self.category_spec(self.style.category_field or "")
        styled = {
            *self.style.category_colors,
            *self.style.category_weights,
            *self.style.category_dash_arrays,
        }
        extra = sorted(styled - set(spec.values if spec else ()))
        if extra:
            raise ValueError(
                f"Layer kind {self.key!r} styles unknown categories {extra}."
            )

    def _check_aliases(self) -> None:
        owner: dict[str, str] = {}
        for spec in self.fields:
            for key in spec.match_keys():
                if owner.setdefault(key, spec.name) != spec.name:
                    raise ValueError(
                        f"Layer kind {self.key!r}: column name {key!r} would "
                        f"match both {owner[key]!r} and {spec.name!r}."
                    )


def _index_columns(columns: Sequence[str]) -> dict[str, list[str]]:
    """Columns grouped by normalised name, in source order."""
    index: dict[str, list[str]] = {}
    for column in columns:
        index.setdefault(normalize_name(column), []).append(column)
    return index


def _first_free(
    keys: Sequence[str], index: Mapping[str, list[str]], taken: set[str]
) -> str | None:
    """First column not yet taken whose normalised name is in ``keys``."""
    for key in keys:
        for column in index.get(key, ()):
            if column not in taken:
                return column
    return None


def _resolve_column(target: str, source: str, columns: list[str]) -> str:
    """The source column a user named, exactly or by normalised name."""
    if source in columns:
        return source
    similar = [c for c in columns if normalize_name(c) == normalize_name(source)]
    if len(similar) == 1:
        return similar[0]
    raise InputError(
        t("layers.error_unknown_column", column=source, target=target,
          valid=", ".join(columns) or "-")
    )  # fmt: skip
