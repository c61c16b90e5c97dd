"""Vacancy and absorption: how fast each park's lots sold, when they sold out, what is left.

Read from the lot status history (``lot_events``):

- **sold share** of a park on a date = area of its lots whose status on that date is
  ``sold`` / area of all its lots (the last event on or before the date counts);
- **absorption** = area sold / years from the park's first lot on sale to the date it
  sold out (or to ``as_of`` while stock remains), in ha per year; when the history opens
  with lots already sold (their sale dates unknown), only the later sales count;
- **sold out on** = the first date from which every lot stays sold;
- **forecast** for a park with stock: remaining share / pace, the pace being the park's own
  (share of its stock sold per year); the range runs from the slowest to the fastest pace
  any park has shown. Dates in the history that are inferred ("sold on or before") make
  the paces lower bounds; the share of sold area whose date is inferred is reported.

Unmet demand comes from the demand log: requests no lot could serve, grouped by the
constraint that blocked them (re-run against the lots as they were on the request's date).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from parks.data import Layers
from parks.errors import InvalidInputError
from parks.lots import parse_date

DAYS_PER_YEAR = 365.25
MIN_YEARS = 0.25
"""Shortest selling period a pace is computed from (shorter gives no pace)."""

SOLD = "sold"
ON_SALE = ("available", "negotiating", "reserved", "sold")
STOCK = ("available", "negotiating", "reserved")
"""Statuses that count as stock on the market (``planned`` lots are reported apart)."""


def _years(a: date, b: date) -> float:
    return (b - a).days / DAYS_PER_YEAR


def _status_table(events: pd.DataFrame) -> pd.DataFrame:
    ev = events.copy()
    ev["date"] = ev["date"].astype(str)
    ev["_row"] = np.arange(len(ev))
    return ev.sort_values(["date", "_row"], kind="stable")


def _statuses(ordered: pd.DataFrame, day: str) -> pd.Series:
    known = ordered[ordered["date"] <= day]
    return known.groupby("lot_id")["status"].last()


def park_history(lots: pd.DataFrame, events: pd.DataFrame, *, as_of: date) -> dict[str, Any]:
    """Return the sold-share series and the selling summary of one park's lots."""
    area = lots.set_index("lot_id")["area_m2"].astype(float)
    total_m2 = float(area.sum())
    ordered = _status_table(events[events["lot_id"].isin(area.index)])
    ordered = ordered[ordered["date"] <= as_of.isoformat()]
    dates = sorted(ordered["date"].unique())
    series = []
    first_on_sale: date | None = None
    sold_out_on: date | None = None
    for day in dates:
        status = _statuses(ordered, day)
        sold = status[status == SOLD].index
        sold_m2 = float(area.reindex(sold).sum())
        share = sold_m2 / total_m2 if total_m2 > 0 else 0.0
        series.append(
            {
                "date": day,
                "share": round(share, 4),
                "sold_ha": round(sold_m2 / 1e4, 3),
                "lots_sold": len(sold),
            }
        )
        if first_on_sale is None and status.isin(ON_SALE).any():
            first_on_sale = date.fromisoformat(day)
        all_sold = len(sold) == len(area) and len(area) > 0
        if all_sold and sold_out_on is None:
            sold_out_on = date.fromisoformat(day)
        elif not all_sold:
            sold_out_on = None
    final = _statuses(ordered, as_of.isoformat()) if len(ordered) else pd.Series(dtype=object)
    sold_now = final[final == SOLD].index
    sold_m2 = float(area.reindex(sold_now).sum())
    stock_m2 = float(area.reindex(final[final.isin(STOCK)].index).sum())
    planned_m2 = float(area.reindex(final[final == "planned"].index).sum())
    sale_rows = ordered[(ordered["status"] == SOLD) & ordered["lot_id"].isin(sold_now)]
    last_sale = sale_rows.groupby("lot_id").last()
    inferred_m2 = 0.0
    if "is_inferred" in last_sale.columns:
        inferred = last_sale["is_inferred"].fillna(False).astype(bool)
        inferred_m2 = float(area.reindex(inferred[inferred].index).sum())
    # a history that opens with lots already sold does not say when they sold: the pace
    # counts only the sales after the first record
    before_m2 = float(series[0]["sold_ha"]) * 1e4 if series else 0.0
    counted_m2 = sold_m2 - before_m2
    end = sold_out_on or as_of
    years = _years(first_on_sale, end) if first_on_sale else 0.0
    rate_ha = counted_m2 / 1e4 / years if years >= MIN_YEARS else None
    share_rate = (counted_m2 / total_m2) / years if years >= MIN_YEARS and total_m2 > 0 else None
    return {
        "total_ha": round(total_m2 / 1e4, 3),
        "lots": len(area),
        "sold_ha": round(sold_m2 / 1e4, 3),
        "stock_ha": round(stock_m2 / 1e4, 3),
        "planned_ha": round(planned_m2 / 1e4, 3),
        "first_on_sale": first_on_sale.isoformat() if first_on_sale else None,
        "sold_out_on": sold_out_on.isoformat() if sold_out_on else None,
        "selling_years": round(years, 2),
        "sold_before_first_record_ha": round(before_m2 / 1e4, 3),
        "absorption_ha_per_year": None if rate_ha is None else round(rate_ha, 3),
        "pace_share_per_year": share_rate,
        "inferred_sale_date_share": round(inferred_m2 / sold_m2, 4) if sold_m2 > 0 else None,
        "sold_share": series,
    }


