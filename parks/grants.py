"""Grants: which location grants apply to a firm on a lot, and how much they are worth.

:func:`evaluate` is a pure function of a :class:`~parks.profile.FirmProfile`, a :class:`Site`
(the zones a lot or park lies in, its area and price), an as-of date and the
:class:`~parks.grant_rules.GrantRules` read from ``data/grant_rules.yaml``. For every programme
it states whether the firm is eligible (``True``, ``False`` or ``None`` = unknown), every
condition met, failed or unknown with the figures, the amount in integer yen (``None`` where a
rate or an input is unknown -- an unknown is never reported as 0), the cap, whether the source
says 以内 ("up to") and the formula with the numbers filled in.

Rules implemented (all figures from ``shared/data/facts/grants.yaml``; URLs in each rule's
``sources``):

* a term is ``floor(rate % × sum of its cost items)``; a track's amount is the larger of its
  alternative formulas plus ``per-hire amount × head count``, then ``min(cap)``;
* a part (investment grant, new-hire bonus) takes its best track: eligible beats unknown
  beats not eligible, and among equals the larger amount;
* a programme is eligible as its first part; later parts (bonuses) count only when they are
  eligible too; a programme whose validity ended before the as-of date is ``expired``;
* tax measures and loans are listed with their benefit text, never added to cash totals;
* no source says whether city and prefecture grants can be combined, so the cash total of
  both is only given under the explicit ``if_combinable`` label.

Land part (for the net land cost): the terms of the applied formula whose cost items include
``land`` count as the land part, e.g. 20 % of the land cost in the city general track, or the
prefecture's rate × the land cost; when a cap binds, the land part is scaled down by
``capped ÷ uncapped`` (the cap is shared in proportion).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import to_metric
from parks.data import Layers, json_list
from parks.errors import InvalidInputError
from parks.grant_rules import Condition, GrantRule, GrantRules, Part, Term, Track
from parks.profile import FirmProfile

Status = Literal["met", "failed", "unknown"]
Eligible = bool | None
Lang = Literal["en", "ja"]

ISSUERS = ("city", "prefecture", "national")

COST_LABELS = {
    "land": ("land", "土地"),
    "building": ("building", "建物"),
    "equipment": ("equipment", "設備"),
    "relocation": ("relocation", "移設費"),
    "rent_3_years": ("3 years' rent", "賃借料3年分"),
}
COUNT_LABELS = {
    "new_hires": ("new hires", "新規雇用者"),
    "new_hires_residents": ("new hires who are Kanazawa residents", "市民の新規雇用者"),
    "new_hires_from_outside_prefecture": (
        "new hires from outside Ishikawa",
        "県外からの新規雇用者",
    ),
    "regular_employees": ("regular employees", "常時雇用者"),
}
ZONE_LABELS = {
    "factory_site_zone": ("factory site zone (工場適地)", "工場適地"),
    "priority_promotion_zone": ("priority promotion zone (重点促進区域)", "重点促進区域"),
    "city_core_zone": ("city-core zone (都心拠点区域)", "都心拠点区域"),
    "satellite_office_zone": ("satellite-office zone", "業務機能集積促進区域"),
}
ORIGIN_LABELS = {
    "outside_prefecture": ("from outside Ishikawa", "県外から"),
    "inside_prefecture": ("from elsewhere in Ishikawa", "県内(市外)から"),
    "inside_city": ("already in Kanazawa", "市内"),
}
PROJECT_LABELS = {"new_site": ("new site", "新設"), "expansion": ("expansion", "増設")}
PART_LABELS_JA = {"investment": "投資額に対する助成"}
IF_COMBINABLE_LABEL = {
    "en": "City + prefecture IF they can be combined: no source says whether they can",
    "ja": "市と県の助成を併給できる場合の合計(併給の可否はどの資料にも記載がありません)",
}


def yen(amount: int | None, lang: Lang = "en") -> str:
    """Format integer yen with thousands separators (``¥1,000`` / ``1,000円``).

    Examples
    --------
    >>> yen(85000000), yen(85000000, "ja"), yen(None)
    ('¥85,000,000', '85,000,000円', 'unknown')
    """
    if amount is None:
        return "unknown" if lang == "en" else "不明"
    return f"¥{amount:,}" if lang == "en" else f"{amount:,}円"


def _pct(rate: float) -> str:
    return f"{rate:g}%"


def _and(*values: Eligible) -> Eligible:
    """Three-valued AND: any False is False, else any unknown is unknown."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _eligible(statuses: Iterable[Status]) -> Eligible:
    return _and(*({"met": True, "failed": False, "unknown": None}[s] for s in statuses))


_RANK = {True: 2, None: 1, False: 0}


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Site:
    """Where the firm would locate: the zones it lies in, its area and price.

    ``zone_kinds`` are the zone kinds the lot/park lies in; ``approximate_zones`` maps a kind
    to why its outline is approximate; ``grant_ids`` lists the programmes the zones' own
    ``grant_ids`` name (informative: eligibility is decided by zone kind); ``zoning`` is the
    用途地域 (None = unknown); ``price_per_m2`` None = no public price.
    """

    park_id: str | None = None
    lot_id: str | None = None
    zone_kinds: frozenset[str] = frozenset()
    approximate_zones: tuple[tuple[str, str], ...] = ()
    grant_ids: frozenset[str] = frozenset()
    area_m2: float | None = None
    price_per_m2: float | None = None
    zoning: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.area_m2 is not None and not self.area_m2 > 0:
            problems.append(f"area_m2 must be positive, got {self.area_m2}")
        if self.price_per_m2 is not None and self.price_per_m2 < 0:
            problems.append(f"price_per_m2 must be >= 0, got {self.price_per_m2}")
        if problems:
            raise InvalidInputError(problems)

    @property
    def land_cost_jpy(self) -> int | None:
        """Return price × area in whole yen, or None where either is unknown."""
        if self.price_per_m2 is None or self.area_m2 is None:
            return None
        return round(self.price_per_m2 * self.area_m2)

    def approx_note(self, kind: str) -> str | None:
        """Return why the outline of a zone kind is approximate (None if it is not)."""
        return dict(self.approximate_zones).get(kind)

    def to_dict(self) -> dict[str, Any]:
        """Return the site as JSON data."""
        return {
            "park_id": self.park_id,
            "lot_id": self.lot_id,
            "zone_kinds": sorted(self.zone_kinds),
            "approximate_zones": dict(self.approximate_zones),
            "grant_ids_of_zones": sorted(self.grant_ids),
            "area_m2": self.area_m2,
            "price_per_m2": self.price_per_m2,
            "zoning": self.zoning,
        }


