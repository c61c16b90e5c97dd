"""Grant facts -> machine-readable rules (data/grant_rules.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from parks.errors import DataNotFoundError, InvalidInputError
from parks.grant_rules import RULES_FILE, build_rules, load_rules, rules_from_dict, write_rules

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
REQUIRED_IDS = [
    "kanazawa_kigyo_ricchi_joseikin",
    "kanazawa_honsha_kino_kyoka",
    "kanazawa_kyoten_saiseibi",
    "kanazawa_satellite_office",
    "kanazawa_techno_park_grant",
    "kanazawa_kogyo_danchi_soki_sogyo",
    "ishikawa_kigyo_ricchi_sokushin",
    "ishikawa_honsha_kino_ricchi_sokushin",
    "ishikawa_sozoteki_sangyo",
    "national_chiho_kyoten_kyoka_zeisei",
    "national_chiiki_mirai_toshi_zeisei",
]


def test_committed_rules_hold_every_required_programme() -> None:
    rules = load_rules(DATA_DIR)
    ids = [rule.id for rule in rules.programmes]
    assert set(REQUIRED_IDS) <= set(ids)
    assert rules.stacking["city_and_prefecture_combinable"] == "unknown"
    for rule in rules.programmes:
        assert rule.issuer in {"city", "prefecture", "national"}
        assert rule.kind in {"cash", "tax", "other"}


def test_published_figures_are_in_the_rules() -> None:
    rules = load_rules(DATA_DIR)
    city = rules.rule("kanazawa_kigyo_ricchi_joseikin")
    general = city.parts[0].tracks[0]
    assert [(t.items, t.rate_pct) for t in general.formulas[0]] == [
        (("land",), 20),
        (("building", "equipment"), 5),
    ]
    assert general.cap_jpy == 200_000_000
    assert general.up_to is True
    bonus = city.parts[1].tracks[0]
    assert (bonus.per_hire.amount_jpy, bonus.cap_jpy) == (200_000, 40_000_000)
    pref = rules.rule("ishikawa_kigyo_ricchi_sokushin").parts[0].tracks
    assert [(t.key, t.formulas[0][0].rate_pct, t.cap_jpy) for t in pref] == [
        ("new", 20, 500_000_000),
        ("expansion", 10, 200_000_000),
    ]
    assert rules.rule("kanazawa_honsha_kino_kyoka").validity.end.isoformat() == "2025-03-31"
    assert rules.rule("kanazawa_techno_park_grant").parts[0].tracks[0].rate_unknown
    assert all(s.url.startswith("http") for r in rules.programmes for s in r.sources)


def test_committed_file_is_current(facts_dir: Path) -> None:
    committed = yaml.safe_load((DATA_DIR / RULES_FILE).read_text(encoding="utf-8"))
    assert build_rules(facts_dir) == committed, "rebuild with `siting build-grants`"


def test_write_is_atomic_and_validated(tmp_path: Path, facts_dir: Path) -> None:
    doc = build_rules(facts_dir)
    path = write_rules(doc, tmp_path)
    assert load_rules(tmp_path).rule("ishikawa_sozoteki_sangyo").issuer == "prefecture"
    before = path.read_text(encoding="utf-8")
    with pytest.raises(InvalidInputError):
        write_rules({**doc, "schema_version": 99}, tmp_path)
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == [RULES_FILE]


def test_facts_missing_programmes_and_values_are_all_listed(
    tmp_path: Path, facts_dir: Path
) -> None:
    facts = yaml.safe_load((facts_dir / "grants.yaml").read_text(encoding="utf-8"))
    facts["grants"] = [g for g in facts["grants"] if g["id"] != "kanazawa_satellite_office"]
    for g in facts["grants"]:
        if g["id"] == "ishikawa_kigyo_ricchi_sokushin":
            del g["caps"]
    (tmp_path / "grants.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True), "utf-8")
    with pytest.raises(InvalidInputError) as info:
        build_rules(tmp_path)
    text = "\n".join(info.value.problems)
    assert "kanazawa_satellite_office" in text
    assert "ishikawa_kigyo_ricchi_sokushin: facts lack caps" in text


def test_missing_rule_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="siting build-grants"):
        load_rules(tmp_path)


def test_threshold_must_be_a_number() -> None:
    doc = {
        "schema_version": 1,
        "programmes": [
            {
                "id": "x",
                "issuer": "city",
                "name_ja": "x",
                "name_en": "x",
                "type": "grant",
                "kind": "cash",
                "conditions": [{"type": "min_count", "field": "new_hires", "min": None}],
            }
        ],
    }
    with pytest.raises(InvalidInputError, match="threshold must be an integer"):
        rules_from_dict(doc)
