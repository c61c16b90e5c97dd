"""The generic grant evaluator: a firm profile and a site against every programme's rule file.

No programme has code of its own; the rule files (``parks/grants/rules/*.yaml``) say what
each programme needs and pays. The rules implemented, with the figures and their sources in
the rule files:

* a condition is met, failed or **unknown**: unknown when the city decides at its discretion
  (an area or industry "the mayor specially recognises"), when the profile cannot answer, or
  when the source does not publish the answer -- never turned into "no". An unknown reason
  quotes the source and names the office to ask;
* a term is ``floor(rate % × sum of its cost items)``; a track's amount is the larger of its
  alternative formulas plus ``per-head amount × head count``, then ``min(cap)``;
* a part (investment grant, new-hire grant) takes its best track: eligible beats unknown
  beats not eligible, and among equals the larger known amount;
* a programme is eligible as its first part; later parts count only when eligible too; a
  programme whose validity ended before the as-of date is ``expired``;
* ``sure_jpy`` is what an eligible programme pays on the published rates; ``possible_jpy``
  adds what unknown conditions could add (tracks or parts that may apply), so both show apart;
* tax measures, loans and certifications are listed with their benefit, never added to cash;
* a programme's steps (prior approval, claims) are listed with a date where the profile's
  ``operational_by`` gives one (e.g. the new-hire claim within one year of operation).

Land part (for the net land cost): the terms of the applied formula whose cost items include
``land``; when a cap binds, the land part is scaled down by ``capped ÷ uncapped``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from parks.grants.report import (
    Eligible,
    GrantReport,
    GrantResult,
    PartResult,
    Reason,
    Status,
    StepResult,
    TrackResult,
)
from parks.grants.rules import (
    Cite,
    Condition,
    Contact,
    GrantRule,
    GrantRules,
    Part,
    Step,
    Term,
    Text,
    Track,
    load_rules,
)
from parks.grants.sites import Site
from parks.messages import N_, Message, Name
from parks.profile import COST_ITEMS, FirmProfile

_RANK = {True: 2, None: 1, False: 0}


def _and(*values: Eligible) -> Eligible:
    """Three-valued AND: any False is False, else any unknown is unknown."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _eligible(statuses: Iterable[Status]) -> Eligible:
    return _and(*({"met": True, "failed": False, "unknown": None}[s] for s in statuses))


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class _Inputs:
    """The profile's figures as the rules see them (land from the lot price if not given)."""

    profile: FirmProfile
    site: Site
    rules: GrantRules
    costs: Mapping[str, int | None]
    land_from_site: bool
    explain: bool


def _inputs(profile: FirmProfile, site: Site, rules: GrantRules, *, explain: bool) -> _Inputs:
    """Read the cost items the rules use.

    With no ``investment_jpy`` at all every cost is unknown. Within a given
    ``investment_jpy``, an omitted land cost is taken from the lot's price × area where known
    (as the schema says) and is otherwise unknown; any other omitted item is not part of the
    project (0), as in the hand-worked scenarios (``shared/scenarios``).
    """
    given = {k: profile.investment.item(k) for k in COST_ITEMS}
    any_given = any(v is not None for v in given.values())
    costs = {
        k: (v if v is not None or k == "land" or not any_given else 0) for k, v in given.items()
    }
    land_from_site = costs["land"] is None and site.land_cost_jpy is not None
    if land_from_site:
        costs["land"] = site.land_cost_jpy
    return _Inputs(profile, site, rules, costs, land_from_site, explain)


def _office(contact: Contact) -> Name:
    """The office to ask, with its phone number, as a message parameter."""
    phone = f" ({contact.phone})" if contact.phone else ""
    return Name("contact", contact.key, ja=contact.name.ja + phone, en=contact.name.en + phone)


def _items(x: _Inputs, items: Iterable[str]) -> list[Name]:
    return [x.rules.label("cost_item", i) for i in items]


# --------------------------------------------------------------------------- conditions

Lazy = Callable[[], Message]


def _reason(
    x: _Inputs,
    cond: Condition,
    status: Status,
    message: Lazy,
    figures: Mapping[str, Any] | None = None,
    *,
    contact: Contact | None = None,
) -> Reason:
    """Build a reason; its sentence only when explaining (ranking needs numbers only)."""
    if not x.explain:
        return Reason(cond.type, status, None)
    return Reason(
        condition=cond.type,
        status=status,
        message=message(),
        cite=cond.cite,
        figures=dict(figures or {}),
        ask=contact if status == "unknown" else None,
    )