def _none_if_missing(value: object) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


def _sites(
    layers: Layers, frame: gpd.GeoDataFrame, id_column: str, *, min_share: float = 1e-6
) -> dict[str, Site]:
    """Intersect each feature of ``frame`` with the zones and return its Site.

    Only feature-zone pairs whose outlines intersect (an STRtree query per zone) are
    measured, so the cost grows with the pairs that overlap, not with features × zones.
    """
    zones = to_metric(layers.zones)
    shapes = to_metric(frame)
    geoms = shapes.geometry.to_numpy()
    areas = shapely.area(geoms)
    tree = shapely.STRtree(geoms)
    kinds: list[set[str]] = [set() for _ in range(len(frame))]
    approx: list[dict[str, str]] = [{} for _ in range(len(frame))]
    grant_ids: list[set[str]] = [set() for _ in range(len(frame))]
    for zone_geom, kind, ids, is_approx, approx_note in zip(
        zones.geometry.to_numpy(),
        zones["kind"].astype(str),
        zones["grant_ids"],
        zones["is_approximate"],
        zones["approx_note"],
        strict=True,
    ):
        hits = tree.query(zone_geom, predicate="intersects")
        if len(hits) == 0:
            continue
        # Lots wholly inside need no intersection: measure only those across the outline.
        shapely.prepare(zone_geom)
        share = np.ones(len(hits))
        edge = ~shapely.covers(zone_geom, geoms[hits])
        crossing = hits[edge]
        share[edge] = (
            shapely.area(shapely.intersection(geoms[crossing], zone_geom)) / areas[crossing]
        )
        zone_ids = [str(g) for g in json_list(ids)]
        zone_note = (
            str(_none_if_missing(approx_note) or "outline approximate") if bool(is_approx) else None
        )
        for i, part in zip(hits.tolist(), share.tolist(), strict=True):
            if not part > min_share:
                continue
            kinds[i].add(kind)
            grant_ids[i].update(zone_ids)
            notes = [zone_note] if zone_note else []
            if part < 0.999:
                notes.append(f"only {part:.0%} of the area lies inside the zone outline")
            if notes:
                approx[i][kind] = "; ".join(notes)
    park_price = dict(zip(layers.parks["park_id"], layers.parks["price_per_m2"], strict=True))
    park_zoning = dict(zip(layers.parks["park_id"], layers.parks["zoning"], strict=True))
    column = frame.get
    prices = column("price_per_m2", pd.Series([None] * len(frame), index=frame.index))
    lot_areas = column("area_m2", pd.Series([None] * len(frame), index=frame.index))
    out = {}
    for i, (key, park, price, area) in enumerate(
        zip(
            frame[id_column].astype(str),
            frame["park_id"].astype(str),
            prices,
            lot_areas,
            strict=True,
        )
    ):
        lot_id = key if id_column == "lot_id" else None
        price = _none_if_missing(price)
        if price is None:
            price = _none_if_missing(park_price.get(park))
        zoning = _none_if_missing(park_zoning.get(park))
        out[key] = Site(
            park_id=park,
            lot_id=lot_id,
            zone_kinds=frozenset(kinds[i]),
            approximate_zones=tuple(sorted(approx[i].items())),
            grant_ids=frozenset(grant_ids[i]),
            area_m2=float(area) if lot_id and _none_if_missing(area) else None,
            price_per_m2=None if price is None else float(price),
            zoning=None if zoning is None else str(zoning),
        )
    return out


def sites_for_lots(layers: Layers, lot_ids: Iterable[str] | None = None) -> dict[str, Site]:
    """Return the Site of many lots at once (all lots when ``lot_ids`` is None).

    A lot lies in a zone when any of its area overlaps the zone outline (measured in
    EPSG:6675); partial overlap and approximate outlines are noted in ``approximate_zones``.
    """
    lots = layers.lots
    if lot_ids is not None:
        wanted = list(lot_ids)
        for lot_id in wanted:
            layers.lot(lot_id)  # raises LotNotFoundError naming the id
        lots = lots[lots["lot_id"].isin(wanted)]
    return _sites(layers, lots, "lot_id")


def site_for_lot(layers: Layers, lot_id: str) -> Site:
    """Return the Site of one lot (zones it lies in, area, price).

    Raises
    ------
    LotNotFoundError
        If no lot has this id.
    """
    return sites_for_lots(layers, [lot_id])[lot_id]


