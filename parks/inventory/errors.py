"""Errors of the inventory: refused changes carry translatable messages for the office."""

from __future__ import annotations

from collections.abc import Sequence

from parks.errors import SitingError
from parks.messages import Message


class InventoryError(SitingError, ValueError):
    """A change to the inventory was refused; ``messages`` says why (nothing was written)."""

    def __init__(self, messages: Sequence[Message] | Message) -> None:
        self.messages = [messages] if isinstance(messages, Message) else list(messages)
        self.problems = [m.english() for m in self.messages]
        super().__init__("; ".join(self.problems))


class StaleEditError(InventoryError):
    """Someone else changed the record since the form was opened (optimistic locking)."""


class RecordNotFoundError(InventoryError, LookupError):
    """No lot, lead or user with that id is in the store."""


class AuthError(InventoryError):
    """An account rule was broken (bad name, weak password, unknown role)."""