def _ask(subject: Message, why: str, cite: Cite, contact: Contact) -> Message:
    """Say why a condition is unknown, quote the source where it has words, and who to ask."""
    office = _office(contact)
    quote = cite.quote
    if why == "discretion":
        if quote is None:
            return Message(
                "%(subject)s -- the city decides this at its discretion. Ask %(office)s.",
                {"subject": subject, "office": office},
            )
        return Message(
            "%(subject)s -- the city decides this at its discretion. The source says: "
            "“%(quote)s” Ask %(office)s.",
            {"subject": subject, "quote": quote.name("quote", cite.source.key), "office": office},
        )
    if why == "not_in_profile":
        if quote is None:
            return Message(
                "%(subject)s -- the firm profile cannot tell. Ask %(office)s.",
                {"subject": subject, "office": office},
            )
        return Message(
            "%(subject)s -- the firm profile cannot tell. The source says: “%(quote)s” "
            "Ask %(office)s.",
            {"subject": subject, "quote": quote.name("quote", cite.source.key), "office": office},
        )
    if quote is None:
        return Message(
            "%(subject)s -- the sources do not settle this. Ask %(office)s.",
            {"subject": subject, "office": office},
        )
    return Message(
        "%(subject)s -- the sources do not settle this. The source says: “%(quote)s” "
        "Ask %(office)s.",
        {"subject": subject, "quote": quote.name("quote", cite.source.key), "office": office},
    )


def _choice_subject(kind: str) -> Message:
    if kind == "industry":
        return Message("The industry")
    if kind == "project":
        return Message("The kind of project")
    return Message("Where the firm comes from")


def _whether(kind: str, shown: Name) -> Message:
    if kind == "industry":
        return Message("Whether the industry (%(value)s) qualifies", {"value": shown})
    if kind == "project":
        return Message("Whether the kind of project (%(value)s) qualifies", {"value": shown})
    return Message("Whether the firm's origin (%(value)s) qualifies", {"value": shown})


def _check_choice(cond: Condition, x: _Inputs, contact: Contact) -> Reason:
    """Industry, project or origin: in the list, asked (unknown) or not (failed)."""
    kind = cond.type
    value = str(getattr(x.profile, kind))
    allowed = list(cond.get("in", []))
    ask = cond.get("ask", [])
    named = [x.rules.label(kind, v) for v in [*allowed, *(ask if isinstance(ask, list) else [])]]
    shown = x.rules.label(kind, value)
    figures = {kind: value, "in": allowed, "ask": ask}

    def what() -> Message:
        return _choice_subject(kind)

    if value in allowed:
        return _reason(
            x,
            cond,
            "met",
            lambda: Message("%(what)s (%(value)s) qualifies", {"what": what(), "value": shown}),
            figures,
        )
    if ask == "others" or value in ask:
        why = str(cond.get("ask_reason", "discretion"))
        return _reason(
            x,
            cond,
            "unknown",
            lambda: _ask(_whether(kind, shown), why, cond.cite, contact),
            {**figures, "ask_reason": why},
            contact=contact,
        )
    return _reason(
        x,
        cond,
        "failed",
        lambda: Message(
            "%(what)s (%(value)s) does not qualify (the source covers %(named)s)",
            {"what": what(), "value": shown, "named": named},
        ),
        figures,
    )


def _check_hq(cond: Condition, x: _Inputs, contact: Contact) -> Reason:  # noqa: ARG001
    if x.profile.hq_functions:
        return _reason(
            x,
            cond,
            "met",
            lambda: Message("The project moves or expands head-office functions"),
        )
    alt = list(cond.get("or_industries", []))
    if x.profile.industry in alt:
        name = x.rules.label("industry", x.profile.industry)
        return _reason(
            x,
            cond,
            "met",
            lambda: Message("%(industry)s counts as a higher-order function", {"industry": name}),
        )
    return _reason(
        x,
        cond,
        "failed",
        lambda: Message(
            "Needs head-office functions (本社機能); the profile says the project has none"
        ),
    )


def _check_zone(cond: Condition, x: _Inputs, contact: Contact) -> Reason:
    kinds = list(cond.get("kinds", []))
    inside = [k for k in kinds if k in x.site.zone_kinds]
    if inside:
        kind = inside[0]
        approx = x.site.approx_note(kind)
        zone = x.rules.label("zone_kind", kind)
        figures = {"zone_kind": kind, "approximate": bool(approx)}
        if approx:
            figures["approx_note"] = approx
            return _reason(
                x,
                cond,
                "met",
                lambda: Message(
                    "The site lies in the %(zone)s (its outline here is approximate)",
                    {"zone": zone},
                ),
                figures,
            )
        return _reason(
            x,
            cond,
            "met",
            lambda: Message("The site lies in the %(zone)s", {"zone": zone}),
            figures,
        )
    zones = [x.rules.label("zone_kind", k) for k in kinds]
    outside = Message("The site lies outside the %(zones)s", {"zones": zones})
    if cond.get("outside") == "ask":
        why = str(cond.get("ask_reason", "discretion"))
        return _reason(
            x,
            cond,
            "unknown",
            lambda: _ask(outside, why, cond.cite, contact),
            {"zone_kinds": kinds, "ask_reason": why},
            contact=contact,
        )
    return _reason(x, cond, "failed", lambda: outside, {"zone_kinds": kinds})