def site_for_park(layers: Layers, park_id: str) -> Site:
    """Return the Site of a whole park (zones it lies in, price; no area: not a lot).

    Raises
    ------
    ParkNotFoundError
        If no park has this id.
    """
    layers.park(park_id)
    parks = layers.parks[layers.parks["park_id"] == park_id].copy()
    parks["area_m2"] = None
    return _sites(layers, parks, "park_id")[park_id]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Reason:
    """One condition and whether it is met, with its figures and text in both languages."""

    condition: str
    status: Status
    en: str
    ja: str
    figures: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """Return the reason as JSON data in one language."""
        out: dict[str, Any] = {
            "condition": self.condition,
            "status": self.status,
            "text": self.en if lang == "en" else self.ja,
        }
        if self.figures:
            out["figures"] = dict(self.figures)
        return out


@dataclass(frozen=True)
class TrackResult:
    """A track evaluated: eligibility, amount (None = unknown) and formula."""

    key: str
    name_en: str
    name_ja: str
    eligible: Eligible
    amount_jpy: int | None
    uncapped_jpy: int | None
    cap_jpy: int | None
    up_to: bool
    land_part_jpy: int | None
    formula_en: str
    formula_ja: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class PartResult:
    """A part evaluated: the track that applies and the part's amount."""

    key: str
    eligible: Eligible
    amount_jpy: int | None
    cap_jpy: int | None
    chosen: TrackResult | None
    tracks: tuple[TrackResult, ...]
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class GrantResult:
    """One programme evaluated for a firm on a site."""

    id: str
    issuer: str
    name_en: str
    name_ja: str
    kind: str
    status: Literal["open", "expired", "not_yet_open", "validity_unknown"]
    eligible: Eligible
    amount_jpy: int | None
    cap_jpy: int | None
    up_to: bool
    land_part_jpy: int | None
    formula_en: str
    formula_ja: str
    reasons: tuple[Reason, ...]
    parts: tuple[PartResult, ...]
    sources: tuple[Mapping[str, str], ...]
    caveats: tuple[Mapping[str, str], ...]
    benefit: Mapping[str, Any] | None
    validity_text: str

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """Return the programme result as JSON data in one language."""
        out: dict[str, Any] = {
            "id": self.id,
            "issuer": self.issuer,
            "name": self.name_en if lang == "en" else self.name_ja,
            "kind": self.kind,
            "status": self.status,
            "eligible": self.eligible,
            "amount_jpy": self.amount_jpy,
            "cap_jpy": self.cap_jpy,
            "up_to": self.up_to,
            "land_part_jpy": self.land_part_jpy,
            "reasons": [r.to_dict(lang) for r in self.reasons],
            "formula": self.formula_en if lang == "en" else self.formula_ja,
            "components": [
                {
                    "part": p.key,
                    "track": p.chosen.key if p.chosen else None,
                    "eligible": p.eligible,
                    "amount_jpy": p.amount_jpy,
                    "cap_jpy": p.cap_jpy,
                }
                for p in self.parts
            ],
            "validity": self.validity_text,
            "caveats": [c.get(lang, c.get("en", "")) for c in self.caveats],
            "sources": [dict(s) for s in self.sources],
        }
        if self.benefit is not None:
            out["benefit"] = self.benefit.get(lang, self.benefit.get("en"))
        return out


@dataclass(frozen=True)
class GrantReport:
    """All programmes evaluated for one firm on one site, with totals and net land cost."""

    as_of: date
    site: Site
    programmes: tuple[GrantResult, ...]
    stacking: Mapping[str, Any]

    def programme(self, programme_id: str) -> GrantResult:
        """Return one programme's result by id."""
        for result in self.programmes:
            if result.id == programme_id:
                return result
        msg = f"no grant programme {programme_id!r} in this report"
        raise KeyError(msg)

    def totals(self) -> dict[str, Any]:
        """Return cash totals per issuer and the explicitly labelled if-combinable total.

        Cash totals count only programmes that are eligible (``True``) with a known amount;
        eligible programmes with an unknown amount, and programmes whose eligibility is
        unknown, are listed beside the total instead of being counted.
        """
        out: dict[str, Any] = {}
        for issuer in ISSUERS:
            cash = [p for p in self.programmes if p.issuer == issuer and p.kind == "cash"]
            counted = [p for p in cash if p.eligible is True and p.amount_jpy is not None]
            out[issuer] = {
                "cash_jpy": sum(p.amount_jpy or 0 for p in counted),
                "up_to": any(p.up_to for p in counted),
                "counted": [p.id for p in counted],
                "amount_unknown": [
                    p.id for p in cash if p.eligible is True and p.amount_jpy is None
                ],
                "eligibility_unknown": [
                    {"id": p.id, "amount_jpy": p.amount_jpy} for p in cash if p.eligible is None
                ],
            }
        combinable = str(self.stacking.get("city_and_prefecture_combinable", "unknown"))
        out["if_combinable"] = {
            "label": IF_COMBINABLE_LABEL["en"],
            "label_ja": IF_COMBINABLE_LABEL["ja"],
            "combinable": combinable,
            "cash_jpy": out["city"]["cash_jpy"] + out["prefecture"]["cash_jpy"],
            "up_to": out["city"]["up_to"] or out["prefecture"]["up_to"],
        }
        out["non_cash_benefits"] = [
            p.id for p in self.programmes if p.kind != "cash" and p.eligible is not False
        ]
        out["expired"] = [p.id for p in self.programmes if p.status == "expired"]
        return out

    def net_land_cost(self) -> dict[str, Any]:
        """Return price × area minus the land part of the eligible cash grants.

        Given per issuer alone and, under the if-combinable label, for both; as yen and as
        effective yen per m². Where the lot's price or area is unknown, says so.
        """
        land_cost = self.site.land_cost_jpy
        if land_cost is None:
            why = (
                "net land cost is computed per lot; a park has no single area"
                if self.site.lot_id is None
                else "no sale price is public for this lot"
            )
            why_ja = (
                "正味土地代は区画ごとに計算します(団地全体には面積が一つに定まりません)"
                if self.site.lot_id is None
                else "この区画の分譲価格は公表されていません"
            )
            return {"known": False, "reason": why, "reason_ja": why_ja, "land_cost_jpy": None}
        area = float(self.site.area_m2 or 0)
        parts: dict[str, int] = {}
        unknown: list[str] = []
        for issuer in ("city", "prefecture"):
            counted = [
                p
                for p in self.programmes
                if p.issuer == issuer and p.kind == "cash" and p.eligible is True
            ]
            unknown += [p.id for p in counted if p.land_part_jpy is None]
            parts[issuer] = sum(p.land_part_jpy or 0 for p in counted)

        def net(grant: int) -> dict[str, Any]:
            value = land_cost - grant
            return {"net_jpy": value, "effective_per_m2": round(value / area, 1)}

        return {
            "known": True,
            "land_cost_jpy": land_cost,
            "area_m2": area,
            "price_per_m2": self.site.price_per_m2,
            "land_grants_jpy": parts,
            "land_part_unknown": unknown,
            "city_only": net(parts["city"]),
            "prefecture_only": net(parts["prefecture"]),
            "if_combinable": {
                **net(parts["city"] + parts["prefecture"]),
                "label": IF_COMBINABLE_LABEL["en"],
            },
        }

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """Return the report as JSON data (``programmes``, ``totals``, ``net_land_cost``)."""
        return {
            "as_of": self.as_of.isoformat(),
            "site": self.site.to_dict(),
            "programmes": [p.to_dict(lang) for p in self.programmes],
            "totals": self.totals(),
            "net_land_cost": self.net_land_cost(),
            "stacking": dict(self.stacking),
        }


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class _Inputs:
    """The profile's figures as the rules see them (land from the lot price if not given)."""

    profile: FirmProfile
    site: Site
    costs: Mapping[str, int | None]
    land_from_site: bool


