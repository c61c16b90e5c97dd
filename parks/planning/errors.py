"""Errors of the planner: every one carries translatable messages, one per problem found."""

from __future__ import annotations

from collections.abc import Sequence

from parks.errors import InvalidInputError
from parks.messages import Message


class PlanningInputError(InvalidInputError):
    """Planner input breaks a rule; ``messages`` holds every problem as a :class:`Message`."""

    def __init__(self, messages: Sequence[Message] | Message) -> None:
        self.messages = [messages] if isinstance(messages, Message) else list(messages)
        super().__init__([m.english() for m in self.messages])


class AreaRejectedError(PlanningInputError):
    """A drawn or uploaded area was refused; nothing was stored."""


class LayerRejectedError(PlanningInputError):
    """A layer given to ``add-layer`` was refused; the stored layers are unchanged."""


class WeightsError(PlanningInputError):
    """Criteria weights (or AHP comparisons) are invalid or inconsistent."""
