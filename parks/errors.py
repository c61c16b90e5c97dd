"""Domain errors. None mentions HTTP; webapp/errors.py maps them to statuses."""

from __future__ import annotations


class SitingError(Exception):
    """Root of every error raised by ``parks``."""


class DataNotFoundError(SitingError, FileNotFoundError):
    """The embedded dataset (or one of its layers) is missing."""


class ParkNotFoundError(SitingError, LookupError):
    """No park has the requested id."""


class LotNotFoundError(SitingError, LookupError):
    """No lot has the requested id."""


class InvalidInputError(SitingError, ValueError):
    """Input breaks a domain rule; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        msg = "; ".join(self.problems)
        super().__init__(msg)


class InvalidFirmProfileError(InvalidInputError):
    """A firm profile breaks the schema in shared/schemas/firm-profile.schema.json."""


class LotImportError(InvalidInputError):
    """An uploaded lot layer was rejected; nothing was written."""
