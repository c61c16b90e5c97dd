"""Human names of the things users pick or read about, never their ids.

Industries, projects, origins, lot statuses, zone kinds, destination kinds, grant issuers,
matching constraints and firm-profile fields are registered in :data:`webapp.i18n.NAMES`
under ``(kind, id)`` with an English msgid (marked with ``N_`` so ``make catalogs`` extracts
them into the ``messages`` domain). Parks and destinations carry their names in the data, so
they become :class:`~parks.messages.Name` values with ``ja`` and ``en`` filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from parks.messages import N_, Name
from webapp.i18n import NAMES, render_value

_REGISTERED: dict[str, dict[str, str]] = {
    "industry": {
        "manufacturing": N_("General manufacturing"),
        "high_tech_manufacturing": N_("High-tech manufacturing"),
        "logistics_transport": N_("Transport with a logistics facility"),
        "logistics_wholesale": N_("Wholesale with a logistics facility"),
        "research": N_("Natural-science research laboratory"),
        "software": N_("Software and information processing"),
        "design": N_("Design"),
        "engineering": N_("Machine design and engineering"),
    },
    "project": {
        "new_site": N_("New site"),
        "expansion": N_("Expansion"),
        "acquisition": N_("Acquisition of an existing site"),
    },
    "origin": {
        "outside_prefecture": N_("From outside Ishikawa"),
        "inside_prefecture": N_("From elsewhere in Ishikawa"),
        "inside_city": N_("Already in Kanazawa"),
    },
    "status": {
        "available": N_("Available"),
        "negotiating": N_("Negotiating"),
        "reserved": N_("Reserved"),
        "sold": N_("Sold"),
        "planned": N_("Planned"),
        "unknown": N_("No record on this date"),
        "not on record": N_("No record on this date"),
    },
    "zone": {
        "factory_site_zone": N_("Factory site zone"),
        "priority_promotion_zone": N_("Priority promotion zone"),
        "city_core_zone": N_("City core zone"),
        "satellite_office_zone": N_("Satellite office zone"),
    },
    "destination_kind": {
        "interchange": N_("Expressway interchange"),
        "port": N_("Port"),
        "airport": N_("Airport"),
        "station": N_("Station"),
    },
    "issuer": {
        "city": N_("Kanazawa City"),
        "prefecture": N_("Ishikawa Prefecture"),
        "national": N_("National government"),
    },
    "constraint": {
        "availability": N_("On sale"),
        "industry": N_("Industry admitted"),
        "area": N_("Area"),
        "drive_minutes": N_("Drive time"),
        "groundwater": N_("Groundwater"),
        "price": N_("Price"),
    },
    "section": {
        "business": N_("Business"),
        "land": N_("Land"),
        "investment": N_("Investment (yen)"),
        "hires": N_("Staff (people)"),
        "access": N_("Longest acceptable drive (minutes)"),
        "other": N_("Other"),
    },
    "param": {
        "as_of": N_("as_of"),
        "lang": N_("lang"),
        "lot": N_("lot"),
        "lots": N_("lots"),
    },
    "field": {
        "industry": N_("Industry"),
        "project": N_("New site or expansion"),
        "origin": N_("Moving from"),
        "name": N_("Firm name"),
        "hq_functions": N_("Includes head-office functions"),
        "land_m2": N_("Area"),
        "land_m2.min": N_("Area at least (m²)"),
        "land_m2.max": N_("Area at most (m²)"),
        "investment_jpy": N_("Investment"),
        "investment_jpy.land": N_("Land cost (yen)"),
        "investment_jpy.building": N_("Building cost (yen)"),
        "investment_jpy.equipment": N_("Equipment cost (yen)"),
        "investment_jpy.relocation": N_("Relocation cost (yen)"),
        "investment_jpy.rent_3_years": N_("Rent for three years (yen)"),
        "new_hires": N_("New hires"),
        "new_hires_residents": N_("New hires who live in Kanazawa"),
        "new_hires_from_outside_prefecture": N_("New hires from outside Ishikawa"),
        "regular_employees": N_("Regular employees after the project"),
        "max_drive_minutes": N_("Longest acceptable drive"),
        "max_drive_minutes.interchange": N_("Minutes to an interchange"),
        "max_drive_minutes.port": N_("Minutes to Kanazawa Port"),
        "max_drive_minutes.airport": N_("Minutes to Komatsu Airport"),
        "max_drive_minutes.station": N_("Minutes to Kanazawa Station"),
        "needs_groundwater": N_("Needs groundwater"),
        "max_land_price_per_m2": N_("Highest land price (yen per m²)"),
        "operational_by": N_("Start building by"),
        "as_of": N_("As of"),
        "lot": N_("Lot"),
    },
}
"""English msgids of every registered name, by kind and id."""

for _kind, _names in _REGISTERED.items():
    for _id, _msgid in _names.items():
        NAMES[(_kind, _id)] = _msgid


def ids(kind: str) -> tuple[str, ...]:
    """Return the registered ids of one kind, in registration order."""
    return tuple(_REGISTERED.get(kind, {}))


def name(kind: str, item_id: str, lang: str) -> str:
    """Return the human name of a registered ``(kind, id)`` in ``lang`` (the id if unknown)."""
    return render_value(Name(kind, str(item_id)), lang)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def park_ref(row: Mapping[str, Any] | pd.Series) -> Name:
    """Return a park as a :class:`Name` carrying its Japanese and English names."""
    return Name("park", str(row["park_id"]), ja=_text(row["name_ja"]), en=_text(row["name_en"]))


def destination_ref(row: Mapping[str, Any] | pd.Series) -> Name:
    """Return a destination as a :class:`Name` carrying its Japanese and English names."""
    return Name("destination", str(row["id"]), ja=_text(row["name_ja"]), en=_text(row["name_en"]))


def lot_no(lot_id: str) -> str:
    """Return the lot number part of a lot id (``inaho/P2-1`` gives ``P2-1``)."""
    return str(lot_id).split("/", 1)[-1]
