"""Reading the staff forms: bounded text, dates and numbers into domain values.

Every field has a size bound checked here before the domain sees it; the domain then
checks its own rules (workflow moves, required fields) and lists every problem.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from parks.inventory.workflow import EDITABLE
from parks.messages import N_, Message

MAX_FIELD = 4000
"""Longest value of any staff form field (notes); shorter fields are bounded by the domain."""


def _text(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name)
    if value is None:
        return None
    return value[: MAX_FIELD + 1]


def parse_date_field(raw: str | None, problems: list[Message]) -> dt.date | None:
    """Read a YYYY-MM-DD field; an empty field is None."""
    if raw is None or not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip()[:10]) if len(raw.strip()) == 10 else _bad_date()
    except ValueError:
        problems.append(
            Message(N_("%(value)s is not a date (YYYY-MM-DD)."), {"value": repr(raw[:20])})
        )
        return None


def _bad_date() -> dt.date:
    raise ValueError


INT_FIELDS = {"version": N_("The version")}
"""Names of the whole-number fields of the staff forms."""


def parse_int_field(raw: str | None, problems: list[Message], *, name: str) -> int | None:
    """Read a whole number field."""
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw.strip()[:12])
    except ValueError:
        field = Message(INT_FIELDS[name]) if name in INT_FIELDS else repr(name)
        problems.append(Message(N_("%(field)s must be a whole number."), {"field": field}))
        return None


def parse_lot_form(
    form: Mapping[str, str],
) -> tuple[dict[str, Any], int | None, str | None, list[Message]]:
    """Return ``(changes, expected_version, reason, problems)`` from the lot edit form.

    Only fields present in the form become changes; empty price or date fields clear the
    value.
    """
    problems: list[Message] = []
    changes: dict[str, Any] = {}
    for name in EDITABLE:
        if name not in form:
            continue
        raw = _text(form, name)
        if name in ("available_from", "negotiation_expires"):
            changes[name] = parse_date_field(raw, problems)
        elif name == "price_per_m2":
            if raw is None or not raw.strip():
                changes[name] = None
            else:
                try:
                    value = float(raw.replace(",", "").strip()[:20])
                    changes[name] = value if math.isfinite(value) else raw
                except ValueError:
                    problems.append(Message(N_("The price per m² must be a number.")))
        else:
            changes[name] = raw
    version = parse_int_field(form.get("version"), problems, name="version")
    if version is None:
        problems.append(Message(N_("The form is missing the lot's version; reload the page.")))
    reason = _text(form, "reason")
    return changes, version, reason, problems
