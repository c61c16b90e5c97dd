"""Criteria weights: given directly, or derived from pairwise comparisons by AHP.

AHP (Saaty 1980): the weights are the principal eigenvector of the reciprocal matrix of
pairwise comparisons (``a`` over ``b`` = 3 means ``a`` matters moderately more than ``b``),
and the consistency ratio is CR = CI / RI with CI = (λmax − n) / (n − 1) and RI Saaty's
random index for n criteria. Comparisons with CR > 0.1 are refused: they contradict
themselves too much for the weights to mean anything.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml

from parks.messages import Message
from parks.planning.criteria import CRITERIA_BY_NAME, CRITERION_NAMES, DEFAULT_WEIGHTS
from parks.planning.errors import WeightsError

MAX_CONSISTENCY_RATIO = 0.1

KNOWN_KEYS = [repr(n) for n in CRITERION_NAMES]
"""The criteria as a weights document names them (quoted keys)."""


def _label(name: object) -> Message | str:
    """Name a criterion by its label (the interface translates it), an unknown one as typed."""
    criterion = CRITERIA_BY_NAME.get(str(name))
    return Message(criterion.label) if criterion else repr(str(name))


def _key(name: object) -> Message | str:
    """Name a criterion key of a weights document: its label and the key as typed."""
    criterion = CRITERIA_BY_NAME.get(str(name))
    if criterion is None:
        return repr(str(name))
    return Message("%(label)s (%(key)s)", {"label": Message(criterion.label), "key": repr(name)})


RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}
"""Saaty's random consistency index by matrix size."""

Method = Literal["default", "given", "ahp"]


@dataclass(frozen=True)
class CriteriaWeights:
    """Weights of every criterion (zero for those left out), summing to 1."""

    weights: Mapping[str, float]
    method: Method = "default"
    consistency_ratio: float | None = None
    lambda_max: float | None = None
    pairwise: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(CRITERION_NAMES))
        if unknown:
            raise WeightsError(
                Message(
                    "unknown criterion %(names)s; known criteria: %(known)s",
                    {"names": [repr(n) for n in unknown], "known": KNOWN_KEYS},
                )
            )

    def used(self, available: Collection[str]) -> dict[str, float]:
        """Return the weights of the ``available`` criteria, scaled to sum to 1.

        Criteria without data drop out and the others keep their proportions.
        """
        kept = {n: float(self.weights.get(n, 0.0)) for n in CRITERION_NAMES if n in available}
        total = sum(kept.values())
        if total <= 0:
            raise WeightsError(
                Message(
                    "no criterion with data has a weight above zero (criteria with data: %(names)s)",
                    {"names": [_label(n) for n in kept] or ["-"]},
                )
            )
        return {n: w / total for n, w in kept.items()}

    def scaled(self, name: str, factor: float) -> CriteriaWeights:
        """Return these weights with ``name`` multiplied by ``factor``, renormalised."""
        raw = dict(self.weights)
        raw[name] = raw.get(name, 0.0) * factor
        return replace(self, weights=_normalise(raw))

    def to_dict(self) -> dict[str, Any]:
        """Return the weights as JSON data."""
        out: dict[str, Any] = {
            "method": self.method,
            "weights": {n: round(float(self.weights.get(n, 0.0)), 4) for n in CRITERION_NAMES},
        }
        if self.method == "ahp":
            out["consistency_ratio"] = (
                None if self.consistency_ratio is None else round(self.consistency_ratio, 4)
            )
            out["lambda_max"] = None if self.lambda_max is None else round(self.lambda_max, 4)
            out["pairwise"] = {a: dict(b) for a, b in self.pairwise.items()}
        return out


def _normalise(raw: Mapping[str, float]) -> dict[str, float]:
    total = float(sum(raw.values()))
    return {n: float(raw.get(n, 0.0)) / total for n in CRITERION_NAMES}


def default_weights() -> CriteriaWeights:
    """Return the documented default weights (see :data:`~parks.planning.criteria.CRITERIA`)."""
    return CriteriaWeights(_normalise(DEFAULT_WEIGHTS), method="default")


