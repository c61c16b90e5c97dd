"""Grant results: per condition, track, part and programme, and the report with its totals.

Sentences are :class:`~parks.messages.Message` objects (English msgids, Japanese in the
``parks`` catalog); ``to_dict(lang, render=...)`` renders them with the renderer the caller
passes (``webapp.i18n.render_message`` in the app and the CLI; English without catalogs by
default). Names of programmes, tracks, sources and quotes are data in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from parks.grants.rules import TIERS, Cite, Contact, GrantRule, Stacking, Text, Timing
from parks.grants.sites import Site
from parks.messages import Message

Status = Literal["met", "failed", "unknown"]
Eligible = bool | None
Lang = Literal["en", "ja"]
Renderer = Callable[[Message, str], str]

ISSUERS = ("city", "prefecture", "national")


def english(message: Message, lang: str) -> str:  # noqa: ARG001 - the Renderer signature
    """Render a message in English without catalogs (the default renderer)."""
    return message.english()


def yen(amount: int | None, lang: str = "en") -> str:
    """Format integer yen with thousands separators (``¥1,000`` / ``1,000円``).

    Examples
    --------
    >>> yen(85000000), yen(85000000, "ja"), yen(None)
    ('¥85,000,000', '85,000,000円', 'unknown')
    """
    if amount is None:
        return "unknown" if lang == "en" else "不明"
    return f"¥{amount:,}" if lang == "en" else f"{amount:,}円"


def weakest_tier(cites: Iterable[Cite]) -> str | None:
    """Return the weakest source tier among ``cites`` (None when there is none)."""
    ranks = [TIERS.index(c.source.tier) for c in cites]
    return TIERS[max(ranks)] if ranks else None


def _cites(cites: Iterable[Cite], lang: str) -> list[dict[str, Any]]:
    """Return citations as JSON data, each source and place once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in cites:
        key = (c.source.key, c.where.en)
        if key not in seen:
            seen.add(key)
            out.append(c.to_dict(lang))
    return out


@dataclass(frozen=True)
class Reason:
    """One condition and whether it is met, with the sentence, figures, source and office."""

    condition: str
    status: Status
    message: Message | None
    cite: Cite | None = None
    figures: Mapping[str, Any] = field(default_factory=dict)
    ask: Contact | None = None
    track: Text | None = None

    @property
    def en(self) -> str:
        """The sentence in English (no catalogs needed)."""
        return "" if self.message is None else self.message.english()

    def to_dict(self, lang: str = "en", render: Renderer = english) -> dict[str, Any]:
        """Return the reason as JSON data in one language, with its source and tier."""
        out: dict[str, Any] = {
            "condition": self.condition,
            "status": self.status,
            "text": "" if self.message is None else render(self.message, lang),
        }
        if self.track is not None:
            out["track"] = self.track.in_lang(lang)
        if self.figures:
            out["figures"] = dict(self.figures)
        if self.cite is not None:
            out["source"] = self.cite.to_dict(lang)
            out["tier"] = self.cite.source.tier
        if self.ask is not None:
            out["ask"] = self.ask.to_dict(lang)
        return out


@dataclass(frozen=True)
class TrackResult:
    """A track (category) evaluated: eligibility, amount (None = unknown) and formula."""

    key: str
    name: Text
    cite: Cite
    eligible: Eligible
    amount_jpy: int | None
    uncapped_jpy: int | None
    cap_jpy: int | None
    up_to: bool
    land_part_jpy: int | None
    formula: Message | None
    reasons: tuple[Reason, ...]
    amount_cites: tuple[Cite, ...] = ()
    open_ended: bool = False
    """True when the amount is not published at all (the track's size cannot be bounded)."""


