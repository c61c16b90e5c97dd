"""The lot workflow: status moves, edits, optimistic locking, and expiring negotiations.

A lot moves ``planned → available → negotiating (firm, expiry date) → reserved → sold
(occupant)``, and back where the office allows it (a negotiation or reservation that falls
through returns the lot to ``available``; a bought-back lot becomes available again). Every
accepted change is one :class:`~parks.inventory.models.LotEdit` row (who, when, the fields
before and after, why) written in the same transaction as the change, and the lot's
``version`` grows by one. A change made against an older version is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from parks.data import LOT_STATUSES
from parks.inventory.errors import InventoryError, RecordNotFoundError, StaleEditError
from parks.inventory.models import (
    FIRM_LEN,
    NOTE_LEN,
    REASON_LEN,
    LotEdit,
    LotRecord,
    LotStatusEvent,
)
from parks.inventory.store import Store, bump_revision
from parks.messages import N_, Message, Name

TRANSITIONS: Mapping[str, frozenset[str]] = {
    "planned": frozenset({"available"}),
    "available": frozenset({"negotiating", "reserved", "planned"}),
    "negotiating": frozenset({"available", "reserved"}),
    "reserved": frozenset({"sold", "negotiating", "available"}),
    "sold": frozenset({"available"}),
}
"""Allowed status moves (from → to)."""

BACKWARD: frozenset[tuple[str, str]] = frozenset(
    {
        ("available", "planned"),
        ("negotiating", "available"),
        ("reserved", "negotiating"),
        ("reserved", "available"),
        ("sold", "available"),
    }
)
"""Moves that undo progress; they need a reason."""

EDITABLE = (
    "status",
    "price_per_m2",
    "available_from",
    "notes",
    "negotiating_firm",
    "negotiation_expires",
    "occupant",
)
"""Fields staff may change."""

PUBLIC_FIELDS = ("status", "price_per_m2", "available_from", "occupant")
"""Editable fields that the public side shows (the rest stay in the office)."""

MAX_PRICE_PER_M2 = 10_000_000
"""Upper bound of a plausible land price (yen per m²); anything above is a typing error."""

SYSTEM_USER = "system"

PUBLIC_EVENT_SOURCE = "Kanazawa City Corporate Location Division (企業立地課), lot inventory"
PUBLIC_EVENT_NOTE = "status recorded in the city's lot inventory"


@dataclass(frozen=True)
class EditResult:
    """An accepted change: the lot's new version and the fields before and after."""

    lot_id: str
    version: int
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True)
class ExpiredNegotiation:
    """A negotiation that ran past its expiry date and returned its lot to available."""

    lot_id: str
    firm: str | None
    expired_on: dt.date

    def message(self) -> Message:
        """Say what happened, for the office."""
        return Message(
            N_("The negotiation on %(lot)s expired on %(date)s; the lot is available again."),
            {"lot": Name("lot", self.lot_id), "date": self.expired_on},
        )


def _lot_fields(lot: LotRecord) -> dict[str, Any]:
    return {name: getattr(lot, name) for name in EDITABLE}


