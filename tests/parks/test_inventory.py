"""The inventory store and the lot workflow, on SQLite and (when CI provides it) PostGIS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from parks.data import load_layers
from parks.inventory import CurrentLayers, open_store
from parks.inventory.errors import InventoryError, StaleEditError
from parks.inventory.models import LotEdit
from parks.inventory.store import current_revision, head_revision
from parks.inventory.workflow import change_lot, expire_negotiations, lot_detail
from tests.inventory_backends import BACKENDS, store_config
from tests.shapes import write_dataset

TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built layers (three lots: available, sold, planned)."""
    return write_dataset(tmp_path_factory.mktemp("inventory-data"))


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path: Path, data_dir: Path):
    with store_config(request.param, tmp_path) as config:
        s = open_store(
            config.get("DATABASE_URL"), instance_dir=Path(config["STORE_DIR"]), data_dir=data_dir
        )
        yield s
        s.dispose()


def edits(store, lot_id: str) -> int:
    with store.read() as session:
        return session.scalar(
            select(func.count()).select_from(LotEdit).where(LotEdit.lot_id == lot_id)
        )


def test_a_new_store_is_migrated_and_filled_from_the_baseline(store, data_dir) -> None:
    assert current_revision(store.engine) == head_revision()
    baseline = load_layers(data_dir)
    layers = CurrentLayers(store, baseline).get()
    assert len(layers.lots) == len(baseline.lots)
    assert list(layers.lots["lot_id"]) == list(baseline.lots["lot_id"])
    assert len(layers.lot_events) == len(baseline.lot_events)
    if baseline.optional("lot_access") is not None:
        assert len(layers.optional("lot_access")) == len(baseline.optional("lot_access"))
    if baseline.optional("routes") is not None:
        assert len(layers.optional("routes")) == len(baseline.optional("routes"))
    # the verified date is the lot's latest dated event in the baseline
    lot = layers.lot("techno-park/2")
    events = baseline.lot_events[baseline.lot_events["lot_id"] == "techno-park/2"]
    assert lot["status_verified_on"] == max(events["date"].astype(str))[:10]
    # staff-only columns never reach the public frame
    assert not {"notes", "negotiating_firm", "negotiation_expires", "version"} & set(
        layers.lots.columns
    )


def test_full_workflow_each_change_one_event(store, data_dir) -> None:
    lot = "techno-park/2"  # sold in the hand-built layers
    v = lot_detail(store, lot)["version"]
    r = change_lot(
        store,
        lot,
        {"status": "available"},
        expected_version=v,
        user="a",
        reason="bought back",
        today=TODAY,
    )
    r = change_lot(
        store,
        lot,
        {
            "status": "negotiating",
            "negotiating_firm": "ACME",
            "negotiation_expires": TODAY + dt.timedelta(days=30),
        },
        expected_version=r.version,
        user="a",
        today=TODAY,
    )
    r = change_lot(
        store, lot, {"status": "reserved"}, expected_version=r.version, user="a", today=TODAY
    )
    r = change_lot(
        store,
        lot,
        {"status": "sold", "occupant": "ACME Precision"},
        expected_version=r.version,
        user="a",
        today=TODAY,
    )
    detail = lot_detail(store, lot)
    assert detail["status"] == "sold"
    assert detail["occupant"] == "ACME Precision"
    assert detail["version"] == v + 4
    assert edits(store, lot) == 4
    layers = CurrentLayers(store, load_layers(data_dir)).get()
    assert layers.lot(lot)["status"] == "sold"
    assert layers.lot(lot)["status_verified_on"] == TODAY.isoformat()


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        ({"status": "reserved"}, None, "cannot move from sold to reserved"),
        ({"status": "available"}, None, "needs a reason"),
        ({"price_per_m2": -5.0}, None, "price per m²"),
        ({"notes": "x" * 4001}, None, "too long"),
        ({"occupant": "a\nb"}, None, "one line"),
        ({"status": "available", "price_per_m2": -1.0}, None, "needs a reason"),
    ],
)
def test_refused_changes_say_why_and_write_nothing(store, changes, reason, message) -> None:
    v = lot_detail(store, "techno-park/2")["version"]
    with pytest.raises(InventoryError, match=message):
        change_lot(store, "techno-park/2", changes, expected_version=v, user="a", reason=reason)
    assert lot_detail(store, "techno-park/2")["version"] == v
    assert edits(store, "techno-park/2") == 0


