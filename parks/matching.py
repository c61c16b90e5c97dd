"""Matching a firm's criteria to lots: hard constraints, a weighted score, near misses, assemblies.

The lot data are held column-wise in a :class:`LotTable` built once per dataset, so one
request is a handful of vectorised numpy operations over all lots; grants are evaluated only
for the lots that are returned, once per distinct site (zones, park, price).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import METRIC_CRS, WEB_CRS, to_metric
from parks.data import DESTINATION_KINDS, LOT_STATUSES, Layers, json_list
from parks.errors import InvalidInputError
from parks.messages import Message, Name
from parks.profile import FirmProfile

Render = Callable[[Message], str]
"""Turns a :class:`Message` into text in some language (``Message.english`` by default)."""


def _english(message: Message) -> str:
    return message.english()


STATUS_CODES = {status: i for i, status in enumerate(LOT_STATUSES)}
NO_STATUS = -1
AVAILABLE = STATUS_CODES["available"]
PLANNED = STATUS_CODES["planned"]

ASSEMBLY_GAP_M = 20.0
"""Lots this close (an internal road apart) may be assembled into one site."""

MAX_ASSEMBLY = 3
"""At most this many lots make one assembled site."""

ACCESS_HORIZON_MIN = 60.0
"""Drive minutes at which a destination's access score reaches 0."""

ACCESS_KIND_WEIGHTS = {"interchange": 0.4, "port": 0.2, "airport": 0.2, "station": 0.2}
"""How the access score weighs the nearest destination of each kind (sums to 1)."""

CONSTRAINTS = ("availability", "industry", "area", "drive_minutes", "groundwater", "price")


def _day(value: date) -> int:
    return value.toordinal()


@dataclass(frozen=True)
class Weights:
    """Weights of the soft score; each component is in [0, 1], the score is their weighted mean.

    - ``access``: per destination kind, ``1 - minutes / 60`` (clipped to [0, 1]), combined
      with ACCESS_KIND_WEIGHTS; a kind the firm sets a limit for counts twice.
    - ``land_fit``: 1 at the middle of the firm's area range, falling linearly to 0.5 at its
      ends (0.5 when the firm gives no range).
    - ``net_cost``: the sure grant cash (city + prefecture if combinable; numbers-only
      estimate, :func:`parks.grants.estimate_grants`) as a share of the firm's investment,
      divided by 0.3 and clipped; where a lot's price is known the net land cost per m² is
      compared instead (cheapest = 1). No park price is public, so today it is the grant share.
    - ``cluster``: a proxy for same-industry neighbours, since occupants' industries per lot
      are not public: the park's sold share on the date, times 1 when the firm's industry is
      among the park's first-listed targets and 0.5 when it is admitted only.
    """

    access: float = 0.4
    land_fit: float = 0.3
    net_cost: float = 0.15
    cluster: float = 0.15

    def __post_init__(self) -> None:
        values = self.to_dict()
        problems = [f"weight {k} must be >= 0, got {v}" for k, v in values.items() if v < 0]
        if sum(values.values()) <= 0:
            problems.append("at least one weight must be positive")
        if problems:
            raise InvalidInputError(problems)

    def to_dict(self) -> dict[str, float]:
        """Return the weights as a mapping."""
        return {
            "access": self.access,
            "land_fit": self.land_fit,
            "net_cost": self.net_cost,
            "cluster": self.cluster,
        }


@dataclass(frozen=True)
class LotTable:
    """All lots as columns, with their status history and drive minutes, for fast matching."""

    lot_id: np.ndarray
    park_id: np.ndarray
    area_m2: np.ndarray
    price_per_m2: np.ndarray
    available_from: np.ndarray
    ev_key: np.ndarray
    ev_status: np.ndarray
    ev_day: np.ndarray
    minutes: Mapping[str, np.ndarray]
    destination_id: Mapping[str, np.ndarray]
    park_admits: Mapping[str, frozenset[str]]
    park_primary: Mapping[str, frozenset[str]]
    park_groundwater: Mapping[str, bool | None]
    neighbours: tuple[np.ndarray, ...]
    park_code: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    park_names: np.ndarray = field(default_factory=lambda: np.empty(0, object))
    geometry: np.ndarray | None = None
    is_illustrative: np.ndarray | None = None
    names: Mapping[tuple[str, str], Name] = field(default_factory=dict)
    """Parks and destinations as :class:`Name` by ``(kind, id)``, for the check messages."""

    def name(self, kind: str, item_id: str) -> Name:
        """Return the name of a park or destination (an id-only Name when unknown)."""
        return self.names.get((kind, item_id)) or Name(kind, item_id)

    @property
    def size(self) -> int:
        """Number of lots."""
        return len(self.lot_id)

    def per_park(self, values: Mapping[str, Any], default: Any) -> np.ndarray:
        """Spread a per-park mapping over the lots (one lookup per park, not per lot)."""
        by_park = np.array([values.get(str(p), default) for p in self.park_names])
        out: np.ndarray = by_park[self.park_code]
        return out

    def first_lot_of_each_park(self) -> np.ndarray:
        """Index of one lot in each park."""
        _, first = np.unique(self.park_code, return_index=True)
        return first

    def status_on(self, as_of: date) -> tuple[np.ndarray, np.ndarray]:
        """Return each lot's status code on ``as_of`` and the day it took it (-1: none).

        Events are keyed ``lot_index * 2**32 + day`` and sorted, so one searchsorted per lot
        finds its last event on or before the day.
        """
        n = self.size
        lot_index = np.arange(n, dtype=np.int64)
        pos = np.searchsorted(self.ev_key, lot_index * (1 << 32) + _day(as_of), side="right") - 1
        ok = pos >= 0
        ok[ok] = (self.ev_key[pos[ok]] >> 32) == lot_index[ok]
        codes = np.full(n, NO_STATUS, dtype=np.int64)
        days = np.full(n, -1, dtype=np.int64)
        codes[ok] = self.ev_status[pos[ok]]
        days[ok] = self.ev_day[pos[ok]]
        return codes, days


