"""Grant rules as hand-kept data: one YAML file per programme, read into frozen rule objects.

The rule files live in ``parks/grants/rules/*.yaml`` and are the runtime truth: each
condition, rate, cap, threshold, amount and deadline carries a :class:`Cite` -- the source
(URL, title, date, tier) and the article or page it comes from, with the source's own words
where the city decides at its discretion. ``shared/data/facts/grants.yaml`` (copied to
``data/facts/grants.yaml``) stays the research record; ``siting check-grants`` and the tests
compare the two.

Source tiers, strongest first (:data:`TIERS`):

* ``ordinance``: the issuer's enacted text (条例, 規則);
* ``official_page``: the issuer's own web page or published document (e.g. the city strategy);
* ``council_minutes``: what the issuer said in its assembly (会議録);
* ``aggregator``: any secondary restatement (commercial listings, another body's page).

Beside the programme files: ``contacts.yaml`` (who to ask, kept in one place),
``stacking.yaml`` (what the sources say about combining programmes), ``vocabulary.yaml``
(names of the profile's enumerations in both languages) and ``excluded.yaml`` (researched
programmes deliberately left out, with the reason). ``rule.schema.json`` is the JSON Schema of
a programme file; :func:`load_rules` checks every file against it and gathers every problem.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

from parks.errors import DataNotFoundError, InvalidInputError
from parks.messages import Name

GRANTS_DIR = Path(__file__).resolve().parent
"""The package folder holding the schema, contacts, vocabulary and the ``rules/`` folder."""

RULES_DIR = GRANTS_DIR / "rules"
"""The folder of programme rule files (one ``<programme id>.yaml`` each)."""

SCHEMA_PATH = GRANTS_DIR / "rule.schema.json"

Tier = Literal["ordinance", "official_page", "council_minutes", "aggregator"]
TIERS: tuple[Tier, ...] = ("ordinance", "official_page", "council_minutes", "aggregator")
"""Source tiers from the strongest to the weakest."""

Issuer = Literal["city", "prefecture", "national"]
BenefitKind = Literal["cash", "tax", "loan", "certification"]
AskReason = Literal["discretion", "not_in_profile", "not_published"]
Timing = Literal[
    "before_building",
    "before_application",
    "after_completion",
    "within_one_year_of_operation",
]

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
    "ask",
)


# --------------------------------------------------------------------------- small values


@dataclass(frozen=True)
class Text:
    """A sentence or name kept as data in both languages (rule files, vocabulary)."""

    ja: str
    en: str

    def in_lang(self, lang: str) -> str:
        """Return the text in ``lang`` (``"ja"`` or ``"en"``)."""
        return self.ja if lang == "ja" else self.en

    def name(self, kind: str, key: str) -> Name:
        """Return the text as a message parameter that renders in the reader's language."""
        return Name(kind, key, ja=self.ja, en=self.en)


@dataclass(frozen=True)
class Source:
    """A document a rule comes from, with its tier and the date it carries."""

    key: str
    url: str | None
    title: Text
    tier: Tier
    date: str
    note: Text | None = None
    date_note: Text | None = None


@dataclass(frozen=True)
class Cite:
    """Where one rule comes from: a source, the article or page, and its words if quoted."""

    source: Source
    where: Text
    quote: Text | None = None
    inferred: bool = False
    note: Text | None = None

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """Return the citation as JSON data in one language (the quote in both)."""
        out: dict[str, Any] = {
            "url": self.source.url,
            "title": self.source.title.in_lang(lang),
            "where": self.where.in_lang(lang),
            "tier": self.source.tier,
            "date": self.source.date,
        }
        if self.source.date_note is not None:
            out["date_note"] = self.source.date_note.in_lang(lang)
        if self.quote is not None:
            out["quote"] = {"ja": self.quote.ja, "en": self.quote.en}
        if self.inferred:
            out["inferred"] = True
        if self.note is not None:
            out["note"] = self.note.in_lang(lang)
        return out


