"""Numbers-only grant estimates for ranking: no sentences, cached by what the amounts depend on.

Matching ranks every park and summarises the grants of every lot it returns; a full report
with explanations for each would cost milliseconds apiece. :func:`estimate_grants` runs the
same evaluator with ``explain=False`` and caches the result by the profile fields the rules
read (industry, project, origin, head-office functions, investment, head counts), the as-of
date, the site's zones, park, zoning and price, and the rule set itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from parks.grants.evaluate import evaluate
from parks.grants.report import Renderer, english, net_land_cost
from parks.grants.rules import GrantRules, Stacking, load_rules
from parks.grants.sites import Site
from parks.profile import DriveLimits, FirmProfile


@dataclass(frozen=True)
class ProgrammeEstimate:
    """One programme in numbers: eligibility and amounts (None = unknown)."""

    id: str
    name_ja: str
    name_en: str
    issuer: str
    kind: str
    eligible: bool | None
    amount_jpy: int | None
    sure_jpy: int | None
    possible_jpy: int | None


@dataclass(frozen=True)
class GrantEstimate:
    """What ranking needs: sure and possible cash per issuer and each programme's figures."""

    totals: dict[str, Any]
    programmes: tuple[ProgrammeEstimate, ...]
    land_grants: dict[str, int]
    land_part_unknown: tuple[str, ...]
    stacking: Stacking = field(repr=False, compare=False, hash=False, default=None)  # type: ignore[assignment]

    @property
    def sure_jpy(self) -> int:
        """City + prefecture cash that is sure (eligible, known amounts), if combinable."""
        value: int = self.totals["if_combinable"]["sure_jpy"]
        return value

    def net_land_cost(self, site: Site, render: Renderer = english) -> dict[str, Any]:
        """Return the net land cost of ``site`` after the sure land parts of the grants."""
        return net_land_cost(
            site, self.land_grants, list(self.land_part_unknown), self.stacking, render
        )

    def summary(self) -> dict[str, Any]:
        """Return the grant summary a match carries (numbers and names, no sentences)."""
        t = self.totals
        return {
            "city_jpy": t["city"]["sure_jpy"],
            "prefecture_jpy": t["prefecture"]["sure_jpy"],
            "if_combinable_jpy": t["if_combinable"]["sure_jpy"],
            "sure_jpy": t["if_combinable"]["sure_jpy"],
            "possible_jpy": t["if_combinable"]["possible_jpy"],
            "if_combinable_label": t["if_combinable"]["label"],
            "if_combinable_label_ja": t["if_combinable"]["label_ja"],
            "up_to": t["if_combinable"]["up_to"],
            "amount_unknown": t["city"]["amount_unknown"] + t["prefecture"]["amount_unknown"],
            "possible_unknown": t["city"]["possible_unknown"] + t["prefecture"]["possible_unknown"],
            "programmes": [
                {
                    "id": p.id,
                    "name": {"ja": p.name_ja, "en": p.name_en},
                    "issuer": p.issuer,
                    "eligible": p.eligible,
                    "amount_jpy": p.amount_jpy,
                    "sure_jpy": p.sure_jpy,
                    "possible_jpy": p.possible_jpy,
                }
                for p in self.programmes
                if p.kind == "cash"
            ],
        }


@lru_cache(maxsize=256)
def grant_profile(profile: FirmProfile) -> FirmProfile:
    """Return the profile with only the fields grant amounts depend on (the cache key).

    Cached: a match asks once per park and lot it ranks, with the same profile.
    """
    return replace(
        profile,
        name=None,
        land_m2_min=None,
        land_m2_max=None,
        max_drive_minutes=DriveLimits(),
        needs_groundwater=False,
        max_land_price_per_m2=None,
        operational_by=None,
    )


def grant_site(site: Site) -> Site:
    """Return the site with only what grant amounts depend on (the cache key)."""
    return Site(
        park_id=site.park_id,
        zone_kinds=site.zone_kinds,
        zoning=site.zoning,
        price_per_m2=site.price_per_m2,
        area_m2=site.area_m2 if site.price_per_m2 is not None else None,
        lot_id="lot" if site.price_per_m2 is not None and site.area_m2 is not None else None,
    )


def estimate_grants(
    profile: FirmProfile, site: Site, *, as_of: date, rules: GrantRules | None = None
) -> GrantEstimate:
    """Return the grant figures of ``profile`` on ``site`` without any explanation (cached).

    The figures equal those of :func:`parks.grants.evaluate` for the same inputs.
    """
    rules = rules if rules is not None else load_rules()
    return _estimate(rules, grant_profile(profile), grant_site(site), as_of)


@lru_cache(maxsize=4096)
def _estimate(rules: GrantRules, profile: FirmProfile, site: Site, as_of: date) -> GrantEstimate:
    report = evaluate(profile, site, as_of=as_of, rules=rules, explain=False)
    parts, unknown = report.land_parts()
    return GrantEstimate(
        totals=report.totals(),
        programmes=tuple(
            ProgrammeEstimate(
                id=p.id,
                name_ja=p.name_ja,
                name_en=p.name_en,
                issuer=p.issuer,
                kind=p.kind,
                eligible=p.eligible,
                amount_jpy=p.amount_jpy,
                sure_jpy=p.sure_jpy,
                possible_jpy=p.possible_jpy,
            )
            for p in report.programmes
        ),
        land_grants=parts,
        land_part_unknown=tuple(unknown),
        stacking=rules.stacking,
    )