@dataclass(frozen=True)
class PartResult:
    """A part evaluated: the track that applies, its amount, and what is sure or possible."""

    key: str
    name: Text
    eligible: Eligible
    amount_jpy: int | None
    cap_jpy: int | None
    chosen: TrackResult | None
    tracks: tuple[TrackResult, ...]
    reasons: tuple[Reason, ...] = ()
    sure_jpy: int | None = 0
    possible_jpy: int | None = 0

    def to_dict(self, lang: str = "en", render: Renderer = english) -> dict[str, Any]:
        """Return the part as JSON data: amounts with the sources of every figure used."""
        chosen = self.chosen
        cites = chosen.amount_cites if chosen is not None else ()
        return {
            "part": self.key,
            "name": self.name.in_lang(lang),
            "track": chosen.key if chosen else None,
            "track_name": chosen.name.in_lang(lang) if chosen else None,
            "category_source": chosen.cite.to_dict(lang) if chosen else None,
            "eligible": self.eligible,
            "amount_jpy": self.amount_jpy,
            "sure_jpy": self.sure_jpy,
            "possible_jpy": self.possible_jpy,
            "cap_jpy": self.cap_jpy,
            "up_to": bool(chosen and chosen.up_to),
            "formula": None
            if chosen is None or chosen.formula is None
            else render(chosen.formula, lang),
            "sources": _cites(cites, lang),
            "tier": weakest_tier(cites),
        }


@dataclass(frozen=True)
class StepResult:
    """A step the firm must take for a programme, with its date where one follows."""

    programme_id: str
    programme: Text
    key: str
    timing: Timing
    text: Text
    cite: Cite
    message: Message | None
    due: date | None = None
    start: date | None = None

    def to_dict(self, lang: str = "en", render: Renderer = english) -> dict[str, Any]:
        """Return the step as JSON data in one language."""
        return {
            "programme_id": self.programme_id,
            "programme": self.programme.in_lang(lang),
            "step": self.key,
            "timing": self.timing,
            "text": self.text.in_lang(lang) if self.message is None else render(self.message, lang),
            "due": None if self.due is None else self.due.isoformat(),
            "operation_starts": None if self.start is None else self.start.isoformat(),
            "source": self.cite.to_dict(lang),
            "tier": self.cite.source.tier,
        }


@dataclass(frozen=True)
class GrantResult:
    """One programme evaluated for a firm on a site."""

    rule: GrantRule
    status: Literal["open", "expired", "not_yet_open", "validity_unknown"]
    eligible: Eligible
    amount_jpy: int | None
    sure_jpy: int | None
    possible_jpy: int | None
    cap_jpy: int | None
    up_to: bool
    land_part_jpy: int | None
    formula: Message | None
    reasons: tuple[Reason, ...]
    parts: tuple[PartResult, ...]
    steps: tuple[StepResult, ...] = ()
    amount_cites: tuple[Cite, ...] = ()
    open_parts: tuple[str, ...] = ()
    """Parts that may apply but whose amount cannot be computed (left out of possible_jpy)."""

    @property
    def id(self) -> str:
        """The programme id (the rule file's name)."""
        return self.rule.id

    @property
    def issuer(self) -> str:
        """``city``, ``prefecture`` or ``national``."""
        return self.rule.issuer

    @property
    def kind(self) -> str:
        """``cash``, ``tax``, ``loan`` or ``certification``; only cash is added up."""
        return self.rule.kind

    @property
    def name_en(self) -> str:
        """The programme's English name."""
        return self.rule.name.en

    @property
    def name_ja(self) -> str:
        """The programme's Japanese name."""
        return self.rule.name.ja

    @property
    def formula_en(self) -> str:
        """The formula with the figures filled in (or the benefit of a non-cash measure)."""
        if self.formula is None:
            return self.rule.benefit.en if self.rule.benefit is not None else ""
        return self.formula.english()

    def formula_text(self, lang: str = "en", render: Renderer = english) -> str:
        """Return the formula (or the benefit of a non-cash measure) in one language."""
        if self.formula is None:
            return self.rule.benefit.in_lang(lang) if self.rule.benefit is not None else ""
        return render(self.formula, lang)

    def to_dict(self, lang: str = "en", render: Renderer = english) -> dict[str, Any]:
        """Return the programme result as JSON data in one language.

        Every reason carries ``source`` and ``tier``; every amount the sources of the
        figures it uses (``amount_sources``, ``components[].sources``) and the weakest
        tier among them (``amount_tier``).
        """
        rule = self.rule
        out: dict[str, Any] = {
            "id": rule.id,
            "issuer": rule.issuer,
            "name": rule.name.in_lang(lang),
            "names": {"ja": rule.name.ja, "en": rule.name.en},
            "kind": "cash" if rule.kind == "cash" else rule.kind,
            "status": self.status,
            "eligible": self.eligible,
            "amount_jpy": self.amount_jpy,
            "sure_jpy": self.sure_jpy,
            "possible_jpy": self.possible_jpy,
            "possible_amount_unknown_parts": list(self.open_parts),
            "cap_jpy": self.cap_jpy,
            "up_to": self.up_to,
            "land_part_jpy": self.land_part_jpy,
            "amount_sources": _cites(self.amount_cites, lang),
            "amount_tier": weakest_tier(self.amount_cites),
            "reasons": [r.to_dict(lang, render) for r in self.reasons],
            "formula": self.formula_text(lang, render),
            "components": [p.to_dict(lang, render) for p in self.parts],
            "steps": [s.to_dict(lang, render) for s in self.steps],
            "validity": rule.validity.text.in_lang(lang),
            "validity_source": rule.validity.cite.to_dict(lang),
            "caveats": [c.in_lang(lang) for c in rule.caveats],
            "sources": [
                {
                    "url": s.url,
                    "title": s.title.in_lang(lang),
                    "tier": s.tier,
                    "source_date": s.date,
                    "date_note": None if s.date_note is None else s.date_note.in_lang(lang),
                }
                for s in rule.sources
            ],
            "contact": rule.contact.to_dict(lang),
            "checked_on": rule.checked_on.isoformat(),
        }
        if rule.benefit is not None and rule.benefit_cite is not None:
            out["benefit"] = rule.benefit.in_lang(lang)
            out["benefit_source"] = rule.benefit_cite.to_dict(lang)
            out["benefit_tier"] = rule.benefit_cite.source.tier
        return out