def test_a_stale_edit_is_refused_with_a_message(store) -> None:
    v = lot_detail(store, "techno-park/1")["version"]
    change_lot(store, "techno-park/1", {"notes": "first"}, expected_version=v, user="a")
    with pytest.raises(StaleEditError, match="while you were editing"):
        change_lot(store, "techno-park/1", {"notes": "second"}, expected_version=v, user="b")
    assert lot_detail(store, "techno-park/1")["notes"] == "first"
    assert edits(store, "techno-park/1") == 1


def test_expired_negotiations_return_to_available_and_say_so(store) -> None:
    v = lot_detail(store, "techno-park/1")["version"]  # available
    change_lot(
        store,
        "techno-park/1",
        {
            "status": "negotiating",
            "negotiating_firm": "ACME",
            "negotiation_expires": TODAY + dt.timedelta(days=3),
        },
        expected_version=v,
        user="a",
        today=TODAY,
    )
    assert expire_negotiations(store, TODAY + dt.timedelta(days=3)) == []  # not yet
    expired = expire_negotiations(store, TODAY + dt.timedelta(days=4))
    assert [e.lot_id for e in expired] == ["techno-park/1"]
    assert "expired" in expired[0].message().english()
    detail = lot_detail(store, "techno-park/1")
    assert detail["status"] == "available"
    assert detail["negotiating_firm"] is None
    assert expire_negotiations(store, TODAY + dt.timedelta(days=5)) == []


def test_migrations_match_the_models(store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from parks.inventory.models import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # PostGIS's own tables (spatial_ref_sys) live in public, not in the test schema
    diff = [
        d
        for d in diff
        if "spatial_ref_sys" not in str(d)
        and "ix_lots_geometry" not in str(d)
        and "ix_routes_geometry" not in str(d)
    ]
    assert diff == []


def test_the_sessions_migration_goes_down_and_up(store) -> None:
    """0002 (sign-ins, refused sign-ins) upgrades a store made at 0001 and downgrades cleanly."""
    from alembic import command
    from sqlalchemy import inspect

    from parks.inventory.store import alembic_config

    def tables() -> set[str]:
        return set(inspect(store.engine).get_table_names())

    assert {"staff_sessions", "login_failures"} <= tables()
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert not {"staff_sessions", "login_failures"} & tables()
    assert "users" in tables()
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert {"staff_sessions", "login_failures"} <= tables()
    assert current_revision(store.engine) == head_revision()


def test_sign_ins_expire_end_and_are_throttled(store) -> None:
    """Sign-in rows and refused sign-ins work alike on both back-ends (timestamps with zones)."""
    from parks.inventory.users import (
        MAX_FAILURES_PER_ADDRESS,
        SESSION_HOURS,
        THROTTLE_MINUTES,
        create_user,
        end_session,
        login_failed,
        login_throttled,
        session_account,
        start_session,
    )

    account = create_user(store, "planner1", "a long enough passphrase", "staff", by="test")
    now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    token = start_session(store, account, now=now)
    assert session_account(store, token, now=now).name == "planner1"
    later = now + dt.timedelta(hours=SESSION_HOURS, minutes=1)
    assert session_account(store, token, now=later) is None  # expired
    other = start_session(store, account, now=now)
    end_session(store, other)
    assert session_account(store, other, now=now) is None  # signed out
    assert session_account(store, "x" * 500, now=now) is None

    for _ in range(MAX_FAILURES_PER_ADDRESS):
        assert not login_throttled(store, "10.0.0.1", "planner1", now=now)
        login_failed(store, "10.0.0.1", "planner1", now=now)
    assert login_throttled(store, "10.0.0.1", "someone", now=now)
    assert not login_throttled(store, "10.0.0.2", "someone", now=now)
    after = now + dt.timedelta(minutes=THROTTLE_MINUTES, seconds=1)
    assert not login_throttled(store, "10.0.0.1", "planner1", now=after)
