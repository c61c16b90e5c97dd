"""Leads (問い合わせ): firms that asked, what they need, where each stands, lots that fit.

Leads are confidential. Nothing here is read by public code: no public page, API response
or the demand log ever carries a lead (a test crawls the public side to check).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parks.data import Layers
from parks.inventory.errors import InventoryError, RecordNotFoundError, StaleEditError
from parks.inventory.models import NOTE_LEN, Lead, LeadLot, LotRecord, LotStatusEvent
from parks.inventory.store import Store
from parks.inventory.users import audit
from parks.matching import MatchResult, match
from parks.messages import N_, Message
from parks.profile import FirmProfile, validate_profile

STAGES = ("new", "contacted", "visiting", "negotiating", "won", "lost")
"""Stages of a lead, in order; the last two close it."""

OPEN_STAGES = STAGES[:4]

LIMITS = {
    "firm": 200,
    "contact_name": 100,
    "contact_email": 254,
    "contact_phone": 40,
    "message": 2000,
    "next_action": 300,
    "notes": NOTE_LEN,
}
"""Length bounds of each text field (characters)."""

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,63}")
PHONE = re.compile(r"[0-9+()\- ]{6,40}")
ONE_LINE = ("firm", "contact_name", "contact_email", "contact_phone", "next_action")


@dataclass(frozen=True)
class LeadView:
    """One lead as the office sees it."""

    id: int
    created_at: dt.datetime
    firm: str
    contact_name: str
    contact_email: str | None
    contact_phone: str | None
    profile: dict[str, Any]
    message: str | None
    source: str
    stage: str
    next_action: str | None
    next_action_on: dt.date | None
    notes: str | None
    version: int
    lots: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        """Return True while the lead is neither won nor lost."""
        return self.stage in OPEN_STAGES

    def firm_profile(self) -> FirmProfile:
        """Return the lead's needs as a validated firm profile."""
        return validate_profile(self.profile)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def _field_name(key: str) -> Message:
    names = {
        "firm": N_("Firm"),
        "contact_name": N_("Contact name"),
        "contact_email": N_("E-mail"),
        "contact_phone": N_("Telephone"),
        "message": N_("Message"),
        "next_action": N_("Next action"),
        "notes": N_("Notes"),
    }
    return Message(names[key])


def validate_lead_text(values: dict[str, Any]) -> tuple[dict[str, str | None], list[Message]]:
    """Clean the text fields of a lead and list every problem (length, line breaks, format)."""
    problems: list[Message] = []
    clean: dict[str, str | None] = {}
    for key, value in values.items():
        text = _text(value)
        clean[key] = text
        if text is None:
            continue
        if len(text) > LIMITS[key]:
            problems.append(
                Message(
                    N_("%(field)s is too long: at most %(limit)s characters."),
                    {"field": _field_name(key), "limit": LIMITS[key]},
                )
            )
        elif key in ONE_LINE and ("\n" in text or "\r" in text):
            problems.append(Message(N_("%(field)s must be one line."), {"field": _field_name(key)}))
    email = clean.get("contact_email")
    if email and len(email) <= LIMITS["contact_email"] and not EMAIL.fullmatch(email):
        problems.append(Message(N_("The e-mail address does not look right.")))
    phone = clean.get("contact_phone")
    if phone and len(phone) <= LIMITS["contact_phone"] and not PHONE.fullmatch(phone):
        problems.append(Message(N_("The telephone number may hold digits, spaces, + ( ) and -.")))
    return clean, problems


def check_lead(
    *,
    firm: str,
    contact_name: str,
    contact_email: str | None,
    contact_phone: str | None,
    message: str | None,
    consent: bool,
) -> tuple[dict[str, str | None], list[Message]]:
    """Clean what a firm typed into the enquiry form and list every problem with it."""
    clean, problems = validate_lead_text(
        {
            "firm": firm,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "contact_phone": contact_phone,
            "message": message,
        }
    )
    if not clean["firm"]:
        problems.append(Message(N_("Please give the firm's name.")))
    if not clean["contact_name"]:
        problems.append(Message(N_("Please give a contact name.")))
    if not clean["contact_email"] and not clean["contact_phone"]:
        problems.append(Message(N_("Please give an e-mail address or a telephone number.")))
    if consent is not True:
        problems.append(Message(N_("We can only keep your enquiry if you agree to how we use it.")))
    return clean, problems


def create_lead(
    store: Store,
    *,
    firm: str,
    contact_name: str,
    contact_email: str | None,
    contact_phone: str | None,
    profile: FirmProfile,
    message: str | None,
    consent: bool,
    source: str = "inquiry",
    by: str | None = None,
) -> int:
    """Record a new lead (stage ``new``) and return its id.

    Raises
    ------
    InventoryError
        If a required field is missing, a field is too long, or consent was not given.
    """
    clean, problems = check_lead(
        firm=firm,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        message=message,
        consent=consent,
    )
    if problems:
        raise InventoryError(problems)
    now = dt.datetime.now(dt.UTC)
    with store.write() as session:
        lead = Lead(
            created_at=now,
            firm=clean["firm"],
            contact_name=clean["contact_name"],
            contact_email=clean["contact_email"],
            contact_phone=clean["contact_phone"],
            profile=json.dumps(profile.to_dict(), ensure_ascii=False, sort_keys=True),
            message=clean["message"],
            consent=True,
            source=source,
            stage="new",
            updated_at=now,
            version=1,
        )
        session.add(lead)
        session.flush()
        audit(session, by, "create_lead", str(lead.id), {"source": source})
        return int(lead.id)