def _check_zoning(cond: Condition, x: _Inputs, contact: Contact) -> Reason:
    allowed = [Text(ja=t["ja"], en=t["en"]) for t in cond.get("in", [])]
    names = [t.name("zoning", t.ja) for t in allowed]
    zoning = x.site.zoning
    if zoning is None:
        return _reason(
            x,
            cond,
            "unknown",
            lambda: Message(
                "Needs a site zoned %(allowed)s; the zoning (用途地域) of this site is not known. "
                "Ask %(office)s.",
                {"allowed": names, "office": _office(contact)},
            ),
            {"zoning": None, "allowed": [t.ja for t in allowed]},
            contact=contact,
        )
    match = next((t for t in allowed if t.ja == zoning), None)
    shown = (match or Text(ja=zoning, en=zoning)).name("zoning", zoning)
    figures = {"zoning": zoning, "allowed": [t.ja for t in allowed]}
    if match is not None:
        return _reason(
            x,
            cond,
            "met",
            lambda: Message("The site is zoned %(zoning)s", {"zoning": shown}),
            figures,
        )
    return _reason(
        x,
        cond,
        "failed",
        lambda: Message(
            "The site is zoned %(zoning)s; it needs %(allowed)s",
            {"zoning": shown, "allowed": names},
        ),
        figures,
    )


def _check_park(cond: Condition, x: _Inputs, contact: Contact) -> Reason:  # noqa: ARG001
    parks = cond.get("parks")
    park_id = x.site.park_id
    name = x.site.park_name
    here = None if name is None else name.name("park", str(park_id))
    if parks is None:
        if park_id is not None:
            return _reason(
                x,
                cond,
                "met",
                (lambda: Message("The site is in a park the city built (%(park)s)", {"park": here}))
                if here is not None
                else (lambda: Message("The site is in a park the city built")),
                {"park_id": park_id},
            )
        return _reason(
            x,
            cond,
            "failed",
            lambda: Message("The site is not in a park the city built"),
            {"park_id": None},
        )
    ids = [p["id"] for p in parks]
    names = [Text(ja=p["name"]["ja"], en=p["name"]["en"]).name("park", p["id"]) for p in parks]
    if park_id in ids:
        inside = names[ids.index(park_id)]
        return _reason(
            x,
            cond,
            "met",
            lambda: Message("The site is in %(park)s", {"park": inside}),
            {"park_id": park_id},
        )
    return _reason(
        x,
        cond,
        "failed",
        lambda: Message("Applies only in %(parks)s", {"parks": names}),
        {"park_id": park_id, "parks": ids},
    )


def _required(minimum: int, *, strict: bool, money: bool) -> Message:
    if money:
        if strict:
            return Message("more than ¥%(amount)s", {"amount": minimum})
        return Message("at least ¥%(amount)s", {"amount": minimum})
    if strict:
        return Message("more than %(count)s", {"count": minimum})
    return Message("at least %(count)s", {"count": minimum})


def _threshold(
    cond: Condition,
    x: _Inputs,
    contact: Contact,
    *,
    value: int | None,
    complete: bool,
    minimum: int,
    lower: int | None,
    what: Message,
    money: bool,
) -> Reason:
    """Compare a figure with a (possibly strict) minimum, and a lower minimum for SMEs."""
    strict = bool(cond.get("strict", False))
    inferred = cond.cite.inferred
    figures: dict[str, Any] = {
        "value": value,
        "required": minimum,
        "op": ">" if strict else ">=",
        "complete": complete,
    }
    if lower is not None:
        figures["sme_required"] = lower
    if inferred:
        figures["inferred"] = True

    def passes(v: int, m: int) -> bool:
        return v > m if strict else v >= m

    def required() -> Message:
        return _required(minimum, strict=strict, money=money)

    def shown(v: int) -> Message | int:
        if money:
            return Message("¥%(amount)s", {"amount": v})
        return v

    if value is not None and complete and passes(value, minimum):
        return _reason(
            x,
            cond,
            "met",
            lambda: Message(
                "%(what)s: %(value)s (needs %(required)s)",
                {"what": what, "value": shown(value), "required": required()},
            ),
            figures,
        )
    if value is None or not complete:
        if value is not None and passes(value, minimum):
            # the known part alone passes: more items can only add
            return _reason(
                x,
                cond,
                "met",
                lambda: Message(
                    "%(what)s: %(value)s (needs %(required)s)",
                    {"what": what, "value": shown(value), "required": required()},
                ),
                figures,
            )
        if value is None:
            return _reason(
                x,
                cond,
                "unknown",
                lambda: Message(
                    "%(what)s: not given (needs %(required)s)",
                    {"what": what, "required": required()},
                ),
                figures,
            )
        return _reason(
            x,
            cond,
            "unknown",
            lambda: Message(
                "%(what)s: only partly given, %(value)s known (needs %(required)s)",
                {"what": what, "value": shown(value), "required": required()},
            ),
            figures,
        )
    if lower is not None and passes(value, lower):
        return _reason(
            x,
            cond,
            "unknown",
            lambda: Message(
                "%(what)s: %(value)s, short of %(required)s but enough for a small or "
                "medium-sized firm (%(lower)s); the profile does not say which the firm is. "
                "Ask %(office)s.",
                {
                    "what": what,
                    "value": shown(value),
                    "required": required(),
                    "lower": _required(lower, strict=strict, money=money),
                    "office": _office(contact),
                },
            ),
            figures,
            contact=contact,
        )
    if inferred:
        return _reason(
            x,
            cond,
            "unknown",
            lambda: Message(
                "%(what)s: %(value)s, short of %(required)s -- a threshold we infer, not one "
                "the source states for this grant. Ask %(office)s.",
                {
                    "what": what,
                    "value": shown(value),
                    "required": required(),
                    "office": _office(contact),
                },
            ),
            figures,
            contact=contact,
        )
    return _reason(
        x,
        cond,
        "failed",
        lambda: Message(
            "%(what)s: %(value)s, short of %(required)s",
            {"what": what, "value": shown(value), "required": required()},
        ),
        figures,
    )


