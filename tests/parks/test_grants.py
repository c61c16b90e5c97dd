"""Grant evaluator: worked examples computed by hand from the published rates and articles.

Rates used (each with its source in ``parks/grants/rules``): city 企業立地助成金 general track
20 % of land + 5 % of building and equipment (以内), cap ¥200,000,000 (aggregator); resident
new-hire grant ¥200,000 each from 5 residents, cap ¥40,000,000 (aggregator); high-tech /
specified establishment 10 % of fixed assets or the general formula, whichever is larger.
Prefecture 企業立地促進補助金: investment >= ¥400,000,000, new 20 % (cap ¥500,000,000) /
expansion 10 % (cap ¥200,000,000), + ¥500,000 per hire from outside the prefecture. Prefecture
本社機能 subsidy: 25 % / 15 % of land + building + relocation, min ¥50,000,000 of the same
items and 5 new hires, + ¥500,000 per hire (notocyu.jp/preference).
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parks.grants import GrantReport, Site, evaluate, load_rules, site_for_lot, site_for_park, yen
from parks.profile import validate_profile

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rules()
SCENARIOS = ROOT / "tests" / "data" / "scenarios"
SHARED_SCENARIOS = ROOT.parent / "shared" / "scenarios"
AS_OF = date(2026, 11, 28)
CITY = "kanazawa_kigyo_ricchi_joseikin"

FACTORY_LOT = Site(
    park_id="inaho",
    lot_id="inaho/99",
    zone_kinds=frozenset({"factory_site_zone", "priority_promotion_zone"}),
    approximate_zones=(("factory_site_zone", "drawn from the park outline"),),
)
OUTSIDE = Site()


def run(profile: dict[str, Any], site: Site = FACTORY_LOT, as_of: date = AS_OF) -> GrantReport:
    return evaluate(validate_profile(profile), site, as_of=as_of, rules=RULES)


def firm(**fields: Any) -> dict[str, Any]:
    base = {"industry": "manufacturing", "project": "new_site", "origin": "inside_city"}
    return {**base, **fields}


# ------------------------------------------------------------------ the shared scenarios


def _scenario(name: str, folder: Path = SCENARIOS) -> dict[str, Any]:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


def test_precision_parts_maker_city_grant() -> None:
    case = _scenario("precision-parts-maker")
    report = run(case["profile"])
    city = report.programme(CITY)
    expected = case["expected"][CITY]
    # 20% x 200,000,000 + 5% x 900,000,000 = 85,000,000; 30 x 200,000 = 6,000,000
    assert expected["general_track_jpy"] == 85_000_000
    assert city.parts[0].amount_jpy == expected["general_track_jpy"]
    assert city.parts[1].amount_jpy == expected["new_hire_bonus_jpy"] == 6_000_000
    assert city.eligible is True
    assert city.amount_jpy == city.sure_jpy == 91_000_000
    assert city.up_to is True


def test_precision_parts_maker_prefecture_grant() -> None:
    case = _scenario("precision-parts-maker")
    pref = run(case["profile"]).programme("ishikawa_kigyo_ricchi_sokushin")
    # new to the prefecture: 20% x 1,100,000,000 + 8 x 500,000 = 224,000,000 <= 500,000,000
    assert pref.eligible is True
    assert pref.amount_jpy == case["expected"]["ishikawa_kigyo_ricchi_sokushin"]["amount_jpy"]
    assert pref.amount_jpy == 224_000_000
    assert pref.cap_jpy == 500_000_000


def test_small_logistics_depot() -> None:
    """The depot is a 助成流通業務施設 (rule art. 10(1)) at a lot inside a 工場適地."""
    case = _scenario("small-logistics-depot")
    report = run(case["profile"])
    city = report.programme(CITY)
    # 20% x 60,000,000 + 5% x 140,000,000 = 19,000,000; 4 residents < 5: no new-hire grant
    assert city.parts[0].amount_jpy == 19_000_000
    assert city.parts[0].chosen.key == "logistics_facility"
    assert city.parts[1].eligible is False
    assert city.parts[1].amount_jpy == case["expected"][CITY]["new_hire_bonus_jpy"]
    assert city.amount_jpy == 19_000_000
    pref = report.programme("ishikawa_kigyo_ricchi_sokushin")
    assert pref.eligible is case["expected"]["ishikawa_kigyo_ricchi_sokushin"]["eligible"]
    assert pref.amount_jpy == 0
    failed = [r for r in pref.reasons if r.status == "failed" and r.condition == "min_investment"]
    assert failed
    assert failed[0].figures["value"] == 200_000_000
    assert failed[0].figures["required"] == 400_000_000


@pytest.mark.parametrize("name", ["precision-parts-maker", "small-logistics-depot"])
def test_shared_scenarios_when_present(name: str) -> None:
    if not (SHARED_SCENARIOS / f"{name}.json").exists():
        pytest.skip("../shared/scenarios not present")
    case = _scenario(name, SHARED_SCENARIOS)
    assert case == _scenario(name)  # the committed copy is current
    report = run(case["profile"])
    city = report.programme(CITY)
    expected = case["expected"][CITY]
    assert city.parts[0].amount_jpy == expected["general_track_jpy"]
    assert (city.parts[1].amount_jpy or 0) == expected["new_hire_bonus_jpy"]
    pref = report.programme("ishikawa_kigyo_ricchi_sokushin")
    if "amount_jpy" in case["expected"]["ishikawa_kigyo_ricchi_sokushin"]:
        assert pref.amount_jpy == case["expected"]["ishikawa_kigyo_ricchi_sokushin"]["amount_jpy"]
    else:
        assert pref.eligible is case["expected"]["ishikawa_kigyo_ricchi_sokushin"]["eligible"]


# ------------------------------------------------------------------ what the issue requires


def test_acquisition_by_a_manufacturer_in_a_park_is_eligible() -> None:
    """Ordinance art. 2(3) and rule art. 10(1): 助成製造工場等を新設し、増設し、若しくは取得し."""
    profile = firm(
        project="acquisition",
        investment_jpy={"land": 150_000_000, "building": 250_000_000},
        new_hires=5,
        new_hires_residents=5,
        regular_employees=30,
    )
    city = run(profile).programme(CITY)
    assert city.eligible is True
    # 20% x 150,000,000 = 30,000,000 + 5% x 250,000,000 = 12,500,000; + 5 x 200,000
    assert city.parts[0].amount_jpy == 42_500_000
    assert city.amount_jpy == 43_500_000
    project = next(r for r in city.reasons if r.condition == "project")
    assert project.status == "met"
    assert project.cite.where.en == "art. 10(1)"
    assert "取得" in project.cite.quote.ja


def test_manufacturer_outside_every_factory_site_zone_is_unknown_not_refused() -> None:
    """Ordinance art. 2(3): 特定地区 = 工場適地 **or an area the mayor specially recognises**."""
    city = run(firm(investment_jpy={"land": 100_000_000}), OUTSIDE).programme(CITY)
    assert city.eligible is None
    assert city.sure_jpy == 0
    assert city.possible_jpy == 20_000_000  # 20 % of the land, if the mayor recognises the area
    zone = next(r for r in city.reasons if r.condition == "zone")
    assert zone.status == "unknown"
    assert "市長が特に認める地区" in zone.cite.quote.ja
    assert zone.cite.where.en == "art. 2(3)"
    assert zone.cite.source.tier == "ordinance"
    assert "discretion" in zone.en
    assert "mayor specially recognises" in zone.en
    assert zone.ask is not None
    assert zone.ask.phone == "076-220-2225"
    assert "企業立地課" in zone.ask.name.ja


def test_an_industry_the_ordinance_does_not_name_is_unknown_not_refused() -> None:
    """Ordinance art. 2(3): 製造業及び市長が特に認める (業種) -- discretion, so ask."""
    profile = firm(industry="design", investment_jpy={"land": 10_000_000}, regular_employees=3)
    city = run(profile).programme(CITY)
    assert city.eligible is None
    industry = [r for r in city.reasons if r.condition == "industry" and r.status == "unknown"]
    assert industry
    assert "市長が特に認める" in industry[0].cite.quote.ja


def test_logistics_expansion_is_its_own_category() -> None:
    """Rule art. 10(1): 助成流通業務施設を新設し、若しくは増設し -- a category of its own."""
    profile = firm(
        industry="logistics_transport",
        project="expansion",
        investment_jpy={"land": 50_000_000, "building": 100_000_000},
    )
    city = run(profile).programme(CITY)
    part = city.parts[0]
    assert part.chosen.key == "logistics_facility"
    assert part.chosen.name.ja == "助成流通業務施設"
    assert part.chosen.cite.where.en == "art. 10(1)"
    # 20% x 50,000,000 + 5% x 100,000,000 = 15,000,000
    assert city.eligible is True
    assert part.amount_jpy == 15_000_000
    # the manufacturing-plant category is not what applies to a logistics firm
    assert part.chosen.key != "manufacturing_plant"


def test_logistics_acquisition_is_not_in_the_logistics_category() -> None:
    """Rule art. 10(1) names acquisition for plants, but only 新設/増設 for 流通業務施設."""
    profile = firm(
        industry="logistics_wholesale", project="acquisition", investment_jpy={"land": 1}
    )
    city = run(profile).programme(CITY)
    logistics = next(t for t in city.parts[0].tracks if t.key == "logistics_facility")
    assert logistics.eligible is False
    project = next(r for r in logistics.reasons if r.condition == "project")
    assert project.status == "failed"
    # another category (the mayor's recognition, a 指定事業) may still apply: ask, not "no"
    assert city.eligible is None


def test_new_hire_grant_lists_its_claim_deadline() -> None:
    """Rule art. 10(2): 操業開始日から起算して1年を経過する日までに申請."""
    profile = firm(
        investment_jpy={"land": 100_000_000, "building": 100_000_000},
        new_hires=6,
        new_hires_residents=6,
        regular_employees=20,
        operational_by="2027-04-01",
    )
    city = run(profile).programme(CITY)
    claim = next(s for s in city.steps if s.key == "claim_new_hire")
    assert claim.timing == "within_one_year_of_operation"
    assert claim.due == date(2028, 3, 31)  # one year counted from 2027-04-01 includes that day
    assert claim.cite.where.en == "art. 10(2)"
    assert "1年を経過する日" in claim.cite.quote.ja
    assert "2028-03-31" in claim.message.english()
    undated = run(firm(new_hires=6, new_hires_residents=6))
    step = next(s for s in undated.programme(CITY).steps if s.key == "claim_new_hire")
    assert step.due is None


def test_techno_park_lists_prior_approval_before_building() -> None:
    """テクノパーク規則 art. 3: 新設し、又は増設する前に、助成適用認定申請書を提出."""
    profile = firm(industry="high_tech_manufacturing", operational_by="2028-10-01")
    site = Site(park_id="techno-park", zone_kinds=frozenset({"factory_site_zone"}))
    techno = run(profile, site).programme("kanazawa_techno_park_grant")
    assert techno.eligible is None  # the 別表 and the mayor's criteria are not public
    approval = next(s for s in techno.steps if s.key == "prior_approval")
    assert approval.timing == "before_building"
    assert approval.due == date(2028, 10, 1)
    assert approval.cite.where.en == "arts. 3 and 4"
    assert "増設する前に" in approval.cite.quote.ja
    assert report_steps_first_dated(run(profile, site))


def report_steps_first_dated(report: GrantReport) -> bool:
    steps = report.steps
    return steps[0].due is not None and all(
        a.due is None or b.due is None or a.due <= b.due for a, b in itertools.pairwise(steps)
    )


def test_prefecture_hq_threshold_and_rate_use_the_same_cost_basis() -> None:
    """notocyu.jp: 投資額（土地・建物・移転費等）の25% ... 投資額5千万円以上 -- no equipment."""
    profile = firm(
        origin="outside_prefecture",
        hq_functions=True,
        investment_jpy={
            "land": 10_000_000,
            "building": 20_000_000,
            "relocation": 5_000_000,
            "equipment": 100_000_000,
        },
        new_hires=5,
        regular_employees=5,
    )
    hq = run(profile).programme("ishikawa_honsha_kino_ricchi_sokushin")
    # land + building + relocation = 35,000,000 < 50,000,000: equipment does not count
    assert hq.eligible is False
    threshold = next(r for r in hq.reasons if r.condition == "min_investment")
    assert threshold.figures["value"] == 35_000_000
    rule = RULES.rule("ishikawa_honsha_kino_ricchi_sokushin")
    for track in rule.parts[0].tracks:
        basis = next(c for c in track.conditions if c.type == "min_investment").get("items")
        assert [t.items for t in track.formulas[0]] == [tuple(basis)]


def test_prefecture_hq_subsidy() -> None:
    profile = firm(
        origin="outside_prefecture",
        hq_functions=True,
        investment_jpy={
            "land": 30_000_000,
            "building": 40_000_000,
            "equipment": 20_000_000,
            "relocation": 10_000_000,
        },
        new_hires=5,
        regular_employees=5,
    )
    hq = run(profile).programme("ishikawa_honsha_kino_ricchi_sokushin")
    # 25% x (30M + 40M + 10M) = 20M + 5 x 500,000 = 2.5M
    assert hq.eligible is True
    assert hq.amount_jpy == 22_500_000


def test_digital_industry_grant_is_listed_from_the_council_minutes() -> None:
    """金沢市議会 2024-06-11: デジタル関連企業の集積を目指す立地助成金を創設."""
    report = run(firm(industry="software", investment_jpy={"land": 1}))
    digital = report.programme("kanazawa_digital_location_grant")
    assert digital.eligible is None
    assert digital.amount_jpy is None
    assert digital.rule.validity.cite.source.tier == "council_minutes"
    assert digital.rule.validity.cite.source.date == "2024-06-11"


def test_sure_and_possible_amounts_are_shown_apart() -> None:
    """A manufacturer outside the parks: nothing sure, the general formula possible."""
    profile = firm(
        origin="outside_prefecture",
        investment_jpy={"land": 100_000_000, "building": 300_000_000, "equipment": 100_000_000},
        new_hires=6,
        new_hires_residents=6,
        new_hires_from_outside_prefecture=2,
        regular_employees=30,
    )
    totals = run(profile, OUTSIDE).totals()
    # city possible: 20% x 100M + 5% x 400M = 40M, + 6 x 200,000 = 1.2M if the area is recognised
    assert totals["city"]["sure_jpy"] == 0
    assert totals["city"]["possible_jpy"] == 41_200_000
    # prefecture sure: 20% x 500M = 100M + 2 x 500,000 = 1M
    assert totals["prefecture"]["sure_jpy"] == 101_000_000
    assert totals["if_combinable"]["sure_jpy"] == 101_000_000
    assert totals["if_combinable"]["possible_jpy"] == 142_200_000


# ------------------------------------------------------------------ boundaries and caps


@pytest.mark.parametrize(("residents", "bonus"), [(4, 0), (5, 1_000_000)])
def test_resident_hire_bonus_starts_at_five(residents: int, bonus: int) -> None:
    profile = firm(
        investment_jpy={"land": 60_000_000, "building": 120_000_000, "equipment": 20_000_000},
        new_hires=6,
        new_hires_residents=residents,
        regular_employees=25,
    )
    city = run(profile).programme(CITY)
    assert city.parts[1].amount_jpy == bonus
    assert city.amount_jpy == 19_000_000 + bonus


@pytest.mark.parametrize(
    ("building", "eligible", "amount"),
    # 100,000,000 land + building: 399,999,999 fails; 400,000,000 gives 20% = 80,000,000
    # plus 2 hires from outside x 500,000 = 1,000,000.
    [(299_999_999, False, 0), (300_000_000, True, 81_000_000)],
)
def test_prefecture_investment_threshold(building: int, eligible: bool, amount: int) -> None:
    profile = firm(
        origin="outside_prefecture",
        investment_jpy={"land": 100_000_000, "building": building},
        new_hires=2,
        new_hires_from_outside_prefecture=2,
        regular_employees=10,
    )
    pref = run(profile).programme("ishikawa_kigyo_ricchi_sokushin")
    assert pref.eligible is eligible
    assert pref.amount_jpy == amount


def test_caps_bind_and_land_part_is_scaled() -> None:
    profile = firm(
        origin="outside_prefecture",
        investment_jpy={"land": 600_000_000, "building": 1_500_000_000, "equipment": 500_000_000},
        new_hires=250,
        new_hires_residents=250,
        new_hires_from_outside_prefecture=0,
        regular_employees=300,
    )
    site = Site(
        park_id="inaho",
        lot_id="inaho/99",
        zone_kinds=frozenset({"factory_site_zone"}),
        area_m2=10_000.0,
        price_per_m2=60_000.0,
    )
    report = run(profile, site)
    city = report.programme(CITY)
    # 20% x 600M = 120M + 5% x 2,000M = 100M -> 220M, capped at 200M; 250 x 200,000 = 50M
    # capped at 40M.
    assert city.parts[0].amount_jpy == 200_000_000
    assert city.parts[1].amount_jpy == 40_000_000
    assert city.amount_jpy == city.cap_jpy == 240_000_000
    assert "capped at ¥200,000,000" in city.formula_en
    # Land part: 120M scaled by 200M / 220M = 109,090,909 (floor).
    assert city.land_part_jpy == 109_090_909
    pref = report.programme("ishikawa_kigyo_ricchi_sokushin")
    # 20% x 2,600M = 520M capped at 500M; land part 120M x 500/520 = 115,384,615.
    assert pref.amount_jpy == 500_000_000
    assert pref.land_part_jpy == 115_384_615
    net = report.net_land_cost()
    assert net["land_cost_jpy"] == 600_000_000
    assert net["city_only"]["net_jpy"] == 600_000_000 - 109_090_909
    assert net["city_only"]["effective_per_m2"] == pytest.approx(49_090.9, abs=0.05)
    assert net["if_combinable"]["net_jpy"] == 600_000_000 - 109_090_909 - 115_384_615


def test_cap_reached_by_known_part_despite_unknown_hire_count() -> None:
    profile = firm(
        origin="outside_prefecture", investment_jpy={"land": 2_600_000_000}, regular_employees=5
    )
    pref = run(profile).programme("ishikawa_kigyo_ricchi_sokushin")
    # 20% x 2,600M = 520M >= cap 500M, so the unknown hires from outside cannot matter
    assert pref.amount_jpy == 500_000_000
    assert pref.land_part_jpy is None  # its share of the cap depends on the unknown hires
    smaller = firm(
        origin="outside_prefecture", investment_jpy={"land": 2_000_000_000}, regular_employees=5
    )
    assert run(smaller).programme("ishikawa_kigyo_ricchi_sokushin").amount_jpy is None


def test_net_land_cost_unknown_without_price() -> None:
    net = run(firm(investment_jpy={"land": 1})).net_land_cost()
    assert net["known"] is False
    assert net["land_cost_jpy"] is None
    assert "price" in net["reason"]


def test_land_cost_comes_from_lot_price_when_not_given() -> None:
    # 5,000 m2 x 20,000 = 100,000,000 land; 20% = 20,000,000 + 5% x 100,000,000 = 5,000,000
    site = Site(
        zone_kinds=frozenset({"factory_site_zone"}),
        lot_id="x/1",
        area_m2=5000.0,
        price_per_m2=20_000.0,
    )
    city = run(firm(investment_jpy={"building": 100_000_000}), site).programme(CITY)
    assert city.amount_jpy == 25_000_000


# ------------------------------------------------------------------ unknowns


def test_unknown_rate_is_null_not_zero() -> None:
    site = Site(park_id="techno-park", zone_kinds=frozenset({"factory_site_zone"}))
    report = run(
        firm(industry="high_tech_manufacturing", investment_jpy={"land": 1, "building": 1}), site
    )
    techno = report.programme("kanazawa_techno_park_grant")
    assert techno.eligible is None
    assert techno.amount_jpy is None
    assert techno.possible_jpy is None
    early = report.programme("kanazawa_kogyo_danchi_soki_sogyo")
    assert early.eligible is True
    assert early.amount_jpy is None
    totals = report.totals()
    assert "kanazawa_kogyo_danchi_soki_sogyo" in totals["city"]["amount_unknown"]
    assert {"id": "kanazawa_techno_park_grant", "amount_jpy": None} in totals["city"][
        "eligibility_unknown"
    ]
    assert "kanazawa_techno_park_grant" in totals["city"]["possible_unknown"]


def test_missing_investment_is_unknown_not_zero() -> None:
    city = run(firm()).programme(CITY)
    assert city.eligible is True
    assert city.amount_jpy is None
    assert CITY in run(firm()).totals()["city"]["amount_unknown"]


def test_high_tech_needs_zoning_that_is_unknown_so_general_formula_applies() -> None:
    """Ordinance art. 2(2): 準工業地域、工業地域及び工業専用地域内 -- the site's zoning decides."""
    profile = firm(
        industry="high_tech_manufacturing",
        investment_jpy={"land": 100_000_000, "building": 1_000_000_000},
    )
    city = run(profile).programme(CITY)
    # general: 20M + 50M = 70M sure; high-tech 10% x 1,100M = 110M possible if zoning fits
    assert city.amount_jpy == city.sure_jpy == 70_000_000
    assert city.possible_jpy == 110_000_000
    assert any(r.condition == "zoning" and r.status == "unknown" for r in city.reasons)
    zoned = Site(zone_kinds=frozenset({"factory_site_zone"}), zoning="工業地域")
    assert run(profile, zoned).programme(CITY).amount_jpy == 110_000_000


