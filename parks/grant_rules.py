"""Grant rules as data: the published facts turned into machine-readable programme rules.

``build_rules(facts_path)`` reads ``shared/data/facts/grants.yaml`` and returns the rule
document that ``siting build-grants`` writes to ``data/grant_rules.yaml``; ``load_rules`` reads
it back into frozen :class:`GrantRules`. Every number (rate, cap, threshold, per-hire amount,
date) is taken from the facts file at build time, so a corrected fact flows into the rules by
rebuilding. What the facts do not say in a machine-readable way (which firm-profile industries
a track covers, which zone kind an area condition means, how a threshold maps onto the profile)
is our reading, written here once and flagged ``inferred`` in the rules where the source does
not state it.

Rule vocabulary (``data/grant_rules.yaml``)
------------------------------------------
A programme has ``conditions`` and ``parts``; a part (e.g. the investment grant, the new-hire
bonus) has alternative ``tracks`` of which the best one applies; a track has ``conditions``,
``formulas`` (alternatives, the larger applies; each a list of terms ``rate_pct × sum(items)``),
an optional ``per_hire`` amount, a ``cap_jpy`` and ``up_to`` (the source says 以内).
Condition types: ``industry``, ``project``, ``origin``, ``hq_functions``, ``zone``,
``zoning``, ``park``, ``min_investment``, ``min_count`` and ``unknown`` (a condition the firm
profile cannot answer).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from parks.errors import DataNotFoundError, InvalidInputError
from parks.profile import COST_ITEMS, INDUSTRIES, PROJECTS

RULES_FILE = "grant_rules.yaml"
"""File name of the generated rule file inside the data directory."""

SCHEMA_VERSION = 1

Issuer = Literal["city", "prefecture", "national"]
BenefitKind = Literal["cash", "tax", "other"]

ZONE_KINDS = (
    "factory_site_zone",
    "priority_promotion_zone",
    "city_core_zone",
    "satellite_office_zone",
)
CONDITION_TYPES = (
    "industry",
    "project",
    "origin",
    "hq_functions",
    "zone",
    "zoning",
    "park",
    "min_investment",
    "min_count",
    "unknown",
)
COUNT_FIELDS = (
    "new_hires",
    "new_hires_residents",
    "new_hires_from_outside_prefecture",
    "regular_employees",
)
FACTS_PARK_IDS = {"kanazawa_techno_park": "techno-park"}
"""Park ids of the facts file mapped to the park ids of the dataset (GLOSSARY.md)."""

OFFICE_INDUSTRIES = ["research", "software", "design", "engineering"]
LOGISTICS_INDUSTRIES = ["logistics_transport", "logistics_wholesale"]
MANUFACTURING_INDUSTRIES = ["manufacturing", "high_tech_manufacturing"]
HIGH_TECH_ZONING = ["準工業地域", "工業地域", "工業専用地域"]
INVESTMENT_ITEMS = ["land", "building", "equipment", "relocation"]
FIXED_ASSET_ITEMS = ["land", "building", "equipment"]


# --------------------------------------------------------------------------- the rule model


@dataclass(frozen=True)
class Condition:
    """One eligibility condition of a programme or track (see the module docstring)."""

    type: str
    params: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.type not in CONDITION_TYPES:
            msg = f"unknown condition type {self.type!r}; expected one of {CONDITION_TYPES}"
            raise InvalidInputError(msg)

    def get(self, key: str, default: Any = None) -> Any:
        """Return a parameter of the condition."""
        return self.params.get(key, default)


@dataclass(frozen=True)
class Term:
    """``rate_pct`` percent of the sum of cost ``items``; ``rate_pct`` None = unknown rate."""

    items: tuple[str, ...]
    rate_pct: float | None
    inferred: bool = False

    def __post_init__(self) -> None:
        bad = [item for item in self.items if item not in COST_ITEMS]
        if bad or not self.items:
            msg = f"term items must be among {COST_ITEMS}, got {list(self.items)}"
            raise InvalidInputError(msg)
        if self.rate_pct is not None and not 0 <= self.rate_pct <= 100:
            msg = f"rate_pct must lie in 0..100, got {self.rate_pct}"
            raise InvalidInputError(msg)


@dataclass(frozen=True)
class PerHire:
    """``amount_jpy`` per head of the profile count ``count`` (None = unknown amount)."""

    count: str
    amount_jpy: int | None
    inferred: bool = False


@dataclass(frozen=True)
class Track:
    """One way to qualify for a part of a programme, with its formula and cap."""

    key: str
    name_ja: str
    name_en: str
    conditions: tuple[Condition, ...]
    formulas: tuple[tuple[Term, ...], ...]
    per_hire: PerHire | None
    cap_jpy: int | None
    up_to: bool
    rate_unknown: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Part:
    """A separately capped component of a programme (investment grant, new-hire bonus...)."""

    key: str
    tracks: tuple[Track, ...]
    requires_part: str | None = None


@dataclass(frozen=True)
class Validity:
    """Validity period of a programme; None ends mean not stated."""

    start: date | None
    end: date | None
    text: str
    end_inferred: bool = False
    standing: bool = False


@dataclass(frozen=True)
class Source:
    """Where a rule comes from."""

    url: str
    source_date: str


@dataclass(frozen=True)
class GrantRule:
    """One grant or benefit programme, keyed by the facts file's id."""

    id: str
    issuer: Issuer
    name_ja: str
    name_en: str
    type: str
    kind: BenefitKind
    validity: Validity
    sources: tuple[Source, ...]
    conditions: tuple[Condition, ...]
    parts: tuple[Part, ...]
    cap_jpy: int | None
    caveats: tuple[Mapping[str, str], ...]
    benefit: Mapping[str, Any] | None


@dataclass(frozen=True)
class GrantRules:
    """All programme rules plus what the sources say about combining them."""

    programmes: tuple[GrantRule, ...]
    stacking: Mapping[str, Any]
    meta: Mapping[str, Any]

    def rule(self, programme_id: str) -> GrantRule:
        """Return one programme's rule by id."""
        for rule in self.programmes:
            if rule.id == programme_id:
                return rule
        msg = f"no grant programme {programme_id!r}"
        raise KeyError(msg)


