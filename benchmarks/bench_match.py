"""Match latency on the real data and on a generated national-scale set, against a naive loop.

The naive peer walks the lots row by row (``DataFrame.itertuples``), looks up each lot's
status in its own event list and checks every constraint in Python, as a first version of a
matcher would; both sides get the same inputs and return the same top lots.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from parks.data import DESTINATION_KINDS, json_list, load_layers
from parks.grants import load_rules
from parks.matching import LotTable, lot_table, match, match_table, table_from_columns
from parks.profile import FirmProfile, validate_profile

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2021, 4, 1)
PROFILE = {
    "industry": "manufacturing",
    "project": "new_site",
    "origin": "outside_prefecture",
    "land_m2": {"min": 3000, "max": 15000},
    "investment_jpy": {"land": 200000000, "building": 600000000, "equipment": 300000000},
    "new_hires": 40,
    "new_hires_residents": 30,
    "max_drive_minutes": {"interchange": 15, "airport": 45},
}


def naive_match(
    lots: pd.DataFrame,
    events: pd.DataFrame,
    minutes: pd.DataFrame,
    parks: pd.DataFrame,
    profile: FirmProfile,
    as_of: date,
    top: int = 10,
) -> list[str]:
    """Row-by-row matcher: the peer of the benchmark."""
    by_lot: dict[str, list[tuple[str, str]]] = {}
    for ev in events.itertuples(index=False):
        by_lot.setdefault(ev.lot_id, []).append((str(ev.date), ev.status))
    admits = {
        p: set(json_list(a))
        for p, a in zip(parks["park_id"], parks["admitted_industries"], strict=True)
    }
    mins = minutes.set_index("lot_id")
    day = as_of.isoformat()
    limits = {k: getattr(profile.max_drive_minutes, k) for k in DESTINATION_KINDS}
    found: list[tuple[float, str]] = []
    for lot in lots.itertuples(index=False):
        history = sorted(e for e in by_lot.get(lot.lot_id, []) if e[0] <= day)
        if not history or history[-1][1] != "available":
            continue
        if profile.industry not in admits.get(lot.park_id, set()):
            continue
        if not (profile.land_m2_min or 0) <= lot.area_m2 <= (profile.land_m2_max or float("inf")):
            continue
        row = mins.loc[lot.lot_id]
        if any(v is not None and not row[k] <= v for k, v in limits.items()):
            continue
        access = sum(max(0.0, 1 - row[k] / 60) for k in DESTINATION_KINDS) / 4
        found.append((access, lot.lot_id))
    found.sort(reverse=True)
    return [lot_id for _, lot_id in found[:top]]


def naive_match_with_grants(layers, minutes, profile, as_of, rules, top: int = 10) -> list:
    """The naive loop, then a grant report per returned lot, as a first version would do."""
    from parks.grants import evaluate, site_for_lot

    lots = naive_match(layers.lots, layers.lot_events, minutes, layers.parks, profile, as_of, top)
    return [
        evaluate(profile, site_for_lot(layers, lot_id), as_of=as_of, rules=rules) for lot_id in lots
    ]


def national_set(n: int, seed: int = 7) -> tuple[pd.DataFrame, ...]:
    """Generate n lots in 500 parks with random areas, statuses and drive minutes."""
    rng = np.random.default_rng(seed)
    park = rng.integers(0, 500, n)
    lots = pd.DataFrame(
        {
            "lot_id": [f"park{p}/{i}" for i, p in enumerate(park)],
            "park_id": [f"park{p}" for p in park],
            "area_m2": rng.lognormal(np.log(6000), 0.8, n),
            "price_per_m2": np.nan,
            "available_from": "2015-04-01",
        }
    )
    events = pd.DataFrame(
        {
            "lot_id": np.repeat(lots["lot_id"].to_numpy(), 2),
            "date": np.tile(["2015-04-01", "2019-06-01"], n),
            "status": np.column_stack(
                [np.full(n, "available"), rng.choice(["available", "sold", "sold", "reserved"], n)]
            ).ravel(),
        }
    )
    minutes = pd.DataFrame({"lot_id": lots["lot_id"]})
    for kind in DESTINATION_KINDS:
        minutes[kind] = rng.gamma(3, 8, n)
        minutes[f"{kind}_id"] = f"{kind}-x"
    industries = [["manufacturing", "logistics_wholesale"], ["high_tech_manufacturing", "research"]]
    parks = pd.DataFrame(
        {
            "park_id": [f"park{p}" for p in range(500)],
            "admitted_industries": [json.dumps(industries[p % 2]) for p in range(500)],
            "groundwater": None,
        }
    )
    return lots, events, minutes, parks


def _times(fn, repeat: int) -> np.ndarray:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return np.array(out)


def run() -> Iterator[dict]:
    """Yield p50/p95 latency rows for the real data and the 100,000-lot set."""
    profile = validate_profile(PROFILE)
    layers = load_layers(ROOT / "data")
    table = lot_table(layers)
    match(layers, profile, as_of=AS_OF)  # warm caches (table, sites, rules)
    minutes = _minutes_frame(table)
    ours = _times(lambda: match(layers, profile, as_of=AS_OF), 60)
    rules = load_rules()
    peer = _times(lambda: naive_match_with_grants(layers, minutes, profile, AS_OF, rules), 15)
    n = len(layers.lots)
    for q in (50, 95):
        yield {
            "name": f"match p{q} latency, real data ({n} lots, with grants)",
            "value": float(np.percentile(ours, q)),
            "unit": "ms",
            "peer": "naive row-by-row loop, grants per returned lot",
            "peer_value": float(np.percentile(peer, q)),
        }
    lots, events, mins, parks = national_set(100_000)
    big = table_from_columns(lots, events, mins, parks)
    ours = _times(lambda: match_table(big, profile, as_of=AS_OF), 20)
    peer = _times(lambda: naive_match(lots, events, mins, parks, profile, AS_OF), 2)
    for q in (50, 95):
        yield {
            "name": f"match p{q} latency, generated national set (100,000 lots)",
            "value": float(np.percentile(ours, q)),
            "unit": "ms",
            "peer": "naive row-by-row loop",
            "peer_value": float(np.percentile(peer, q)),
        }


def _minutes_frame(table: LotTable) -> pd.DataFrame:
    out = pd.DataFrame({"lot_id": table.lot_id})
    for kind in DESTINATION_KINDS:
        out[kind] = table.minutes[kind]
    return out