@pytest.mark.parametrize(("staff", "eligible"), [(12, True), (9, None)])
def test_specified_office_uses_larger_formula_and_inferred_threshold(
    staff: int, eligible: bool | None
) -> None:
    """Ordinance art. 2(1); the 10-employee threshold is the loan's, inferred for the grant."""
    profile = firm(
        industry="software",
        regular_employees=staff,
        investment_jpy={"land": 10_000_000, "building": 50_000_000},
    )
    city = run(profile, OUTSIDE).programme(CITY)
    # 10% x 60M = 6M beats 20% x 10M + 5% x 50M = 4.5M; failing an inferred threshold is
    # unknown, not false.
    assert city.eligible is eligible
    assert city.amount_jpy == 6_000_000


def test_logistics_outside_zone_is_unknown_and_zone_approximation_is_said() -> None:
    profile = firm(industry="logistics_transport", investment_jpy={"land": 10_000_000})
    outside = run(profile, OUTSIDE).programme(CITY)
    assert outside.eligible is None
    assert outside.amount_jpy == 2_000_000
    inside = run(profile).programme(CITY)
    zone = next(r for r in inside.reasons if r.condition == "zone")
    assert zone.status == "met"
    assert "approximate" in zone.en


@pytest.mark.parametrize(("hires", "amount"), [(10, 100_000_000), (9, 0)])
def test_creative_industry_higher_order_track(hires: int, amount: int) -> None:
    profile = firm(
        hq_functions=True,
        investment_jpy={"land": 100_000_000, "building": 300_000_000, "equipment": 100_000_000},
        new_hires=hires,
        regular_employees=50,
    )
    sozo = run(profile).programme("ishikawa_sozoteki_sangyo")
    # 20% x 500,000,000 = 100,000,000 (up to) with 10+ new hires
    assert sozo.amount_jpy == amount
    assert sozo.eligible is (hires >= 10)


