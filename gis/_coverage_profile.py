"""Settings profiles of the coverage analysis: thresholds and class lists.

A profile is a TOML file of flat keys (see ``gis/profiles/default.toml``).
Loading starts from the shipped default, lays the given file over it,
then the per-run overrides, and checks everything once, reporting every
problem together.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gis.errors import InputError
from gis.i18n import t
from layers import get_kind

DEFAULT_PROFILE = Path(__file__).with_name("profiles") / "default.toml"

# which layer field each class list names values of
CLASS_FIELDS: dict[str, tuple[str, str]] = {
    "all_weather_road_classes": ("roads", "road_class"),
    "safe_water_classes": ("water", "water_class"),
    "school_types": ("facilities", "facility_type"),
    "clinic_types": ("facilities", "facility_type"),
}

# thresholds that must be > 0, and those that may be 0
_POSITIVE = (
    "road_m", "water_m", "school_m", "clinic_m", "snap_limit_m",
    "node_tolerance_m", "terrain_step_m", "walk_kmh",
)  # fmt: skip
_NON_NEGATIVE = ("farmland_target_mu_per_person", "assign_tolerance_m")


@dataclass(frozen=True)
class Profile:
    """Thresholds and class lists of one coverage run.

    Distances are metres in the area's local metric CRS (straight
    lines, or along the roads for the network and terrain methods); a
    settlement counts as covered when its distance is <= the threshold
    (compared in whole millimetres). Under the terrain method the
    school and clinic thresholds become walking times at ``walk_kmh``
    (5 km at 5 km/h: 60 minutes). Class lists hold canonical category
    values of the layer kinds (``layers/``). The defaults equal
    ``gis/profiles/default.toml``.
    """

    road_m: float = 500.0
    water_m: float = 800.0
    school_m: float = 5000.0
    clinic_m: float = 3000.0
    farmland_target_mu_per_person: float = 1.0
    assign_tolerance_m: float = 2000.0
    snap_limit_m: float = 1000.0
    node_tolerance_m: float = 0.5
    walk_kmh: float = 5.0
    terrain_step_m: float = 50.0
    all_weather_road_classes: tuple[str, ...] = (
        "motorway", "trunk", "primary", "secondary", "tertiary",
        "unclassified", "road", "residential", "living_street",
        "national", "provincial", "county", "township", "village",
    )  # fmt: skip
    safe_water_classes: tuple[str, ...] = (
        "drinking_water", "tap", "well", "spring", "cistern", "tank",
        "waterworks",
    )  # fmt: skip
    school_types: tuple[str, ...] = ("school",)
    clinic_types: tuple[str, ...] = ("clinic", "hospital")

    def __post_init__(self) -> None:
        problems = _value_problems(dataclasses.asdict(self))
        if problems:
            raise InputError(
                t("coverage.profile_invalid", source=t("coverage.profile_given"),
                  problems="; ".join(problems))
            )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        """Plain values (lists for the class tuples), for files."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in dataclasses.asdict(self).items()
        }


def profile_keys() -> tuple[str, ...]:
    """Names of every profile setting, in file order."""
    return tuple(f.name for f in dataclasses.fields(Profile))


def load_profile(path: Path | str | None = None, **overrides: object) -> Profile:
    """Read a settings profile, with per-run overrides.

    Parameters
    ----------
    path : Path, optional
        A profile TOML file; its keys are laid over the shipped default
        (``gis/profiles/default.toml``), so it may set only some of them.
    **overrides
        Settings for this run only, e.g. ``road_m=800``. ``None`` leaves
        a setting alone; numbers may be given as text (``"800"``) and
        class lists as comma-separated text (``"school,kindergarten"``),
        as a command line passes them.

    Raises
    ------
    gis.errors.InputError
        The file cannot be read, or names unknown keys, or a value is
        bad; every problem is listed together.

    Examples
    --------
    >>> load_profile(road_m="800").road_m
    800.0
    """
    values = _read_toml(DEFAULT_PROFILE)
    source = str(DEFAULT_PROFILE)
    if path is not None:
        values |= _read_toml(Path(path))
        source = str(path)
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        source = t("coverage.profile_with_overrides", source=source)
    values |= given

    # every problem together: unknown keys, wrong types, bad values
    problems = _unknown_keys(values)
    known = {k: v for k, v in values.items() if k in profile_keys()}
    coerced, type_problems = _coerce(known)
    problems += type_problems + _value_problems(coerced)
    if problems:
        raise InputError(
            t("coverage.profile_invalid", source=source,
              problems="; ".join(problems))
        )  # fmt: skip
    return Profile(**coerced)  # type: ignore[arg-type]


