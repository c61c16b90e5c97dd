"""Helpers for staff tests: accounts, signing in, CSRF tokens from pages."""

from __future__ import annotations

import contextlib
import re

from parks.inventory.errors import AuthError
from parks.inventory.users import create_user
from webapp import get_store

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_accounts(app) -> None:
    """Create ``admin1`` (admin) and ``staff1`` (staff) with :data:`PASSWORD`."""
    with app.app_context():
        create_user(get_store(), "admin1", PASSWORD, "admin", by="test")
        create_user(get_store(), "staff1", PASSWORD, "staff", by="test")


def ensure_account(app, name: str = "staff1", role: str = "staff") -> None:
    """Create ``name`` with :data:`PASSWORD` unless the app's store already has it."""
    # another test module may have made it on the same (session-wide) app
    with app.app_context(), contextlib.suppress(AuthError):
        create_user(get_store(), name, PASSWORD, role, by="test")


def csrf_token(client, path: str = "/staff/login") -> str:
    """Return the CSRF token of a form on ``path``."""
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match is not None, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, name: str) -> None:
    """Sign ``name`` in through the real form."""
    response = client.post(
        "/staff/login",
        data={"name": name, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
