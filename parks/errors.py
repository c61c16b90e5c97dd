"""Domain errors. None mentions HTTP; webapp/errors.py maps them to statuses."""

from __future__ import annotations

from typing import Any


class SitingError(Exception):
    """Root of every error raised by ``parks``."""


class DataNotFoundError(SitingError, FileNotFoundError):
    """The embedded dataset (or one of its layers) is missing."""


class ParkNotFoundError(SitingError, LookupError):
    """No park has the requested id."""


class LotNotFoundError(SitingError, LookupError):
    """No lot has the requested id."""


class InvalidInputError(SitingError, ValueError):
    """Input breaks a domain rule; ``problems`` lists every problem found.

    A problem is plain text or a translatable :class:`parks.messages.Message` or
    :class:`parks.messages.Problem` (a message about one field). ``details`` keeps them as
    given, for interfaces that render them in the user's language; ``problems`` holds them
    as English text.
    """

    def __init__(self, problems: list[Any] | Any) -> None:
        items = list(problems) if isinstance(problems, list | tuple) else [problems]
        self.details: list[Any] = items
        self.problems = [str(p) for p in items]
        msg = "; ".join(self.problems)
        super().__init__(msg)


class InvalidFirmProfileError(InvalidInputError):
    """A firm profile breaks the schema in shared/schemas/firm-profile.schema.json."""


class LotImportError(InvalidInputError):
    """An uploaded lot layer was rejected; nothing was written."""