def _check_min_investment(cond: Condition, x: _Inputs, contact: Contact) -> Reason:
    items = list(cond.get("items", []))
    values = [x.costs[i] for i in items]
    known = [v for v in values if v is not None]
    value = sum(known) if known else None
    if x.land_from_site and "land" in items:
        what = Message(
            "Investment in %(items)s (land = lot price × area)", {"items": _items(x, items)}
        )
    else:
        what = Message("Investment in %(items)s", {"items": _items(x, items)})
    return _threshold(
        cond,
        x,
        contact,
        value=value,
        complete=len(known) == len(values),
        minimum=int(cond.get("min_jpy")),
        lower=cond.get("sme_min_jpy"),
        what=what,
        money=True,
    )


def _check_min_count(cond: Condition, x: _Inputs, contact: Contact) -> Reason:
    name = str(cond.get("field"))
    value = x.profile.count(name)
    what = Message("Number of %(count_of)s", {"count_of": x.rules.label("count", name)})
    return _threshold(
        cond,
        x,
        contact,
        value=value,
        complete=value is not None,
        minimum=int(cond.get("min")),
        lower=cond.get("sme_min"),
        what=what,
        money=False,
    )


def _check_ask(cond: Condition, x: _Inputs, contact: Contact) -> Reason:
    text = Text(ja=cond.get("text")["ja"], en=cond.get("text")["en"])
    why = str(cond.get("reason"))
    return _reason(
        x,
        cond,
        "unknown",
        lambda: _ask(
            Message(
                "Requirement: %(requirement)s", {"requirement": text.name("requirement", cond.type)}
            ),
            why,
            cond.cite,
            contact,
        ),
        {"ask_reason": why},
        contact=contact,
    )


_CHECKERS: dict[str, Callable[[Condition, _Inputs, Contact], Reason]] = {
    "industry": _check_choice,
    "project": _check_choice,
    "origin": _check_choice,
    "hq_functions": _check_hq,
    "zone": _check_zone,
    "zoning": _check_zoning,
    "park": _check_park,
    "min_investment": _check_min_investment,
    "min_count": _check_min_count,
    "ask": _check_ask,
}


def _check(cond: Condition, x: _Inputs, contact: Contact) -> Reason:
    """Evaluate one condition against the firm and the site."""
    return _CHECKERS[cond.type](cond, x, contact)


# --------------------------------------------------------------------------- amounts


@dataclass(frozen=True)
class _Figure:
    """A formula's result: amount and land part (None = unknown) and its explanation."""

    amount: int | None
    land: int | None
    formula: Message | None


def _term(term: Term, x: _Inputs) -> _Figure:
    """Return ``floor(rate × sum(items))`` and its land part."""
    values = [x.costs[i] for i in term.items]
    items = _items(x, term.items) if x.explain else []
    if term.rate_pct is None:
        return _Figure(
            None,
            None,
            Message("rate not published (%(items)s)", {"items": items}) if x.explain else None,
        )
    if any(v is None for v in values):
        missing = [i for i, v in zip(term.items, values, strict=True) if v is None]
        return _Figure(
            None,
            None,
            Message(
                "%(rate)s%% of %(items)s (%(missing)s not given)",
                {"rate": term.rate_pct, "items": items, "missing": _items(x, missing)},
            )
            if x.explain
            else None,
        )
    base = sum(v for v in values if v is not None)
    rate = Fraction(str(term.rate_pct)) / 100
    amount = int(rate * base)  # floor: a rate 以内 is a ceiling
    land_cost = x.costs["land"]
    land = int(rate * land_cost) if "land" in term.items and land_cost else 0
    return _Figure(
        amount,
        land,
        Message(
            "%(rate)s%% of ¥%(base)s (%(items)s)",
            {"rate": term.rate_pct, "base": base, "items": items},
        )
        if x.explain
        else None,
    )


