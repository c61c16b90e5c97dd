"""Property tests of the grant calculator (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from parks.grants import Site, estimate_grants, evaluate, load_rules
from parks.profile import INDUSTRIES, ORIGINS, PROJECTS, FirmProfile, Investment

RULES = load_rules()
AS_OF = date(2024, 10, 1)  # while the FY2024 HQ call was open, so more rules are exercised
COST = st.integers(min_value=0, max_value=5_000_000_000)
RAISE = st.integers(min_value=1, max_value=3_000_000_000)
ITEMS = st.sampled_from(["land", "building", "equipment", "relocation", "rent_3_years"])
ZONES = st.frozensets(
    st.sampled_from(
        ["factory_site_zone", "priority_promotion_zone", "city_core_zone", "satellite_office_zone"]
    )
)
SITES = st.builds(
    Site,
    park_id=st.sampled_from([None, "inaho", "techno-park"]),
    zone_kinds=ZONES,
    zoning=st.sampled_from([None, "工業地域", "第一種住居地域"]),
)


@st.composite
def profiles(draw: st.DrawFn) -> FirmProfile:
    """Valid firm profiles with every investment item known."""
    staff = draw(st.integers(min_value=0, max_value=400))
    hires = draw(st.integers(min_value=0, max_value=staff))
    return FirmProfile(
        industry=draw(st.sampled_from(INDUSTRIES)),
        project=draw(st.sampled_from(PROJECTS)),
        origin=draw(st.sampled_from(ORIGINS)),
        hq_functions=draw(st.booleans()),
        investment=Investment(*(draw(COST) for _ in range(5))),
        new_hires=hires,
        new_hires_residents=draw(st.integers(min_value=0, max_value=hires)),
        new_hires_from_outside_prefecture=draw(st.integers(min_value=0, max_value=hires)),
        regular_employees=staff,
    )


@settings(max_examples=150, deadline=None)
@given(profile=profiles(), site=SITES)
def test_amount_lies_between_zero_and_cap(profile: FirmProfile, site: Site) -> None:
    for result in evaluate(profile, site, as_of=AS_OF, rules=RULES).programmes:
        if result.amount_jpy is not None:
            assert result.amount_jpy >= 0
            if result.cap_jpy is not None:
                assert result.amount_jpy <= result.cap_jpy, result.id
        for part in result.parts:
            if part.amount_jpy is not None and part.cap_jpy is not None:
                assert 0 <= part.amount_jpy <= part.cap_jpy, (result.id, part.key)


@settings(max_examples=150, deadline=None)
@given(profile=profiles(), site=SITES, item=ITEMS, extra=RAISE)
def test_amount_never_falls_when_an_eligible_cost_rises(
    profile: FirmProfile, site: Site, item: str, extra: int
) -> None:
    before = evaluate(profile, site, as_of=AS_OF, rules=RULES)
    richer = replace(
        profile,
        investment=replace(profile.investment, **{item: profile.investment.item(item) + extra}),
    )
    after = evaluate(richer, site, as_of=AS_OF, rules=RULES)
    rank = {False: 0, None: 1, True: 2}
    for a, b in zip(before.programmes, after.programmes, strict=True):
        assert rank[b.eligible] >= rank[a.eligible], a.id
        if a.amount_jpy is not None and b.amount_jpy is not None and a.eligible == b.eligible:
            assert b.amount_jpy >= a.amount_jpy, (a.id, a.formula_en, b.formula_en)
    for issuer in ("city", "prefecture"):
        assert after.totals()[issuer]["cash_jpy"] >= before.totals()[issuer]["cash_jpy"]


@settings(max_examples=100, deadline=None)
@given(profile=profiles(), site=SITES)
def test_unknown_inputs_are_never_reported_as_zero(profile: FirmProfile, site: Site) -> None:
    blind = replace(
        profile,
        investment=Investment(),
        new_hires=None,
        new_hires_residents=None,
        new_hires_from_outside_prefecture=None,
        regular_employees=None,
    )
    for result in evaluate(blind, site, as_of=AS_OF, rules=RULES).programmes:
        if result.kind == "cash" and result.eligible is not False:
            assert result.amount_jpy is None, (result.id, result.amount_jpy)
        if result.kind != "cash":
            assert result.amount_jpy is None


@settings(max_examples=60, deadline=None)
@given(profile=profiles(), site=SITES)
def test_numbers_only_estimate_equals_the_full_report(profile: FirmProfile, site: Site) -> None:
    """Ranking uses estimate_grants (no sentences, cached); its figures are the report's."""
    full = evaluate(profile, site, as_of=AS_OF, rules=RULES)
    estimate = estimate_grants(profile, site, as_of=AS_OF, rules=RULES)
    assert estimate.totals == full.totals()
    assert [
        (p.id, p.eligible, p.amount_jpy, p.sure_jpy, p.possible_jpy) for p in estimate.programmes
    ] == [(p.id, p.eligible, p.amount_jpy, p.sure_jpy, p.possible_jpy) for p in full.programmes]
    assert estimate_grants(profile, site, as_of=AS_OF, rules=RULES) is estimate  # cached
