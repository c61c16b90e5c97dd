"""Compare the rule files (runtime truth) with the facts file (the research record).

Every figure in a rule file that also appears in ``grants.yaml`` names its place there
(``facts: tracks.new_hire_bonus.cap_jpy``); :func:`check_against_facts` reports each figure
that differs, each facts programme with neither a rule file nor an entry in
``excluded.yaml``, and each ``facts`` path that no longer resolves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from parks.errors import DataNotFoundError
from parks.grants.rules import RULES_DIR, GrantRules, _read_yaml

_VALUE_KEYS = ("rate_pct", "jpy", "min_jpy", "min")
"""The key holding the figure in a term, amount, per-head amount or threshold."""


def _resolve(entry: Any, path: str) -> Any:
    """Follow a dotted path; a list is entered at the item whose ``key`` is the segment."""
    value = entry
    for segment in path.split("."):
        if isinstance(value, list):
            value = next(
                (v for v in value if isinstance(v, dict) and v.get("key") == segment), None
            )
        elif isinstance(value, dict):
            value = value.get(segment)
        else:
            value = None
        if value is None:
            msg = f"no value at {path!r} (stopped at {segment!r})"
            raise KeyError(msg)
    return value


def _figures(doc: Any, where: str = "$") -> Iterator[tuple[str, str, Any]]:
    """Yield ``(place in the rule file, facts path, rule value)`` for every linked figure."""
    if isinstance(doc, dict):
        if "facts" in doc and isinstance(doc["facts"], str):
            key = next((k for k in _VALUE_KEYS if k in doc), None)
            yield where, doc["facts"], doc.get(key) if key else None
        for k, v in doc.items():
            yield from _figures(v, f"{where}.{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _figures(v, f"{where}[{i}]")


def check_against_facts(
    rules: GrantRules, facts_path: Path, *, rules_dir: Path = RULES_DIR
) -> list[str]:
    """Return every disagreement between the rule files and the facts file (empty: none).

    Raises
    ------
    DataNotFoundError
        If the facts file does not exist.
    """
    facts_path = Path(facts_path)
    if facts_path.is_dir():
        facts_path = facts_path / "grants.yaml"
    if not facts_path.exists():
        msg = f"no grant facts at {facts_path}"
        raise DataNotFoundError(msg)
    facts = yaml.safe_load(facts_path.read_text(encoding="utf-8"))
    by_id: Mapping[str, Any] = {g["id"]: g for g in facts.get("grants", [])}
    problems: list[str] = []
    covered = {r.facts_id or r.id for r in rules.programmes}
    problems += [
        f"facts programme {pid!r} has no rule file in parks/grants/rules and is not excluded"
        for pid in sorted(set(by_id) - covered - set(rules.excluded))
    ]
    for path in sorted(Path(rules_dir).glob("*.yaml")):
        doc = _read_yaml(path)
        entry = by_id.get(doc.get("facts_id") or doc.get("id"))
        for where, facts_ref, value in _figures(doc):
            if entry is None:
                problems.append(
                    f"{path.name}: {where} names facts {facts_ref!r} but the facts "
                    f"have no programme {doc.get('id')!r}"
                )
                continue
            try:
                expected = _resolve(entry, facts_ref)
            except KeyError as exc:
                problems.append(f"{path.name}: {where}: facts {exc.args[0]}")
                continue
            if expected != value:
                problems.append(
                    f"{path.name}: {where} is {value!r} but the facts say {expected!r} "
                    f"at {facts_ref}"
                )
    return problems