def table_from_columns(
    lots: pd.DataFrame,
    events: pd.DataFrame,
    minutes: pd.DataFrame | None,
    parks: pd.DataFrame,
    neighbours: Iterable[Iterable[int]] | None = None,
    geometry: np.ndarray | None = None,
    destinations: pd.DataFrame | None = None,
) -> LotTable:
    """Build a LotTable from plain frames (lots: lot_id, park_id, area_m2, price_per_m2,
    available_from; events: lot_id, date, status; minutes: lot_id + one column per kind and
    ``<kind>_id``; parks: park_id, admitted_industries, target_primary, groundwater, and
    optionally name_ja/name_en; destinations: id, name_ja, name_en, for the messages)."""
    index = pd.Index(lots["lot_id"].astype(str))
    ev = events[events["lot_id"].isin(index)]
    lot_idx = index.get_indexer(pd.Index(ev["lot_id"].astype(str))).astype(np.int64)
    days = np.array([date.fromisoformat(str(d)[:10]).toordinal() for d in ev["date"]], np.int64)
    codes = ev["status"].map(STATUS_CODES).to_numpy(dtype=np.int64)
    key = lot_idx * (1 << 32) + days
    order = np.argsort(key, kind="stable")
    avail = np.array(
        [
            -1
            if v is None or (isinstance(v, float) and np.isnan(v)) or v == ""
            else date.fromisoformat(str(v)[:10]).toordinal()
            for v in lots["available_from"]
        ],
        dtype=np.int64,
    )
    mins: dict[str, np.ndarray] = {}
    ids: dict[str, np.ndarray] = {}
    table = None if minutes is None else minutes.set_index("lot_id").reindex(index)
    for kind in DESTINATION_KINDS:
        if table is not None and kind in table.columns:
            mins[kind] = table[kind].to_numpy(dtype=float)
            ids[kind] = table[f"{kind}_id"].to_numpy(dtype=object)
        else:
            mins[kind] = np.full(len(index), np.nan)
            ids[kind] = np.full(len(index), None, dtype=object)
    admits = {
        str(p): frozenset(json_list(a))
        for p, a in zip(parks["park_id"], parks["admitted_industries"], strict=True)
    }
    primary = {
        str(p): frozenset(json_list(a))
        for p, a in zip(
            parks["park_id"], parks.get("target_primary", parks["admitted_industries"]), strict=True
        )
    }
    ground = {
        str(p): (True if g == "good" else None)
        for p, g in zip(parks["park_id"], parks["groundwater"], strict=True)
    }
    nb = (
        tuple(np.asarray(list(n), dtype=np.int64) for n in neighbours)
        if neighbours is not None
        else tuple(np.empty(0, np.int64) for _ in range(len(index)))
    )
    price = pd.to_numeric(lots["price_per_m2"], errors="coerce").to_numpy(dtype=float)
    park_code, park_names = pd.factorize(lots["park_id"].astype(str))
    names = _names("park", parks, "park_id")
    if destinations is not None:
        names.update(_names("destination", destinations, "id"))
    return LotTable(
        names=names,
        park_code=park_code.astype(np.int64),
        park_names=np.asarray(park_names, dtype=object),
        lot_id=index.to_numpy(dtype=object),
        park_id=lots["park_id"].astype(str).to_numpy(dtype=object),
        area_m2=lots["area_m2"].to_numpy(dtype=float),
        price_per_m2=price,
        available_from=avail,
        ev_key=key[order],
        ev_status=codes[order],
        ev_day=days[order],
        minutes=mins,
        destination_id=ids,
        park_admits=admits,
        park_primary=primary,
        park_groundwater=ground,
        neighbours=nb,
        geometry=geometry,
        is_illustrative=lots["is_illustrative"].astype(bool).to_numpy()
        if "is_illustrative" in lots
        else None,
    )


def _names(kind: str, frame: pd.DataFrame, id_column: str) -> dict[tuple[str, str], Name]:
    """Return ``(kind, id) -> Name`` from a frame with ``name_ja``/``name_en`` columns."""
    if "name_ja" not in frame or "name_en" not in frame:
        return {}

    def text(value: Any) -> str | None:
        return None if value is None or pd.isna(value) or not str(value) else str(value)

    return {
        (kind, str(i)): Name(kind, str(i), ja=text(ja), en=text(en))
        for i, ja, en in zip(frame[id_column], frame["name_ja"], frame["name_en"], strict=True)
    }


