"""How the staff pages show records: lots and parks by name, field changes, audit entries.

The inventory keeps ids and raw field values; staff read names in their language. What a
person typed (firm names, notes, account names, file names) is shown verbatim and marked
``translate="no"``; quoted values in messages (``'park_id'``, an account name) are shown as
code, since they are what was typed or must be typed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from parks.lot_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, WKT_COLUMNS
from parks.messages import N_
from webapp import get_layers
from webapp.i18n import gettext_in
from webapp.layout import fmt_date, fmt_number, fmt_yen, is_missing
from webapp.lot_facts import lot_label, park_name
from webapp.names import name

LABELS: dict[tuple[str, str], str] = {
    ("stage", "new"): N_("new"),
    ("stage", "contacted"): N_("contacted"),
    ("stage", "visiting"): N_("site visit"),
    ("stage", "negotiating"): N_("negotiating"),
    ("stage", "won"): N_("won"),
    ("stage", "lost"): N_("lost"),
    ("role", "staff"): N_("staff"),
    ("role", "admin"): N_("administrator"),
    ("kind", "status"): N_("status change"),
    ("kind", "edit"): N_("edit"),
    ("kind", "verify"): N_("status confirmed"),
    ("kind", "expiry"): N_("negotiation expired"),
    ("kind", "import"): N_("official import"),
    ("action", "login"): N_("signed in"),
    ("action", "login_failed"): N_("sign-in refused"),
    ("action", "create_user"): N_("account created"),
    ("action", "set_password"): N_("password set"),
    ("action", "enable_user"): N_("account enabled"),
    ("action", "disable_user"): N_("account disabled"),
    ("action", "create_lead"): N_("lead received"),
    ("action", "update_lead"): N_("lead updated"),
    ("action", "lead_lots"): N_("lots of interest changed"),
    ("action", "pitch_pdf"): N_("pitch sheet printed"),
    ("action", "import_lots"): N_("lot layer imported"),
    ("change", "added"): N_("added"),
    ("change", "removed"): N_("removed"),
    ("change", "changed"): N_("changed"),
    ("change", "unchanged"): N_("unchanged"),
    ("source", "inquiry"): N_("the enquiry form"),
    ("lang", "ja"): N_("Japanese"),
    ("lang", "en"): N_("English"),
}
"""Human names of the ids only the staff pages show (stages, roles, change kinds, audit
actions); lot statuses are named as on the public pages (:mod:`webapp.names`)."""

FIELDS: dict[str, str] = {
    "status": N_("Status"),
    "price_per_m2": N_("Price per m² (yen)"),
    "available_from": N_("Available from"),
    "notes": N_("Notes"),
    "negotiating_firm": N_("Firm"),
    "negotiation_expires": N_("Negotiation expires"),
    "occupant": N_("Occupant"),
    "verified_on": N_("Status verified on"),
    "area_m2": N_("Area (m²)"),
    "removed": N_("Removed by the import"),
    "stage": N_("Stage"),
    "next_action": N_("Next action"),
    "before": N_("Before"),
    "ip": N_("IP address"),
    "role": N_("Role"),
    "source": N_("Received through"),
    "lots": N_("Lots"),
    "lang": N_("Language"),
    "parks": N_("Parks"),
    "added": N_("added"),
    "changed": N_("changed"),
}
"""Names of the fields that lot histories and audit entries record."""

LEAD_ACTIONS = frozenset({"create_lead", "update_lead", "lead_lots", "pitch_pdf"})
"""Audit actions whose target is a lead (by its number): shown by the firm's name."""

TYPED = frozenset({"notes", "negotiating_firm", "occupant", "next_action", "ip"})
"""Fields holding what a person typed: shown verbatim."""

_COLUMNS = "|".join(
    sorted(
        c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *WKT_COLUMNS) if "_" in c or c == "wkt"
    )
)
_QUOTED = re.compile(rf"'([^'\n]{{1,200}})'|\b({_COLUMNS})\b")
"""A quoted value, or the name of a lot file's column (what an admin types into the file)."""


JST = dt.timezone(dt.timedelta(hours=9), "JST")
"""Japan Standard Time (no daylight saving): the office's clock."""