@dataclass(frozen=True)
class Contact:
    """An office to ask, with its phone, fax and e-mail as a source gives them."""

    key: str
    name: Text
    phone: str | None
    fax: str | None
    email: str | None
    cite: Cite

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """Return the contact as JSON data in one language."""
        return {
            "name": self.name.in_lang(lang),
            "phone": self.phone,
            "fax": self.fax,
            "email": self.email,
            "source": self.cite.to_dict(lang),
        }


# --------------------------------------------------------------------------- the rule model


@dataclass(frozen=True)
class Condition:
    """One eligibility condition (type and parameters as in ``rule.schema.json``)."""

    type: str
    params: Mapping[str, Any]
    cite: Cite

    def get(self, key: str, default: Any = None) -> Any:
        """Return a parameter of the condition."""
        return self.params.get(key, default)


@dataclass(frozen=True)
class Term:
    """``rate_pct`` percent of the sum of the cost ``items`` (``rate_pct`` None: unpublished)."""

    items: tuple[str, ...]
    rate_pct: float | None
    cite: Cite


@dataclass(frozen=True)
class Amount:
    """An amount in yen (a cap, a per-head sum) and where it comes from; None = unpublished."""

    jpy: int | None
    cite: Cite


@dataclass(frozen=True)
class PerHire:
    """``amount`` per head of the profile count ``count``."""

    count: str
    amount: Amount


@dataclass(frozen=True)
class Track:
    """One way (category) to qualify for a part, with its formula, cap and conditions."""

    key: str
    name: Text
    cite: Cite
    conditions: tuple[Condition, ...]
    formulas: tuple[tuple[Term, ...], ...]
    per_hire: PerHire | None
    cap: Amount | None
    up_to: bool
    rate_unknown: Cite | None = None


@dataclass(frozen=True)
class Part:
    """A separately capped component of a programme (investment grant, new-hire grant...)."""

    key: str
    name: Text
    tracks: tuple[Track, ...]
    requires_part: str | None = None
    requires_cite: Cite | None = None


@dataclass(frozen=True)
class Validity:
    """The period a programme takes applications; None ends mean the source states none."""

    start: date | None
    end: date | None
    standing: bool
    text: Text
    cite: Cite
    end_inferred: bool = False


@dataclass(frozen=True)
class Step:
    """Something the firm must do, and when (``timing``), to get a programme."""

    key: str
    timing: Timing
    text: Text
    cite: Cite
    parts: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class GrantRule:
    """One grant or benefit programme as its rule file states it."""

    id: str
    order: int
    issuer: Issuer
    name: Text
    kind: BenefitKind
    contact: Contact
    checked_on: date
    sources: tuple[Source, ...]
    validity: Validity
    conditions: tuple[Condition, ...]
    parts: tuple[Part, ...]
    cap: Amount | None
    caveats: tuple[Text, ...]
    benefit: Text | None
    benefit_cite: Cite | None
    steps: tuple[Step, ...]
    facts_id: str | None

    def programme_name(self) -> Name:
        """Return the programme's name as a message parameter (never its id)."""
        return self.name.name("programme", self.id)


@dataclass(frozen=True, eq=False)
class Stacking:
    """What the sources say about receiving city and prefecture grants together."""

    combinable: Literal["yes", "no", "unknown"]
    label: Text
    note: Text
    inferred: bool
    sources: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class GrantRules:
    """Every programme rule, the contacts, the stacking note and the vocabulary.

    Compared and hashed by identity: one loaded rule set is one cache key.
    """

    programmes: tuple[GrantRule, ...]
    contacts: Mapping[str, Contact]
    stacking: Stacking
    vocabulary: Mapping[str, Mapping[str, Text]] = field(default_factory=dict)
    excluded: Mapping[str, Text] = field(default_factory=dict)

    def rule(self, programme_id: str) -> GrantRule:
        """Return one programme's rule by id.

        Raises
        ------
        KeyError
            If no rule file has this id.
        """
        for rule in self.programmes:
            if rule.id == programme_id:
                return rule
        msg = f"no grant programme {programme_id!r}"
        raise KeyError(msg)

    def label(self, kind: str, key: str) -> Name:
        """Return a vocabulary entry (an industry, a cost item...) as a message parameter."""
        text = self.vocabulary.get(kind, {}).get(key)
        if text is None:
            return Name(kind, key)
        return text.name(kind, key)