def lot_neighbours(
    geometry_metric: np.ndarray, *, gap_m: float = ASSEMBLY_GAP_M
) -> list[list[int]]:
    """Return, per lot, the other lots within ``gap_m`` metres (touching or across a road)."""
    tree = shapely.STRtree(geometry_metric)
    left, right = tree.query(geometry_metric, predicate="dwithin", distance=gap_m)
    out: list[list[int]] = [[] for _ in range(len(geometry_metric))]
    for i, j in zip(left, right, strict=True):
        if i != j:
            out[int(i)].append(int(j))
    return out


_TABLES: dict[tuple[int, str], tuple[weakref.ref[Layers], LotTable]] = {}


def lot_table(layers: Layers, *, speed_profile: str = "normal") -> LotTable:
    """Return the LotTable of a dataset (built once per Layers object and speed profile)."""
    key = (id(layers), speed_profile)
    hit = _TABLES.get(key)
    if hit is not None and hit[0]() is layers:
        return hit[1]
    metric = to_metric(layers.lots)
    minutes = _drive_minutes(layers, speed_profile)
    parks = layers.parks.copy()
    parks["target_primary"] = [json_list(a)[:2] for a in parks["admitted_industries"]]
    table = table_from_columns(
        layers.lots,
        layers.lot_events,
        minutes,
        parks,
        neighbours=lot_neighbours(metric.geometry.to_numpy()),
        geometry=metric.geometry.to_numpy(),
        destinations=layers.destinations,
    )
    _TABLES[key] = (weakref.ref(layers), table)
    return table


def _drive_minutes(layers: Layers, speed_profile: str) -> pd.DataFrame | None:
    """Nearest-destination minutes per lot, or None where access has not been built."""
    if layers.optional("lot_access") is None:
        return None
    from parks.drive_times import drive_minutes_table

    return drive_minutes_table(layers, profile=speed_profile)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Check:
    """One hard constraint for one candidate: met or not, explained by a translatable message."""

    constraint: str
    ok: bool
    message: Message
    margin: float | None = None

    @property
    def detail(self) -> str:
        """The explanation in English (logs, tests)."""
        return self.message.english()

    def to_dict(self, render: Render = _english) -> dict[str, Any]:
        """Return the check as JSON data, its explanation rendered by ``render``."""
        return {
            "constraint": self.constraint,
            "ok": self.ok,
            "detail": render(self.message),
            "margin": self.margin,
        }


@dataclass(frozen=True)
class LotMatch:
    """A candidate site (one lot, or up to three assembled lots) with its checks and score."""

    lots: tuple[str, ...]
    park_id: str
    area_m2: float
    score: float
    components: Mapping[str, float]
    drive_minutes: Mapping[str, float | None]
    destinations: Mapping[str, str | None]
    checks: tuple[Check, ...]
    status: str
    available_from: str | None
    is_illustrative: bool
    grants: Mapping[str, Any] = field(default_factory=dict)
    net_land_cost: Mapping[str, Any] = field(default_factory=dict)
    outline: Any = None
    """Outline of an assembled site in METRIC_CRS (None for a single lot)."""

    @property
    def failed(self) -> tuple[Check, ...]:
        """The checks that fail."""
        return tuple(c for c in self.checks if not c.ok)

    def to_dict(self, render: Render = _english) -> dict[str, Any]:
        """Return the match as JSON data (the /api/match contract), texts rendered by ``render``."""
        net = dict(self.net_land_cost)
        return {
            "lots": list(self.lots),
            "park_id": self.park_id,
            "assembled": len(self.lots) > 1,
            "score": round(self.score, 4),
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "area_m2": round(self.area_m2, 1),
            "status": self.status,
            "available_from": self.available_from,
            "is_illustrative": self.is_illustrative,
            "drive_minutes": {
                k: None if v is None else round(v, 1) for k, v in self.drive_minutes.items()
            },
            "destinations": dict(self.destinations),
            "checks": [c.to_dict(render) for c in self.checks],
            "failed": [c.to_dict(render) for c in self.failed],
            "grants": dict(self.grants),
            "net_land_cost_jpy": net.get("if_combinable", {}).get("net_jpy")
            if net.get("known")
            else None,
            "net_land_cost": net,
            "outline": None if self.outline is None else _to_web_geojson(self.outline),
        }


