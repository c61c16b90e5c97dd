"""Staff pages. The pitch sheet moved to :mod:`webapp.pitch`; the staff workspace comes here."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__)