def _join(messages: list[Message], msgid: str) -> Message:
    """Join messages pairwise with a catalog pattern (``%(left)s + %(right)s``)."""
    out = messages[0]
    for nxt in messages[1:]:
        out = Message(msgid, {"left": out, "right": nxt})
    return out


def _plus(messages: list[Message]) -> Message:
    return _join(messages, N_("%(left)s + %(right)s"))


def _formula(terms: tuple[Term, ...], x: _Inputs) -> _Figure:
    figs = [_term(t, x) for t in terms]
    amounts = [f.amount for f in figs]
    explained = _plus([f.formula for f in figs if f.formula is not None]) if x.explain else None
    if any(a is None for a in amounts):
        return _Figure(None, None, explained)
    total = sum(a or 0 for a in amounts)
    land = sum(f.land or 0 for f in figs)
    if explained is not None and len(figs) > 1:
        explained = Message("%(expr)s = ¥%(amount)s", {"expr": explained, "amount": total})
    return _Figure(total, land, explained)


def _track(track: Track, x: _Inputs, contact: Contact) -> TrackResult:
    reasons = tuple(_check(c, x, contact) for c in track.conditions)
    if x.explain:
        reasons = tuple(
            Reason(r.condition, r.status, r.message, r.cite, r.figures, r.ask, track.name)
            for r in reasons
        )
    eligible = _eligible(r.status for r in reasons)
    cites: list[Cite] = []
    invest: int | None = 0
    land: int | None = 0
    lower = 0  # what is known for sure when the exact amount is not
    pieces: list[Message] = []
    if track.rate_unknown is not None:
        invest, land = None, None
        cites.append(track.rate_unknown)
        if x.explain:
            pieces.append(Message("amount not published"))
    elif track.formulas:
        figs = [_formula(f, x) for f in track.formulas]
        cites += [t.cite for f in track.formulas for t in f]
        if len(figs) == 1:
            invest, land = figs[0].amount, figs[0].land
            lower = invest or 0
        elif any(f.amount is None for f in figs):
            invest, land = None, None
            lower = max((f.amount for f in figs if f.amount is not None), default=0)
        else:
            best = max(figs, key=lambda f: f.amount or 0)
            invest, land = best.amount, best.land
        if x.explain:
            explained = [f.formula for f in figs if f.formula is not None]
            pieces.append(
                explained[0]
                if len(explained) == 1
                else _join(explained, N_("the larger of %(left)s and %(right)s"))
            )
    if track.per_hire is not None:
        per_hire = track.per_hire
        cites.append(per_hire.amount.cite)
        count = x.profile.count(per_hire.count)
        per = per_hire.amount.jpy
        who = x.rules.label("count", per_hire.count)
        if count is None or per is None:
            lower = invest if invest is not None else lower
            invest = None
            if x.explain:
                if per is None:
                    pieces.append(
                        Message("%(who)s × an amount per head not published", {"who": who})
                    )
                else:
                    pieces.append(
                        Message("%(who)s (not given) × ¥%(per)s", {"who": who, "per": per})
                    )
        else:
            hire = count * per
            invest = None if invest is None else invest + hire
            lower += hire
            if x.explain:
                pieces.append(
                    Message(
                        "%(count)s %(who)s × ¥%(per)s = ¥%(amount)s",
                        {"count": count, "who": who, "per": per, "amount": hire},
                    )
                )
    uncapped = invest
    amount = uncapped
    cap = track.cap.jpy if track.cap is not None else None
    if track.cap is not None:
        cites.append(track.cap.cite)
    capped = False
    reached = False
    if amount is not None and cap is not None and amount > cap:
        amount, capped = cap, True
    if amount is not None and land is not None and uncapped:
        land = land * amount // uncapped
    elif amount is None:
        land = None
        if cap is not None and track.rate_unknown is None and lower >= cap:
            # the known part alone reaches the cap, so the unknown rest cannot change it
            amount, reached = cap, True
    formula = None
    if x.explain:
        expr = _plus(pieces) if pieces else Message("no amount")
        if len(pieces) > 1 and uncapped is not None:
            expr = Message("%(expr)s = ¥%(amount)s", {"expr": expr, "amount": uncapped})
        if capped:
            expr = Message("%(expr)s → capped at ¥%(cap)s", {"expr": expr, "cap": cap})
        elif reached:
            expr = Message(
                "%(expr)s → the known part ¥%(known)s alone reaches the cap of ¥%(cap)s",
                {"expr": expr, "known": lower, "cap": cap},
            )
        elif cap is not None:
            expr = Message("%(expr)s, within the cap of ¥%(cap)s", {"expr": expr, "cap": cap})
        if track.up_to:
            expr = Message("%(expr)s (a maximum: the source says 以内)", {"expr": expr})
        formula = Message(
            "%(track)s: %(expr)s", {"track": track.name.name("track", track.key), "expr": expr}
        )
    return TrackResult(
        key=track.key,
        name=track.name,
        cite=track.cite,
        eligible=eligible,
        amount_jpy=amount,
        uncapped_jpy=uncapped,
        cap_jpy=cap,
        up_to=track.up_to,
        land_part_jpy=land,
        formula=formula,
        reasons=reasons,
        amount_cites=tuple(cites),
        open_ended=track.rate_unknown is not None,
    )