def _forecast(history: Mapping[str, Any], paces: list[float], as_of: date) -> dict[str, Any] | None:
    """Return the sell-out forecast of a park with stock, or None without stock."""
    remaining_ha = history["stock_ha"] + history["planned_ha"]
    if remaining_ha <= 0 or history["total_ha"] <= 0:
        return None
    remaining_share = remaining_ha / history["total_ha"]
    own = history["pace_share_per_year"]
    out: dict[str, Any] = {
        "remaining_ha": round(remaining_ha, 3),
        "method": (
            "remaining share of the park's area / pace (share of the park sold per year); "
            "central: the park's own pace; range: the slowest and the fastest pace of any park"
        ),
    }
    if not paces and own is None:
        out.update({"sold_out_on": None, "range": None, "note": "no park has a selling history"})
        return out
    central = own if own is not None else float(np.median(paces))
    lo, hi = (min(paces), max(paces)) if paces else (central, central)

    def when(pace: float) -> str | None:
        if pace <= 0:
            return None
        days = remaining_share / pace * DAYS_PER_YEAR
        return (as_of + timedelta(days=math.ceil(days))).isoformat()

    out.update(
        {
            "pace_ha_per_year": {
                "low": round(lo * history["total_ha"], 3),
                "central": round(central * history["total_ha"], 3),
                "high": round(hi * history["total_ha"], 3),
            },
            "sold_out_on": when(central),
            "range": {"earliest": when(hi), "latest": when(lo)},
            "pace_from": "own history" if own is not None else "median of the other parks",
        }
    )
    return out


