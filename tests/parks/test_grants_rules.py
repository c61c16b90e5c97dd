"""Grant rule files (parks/grants/rules/*.yaml): schema, citations, and agreement with the facts."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from parks.errors import DataNotFoundError, InvalidInputError
from parks.grants import load_rules
from parks.grants.check import check_against_facts
from parks.grants.rules import GRANTS_DIR, RULES_DIR, TIERS, _read_yaml, load_schema

ROOT = Path(__file__).resolve().parents[2]
FACTS_COPY = ROOT / "data" / "facts" / "grants.yaml"
RULE_FILES = sorted(RULES_DIR.glob("*.yaml"))
REQUIRED_IDS = [
    "kanazawa_kigyo_ricchi_joseikin",
    "kanazawa_honsha_kino_kyoka",
    "kanazawa_kyoten_saiseibi",
    "kanazawa_satellite_office",
    "kanazawa_techno_park_grant",
    "kanazawa_kogyo_danchi_soki_sogyo",
    "kanazawa_digital_location_grant",
    "ishikawa_kigyo_ricchi_sokushin",
    "ishikawa_honsha_kino_ricchi_sokushin",
    "ishikawa_sozoteki_sangyo",
    "national_chiho_kyoten_kyoka_zeisei",
    "national_chiiki_mirai_toshi_zeisei",
]


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_every_rule_file_is_valid_against_the_schema(path: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema())
    jsonschema.Draft202012Validator(load_schema()).validate(_read_yaml(path))


def test_the_schema_requires_a_citation_and_a_tier() -> None:
    validator = jsonschema.Draft202012Validator(load_schema())
    doc = _read_yaml(RULES_DIR / "kanazawa_kigyo_ricchi_joseikin.yaml")
    term = doc["parts"][0]["tracks"][0]["formulas"][0][0]
    del term["cite"]
    doc["parts"][0]["tracks"][0]["cap"].pop("cite")
    del doc["sources"]["ordinance"]["tier"]
    messages = [e.message for e in validator.iter_errors(doc)]
    assert sum("'cite' is a required property" in m for m in messages) == 2
    assert any("'tier' is a required property" in m for m in messages)


def test_the_rule_set_holds_every_programme() -> None:
    rules = load_rules()
    ids = [rule.id for rule in rules.programmes]
    assert set(REQUIRED_IDS) <= set(ids)
    assert ids[0] == "kanazawa_kigyo_ricchi_joseikin"  # ordered: city, prefecture, national
    assert rules.stacking.combinable == "unknown"
    assert set(rules.excluded) == {"kanazawa_ai_village", "ishikawa_nariwai_saiken"}


def test_every_figure_and_condition_carries_a_source_and_tier() -> None:
    """Rates, caps, per-head amounts, thresholds, conditions, steps: each cites a tiered source."""
    for rule in load_rules().programmes:
        cites = [rule.validity.cite, *(c.cite for c in rule.conditions)]
        cites += [s.cite for s in rule.steps]
        for part in rule.parts:
            for track in part.tracks:
                cites.append(track.cite)
                cites += [c.cite for c in track.conditions]
                cites += [t.cite for f in track.formulas for t in f]
                if track.cap is not None:
                    cites.append(track.cap.cite)
                if track.per_hire is not None:
                    cites.append(track.per_hire.amount.cite)
        for cite in cites:
            assert cite.source.tier in TIERS, rule.id
            assert cite.where.ja, rule.id
            assert cite.where.en, rule.id
            assert cite.source.url or cite.source.title.ja, rule.id


def test_the_citys_discretion_is_quoted_from_the_ordinance() -> None:
    """Ordinance art. 2(3): 市長が特に認める地区 / 業種 -- discretion, with the words quoted."""
    rule = load_rules().rule("kanazawa_kigyo_ricchi_joseikin")
    plant = next(t for t in rule.parts[0].tracks if t.key == "manufacturing_plant")
    discretion = [c for c in plant.conditions if c.get("ask_reason") == "discretion"]
    assert {c.type for c in discretion} == {"industry", "zone"}
    for condition in discretion:
        assert condition.cite.source.tier == "ordinance"
        assert "市長が特に認める" in condition.cite.quote.ja
        assert condition.cite.quote.en


def test_aggregator_figures_say_so() -> None:
    """The city's rates and caps come only from aggregators: the 別表 was not visible."""
    rule = load_rules().rule("kanazawa_kigyo_ricchi_joseikin")
    for track in rule.parts[0].tracks:
        for formula in track.formulas:
            assert {t.cite.source.tier for t in formula} == {"aggregator"}
    hq = load_rules().rule("ishikawa_honsha_kino_ricchi_sokushin")
    assert hq.parts[0].tracks[0].cap.cite.source.tier == "aggregator"


def test_contacts_are_kept_in_one_place() -> None:
    rules = load_rules()
    city = rules.contacts["city_location_division"]
    assert (city.phone, city.email) == ("076-220-2225", "kigyou@city.kanazawa.lg.jp")
    assert "企業立地課" in city.name.ja
    assert {r.contact.key for r in rules.programmes} <= set(rules.contacts)


def test_rule_files_agree_with_the_committed_facts() -> None:
    assert check_against_facts(load_rules(), FACTS_COPY) == []


def test_rule_files_agree_with_the_shared_facts(facts_dir: Path) -> None:
    assert check_against_facts(load_rules(), facts_dir / "grants.yaml") == []


def test_a_changed_figure_or_a_new_programme_in_the_facts_is_reported(tmp_path: Path) -> None:
    facts = yaml.safe_load(FACTS_COPY.read_text(encoding="utf-8"))
    for g in facts["grants"]:
        if g["id"] == "ishikawa_kigyo_ricchi_sokushin":
            g["rates"]["new_pct"] = 25
    facts["grants"].append({"id": "kanazawa_new_thing", "issuer": "city"})
    path = tmp_path / "grants.yaml"
    path.write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    text = "\n".join(check_against_facts(load_rules(), path))
    assert "ishikawa_kigyo_ricchi_sokushin.yaml" in text
    assert "the facts say 25" in text
    assert "kanazawa_new_thing" in text


def test_every_problem_of_every_file_is_listed(tmp_path: Path) -> None:
    shutil.copytree(GRANTS_DIR, tmp_path / "grants", ignore=shutil.ignore_patterns("*.py"))
    rules = tmp_path / "grants" / "rules"
    broken = yaml.safe_load((rules / "kanazawa_satellite_office.yaml").read_text("utf-8"))
    broken["parts"][0]["tracks"][0]["cap"]["jpy"] = -1
    (rules / "kanazawa_satellite_office.yaml").write_text(yaml.safe_dump(broken), "utf-8")
    other = yaml.safe_load((rules / "ishikawa_hq_tax_special.yaml").read_text("utf-8"))
    other["conditions"][0]["cite"]["source"] = "nowhere"
    (rules / "ishikawa_hq_tax_special.yaml").write_text(yaml.safe_dump(other), "utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_rules(tmp_path / "grants")
    text = "\n".join(info.value.problems)
    assert "kanazawa_satellite_office.yaml" in text
    assert "ishikawa_hq_tax_special.yaml" in text
    assert "unknown source 'nowhere'" in text


def test_missing_rule_files_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="no grant rule files"):
        load_rules(tmp_path)
