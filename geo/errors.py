"""Errors raised by the generic GIS layer."""

from __future__ import annotations


class GeoError(Exception):
    """Root of every error raised by ``geo``."""


class CRSMismatchError(GeoError, ValueError):
    """Two inputs (or an input and the expected CRS) disagree."""


class GeometryValidationError(GeoError, ValueError):
    """One or more geometries are invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        msg = f"{len(self.problems)} problem(s):\n" + "\n".join(f"- {p}" for p in self.problems)
        super().__init__(msg)


class NetworkError(GeoError, ValueError):
    """A road network cannot be built or queried as asked."""