def _inputs(profile: FirmProfile, site: Site) -> _Inputs:
    """Read the cost items the rules use.

    With no ``investment_jpy`` at all every cost is unknown. Within a given
    ``investment_jpy``, an omitted land cost is taken from the lot's price × area where known
    (as the schema says) and is otherwise unknown; any other omitted item is not part of the
    project (0), as in the hand-worked scenarios (``shared/scenarios``).
    """
    given = {k: profile.investment.item(k) for k in COST_LABELS}
    any_given = any(v is not None for v in given.values())
    costs = {
        k: (v if v is not None or k == "land" or not any_given else 0) for k, v in given.items()
    }
    land_from_site = costs["land"] is None and site.land_cost_jpy is not None
    if land_from_site:
        costs["land"] = site.land_cost_jpy
    return _Inputs(profile=profile, site=site, costs=costs, land_from_site=land_from_site)


def _items_en(items: Iterable[str]) -> str:
    return " + ".join(COST_LABELS[i][0] for i in items)


def _items_ja(items: Iterable[str]) -> str:
    return "・".join(COST_LABELS[i][1] for i in items)


def _check(cond: Condition, x: _Inputs) -> Reason:
    """Evaluate one condition against the firm and the site."""
    checker = _CHECKERS[cond.type]
    return checker(cond, x)


def _check_industry(cond: Condition, x: _Inputs) -> Reason:
    industry = x.profile.industry
    covered = list(cond.get("in", []))
    maybe = list(cond.get("unknown", []))
    note = f" ({cond.get('note')})" if cond.get("note") else ""
    if industry in covered:
        return Reason(
            "industry",
            "met",
            f"industry {industry} is covered{note}",
            f"業種 {industry} は対象{note}",
            {"industry": industry},
        )
    if industry in maybe:
        return Reason(
            "industry",
            "unknown",
            f"industry {industry} may be covered{note}",
            f"業種 {industry} が対象かは不明{note}",
            {"industry": industry},
        )
    return Reason(
        "industry",
        "failed",
        f"industry {industry} is not covered (covers: {', '.join(covered)})",
        f"業種 {industry} は対象外(対象: {', '.join(covered)})",
        {"industry": industry, "covered": covered},
    )


def _check_choice(cond: Condition, x: _Inputs) -> Reason:
    name = cond.type
    value = getattr(x.profile, name)
    allowed = list(cond.get("in", []))
    labels = PROJECT_LABELS if name == "project" else ORIGIN_LABELS
    en, ja = labels[value]
    note = f" ({cond.get('note')})" if cond.get("note") else ""
    if value in allowed:
        return Reason(
            name, "met", f"{name}: {en} qualifies{note}", f"{ja}: 対象{note}", {name: value}
        )
    wanted = ", ".join(labels[a][0] for a in allowed)
    return Reason(
        name,
        "failed",
        f"{name}: {en} does not qualify (needs {wanted}){note}",
        f"{ja}: 対象外{note}",
        {name: value, "allowed": allowed},
    )


def _check_hq(cond: Condition, x: _Inputs) -> Reason:
    if x.profile.hq_functions:
        return Reason(
            "hq_functions",
            "met",
            "the project moves or expands head-office functions",
            "本社機能の移転・拡充である",
        )
    alt = list(cond.get("or_industries", []))
    if x.profile.industry in alt:
        return Reason(
            "hq_functions",
            "met",
            f"industry {x.profile.industry} counts as a higher-order function",
            f"業種 {x.profile.industry} は高次機能に該当",
        )
    return Reason(
        "hq_functions",
        "failed",
        "needs head-office functions (本社機能); the profile says hq_functions is false",
        "本社機能の移転・拡充が要件(プロフィールでは該当せず)",
    )