def _part(part: Part, x: _Inputs, done: Mapping[str, PartResult], contact: Contact) -> PartResult:
    tracks = tuple(_track(t, x, contact) for t in part.tracks)
    own = max((t.eligible for t in tracks), key=lambda e: _RANK[e])
    best = own
    extra: tuple[Reason, ...] = ()
    if part.requires_part is not None and part.requires_part in done:
        needed = done[part.requires_part]
        status: Status = {True: "met", False: "failed", None: "unknown"}[needed.eligible]  # type: ignore[assignment]
        if x.explain:
            other = needed.name.name("part", needed.key)
            message = {
                "met": Message("Given with the %(part)s, which applies", {"part": other}),
                "failed": Message(
                    "Given only with the %(part)s, which does not apply", {"part": other}
                ),
                "unknown": Message(
                    "Given only with the %(part)s, which may apply", {"part": other}
                ),
            }[status]
            extra = (Reason("requires_part", status, message, part.requires_cite),)
        else:
            extra = (Reason("requires_part", status, None),)
        best = _and(own, needed.eligible)
    if best is False:
        caps = [t.cap_jpy for t in tracks]
        cap = None if any(c is None for c in caps) else max(c or 0 for c in caps)
        return PartResult(part.key, part.name, False, 0, cap, None, tracks, extra, 0, 0)
    candidates = [t for t in tracks if _RANK[t.eligible] == _RANK[own]]
    known = [t for t in candidates if t.amount_jpy is not None]
    unknown_amount = [t for t in candidates if t.amount_jpy is None]
    if own is True and unknown_amount:
        chosen = unknown_amount[0]
    elif known:
        # the larger amount; on a tie, the category with fewer open questions
        chosen = max(
            known,
            key=lambda t: (t.amount_jpy or 0, -sum(r.status == "unknown" for r in t.reasons)),
        )
    else:
        chosen = unknown_amount[0]
    sure: int | None = chosen.amount_jpy if best is True else 0
    maybe = [t for t in tracks if t.eligible is not False]
    bounded = [t.amount_jpy for t in maybe if t.amount_jpy is not None]
    if best is True and sure is None:
        possible: int | None = None
    elif bounded:
        possible = max(bounded)
    elif maybe:
        possible = None
    else:
        possible = 0
    return PartResult(
        part.key,
        part.name,
        best,
        chosen.amount_jpy,
        chosen.cap_jpy,
        chosen,
        tracks,
        extra,
        sure,
        possible,
    )


def _part_reasons(part: PartResult) -> list[Reason]:
    """Return the reasons worth showing: the applied track's, and why others fail or may apply.

    Tracks for another industry are left out unless no track covers the firm's industry;
    when the part applies, only other tracks that may pay more are explained.
    """
    relevant = [
        t
        for t in part.tracks
        if not any(r.condition == "industry" and r.status == "failed" for r in t.reasons)
    ]
    out: list[Reason] = []
    named = False
    if part.chosen is not None:
        out += list(part.chosen.reasons)
        named = any(r.condition == "industry" and r.status == "met" for r in part.chosen.reasons)
    for track in relevant or list(part.tracks[:1]):
        if track is part.chosen:
            continue
        if named and any(
            r.condition == "industry" and r.status == "unknown" for r in track.reasons
        ):
            continue  # the firm's industry has a category of its own; others would only ask
        if part.eligible is True and not (
            track.eligible is None
            and track.amount_jpy is not None
            and track.amount_jpy > (part.amount_jpy or 0)
        ):
            continue
        out += [r for r in track.reasons if r.status != "met" or track.eligible is None]
    return _unique([*out, *part.reasons])


def _unique(reasons: Iterable[Reason]) -> list[Reason]:
    """Drop repeated sentences (the same condition shared by several tracks)."""
    seen: list[tuple[str, str, Message | None]] = []
    out = []
    for r in reasons:
        key = (r.condition, r.status, r.message)
        if key not in seen:
            seen.append(key)
            out.append(r)
    return out