# ------------------------------------------------------------------ validity and totals


def test_hq_grant_open_then_expired_and_unknown_bonus_keeps_amount_null() -> None:
    profile = firm(
        hq_functions=True,
        investment_jpy={"land": 20_000_000, "building": 80_000_000},
        new_hires=6,
        new_hires_residents=6,
        regular_employees=20,
    )
    open_ = run(profile, as_of=date(2024, 10, 1)).programme("kanazawa_honsha_kino_kyoka")
    assert open_.status == "open"
    assert open_.eligible is True
    # 10% x 100M = 10M (up to), but the per-hire amount is unpublished -> total unknown
    assert open_.parts[0].amount_jpy == 10_000_000
    assert open_.amount_jpy is None
    closed = run(profile, as_of=date(2025, 4, 1)).programme("kanazawa_honsha_kino_kyoka")
    assert closed.status == "expired"
    assert closed.eligible is False
    assert closed.amount_jpy == 0
    assert "kanazawa_honsha_kino_kyoka" in run(profile).totals()["expired"]


def test_tax_measures_are_benefits_not_cash() -> None:
    profile = firm(hq_functions=True, investment_jpy={"building": 30_000_000, "land": 0})
    report = run(profile)
    tax = report.programme("national_chiho_kyoten_kyoka_zeisei")
    assert tax.kind == "tax"
    assert tax.amount_jpy is None
    assert "25 %" in tax.formula_en
    totals = report.totals()
    assert "national_chiho_kyoten_kyoka_zeisei" in totals["non_cash_benefits"]
    assert totals["national"]["cash_jpy"] == 0