def _check_zone(cond: Condition, x: _Inputs) -> Reason:
    kinds = list(cond.get("kinds", []))
    inside = [k for k in kinds if k in x.site.zone_kinds]
    note = f" [{cond.get('note')}]" if cond.get("note") else ""
    where = x.site.lot_id or x.site.park_id or "the site"
    if inside:
        kind = inside[0]
        approx = x.site.approx_note(kind)
        tail_en = f"; the zone outline is approximate: {approx}" if approx else ""
        tail_ja = f"(区域の境界は概略: {approx})" if approx else ""
        return Reason(
            "zone",
            "met",
            f"{where} lies in the {ZONE_LABELS[kind][0]}{note}{tail_en}",
            f"{where} は{ZONE_LABELS[kind][1]}内{tail_ja}",
            {"zone_kind": kind, "approximate": bool(approx)},
        )
    wanted_en = " or ".join(ZONE_LABELS[k][0] for k in kinds)
    wanted_ja = "又は".join(ZONE_LABELS[k][1] for k in kinds)
    if cond.get("outside", "failed") == "unknown":
        return Reason(
            "zone",
            "unknown",
            f"{where} lies outside the {wanted_en}; whether this track needs it is not known{note}",
            f"{where} は{wanted_ja}外(この区分に区域要件があるかは不明)",
            {"zone_kinds": kinds},
        )
    return Reason(
        "zone",
        "failed",
        f"{where} lies outside the {wanted_en}{note}",
        f"{where} は{wanted_ja}の外",
        {"zone_kinds": kinds},
    )


def _check_zoning(cond: Condition, x: _Inputs) -> Reason:
    allowed = list(cond.get("in", []))
    if x.site.zoning is None:
        return Reason(
            "zoning",
            "unknown",
            f"needs zoning {' / '.join(allowed)}; the zoning (用途地域) of the site is not known",
            f"用途地域が{'・'.join(allowed)}であることが要件(用途地域は不明)",
            {"zoning": None, "allowed": allowed},
        )
    ok = x.site.zoning in allowed
    return Reason(
        "zoning",
        "met" if ok else "failed",
        f"zoning {x.site.zoning}",
        f"用途地域 {x.site.zoning}",
        {"zoning": x.site.zoning, "allowed": allowed},
    )


def _check_park(cond: Condition, x: _Inputs) -> Reason:
    ids = cond.get("ids")
    park = x.site.park_id
    if ids is None:
        ok = park is not None
        return Reason(
            "park",
            "met" if ok else "failed",
            f"site is in a city-built park ({park})" if ok else "site is not in a city park",
            f"市の工業団地({park})内" if ok else "市の工業団地外",
            {"park_id": park},
        )
    ok = park in ids
    return Reason(
        "park",
        "met" if ok else "failed",
        f"site is in {park}" + ("" if ok else f"; applies only to {', '.join(ids)}"),
        f"{park}" + ("内" if ok else f"(対象は {', '.join(ids)} のみ)"),
        {"park_id": park, "parks": list(ids)},
    )


def _threshold(
    cond: Condition,
    value: int | None,
    complete: bool,
    minimum: int,
    what_en: str,
    what_ja: str,
    fmt: Any,
) -> Reason:
    """Compare a figure with a (possibly strict) minimum, with lower SME thresholds."""
    strict = bool(cond.get("strict", False))
    lower = cond.get("lower_min_jpy", cond.get("lower_min"))
    lower_note = cond.get("lower_note")
    inferred = bool(cond.get("inferred", False))
    op = ">" if strict else ">="
    figures = {"value": value, "required": minimum, "op": op, "complete": complete}
    if lower is not None:
        figures["lower_required"] = lower
    if inferred:
        figures["inferred"] = True
    tail = " (threshold inferred, not confirmed by a source)" if inferred else ""
    tail_ja = "(要件は推定で資料で未確認)" if inferred else ""
    note = f"; {cond.get('note')}" if cond.get("note") else ""

    def passes(v: int, m: int) -> bool:
        return v > m if strict else v >= m

    shown = fmt(value)
    if value is not None and passes(value, minimum):
        return Reason(
            cond.type,
            "met",
            f"{what_en} {shown} {op} {fmt(minimum)}{note}{tail}",
            f"{what_ja} {fmt(value, 'ja')} ≥ {fmt(minimum, 'ja')}{tail_ja}",
            figures,
        )
    if value is None or not complete:
        known = "" if value is None else f" (known part {shown})"
        return Reason(
            cond.type,
            "unknown",
            f"{what_en} not given{known}; needs {op} {fmt(minimum)}{note}",
            f"{what_ja} 不明; {fmt(minimum, 'ja')}以上が要件",
            figures,
        )
    if lower is not None and passes(value, lower):
        return Reason(
            cond.type,
            "unknown",
            f"{what_en} {shown} is below {fmt(minimum)} but meets {fmt(lower)} for "
            f"{lower_note}; the profile does not say which applies{note}",
            f"{what_ja} {fmt(value, 'ja')} は {fmt(minimum, 'ja')} 未満だが {lower_note} の基準 "
            f"{fmt(lower, 'ja')} は満たす(企業規模不明)",
            figures,
        )
    status: Status = "unknown" if inferred else "failed"
    sign = "<=" if strict else "<"
    return Reason(
        cond.type,
        status,
        f"{what_en} {shown} {sign} {fmt(minimum)} minimum{note}{tail}",
        f"{what_ja} {fmt(value, 'ja')} は要件 {fmt(minimum, 'ja')} に届かない{tail_ja}",
        figures,
    )


def _check_min_investment(cond: Condition, x: _Inputs) -> Reason:
    items = list(cond.get("items", []))
    values = [x.costs[i] for i in items]
    known = [v for v in values if v is not None]
    complete = len(known) == len(values)
    value = sum(known) if known else None
    what_en = f"investment ({_items_en(items)})"
    if x.land_from_site and "land" in items:
        what_en += " [land = lot price × area]"
    return _threshold(
        cond, value, complete, int(cond.get("min_jpy")), what_en, f"投資額({_items_ja(items)})", yen
    )