# --------------------------------------------------------------------------- loading


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """A safe YAML loader that keeps dates as text, as the JSON Schema expects them."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        msg = f"{path.name}: not valid YAML ({exc})"
        raise InvalidInputError(msg) from exc


@cache
def load_schema() -> dict[str, Any]:
    """Return the JSON Schema of a programme rule file (read once)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator(definition: str | None = None) -> jsonschema.Draft202012Validator:
    schema = load_schema()
    if definition is not None:
        schema = {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(schema)


def schema_problems(doc: object, *, name: str, definition: str | None = None) -> list[str]:
    """Return every violation of ``rule.schema.json`` in ``doc``, prefixed with file and path.

    ``definition`` names a ``$defs`` entry to check against instead of a programme file
    (``contacts_file``, ``stacking_file``, ``vocabulary_file``, ``excluded_file``).
    """
    errors = sorted(
        _validator(definition).iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]
    )
    out = []
    for error in errors:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        out.append(f"{name}: ${path}: {error.message}")
    return out


def _text(value: Mapping[str, str]) -> Text:
    return Text(ja=str(value["ja"]), en=str(value["en"]))


def _opt_text(value: Mapping[str, str] | None) -> Text | None:
    return None if value is None else _text(value)


def _date(value: object) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class _Reader:
    """Build rule objects from one validated programme document, resolving source keys."""

    def __init__(self, doc: Mapping[str, Any], contacts: Mapping[str, Contact]) -> None:
        self.doc = doc
        self.sources = {
            key: Source(
                key=key,
                url=value.get("url"),
                title=_text(value["title"]),
                tier=value["tier"],
                date=str(value["date"]),
                note=_opt_text(value.get("note")),
                date_note=_opt_text(value.get("date_note")),
            )
            for key, value in doc["sources"].items()
        }
        self.contacts = contacts

    def cite(self, value: Mapping[str, Any]) -> Cite:
        return cite_from(value, self.sources)

    def amount(self, value: Mapping[str, Any] | None) -> Amount | None:
        if value is None:
            return None
        return Amount(jpy=value.get("jpy"), cite=self.cite(value["cite"]))

    def conditions(self, items: Iterable[Mapping[str, Any]]) -> tuple[Condition, ...]:
        return tuple(
            Condition(
                type=c["type"],
                params={k: v for k, v in c.items() if k not in ("type", "cite")},
                cite=self.cite(c["cite"]),
            )
            for c in items
        )

    def track(self, t: Mapping[str, Any]) -> Track:
        per_hire = t.get("per_hire")
        return Track(
            key=t["key"],
            name=_text(t["name"]),
            cite=self.cite(t["cite"]),
            conditions=self.conditions(t.get("conditions", [])),
            formulas=tuple(
                tuple(
                    Term(
                        items=tuple(term["items"]),
                        rate_pct=term["rate_pct"],
                        cite=self.cite(term["cite"]),
                    )
                    for term in formula
                )
                for formula in t.get("formulas", [])
            ),
            per_hire=None
            if per_hire is None
            else PerHire(
                count=per_hire["count"],
                amount=Amount(jpy=per_hire.get("jpy"), cite=self.cite(per_hire["cite"])),
            ),
            cap=self.amount(t.get("cap")),
            up_to=bool(t.get("up_to", False)),
            rate_unknown=self.cite(t["rate_unknown"]) if t.get("rate_unknown") else None,
        )

    def rule(self) -> GrantRule:
        d = self.doc
        validity = d["validity"]
        contact_key = d["contact"]
        return GrantRule(
            id=d["id"],
            order=int(d["order"]),
            issuer=d["issuer"],
            name=_text(d["name"]),
            kind=d["kind"],
            contact=self.contacts[contact_key],
            checked_on=_date(d["checked_on"]) or date.min,
            sources=tuple(self.sources.values()),
            validity=Validity(
                start=_date(validity.get("start")),
                end=_date(validity.get("end")),
                standing=bool(validity.get("standing", False)),
                text=_text(validity["text"]),
                cite=self.cite(validity["cite"]),
                end_inferred=bool(validity.get("end_inferred", False)),
            ),
            conditions=self.conditions(d.get("conditions", [])),
            parts=tuple(
                Part(
                    key=p["key"],
                    name=_text(p["name"]),
                    tracks=tuple(self.track(t) for t in p["tracks"]),
                    requires_part=p.get("requires_part"),
                    requires_cite=self.cite(p["requires_cite"]) if p.get("requires_cite") else None,
                )
                for p in d.get("parts", [])
            ),
            cap=self.amount(d.get("cap")),
            caveats=tuple(_text(c) for c in d.get("caveats", [])),
            benefit=_opt_text(d.get("benefit", {}).get("text")) if d.get("benefit") else None,
            benefit_cite=self.cite(d["benefit"]["cite"]) if d.get("benefit") else None,
            steps=tuple(
                Step(
                    key=s["key"],
                    timing=s["timing"],
                    text=_text(s["text"]),
                    cite=self.cite(s["cite"]),
                    parts=tuple(s.get("parts", [])),
                )
                for s in d.get("steps", [])
            ),
            facts_id=d.get("facts_id"),
        )