def vacancy(
    layers: Layers,
    *,
    as_of: date | str | None = None,
    demand: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Return sold share over time, absorption, sell-out dates and forecasts, and unmet demand.

    Returns
    -------
    dict
        ``{"as_of", "parks": [{"park_id", "sold_share": [{"date", "share"}],
        "absorption_ha_per_year", "sold_out_on", "forecast", ...}], "city": {...},
        "unmet_demand": [...], "sources": [...]}``.
    """
    day = date.today() if as_of is None else parse_date(as_of)
    lots = layers.lots
    events = layers.lot_events
    parks_out = []
    for row in layers.parks.itertuples():
        park_lots = lots[lots["park_id"] == row.park_id]
        history = park_history(park_lots, events, as_of=day)
        parks_out.append(
            {"park_id": row.park_id, "name_ja": row.name_ja, "name_en": row.name_en, **history}
        )
    paces = [p["pace_share_per_year"] for p in parks_out if p["pace_share_per_year"] is not None]
    for p in parks_out:
        p["forecast"] = _forecast(p, paces, day)
    for p in parks_out:
        pace = p.pop("pace_share_per_year")
        p["pace_share_per_year"] = None if pace is None else round(pace, 4)
    city = _city(parks_out, events, lots, day)
    records = list(demand)
    return {
        "as_of": day.isoformat(),
        "parks": parks_out,
        "city": city,
        "unmet_demand": unmet_by_constraint(layers, records),
        "unmet_summary": _unmet_summary(records),
        "is_approximate": True,
        "sources": sorted(set(events["source"].dropna().astype(str)))[:50],
        "notes": [
            "sale dates marked inferred are 'on or before' dates, so paces are lower bounds",
            "a sale is counted in the year it is first on record (sold_ha_by_year)",
            "lot areas are illustrative where the lot layer says so",
        ],
    }


def _city(
    parks: list[dict[str, Any]], events: pd.DataFrame, lots: pd.DataFrame, day: date
) -> dict[str, Any]:
    """Citywide totals, pace and the area sold in each calendar year."""
    total = sum(p["total_ha"] for p in parks)
    sold = sum(p["sold_ha"] for p in parks)
    starts = [date.fromisoformat(p["first_on_sale"]) for p in parks if p["first_on_sale"]]
    area = lots.set_index("lot_id")["area_m2"].astype(float)
    ordered = _status_table(events[events["lot_id"].isin(area.index)])
    ordered = ordered[ordered["date"] <= day.isoformat()]
    # the year of each lot's last move to "sold" (a lot sold twice counts once, at its last sale)
    sales = ordered[ordered["status"] == SOLD].groupby("lot_id")["date"].last()
    final = _statuses(ordered, day.isoformat())
    sales = sales[sales.index.isin(final[final == SOLD].index)]
    by_year: dict[str, float] = defaultdict(float)
    for lot_id, d in sales.items():
        by_year[str(d)[:4]] += float(area.get(lot_id, 0.0)) / 1e4
    last_sale = date.fromisoformat(str(sales.max())) if len(sales) else None
    all_sold = all(p["sold_out_on"] for p in parks) and parks
    end = last_sale if all_sold and last_sale else day
    years = _years(min(starts), end) if starts else 0.0
    counted = sold - sum(p["sold_before_first_record_ha"] for p in parks)
    return {
        "total_ha": round(total, 3),
        "sold_ha": round(sold, 3),
        "sold_share": round(sold / total, 4) if total else None,
        "stock_ha": round(sum(p["stock_ha"] for p in parks), 3),
        "planned_ha": round(sum(p["planned_ha"] for p in parks), 3),
        "absorption_ha_per_year": round(counted / years, 3) if years >= MIN_YEARS else None,
        "sold_before_first_record_ha": round(sold - counted, 3),
        "first_on_sale": min(starts).isoformat() if starts else None,
        "all_sold_out_on": max(p["sold_out_on"] for p in parks) if all_sold else None,
        "sold_ha_by_year": {y: round(v, 3) for y, v in sorted(by_year.items())},
        "parks_with_stock": [p["park_id"] for p in parks if p["stock_ha"] + p["planned_ha"] > 0],
    }


# --------------------------------------------------------------------------------------------
# unmet demand


def _unmet(records: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [r for r in records if isinstance(r, Mapping) and r.get("matches", 0) == 0]


def _unmet_summary(records: list[Mapping[str, Any]]) -> dict[str, Any]:
    unmet = _unmet(records)
    return {
        "requests": len(records),
        "unmet": len(unmet),
        "unmet_land_ha": round(
            sum(float((_criteria(r).get("land_m2") or {}).get("min") or 0.0) for r in unmet) / 1e4,
            3,
        ),
    }


def _criteria(record: Mapping[str, Any]) -> Mapping[str, Any]:
    crit = record.get("criteria")
    return crit if isinstance(crit, Mapping) else {}


def failed_constraints(layers: Layers, record: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the constraints that kept a logged request from every lot.

    A log line may say itself (``failed_constraints``); otherwise the request is matched
    again against the lots as they were on its date. Its near misses (lots failing exactly
    one constraint) name the blocking constraints; with no near miss every lot failed two
    or more, reported as ``several``.
    """
    given = record.get("failed_constraints")
    if isinstance(given, list) and given:
        return tuple(sorted({str(c) for c in given}))
    from parks.matching import match
    from parks.profile import validate_profile

    try:
        profile = validate_profile(dict(_criteria(record)))
        day = parse_date(str(record.get("as_of") or date.today().isoformat()))
    except (InvalidInputError, ValueError):
        return ("unreadable",)
    result = match(layers, profile, as_of=day, top=50, with_grants=False)
    failed = {c.constraint for m in result.near_misses for c in m.failed}
    return tuple(sorted(failed)) if failed else ("several",)


def unmet_by_constraint(
    layers: Layers, records: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Group the requests nobody could serve by the constraint that blocked them.

    A request blocked by two constraints (different near misses failing different ones)
    counts under each. Each group gives the requests, their share of the unmet requests,
    the land they asked for (sum of the minimum areas) and their industries.
    """
    unmet = _unmet(list(records))
    seen: dict[str, tuple[str, ...]] = {}
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for record in unmet:
        key = repr(
            (
                sorted(_criteria(record).items()),
                record.get("as_of"),
                record.get("failed_constraints"),
            )
        )
        if key not in seen:
            seen[key] = failed_constraints(layers, record)
        for constraint in seen[key]:
            groups[constraint].append(record)
    out = []
    for constraint, rows in groups.items():
        land = [float((_criteria(r).get("land_m2") or {}).get("min") or 0.0) for r in rows]
        industries = Counter(str(_criteria(r).get("industry", "?")) for r in rows)
        out.append(
            {
                "constraint": constraint,
                "requests": len(rows),
                "share": round(len(rows) / len(unmet), 4),
                "land_ha_asked": round(sum(land) / 1e4, 3),
                "industries": dict(industries.most_common()),
            }
        )
    out.sort(key=lambda g: (-len(groups[str(g["constraint"])]), str(g["constraint"])))
    return out