def _view(session: Session, lead: Lead) -> LeadView:
    lots = session.scalars(
        select(LeadLot.lot_id).where(LeadLot.lead_id == lead.id).order_by(LeadLot.id)
    ).all()
    return LeadView(
        id=lead.id,
        created_at=lead.created_at,
        firm=lead.firm,
        contact_name=lead.contact_name,
        contact_email=lead.contact_email,
        contact_phone=lead.contact_phone,
        profile=json.loads(lead.profile),
        message=lead.message,
        source=lead.source,
        stage=lead.stage,
        next_action=lead.next_action,
        next_action_on=lead.next_action_on,
        notes=lead.notes,
        version=lead.version,
        lots=tuple(lots),
    )


def get_lead(store: Store, lead_id: int) -> LeadView:
    """Return one lead."""
    with store.read() as session:
        lead = session.get(Lead, lead_id)
        if lead is None:
            raise RecordNotFoundError(Message(N_("There is no such lead.")))
        return _view(session, lead)


def list_leads(store: Store, *, open_only: bool = False) -> list[LeadView]:
    """Return the leads, open ones first, then newest first."""
    with store.read() as session:
        stmt = select(Lead).order_by(Lead.id.desc())
        if open_only:
            stmt = stmt.where(Lead.stage.in_(OPEN_STAGES))
        leads = [_view(session, lead) for lead in session.scalars(stmt)]
    return sorted(leads, key=lambda v: (not v.is_open,))


def update_lead(
    store: Store,
    lead_id: int,
    *,
    expected_version: int,
    user: str,
    stage: str,
    next_action: str | None,
    next_action_on: dt.date | None,
    notes: str | None,
) -> int:
    """Change a lead's stage, next action and notes (refused if it changed meanwhile)."""
    clean, problems = validate_lead_text({"next_action": next_action, "notes": notes})
    if stage not in STAGES:
        problems.append(Message(N_("Unknown stage.")))
    if problems:
        raise InventoryError(problems)
    with store.write() as session:
        lead = session.get(Lead, lead_id, with_for_update=store.dialect == "postgresql")
        if lead is None:
            raise RecordNotFoundError(Message(N_("There is no such lead.")))
        if lead.version != expected_version:
            raise StaleEditError(
                Message(
                    N_(
                        "This lead was changed by someone else while you were editing it. "
                        "Nothing was saved: reload it and make your change again."
                    )
                )
            )
        before = {"stage": lead.stage, "next_action": lead.next_action}
        lead.stage = stage
        lead.next_action = clean["next_action"]
        lead.next_action_on = next_action_on
        lead.notes = clean["notes"]
        lead.version = expected_version + 1
        lead.updated_at = dt.datetime.now(dt.UTC)
        audit(session, user, "update_lead", str(lead_id), {"before": before, "stage": stage})
        return lead.version


def set_lots_of_interest(store: Store, lead_id: int, lot_ids: Iterable[str], *, user: str) -> None:
    """Replace the lots a lead is interested in (unknown lot ids are refused)."""
    wanted = list(dict.fromkeys(lot_ids))
    with store.write() as session:
        if session.get(Lead, lead_id) is None:
            raise RecordNotFoundError(Message(N_("There is no such lead.")))
        known = set(session.scalars(select(LotRecord.lot_id).where(LotRecord.lot_id.in_(wanted))))
        unknown = [lot for lot in wanted if lot not in known]
        if unknown:
            raise InventoryError(
                Message(N_("Unknown lot(s): %(lots)s."), {"lots": [u[:120] for u in unknown]})
            )
        session.execute(delete(LeadLot).where(LeadLot.lead_id == lead_id))
        for lot_id in wanted:
            session.add(LeadLot(lead_id=lead_id, lot_id=lot_id))
        try:
            session.flush()
        except IntegrityError:
            raise InventoryError(Message(N_("Each lot can be listed once."))) from None
        audit(session, user, "lead_lots", str(lead_id), {"lots": wanted})


def lead_matches(
    layers: Layers, lead: LeadView, *, today: dt.date, top: int = 5
) -> MatchResult | None:
    """Return the lots that fit the lead's needs now (None if its profile is no longer valid)."""
    try:
        profile = lead.firm_profile()
    except ValueError:
        return None
    return match(layers, profile, as_of=today, top=top)


def new_lots_for_leads(
    store: Store, layers: Layers, *, since: dt.date, today: dt.date, top: int = 20
) -> list[tuple[LeadView, list[str]]]:
    """Return, per open lead, the lots that became available since ``since`` and fit it.

    "Became available" means a status change to ``available`` recorded in the store on or
    after ``since`` (a staff move, an expired negotiation or an official import).
    """
    with store.read() as session:
        fresh = set(
            session.scalars(
                select(LotStatusEvent.lot_id).where(
                    LotStatusEvent.status == "available",
                    LotStatusEvent.date >= since,
                    LotStatusEvent.from_baseline.is_(False),
                )
            )
        )
    if not fresh:
        return []
    out = []
    for lead in list_leads(store, open_only=True):
        result = lead_matches(layers, lead, today=today, top=top)
        if result is None:
            continue
        fits = [lot for m in result.matches for lot in m.lots if lot in fresh]
        fits = [lot for lot in dict.fromkeys(fits) if lot not in lead.lots]
        if fits:
            out.append((lead, fits))
    return out
