"""Location grants: hand-kept rule files per programme and one generic evaluator.

Public entry points:

- :func:`load_rules` reads ``parks/grants/rules/*.yaml`` (checked against
  ``rule.schema.json``); every figure carries its source, article and tier;
- :func:`site_for_lot`, :func:`site_for_park`, :func:`site_for_point` say which zones a lot,
  a park or any point in Kanazawa lies in;
- :func:`evaluate` gives a :class:`GrantReport`: per programme eligible / not / unknown with
  the reasons (the source's words and who to ask where the city decides), the formula, the
  sure and the possible amount, and the steps and deadlines a firm must meet;
- :func:`estimate_grants` gives the same figures without sentences, cached, for ranking.
"""

from __future__ import annotations

from parks.grants.estimate import GrantEstimate, estimate_grants
from parks.grants.evaluate import evaluate, one_year_from
from parks.grants.report import (
    GrantReport,
    GrantResult,
    Lang,
    PartResult,
    Reason,
    Renderer,
    StepResult,
    TrackResult,
    english,
    yen,
)
from parks.grants.rules import GrantRule, GrantRules, Text, load_rules
from parks.grants.sites import Site, site_for_lot, site_for_park, site_for_point, sites_for_lots

__all__ = [
    "GrantEstimate",
    "GrantReport",
    "GrantResult",
    "GrantRule",
    "GrantRules",
    "Lang",
    "PartResult",
    "Reason",
    "Renderer",
    "Site",
    "StepResult",
    "Text",
    "TrackResult",
    "english",
    "estimate_grants",
    "evaluate",
    "load_rules",
    "one_year_from",
    "site_for_lot",
    "site_for_park",
    "site_for_point",
    "sites_for_lots",
    "yen",
]
