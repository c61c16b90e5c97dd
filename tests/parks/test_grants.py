"""Grant calculator: worked examples computed by hand from the published rates.

Rates used (shared/data/facts/grants.yaml): city 企業立地助成金 general track 20 % of land +
5 % of building and equipment (以内), cap ¥200,000,000; resident new-hire bonus ¥200,000 each
from 5 residents, cap ¥40,000,000; high-tech / specified office 10 % of fixed assets or the
general formula, whichever is larger. Prefecture 企業立地促進補助金: investment >= ¥400,000,000,
new 20 % (cap ¥500,000,000) / expansion 10 % (cap ¥200,000,000), + ¥500,000 per hire from
outside the prefecture. Prefecture 本社機能 subsidy: 25 % / 15 % of land + building +
relocation, min ¥50,000,000 and 5 new hires, + ¥500,000 per hire.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from parks.grant_rules import load_rules
from parks.grants import GrantReport, Site, evaluate, site_for_lot, site_for_park, yen
from parks.profile import validate_profile

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rules(ROOT / "data")
SCENARIOS = ROOT / "tests" / "data" / "scenarios"
SHARED_SCENARIOS = ROOT.parent / "shared" / "scenarios"
AS_OF = date(2026, 11, 28)

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
    city = report.programme("kanazawa_kigyo_ricchi_joseikin")
    expected = case["expected"]["kanazawa_kigyo_ricchi_joseikin"]
    # 20% x 200,000,000 + 5% x 900,000,000 = 85,000,000; 30 x 200,000 = 6,000,000
    assert expected["general_track_jpy"] == 85_000_000
    assert city.parts[0].amount_jpy == expected["general_track_jpy"]
    assert city.parts[1].amount_jpy == expected["new_hire_bonus_jpy"] == 6_000_000
    assert city.eligible is True
    assert city.amount_jpy == 91_000_000
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
    case = _scenario("small-logistics-depot")
    report = run(case["profile"])
    city = report.programme("kanazawa_kigyo_ricchi_joseikin")
    # 20% x 60,000,000 + 5% x 140,000,000 = 19,000,000; 4 residents < 5: no bonus
    assert city.parts[0].amount_jpy == 19_000_000
    assert city.parts[1].eligible is False
    assert (
        city.parts[1].amount_jpy
        == case["expected"]["kanazawa_kigyo_ricchi_joseikin"]["new_hire_bonus_jpy"]
    )
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
    city = report.programme("kanazawa_kigyo_ricchi_joseikin")
    expected = case["expected"]["kanazawa_kigyo_ricchi_joseikin"]
    assert city.parts[0].amount_jpy == expected["general_track_jpy"]
    assert (city.parts[1].amount_jpy or 0) == expected["new_hire_bonus_jpy"]


# ------------------------------------------------------------------ boundaries and caps


@pytest.mark.parametrize(("residents", "bonus"), [(4, 0), (5, 1_000_000)])
def test_resident_hire_bonus_starts_at_five(residents: int, bonus: int) -> None:
    profile = firm(
        investment_jpy={"land": 60_000_000, "building": 120_000_000, "equipment": 20_000_000},
        new_hires=6,
        new_hires_residents=residents,
        regular_employees=25,
    )
    city = run(profile).programme("kanazawa_kigyo_ricchi_joseikin")
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
    city = report.programme("kanazawa_kigyo_ricchi_joseikin")
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
    profile = firm(origin="outside_prefecture", investment_jpy={"land": 2_600_000_000})
    pref = run(profile).programme("ishikawa_kigyo_ricchi_sokushin")
    # 20% x 2,600M = 520M >= cap 500M, so the unknown hires from outside cannot matter
    assert pref.amount_jpy == 500_000_000
    assert pref.land_part_jpy is None  # its share of the cap depends on the unknown hires
    smaller = firm(origin="outside_prefecture", investment_jpy={"land": 2_000_000_000})
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
    city = run(firm(investment_jpy={"building": 100_000_000}), site).programme(
        "kanazawa_kigyo_ricchi_joseikin"
    )
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
    early = report.programme("kanazawa_kogyo_danchi_soki_sogyo")
    assert early.eligible is True
    assert early.amount_jpy is None
    totals = report.totals()
    assert "kanazawa_kogyo_danchi_soki_sogyo" in totals["city"]["amount_unknown"]
    assert {"id": "kanazawa_techno_park_grant", "amount_jpy": None} in totals["city"][
        "eligibility_unknown"
    ]


def test_missing_investment_is_unknown_not_zero() -> None:
    city = run(firm()).programme("kanazawa_kigyo_ricchi_joseikin")
    assert city.eligible is True
    assert city.amount_jpy is None
    assert "kanazawa_kigyo_ricchi_joseikin" in run(firm()).totals()["city"]["amount_unknown"]


def test_high_tech_needs_zoning_that_is_unknown_so_general_formula_applies() -> None:
    profile = firm(
        industry="high_tech_manufacturing",
        investment_jpy={"land": 100_000_000, "building": 1_000_000_000},
    )
    city = run(profile).programme("kanazawa_kigyo_ricchi_joseikin")
    # general: 20M + 50M = 70M; high-tech 10% x 1,100M = 110M would apply if zoning is known
    assert city.amount_jpy == 70_000_000
    assert any(r.condition == "zoning" and r.status == "unknown" for r in city.reasons)
    zoned = Site(zone_kinds=frozenset({"factory_site_zone"}), zoning="工業地域")
    assert run(profile, zoned).programme("kanazawa_kigyo_ricchi_joseikin").amount_jpy == (
        110_000_000
    )


@pytest.mark.parametrize(("staff", "eligible"), [(12, True), (9, None)])
def test_specified_office_uses_larger_formula_and_inferred_threshold(
    staff: int, eligible: bool | None
) -> None:
    profile = firm(
        industry="software",
        regular_employees=staff,
        investment_jpy={"land": 10_000_000, "building": 50_000_000},
    )
    city = run(profile, OUTSIDE).programme("kanazawa_kigyo_ricchi_joseikin")
    # 10% x 60M = 6M beats 20% x 10M + 5% x 50M = 4.5M; the 10-employee threshold is
    # inferred from the loan, so failing it is unknown, not false.
    assert city.eligible is eligible
    assert city.amount_jpy == 6_000_000


def test_outside_factory_zone_manufacturer_is_not_eligible() -> None:
    city = run(firm(investment_jpy={"land": 1}), OUTSIDE).programme(
        "kanazawa_kigyo_ricchi_joseikin"
    )
    assert city.eligible is False
    assert city.amount_jpy == 0
    assert any(r.condition == "zone" and r.status == "failed" for r in city.reasons)


def test_logistics_outside_zone_is_unknown_and_zone_approximation_is_said() -> None:
    profile = firm(industry="logistics_transport", investment_jpy={"land": 10_000_000})
    outside = run(profile, OUTSIDE).programme("kanazawa_kigyo_ricchi_joseikin")
    assert outside.eligible is None
    assert outside.amount_jpy == 2_000_000
    inside = run(profile).programme("kanazawa_kigyo_ricchi_joseikin")
    zone = next(r for r in inside.reasons if r.condition == "zone")
    assert zone.status == "met"
    assert "approximate" in zone.en


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


def test_to_dict_has_the_contract_keys() -> None:
    data = run(_scenario("precision-parts-maker")["profile"]).to_dict("ja")
    keys = {
        "id",
        "issuer",
        "eligible",
        "amount_jpy",
        "cap_jpy",
        "up_to",
        "reasons",
        "formula",
        "sources",
    }
    assert all(keys <= set(p) for p in data["programmes"])
    assert set(data) >= {"programmes", "totals", "net_land_cost"}
    city = next(p for p in data["programmes"] if p["id"] == "kanazawa_kigyo_ricchi_joseikin")
    assert "85,000,000円" in city["formula"]
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
    assert "kanazawa_kigyo_ricchi_joseikin" in site.grant_ids
    assert site.area_m2 == pytest.approx(float(layers.lot(lot_id)["area_m2"]))


def test_site_for_park_reads_zones(layers) -> None:
    site = site_for_park(layers, "techno-park")
    assert {"factory_site_zone", "priority_promotion_zone"} <= site.zone_kinds
    assert site.area_m2 is None
    assert site.lot_id is None