def _validity(rule: GrantRule, as_of: date, x: _Inputs) -> tuple[str, Reason | None]:
    v = rule.validity
    period = v.text.name("period", rule.id)

    def reason(status: Status, message: Lazy, figures: Mapping[str, Any]) -> Reason:
        if not x.explain:
            return Reason("validity", status, None)
        return Reason("validity", status, message(), v.cite, dict(figures))

    if v.end is not None and v.end < as_of:
        return "expired", reason(
            "failed",
            (
                lambda: Message(
                    "Closed: applications ended on %(end)s as far as the sources show (%(period)s)",
                    {"end": v.end, "period": period},
                )
            )
            if v.end_inferred
            else (
                lambda: Message(
                    "Closed: applications ended on %(end)s (%(period)s)",
                    {"end": v.end, "period": period},
                )
            ),
            {"end": v.end.isoformat(), "as_of": as_of.isoformat(), "inferred": v.end_inferred},
        )
    if v.start is not None and v.start > as_of:
        return "not_yet_open", reason(
            "failed",
            lambda: Message(
                "Opens on %(start)s (%(period)s)", {"start": v.start, "period": period}
            ),
            {"start": v.start.isoformat()},
        )
    if v.start is None and v.end is None:
        if v.standing:
            return "open", reason(
                "met", lambda: Message("Standing programme (%(period)s)", {"period": period}), {}
            )
        return "validity_unknown", None
    return "open", reason(
        "met",
        lambda: Message("Open on %(as_of)s (%(period)s)", {"as_of": as_of, "period": period}),
        {"as_of": as_of.isoformat()},
    )


def one_year_from(start: date) -> date:
    """Return the last day of a one-year period counted from ``start`` (起算して1年を経過する日).

    The period includes its first day, so it ends the day before the same date a year later;
    where that date does not exist (29 February), it ends on the last day of the month.

    Examples
    --------
    >>> one_year_from(date(2027, 4, 1)), one_year_from(date(2028, 2, 29))
    (datetime.date(2028, 3, 31), datetime.date(2029, 2, 28))
    """
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February: no such day next year
        return date(start.year + 1, 2, 28)


def _step(rule: GrantRule, step: Step, start: date | None) -> StepResult:
    """Date a step where the profile's ``operational_by`` (start of operation) allows it."""
    what = step.text.name("step", step.key)
    due: date | None = None
    message: Message | None = None
    if step.timing == "before_building" and start is not None:
        due = start
        message = Message(
            "%(step)s: before building starts, and so before %(due)s (the start of operation) "
            "at the latest",
            {"step": what, "due": start},
        )
    elif step.timing == "within_one_year_of_operation":
        if start is not None:
            due = one_year_from(start)
            message = Message(
                "%(step)s: by %(due)s if operation starts on %(start)s",
                {"step": what, "due": due, "start": start},
            )
        else:
            message = Message(
                "%(step)s (give the date operation starts to see the deadline)",
                {"step": what},
            )
    return StepResult(
        programme_id=rule.id,
        programme=rule.name,
        key=step.key,
        timing=step.timing,
        text=step.text,
        cite=step.cite,
        message=message,
        due=due,
        start=start,
    )


def _programme(rule: GrantRule, x: _Inputs, as_of: date) -> GrantResult:
    contact = rule.contact
    status, validity_reason = _validity(rule, as_of, x)
    reasons: list[Reason] = [validity_reason] if validity_reason else []
    reasons += [_check(c, x, contact) for c in rule.conditions]
    done: dict[str, PartResult] = {}
    for part in rule.parts:
        done[part.key] = _part(part, x, done, contact)
    parts = tuple(done.values())
    eligible = _eligible(r.status for r in reasons)
    if parts:
        eligible = _and(eligible, parts[0].eligible)
        if x.explain:
            for p in parts:
                reasons += _part_reasons(p)
            reasons = _unique(reasons)
    if not parts:
        included: list[PartResult] = []
    elif eligible is True:
        included = [p for p in parts if p.eligible is True]
    else:
        # eligibility unknown: the would-be amount of the main part plus known bonuses
        bonuses = [p for p in parts[1:] if p.eligible is not False and p.amount_jpy is not None]
        included = [parts[0], *bonuses]
    cash = rule.kind == "cash"
    amount: int | None
    if not cash:
        amount = None
    elif eligible is False:
        amount = 0
    elif any(p.amount_jpy is None for p in included):
        amount = None
    else:
        amount = sum(p.amount_jpy or 0 for p in included)
    sure: int | None
    possible: int | None
    open_parts: tuple[str, ...] = ()
    if not cash:
        sure = possible = None
    elif eligible is False:
        sure = possible = 0
    else:
        sure_parts = [p.sure_jpy for p in parts if p.eligible is True] if eligible else [0]
        sure = None if any(s is None for s in sure_parts) else sum(s or 0 for s in sure_parts)
        # the main part bounds what is possible; a bonus whose amount cannot be computed
        # (e.g. head count not given) is listed in open_parts instead of voiding the figure
        may = [p for p in parts if p.eligible is not False]
        if not may or may[0] is not parts[0]:
            possible = 0
        elif parts[0].possible_jpy is None:
            possible = None
        else:
            possible = sum(p.possible_jpy or 0 for p in may)
        open_parts = tuple(p.key for p in may if p.possible_jpy is None)
    caps = [p.cap_jpy for p in included]
    cap = rule.cap.jpy if rule.cap is not None else None
    if cap is None and caps and all(c is not None for c in caps):
        cap = sum(c or 0 for c in caps)
    land: int | None = None
    if amount is not None and eligible is not False:
        lands = [p.chosen.land_part_jpy if p.chosen else 0 for p in included]
        land = None if any(v is None for v in lands) else sum(v or 0 for v in lands)
        if rule.cap is not None and rule.cap.jpy is not None and amount > rule.cap.jpy:
            uncapped = amount
            amount = rule.cap.jpy
            if land is not None and uncapped:
                land = land * amount // uncapped
    if rule.cap is not None and rule.cap.jpy is not None:
        sure = None if sure is None else min(sure, rule.cap.jpy)
        possible = None if possible is None else min(possible, rule.cap.jpy)
    chosen = [p.chosen for p in included if p.chosen is not None]
    cites = [c for t in chosen for c in t.amount_cites]
    if rule.cap is not None and cash:
        cites.append(rule.cap.cite)
    formula = _programme_formula(status, eligible, chosen, rule) if cash and x.explain else None
    steps: tuple[StepResult, ...] = ()
    if eligible is not False and x.explain:
        may_apply = {p.key for p in parts if p.eligible is not False}
        steps = tuple(
            _step(rule, s, x.profile.operational_by)
            for s in rule.steps
            if not s.parts or may_apply & set(s.parts)
        )
    return GrantResult(
        rule=rule,
        status=status,  # type: ignore[arg-type]
        eligible=eligible,
        amount_jpy=amount,
        sure_jpy=sure,
        possible_jpy=possible,
        cap_jpy=cap,
        up_to=any(t.up_to for t in chosen),
        land_part_jpy=land if cash and eligible is not False else None,
        formula=formula,
        reasons=tuple(reasons),
        parts=parts,
        steps=steps,
        amount_cites=tuple(cites),
        open_parts=open_parts,
    )