def _check_min_count(cond: Condition, x: _Inputs) -> Reason:
    name = str(cond.get("field"))
    value = x.profile.count(name)
    en, ja = COUNT_LABELS[name]

    def fmt(v: int | None, lang: Lang = "en") -> str:
        if v is None:
            return "unknown" if lang == "en" else "不明"
        return f"{v}" if lang == "en" else f"{v}人"

    return _threshold(cond, value, value is not None, int(cond.get("min")), en, ja, fmt)


def _check_unknown(cond: Condition, x: _Inputs) -> Reason:  # noqa: ARG001 - same signature
    return Reason("unknown", "unknown", str(cond.get("en")), str(cond.get("ja")))


_CHECKERS = {
    "industry": _check_industry,
    "project": _check_choice,
    "origin": _check_choice,
    "hq_functions": _check_hq,
    "zone": _check_zone,
    "zoning": _check_zoning,
    "park": _check_park,
    "min_investment": _check_min_investment,
    "min_count": _check_min_count,
    "unknown": _check_unknown,
}


# --------------------------------------------------------------------------- amounts


def _term(term: Term, x: _Inputs) -> tuple[int | None, int | None, str, str]:
    """Return (amount, land part, formula en, formula ja) of ``rate × sum(items)``."""
    values = [x.costs[i] for i in term.items]
    label_en, label_ja = _items_en(term.items), _items_ja(term.items)
    if term.rate_pct is None:
        return None, None, f"unknown rate × {label_en}", f"{label_ja} × 率不明"
    if any(v is None for v in values):
        missing = [i for i, v in zip(term.items, values, strict=True) if v is None]
        return (
            None,
            None,
            f"{_pct(term.rate_pct)} × {label_en} ({_items_en(missing)} not given)",
            f"{label_ja}({_items_ja(missing)}不明) × {_pct(term.rate_pct)}",
        )
    base = sum(v for v in values if v is not None)
    rate = Fraction(str(term.rate_pct)) / 100
    amount = int(rate * base)  # floor: a rate 以内 is a ceiling
    land = int(rate * x.costs["land"]) if "land" in term.items and x.costs["land"] else 0
    return (
        amount,
        land,
        f"{_pct(term.rate_pct)} × {yen(base)} ({label_en})",
        f"{label_ja} {yen(base, 'ja')} × {_pct(term.rate_pct)}",
    )


def _formula(terms: tuple[Term, ...], x: _Inputs) -> tuple[int | None, int | None, str, str]:
    parts = [_term(t, x) for t in terms]
    amounts = [p[0] for p in parts]
    en = " + ".join(p[2] for p in parts)
    ja = " + ".join(p[3] for p in parts)
    if any(a is None for a in amounts):
        return None, None, en, ja
    return (
        sum(a or 0 for a in amounts),
        sum(p[1] or 0 for p in parts),
        f"{en} = {yen(sum(a or 0 for a in amounts))}",
        f"{ja} = {yen(sum(a or 0 for a in amounts), 'ja')}",
    )


def _track(track: Track, x: _Inputs) -> TrackResult:
    reasons = tuple(_check(c, x) for c in track.conditions)
    eligible = _eligible(r.status for r in reasons)
    invest: int | None = 0
    land: int | None = 0
    lower = 0  # what is known for sure when the exact amount is not
    en_parts: list[str] = []
    ja_parts: list[str] = []
    if track.rate_unknown:
        invest, land = None, None
        en_parts.append("rate not published" + (f" ({track.note})" if track.note else ""))
        ja_parts.append("助成率は公表されていない")
    elif track.formulas:
        results = [_formula(f, x) for f in track.formulas]
        if len(results) == 1:
            invest, land, fen, fja = results[0]
            lower = invest or 0
            en_parts.append(fen)
            ja_parts.append(fja)
        else:
            en_parts.append("larger of [" + "] and [".join(r[2] for r in results) + "]")
            ja_parts.append("[" + "] と [".join(r[3] for r in results) + "] の大きい方")
            if any(r[0] is None for r in results):
                invest, land = None, None
                lower = max((r[0] for r in results if r[0] is not None), default=0)
            else:
                best = max(results, key=lambda r: r[0] or 0)
                invest, land = best[0], best[1]
    if track.per_hire is not None:
        count = x.profile.count(track.per_hire.count)
        per = track.per_hire.amount_jpy
        label_en, label_ja = COUNT_LABELS[track.per_hire.count]
        if count is None or per is None:
            lower = invest if invest is not None else lower
            invest = None
            en_parts.append(
                f"{count if count is not None else 'unknown'} {label_en} × "
                f"{yen(per) if per is not None else 'unknown amount per hire'}"
            )
            ja_parts.append(
                f"{label_ja} {count if count is not None else '不明'}人 × "
                f"{yen(per, 'ja') if per is not None else '1人あたり額不明'}"
            )
        else:
            hire = count * per
            invest = None if invest is None else invest + hire
            lower += hire
            en_parts.append(f"{count} {label_en} × {yen(per)} = {yen(hire)}")
            ja_parts.append(f"{label_ja} {count}人 × {yen(per, 'ja')} = {yen(hire, 'ja')}")
    uncapped = invest
    amount = uncapped
    cap_en, cap_ja = "", ""
    if amount is not None and track.cap_jpy is not None:
        if amount > track.cap_jpy:
            cap_en = f" → capped at {yen(track.cap_jpy)}"
            cap_ja = f" → 上限 {yen(track.cap_jpy, 'ja')}"
            amount = track.cap_jpy
        else:
            cap_en = f" ≤ cap {yen(track.cap_jpy)}"
            cap_ja = f" ≤ 上限 {yen(track.cap_jpy, 'ja')}"
    if amount is not None and land is not None and uncapped:
        land = land * amount // uncapped
    elif amount is None:
        land = None
        if track.cap_jpy is not None and not track.rate_unknown and lower >= track.cap_jpy:
            # the known part alone reaches the cap, so the unknown rest cannot change it
            amount = track.cap_jpy
            cap_en = f" → the known part {yen(lower)} alone reaches the cap {yen(amount)}"
            cap_ja = f" → 判明分 {yen(lower, 'ja')} だけで上限 {yen(amount, 'ja')} に達する"
    total_en = f" = {yen(uncapped)}" if len(en_parts) > 1 and uncapped is not None else ""
    total_ja = f" = {yen(uncapped, 'ja')}" if len(ja_parts) > 1 and uncapped is not None else ""
    up_en = " (up to)" if track.up_to else ""
    up_ja = "(率は上限・以内)" if track.up_to else ""
    return TrackResult(
        key=track.key,
        name_en=track.name_en,
        name_ja=track.name_ja,
        eligible=eligible,
        amount_jpy=amount,
        uncapped_jpy=uncapped,
        cap_jpy=track.cap_jpy,
        up_to=track.up_to,
        land_part_jpy=land,
        formula_en=f"{track.name_en}: " + "; ".join(en_parts) + total_en + cap_en + up_en,
        formula_ja=f"{track.name_ja}: " + "; ".join(ja_parts) + total_ja + cap_ja + up_ja,
        reasons=reasons,
    )