@dataclass(frozen=True)
class GrantReport:
    """All programmes evaluated for one firm on one site, with totals, steps and land cost."""

    as_of: date
    site: Site
    programmes: tuple[GrantResult, ...]
    stacking: Stacking
    operational_by: date | None = None

    def programme(self, programme_id: str) -> GrantResult:
        """Return one programme's result by id.

        Raises
        ------
        KeyError
            If the report has no such programme.
        """
        for result in self.programmes:
            if result.id == programme_id:
                return result
        msg = f"no grant programme {programme_id!r} in this report"
        raise KeyError(msg)

    @property
    def steps(self) -> tuple[StepResult, ...]:
        """Every step of the programmes that may apply, dated ones first by date."""
        found = [s for p in self.programmes for s in p.steps]
        return tuple(sorted(found, key=lambda s: (s.due is None, s.due or date.max)))

    def totals(self) -> dict[str, Any]:
        """Return cash totals per issuer: what is sure apart from what is possible.

        ``sure_jpy`` (also ``cash_jpy``) counts programmes that are eligible with a known
        amount; ``possible_jpy`` adds what could come if every open question (the city's
        discretion, facts the profile cannot give) were answered yes, as far as amounts are
        known; programmes whose amount is unknown are listed by id beside the figures.
        """
        out: dict[str, Any] = {}
        for issuer in ISSUERS:
            cash = [p for p in self.programmes if p.issuer == issuer and p.kind == "cash"]
            counted = [p for p in cash if p.eligible is True and p.sure_jpy is not None]
            maybe = [p for p in cash if p.eligible is not False]
            sure = sum(p.sure_jpy or 0 for p in counted)
            out[issuer] = {
                "cash_jpy": sure,
                "sure_jpy": sure,
                "possible_jpy": sum(p.possible_jpy or 0 for p in maybe),
                "up_to": any(p.up_to for p in maybe),
                "counted": [p.id for p in counted],
                "possible_from": [p.id for p in maybe if p.possible_jpy],
                "tier": weakest_tier(c for p in maybe for c in p.amount_cites),
                "amount_unknown": [p.id for p in cash if p.eligible is True and p.sure_jpy is None],
                "possible_unknown": [p.id for p in maybe if p.possible_jpy is None],
                "eligibility_unknown": [
                    {"id": p.id, "amount_jpy": p.amount_jpy} for p in cash if p.eligible is None
                ],
            }
        label = self.stacking.label
        out["if_combinable"] = {
            "label": label.en,
            "label_ja": label.ja,
            "combinable": self.stacking.combinable,
            "cash_jpy": out["city"]["sure_jpy"] + out["prefecture"]["sure_jpy"],
            "sure_jpy": out["city"]["sure_jpy"] + out["prefecture"]["sure_jpy"],
            "possible_jpy": out["city"]["possible_jpy"] + out["prefecture"]["possible_jpy"],
            "up_to": out["city"]["up_to"] or out["prefecture"]["up_to"],
            "tier": weakest_tier(
                c
                for p in self.programmes
                if p.issuer in ("city", "prefecture")
                and p.kind == "cash"
                and p.eligible is not False
                for c in p.amount_cites
            ),
        }
        out["non_cash_benefits"] = [
            p.id for p in self.programmes if p.kind != "cash" and p.eligible is not False
        ]
        out["expired"] = [p.id for p in self.programmes if p.status == "expired"]
        return out

    def land_parts(self) -> tuple[dict[str, int], list[str]]:
        """Return the land part of the eligible cash grants per issuer, and whose is unknown."""
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
        return parts, unknown

    def net_land_cost(self, render: Renderer = english) -> dict[str, Any]:
        """Return price × area minus the land part of the eligible cash grants (see
        :func:`net_land_cost`)."""
        parts, unknown = self.land_parts()
        return net_land_cost(self.site, parts, unknown, self.stacking, render)

    def to_dict(self, lang: str = "en", render: Renderer = english) -> dict[str, Any]:
        """Return the report as JSON data in one language.

        Keys: ``as_of``, ``site``, ``programmes`` (:meth:`GrantResult.to_dict`), ``totals``
        (sure and possible apart), ``net_land_cost``, ``steps`` (every step with its date
        where ``operational_by`` gives one), ``stacking``.
        """
        net = self.net_land_cost(render)
        if not net["known"]:
            net["reason"] = net["reason_ja"] if lang == "ja" else net["reason"]
        stacking = self.stacking
        return {
            "as_of": self.as_of.isoformat(),
            "operational_by": None
            if self.operational_by is None
            else self.operational_by.isoformat(),
            "site": self.site.to_dict(),
            "programmes": [p.to_dict(lang, render) for p in self.programmes],
            "totals": self.totals(),
            "net_land_cost": net,
            "steps": [s.to_dict(lang, render) for s in self.steps],
            "stacking": {
                "city_and_prefecture_combinable": stacking.combinable,
                "note": stacking.note.in_lang(lang),
                "inferred": stacking.inferred,
                "sources": list(stacking.sources),
            },
        }