def _programme_formula(
    status: str, eligible: Eligible, chosen: list[TrackResult], rule: GrantRule
) -> Message:
    explained = [t.formula for t in chosen if t.formula is not None]
    if not explained:
        if status == "expired":
            return Message("Closed")
        return Message("Not eligible (see the reasons)")
    formula = _join(explained, N_("%(left)s; %(right)s"))
    if rule.cap is not None and rule.cap.jpy is not None:
        formula = Message(
            "%(expr)s; programme cap ¥%(cap)s", {"expr": formula, "cap": rule.cap.jpy}
        )
    if status == "expired":
        formula = Message("(closed; shown for reference) %(expr)s", {"expr": formula})
    elif eligible is None:
        formula = Message("If the open questions are answered yes: %(expr)s", {"expr": formula})
    return formula


def evaluate(
    profile: FirmProfile,
    site: Site,
    *,
    as_of: date,
    rules: GrantRules | None = None,
    explain: bool = True,
) -> GrantReport:
    """Evaluate every grant programme for a firm on a site as of a date.

    Parameters
    ----------
    profile
        The firm (see :func:`parks.profile.validate_profile`).
    site
        The lot, park or point: zones it lies in, area, price (:func:`site_for_lot`).
    as_of
        Programmes whose validity ended before this date are listed as expired.
    rules
        Programme rules (:func:`parks.grants.load_rules`); default: the package's rule files.
    explain
        False skips every sentence and formula (numbers only, for ranking).

    Returns
    -------
    GrantReport
        One :class:`GrantResult` per programme, with totals, steps and net land cost.

    Examples
    --------
    The precision-parts maker of ``shared/scenarios`` on a lot inside a 工場適地: 20 % of
    ¥200,000,000 land plus 5 % of ¥900,000,000 building and equipment is ¥85,000,000 (以内),
    plus 30 resident hires × ¥200,000.

    >>> from parks.profile import validate_profile
    >>> firm = validate_profile({"industry": "manufacturing", "project": "new_site",
    ...     "origin": "outside_prefecture", "new_hires": 40, "new_hires_residents": 30,
    ...     "investment_jpy": {"land": 200000000, "building": 600000000,
    ...                        "equipment": 300000000}})
    >>> site = Site(zone_kinds=frozenset({"factory_site_zone"}))
    >>> city = evaluate(firm, site, as_of=date(2026, 1, 1)).programme(
    ...     "kanazawa_kigyo_ricchi_joseikin")
    >>> city.eligible, city.parts[0].amount_jpy, city.amount_jpy, city.up_to
    (True, 85000000, 91000000, True)
    """
    rules = rules if rules is not None else load_rules()
    x = _inputs(profile, site, rules, explain=explain)
    return GrantReport(
        as_of=as_of,
        site=site,
        programmes=tuple(_programme(rule, x, as_of) for rule in rules.programmes),
        stacking=rules.stacking,
        operational_by=profile.operational_by,
    )