def _read_toml(path: Path) -> dict[str, object]:
    """The tables of one TOML file."""
    try:
        with path.open("rb") as fh:
            return dict(tomllib.load(fh))
    except OSError as exc:
        raise InputError(
            t("coverage.profile_unreadable", path=str(path), why=exc.strerror)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            t("coverage.profile_unreadable", path=str(path), why=str(exc))
        ) from exc


def _unknown_keys(values: Mapping[str, object]) -> list[str]:
    """A problem naming the keys no setting has, if any."""
    unknown = sorted(set(values) - set(profile_keys()))
    if not unknown:
        return []
    return [
        t("coverage.profile_unknown_keys", keys=", ".join(unknown),
          valid=", ".join(profile_keys()))
    ]  # fmt: skip


def _coerce(values: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """Numbers to float and class lists to tuples; problems where impossible."""
    out: dict[str, object] = {}
    problems: list[str] = []
    for key, value in values.items():
        converted = _as_classes(value) if key in CLASS_FIELDS else _as_number(value)
        if converted is None:
            wanted = "list" if key in CLASS_FIELDS else "number"
            problems.append(
                t(f"coverage.profile_not_{wanted}", key=key, value=repr(value))
            )
        else:
            out[key] = converted
    return out, problems


def _as_number(value: object) -> float | None:
    """A float from a number or numeric text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _as_classes(value: object) -> tuple[str, ...] | None:
    """A tuple of names from a list or comma-separated text; None otherwise."""
    items: list[object]
    if isinstance(value, str):
        items = list(value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    names = (str(item).strip() for item in items)
    return tuple(dict.fromkeys(name for name in names if name))


def _value_problems(values: Mapping[str, object]) -> list[str]:
    """What is wrong with the settings present in ``values``."""
    problems: list[str] = []

    # thresholds: finite, positive (tolerance and target may be 0)
    for key in (*_POSITIVE, *_NON_NEGATIVE):
        value = values.get(key)
        if value is None:
            continue
        plain = isinstance(value, int | float) and not isinstance(value, bool)
        number = float(value) if plain else None  # type: ignore[arg-type]
        ok = number is not None and math.isfinite(number) and number >= 0
        if not ok or (key in _POSITIVE and number == 0):
            low = ">" if key in _POSITIVE else ">="
            problems.append(
                t("coverage.profile_bad_number", key=key, value=repr(value), low=low)
            )

    # class lists: known canonical values, at least one
    for key, (kind_key, field) in CLASS_FIELDS.items():
        names = values.get(key)
        if names is None:
            continue
        problems += _class_problems(key, names, kind_key, field)
    return problems


def _class_problems(key: str, names: object, kind_key: str, field: str) -> list[str]:
    """Problems of one class list: empty, not text, or unknown values."""
    if not isinstance(names, tuple) or not names:
        return [t("coverage.profile_empty_list", key=key)]
    spec = get_kind(kind_key).category_spec(field)
    valid = spec.values if spec else ()
    unknown = [name for name in names if name not in valid]
    if not unknown:
        return []
    return [
        t("coverage.profile_unknown_classes", key=key,
          names=", ".join(map(str, unknown)), valid=", ".join(valid))
    ]  # fmt: skip
