"""Settings profiles of the coverage and siting analyses: thresholds and
class lists.

A profile is a TOML file of flat coverage keys plus a ``[siting]`` table
for the relocation siting review (see ``gis/profiles/default.toml``).
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
    "farmland_classes": ("farmland", "land_class"),
}

# thresholds that must be > 0, and those that may be 0
_POSITIVE = (
    "road_m", "water_m", "school_m", "clinic_m", "snap_limit_m",
    "node_tolerance_m", "terrain_step_m", "walk_kmh",
)  # fmt: skip
_NON_NEGATIVE = ("farmland_target_mu_per_person", "assign_tolerance_m")

# the siting table: its class lists, and the bounds of its numbers
SITING_TABLE = "siting"
SITING_CLASS_FIELDS: dict[str, tuple[str, str]] = {
    "river_classes": ("water", "water_class"),
    "town_types": ("facilities", "facility_type"),
}
_SITING_SHARES = ("public_share", "max_no_data_share")
_SITING_DEGREES = ("max_mean_slope_deg", "max_slope_deg")


@dataclass(frozen=True)
class SitingProfile:
    """Thresholds of the relocation siting review (the ``[siting]`` table).

    Clearances (``hazard_m``, ``river_m``) are the least distance a
    site's nearest edge must keep; reach thresholds (``road_m``,
    ``school_m``, ``clinic_m``, ``town_m``, ``water_m``) the most
    distance from the site's centre; slopes are degrees over the site.
    Capacity needs ``people * housing_m2_per_person * (1 + public_share)``
    square metres of usable ground. The defaults equal the ``[siting]``
    table of ``gis/profiles/default.toml``.
    """

    hazard_m: float = 500.0
    max_mean_slope_deg: float = 15.0
    max_slope_deg: float = 25.0
    max_no_data_share: float = 0.5
    point_site_radius_m: float = 100.0
    river_m: float = 100.0
    road_m: float = 500.0
    school_m: float = 5000.0
    clinic_m: float = 3000.0
    town_m: float = 10000.0
    water_m: float = 800.0
    farmland_m: float = 2000.0
    farmland_mu_per_person: float = 1.0
    housing_m2_per_person: float = 25.0
    public_share: float = 0.4
    river_classes: tuple[str, ...] = (
        "river", "stream", "canal", "reservoir", "lake", "pond", "basin",
        "water_body",
    )  # fmt: skip
    town_types: tuple[str, ...] = ("market", "office")

    def __post_init__(self) -> None:
        problems = _siting_problems(dataclasses.asdict(self))
        if problems:
            raise InputError(
                t("coverage.profile_invalid", source=t("coverage.profile_given"),
                  problems="; ".join(problems))
            )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        """Plain values (lists for the class tuples), for files."""
        return _plain(dataclasses.asdict(self))

    @property
    def needed_m2_per_person(self) -> float:
        """Ground one relocated person needs: housing plus public share."""
        return self.housing_m2_per_person * (1.0 + self.public_share)


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
    farmland_classes: tuple[str, ...] = (
        "farmland", "paddy", "irrigated_land", "dry_land", "terrace",
        "orchard", "tea_garden", "vineyard", "allotments", "greenhouse",
    )  # fmt: skip
    siting: SitingProfile = dataclasses.field(default_factory=SitingProfile)

    def __post_init__(self) -> None:
        problems = _value_problems(self._flat())
        if problems:
            raise InputError(
                t("coverage.profile_invalid", source=t("coverage.profile_given"),
                  problems="; ".join(problems))
            )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        """Plain coverage values (lists for the class tuples), for files;
        the siting table has its own (``profile.siting.as_dict()``)."""
        return _plain(self._flat())

    def _flat(self) -> dict[str, object]:
        """The coverage settings, without the siting table."""
        return {key: getattr(self, key) for key in profile_keys()}


def profile_keys() -> tuple[str, ...]:
    """Names of every coverage setting, in file order (the siting table
    aside: see :func:`siting_keys`)."""
    return tuple(f.name for f in dataclasses.fields(Profile) if f.name != SITING_TABLE)


def siting_keys() -> tuple[str, ...]:
    """Names of every setting of the ``[siting]`` table, in file order."""
    return tuple(f.name for f in dataclasses.fields(SitingProfile))


def _plain(values: Mapping[str, object]) -> dict[str, object]:
    """Tuples as lists, for files."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


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
        as a command line passes them. ``siting={"hazard_m": 300}``
        overrides keys of the ``[siting]`` table the same way.

    Raises
    ------
    gis.errors.InputError
        The file cannot be read, or names unknown keys, or a value is
        bad; every problem is listed together.

    Examples
    --------
    >>> load_profile(road_m="800").road_m
    800.0
    >>> load_profile(siting={"hazard_m": "300"}).siting.hazard_m
    300.0
    """
    values = _read_toml(DEFAULT_PROFILE)
    siting = _siting_table(values)
    source = str(DEFAULT_PROFILE)
    if path is not None:
        given_file = _read_toml(Path(path))
        siting |= _siting_table(given_file)
        values |= given_file
        source = str(path)
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        source = t("coverage.profile_with_overrides", source=source)
    siting |= _siting_table(given)
    values |= given

    # every problem together: unknown keys, wrong types, bad values
    problems = _unknown_keys(values)
    known = {k: v for k, v in values.items() if k in profile_keys()}
    coerced, type_problems = _coerce(known)
    problems += type_problems + _value_problems(coerced)
    siting_values, siting_problems = _coerce_siting(siting)
    problems += siting_problems
    if problems:
        raise InputError(
            t("coverage.profile_invalid", source=source,
              problems="; ".join(problems))
        )  # fmt: skip
    siting_profile = SitingProfile(**siting_values)  # type: ignore[arg-type]
    return Profile(**coerced, siting=siting_profile)  # type: ignore[arg-type]


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


def _siting_table(values: dict[str, object]) -> dict[str, object]:
    """The ``[siting]`` table of ``values``, taken out of it ({} if none;
    a value that is not a table is left in place, to be reported)."""
    table = values.get(SITING_TABLE)
    if not isinstance(table, Mapping):
        return {}
    del values[SITING_TABLE]
    return {k: v for k, v in table.items() if v is not None}


def _coerce_siting(values: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """The siting table's values converted, and every problem of it
    (keys named ``siting.<key>``)."""
    unknown = sorted(set(values) - set(siting_keys()))
    problems = [
        t("coverage.profile_unknown_keys",
          keys=", ".join(f"{SITING_TABLE}.{k}" for k in unknown),
          valid=", ".join(siting_keys()))
    ] if unknown else []  # fmt: skip
    out: dict[str, object] = {}
    for key in (k for k in values if k in siting_keys()):
        value = values[key]
        lists = key in SITING_CLASS_FIELDS
        converted = _as_classes(value) if lists else _as_number(value)
        if converted is None:
            wanted = "list" if lists else "number"
            problems.append(
                t(f"coverage.profile_not_{wanted}", key=f"{SITING_TABLE}.{key}",
                  value=repr(value))
            )  # fmt: skip
        else:
            out[key] = converted
    return out, problems + _siting_problems(out)


def _siting_problems(values: Mapping[str, object]) -> list[str]:
    """What is wrong with the siting settings present in ``values``:
    distances and per-person figures > 0, shares in [0, 1], slopes in
    (0, 90) degrees, class lists of known values."""
    problems: list[str] = []
    for key, value in values.items():
        name = f"{SITING_TABLE}.{key}"
        if key in SITING_CLASS_FIELDS:
            kind_key, column = SITING_CLASS_FIELDS[key]
            problems += _class_problems(name, value, kind_key, column)
            continue
        plain = isinstance(value, int | float) and not isinstance(value, bool)
        number = float(value) if plain else math.nan  # type: ignore[arg-type]
        if key in _SITING_SHARES:
            ok, low = 0.0 <= number <= 1.0, "0..1"
        elif key in _SITING_DEGREES:
            ok, low = 0.0 < number < 90.0, "0..90°"
        else:
            ok, low = math.isfinite(number) and number > 0, "> 0"
        if not ok:
            problems.append(t("siting.profile_bad_value", key=name,
                              value=repr(value), allowed=low))  # fmt: skip
    return problems


def _unknown_keys(values: Mapping[str, object]) -> list[str]:
    """Problems naming the keys no setting has, and a siting "table"
    that is not one (a table was taken out before), if any."""
    problems = []
    if SITING_TABLE in values:
        problems.append(t("siting.profile_not_table", value=repr(values[SITING_TABLE])))
    unknown = sorted(set(values) - set(profile_keys()) - {SITING_TABLE})
    if unknown:
        problems.append(
            t("coverage.profile_unknown_keys", keys=", ".join(unknown),
              valid=", ".join(profile_keys()))
        )  # fmt: skip
    return problems


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