@dataclass(frozen=True)
class MatchResult:
    """The answer to one match request."""

    as_of: date
    weights: Weights
    matches: tuple[LotMatch, ...]
    near_misses: tuple[LotMatch, ...]
    planned: tuple[LotMatch, ...]
    considered: int
    notes: tuple[Message, ...] = ()
    on_sale: int = 0
    """Lots available on ``as_of`` whatever the firm's criteria (0: nothing is on sale)."""
    latest_record: date | None = None
    """Date of the latest status record on or before ``as_of`` (how fresh the stock is)."""
    near_miss_counts: Mapping[str, int] = field(default_factory=dict)
    """Lots that fail exactly one constraint, counted by that constraint (all of them, not
    only the ``near_misses`` returned)."""

    def to_dict(self, render: Render = _english) -> dict[str, Any]:
        """Return the result as JSON data, texts rendered by ``render``."""
        return {
            "as_of": self.as_of.isoformat(),
            "weights": self.weights.to_dict(),
            "considered_lots": self.considered,
            "near_miss_counts": dict(self.near_miss_counts),
            "on_sale": self.on_sale,
            "latest_record": None if self.latest_record is None else self.latest_record.isoformat(),
            "matches": [m.to_dict(render) for m in self.matches],
            "near_misses": [m.to_dict(render) for m in self.near_misses],
            "planned": [m.to_dict(render) for m in self.planned],
            "notes": [render(n) for n in self.notes],
        }


# --------------------------------------------------------------------------- the matcher


@dataclass
class _Eval:
    """Per-lot arrays of one request."""

    status: np.ndarray
    changed: np.ndarray
    ok: dict[str, np.ndarray]
    score: np.ndarray
    components: dict[str, np.ndarray]
    sold_share: dict[str, float]


def _evaluate(
    table: LotTable,
    profile: FirmProfile,
    as_of: date,
    weights: Weights,
    *,
    grant_share: Mapping[str, float],
) -> _Eval:
    """Evaluate every hard constraint and the score for every lot at once."""
    n = table.size
    status, changed = table.status_on(as_of)
    op_day = profile.operational_by.toordinal() if profile.operational_by else None
    available = status == AVAILABLE
    if op_day is not None:
        opens_in_time = (table.available_from >= 0) & (table.available_from <= op_day)
        available |= (status == PLANNED) & opens_in_time
        # on the market later than as_of but before operational_by (status not yet on record)
        available |= (status == NO_STATUS) & opens_in_time & (table.available_from > _day(as_of))
    ok: dict[str, np.ndarray] = {"availability": available}
    admits = {p: profile.industry in a for p, a in table.park_admits.items()}
    ok["industry"] = table.per_park(admits, default=False).astype(bool)
    area = table.area_m2
    lo = profile.land_m2_min if profile.land_m2_min is not None else 0.0
    hi = profile.land_m2_max if profile.land_m2_max is not None else np.inf
    ok["area"] = (area >= lo) & (area <= hi)
    drive_ok = np.ones(n, dtype=bool)
    limits = _limits(profile)
    for kind, limit in limits.items():
        m = table.minutes[kind]
        drive_ok &= ~np.isnan(m) & (m <= limit)
    ok["drive_minutes"] = drive_ok
    if profile.needs_groundwater:
        good = {p: g is True for p, g in table.park_groundwater.items()}
        ok["groundwater"] = table.per_park(good, default=False).astype(bool)
    else:
        ok["groundwater"] = np.ones(n, dtype=bool)
    price = table.price_per_m2
    if profile.max_land_price_per_m2 is not None:
        ok["price"] = np.isnan(price) | (price <= profile.max_land_price_per_m2)
    else:
        ok["price"] = np.ones(n, dtype=bool)

    comps: dict[str, np.ndarray] = {}
    acc = np.zeros(n)
    wsum = 0.0
    for kind, w in ACCESS_KIND_WEIGHTS.items():
        w = w * (2 if kind in limits else 1)
        m = table.minutes[kind]
        acc += w * np.where(np.isnan(m), 0.0, np.clip(1 - m / ACCESS_HORIZON_MIN, 0, 1))
        wsum += w
    comps["access"] = acc / wsum
    if profile.land_m2_min is not None and profile.land_m2_max is not None:
        mid = (lo + hi) / 2
        half = max((hi - lo) / 2, 1.0)
        comps["land_fit"] = np.clip(1 - 0.5 * np.abs(area - mid) / half, 0, 1)
    elif profile.land_m2_min is not None:
        comps["land_fit"] = np.clip(1 - 0.5 * np.abs(area - lo) / max(lo, 1.0), 0, 1)
    elif profile.land_m2_max is not None:
        comps["land_fit"] = np.clip(1 - 0.5 * np.abs(area - hi) / max(hi, 1.0), 0, 1)
    else:
        comps["land_fit"] = np.full(n, 0.5)
    if not np.all(np.isnan(price)):
        known = ~np.isnan(price)
        cheapest = np.nanmin(price)
        comps["net_cost"] = np.where(known, cheapest / np.maximum(price, 1e-9), 0.0)
    else:
        shares = {p: min(1.0, v / 0.3) for p, v in grant_share.items()}
        comps["net_cost"] = table.per_park(shares, default=0.0).astype(float)
    sold = status == STATUS_CODES["sold"]
    npark = len(table.park_names)
    total_area = np.bincount(table.park_code, weights=area, minlength=npark)
    sold_area = np.bincount(table.park_code, weights=area * sold, minlength=npark)
    sold_share = np.divide(sold_area, total_area, out=np.zeros(npark), where=total_area > 0)
    share = {str(p): float(v) for p, v in zip(table.park_names, sold_share, strict=True)}
    primary = {p: 1.0 if profile.industry in a else 0.5 for p, a in table.park_primary.items()}
    comps["cluster"] = sold_share[table.park_code] * table.per_park(primary, 0.5).astype(float)
    wd = weights.to_dict()
    total_w = sum(wd.values())
    score = np.sum([wd[k] * comps[k] for k in wd], axis=0) / total_w
    return _Eval(status, changed, ok, score, comps, share)


