"""Step 3 — history: every lot's dated status events, from openings and the dated reports.

Events come from the plan (parks/build/lot_plan.yaml):

- a phase's planning and opening give each of its lots a ``planned`` and an ``available``
  event (flagged is_inferred when the day or month is assumed);
- each dated event of the plan gives its lots a status on the date the source gives for
  the contract or decision; an event with ``between`` spreads its lots evenly over that
  interval (the derived state before the first report), flagged is_inferred;
- a lot reserved or sold before its phase opens gets no ``available`` event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from parks.build.plan import PlannedLot
from parks.errors import DataNotFoundError

TAKEN = ("reserved", "sold")


def lot_events(park_id: str, plan: dict[str, Any], lots: Sequence[PlannedLot]) -> pd.DataFrame:
    """Return the park's events: lot_id, date, status, source, is_inferred, note, occupant."""
    rows: list[dict[str, Any]] = []
    for lot in lots:
        if lot.planned_from:
            rows.append(
                _row(
                    lot.lot_id,
                    lot.planned_from,
                    "planned",
                    lot.planned_source or lot.source,
                    False,
                    "phase planned (decision or announcement)",
                    None,
                    0,
                )
            )
        if lot.opened:
            rows.append(
                _row(
                    lot.lot_id,
                    lot.opened,
                    "available",
                    lot.opened_source or lot.source,
                    lot.opened_inferred,
                    "on sale from the phase's opening"
                    + (" (day or month assumed)" if lot.opened_inferred else ""),
                    None,
                    1,
                )
            )
    rows += _plan_events(park_id, plan, lots)
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(["date", "rank_", "seq_"], kind="stable")
    frame = _drop_shadowed_openings(frame)
    return frame.drop(columns=["rank_", "seq_"]).reset_index(drop=True)


def _plan_events(
    park_id: str, plan: dict[str, Any], lots: Sequence[PlannedLot]
) -> list[dict[str, Any]]:
    """The plan's dated events, each resolved to lots and dates."""
    named = {str(no) for e in plan.get("events") or [] for no in e.get("lots", [])}
    known = {lot.lot_no for lot in lots}
    unknown = sorted(named - known)
    if unknown:
        msg = f"{park_id}: events name lots that the plan does not have: {unknown}"
        raise DataNotFoundError(msg)
    sold: set[str] = set()
    rows: list[dict[str, Any]] = []
    for seq, event in enumerate(plan.get("events") or []):
        status = str(event["status"])
        if "lots" in event:
            targets = [str(no) for no in event["lots"]]
        else:
            phase = event.get("phase")
            pool = [
                lot.lot_no
                for lot in lots
                if (phase is None or lot.phase == int(phase))
                and lot.lot_no not in sold
                and lot.lot_no not in named
            ]
            count = int(event["count"])
            if count > len(pool):
                msg = f"{park_id}: an event sells {count} lots but only {len(pool)} are left"
                raise DataNotFoundError(msg)
            targets = pool[:count]
        if "between" in event:
            dates = spread(str(event["between"][0]), str(event["between"][1]), len(targets))
            inferred = True
        else:
            dates = [str(event["date"])] * len(targets)
            inferred = bool(event.get("date_inferred", False))
        for no, day in zip(targets, dates, strict=True):
            rows.append(
                _row(
                    f"{park_id}/{no}",
                    day,
                    status,
                    str(event["source"]),
                    inferred,
                    event.get("note"),
                    event.get("occupant"),
                    2,
                    seq,
                )
            )
            if status == "sold":
                sold.add(no)
    return rows


def spread(start: str, end: str, n: int) -> list[str]:
    """``n`` ISO dates evenly spaced after ``start`` up to and including ``end``.

    Examples
    --------
    >>> spread("2020-01-01", "2020-01-31", 3)
    ['2020-01-11', '2020-01-21', '2020-01-31']
    """
    d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
    span = (d1 - d0).days
    return [(d0 + timedelta(days=round(span * (i + 1) / n))).isoformat() for i in range(n)]


def _row(
    lot_id: str,
    day: object,
    status: str,
    source: str,
    inferred: bool,
    note: str | None,
    occupant: str | None,
    rank: int,
    seq: int = 0,
) -> dict[str, Any]:
    return {
        "lot_id": lot_id,
        "date": str(day),
        "status": status,
        "source": str(source),
        "is_inferred": bool(inferred),
        "note": note,
        "occupant": occupant,
        "rank_": rank,
        "seq_": seq,
    }


def _drop_shadowed_openings(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop a lot's ``available`` opening event when it was reserved or sold before."""
    keep = []
    taken_since: dict[str, str] = {}
    for row in frame.itertuples():
        if row.status in TAKEN and row.rank_ == 2:
            taken_since.setdefault(str(row.lot_id), str(row.date))
        shadowed = (
            row.status == "available"
            and row.rank_ == 1
            and str(row.lot_id) in taken_since
            and taken_since[str(row.lot_id)] <= str(row.date)
        )
        keep.append(not shadowed)
    return frame[keep]


def latest(events: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each lot's last status and the occupant named by its events."""
    out: dict[str, dict[str, Any]] = {}
    for row in events.itertuples():
        entry = out.setdefault(str(row.lot_id), {"status": None, "occupant": None})
        entry["status"] = row.status
        if isinstance(row.occupant, str) and row.occupant:
            entry["occupant"] = row.occupant
    return out
