"""The firm-profile form: its fields, and turning submitted form values into a firm profile.

The search page and the pitch sheet share these field names, so a search result can link
to a pitch sheet by copying the form into the query string. The schema-shaped profile is
then checked by :func:`parks.profile.validate_profile`, which reports every schema problem;
this module only adds the problems of reading text as numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from parks.errors import InvalidFirmProfileError
from parks.messages import Message, Problem
from parks.profile import INDUSTRIES, ORIGINS, PROJECTS, FirmProfile, validate_profile

FieldKind = Literal["choice", "integer", "number", "boolean", "date"]


@dataclass(frozen=True)
class FormField:
    """One input of the firm-profile form and where its value goes in the profile."""

    name: str
    kind: FieldKind
    path: tuple[str, ...]
    section: str
    choices: tuple[str, ...] = ()


FIELDS: tuple[FormField, ...] = (
    FormField("industry", "choice", ("industry",), "business", INDUSTRIES),
    FormField("project", "choice", ("project",), "business", PROJECTS),
    FormField("origin", "choice", ("origin",), "business", ORIGINS),
    FormField("hq_functions", "boolean", ("hq_functions",), "business"),
    FormField("land_m2_min", "number", ("land_m2", "min"), "land"),
    FormField("land_m2_max", "number", ("land_m2", "max"), "land"),
    FormField("investment_land", "integer", ("investment_jpy", "land"), "investment"),
    FormField("investment_building", "integer", ("investment_jpy", "building"), "investment"),
    FormField("investment_equipment", "integer", ("investment_jpy", "equipment"), "investment"),
    FormField("new_hires", "integer", ("new_hires",), "hires"),
    FormField("new_hires_residents", "integer", ("new_hires_residents",), "hires"),
    FormField(
        "new_hires_from_outside_prefecture",
        "integer",
        ("new_hires_from_outside_prefecture",),
        "hires",
    ),
    FormField("regular_employees", "integer", ("regular_employees",), "hires"),
    FormField("max_minutes_interchange", "number", ("max_drive_minutes", "interchange"), "access"),
    FormField("max_minutes_port", "number", ("max_drive_minutes", "port"), "access"),
    FormField("max_minutes_airport", "number", ("max_drive_minutes", "airport"), "access"),
    FormField("max_minutes_station", "number", ("max_drive_minutes", "station"), "access"),
    FormField("needs_groundwater", "boolean", ("needs_groundwater",), "other"),
    FormField("operational_by", "date", ("operational_by",), "other"),
)
"""Every input of the form, in page order. There is deliberately no firm-name field: the
search page is anonymous."""

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)

SECTIONS: tuple[str, ...] = ("business", "land", "investment", "hires", "access", "other")
"""Form sections in page order (headings: the ``section`` names in :mod:`webapp.names`)."""

FIELD_BY_PATH: dict[str, FormField] = {".".join(f.path): f for f in FIELDS}
"""Form field by the dotted profile path it fills (``land_m2.min`` gives ``land_m2_min``)."""

_TRUE = ("on", "true", "1", "yes")
_FALSE = ("off", "false", "0", "no", "")
_SEPARATORS = re.compile(r"[,\s_、，]")


MAX_NUMBER_CHARS = 24
"""Longest number accepted in a form field (the schema bounds the value itself)."""


def _number(raw: str) -> float | int:
    """Read a number typed by a person (thousands separators allowed).

    Raises ValueError for text that is no number, too long, or not finite.
    """
    text = _SEPARATORS.sub("", raw)
    if len(text) > MAX_NUMBER_CHARS:
        msg = f"{len(text)} characters"
        raise ValueError(msg)
    try:
        return int(text)
    except ValueError:
        value = float(text)
    if not math.isfinite(value):
        msg = "not finite"
        raise ValueError(msg)
    return value


WHOLE_NUMBER = Message("Enter a whole number.")
NUMBER = Message("Enter a number.")


def _convert(field: FormField, raw: str) -> tuple[Any, Problem | None]:
    """Return ``(value, problem)`` for one submitted value; value None means 'not given'."""
    raw = raw.strip()
    if field.kind == "boolean":
        if raw.lower() in _TRUE:
            return True, None
        if raw.lower() in _FALSE:
            return False, None
        return None, Problem(field.path, Message("Tick the box or leave it empty."))
    if raw == "":
        return None, None
    if field.kind in ("choice", "date"):
        return raw, None  # the schema names the allowed values / the date format
    try:
        value = _number(raw)
    except ValueError:
        return None, Problem(field.path, WHOLE_NUMBER if field.kind == "integer" else NUMBER)
    if field.kind == "integer" and not float(value).is_integer():
        return None, Problem(field.path, WHOLE_NUMBER)
    if field.kind == "integer":
        value = int(value)
    return value, None


def profile_from_form(form: Mapping[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Build a schema-shaped firm profile from form values.

    Empty inputs are left out (unknown, never 0). Names that are not form fields are
    ignored here; the caller decides whether they are allowed.

    Parameters
    ----------
    form
        Submitted values by field name (a query string or a posted form).

    Returns
    -------
    tuple
        The profile as JSON data, and the problems found reading the values.
    """
    profile: dict[str, Any] = {}
    problems: list[Problem] = []
    for field in FIELDS:
        raw = form.get(field.name)
        if raw is None:
            continue
        value, problem = _convert(field, str(raw))
        if problem is not None:
            problems.append(problem)
        if value is None:
            continue
        target = profile
        for key in field.path[:-1]:
            target = target.setdefault(key, {})
        target[field.path[-1]] = value
    return profile, problems


def validate_profile_form(form: Mapping[str, str]) -> FirmProfile:
    """Return the firm profile of a submitted form.

    Raises
    ------
    InvalidFirmProfileError
        Listing every problem: values that are not numbers, and every schema problem of
        the rest (missing industry, max area below min area, ...).
    """
    profile, problems = profile_from_form(form)
    try:
        firm = validate_profile(profile)
    except InvalidFirmProfileError as exc:
        problems += exc.details
    if problems:
        raise InvalidFirmProfileError(problems)
    return firm


def form_values(profile: FirmProfile) -> dict[str, str]:
    """Return the form values that reproduce ``profile`` (for links and pre-filled forms)."""
    data = profile.to_dict()
    out: dict[str, str] = {}
    for field in FIELDS:
        value: Any = data
        for key in field.path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None or value is False:
            continue
        out[field.name] = "on" if value is True else str(value)
    return out