def _part(part: Part, x: _Inputs, done: Mapping[str, PartResult]) -> PartResult:
    tracks = tuple(_track(t, x) for t in part.tracks)
    own = max((t.eligible for t in tracks), key=lambda e: _RANK[e])
    best = own
    extra: tuple[Reason, ...] = ()
    if part.requires_part is not None and part.requires_part in done:
        needed = done[part.requires_part]
        statuses: dict[Eligible, Status] = {True: "met", False: "failed", None: "unknown"}
        status = statuses[needed.eligible]
        word_en = {True: "it applies", False: "it does not", None: "unknown whether it does"}
        extra = (
            Reason(
                "requires_part",
                status,
                f"{part.key} needs the {needed.key} grant to apply ({word_en[needed.eligible]})",
                f"{PART_LABELS_JA.get(needed.key, needed.key)}の対象となることが要件",
            ),
        )
        best = _and(own, needed.eligible)
    if best is False:
        caps = [t.cap_jpy for t in tracks]
        cap = None if any(c is None for c in caps) else max(c or 0 for c in caps)
        return PartResult(part.key, False, 0, cap, None, tracks, extra)
    candidates = [t for t in tracks if _RANK[t.eligible] == _RANK[own]]
    unknown_amount = [t for t in candidates if t.amount_jpy is None]
    if unknown_amount:
        chosen = unknown_amount[0]
        return PartResult(part.key, best, None, chosen.cap_jpy, chosen, tracks, extra)
    chosen = max(candidates, key=lambda t: t.amount_jpy or 0)
    return PartResult(part.key, best, chosen.amount_jpy, chosen.cap_jpy, chosen, tracks, extra)


def _part_reasons(part: PartResult) -> list[Reason]:
    """Return the reasons worth showing: the applied track's, and why others fail or may apply.

    Tracks for another industry are left out unless no track covers the firm's industry.
    """
    relevant = [
        t
        for t in part.tracks
        if not any(r.condition == "industry" and r.status == "failed" for r in t.reasons)
    ]
    out: list[Reason] = []
    if part.chosen is not None:
        out += [_tag(r, part.chosen) for r in part.chosen.reasons]
    for track in relevant or list(part.tracks[:1]):
        if track is part.chosen:
            continue
        out += [
            _tag(r, track) for r in track.reasons if r.status != "met" or track.eligible is None
        ]
    return out + list(part.reasons)


def _validity(rule: GrantRule, as_of: date) -> tuple[str, Reason | None]:
    v = rule.validity
    inferred = " (end date inferred from the source)" if v.end_inferred else ""
    if v.end is not None and v.end < as_of:
        return "expired", Reason(
            "validity",
            "failed",
            f"expired: validity ended {v.end.isoformat()}{inferred}, before {as_of.isoformat()} "
            f"({v.text})",
            f"期間終了: {v.end.isoformat()} に終了({v.text})",
            {"end": v.end.isoformat(), "as_of": as_of.isoformat()},
        )
    if v.start is not None and v.start > as_of:
        return "not_yet_open", Reason(
            "validity",
            "failed",
            f"opens {v.start.isoformat()}, after {as_of.isoformat()}",
            f"{v.start.isoformat()} 開始",
            {"start": v.start.isoformat()},
        )
    if v.start is None and v.end is None:
        if v.standing:
            return "open", Reason(
                "validity", "met", f"standing programme ({v.text})", f"恒常的な制度({v.text})"
            )
        return "validity_unknown", None
    return "open", Reason(
        "validity",
        "met",
        f"open on {as_of.isoformat()} ({v.text})",
        f"{as_of.isoformat()} 時点で受付期間内({v.text})",
    )


