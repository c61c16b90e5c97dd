"""Store back-ends for tests: SQLite always, PostgreSQL + PostGIS when CI provides one.

``.ci/run`` starts a private PostgreSQL 15 + PostGIS cluster and exports
``SITING_TEST_DATABASE_URL``; without it the PostGIS variants skip with that reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_URL = os.environ.get("SITING_TEST_DATABASE_URL")
SKIP_PG = "no PostgreSQL: set SITING_TEST_DATABASE_URL (.ci/run starts one with .ci/postgres.sh)"
BACKENDS = [
    "sqlite",
    pytest.param("postgis", marks=pytest.mark.skipif(PG_URL is None, reason=SKIP_PG)),
]


@contextmanager
def pg_schema_url() -> Iterator[str]:
    """Yield a URL whose tables live in a fresh schema (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema},public"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def store_config(backend: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Yield app settings for a private store of ``backend``."""
    if backend == "sqlite":
        yield {"STORE_DIR": str(tmp_path / "store")}
        return
    with pg_schema_url() as url:
        yield {"DATABASE_URL": url, "STORE_DIR": str(tmp_path / "store")}
