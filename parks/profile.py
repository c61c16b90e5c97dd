"""Firm profile: what a firm looking for a site tells the tool, validated against its schema.

The contract is ``firm-profile.schema.json`` (a copy of ``shared/schemas/firm-profile.schema.json``
kept beside this module so the app works without ``../shared``). :func:`validate_profile` checks
the JSON Schema (Draft 2020-12) and the rules a schema cannot express, gathers **every** problem
and raises :class:`~parks.errors.InvalidFirmProfileError` listing them all.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import jsonschema

from parks.errors import InvalidFirmProfileError
from parks.messages import Message, Problem

SCHEMA_PATH = Path(__file__).with_name("firm-profile.schema.json")
"""The firm-profile JSON Schema shipped with the package."""

Industry = Literal[
    "manufacturing",
    "high_tech_manufacturing",
    "logistics_transport",
    "logistics_wholesale",
    "research",
    "software",
    "design",
    "engineering",
]
Project = Literal["new_site", "expansion", "acquisition"]
"""新設 (a new site), 増設 (enlarging a site) or 取得 (buying an existing factory or site)."""
Origin = Literal["outside_prefecture", "inside_prefecture", "inside_city"]
CostItem = Literal["land", "building", "equipment", "relocation", "rent_3_years"]

INDUSTRIES: tuple[str, ...] = get_args(Industry)
PROJECTS: tuple[str, ...] = get_args(Project)
ORIGINS: tuple[str, ...] = get_args(Origin)
COST_ITEMS: tuple[str, ...] = get_args(CostItem)


@dataclass(frozen=True)
class Investment:
    """Planned investment in integer yen; ``None`` means the firm did not say (unknown, not 0)."""

    land: int | None = None
    building: int | None = None
    equipment: int | None = None
    relocation: int | None = None
    rent_3_years: int | None = None

    def __post_init__(self) -> None:
        problems = [
            Problem(("investment_jpy", name), Message("Enter a whole number of yen, 0 or more."))
            for name in COST_ITEMS
            if (value := getattr(self, name)) is not None
            and (isinstance(value, bool) or not isinstance(value, int) or value < 0)
        ]
        if problems:
            raise InvalidFirmProfileError(problems)

    def item(self, name: str) -> int | None:
        """Return one cost item by its schema name."""
        if name not in COST_ITEMS:
            msg = f"unknown cost item {name!r}; expected one of {', '.join(COST_ITEMS)}"
            raise KeyError(msg)
        value: int | None = getattr(self, name)
        return value

    def total(self, items: tuple[str, ...] | list[str]) -> tuple[int, bool]:
        """Return the sum of the known ``items`` and whether every one of them is known."""
        values = [self.item(name) for name in items]
        return sum(v for v in values if v is not None), all(v is not None for v in values)


@dataclass(frozen=True)
class DriveLimits:
    """Upper limits on drive minutes to the nearest destination of each kind."""

    interchange: float | None = None
    port: float | None = None
    airport: float | None = None
    station: float | None = None


@dataclass(frozen=True)
class FirmProfile:
    """A firm's siting request (``firm-profile.schema.json``); build it with validate_profile."""

    industry: Industry
    project: Project
    origin: Origin
    name: str | None = None
    hq_functions: bool = False
    land_m2_min: float | None = None
    land_m2_max: float | None = None
    investment: Investment = field(default_factory=Investment)
    new_hires: int | None = None
    new_hires_residents: int | None = None
    new_hires_from_outside_prefecture: int | None = None
    regular_employees: int | None = None
    max_drive_minutes: DriveLimits = field(default_factory=DriveLimits)
    needs_groundwater: bool = False
    max_land_price_per_m2: int | None = None
    operational_by: date | None = None

    def __post_init__(self) -> None:
        problems = []
        for name, allowed in (
            ("industry", INDUSTRIES),
            ("project", PROJECTS),
            ("origin", ORIGINS),
        ):
            if getattr(self, name) not in allowed:
                problems.append(Problem((name,), CHOOSE_ONE))
        counts = {name: getattr(self, name) for name in _COUNT_FIELDS}
        problems.extend(_cross_field_problems(self.land_m2_min, self.land_m2_max, counts))
        if problems:
            raise InvalidFirmProfileError(problems)

    def count(self, name: str) -> int | None:
        """Return a head count field (``new_hires``, ``regular_employees``, ...) by name."""
        if name not in _COUNT_FIELDS:
            msg = f"unknown count field {name!r}; expected one of {', '.join(_COUNT_FIELDS)}"
            raise KeyError(msg)
        value: int | None = getattr(self, name)
        return value

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as schema-shaped JSON data (omitting unknown fields)."""
        out: dict[str, Any] = {
            "industry": self.industry,
            "project": self.project,
            "origin": self.origin,
            "hq_functions": self.hq_functions,
            "needs_groundwater": self.needs_groundwater,
        }
        if self.name is not None:
            out["name"] = self.name
        land = {k: v for k, v in (("min", self.land_m2_min), ("max", self.land_m2_max)) if v}
        if land:
            out["land_m2"] = land
        invest = {k: v for k in COST_ITEMS if (v := self.investment.item(k)) is not None}
        if invest:
            out["investment_jpy"] = invest
        for name in _COUNT_FIELDS:
            if (value := getattr(self, name)) is not None:
                out[name] = value
        drive = {
            k: v
            for k in ("interchange", "port", "airport", "station")
            if (v := getattr(self.max_drive_minutes, k)) is not None
        }
        if drive:
            out["max_drive_minutes"] = drive
        if self.max_land_price_per_m2 is not None:
            out["max_land_price_per_m2"] = self.max_land_price_per_m2
        if self.operational_by is not None:
            out["operational_by"] = self.operational_by.isoformat()
        return out


_COUNT_FIELDS = (
    "new_hires",
    "new_hires_residents",
    "new_hires_from_outside_prefecture",
    "regular_employees",
)


CHOOSE_ONE = Message("Choose one of the listed options.")


def _num(value: float) -> int | float:
    """Return a whole float as an int, so messages show ``20,000`` rather than ``20,000.0``."""
    return int(value) if float(value).is_integer() else value


def _cross_field_problems(
    land_min: float | None, land_max: float | None, counts: dict[str, float | None]
) -> list[Problem]:
    """Return the problems a JSON Schema cannot express (relations between fields)."""
    problems = []
    if land_min is not None and land_max is not None and land_max < land_min:
        problems.append(
            Problem(
                ("land_m2", "max"),
                Message(
                    "The largest area must be at least the smallest area (%(min)s m²).",
                    {"min": _num(land_min)},
                ),
            )
        )
    hires = counts.get("new_hires")
    for part in ("new_hires_residents", "new_hires_from_outside_prefecture"):
        value = counts.get(part)
        if hires is not None and value is not None and value > hires:
            problems.append(
                Problem(
                    (part,),
                    Message(
                        "This cannot be more than the new hires (%(hires)s).",
                        {"hires": _num(hires)},
                    ),
                )
            )
    staff = counts.get("regular_employees")
    if hires is not None and staff is not None and hires > staff:
        problems.append(
            Problem(
                ("new_hires",),
                Message(
                    "New hires cannot be more than the regular employees after the project "
                    "(%(staff)s), who include them.",
                    {"staff": _num(staff)},
                ),
            )
        )
    return problems


MAX_YEN = 10**13
"""Largest investment item accepted (¥10 trillion, far above any single factory)."""

MAX_HEADS = 1_000_000
"""Largest head count accepted."""

MAX_AREA_M2 = 100_000_000
"""Largest site area accepted (10,000 ha)."""

MAX_MINUTES = 600
"""Largest drive-time limit accepted (ten hours)."""

MAX_PRICE_PER_M2 = 100_000_000
"""Largest land price limit accepted (¥/m²)."""

BOUNDS: dict[tuple[str, ...], float] = {
    **{("land_m2", k): MAX_AREA_M2 for k in ("min", "max")},
    **{("investment_jpy", k): MAX_YEN for k in get_args(CostItem)},
    **{
        (k,): MAX_HEADS
        for k in (
            "new_hires",
            "new_hires_residents",
            "new_hires_from_outside_prefecture",
            "regular_employees",
        )
    },
    **{
        ("max_drive_minutes", k): MAX_MINUTES for k in ("interchange", "port", "airport", "station")
    },
    ("max_land_price_per_m2",): MAX_PRICE_PER_M2,
}
"""Upper bound of every number in a profile, added to the shared schema as ``maximum``, so
no number is unbounded (the shared schema file gives only the lower bounds)."""


@cache
def load_schema() -> dict[str, Any]:
    """Return the firm-profile JSON Schema with every number bounded (read once)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for path, maximum in BOUNDS.items():
        node = schema
        for key in path:
            node = node.get("properties", {}).get(key, {})
        if node:
            node["maximum"] = maximum
    return schema