def when(moment: dt.datetime | None, lang: str) -> str:
    """Return a recorded moment (stored in UTC) on the office's clock: date and hh:mm JST."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(JST)
    return f"{fmt_date(local.date(), lang)} {local:%H:%M}"


def label(kind: str, value: Any, lang: str) -> str:
    """Return the name of a staff id (status, stage, role, change kind, action)."""
    if kind == "status":
        return name("status", str(value), lang)
    msgid = LABELS.get((kind, str(value)))
    return str(value) if msgid is None else gettext_in(lang, msgid)


def verbatim(value: Any) -> Markup:
    """Show what a person typed as it is, marked so it is neither translated nor checked."""
    return Markup('<span translate="no">{}</span>').format(value)


def with_code(text: str) -> Markup:
    """Escape a message; show its quoted values (``'atlantis'``) and column names as code."""
    shown = Markup()
    position = 0
    for quoted in _QUOTED.finditer(text):
        shown += escape(text[position : quoted.start()])
        shown += Markup('<code translate="no">{}</code>').format(quoted.group(1) or quoted.group(2))
        position = quoted.end()
    return shown + escape(text[position:])


def lot_name(lot_id: str, lang: str) -> str:
    """Return a lot's name (park and lot number) in ``lang``."""
    return lot_label(get_layers(), lot_id, lang)


def park_label(park_id: str, lang: str) -> str:
    """Return a park's name in ``lang`` (the id if the park is unknown)."""
    try:
        return park_name(get_layers(), park_id, lang)
    except LookupError:
        return park_id


def field_value(key: str, value: Any, lang: str) -> Markup | str:
    """Show one recorded field value in ``lang``: names for ids, dates long, typed text verbatim."""
    if is_missing(value):
        return "—"
    if key == "status":
        return label("status", value, lang)
    if key == "stage":
        return label("stage", value, lang)
    if key == "role":
        return label("role", value, lang)
    if key in ("source", "lang"):
        return label(key, value, lang) if (key, str(value)) in LABELS else verbatim(value)
    if key in ("available_from", "negotiation_expires", "verified_on"):
        try:
            return fmt_date(value, lang)
        except ValueError:
            return verbatim(value)
    if key == "price_per_m2":
        return fmt_yen(value, lang)
    if key == "area_m2":
        return fmt_number(value) + " m²"
    if key == "removed":
        return gettext_in(lang, "yes") if value else gettext_in(lang, "no")
    if key == "lots" and isinstance(value, list):
        return ("、" if lang == "ja" else "; ").join(lot_name(v, lang) for v in value)
    if key == "parks" and isinstance(value, list):
        return ", ".join(park_label(v, lang) for v in value)
    if isinstance(value, bool):
        return gettext_in(lang, "yes") if value else gettext_in(lang, "no")
    if isinstance(value, int | float):
        return fmt_number(value)
    return verbatim(value)


def field_rows(values: Mapping[str, Any] | None, lang: str) -> list[tuple[str, Markup | str]]:
    """Return ``(field name, shown value)`` rows of a recorded change or audit detail."""
    rows: list[tuple[str, Markup | str]] = []
    for key, value in (values or {}).items():
        field = gettext_in(lang, FIELDS[key]) if key in FIELDS else key
        if isinstance(value, dict):
            inner = Markup("; ").join(
                Markup("{}: {}").format(a, b) for a, b in field_rows(value, lang)
            )
            rows.append((field, inner))
        else:
            rows.append((field, field_value(key, value, lang)))
    return rows


def audit_detail(detail: str | None, lang: str) -> list[tuple[str, Markup | str]]:
    """Return an audit entry's detail (stored as JSON) as readable rows."""
    if not detail:
        return []
    try:
        values = json.loads(detail)
    except ValueError:
        return [("", verbatim(detail))]
    if not isinstance(values, dict):
        return [("", verbatim(detail))]
    return field_rows(values, lang)


def profile_rows(profile: Mapping[str, Any], lang: str) -> list[tuple[str, Markup | str]]:
    """Return a lead's needs (a firm profile) as rows of field names and values in ``lang``."""
    rows: list[tuple[str, Markup | str]] = []
    for key, value in profile.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                rows.append((name("field", f"{key}.{sub}", lang), _profile_value(key, inner, lang)))
        else:
            rows.append((name("field", key, lang), _profile_value(key, value, lang)))
    return rows


def _profile_value(key: str, value: Any, lang: str) -> Markup | str:
    if value is None:
        return "—"
    if key in ("industry", "project", "origin"):
        return name(key, str(value), lang)
    if isinstance(value, bool):
        return gettext_in(lang, "yes") if value else gettext_in(lang, "no")
    if isinstance(value, int | float):
        return fmt_number(value)
    if key == "operational_by":
        try:
            return fmt_date(dt.date.fromisoformat(str(value)[:10]), lang)
        except ValueError:
            return verbatim(value)
    return verbatim(value)


def names_of_lots(lot_ids: Iterable[str], lang: str) -> list[str]:
    """Return the names of several lots."""
    return [lot_name(i, lang) for i in lot_ids]


def change_label(change: str, status: str | None, lot_id: str, lang: str) -> str:
    """Return the tooltip of a lot on the import's diff map: name, change, status."""
    parts = [lot_name(lot_id, lang), label("change", change, lang)]
    if status:
        parts.append(label("status", status, lang))
    return " · ".join(parts)