# --------------------------------------------------------------------------- loading


def rules_from_dict(doc: Mapping[str, Any]) -> GrantRules:
    """Turn a rule document (as written to ``data/grant_rules.yaml``) into GrantRules."""
    if doc.get("schema_version") != SCHEMA_VERSION:
        msg = (
            f"grant rules have schema_version {doc.get('schema_version')!r}, expected "
            f"{SCHEMA_VERSION}; rebuild with `siting build-grants`"
        )
        raise InvalidInputError(msg)
    problems = [
        f"{p.get('id')}: {c['type']} threshold must be an integer, got {c.get(key)!r}"
        for p in doc["programmes"]
        for c in _all_conditions(p)
        for key in (("min_jpy",) if c["type"] == "min_investment" else ("min",))
        if c["type"] in ("min_investment", "min_count")
        and (isinstance(c.get(key), bool) or not isinstance(c.get(key), int))
    ]
    if problems:
        raise InvalidInputError(problems)
    return GrantRules(
        programmes=tuple(_rule_from_dict(p) for p in doc["programmes"]),
        stacking=dict(doc.get("stacking", {})),
        meta={k: v for k, v in doc.items() if k not in ("programmes", "stacking")},
    )


def _all_conditions(p: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the conditions of a programme document and of all its tracks."""
    found = list(p.get("conditions", []))
    for part in p.get("parts", []):
        for track in part.get("tracks", []):
            found.extend(track.get("conditions", []))
    return found


def _conditions(items: list[dict[str, Any]] | None) -> tuple[Condition, ...]:
    return tuple(
        Condition(type=c["type"], params={k: v for k, v in c.items() if k != "type"})
        for c in items or []
    )


def _track_from_dict(t: Mapping[str, Any]) -> Track:
    per_hire = t.get("per_hire")
    return Track(
        key=t["key"],
        name_ja=t.get("name_ja", t["key"]),
        name_en=t.get("name_en", t["key"]),
        conditions=_conditions(t.get("conditions")),
        formulas=tuple(
            tuple(
                Term(
                    items=tuple(term["items"]),
                    rate_pct=term.get("rate_pct"),
                    inferred=bool(term.get("inferred", False)),
                )
                for term in formula
            )
            for formula in t.get("formulas", [])
        ),
        per_hire=None
        if per_hire is None
        else PerHire(
            count=per_hire["count"],
            amount_jpy=per_hire.get("amount_jpy"),
            inferred=bool(per_hire.get("inferred", False)),
        ),
        cap_jpy=t.get("cap_jpy"),
        up_to=bool(t.get("up_to", False)),
        rate_unknown=bool(t.get("rate_unknown", False)),
        note=t.get("note"),
    )


def _date_or_none(value: object) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _rule_from_dict(p: Mapping[str, Any]) -> GrantRule:
    validity = p.get("validity", {})
    return GrantRule(
        id=p["id"],
        issuer=p["issuer"],
        name_ja=p["name_ja"],
        name_en=p["name_en"],
        type=p["type"],
        kind=p["kind"],
        validity=Validity(
            start=_date_or_none(validity.get("start")),
            end=_date_or_none(validity.get("end")),
            text=str(validity.get("text", "")),
            end_inferred=bool(validity.get("end_inferred", False)),
            standing=bool(validity.get("standing", False)),
        ),
        sources=tuple(
            Source(url=s["url"], source_date=str(s.get("source_date", "unknown")))
            for s in p.get("sources", [])
        ),
        conditions=_conditions(p.get("conditions")),
        parts=tuple(
            Part(
                key=part["key"],
                tracks=tuple(_track_from_dict(t) for t in part["tracks"]),
                requires_part=part.get("requires_part"),
            )
            for part in p.get("parts", [])
        ),
        cap_jpy=p.get("cap_jpy"),
        caveats=tuple(dict(c) for c in p.get("caveats", [])),
        benefit=p.get("benefit"),
    )


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> GrantRules:  # noqa: ARG001 - part of cache key
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return rules_from_dict(doc)


def load_rules(data_dir: Path) -> GrantRules:
    """Read ``data_dir/grant_rules.yaml`` (cached until the file changes).

    Raises
    ------
    DataNotFoundError
        If the rule file does not exist.
    """
    path = Path(data_dir) / RULES_FILE
    if not path.exists():
        msg = f"no grant rules at {path}; build them with `siting build-grants`"
        raise DataNotFoundError(msg)
    return _load_cached(str(path.resolve()), path.stat().st_mtime_ns)


def write_rules(doc: Mapping[str, Any], out_dir: Path) -> Path:
    """Write a rule document to ``out_dir/grant_rules.yaml`` atomically; return the path.

    The document is checked by loading it first, so an invalid document writes nothing.
    """
    rules_from_dict(doc)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / RULES_FILE
    header = (
        "# GENERATED by `siting build-grants` from shared/data/facts/grants.yaml -- do not edit.\n"
        "# Rates, caps, thresholds and dates are copied from the facts; which profile industries\n"
        "# and zone kinds a rule covers is our reading of the sources, flagged `inferred`.\n"
    )
    text = header + yaml.safe_dump(dict(doc), allow_unicode=True, sort_keys=False, width=100)
    fd, tmp = tempfile.mkstemp(prefix=".grant_rules.", suffix=".tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).chmod(0o644)  # mkstemp makes it private; the rule file is public data
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------------- building


def build_rules(facts_path: Path) -> dict[str, Any]:
    """Convert the grant facts into a rule document (plain data, ready for YAML).

    Parameters
    ----------
    facts_path
        ``shared/data/facts/grants.yaml`` or the folder holding it.

    Returns
    -------
    dict
        The rule document; :func:`write_rules` writes it, :func:`rules_from_dict` loads it.

    Raises
    ------
    InvalidInputError
        If the facts lack a programme or a value the rules need (every problem listed).
    """
    facts_path = Path(facts_path)
    if facts_path.is_dir():
        facts_path = facts_path / "grants.yaml"
    if not facts_path.exists():
        msg = f"no grant facts at {facts_path}"
        raise DataNotFoundError(msg)
    facts = yaml.safe_load(facts_path.read_text(encoding="utf-8"))
    by_id = {g["id"]: g for g in facts.get("grants", [])}
    problems: list[str] = []
    programmes = []
    for programme_id, builder in _BUILDERS.items():
        entry = by_id.get(programme_id)
        if entry is None:
            problems.append(f"facts lack programme {programme_id!r}")
            continue
        try:
            programmes.append(builder(_Facts(entry, problems)))
        except (KeyError, TypeError, IndexError) as exc:
            problems.append(f"{programme_id}: cannot read {exc}")
    unused = sorted(set(by_id) - set(_BUILDERS) - set(EXCLUDED))
    problems.extend(f"facts programme {pid!r} has no rule builder" for pid in unused)
    if problems:
        raise InvalidInputError(problems)
    stacking = facts.get("stacking", {})
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_from": {
            "file": "shared/data/facts/grants.yaml",
            "compiled_on": str(facts.get("meta", {}).get("compiled_on", "unknown")),
        },
        "contacts": {
            "city": facts.get("meta", {}).get("city_contact"),
            "prefecture": facts.get("meta", {}).get("prefecture_contact"),
        },
        "stacking": {
            "city_and_prefecture_combinable": str(
                stacking.get("city_and_prefecture_combinable", "unknown")
            ),
            "note": stacking.get("note", ""),
            "inferred": bool(stacking.get("inferred", False)),
            "sources": list(stacking.get("sources", [])),
        },
        "excluded": [
            {"id": pid, "reason": reason} for pid, reason in EXCLUDED.items() if pid in by_id
        ],
        "programmes": programmes,
    }
    rules_from_dict(doc)
    return doc


EXCLUDED = {
    "kanazawa_ai_village": (
        "central-city offices in 金澤町家 for content/design/ICT firms; cannot apply to an "
        "industrial-park lot (facts: relevance)"
    ),
    "ishikawa_nariwai_saiken": (
        "recovery subsidy for facilities damaged by the 2024 Noto earthquake / rain; "
        "not a location incentive (facts: relevance)"
    ),
}
"""Facts programmes deliberately left out of the calculator, with the reason."""


class _Facts:
    """Read values out of one facts entry, recording a problem for every missing one."""

    def __init__(self, entry: Mapping[str, Any], problems: list[str]) -> None:
        self.entry = entry
        self.problems = problems

    @property
    def id(self) -> str:
        return str(self.entry["id"])

    def get(self, *path: str | int, default: Any = ...) -> Any:
        value: Any = self.entry
        for key in path:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                if default is not ...:
                    return default
                self.problems.append(f"{self.id}: facts lack {'.'.join(map(str, path))}")
                return None
        return value

    def number(self, *path: str | int) -> Any:
        """Return a numeric fact; None where the facts say ``unknown``."""
        value = self.get(*path)
        if value is None or value == "unknown":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.append(f"{self.id}: {'.'.join(map(str, path))} is not a number")
            return None
        return value

    def track(self, key: str) -> dict[str, Any]:
        for track in self.entry.get("tracks", []):
            if track.get("key") == key:
                return dict(track)
        self.problems.append(f"{self.id}: facts lack track {key!r}")
        return {}

    def base(self, kind: BenefitKind, **extra: Any) -> dict[str, Any]:
        """Return the fields every programme carries, copied from the facts."""
        return {
            "id": self.id,
            "issuer": self.entry["issuer"],
            "name_ja": self.entry["name_ja"],
            "name_en": self.entry["name_en"],
            "type": self.entry["type"],
            "kind": kind,
            "validity": _validity(self.entry.get("validity"), self.entry.get("status")),
            "sources": _sources(self.entry.get("sources", [])),
            **extra,
        }


_DATE_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s+to\s+(\d{4}-\d{2}-\d{2})")


def _validity(value: object, status: object = None) -> dict[str, Any]:
    """Read a validity period from the facts' free text (``YYYY-MM-DD to YYYY-MM-DD``)."""
    texts = []
    if isinstance(value, list):
        texts = [str(v.get("period", v)) if isinstance(v, dict) else str(v) for v in value]
    elif value is not None:
        texts = [str(value)]
    if status:
        texts.append(str(status))
    text = "; ".join(texts) or "unknown"
    match = _DATE_RANGE.search(text)
    return {
        "start": match.group(1) if match else None,
        "end": match.group(2) if match else None,
        "end_inferred": False,
        "standing": text.lower().startswith("standing"),
        "text": text,
    }


def _sources(items: list[Any]) -> list[dict[str, str]]:
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append({"url": str(item["url"]), "source_date": str(item.get("source_date"))})
        else:
            out.append({"url": str(item), "source_date": "unknown"})
    return out


def _caveat(en: str, ja: str) -> dict[str, str]:
    return {"en": en, "ja": ja}


def _industry(values: list[str], unknown: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    bad = [v for v in [*values, *(unknown or [])] if v not in INDUSTRIES]
    if bad:
        msg = f"unknown industries {bad}"
        raise KeyError(msg)
    return {"type": "industry", "in": values, "unknown": unknown or [], **extra}


def _min_investment(
    items: list[str],
    min_jpy: Any,
    *,
    strict: bool = False,
    lower_min_jpy: Any = None,
    lower_note: str | None = None,
    inferred: bool = False,
) -> dict[str, Any]:
    cond = {"type": "min_investment", "items": items, "min_jpy": min_jpy, "strict": strict}
    if lower_min_jpy is not None:
        cond["lower_min_jpy"] = lower_min_jpy
        cond["lower_note"] = lower_note
    if inferred:
        cond["inferred"] = True
    return cond


def _min_count(field: str, minimum: Any, **extra: Any) -> dict[str, Any]:
    if field not in COUNT_FIELDS:
        msg = f"unknown count field {field!r}"
        raise KeyError(msg)
    return {"type": "min_count", "field": field, "min": minimum, **extra}


def _unknown(en: str, ja: str) -> dict[str, Any]:
    return {"type": "unknown", "en": en, "ja": ja}


def _terms(*pairs: tuple[list[str], Any]) -> list[dict[str, Any]]:
    return [{"items": items, "rate_pct": rate} for items, rate in pairs]


# --------------------------------------------------------------------------- city programmes


def _kigyo_ricchi(f: _Facts) -> dict[str, Any]:
    """金沢市 企業立地助成金: industry tracks + resident new-hire bonus."""
    general = f.track("general_manufacturing_and_logistics")
    office = f.track("high_tech_or_specified_office")
    hires = f.track("new_hire_bonus")
    land_pct = general.get("rates", {}).get("land_pct")
    bldg_pct = general.get("rates", {}).get("building_and_equipment_pct")
    fa_pct = office.get("rates", {}).get("fixed_assets_pct")
    general_formula = _terms((["land"], land_pct), (["building", "equipment"], bldg_pct))
    loan = office.get("thresholds_from_loan_programme", {})
    return f.base(
        "cash",
        conditions=[_project(f.get("applies_to_new_or_expansion"))],
        cap_jpy=None,
        caveats=[
            _caveat(
                "A minimum investment may apply; the facts say it is unknown.",
                "最低投資額の要件があるかは不明です(資料に記載なし)。",
            ),
            _caveat(
                "Rates are maxima (以内): the city may grant less.",
                "助成率は上限(以内)であり、市はこれより少ない額とすることがあります。",
            ),
        ],
        parts=[
            {
                "key": "investment",
                "tracks": [
                    {
                        "key": "general_manufacturing",
                        "name_ja": "一般製造工場",
                        "name_en": "General manufacturing plant",
                        "conditions": [
                            _industry(MANUFACTURING_INDUSTRIES),
                            {
                                "type": "zone",
                                "kinds": ["factory_site_zone"],
                                "outside": "failed",
                                "note": "ordinance art. 2(3): 特定地区 (工場適地)",
                            },
                        ],
                        "formulas": [general_formula],
                        "cap_jpy": general.get("cap_jpy"),
                        "up_to": bool(general.get("rates", {}).get("up_to")),
                    },
                    {
                        "key": "general_logistics",
                        "name_ja": "物流施設を設置する運輸業又は卸売業",
                        "name_en": "Logistics facility of a transport or wholesale firm",
                        "conditions": [
                            _industry(LOGISTICS_INDUSTRIES),
                            {
                                "type": "zone",
                                "kinds": ["factory_site_zone"],
                                "outside": "unknown",
                                "inferred": bool(general.get("area_condition_inferred")),
                                "note": "whether the logistics track needs a 工場適地 was not visible in the source",
                            },
                        ],
                        "formulas": [general_formula],
                        "cap_jpy": general.get("cap_jpy"),
                        "up_to": bool(general.get("rates", {}).get("up_to")),
                    },
                    {
                        "key": "high_tech_factory",
                        "name_ja": "高度技術製品製造工場",
                        "name_en": "High-technology product factory",
                        "conditions": [
                            _industry(["high_tech_manufacturing"]),
                            {"type": "zoning", "in": HIGH_TECH_ZONING},
                        ],
                        "formulas": [
                            _terms((FIXED_ASSET_ITEMS, fa_pct)),
                            general_formula,
                        ],
                        "cap_jpy": office.get("cap_jpy"),
                        "up_to": bool(office.get("rates", {}).get("up_to")),
                        "note": office.get("cap_note"),
                    },
                    {
                        "key": "specified_office",
                        "name_ja": "特定事業所",
                        "name_en": "Specified business establishment",
                        "conditions": [
                            _industry(OFFICE_INDUSTRIES),
                            _min_count(
                                "regular_employees",
                                loan.get("employees_min"),
                                inferred=bool(loan.get("inferred")),
                                note="threshold of the matching city loan, assumed for the grant",
                            ),
                            _min_investment(
                                FIXED_ASSET_ITEMS,
                                loan.get("invested_capital_over_jpy"),
                                strict=True,
                                inferred=bool(loan.get("inferred")),
                            ),
                        ],
                        "formulas": [
                            _terms((FIXED_ASSET_ITEMS, fa_pct)),
                            general_formula,
                        ],
                        "cap_jpy": office.get("cap_jpy"),
                        "up_to": bool(office.get("rates", {}).get("up_to")),
                        "note": office.get("cap_note"),
                    },
                ],
            },
            {
                "key": "new_hire_bonus",
                "requires_part": "investment",
                "tracks": [
                    {
                        "key": "new_hire_bonus",
                        "name_ja": hires.get("name_ja", "新規雇用助成"),
                        "name_en": hires.get("name_en", "New-hire bonus"),
                        "conditions": [
                            _min_count("new_hires_residents", hires.get("min_new_hires"))
                        ],
                        "formulas": [],
                        "per_hire": {
                            "count": "new_hires_residents",
                            "amount_jpy": hires.get("per_new_hire_jpy"),
                        },
                        "cap_jpy": hires.get("cap_jpy"),
                        "up_to": False,
                    }
                ],
            },
        ],
    )


def _project(values: object) -> dict[str, Any]:
    """Map the facts' new/expansion wording onto the profile's project values."""
    words = " ".join(map(str, values)) if isinstance(values, list) else str(values or "")
    found = []
    if "new" in words or "relocation" in words:
        found.append("new_site")
    if "expansion" in words or "renovation" in words:
        found.append("expansion")
    return {"type": "project", "in": found or list(PROJECTS)}


def _techno_park(f: _Facts) -> dict[str, Any]:
    """金沢テクノパーク 企業立地助成金: park-specific; amounts in an unseen 別表."""
    parks = [FACTS_PARK_IDS.get(p, p) for p in f.get("applies_to_parks")]
    return f.base(
        "cash",
        conditions=[
            {"type": "park", "ids": parks},
            _project(f.get("applies_to_new_or_expansion")),
        ],
        cap_jpy=f.number("cap_jpy"),
        caveats=[
            _caveat(f.get("procedure"), "建設・増設の前に助成適用認定を受ける必要があります。"),
            _caveat(
                "Whether a Techno Park firm can also claim the general 企業立地助成金 was not found.",
                "一般の企業立地助成金と併給できるかは不明です。",
            ),
        ],
        parts=[
            {
                "key": "investment",
                "tracks": [
                    {
                        "key": "techno_park",
                        "name_ja": "高度技術工場・地域拠点工場・試験研究所・特定製造工場",
                        "name_en": ", ".join(f.get("categories_en")[:4]),
                        "conditions": [
                            _industry(
                                ["high_tech_manufacturing", "research"],
                                unknown=["manufacturing", "engineering"],
                                note=(
                                    "categories: high-tech, regional core and specified "
                                    "manufacturing factories, test and research labs"
                                ),
                            ),
                            _unknown(
                                "detailed criteria are in the rule's 別表, which was not visible",
                                "詳細な要件は施行規則の別表にあり、確認できていません",
                            ),
                        ],
                        "formulas": [],
                        "rate_unknown": True,
                        "cap_jpy": f.number("cap_jpy"),
                        "up_to": False,
                        "note": f.get("note"),
                    }
                ],
            }
        ],
    )


def _honsha_kino_kyoka(f: _Facts) -> dict[str, Any]:
    """金沢市 本社機能強化促進企業立地助成金 (FY2024 call)."""
    factory = f.track("factory_site_hq")
    centre = f.track("city_centre_hq")
    it = f.track("city_centre_it")
    hires = f.track("new_hire_bonus")
    rate = f.number("rates", "headline_pct")
    up_to = bool(f.get("rates", "up_to"))
    hq = {"type": "hq_functions"}
    detail_note = f.get("rates", "detail")
    return f.base(
        "cash",
        conditions=[_project(f.get("applies_to_new_or_expansion"))],
        cap_jpy=f.number("cap_jpy"),
        caveats=[
            _caveat(
                "Headline rate 1/10 (以内); separate rates for relocation vs expansion exist "
                "but were cut off in the source.",
                "助成率は10分の1以内(見出し値)。市外からの移転と市内拡充で異なる率があるが資料で確認できません。",
            )
        ],
        parts=[
            {
                "key": "investment",
                "tracks": [
                    {
                        "key": "factory_site_hq",
                        "name_ja": factory.get("name_ja"),
                        "name_en": factory.get("name_en"),
                        "conditions": [
                            hq,
                            _industry(
                                MANUFACTURING_INDUSTRIES + LOGISTICS_INDUSTRIES,
                                unknown=OFFICE_INDUSTRIES,
                                note="製造業等 (manufacturing etc.)",
                            ),
                            {
                                "type": "zone",
                                "kinds": ["factory_site_zone"],
                                "outside": "failed",
                                "note": "工場適地等",
                            },
                            _min_investment(INVESTMENT_ITEMS, factory.get("min_investment_jpy")),
                            _min_count("new_hires", factory.get("min_new_hires")),
                        ],
                        "formulas": [[{"items": INVESTMENT_ITEMS, "rate_pct": rate}]],
                        "cap_jpy": f.number("cap_jpy"),
                        "up_to": up_to,
                        "note": detail_note,
                    },
                    {
                        "key": "city_centre_hq",
                        "name_ja": centre.get("name_ja"),
                        "name_en": centre.get("name_en"),
                        "conditions": [
                            hq,
                            {
                                "type": "zone",
                                "kinds": ["city_core_zone"],
                                "outside": "failed",
                                "note": "都心拠点区域 / 湊4丁目50m道路沿い",
                            },
                            _min_investment(
                                [*INVESTMENT_ITEMS, "rent_3_years"],
                                centre.get("min_investment_plus_3yr_rent_jpy"),
                            ),
                            _min_count("new_hires", centre.get("min_new_hires")),
                        ],
                        "formulas": [
                            [{"items": [*INVESTMENT_ITEMS, "rent_3_years"], "rate_pct": rate}]
                        ],
                        "cap_jpy": f.number("cap_jpy"),
                        "up_to": up_to,
                        "note": detail_note,
                    },
                    {
                        "key": "city_centre_it",
                        "name_ja": it.get("name_ja"),
                        "name_en": it.get("name_en"),
                        "conditions": [
                            _industry(["software"]),
                            {
                                "type": "zone",
                                "kinds": ["city_core_zone"],
                                "outside": "failed",
                                "note": "都心拠点区域 / 湊4丁目50m道路沿い",
                            },
                            _min_count("regular_employees", it.get("min_regular_employees")),
                            _min_count("new_hires", it.get("min_new_hires")),
                        ],
                        "formulas": [
                            [
                                {
                                    "items": [*INVESTMENT_ITEMS, "rent_3_years"],
                                    "rate_pct": rate,
                                    "inferred": True,
                                }
                            ]
                        ],
                        "cap_jpy": f.number("cap_jpy"),
                        "up_to": up_to,
                        "note": "eligible costs of this track not stated; assumed as city_centre_hq",
                    },
                ],
            },
            {
                "key": "new_hire_bonus",
                "requires_part": "investment",
                "tracks": [
                    {
                        "key": "new_hire_bonus",
                        "name_ja": hires.get("name_ja"),
                        "name_en": hires.get("name_en"),
                        "conditions": [],
                        "formulas": [],
                        "per_hire": {
                            "count": "new_hires_residents",
                            "amount_jpy": None
                            if hires.get("per_new_hire_jpy") == "unknown"
                            else hires.get("per_new_hire_jpy"),
                        },
                        "cap_jpy": None,
                        "up_to": False,
                        "note": hires.get("per_new_hire_note"),
                    }
                ],
            },
        ],
    )


def _kyoten_saiseibi(f: _Facts) -> dict[str, Any]:
    """金沢市 拠点再整備企業立地助成金 (listed 2021-04-01..2023-03-31)."""
    rates = f.get("rates")
    return f.base(
        "cash",
        conditions=[
            _unknown(
                "firm must be a disaster-affected firm (被災企業等) or a base-restructuring firm "
                "(拠点再編企業); the firm profile does not say",
                "被災企業等又は拠点再編企業であること(プロフィールからは判断できません)",
            ),
            _unknown(
                "listed for large and mid-sized firms; the profile does not give firm size",
                "対象は大企業・中堅企業(プロフィールに企業規模なし)",
            ),
        ],
        cap_jpy=None,
        caveats=[],
        parts=[
            {
                "key": "investment",
                "tracks": [
                    {
                        "key": "restructuring",
                        "name_ja": "建物増築・改修、機械設備取得・移設",
                        "name_en": "Building extension/renovation, machinery acquisition/relocation",
                        "conditions": [],
                        "formulas": [
                            _terms(
                                (["building"], rates.get("building_extension_pct")),
                                (["equipment"], rates.get("machinery_acquisition_pct")),
                                (["relocation"], rates.get("machinery_relocation_pct")),
                            )
                        ],
                        "cap_jpy": f.number("cap_jpy"),
                        "up_to": False,
                    }
                ],
            },
            {
                "key": "new_hire_bonus",
                "requires_part": "investment",
                "tracks": [
                    {
                        "key": "new_hire_bonus",
                        "name_ja": "新規雇用 (市民)",
                        "name_en": "Resident new hires",
                        "conditions": [],
                        "formulas": [],
                        "per_hire": {
                            "count": "new_hires_residents",
                            "amount_jpy": f.number("new_hire", "per_new_hire_jpy"),
                        },
                        "cap_jpy": f.number("new_hire", "cap_jpy"),
                        "up_to": False,
                    }
                ],
            },
        ],
    )


def _satellite_office(f: _Facts) -> dict[str, Any]:
    """金沢市 サテライトオフィス開設助成金 (city-centre office zones only)."""
    rates = f.get("rates")

    def track(project: str, rate: Any) -> dict[str, Any]:
        return {
            "key": f"satellite_{project}",
            "name_ja": "新設" if project == "new_site" else "増設",
            "name_en": "New office" if project == "new_site" else "Expanded office",
            "conditions": [{"type": "project", "in": [project]}],
            "formulas": [],
            "rate_unknown": True,
            "cap_jpy": f.number("cap_jpy"),
            "up_to": bool(rates.get("up_to")),
            "note": f"rate {rate} % of a cost base the source does not name",
        }

    return f.base(
        "cash",
        conditions=[
            {
                "type": "zone",
                "kinds": ["satellite_office_zone"],
                "outside": "failed",
                "note": " / ".join(f.get("eligibility", "area")),
            },
            _project(f.get("eligibility", "applies_to_new_or_expansion")),
        ],
        cap_jpy=None,
        caveats=[
            _caveat(
                f"Rates {rates.get('new_pct')} % (new) / {rates.get('expansion_pct')} % "
                "(expansion) up to; the cost they apply to is not stated.",
                f"助成率 新設{rates.get('new_pct')}%・増設{rates.get('expansion_pct')}%以内。"
                "対象経費は資料に記載がありません。",
            )
        ],
        parts=[
            {
                "key": "investment",
                "tracks": [
                    track("new_site", rates.get("new_pct")),
                    track("expansion", rates.get("expansion_pct")),
                ],
            },
            {
                "key": "new_hire_bonus",
                "requires_part": "investment",
                "tracks": [
                    {
                        "key": "new_hire_bonus",
                        "name_ja": "新規雇用",
                        "name_en": "New hires",
                        "conditions": [],
                        "formulas": [],
                        "per_hire": {
                            "count": "new_hires",
                            "amount_jpy": f.number("new_hire", "per_new_hire_jpy"),
                        },
                        "cap_jpy": None,
                        "up_to": False,
                        "note": "whom the per-hire amount counts and its cap are not stated",
                    }
                ],
            },
        ],
    )


def _soki_sogyo(f: _Facts) -> dict[str, Any]:
    """金沢市 工業団地早期操業特別支援金: named, but no rate, cap or period found."""
    return f.base(
        "cash",
        conditions=[
            {"type": "park", "ids": None},
            {"type": "project", "in": ["new_site"]},
        ],
        cap_jpy=None,
        caveats=[_caveat(f.get("note"), "率・上限・期間はいずれの資料でも確認できていません。")],
        parts=[
            {
                "key": "property_tax_support",
                "tracks": [
                    {
                        "key": "early_operation",
                        "name_ja": "固定資産税相当額の一部",
                        "name_en": "Part of the fixed-asset tax",
                        "conditions": [],
                        "formulas": [],
                        "rate_unknown": True,
                        "cap_jpy": None,
                        "up_to": False,
                    }
                ],
            }
        ],
    )


def _loan(f: _Facts) -> dict[str, Any]:
    """金沢市 企業立地促進資金 (loan): listed as a benefit, not cash."""
    return f.base(
        "other",
        conditions=[_industry(list(INDUSTRIES))],
        cap_jpy=None,
        caveats=[_caveat(f.get("max_term"), "融資期間の表示は要確認")],
        benefit={
            "en": f"loan up to ¥{f.number('max_loan_jpy'):,} at "
            f"{f.number('interest_rate_pct')} % a year; collateral/guarantor may be required",
            "ja": f"融資限度額 {f.number('max_loan_jpy'):,}円、利率 年{f.number('interest_rate_pct')}%"
            "(担保・保証人が必要な場合あり)",
            "max_loan_jpy": f.number("max_loan_jpy"),
            "interest_rate_pct": f.number("interest_rate_pct"),
        },
        parts=[],
    )


def _hq_property_tax(f: _Facts) -> dict[str, Any]:
    """金沢市 本社機能移転等に係る固定資産税の減額 (approval deadline 2018-03-31)."""
    doc = f.base(
        "tax",
        conditions=[
            {"type": "hq_functions"},
            _min_investment(
                ["building", "equipment"],
                38_000_000,
                lower_min_jpy=19_000_000,
                lower_note="SMEs",
            ),
            _unknown(
                "needs prefectural approval under Ishikawa's regional-revitalisation plan "
                "before construction",
                "着工前に県の地域再生計画に基づく認定が必要",
            ),
        ],
        cap_jpy=None,
        caveats=[],
        benefit=_tax_benefit(f.get("benefit")),
        parts=[],
    )
    _check_fact_mentions(f, "eligibility", ["38,000,000", "19,000,000"])
    deadline = _deadline(f.get("eligibility"))
    if deadline:
        doc["validity"]["end"] = deadline
        doc["validity"]["end_inferred"] = True
    return doc


_DEADLINE = re.compile(r"deadline was approval by (\d{4}-\d{2}-\d{2})")


def _deadline(texts: object) -> str | None:
    for text in texts if isinstance(texts, list) else [texts]:
        match = _DEADLINE.search(str(text))
        if match:
            return match.group(1)
    return None


def _check_fact_mentions(f: _Facts, key: str, needles: list[str]) -> None:
    """Record a problem if a threshold written into a rule no longer appears in the facts."""
    text = " ".join(map(str, f.get(key, default=[]) or []))
    f.problems.extend(
        f"{f.id}: facts {key} no longer mention {needle}"
        for needle in needles
        if needle not in text
    )


def _tax_benefit(benefit: object) -> dict[str, Any]:
    if isinstance(benefit, dict):
        parts = [f"{k.replace('_', ' ')}: {v}" for k, v in benefit.items()]
        return {"en": "; ".join(parts), "ja": "; ".join(parts), "detail": benefit}
    return {"en": str(benefit), "ja": str(benefit)}


# --------------------------------------------------------------------------- prefecture


def _ishikawa_two_track(
    f: _Facts, *, items: list[str], hire_count: str, extra: list[dict[str, Any]]
) -> dict[str, Any]:
    """Shared shape of the two prefectural location subsidies (new vs expansion)."""
    min_inv = f.number("eligibility", "min_investment_jpy")
    per_hire = f.number("per_new_hire", "amount_jpy")

    def track(project: str, origins: list[str], rate: Any, cap: Any) -> dict[str, Any]:
        label = "new" if project == "new" else "expansion"
        return {
            "key": label,
            "name_ja": "新設" if project == "new" else "増設",
            "name_en": f.get("eligibility", f"{label}_definition"),
            "conditions": [
                {
                    "type": "origin",
                    "in": origins,
                    "note": f.get("eligibility", f"{label}_definition"),
                },
                *extra,
                _min_investment(INVESTMENT_ITEMS, min_inv),
            ],
            "formulas": [[{"items": items, "rate_pct": rate}]],
            "per_hire": {"count": hire_count, "amount_jpy": per_hire},
            "cap_jpy": cap,
            "up_to": False,
        }

    return f.base(
        "cash",
        conditions=[],
        cap_jpy=None,
        caveats=[
            _caveat(
                f"Per-company cap ¥{f.number('caps', 'per_company_jpy'):,} over all projects.",
                f"1社あたりの上限 {f.number('caps', 'per_company_jpy'):,}円。",
            ),
            _caveat(
                "Industries covered and validity period are not stated in the source.",
                "対象業種・実施期間は資料に記載がありません。",
            ),
        ],
        parts=[
            {
                "key": "investment",
                "tracks": [
                    track(
                        "new",
                        ["outside_prefecture"],
                        f.number("rates", "new_pct"),
                        f.number("caps", "new_jpy"),
                    ),
                    track(
                        "expansion",
                        ["inside_prefecture", "inside_city"],
                        f.number("rates", "expansion_pct"),
                        f.number("caps", "expansion_jpy"),
                    ),
                ],
            }
        ],
    )


def _ishikawa_kigyo_ricchi(f: _Facts) -> dict[str, Any]:
    """石川県 企業立地促進補助金: 20 % new / 10 % expansion of land+building+equipment+relocation."""
    return _ishikawa_two_track(
        f,
        items=INVESTMENT_ITEMS,
        hire_count="new_hires_from_outside_prefecture",
        extra=[
            _min_count("regular_employees", f.number("eligibility", "min_regular_employees")),
        ],
    )


def _ishikawa_honsha(f: _Facts) -> dict[str, Any]:
    """石川県 本社機能立地促進補助金: 25 % new / 15 % expansion of land+building+relocation."""
    return _ishikawa_two_track(
        f,
        items=["land", "building", "relocation"],
        hire_count="new_hires",
        extra=[
            {"type": "hq_functions"},
            _min_count(
                "new_hires",
                f.number("eligibility", "min_net_new_regular_employees"),
                note="net increase of regular employees, taken as the new hires",
            ),
        ],
    )


def _ishikawa_sozoteki(f: _Facts) -> dict[str, Any]:
    """石川県 創造的産業等立地促進補助金: three alternative tracks, cap 15億円."""
    cap = f.number("caps", "standard_jpy")

    def track(key: str, condition: dict[str, Any]) -> dict[str, Any]:
        t = f.track(key)
        return {
            "key": key,
            "name_ja": t.get("name_ja"),
            "name_en": t.get("name_en"),
            "conditions": [
                condition,
                _min_investment(FIXED_ASSET_ITEMS, t.get("min_investment_jpy")),
                _min_count(
                    "new_hires",
                    t.get("min_net_new_regular_employees"),
                    note="net increase of regular employees, taken as the new hires",
                ),
            ],
            "formulas": [[{"items": FIXED_ASSET_ITEMS, "rate_pct": t.get("rate_pct")}]],
            "cap_jpy": cap,
            "up_to": bool(t.get("up_to")),
        }

    return f.base(
        "cash",
        conditions=[],
        cap_jpy=None,
        caveats=[
            _caveat(
                f"Cap ¥{cap:,}; up to ¥{f.number('caps', 'governor_special_jpy'):,} with the "
                "governor's special approval.",
                f"上限 {cap:,}円(知事特認で {f.number('caps', 'governor_special_jpy'):,}円)。",
            )
        ],
        parts=[
            {
                "key": "investment",
                "tracks": [
                    track(
                        "higher_order_functions",
                        {"type": "hq_functions", "or_industries": ["research"]},
                    ),
                    track(
                        "airport_port_users",
                        _unknown(
                            "plant must import/export through the prefecture's airport or ports",
                            "県内の空港・港湾を活用して輸出入を行う工場等であること",
                        ),
                    ),
                    track(
                        "proprietary_technology",
                        _unknown(
                            "plant must make high-market-share products or hold advanced "
                            "proprietary technology",
                            "高シェア製品又は高度な独自技術を有する工場等であること",
                        ),
                    ),
                ],
            }
        ],
    )


def _ishikawa_hq_tax(f: _Facts) -> dict[str, Any]:
    """石川県 本社機能立地促進のための県税の課税の特例."""
    _check_fact_mentions(f, "eligibility", ["38,000,000", "19,000,000"])
    return f.base(
        "tax",
        conditions=[
            {"type": "hq_functions"},
            _min_investment(
                ["building", "equipment"],
                38_000_000,
                lower_min_jpy=19_000_000,
                lower_note="SMEs",
            ),
            _unknown("facility-development plan must be approved", "施設整備計画の認定が必要"),
        ],
        cap_jpy=None,
        caveats=[],
        benefit=_tax_benefit(f.get("benefit")),
        parts=[],
    )


def _ishikawa_regional_core_tax(f: _Facts) -> dict[str, Any]:
    """石川県 地域経済牽引事業の促進のための県税の課税の特例."""
    _check_fact_mentions(f, "eligibility", ["100,000,000", "50,000,000"])
    return f.base(
        "tax",
        conditions=[
            _min_investment(
                ["land", "building"],
                100_000_000,
                strict=True,
                lower_min_jpy=50_000_000,
                lower_note="some industries",
            ),
            _unknown(
                "地域経済牽引事業計画 must be approved and its advanced-ness confirmed",
                "地域経済牽引事業計画の承認と先進性の確認が必要",
            ),
        ],
        cap_jpy=None,
        caveats=[],
        benefit=_tax_benefit(f.get("benefit")),
        parts=[],
    )


def _ishikawa_hq_plan(f: _Facts) -> dict[str, Any]:
    """石川県 地域再生計画 (HQ functions): a certification that unlocks national tax relief."""
    return f.base(
        "other",
        conditions=[
            {"type": "hq_functions"},
            _min_count(
                "new_hires",
                5,
                lower_min=1,
                lower_note="SMEs",
                note="increase of regular employees at the HQ function",
            ),
            _unknown(
                "whether Kanazawa lies in the plan's target area is unknown",
                "金沢市が計画の対象地域に含まれるかは不明",
            ),
        ],
        cap_jpy=None,
        caveats=[],
        benefit={
            "en": f.get("benefit"),
            "ja": "認定により国の税制特例・政府系金融機関の低利融資の対象となり得る",
        },
        parts=[],
    )


# --------------------------------------------------------------------------- national


def _chiho_kyoten(f: _Facts) -> dict[str, Any]:
    """国 地方拠点強化税制 (office tax cut and employment credit)."""
    _check_fact_mentions(f, "eligibility", ["20,000,000", "10,000,000"])
    latest: dict[str, Any] = next(
        (b for b in f.get("benefits_by_date") if str(b.get("as_of")) == "2020-04-01"), {}
    )
    rates = {k: v for k, v in latest.items() if k not in ("as_of", "source")}
    return f.base(
        "tax",
        conditions=[
            {"type": "hq_functions"},
            _min_investment(["building"], 20_000_000, lower_min_jpy=10_000_000, lower_note="SMEs"),
            _unknown(
                "needs the prefecture's approval of the firm's plan (石川県 地域再生計画)",
                "県による整備計画の認定が必要",
            ),
        ],
        cap_jpy=None,
        caveats=[],
        benefit={
            "en": "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in rates.items())
            + f" (as of {latest.get('as_of')})",
            "ja": "オフィス減税(移転型 特別償却25%又は税額控除7%、拡充型 15%又は4%)、"
            "雇用促進税制(移転型 1人最大90万円、拡充型 30万円)"
            f"({latest.get('as_of')} 時点)",
            "as_of": latest.get("as_of"),
            "rates": rates,
            "source": latest.get("source"),
        },
        parts=[],
    )


def _chiiki_mirai(f: _Facts) -> dict[str, Any]:
    """国 地域未来投資促進税制."""
    _check_fact_mentions(f, "eligibility", ["20,000,000"])
    latest = f.get("benefits_by_date")[-1]
    doc = f.base(
        "tax",
        conditions=[
            _min_investment(["building", "equipment"], 20_000_000),
            _unknown(
                "地域経済牽引事業計画 approval, advanced-ness (productivity or ROI), sales-growth "
                "test and capex >= 10 % of last year's depreciation",
                "地域経済牽引事業計画の承認、先進性、売上伸び率、前年度減価償却費の10%以上の投資",
            ),
        ],
        cap_jpy=None,
        caveats=[
            _caveat(
                str(f.get("ishikawa_basic_plan")),
                "石川県の基本計画は県全域が対象(2017-09-29同意)",
            )
        ],
        benefit={
            "en": f"{latest.get('summary')} ({latest.get('as_of')})",
            "ja": "特別償却 最大50% 又は 税額控除 最大5%(経産省、2024年度末まで)",
            "as_of": latest.get("as_of"),
        },
        parts=[],
    )
    if "end of FY2024" in str(latest.get("as_of")):
        doc["validity"] = {
            "start": None,
            "end": "2025-03-31",
            "end_inferred": True,
            "text": f"{latest.get('as_of')}; whether it was extended is unknown",
        }
    return doc


_BUILDERS = {
    "kanazawa_kigyo_ricchi_joseikin": _kigyo_ricchi,
    "kanazawa_techno_park_grant": _techno_park,
    "kanazawa_honsha_kino_kyoka": _honsha_kino_kyoka,
    "kanazawa_kyoten_saiseibi": _kyoten_saiseibi,
    "kanazawa_satellite_office": _satellite_office,
    "kanazawa_kogyo_danchi_soki_sogyo": _soki_sogyo,
    "kanazawa_kigyo_ricchi_sokushin_shikin": _loan,
    "kanazawa_hq_property_tax_reduction": _hq_property_tax,
    "ishikawa_kigyo_ricchi_sokushin": _ishikawa_kigyo_ricchi,
    "ishikawa_honsha_kino_ricchi_sokushin": _ishikawa_honsha,
    "ishikawa_sozoteki_sangyo": _ishikawa_sozoteki,
    "ishikawa_hq_tax_special": _ishikawa_hq_tax,
    "ishikawa_regional_core_tax_special": _ishikawa_regional_core_tax,
    "ishikawa_chiiki_saisei_hq_plan": _ishikawa_hq_plan,
    "national_chiho_kyoten_kyoka_zeisei": _chiho_kyoten,
    "national_chiiki_mirai_toshi_zeisei": _chiiki_mirai,
}
"""One builder per facts programme id; the order is the order of the report."""