def _limits(profile: FirmProfile) -> dict[str, float]:
    lim = profile.max_drive_minutes
    return {k: float(getattr(lim, k)) for k in DESTINATION_KINDS if getattr(lim, k) is not None}


def _to_web_geojson(geom_metric: Any) -> dict[str, Any]:
    """Return a METRIC_CRS geometry as a GeoJSON mapping in EPSG:4326."""
    web = gpd.GeoSeries([geom_metric], crs=METRIC_CRS).to_crs(WEB_CRS).iloc[0]
    return dict(shapely.geometry.mapping(web))


def _range(lo: float | None, hi: float | None) -> Message:
    """Return the firm's area range as a message (``2,000–6,000 m²`` or ``at least 2,000 m²``)."""
    if hi is None or not np.isfinite(hi):
        return Message("at least %(min)s m²", {"min": round(lo or 0)})
    return Message("%(min)s–%(max)s m²", {"min": round(lo or 0), "max": round(hi)})


def _fmt_day(day: int) -> str | None:
    return None if day < 0 else date.fromordinal(int(day)).isoformat()


def _day_of(day: int) -> date | None:
    return None if day < 0 else date.fromordinal(int(day))


def _checks(
    table: LotTable, ev: _Eval, i: int, profile: FirmProfile, as_of: date
) -> tuple[Check, ...]:
    """Explain every hard constraint for lot ``i`` with its margin, as translatable messages."""
    out: list[Check] = []
    code = int(ev.status[i])
    status = Name("status", LOT_STATUSES[code] if code >= 0 else "not on record")
    opens = _day_of(int(table.available_from[i]))
    start = profile.operational_by
    if ev.ok["availability"][i]:
        if code != AVAILABLE and opens and start:
            msg = Message(
                "planned, on sale from %(opens)s (before your start date, %(start)s)",
                {"opens": opens, "start": start},
            )
        else:
            msg = Message("%(status)s on %(date)s", {"status": status, "date": as_of})
        out.append(Check("availability", True, msg))
    else:
        since = _day_of(int(ev.changed[i]))
        if code == PLANNED and opens and start:
            msg = Message(
                "on sale from %(opens)s, after your start date (%(start)s)",
                {"opens": opens, "start": start},
            )
        elif code == PLANNED and opens:
            msg = Message("planned, on sale from %(opens)s", {"opens": opens})
        elif code == PLANNED:
            msg = Message("planned; the date it goes on sale is not announced")
        elif since:
            msg = Message("%(status)s since %(since)s", {"status": status, "since": since})
        else:
            msg = Message("%(status)s on %(date)s", {"status": status, "date": as_of})
        out.append(Check("availability", False, msg))
    park_id = str(table.park_id[i])
    park = table.name("park", park_id)
    industry = Name("industry", profile.industry)
    if ev.ok["industry"][i]:
        msg = Message("%(park)s admits %(industry)s", {"park": park, "industry": industry})
        out.append(Check("industry", True, msg))
    else:
        admitted = [Name("industry", a) for a in sorted(table.park_admits.get(park_id, ()))]
        msg = Message(
            "%(park)s does not admit %(industry)s (it admits %(admitted)s)",
            {"park": park, "industry": industry, "admitted": admitted},
        )
        out.append(Check("industry", False, msg))
    area = float(table.area_m2[i])
    lo, hi = profile.land_m2_min, profile.land_m2_max
    if lo is not None and area < lo:
        msg = Message(
            "%(short)s m² too small (%(area)s m² against at least %(min)s m²)",
            {"short": round(lo - area), "area": round(area), "min": round(lo)},
        )
        out.append(Check("area", False, msg, area - lo))
    elif hi is not None and area > hi:
        msg = Message(
            "%(over)s m² too large (%(area)s m² against at most %(max)s m²)",
            {"over": round(area - hi), "area": round(area), "max": round(hi)},
        )
        out.append(Check("area", False, msg, hi - area))
    elif lo is None and hi is None:
        msg = Message("%(area)s m² (you gave no area limit)", {"area": round(area)})
        out.append(Check("area", True, msg))
    else:
        margin = min(area - (lo or 0), (hi - area) if hi is not None else np.inf)
        msg = Message(
            "%(area)s m², within %(range)s", {"area": round(area), "range": _range(lo, hi)}
        )
        out.append(Check("area", True, msg, float(margin)))
    for kind, limit in _limits(profile).items():
        m = float(table.minutes[kind][i])
        dest_id = table.destination_id[kind][i]
        name = f"drive_minutes.{kind}"
        if np.isnan(m):
            msg = Message(
                "drive time to the nearest %(kind)s unknown (not computed)",
                {"kind": Name("destination_kind", kind)},
            )
            out.append(Check(name, False, msg))
            continue
        params = {
            "minutes": round(m, 1),
            "destination": table.name("destination", str(dest_id)),
            "limit": limit,
        }
        if m <= limit:
            msg = Message("%(minutes)s min to %(destination)s, within your %(limit)s min", params)
        else:
            msg = Message("%(minutes)s min to %(destination)s, over your %(limit)s min", params)
        out.append(Check(name, m <= limit, msg, limit - m))
    if profile.needs_groundwater:
        if table.park_groundwater.get(park_id) is True:
            msg = Message("good groundwater can be drawn (city strategy, March 2021)")
            out.append(Check("groundwater", True, msg))
        else:
            msg = Message(
                "no source describes groundwater at %(park)s (only Inaho is documented as "
                "having good groundwater)",
                {"park": park},
            )
            out.append(Check("groundwater", False, msg))
    if profile.max_land_price_per_m2 is not None:
        price = float(table.price_per_m2[i])
        limit_yen = profile.max_land_price_per_m2
        if np.isnan(price):
            msg = Message(
                "the sale price is not public, so your price limit cannot be checked (ask the city)"
            )
            out.append(Check("price", True, msg))
        else:
            msg = Message(
                "%(price)s yen per m² against your limit of %(limit)s yen per m²",
                {"price": round(price), "limit": limit_yen},
            )
            out.append(Check("price", price <= limit_yen, msg, limit_yen - price))
    return tuple(out)


