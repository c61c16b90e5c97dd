"""Input problems in the user's language, tied to the form field they are about.

The domain reports a problem as plain text, a :class:`~parks.messages.Message` or a
:class:`~parks.messages.Problem` (a field path and what to fix). Pages show each message
next to its field; APIs return ``problems`` (text) and ``fields`` (field + message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parks.messages import Message, Name, Problem
from webapp.i18n import NAMES, render_message, render_value
from webapp.profile_form import FIELD_BY_PATH


@dataclass(frozen=True)
class ShownProblem:
    """One problem as a page or an API shows it."""

    message: str
    """What to fix, in the user's language."""
    path: str | None = None
    """The profile path (``land_m2.max``), None for a problem with the request as a whole."""
    label: str | None = None
    """The field's name in the user's language."""
    form_field: str | None = None
    """The name of the form input at ``path`` (``land_m2_max``), if the form has one."""

    @property
    def text(self) -> str:
        """The problem as one line: ``label: message``."""
        return f"{self.label}: {self.message}" if self.label else self.message

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as JSON data."""
        return {
            "field": self.path,
            "form_field": self.form_field,
            "label": self.label,
            "message": self.message,
        }


def show_problem(problem: Any, lang: str) -> ShownProblem:
    """Render one problem (text, Message or Problem) in ``lang``."""
    if isinstance(problem, Problem):
        path = problem.field or None
        label = None
        if path is not None and ("field", path) in NAMES:
            label = render_value(Name("field", path), lang)
        elif path is not None:
            label = path
        form = FIELD_BY_PATH.get(path) if path else None
        return ShownProblem(
            message=render_message(problem.message, lang),
            path=path,
            label=label,
            form_field=form.name if form else None,
        )
    if isinstance(problem, Message):
        return ShownProblem(message=render_message(problem, lang))
    return ShownProblem(message=str(problem))


def show_problems(exc: BaseException, lang: str) -> list[ShownProblem]:
    """Render every problem an error carries (``details``, else ``problems``, else its text)."""
    items = getattr(exc, "details", None) or getattr(exc, "problems", None)
    if not items:
        items = [a for a in exc.args if isinstance(a, Message | Problem)] or [str(exc)]
    return [show_problem(p, lang) for p in items]
