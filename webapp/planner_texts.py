"""Planner texts in the reader's language: the criteria's units and the assessment's sources.

The planning layer gives units as short ids (``min``, ``index``) and sources as the credit
lines it records (English msgids, marked in ``parks``); these render them in ``lang``. A source
a person loaded (``siting add-layer``) has no translation and is shown as recorded.
"""

from __future__ import annotations

import re

from parks.access import PROVENANCE
from parks.messages import N_

UNITS: dict[str, str] = {
    "min": N_("min"),
    "index": N_("index"),
    "km": N_("km"),
    "deg": N_("degrees"),
    "share": N_("share of the area"),
}
"""msgid of each unit a criterion gives (``parks.planning.criteria``)."""

PROFILES: dict[str, str] = {"normal": N_("normal"), "winter": N_("winter")}
"""Names of the speed profiles (``parks/speed_profiles.yaml``)."""

_PROVENANCE = re.compile(re.escape(PROVENANCE).replace(r"\{profile\}", r"(?P<profile>[\w-]+)"))


def unit_text(unit: str, lang: str) -> str:
    """Return ``unit`` in ``lang`` (itself if it has no name)."""
    from webapp.i18n import gettext_in

    msgid = UNITS.get(unit)
    return unit if msgid is None else gettext_in(lang, msgid)


def source_text(source: str, lang: str) -> str:
    """Return a recorded source line in ``lang`` (as recorded if it has no translation)."""
    from webapp.i18n import gettext_in

    drive = _PROVENANCE.fullmatch(source)
    if drive is not None:
        profile = drive["profile"]
        shown = gettext_in(lang, PROFILES[profile]) if profile in PROFILES else profile
        return gettext_in(lang, PROVENANCE).replace("{profile}", shown)
    return gettext_in(lang, source)