def match(
    layers: Layers,
    profile: FirmProfile,
    *,
    as_of: date,
    top: int = 10,
    weights: Weights | None = None,
    speed_profile: str = "normal",
    with_grants: bool = True,
) -> MatchResult:
    """Rank the lots that meet every hard constraint for ``profile`` on ``as_of``.

    Also returns near misses (lots failing exactly one constraint, with the failing margin),
    lots planned but not yet open, and, when no single lot is large enough, assemblies of up
    to three neighbouring lots of one park.
    """
    if top < 1:
        msg = f"top must be at least 1, got {top}"
        raise InvalidInputError(msg)
    weights = weights or Weights()
    table = lot_table(layers, speed_profile=speed_profile)
    grants = _GrantCache(layers, profile, as_of) if with_grants else None
    share = grants.grant_share_by_park(table) if grants else {}
    return match_table(
        table, profile, as_of=as_of, top=top, weights=weights, grants=grants, grant_share=share
    )


@dataclass(frozen=True)
class Ranking:
    """The ranked lot indices of one request, before any explanation is written."""

    matches: np.ndarray
    near_misses: np.ndarray
    planned: np.ndarray
    near_miss_counts: dict[str, int]


def _rank(ev: _Eval, top: int) -> tuple[Ranking, np.ndarray]:
    """Rank matches, near misses and planned lots of an evaluation; also return fail counts."""
    stack = np.vstack([ev.ok[c] for c in CONSTRAINTS])
    fails = (~stack).sum(axis=0)
    full = np.flatnonzero(fails == 0)
    # Planned lots that fail only on availability are listed once, as planned stock.
    planned_only = (ev.status == PLANNED) & (fails - (~ev.ok["availability"]).astype(int) == 0)
    near = np.flatnonzero((fails == 1) & ~planned_only)
    # Near misses: lots held by someone else, or opening too late, come before sold ones.
    sold_first = (ev.status[near] == STATUS_CODES["sold"]).astype(float)
    planned_idx = np.flatnonzero(planned_only)
    failing_once = (~stack[:, near]).sum(axis=1)
    ranking = Ranking(
        matches=_top(full, -ev.score[full], top),
        near_misses=_top(near, sold_first - ev.score[near], top),
        planned=_top(planned_idx, -ev.score[planned_idx], top),
        near_miss_counts={c: int(k) for c, k in zip(CONSTRAINTS, failing_once, strict=True) if k},
    )
    return ranking, full


def rank_table(
    table: LotTable,
    profile: FirmProfile,
    *,
    as_of: date,
    top: int = 10,
    weights: Weights | None = None,
    grant_share: Mapping[str, float] | None = None,
) -> Ranking:
    """Rank single lots for ``profile`` (constraints, score, order) without explaining them.

    :func:`match_table` explains the lots this returns; ranking alone is what a caller
    needs that only counts or orders lots.
    """
    ev = _evaluate(table, profile, as_of, weights or Weights(), grant_share=grant_share or {})
    return _rank(ev, top)[0]


