"""The inventory store: where it lives, opening it, its schema, and its write transactions.

By default the store is an SQLite file in the app's instance folder (WAL mode, created and
filled from the embedded dataset on first use: no set-up). With a database URL (the app's
``SITING_DATABASE_URL``) it is PostgreSQL with PostGIS. The embedded GeoPackage stays the
published baseline; the store starts as a copy of its lots and drive times and then holds
every change made since.

Every write goes through :meth:`Store.write`, one transaction that either commits whole or
leaves nothing: on SQLite it takes the write lock up front (``BEGIN IMMEDIATE``) so two
writers queue instead of failing half-way; on PostgreSQL row locks and the ``version``
predicate of each update do the same job.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from parks.errors import SitingError
from parks.inventory.models import StoreMeta, StoreRevision

log = logging.getLogger(__name__)

SQLITE_NAME = "inventory.sqlite"
"""File name of the default store inside the instance folder."""

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

BUSY_TIMEOUT_MS = 30_000
"""How long an SQLite writer waits for another one before giving up."""

BASELINE_KEY = "baseline_fingerprint"


class StoreError(SitingError, RuntimeError):
    """The store cannot be opened or its schema is not the one this code expects."""


def sqlite_url(instance_dir: Path) -> str:
    """Return the URL of the default SQLite store inside ``instance_dir``."""
    return f"sqlite:///{Path(instance_dir).resolve() / SQLITE_NAME}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" hook below issues BEGIN itself.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("siting_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the settings the store relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def alembic_config(connection: Connection) -> Config:
    """Return the Alembic configuration of the packaged migrations bound to ``connection``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """Return the newest migration's id."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if head is None:
        msg = f"no migrations in {MIGRATIONS_DIR}"
        raise StoreError(msg)
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at (None when it has no schema yet)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextlib.contextmanager
def _schema_lock(engine: Engine, lock_path: Path | None) -> Iterator[None]:
    """Hold a lock across processes while the schema is checked, migrated and seeded.

    Several server workers start at once; only one may create the store.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(424242)"))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(424242)"))
                conn.commit()
        return
    if lock_path is None:
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_schema(engine: Engine) -> None:
    """Bring the database to the newest schema with the packaged Alembic migrations."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


@dataclass
class Store:
    """An open inventory store: an engine and a session factory.

    Use :meth:`read` for reads and :meth:`write` for one all-or-nothing change.
    """

    engine: Engine
    lock_path: Path | None = None

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(siting_write=True)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """Return ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """Yield a session for reading (rolled back at the end)."""
        with self._sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Session]:
        """Yield a read session that sees one consistent state for all its queries."""
        engine = self.engine
        if self.dialect == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with Session(engine) as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session whose changes commit together at the end, or not at all."""
        with self._write_sessions() as session, session.begin():
            yield session

    def revision(self) -> int:
        """Return the store's revision: it grows with every committed lot change.

        Servers ask on every request, so this is one plain query on a pooled driver
        connection (about 15 microseconds on SQLite, against some 200 through a SQLAlchemy
        connection); returning the connection to the pool rolls it back.
        """
        conn = self.engine.raw_connection()
        try:
            cursor = conn.cursor()
            cursor.execute(_REVISION_QUERY)
            row = cursor.fetchone()
            cursor.close()
        finally:
            conn.close()
        return int(row[0] or 0) if row else 0

    def dispose(self) -> None:
        """Close every pooled connection (call before forking or at exit)."""
        self.engine.dispose()


_REVISION_QUERY = f"SELECT value FROM {StoreRevision.__tablename__} WHERE id = 1"


def bump_revision(session: Session) -> None:
    """Count one more lot change (call inside the write transaction that makes it)."""
    session.execute(
        update(StoreRevision).where(StoreRevision.id == 1).values(value=StoreRevision.value + 1)
    )


def meta_value(session: Session, key: str) -> str | None:
    """Return one ``store_meta`` value."""
    return session.execute(select(StoreMeta.value).where(StoreMeta.key == key)).scalar()


def set_meta(session: Session, key: str, value: str) -> None:
    """Set one ``store_meta`` value."""
    row = session.get(StoreMeta, key)
    if row is None:
        session.add(StoreMeta(key=key, value=value))
    else:
        row.value = value


def file_fingerprint(path: Path) -> str:
    """Return a SHA-256 of a file (identifies the published baseline the store started from)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_store(
    url: str | None = None,
    *,
    instance_dir: Path | None = None,
    data_dir: Path | None = None,
    layers: Any = None,
) -> Store:
    """Open (creating, migrating and seeding on first use) the inventory store.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``postgresql+psycopg://...``); None for the SQLite file in
        ``instance_dir``.
    instance_dir
        Folder of the default SQLite store (and of its creation lock).
    data_dir
        The embedded dataset; an empty store is filled from it.
    layers
        The dataset already loaded from ``data_dir`` (saves loading it twice).

    Raises
    ------
    StoreError
        If neither ``url`` nor ``instance_dir`` is given.
    """
    if url is None:
        if instance_dir is None:
            msg = "open_store needs a database URL or an instance folder for the SQLite store"
            raise StoreError(msg)
        Path(instance_dir).mkdir(parents=True, exist_ok=True)
        url = sqlite_url(Path(instance_dir))
    lock_path = None if instance_dir is None else Path(instance_dir) / "inventory.lock"
    engine = make_engine(url)
    store = Store(engine, lock_path=lock_path)
    with _schema_lock(engine, lock_path):
        if current_revision(engine) != head_revision():
            upgrade_schema(engine)
        if data_dir is not None:
            from parks.inventory.seed import seed_from_baseline

            seed_from_baseline(store, Path(data_dir), layers=layers)
    return store