def cite_from(value: Mapping[str, Any], sources: Mapping[str, Source]) -> Cite:
    """Resolve a citation document (``source`` key, ``where``, ``quote``...) against sources."""
    return Cite(
        source=sources[value["source"]],
        where=_text(value["where"]),
        quote=_opt_text(value.get("quote")),
        inferred=bool(value.get("inferred", False)),
        note=_opt_text(value.get("note")),
    )


def _cross_problems(doc: Mapping[str, Any], name: str, contacts: Iterable[str]) -> list[str]:
    """Return what the schema cannot check: source keys, contact keys, part references."""
    problems: list[str] = []
    if doc.get("id") != Path(name).stem:
        problems.append(f"{name}: id {doc.get('id')!r} must equal the file name")
    sources = set(doc.get("sources", {}))

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if "source" in value and "where" in value and value["source"] not in sources:
                problems.append(f"{name}: {path}: unknown source {value['source']!r}")
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(dict(doc), "$")
    if doc.get("contact") not in set(contacts):
        problems.append(f"{name}: unknown contact {doc.get('contact')!r}")
    parts = [p.get("key") for p in doc.get("parts", [])]
    for p in doc.get("parts", []):
        if p.get("requires_part") is not None and p["requires_part"] not in parts:
            problems.append(f"{name}: part {p.get('key')!r} requires unknown part")
    for s in doc.get("steps", []):
        problems += [
            f"{name}: step {s.get('key')!r} names unknown part {k!r}"
            for k in s.get("parts", [])
            if k not in parts
        ]
    return problems


def _contacts(doc: Mapping[str, Any]) -> dict[str, Contact]:
    sources = {
        key: Source(
            key=key,
            url=value.get("url"),
            title=_text(value["title"]),
            tier=value["tier"],
            date=str(value["date"]),
            date_note=_opt_text(value.get("date_note")),
        )
        for key, value in doc["sources"].items()
    }
    return {
        key: Contact(
            key=key,
            name=_text(value["name"]),
            phone=value.get("phone"),
            fax=value.get("fax"),
            email=value.get("email"),
            cite=cite_from(value["cite"], sources),
        )
        for key, value in doc["contacts"].items()
    }


