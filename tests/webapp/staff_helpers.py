"""Helpers for staff tests: accounts, signing in, CSRF tokens from pages."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask

from parks.inventory.errors import AuthError
from parks.inventory.users import create_user
from tests.conftest import DATA_DIR
from webapp import create_app, get_store

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

STAFF_TEXTS = ("Precision Parts KK", "Sato Hanako", "please call after 5 pm")
"""What staff and firms type in :func:`seed_workspace`: a firm, a contact, a note."""


def staff_test_app(tmp_path_factory: pytest.TempPathFactory, name: str, **config: Any) -> Flask:
    """The real-data app with its own store and demand log, no rate limits, and the accounts
    of :func:`make_accounts`; ``config`` adds or overrides settings."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(DATA_DIR),
            "STORE_DIR": str(tmp_path_factory.mktemp(f"{name}-store")),
            "DEMAND_LOG": str(tmp_path_factory.mktemp(f"{name}-demand") / "demand_log.jsonl"),
            "RATELIMIT_ENABLED": False,
            **config,
        }
    )
    make_accounts(app)
    return app


def seed_workspace(app: Flask) -> int:
    """Give lot ``inaho/4`` a history and add a lead for it; return the lead's id.

    The lot is made available with a note, goes into negotiation with the firm of
    :data:`STAFF_TEXTS` and gets a price; the firm's lead wants it and ``inaho/P2-1``.
    """
    from parks.inventory.leads import create_lead, set_lots_of_interest
    from parks.inventory.workflow import change_lot, lot_detail
    from parks.profile import validate_profile

    firm, contact, note = STAFF_TEXTS
    with app.app_context():
        store = get_store()
        version = lot_detail(store, "inaho/4")["version"]
        for change in (
            {"status": "available", "notes": note},
            {
                "status": "negotiating",
                "negotiating_firm": firm,
                "negotiation_expires": dt.date.today() + dt.timedelta(days=30),
            },
            {"price_per_m2": 30000},
        ):
            version = change_lot(
                store,
                "inaho/4",
                change,
                expected_version=version,
                user="staff1",
                reason="bought back by the city",
            ).version
        profile = validate_profile(
            {
                "industry": "manufacturing",
                "project": "new_site",
                "origin": "outside_prefecture",
                "hq_functions": False,
                "land_m2": {"min": 3000, "max": 9000},
                "investment_jpy": {"land": 200_000_000},
                "max_drive_minutes": {"interchange": 10},
                "needs_groundwater": True,
                "operational_by": "2027-04-01",
            }
        )
        lead_id = create_lead(
            store,
            firm=firm,
            contact_name=contact,
            contact_email="sato@example.jp",
            contact_phone="076-000-0000",
            profile=profile,
            message=note,
            consent=True,
        )
        set_lots_of_interest(store, lead_id, ["inaho/P2-1", "inaho/4"], user="staff1")
    return lead_id


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
