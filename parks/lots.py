"""Lots and their status on a date, rebuilt from the status history (lot_events)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from parks.data import Layers
from parks.errors import InvalidInputError


def parse_date(value: str | date) -> date:
    """Parse an ISO date (YYYY-MM-DD); raise InvalidInputError with the value otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        msg = f"date {value!r} is not an ISO date (YYYY-MM-DD)"
        raise InvalidInputError(msg) from None


def statuses_on(events: pd.DataFrame, as_of: str | date) -> pd.Series:
    """Return each lot's status on ``as_of``: its last event on or before that date.

    Lots with no event by then are absent from the result (their status was not on record).
    Events on the same date keep their order in the table, so the later row wins.
    """
    day = parse_date(as_of).isoformat()
    known = events[events["date"].astype(str) <= day]
    if known.empty:
        return pd.Series(dtype=object, name="status")
    ordered = known.assign(_row=range(len(known))).sort_values(["date", "_row"], kind="stable")
    return ordered.groupby("lot_id")["status"].last()


def status_as_of(layers: Layers, as_of: str | date) -> gpd.GeoDataFrame:
    """Return the lots with ``status`` as it was on ``as_of`` (None where not on record).

    Also sets ``status_known`` (bool). Use this for every date other than "latest".
    """
    status = statuses_on(layers.lot_events, as_of)
    lots = layers.lots.copy()
    lots["status"] = lots["lot_id"].map(status)
    lots["status"] = lots["status"].astype(object).where(lots["status"].notna(), None)
    lots["status_known"] = lots["status"].notna()
    return lots