def test_totals_only_under_if_combinable_label() -> None:
    case = _scenario("precision-parts-maker")
    totals = run(case["profile"]).totals()
    assert totals["city"]["cash_jpy"] == 91_000_000
    assert totals["prefecture"]["cash_jpy"] == 224_000_000
    both = totals["if_combinable"]
    assert both["cash_jpy"] == 315_000_000
    assert both["combinable"] == "unknown"
    assert "IF" in both["label"]
    assert "併給" in both["label_ja"]
    assert "total" not in totals


def test_to_dict_has_the_contract_keys_and_renders_japanese() -> None:
    from webapp.i18n import render_message

    data = run(_scenario("precision-parts-maker")["profile"]).to_dict("ja", render_message)
    keys = {
        "id",
        "issuer",
        "name",
        "eligible",
        "amount_jpy",
        "sure_jpy",
        "possible_jpy",
        "cap_jpy",
        "up_to",
        "reasons",
        "formula",
        "sources",
        "amount_sources",
        "steps",
    }
    assert all(keys <= set(p) for p in data["programmes"])
    assert set(data) >= {"programmes", "totals", "net_land_cost", "steps"}
    city = next(p for p in data["programmes"] if p["id"] == CITY)
    assert city["name"] == "企業立地助成金"
    assert "85,000,000円" in city["formula"]
    assert all(r["text"] and not r["text"].isascii() for r in city["reasons"])
    assert json.dumps(data, ensure_ascii=False)