_TYPE_MESSAGES = {
    "integer": Message("Enter a whole number."),
    "number": Message("Enter a number."),
    "boolean": Message("Answer yes or no (true or false)."),
    "string": Message("Enter text."),
    "object": Message("This must be a group of fields (a JSON object)."),
}


def problem_from_schema_error(error: jsonschema.ValidationError) -> Problem:
    """Translate one JSON Schema violation into a field and a sentence saying what to fix.

    The validator's own text ("'industry' is a required property") names schema keywords;
    the user needs the field and what to enter, in their language.
    """
    path: tuple[str | int, ...] = tuple(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    if keyword == "required":
        # one error per missing property; its message is "'name' is a required property"
        quoted = re.match(r"^'([^']+)'", error.message)
        missing = quoted.group(1) if quoted else None
        return Problem((*path, missing) if missing else path, Message("This is required."))
    if keyword == "enum":
        return Problem(path, CHOOSE_ONE)
    if keyword == "type":
        kinds = value if isinstance(value, list) else [value]
        return Problem(path, _TYPE_MESSAGES.get(str(kinds[0]), Message("This value is not valid.")))
    if keyword == "minimum":
        return Problem(path, Message("Enter %(min)s or more.", {"min": _num(value)}))
    if keyword == "exclusiveMinimum":
        return Problem(path, Message("Enter more than %(min)s.", {"min": _num(value)}))
    if keyword == "maximum":
        return Problem(path, Message("Enter %(max)s or less.", {"max": _num(value)}))
    if keyword == "format" and value == "date":
        return Problem(path, Message("Enter a date such as 2025-04-01 (year-month-day)."))
    if keyword == "maxLength":
        return Problem(path, Message("Use at most %(max)s characters.", {"max": value}))
    if keyword == "minLength":
        return Problem(path, Message("This cannot be empty."))
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        return Problem(
            path,
            Message("%(names)s: not a field of a firm profile.", {"names": extra}),
        )
    return Problem(path, Message("This value is not valid."))


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """The firm-profile schema's validator (built once: a server checks every request)."""
    return jsonschema.Draft202012Validator(
        load_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_problems(data: object) -> list[Problem]:
    """Return every JSON Schema violation of ``data`` as a field and a sentence to fix it."""
    errors = sorted(
        _validator().iter_errors(data), key=lambda e: (list(map(str, e.path)), e.message)
    )
    return [problem_from_schema_error(error) for error in errors]


def validate_profile(data: object) -> FirmProfile:
    """Check ``data`` against the firm-profile schema and domain rules; return a FirmProfile.

    Parameters
    ----------
    data
        Decoded JSON (a dict) as in ``shared/schemas/firm-profile.schema.json``.

    Returns
    -------
    FirmProfile

    Raises
    ------
    InvalidFirmProfileError
        With ``details`` listing every violation found (schema and cross-field rules) as
        :class:`~parks.messages.Problem` (the field's path and what to fix).

    Examples
    --------
    >>> p = validate_profile({"industry": "manufacturing", "project": "new_site",
    ...                       "origin": "inside_city", "investment_jpy": {"land": 100}})
    >>> p.investment.land, p.investment.building
    (100, None)
    """
    problems = _non_finite_problems(data) or schema_problems(data)
    if problems:
        # Add cross-field problems too when the fields involved are well typed.
        if isinstance(data, dict):
            problems.extend(_loose_cross_field_problems(data))
        raise InvalidFirmProfileError(problems)
    assert isinstance(data, dict)  # guaranteed by the schema's "type": "object"
    return _profile_from_valid(data)


def _non_finite_problems(data: object, path: tuple[str | int, ...] = ()) -> list[Problem]:
    """Return a problem for every NaN or infinite number (JSON Schema lets them through)."""
    if isinstance(data, float) and not math.isfinite(data):
        return [Problem(path, Message("Enter a finite number (not NaN or infinity)."))]
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _non_finite_problems(v, (*path, str(k)))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _non_finite_problems(v, (*path, i))]
    return []


def _loose_cross_field_problems(data: dict[str, Any]) -> list[Problem]:
    """Return cross-field problems of schema-invalid data, skipping fields of the wrong type."""

    def num(value: object) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    land = data.get("land_m2")
    land = land if isinstance(land, dict) else {}
    counts = {name: num(data.get(name)) for name in _COUNT_FIELDS}
    return _cross_field_problems(num(land.get("min")), num(land.get("max")), counts)


def _profile_from_valid(data: dict[str, Any]) -> FirmProfile:
    land = data.get("land_m2", {})
    invest = data.get("investment_jpy", {})
    drive = data.get("max_drive_minutes", {})
    operational_by = data.get("operational_by")
    return FirmProfile(
        industry=data["industry"],
        project=data["project"],
        origin=data["origin"],
        name=data.get("name"),
        hq_functions=bool(data.get("hq_functions", False)),
        land_m2_min=land.get("min"),
        land_m2_max=land.get("max"),
        investment=Investment(**{k: invest.get(k) for k in COST_ITEMS}),
        new_hires=data.get("new_hires"),
        new_hires_residents=data.get("new_hires_residents"),
        new_hires_from_outside_prefecture=data.get("new_hires_from_outside_prefecture"),
        regular_employees=data.get("regular_employees"),
        max_drive_minutes=DriveLimits(**drive),
        needs_groundwater=bool(data.get("needs_groundwater", False)),
        max_land_price_per_m2=data.get("max_land_price_per_m2"),
        operational_by=date.fromisoformat(operational_by) if operational_by else None,
    )


def load_profile(path: Path) -> FirmProfile:
    """Read a firm-profile JSON file (or a scenario file wrapping one) and validate it.

    Raises
    ------
    InvalidFirmProfileError
        If the file is not JSON or the profile breaks the schema (every problem listed).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"{path}: file not found"
        raise InvalidFirmProfileError(msg) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        msg = f"{path}: not valid JSON ({exc})"
        raise InvalidFirmProfileError(msg) from exc
    if isinstance(data, dict) and "profile" in data and set(data) <= {"profile", "expected"}:
        data = data["profile"]  # a scenario file: the profile with hand-worked expectations
    return validate_profile(data)