def load_rules(rules_dir: Path | None = None) -> GrantRules:
    """Read, check and return every programme rule (cached per folder and file times).

    Parameters
    ----------
    rules_dir
        A folder laid out as ``parks/grants/`` (``contacts.yaml``, ``stacking.yaml``,
        ``vocabulary.yaml``, ``excluded.yaml`` and ``rules/*.yaml``); default: the package's.

    Raises
    ------
    DataNotFoundError
        If the folder holds no programme rule file.
    InvalidInputError
        Listing every problem of every file (schema violations, unknown source keys...).
    """
    base = Path(rules_dir) if rules_dir is not None else GRANTS_DIR
    if rules_dir is None:
        # the package's own rules: a server asks on every request, so look at the files
        # (two dozen stat calls, about half a millisecond) at most every RECHECK_SECONDS
        now = time.monotonic()
        checked = _package_rules.get("rules")
        if checked is not None and now - checked[0] < RECHECK_SECONDS:
            return checked[1]
        rules = _load_rules_from(base)
        _package_rules["rules"] = (now, rules)
        return rules
    return _load_rules_from(base)


RECHECK_SECONDS = 2.0
"""How long the package's rules are used before their files are looked at again."""
_package_rules: dict[str, tuple[float, GrantRules]] = {}
"""When the package's rules were last checked, and what they were."""


def _load_rules_from(base: Path) -> GrantRules:
    """Return the rules of one folder, read again only when a file's time changed."""
    files = sorted((base / "rules").glob("*.yaml"))
    if not files:
        msg = f"no grant rule files in {base / 'rules'}"
        raise DataNotFoundError(msg)
    stamp = tuple(
        (p.name, p.stat().st_mtime_ns)
        for p in [*files, *(base / n for n in _SIDE_FILES)]
        if p.exists()
    )
    return _load_cached(str(base.resolve()), stamp)


_SIDE_FILES = ("contacts.yaml", "stacking.yaml", "vocabulary.yaml", "excluded.yaml")


@cache
def _load_cached(base_text: str, stamp: tuple[tuple[str, int], ...]) -> GrantRules:  # noqa: ARG001
    base = Path(base_text)
    problems: list[str] = []
    side: dict[str, Any] = {}
    for name in _SIDE_FILES:
        path = base / name
        if not path.exists():
            problems.append(f"{name}: missing")
            continue
        doc = _read_yaml(path)
        problems += schema_problems(doc, name=name, definition=name.replace(".yaml", "_file"))
        side[name] = doc
    if problems:
        raise InvalidInputError(problems)
    contacts = _contacts(side["contacts.yaml"])
    docs = []
    for path in sorted((base / "rules").glob("*.yaml")):
        doc = _read_yaml(path)
        found = schema_problems(doc, name=path.name)
        if not found:
            found = _cross_problems(doc, path.name, contacts)
        problems += found
        docs.append(doc)
    if problems:
        raise InvalidInputError(problems)
    rules = sorted((_Reader(doc, contacts).rule() for doc in docs), key=lambda r: (r.order, r.id))
    stacking = side["stacking.yaml"]
    vocabulary = {
        kind: {key: _text(text) for key, text in entries.items()}
        for kind, entries in side["vocabulary.yaml"].items()
    }
    return GrantRules(
        programmes=tuple(rules),
        contacts=contacts,
        stacking=Stacking(
            combinable=stacking["city_and_prefecture_combinable"],
            label=_text(stacking["label"]),
            note=_text(stacking["note"]),
            inferred=bool(stacking.get("inferred", False)),
            sources=tuple(stacking.get("sources", [])),
        ),
        vocabulary=vocabulary,
        excluded={k: _text(v) for k, v in side["excluded.yaml"].items()},
    )