def match_table(
    table: LotTable,
    profile: FirmProfile,
    *,
    as_of: date,
    top: int = 10,
    weights: Weights | None = None,
    grants: _GrantCache | None = None,
    grant_share: Mapping[str, float] | None = None,
) -> MatchResult:
    """Match against a prepared LotTable (see :func:`match`)."""
    weights = weights or Weights()
    ev = _evaluate(table, profile, as_of, weights, grant_share=grant_share or {})
    ranking, full = _rank(ev, top)
    notes: list[Message] = []

    matches = [_single(table, ev, i, profile, as_of) for i in ranking.matches]
    if profile.land_m2_min is not None and len(full) == 0:
        assembled = _assemblies(table, ev, profile, as_of, top, weights)
        if assembled:
            notes.append(
                Message(
                    "no single lot is large enough; %(count)s sites of up to %(max)s "
                    "neighbouring lots together are proposed",
                    {"count": len(assembled), "max": MAX_ASSEMBLY},
                )
            )
        matches += assembled
        matches.sort(key=lambda m: -m.score)
        matches = matches[:top]

    near_misses = [_single(table, ev, i, profile, as_of) for i in ranking.near_misses]
    planned = [_single(table, ev, i, profile, as_of) for i in ranking.planned]
    on_sale = int((ev.status == AVAILABLE).sum())
    if not matches and on_sale == 0:
        notes.append(Message("no lot is on sale on %(date)s", {"date": as_of}))
    elif not matches:
        notes.append(Message("no lot meets every condition on %(date)s", {"date": as_of}))
    if table.is_illustrative is not None and table.is_illustrative.any():
        notes.append(
            Message("lot outlines and areas are illustrative: no official lot plan is public")
        )
    if all(np.isnan(table.minutes[k]).all() for k in DESTINATION_KINDS):
        notes.append(Message("drive times are not computed, so no drive limit can be met"))
    if grants is not None:
        matches = [grants.attach(m) for m in matches]
        near_misses = [grants.attach(m) for m in near_misses]
        planned = [grants.attach(m) for m in planned]
    latest = int(ev.changed.max()) if len(ev.changed) else -1
    return MatchResult(
        as_of,
        weights,
        tuple(matches),
        tuple(near_misses),
        tuple(planned),
        table.size,
        tuple(notes),
        on_sale=on_sale,
        latest_record=_day_of(latest),
        near_miss_counts=ranking.near_miss_counts,
    )


def check_lot(
    layers: Layers,
    profile: FirmProfile,
    lot_id: str,
    *,
    as_of: date,
    speed_profile: str = "normal",
) -> tuple[Check, ...]:
    """Return every hard constraint of ``profile`` checked for one lot on ``as_of``.

    The pitch sheet and the lot page use it to say plainly when a lot fails a firm's
    criteria.

    Raises
    ------
    LotNotFoundError
        If no lot has ``lot_id``.
    """
    layers.lot(lot_id)
    table = lot_table(layers, speed_profile=speed_profile)
    ev = _evaluate(table, profile, as_of, Weights(), grant_share={})
    i = int(np.flatnonzero(table.lot_id == lot_id)[0])
    return _checks(table, ev, i, profile, as_of)


def _top(indices: np.ndarray, key: np.ndarray, k: int) -> np.ndarray:
    """Return the ``k`` indices with the smallest ``key``, in order (ties by lot index)."""
    if len(indices) > k:
        keep = np.argpartition(key, k - 1)[:k]
        indices, key = indices[keep], key[keep]
    return indices[np.lexsort((indices, key))]


def _single(table: LotTable, ev: _Eval, i: int, profile: FirmProfile, as_of: date) -> LotMatch:
    code = int(ev.status[i])
    return LotMatch(
        lots=(str(table.lot_id[i]),),
        park_id=str(table.park_id[i]),
        area_m2=float(table.area_m2[i]),
        score=float(ev.score[i]),
        components={k: float(v[i]) for k, v in ev.components.items()},
        drive_minutes={
            k: None if np.isnan(table.minutes[k][i]) else float(table.minutes[k][i])
            for k in DESTINATION_KINDS
        },
        destinations={k: _id_or_none(table.destination_id[k][i]) for k in DESTINATION_KINDS},
        checks=_checks(table, ev, i, profile, as_of),
        status=LOT_STATUSES[code] if code >= 0 else "not on record",
        available_from=_fmt_day(int(table.available_from[i])),
        is_illustrative=bool(table.is_illustrative[i])
        if table.is_illustrative is not None
        else False,
        outline=None,
    )