def net_land_cost(
    site: Site,
    land_grants: Mapping[str, int],
    land_part_unknown: list[str],
    stacking: Stacking,
    render: Renderer = english,
) -> dict[str, Any]:
    """Return price × area minus the land part of the eligible cash grants.

    Given per issuer alone and, under the if-combinable label, for both; as yen and as
    effective yen per m². Where the lot's price or area is unknown, says why.
    """
    land_cost = site.land_cost_jpy
    if land_cost is None:
        why = (
            Message("Net land cost is computed per lot; a park or a point has no single area")
            if site.lot_id is None
            else Message("No sale price is public for this lot")
        )
        return {
            "known": False,
            "reason": render(why, "en"),
            "reason_ja": render(why, "ja"),
            "land_cost_jpy": None,
        }
    area = float(site.area_m2 or 0)

    def net(grant: int) -> dict[str, Any]:
        value = land_cost - grant
        return {"net_jpy": value, "effective_per_m2": round(value / area, 1)}

    city, pref = land_grants.get("city", 0), land_grants.get("prefecture", 0)
    return {
        "known": True,
        "land_cost_jpy": land_cost,
        "area_m2": area,
        "price_per_m2": site.price_per_m2,
        "land_grants_jpy": {"city": city, "prefecture": pref},
        "land_part_unknown": list(land_part_unknown),
        "city_only": net(city),
        "prefecture_only": net(pref),
        "if_combinable": {**net(city + pref), "label": stacking.label.en},
    }