def test_yen_formatting() -> None:
    assert yen(1_234_567) == "¥1,234,567"
    assert yen(1_234_567, "ja") == "1,234,567円"


# ------------------------------------------------------------------ sites from the real data


def test_site_for_lot_reads_zones(layers) -> None:
    lot_id = str(layers.lots_of("inaho")["lot_id"].iloc[0])
    site = site_for_lot(layers, lot_id)
    assert site.park_id == "inaho"
    assert site.lot_id == lot_id
    assert "factory_site_zone" in site.zone_kinds
    assert "city_core_zone" not in site.zone_kinds
    assert site.approx_note("factory_site_zone")
    assert CITY in site.grant_ids
    assert site.area_m2 == pytest.approx(float(layers.lot(lot_id)["area_m2"]))
    assert site.park_name is not None
    assert site.park_name.ja == "いなほ工業団地"


def test_site_for_park_reads_zones(layers) -> None:
    site = site_for_park(layers, "techno-park")
    assert {"factory_site_zone", "priority_promotion_zone"} <= site.zone_kinds
    assert site.area_m2 is None
    assert site.lot_id is None


def test_site_for_point_inside_a_park_and_outside(layers) -> None:
    from parks.grants import site_for_point

    centre = layers.parks[layers.parks["park_id"] == "techno-park"].geometry.iloc[0]
    inner = centre.representative_point()
    site = site_for_point(layers, inner.x, inner.y)
    assert site.park_id == "techno-park"
    assert "factory_site_zone" in site.zone_kinds
    assert site.point == (inner.x, inner.y)
    town = site_for_point(layers, 136.6560, 36.5614)  # Korinbo, in the city centre
    assert town.park_id is None
    assert "factory_site_zone" not in town.zone_kinds


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (139.767, 35.681, "outside Kanazawa"),
        (36.56, 136.65, "latitude"),
        (float("nan"), 36.5, "longitude"),
    ],
)
def test_site_for_point_rejects_points_outside_the_city(layers, lon, lat, message) -> None:
    from parks.errors import InvalidInputError
    from parks.grants import site_for_point

    with pytest.raises(InvalidInputError, match=message):
        site_for_point(layers, lon, lat)