def _jsonable(values: Mapping[str, Any]) -> str:
    def conv(v: Any) -> Any:
        return v.isoformat() if isinstance(v, dt.date) else v

    return json.dumps({k: conv(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)


def _clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def validate_change(
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    reason: str | None,
    today: dt.date,
) -> tuple[dict[str, Any], list[Message]]:
    """Return the full new field values of a lot and every problem with the change.

    ``changes`` holds only the fields the user set; fields the new status does not use
    (the firm once a negotiation ends, the occupant once a sold lot is bought back) are
    cleared here so a lot never carries stale staff data.
    """
    problems: list[Message] = []
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        problems.append(
            Message(N_("Fields that cannot be edited: %(fields)s."), {"fields": unknown})
        )
    new = dict(current)
    for key, value in changes.items():
        if key in EDITABLE:
            new[key] = value
    for key, limit in (
        ("notes", NOTE_LEN),
        ("negotiating_firm", FIRM_LEN),
        ("occupant", FIRM_LEN),
    ):
        new[key] = _clean_text(new[key])
        if new[key] is not None and len(new[key]) > limit:
            problems.append(
                Message(
                    N_("%(field)s is too long: at most %(limit)s characters."),
                    {"field": Name("field", key, en=key.replace("_", " ")), "limit": limit},
                )
            )
    for key in ("negotiating_firm", "occupant"):
        if new[key] is not None and ("\n" in new[key] or "\r" in new[key]):
            problems.append(
                Message(
                    N_("%(field)s must be one line."),
                    {"field": Name("field", key, en=key.replace("_", " "))},
                )
            )
    if reason is not None and len(reason) > REASON_LEN:
        problems.append(
            Message(
                N_("The reason is too long: at most %(limit)s characters."), {"limit": REASON_LEN}
            )
        )
    price = new["price_per_m2"]
    if price is not None and (
        not isinstance(price, int | float)
        or not math.isfinite(price)
        or price < 0
        or price > MAX_PRICE_PER_M2
    ):
        problems.append(
            Message(
                N_("The price per m² must be a number from 0 to %(max)s yen."),
                {"max": MAX_PRICE_PER_M2},
            )
        )
    for key in ("available_from", "negotiation_expires"):
        if new[key] is not None and not isinstance(new[key], dt.date):
            problems.append(Message(N_("Dates are written YYYY-MM-DD.")))
    old_status, status = current["status"], new["status"]
    if status not in LOT_STATUSES:
        problems.append(Message(N_("Unknown status %(status)s."), {"status": str(status)[:40]}))
    elif status != old_status:
        if status not in TRANSITIONS.get(old_status, frozenset()):
            problems.append(
                Message(
                    N_("A lot cannot move from %(old)s to %(new)s."),
                    {"old": Name("status", old_status), "new": Name("status", status)},
                )
            )
        elif (old_status, status) in BACKWARD and not (reason and reason.strip()):
            problems.append(
                Message(
                    N_("Moving a lot back from %(old)s to %(new)s needs a reason."),
                    {"old": Name("status", old_status), "new": Name("status", status)},
                )
            )
    if status == "negotiating":
        if not new["negotiating_firm"]:
            problems.append(Message(N_("A negotiation needs the firm's name.")))
        expires = new["negotiation_expires"]
        if expires is None:
            problems.append(Message(N_("A negotiation needs an expiry date.")))
        elif (
            isinstance(expires, dt.date)
            and expires < today
            and (status != old_status or "negotiation_expires" in changes)
        ):
            problems.append(
                Message(N_("The expiry date %(date)s has already passed."), {"date": expires})
            )
    elif status == "reserved":
        if not new["negotiating_firm"]:
            problems.append(Message(N_("A reservation needs the firm's name.")))
        new["negotiation_expires"] = None
    else:
        new["negotiating_firm"] = None
        new["negotiation_expires"] = None
    if status == "sold":
        if status != old_status and not new["occupant"]:
            problems.append(Message(N_("A sold lot needs its occupant's name.")))
    elif old_status == "sold" and status != "sold":
        new["occupant"] = None
    return new, problems


def change_lot(
    store: Store,
    lot_id: str,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    user: str,
    reason: str | None = None,
    today: dt.date | None = None,
    kind: str | None = None,
) -> EditResult:
    """Apply one change to one lot, or refuse it whole.

    Parameters
    ----------
    changes
        New values by field (see :data:`EDITABLE`); fields left out keep their value.
    expected_version
        The version the user saw; if the lot has moved on since, nothing is written.
    user
        Who makes the change (recorded in the lot's history).
    reason
        Why (required when a lot moves back, e.g. a reservation falls through).

    Raises
    ------
    RecordNotFoundError
        If no lot has ``lot_id``.
    StaleEditError
        If the lot's version is no longer ``expected_version``.
    InventoryError
        If the change breaks a workflow rule (every problem is listed).
    """
    today = today or dt.date.today()
    reason = _clean_text(reason)
    with store.write() as session:
        lot = session.get(LotRecord, lot_id)
        if lot is None:
            raise RecordNotFoundError(
                Message(N_("There is no lot %(lot)s."), {"lot": repr(lot_id)})
            )
        if lot.version != expected_version:
            raise StaleEditError(stale_message(lot_id, lot.version, lot.updated_by))
        current = _lot_fields(lot)
        new, problems = validate_change(current, changes, reason=reason, today=today)
        if problems:
            raise InventoryError(problems)
        before = {k: v for k, v in current.items() if new[k] != v}
        after = {k: new[k] for k in before}
        if not before:
            raise InventoryError(Message(N_("Nothing was changed.")))
        edit_kind = kind or ("status" if "status" in before else "edit")
        return _commit_change(
            session, lot, new, before, after, expected_version, user, reason, edit_kind, today
        )


def stale_message(lot_id: str, version: int, by: str | None) -> Message:
    """Say that the lot changed since the form was opened."""
    return Message(
        N_(
            "%(lot)s was changed by %(user)s while you were editing it (now version "
            "%(version)s). Nothing was saved: reload the lot and make your change again."
        ),
        {"lot": Name("lot", lot_id), "user": repr(by or "?"), "version": version},
    )


def _commit_change(
    session: Session,
    lot: LotRecord,
    new: Mapping[str, Any],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    expected_version: int,
    user: str,
    reason: str | None,
    kind: str,
    today: dt.date,
) -> EditResult:
    now = dt.datetime.now(dt.UTC)
    values = {k: new[k] for k in EDITABLE}
    result = session.execute(
        update(LotRecord)
        .where(LotRecord.lot_id == lot.lot_id, LotRecord.version == expected_version)
        .values(
            **values,
            version=expected_version + 1,
            verified_on=today,
            updated_at=now,
            updated_by=user,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # another writer got in between our read and our write (PostgreSQL read committed)
        raise StaleEditError(stale_message(lot.lot_id, expected_version + 1, None))
    session.add(
        LotEdit(
            lot_id=lot.lot_id,
            kind=kind,
            version=expected_version + 1,
            at=now,
            user_name=user,
            before=_jsonable(before),
            after=_jsonable(after),
            reason=reason,
        )
    )
    if "status" in after:
        session.add(
            LotStatusEvent(
                lot_id=lot.lot_id,
                date=today,
                status=after["status"],
                source=f"{PUBLIC_EVENT_SOURCE}, {today.isoformat()}",
                is_inferred=False,
                note=PUBLIC_EVENT_NOTE,
                from_baseline=False,
            )
        )
    bump_revision(session)
    return EditResult(lot.lot_id, expected_version + 1, dict(before), dict(after))


def verify_lot(
    store: Store, lot_id: str, *, expected_version: int, user: str, today: dt.date | None = None
) -> EditResult:
    """Record that staff confirmed a lot's status today without changing it (one event)."""
    today = today or dt.date.today()
    with store.write() as session:
        lot = session.get(LotRecord, lot_id)
        if lot is None:
            raise RecordNotFoundError(
                Message(N_("There is no lot %(lot)s."), {"lot": repr(lot_id)})
            )
        if lot.version != expected_version:
            raise StaleEditError(stale_message(lot_id, lot.version, lot.updated_by))
        before = {"verified_on": lot.verified_on}
        after = {"verified_on": today}
        current = _lot_fields(lot)
        now = dt.datetime.now(dt.UTC)
        result = session.execute(
            update(LotRecord)
            .where(LotRecord.lot_id == lot_id, LotRecord.version == expected_version)
            .values(
                version=expected_version + 1, verified_on=today, updated_at=now, updated_by=user
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleEditError(stale_message(lot_id, expected_version + 1, None))
        session.add(
            LotEdit(
                lot_id=lot_id,
                kind="verify",
                version=expected_version + 1,
                at=now,
                user_name=user,
                before=_jsonable(before),
                after=_jsonable({**after, "status": current["status"]}),
                reason=None,
            )
        )
        bump_revision(session)
    return EditResult(lot_id, expected_version + 1, before, after)


def expire_negotiations(store: Store, today: dt.date | None = None) -> list[ExpiredNegotiation]:
    """Return every lot whose negotiation ran past its expiry date to ``available``.

    Each lot gets one ``expiry`` event by the system user, with the firm and date in the
    history. Safe to call from several processes at once: a lot already handled by another
    one is skipped (its version has moved).
    """
    today = today or dt.date.today()
    with store.read() as session:
        due = session.execute(
            select(
                LotRecord.lot_id,
                LotRecord.version,
                LotRecord.negotiating_firm,
                LotRecord.negotiation_expires,
            )
            .where(LotRecord.status == "negotiating", LotRecord.negotiation_expires < today)
            .order_by(LotRecord.lot_id)
        ).all()
    expired = []
    for lot_id, version, firm, expires in due:
        if expires is None:  # the query excludes it; keeps the type checker sure
            continue
        try:
            change_lot(
                store,
                lot_id,
                {"status": "available"},
                expected_version=version,
                user=SYSTEM_USER,
                reason=f"negotiation with {firm or '?'} expired on {expires.isoformat()}",
                today=today,
                kind="expiry",
            )
        except (StaleEditError, InventoryError):
            continue  # changed meanwhile by someone else: their change stands
        expired.append(ExpiredNegotiation(lot_id, firm, expires))
    return expired


def lot_detail(store: Store, lot_id: str) -> dict[str, Any]:
    """Return every field of one lot, staff-only ones included (for the office)."""
    with store.read() as session:
        lot = session.get(LotRecord, lot_id)
        if lot is None:
            raise RecordNotFoundError(
                Message(N_("There is no lot %(lot)s."), {"lot": repr(lot_id)})
            )
        return {c.key: getattr(lot, c.key) for c in LotRecord.__table__.columns}


def lot_history(store: Store, lot_id: str, *, limit: int = 200) -> list[dict[str, Any]]:
    """Return the lot's accepted changes, newest first (who, when, before, after, why)."""
    with store.read() as session:
        rows = session.scalars(
            select(LotEdit).where(LotEdit.lot_id == lot_id).order_by(LotEdit.id.desc()).limit(limit)
        ).all()
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "version": r.version,
                "at": r.at,
                "user": r.user_name,
                "before": json.loads(r.before),
                "after": json.loads(r.after),
                "reason": r.reason,
            }
            for r in rows
        ]


def recent_expiries(store: Store, *, since: dt.datetime) -> list[dict[str, Any]]:
    """Return the negotiations that expired (system changes) since ``since``, newest first."""
    with store.read() as session:
        rows = session.scalars(
            select(LotEdit)
            .where(LotEdit.kind == "expiry", LotEdit.at >= since)
            .order_by(LotEdit.id.desc())
        ).all()
        return [
            {"lot_id": r.lot_id, "at": r.at, "before": json.loads(r.before), "reason": r.reason}
            for r in rows
        ]