def _programme(rule: GrantRule, x: _Inputs, as_of: date) -> GrantResult:
    status, validity_reason = _validity(rule, as_of)
    reasons: list[Reason] = [validity_reason] if validity_reason else []
    reasons += [_check(c, x) for c in rule.conditions]
    done: dict[str, PartResult] = {}
    for part in rule.parts:
        done[part.key] = _part(part, x, done)
    parts = tuple(done.values())
    eligible = _eligible(r.status for r in reasons)
    if parts:
        eligible = _and(eligible, parts[0].eligible)
        for p in parts:
            reasons += _part_reasons(p)
    if not parts:
        included: list[PartResult] = []
    elif eligible is True:
        included = [p for p in parts if p.eligible is True]
    else:
        # eligibility unknown: the would-be amount of the main part plus known bonuses
        bonuses = [p for p in parts[1:] if p.eligible is not False and p.amount_jpy is not None]
        included = [parts[0], *bonuses]
    amount: int | None
    if rule.kind != "cash":
        amount = None
    elif eligible is False:
        amount = 0
    elif any(p.amount_jpy is None for p in included):
        amount = None
    else:
        amount = sum(p.amount_jpy or 0 for p in included)
    caps = [p.cap_jpy for p in included]
    cap = rule.cap_jpy
    if cap is None and caps and all(c is not None for c in caps):
        cap = sum(c or 0 for c in caps)
    land: int | None = None
    if amount is not None and eligible is not False:
        lands = [p.chosen.land_part_jpy if p.chosen else 0 for p in included]
        land = None if any(v is None for v in lands) else sum(v or 0 for v in lands)
        uncapped = amount
        if rule.cap_jpy is not None and amount > rule.cap_jpy:
            amount = rule.cap_jpy
            if land is not None and uncapped:
                land = land * amount // uncapped
    chosen = [p.chosen for p in included if p.chosen is not None]
    formula_en = "; ".join(t.formula_en for t in chosen)
    formula_ja = "; ".join(t.formula_ja for t in chosen)
    if rule.kind == "cash" and rule.cap_jpy is not None and formula_en:
        formula_en += f"; programme cap {yen(rule.cap_jpy)}"
        formula_ja += f"; 制度全体の上限 {yen(rule.cap_jpy, 'ja')}"
    if not formula_en and rule.kind == "cash":
        formula_en = "expired" if status == "expired" else "not eligible (see reasons)"
        formula_ja = "期間終了" if status == "expired" else "対象外(理由を参照)"
    elif status == "expired" and formula_en:
        formula_en = "(expired, shown for reference) " + formula_en
        formula_ja = "(期間終了・参考) " + formula_ja
    if rule.kind != "cash" and rule.benefit is not None:
        formula_en = str(rule.benefit.get("en", ""))
        formula_ja = str(rule.benefit.get("ja", ""))
    return GrantResult(
        id=rule.id,
        issuer=rule.issuer,
        name_en=rule.name_en,
        name_ja=rule.name_ja,
        kind=rule.kind,
        status=status,  # type: ignore[arg-type]
        eligible=eligible,
        amount_jpy=amount,
        cap_jpy=cap,
        up_to=any(t.up_to for t in chosen),
        land_part_jpy=land if rule.kind == "cash" and eligible is not False else None,
        formula_en=formula_en,
        formula_ja=formula_ja,
        reasons=tuple(reasons),
        parts=parts,
        sources=tuple({"url": s.url, "source_date": s.source_date} for s in rule.sources),
        caveats=rule.caveats,
        benefit=rule.benefit,
        validity_text=rule.validity.text,
    )


def _tag(reason: Reason, track: TrackResult) -> Reason:
    """Prefix a track's reason with the track name so the reader sees where it applies."""
    return Reason(
        reason.condition,
        reason.status,
        f"[{track.key}] {reason.en}",
        f"[{track.name_ja}] {reason.ja}",
        reason.figures,
    )


def evaluate(profile: FirmProfile, site: Site, *, as_of: date, rules: GrantRules) -> GrantReport:
    """Evaluate every grant programme for a firm on a site as of a date.

    Parameters
    ----------
    profile
        The firm (see :func:`parks.profile.validate_profile`).
    site
        The lot or park: zones it lies in, area, price (:func:`site_for_lot`).
    as_of
        Programmes whose validity ended before this date are listed as expired.
    rules
        Programme rules (:func:`parks.grant_rules.load_rules`).

    Returns
    -------
    GrantReport
        One :class:`GrantResult` per programme, with totals and net land cost.

    Examples
    --------
    A manufacturer on a 工場適地 lot: 20 % of ¥100,000,000 land plus 5 % of ¥200,000,000
    building gives ¥30,000,000 (以内) from the city's general track.

    >>> from parks.grant_rules import rules_from_dict
    >>> from parks.profile import validate_profile
    >>> rules = rules_from_dict({"schema_version": 1, "programmes": [{
    ...     "id": "demo", "issuer": "city", "name_ja": "例", "name_en": "demo",
    ...     "type": "grant", "kind": "cash", "parts": [{"key": "investment", "tracks": [{
    ...         "key": "general", "up_to": True, "cap_jpy": 200000000,
    ...         "conditions": [{"type": "zone", "kinds": ["factory_site_zone"]}],
    ...         "formulas": [[{"items": ["land"], "rate_pct": 20},
    ...                       {"items": ["building"], "rate_pct": 5}]]}]}]}]})
    >>> firm = validate_profile({"industry": "manufacturing", "project": "new_site",
    ...     "origin": "inside_city", "investment_jpy": {"land": 100000000, "building": 200000000}})
    >>> site = Site(zone_kinds=frozenset({"factory_site_zone"}))
    >>> result = evaluate(firm, site, as_of=date(2026, 1, 1), rules=rules).programme("demo")
    >>> result.eligible, result.amount_jpy, result.up_to
    (True, 30000000, True)
    """
    x = _inputs(profile, site)
    return GrantReport(
        as_of=as_of,
        site=site,
        programmes=tuple(_programme(rule, x, as_of) for rule in rules.programmes),
        stacking=rules.stacking,
    )
