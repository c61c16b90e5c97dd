"""Accessibility checks with axe-core in the real browser (WCAG 2 A and AA rules).

Usage in a browser test (``driver`` is the session's Chromium)::

    from tests.browser.axe import assert_accessible

    driver.get(url)
    ...wait until the page has drawn what you want checked...
    assert_accessible(driver)                     # fails listing every violation
    assert_accessible(driver, exclude=[".leaflet-control-attribution"])  # leave a part out

``axe_violations(driver)`` returns the violations instead of failing. The engine is the
vendored ``tests/browser/vendor/axe-core/axe.min.js`` (MPL-2.0, see its README); it is
injected through WebDriver, so the page's Content-Security-Policy does not block it and the
app never serves it. Only the WCAG 2.0/2.1 A and AA rule sets run (``TAGS``): best-practice
rules are advice, not the standard the pages must meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
"""The vendored axe-core engine."""

TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
"""axe rule tags that make up WCAG 2 A/AA."""


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(
    driver: Any, *, exclude: Iterable[str] = (), tags: Iterable[str] = TAGS
) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return its violations (rule id, impact, nodes).

    Parameters
    ----------
    driver
        A selenium WebDriver with the page loaded.
    exclude
        CSS selectors of parts left out of the check (say why in the calling test).
    tags
        axe rule tags to run; WCAG 2 A/AA by default.
    """
    if not driver.execute_script("return typeof window.axe === 'object';"):
        driver.execute_script(_axe_source())
    driver.set_script_timeout(60)
    context: dict[str, Any] = {"include": [["html"]]}
    if exclude:
        context["exclude"] = [[selector] for selector in exclude]
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        window.axe.run(arguments[0], arguments[1])
            .then(result => done(result.violations))
            .catch(error => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
        """,
        context,
        options,
    )


def describe(violations: list[dict[str, Any]]) -> str:
    """Return violations as readable lines: rule, impact, help and the first offending nodes."""
    lines = []
    for v in violations:
        targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])[:5]]
        lines.append(f"{v['id']} ({v.get('impact')}): {v.get('help')} -> {targets}")
    return "\n".join(lines)


def assert_accessible(driver: Any, *, exclude: Iterable[str] = (), context: str = "") -> None:
    """Fail with every WCAG 2 A/AA violation axe-core finds on the current page."""
    violations = axe_violations(driver, exclude=exclude)
    assert not violations, f"{context or driver.current_url}:\n{describe(violations)}"