def _assemblies(
    table: LotTable, ev: _Eval, profile: FirmProfile, as_of: date, top: int, weights: Weights
) -> list[LotMatch]:
    """Combinations of up to three neighbouring lots of one park that together fit the area."""
    lo = profile.land_m2_min or 0.0
    hi = profile.land_m2_max if profile.land_m2_max is not None else np.inf
    others = np.ones(table.size, dtype=bool)
    for c in CONSTRAINTS:
        if c != "area":
            others &= ev.ok[c]
    pool = set(np.flatnonzero(others & (table.area_m2 < lo)).tolist())
    seen: set[tuple[int, ...]] = set()
    found: list[tuple[float, tuple[int, ...]]] = []
    for a in sorted(pool):
        near_a = [
            b
            for b in table.neighbours[a].tolist()
            if b in pool and table.park_id[b] == table.park_id[a]
        ]
        for b in near_a:
            combos: list[tuple[int, ...]] = [(a, b)]
            near_ab = set(near_a) | {
                c
                for c in table.neighbours[b].tolist()
                if c in pool and table.park_id[c] == table.park_id[a]
            }
            combos += [(a, b, c) for c in near_ab if c not in (a, b)]
            for combo in combos:
                key = tuple(sorted(combo))
                if key in seen or len(key) > MAX_ASSEMBLY:
                    continue
                seen.add(key)
                total = float(table.area_m2[list(key)].sum())
                if lo <= total <= hi and not _has_smaller_fit(table, key, lo, hi):
                    found.append((total, key))
    out = []
    for total, key in found:
        idx = list(key)
        mid = (lo + hi) / 2 if np.isfinite(hi) else lo
        fit = float(
            np.clip(
                1 - 0.5 * abs(total - mid) / max((hi - lo) / 2 if np.isfinite(hi) else lo, 1.0),
                0,
                1,
            )
        )
        comps = {k: float(v[idx].mean()) for k, v in ev.components.items()}
        comps["land_fit"] = fit
        wd = weights.to_dict()
        score = sum(wd[k] * comps[k] for k in wd) / sum(wd.values())
        first = _single(table, ev, idx[0], profile, as_of)
        minutes = {k: _max_or_none(table.minutes[k][idx]) for k in DESTINATION_KINDS}
        checks = [c for c in first.checks if c.constraint != "area"]
        checks.append(
            Check(
                "area",
                True,
                Message(
                    "%(count)s neighbouring lots, %(area)s m² together, within %(range)s",
                    {"count": len(idx), "area": round(total), "range": _range(lo, hi)},
                ),
                float(min(total - lo, hi - total)),
            )
        )
        outline = None
        if table.geometry is not None:
            outline = shapely.union_all(
                shapely.buffer(table.geometry[idx], ASSEMBLY_GAP_M / 2)
            ).buffer(-ASSEMBLY_GAP_M / 2)
        out.append(
            LotMatch(
                lots=tuple(str(table.lot_id[i]) for i in idx),
                park_id=str(table.park_id[idx[0]]),
                area_m2=total,
                score=score,
                components=comps,
                drive_minutes=minutes,
                destinations=first.destinations,
                checks=tuple(checks),
                status=first.status,
                available_from=first.available_from,
                is_illustrative=first.is_illustrative,
                outline=outline,
            )
        )
    out.sort(key=lambda m: -m.score)
    return out[:top]


def _has_smaller_fit(table: LotTable, key: tuple[int, ...], lo: float, hi: float) -> bool:
    """True when a strict subset of the combination already fits (prefer the smaller site)."""
    if len(key) < 3:
        return False
    return any(lo <= float(table.area_m2[list(sub)].sum()) <= hi for sub in combinations(key, 2))


def _id_or_none(value: object) -> str | None:
    """Return a destination id, or None where the lot has none (NaN from a missing row)."""
    return value if isinstance(value, str) else None


def _max_or_none(values: np.ndarray) -> float | None:
    return None if np.isnan(values).all() else float(np.nanmax(values))


class _GrantCache:
    """Grant figures for ranking and for the returned lots: numbers only, cached.

    :func:`parks.grants.estimate_grants` caches by the profile fields, date and site the
    amounts depend on, so ranking every park and summarising every returned lot builds no
    explanation; the full report with sentences is ``POST /api/grants`` or the pitch sheet.
    """

    def __init__(self, layers: Layers, profile: FirmProfile, as_of: date) -> None:
        from parks.grants import load_rules, sites_for_lots

        self.layers = layers
        self.profile = profile
        self.as_of = as_of
        self.rules = load_rules()
        self._sites = _cached_sites(layers, sites_for_lots)

    def site(self, lot_ids: tuple[str, ...], area: float) -> Any:
        """The site of one lot or of an assembly (zones, park and price of its first lot)."""
        from dataclasses import replace

        first = self._sites[lot_ids[0]]
        if len(lot_ids) == 1:
            return first
        return replace(first, lot_id="+".join(lot_ids), area_m2=area)

    def estimate(self, lot_ids: tuple[str, ...], area: float) -> Any:
        """The numbers-only grant estimate of a lot or an assembly."""
        from parks.grants import estimate_grants

        site = self.site(lot_ids, area)
        return estimate_grants(self.profile, site, as_of=self.as_of, rules=self.rules)

    def grant_share_by_park(self, table: LotTable) -> dict[str, float]:
        """The sure grant cash (city + prefecture, if combinable) as a share of the investment."""
        inv = self.profile.investment
        total, _ = inv.total(("land", "building", "equipment", "relocation"))
        out: dict[str, float] = {}
        for i in table.first_lot_of_each_park():
            est = self.estimate((str(table.lot_id[i]),), float(table.area_m2[i]))
            out[str(table.park_id[i])] = est.sure_jpy / total if total > 0 else 0.0
        return out

    def attach(self, m: LotMatch) -> LotMatch:
        est = self.estimate(m.lots, m.area_m2)
        net = est.net_land_cost(self.site(m.lots, m.area_m2))
        return LotMatch(**{**m.__dict__, "grants": est.summary(), "net_land_cost": net})


_SITES: dict[int, tuple[weakref.ref[Layers], dict[str, Any]]] = {}


def _cached_sites(layers: Layers, build: Any) -> dict[str, Any]:
    hit = _SITES.get(id(layers))
    if hit is not None and hit[0]() is layers:
        return hit[1]
    sites: dict[str, Any] = build(layers)
    _SITES[id(layers)] = (weakref.ref(layers), sites)
    return sites