@pytest.mark.parametrize("project", ["new_site", "expansion", "acquisition"])
def test_every_sentence_renders_in_both_languages(project: str) -> None:
    """Each reason, formula and step renders from the catalogs with all its parameters."""
    from parks.profile import INDUSTRIES
    from webapp.i18n import render_message

    sites = [
        FACTORY_LOT,
        OUTSIDE,
        Site(park_id="techno-park", zone_kinds=frozenset({"factory_site_zone"}), zoning="工業地域"),
        Site(zone_kinds=frozenset({"city_core_zone", "satellite_office_zone"}), zoning="商業地域"),
    ]
    for industry in INDUSTRIES:
        profile = firm(
            industry=industry,
            project=project,
            hq_functions=industry == "software",
            investment_jpy={"land": 50_000_000, "building": 30_000_000},
            new_hires=3,
            regular_employees=12,
            operational_by="2027-06-01",
        )
        for site in sites:
            report = run(profile, site, as_of=date(2024, 10, 1))
            ja = report.to_dict("ja", render_message)
            en = report.to_dict("en", render_message)
            for p_ja, p_en in zip(ja["programmes"], en["programmes"], strict=True):
                assert p_ja["formula"]
                for r_ja, r_en in zip(p_ja["reasons"], p_en["reasons"], strict=True):
                    assert r_ja["text"] != r_en["text"], r_en["text"]
                    assert "%(" not in r_ja["text"] + r_en["text"]
            assert all(s["text"] for s in ja["steps"])