def weights_from_mapping(raw: Mapping[str, Any]) -> CriteriaWeights:
    """Return weights given directly; criteria not named get zero.

    Raises
    ------
    WeightsError
        Listing every unknown criterion, non-number or negative weight, or a zero sum.
    """
    problems: list[Message] = []
    values: dict[str, float] = {}
    for name, value in raw.items():
        if name not in CRITERION_NAMES:
            problems.append(
                Message(
                    "unknown criterion %(name)s; known criteria: %(known)s",
                    {"name": repr(str(name)), "known": KNOWN_KEYS},
                )
            )
            continue
        number = _number(value)
        if number is None or number < 0:
            problems.append(
                Message(
                    "weight of %(name)s must be a number of zero or more, got %(value)s",
                    {"name": _label(name), "value": repr(value)},
                )
            )
            continue
        values[name] = number
    if not problems and sum(values.values()) <= 0:
        problems.append(Message("at least one weight must be above zero"))
    if problems:
        raise WeightsError(problems)
    return CriteriaWeights(_normalise(values), method="given")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def ahp_weights(pairwise: Mapping[str, Mapping[str, Any]]) -> CriteriaWeights:
    """Derive weights from pairwise comparisons by AHP, refusing a consistency ratio > 0.1.

    ``pairwise[a][b] = x`` says how much more ``a`` matters than ``b`` on Saaty's 1-9 scale
    (1/9 to 9; ``b`` over ``a`` is then 1/x). Every pair of the criteria named must be
    compared once. Criteria not named get weight zero.

    Examples
    --------
    >>> w = ahp_weights({"interchange_minutes": {"landcover": 2, "slope": 4},
    ...                  "landcover": {"slope": 2}})
    >>> round(w.weights["interchange_minutes"], 4), round(w.consistency_ratio, 4)
    (0.5714, 0.0)

    Raises
    ------
    WeightsError
        If a criterion is unknown, a value is outside 1/9..9, a pair is missing or given
        twice, or CR > 0.1.
    """
    problems: list[Message] = []
    pairs: dict[tuple[str, str], float] = {}
    names: list[str] = []
    if not isinstance(pairwise, Mapping):
        raise WeightsError(
            Message("pairwise comparisons must be a mapping of criterion to criterion")
        )
    for a, row in pairwise.items():
        if not isinstance(row, Mapping):
            problems.append(
                Message(
                    "comparisons of %(name)s must be a mapping of criterion to value",
                    {"name": _key(a)},
                )
            )
            continue
        for b, value in row.items():
            for n in (a, b):
                if n not in CRITERION_NAMES:
                    problems.append(
                        Message(
                            "unknown criterion %(name)s; known criteria: %(known)s",
                            {"name": repr(str(n)), "known": KNOWN_KEYS},
                        )
                    )
                elif n not in names:
                    names.append(n)
            number = _number(value)
            if number is None or not (1 / 9 - 1e-9 <= number <= 9 + 1e-9):
                problems.append(
                    Message(
                        "comparison %(a)s over %(b)s must be a number from 1/9 to 9, got %(value)s",
                        {"a": _key(a), "b": _key(b), "value": repr(value)},
                    )
                )
                continue
            if a == b:
                problems.append(Message("%(name)s is compared with itself", {"name": _key(a)}))
                continue
            key = (str(a), str(b))
            if key in pairs or key[::-1] in pairs:
                problems.append(
                    Message("%(a)s and %(b)s are compared twice", {"a": _key(a), "b": _key(b)})
                )
                continue
            pairs[key] = number
    problems = _unique(problems)
    if problems:
        raise WeightsError(problems)
    names = [n for n in CRITERION_NAMES if n in names]
    if len(names) < 2:
        raise WeightsError(Message("AHP needs comparisons between at least two criteria"))
    size = len(names)
    index = {name: i for i, name in enumerate(names)}
    matrix = np.ones((size, size))
    for (a, b), value in pairs.items():
        matrix[index[a], index[b]] = value
        matrix[index[b], index[a]] = 1.0 / value
    missing = [
        Message("no comparison of %(a)s with %(b)s", {"a": _key(names[i]), "b": _key(names[j])})
        for i in range(size)
        for j in range(i + 1, size)
        if (names[i], names[j]) not in pairs and (names[j], names[i]) not in pairs
    ]
    if missing:
        raise WeightsError(missing)
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    vector = vector / vector.sum()
    ci = (lambda_max - size) / (size - 1) if size > 2 else 0.0
    ri = RANDOM_INDEX.get(size, 1.49)
    cr = max(0.0, ci / ri) if ri > 0 else 0.0
    if cr > MAX_CONSISTENCY_RATIO:
        raise WeightsError(
            Message(
                "the pairwise comparisons are inconsistent: consistency ratio %(cr)s is above "
                "%(limit)s; revise the comparisons that contradict each other",
                {"cr": f"{cr:.3f}", "limit": f"{MAX_CONSISTENCY_RATIO:.1f}"},
            )
        )
    raw = {name: float(vector[index[name]]) for name in names}
    given: dict[str, dict[str, float]] = {}
    for (a, b), value in pairs.items():
        given.setdefault(a, {})[b] = float(value)
    return CriteriaWeights(
        _normalise(raw),
        method="ahp",
        consistency_ratio=cr,
        lambda_max=lambda_max,
        pairwise=given,
    )


def _unique(messages: list[Message]) -> list[Message]:
    seen: list[Message] = []
    for m in messages:
        if m not in seen:
            seen.append(m)
    return seen


def weights_from_document(doc: Any) -> CriteriaWeights:
    """Return weights from a parsed document: ``{"weights": {...}}`` or ``{"pairwise": {...}}``.

    Raises
    ------
    WeightsError
        If the document has neither (or both) or either part is invalid.
    """
    if not isinstance(doc, Mapping) or ("weights" in doc) == ("pairwise" in doc):
        raise WeightsError(
            Message(
                "a weights document needs exactly one of 'weights' (criterion: weight) or "
                "'pairwise' (criterion: {criterion: 1/9..9})"
            )
        )
    if "weights" in doc:
        if not isinstance(doc["weights"], Mapping):
            raise WeightsError(Message("'weights' must map criteria to numbers"))
        return weights_from_mapping(doc["weights"])
    return ahp_weights(doc["pairwise"])


def load_weights(path: Path) -> CriteriaWeights:
    """Read weights from a YAML or JSON file (see :func:`weights_from_document`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise WeightsError(
            Message(
                "cannot read weights file %(path)s: %(error)s",
                {"path": str(path), "error": str(exc)},
            )
        ) from exc
    return weights_from_document(doc)
