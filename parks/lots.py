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


def lot_history(layers: Layers, lot_id: str) -> pd.DataFrame:
    """Return one lot's status records, oldest first (same-day records keep table order).

    Raises
    ------
    LotNotFoundError
        If no lot has ``lot_id``.
    """
    layers.lot(lot_id)
    events = layers.lot_events
    mine = events[events["lot_id"] == lot_id]
    ordered = mine.assign(_row=range(len(mine))).sort_values(["date", "_row"], kind="stable")
    return ordered.drop(columns="_row").reset_index(drop=True)


ON_MARKET = ("available", "negotiating", "reserved", "sold")
"""Statuses of a lot that has been put on sale (planned lots are not yet saleable)."""


def sold_share_history(layers: Layers, park_id: str) -> pd.DataFrame:
    """Return the park's sold share after each date on which one of its lots changed status.

    ``sold_share`` is the sold area over the area of the lots on the market that day
    (available, negotiating, reserved or sold; planned lots are not yet saleable), so it
    follows the glossary's sold area ÷ saleable area as phases open.

    Returns
    -------
    pandas.DataFrame
        ``date`` (ISO text), ``sold_share`` in [0, 1], ``sold_lots``, ``lots`` (on the
        market), ``available_lots``; one row per distinct event date, oldest first.

    Raises
    ------
    ParkNotFoundError
        If no park has ``park_id``.

    Examples
    --------
    A park of two lots of 100 and 300 m², opened together, the larger one sold later:

    >>> from types import SimpleNamespace
    >>> lots = pd.DataFrame({"lot_id": ["p/1", "p/2"], "park_id": ["p", "p"],
    ...                      "area_m2": [100.0, 300.0]})
    >>> events = pd.DataFrame({"lot_id": ["p/1", "p/2", "p/2"],
    ...                        "date": ["2020-01-01", "2020-01-01", "2021-06-01"],
    ...                        "status": ["available", "available", "sold"]})
    >>> fake = SimpleNamespace(lots=lots, lot_events=events, lots_of=lambda p: lots)
    >>> sold_share_history(fake, "p")[["date", "sold_share", "sold_lots"]].values.tolist()
    [['2020-01-01', 0.0, 0], ['2021-06-01', 0.75, 1]]
    """
    lots = layers.lots_of(park_id)
    area = lots.set_index("lot_id")["area_m2"].astype(float)
    events = layers.lot_events[layers.lot_events["lot_id"].isin(area.index)]
    rows = []
    for day in sorted(events["date"].astype(str).str[:10].unique()):
        status = statuses_on(events, day)
        on_market = status[status.isin(ON_MARKET)]
        sold = on_market[on_market == "sold"]
        market_m2 = float(area.reindex(on_market.index).sum())
        sold_m2 = float(area.reindex(sold.index).sum())
        rows.append(
            {
                "date": day,
                "sold_share": sold_m2 / market_m2 if market_m2 > 0 else 0.0,
                "sold_lots": len(sold),
                "lots": len(on_market),
                "available_lots": int((on_market == "available").sum()),
            }
        )
    return pd.DataFrame(rows, columns=["date", "sold_share", "sold_lots", "lots", "available_lots"])
