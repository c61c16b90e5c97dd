"""The Flask application factory and the one accessor views use for the dataset."""

from __future__ import annotations

import atexit
import datetime as dt
import math
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from flask import Flask, current_app
from flask.json.provider import DefaultJSONProvider

from parks.data import Layers, load_layers
from parks.inventory import CurrentLayers, Store, open_store
from parks.lots import status_as_of
from webapp.i18n import LANGS

if TYPE_CHECKING:
    import geopandas as gpd

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The repository's embedded ``data/`` directory."""

EXTENSION_KEY = "siting"
"""Key of the loaded :class:`parks.data.Layers` (the published baseline) in ``app.extensions``."""

STORE_KEY = "siting_store"
CURRENT_KEY = "siting_current"
"""Keys of the inventory store and of its current-layers cache in ``app.extensions``."""

STALE_TEMP_SECONDS = 600
"""Temporary GeoPackages older than this in the data folder are leftovers of a killed write."""


def _finite(value: Any) -> Any:
    """Return ``value`` with every NaN or infinite float replaced by None (JSON null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, but always valid JSON and fast: NaN and Infinity go out as null.

    Python writes ``NaN`` by default, which browsers' ``JSON.parse`` rejects. Written by
    orjson (a match response, some 50 kB, in a tenth of the time of :mod:`json`), keys
    sorted as Flask sorts them; dates, dataclasses and other types go through Flask's own
    conversion as before, and anything orjson refuses (an integer beyond 64 bits) through
    :mod:`json`.
    """

    _OPTIONS = (
        orjson.OPT_SORT_KEYS
        | orjson.OPT_NON_STR_KEYS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
    )

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise ``obj``; a non-finite number becomes null."""
        # orjson writes compact JSON only: calls asking for more (indent in debug) use json
        if not kwargs or kwargs == {"separators": (",", ":")}:
            try:
                return orjson.dumps(obj, default=self.default, option=self._OPTIONS).decode()
            except orjson.JSONEncodeError:
                pass
        kwargs.setdefault("allow_nan", False)
        try:
            return super().dumps(obj, **kwargs)
        except ValueError:
            return super().dumps(_finite(obj), **kwargs)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the web app (flaskr factory).

    Configuration is read in this order, later wins: defaults, the instance folder's
    ``config.py`` if present, ``SITING_*`` environment variables (e.g. ``SITING_DATA_DIR``),
    then ``test_config``. The dataset is loaded once here.

    ``DEBUG`` is taken from ``test_config`` only (``siting serve --dev`` passes it): neither
    ``SITING_DEBUG`` nor the instance config can turn on debug mode, so a production server
    never shows tracebacks or the interactive debugger.

    Parameters
    ----------
    test_config
        Settings that override everything else (tests pass ``{"TESTING": True, ...}``).

    Returns
    -------
    flask.Flask
        The app, with the ``public``, ``layers``, ``api`` and ``staff`` blueprints, the
        fingerprinted static files and the error handlers.

    Raises
    ------
    parks.errors.DataNotFoundError
        If ``DATA_DIR`` holds no dataset.
    ValueError
        If ``DEFAULT_LANG`` is not a supported language.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.json = StrictJSONProvider(app)
    app.config.from_mapping(
        DATA_DIR=str(DEFAULT_DATA_DIR),
        DEFAULT_LANG="ja",
        TILES=None,
        TILES_ATTRIBUTION=None,
        DEMAND_LOG=str(Path(app.instance_path) / "demand_log.jsonl"),
        DATABASE_URL=None,
        STORE_DIR=None,
        SECRET_KEY=None,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,  # any body; uploads set their own lower bound
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MAX_FORM_PARTS=100,
        MAX_JSON_BYTES=64 * 1024,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("SITING")
    app.config["DEBUG"] = False
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.debug = bool(app.config["DEBUG"])
    if app.config["DEFAULT_LANG"] not in LANGS:
        msg = f"DEFAULT_LANG must be one of {', '.join(LANGS)}; got {app.config['DEFAULT_LANG']!r}"
        raise ValueError(msg)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Japanese stays readable

    data_dir = Path(app.config["DATA_DIR"])
    remove_stale_temp_files(data_dir)
    baseline = load_layers(data_dir).load_all()  # one consistent snapshot of the files
    app.extensions[EXTENSION_KEY] = baseline
    store = open_store(
        app.config["DATABASE_URL"], instance_dir=_store_dir(app), data_dir=data_dir, layers=baseline
    )
    app.extensions[STORE_KEY] = store
    app.extensions[CURRENT_KEY] = CurrentLayers(
        store, baseline, on_day_change=lambda day: _expire(store, day)
    )

    from webapp import (
        api,
        assets,
        exports,
        i18n,
        inquiry,
        layers,
        layout,
        openapi,
        pages,
        pitch,
        planner,
        public,
        security,
        staff,
        staff_auth,
    )
    from webapp.errors import register_error_handlers
    from webapp.requests import check_request

    assets.init_app(app)  # before i18n: its after_request hook must run after i18n's
    i18n.init_app(app)
    layout.init_app(app)
    security.init_app(app)
    app.before_request(check_request)
    staff_auth.init_app(app)
    staff_auth.exempt_from_csrf(api.bp)
    # read-only computations that store nothing; the sign-in cookie is SameSite=Lax, so a
    # cross-site form never carries it
    staff_auth.exempt_from_csrf(planner.bp)
    # read-only pages whose POST only carries a firm profile (kept out of URLs), nothing stored
    staff_auth.exempt_from_csrf(pitch.bp)
    staff_auth.exempt_from_csrf(pages.bp)

    app.register_blueprint(public.bp)
    layers.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(inquiry.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(pitch.bp)
    app.register_blueprint(exports.bp)
    planner.init_app(app)
    staff_auth.install_throttles(app)
    register_error_handlers(app)
    # hold no database connection across a fork (gunicorn --preload): each worker opens its own
    store.dispose()
    return app


def _store_dir(app: Flask) -> Path | None:
    """Return the folder of the SQLite store (None when a database URL is configured).

    Tests that configure no store get a private one that is removed at exit, so no test
    writes into the developer's instance folder.
    """
    if app.config["DATABASE_URL"]:
        return Path(app.config["STORE_DIR"]) if app.config["STORE_DIR"] else None
    if app.config["STORE_DIR"]:
        return Path(app.config["STORE_DIR"])
    if app.config.get("TESTING"):
        private = Path(tempfile.mkdtemp(prefix="siting-store-"))
        atexit.register(shutil.rmtree, private, True)
        return private
    return Path(app.instance_path)


def _expire(store: Store, day: dt.date) -> None:
    from parks.inventory.workflow import expire_negotiations

    expire_negotiations(store, day)


def remove_stale_temp_files(data_dir: Path) -> list[Path]:
    """Delete temporary GeoPackages a killed write left in ``data_dir``; return them."""
    removed = []
    cutoff = time.time() - STALE_TEMP_SECONDS
    for path in Path(data_dir).glob("*.tmp.gpkg*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def get_layers() -> Layers:
    """Return the dataset as it is now (flaskr's ``get_db``).

    The published baseline with the lots, their status history and drive times read from
    the inventory store (every change staff made since), public fields only. Cached per
    process and rebuilt when the store changes.
    """
    current: CurrentLayers = current_app.extensions[CURRENT_KEY]
    return current.get()


def data_revision() -> int:
    """Return the inventory revision the current layers show (a cache key for rendered pages)."""
    current: CurrentLayers = current_app.extensions[CURRENT_KEY]
    current.get()
    return current.revision or 0


def get_baseline() -> Layers:
    """Return the published baseline exactly as embedded (no store changes)."""
    layers: Layers = current_app.extensions[EXTENSION_KEY]
    return layers


def get_store() -> Store:
    """Return the inventory store opened by ``create_app``."""
    store: Store = current_app.extensions[STORE_KEY]
    return store


def lots_on(layers: Layers, as_of: dt.date | None) -> gpd.GeoDataFrame:
    """Return the lots with their status on ``as_of``, or as built when None.

    On a past date a lot with no event on record yet has ``status`` None.
    """
    if as_of is None:
        return layers.lots
    return status_as_of(layers, as_of)


def warm_caches(app: Flask) -> None:
    """Build every per-dataset cache now, so no visitor waits for it.

    Builds the lot tables and grant sites of every speed profile, the road network with its
    contractions (drive times to any point) and isochrone grids, the grant rules, the
    rendered map pages, the planning data (the labour shed on park and lot pages) and the API
    document. The server calls this once before it forks its workers, which then share the
    result.
    """
    from parks.access import access_network
    from parks.matching import match
    from parks.profile import validate_profile
    from webapp.requests import SPEED_PROFILES

    with app.app_context():
        layers = get_layers()  # what requests get: the baseline with the store's lots
    profile = validate_profile(
        {"industry": "manufacturing", "project": "new_site", "origin": "inside_city"}
    )
    today = dt.date.today()
    access = layers.optional("lot_access")
    for speed in SPEED_PROFILES:
        if access is not None and (access["profile"] == speed).any():
            match(layers, profile, as_of=today, speed_profile=speed)
    if layers.optional("lot_access") is not None and not layers.roads.empty:
        network = access_network(layers)
        for speed in network.graphs:
            network.graph(speed).contraction()
            network.grid(speed)
    client = app.test_client()
    for lang in LANGS:
        client.get(f"/?lang={lang}")
    if not layers.parks.empty:  # loads the planning data behind the labour-shed figure
        client.get(f"/parks/{layers.parks['park_id'].iloc[0]}")
    client.get("/api/openapi.json")
    # hold no database connection across the fork (see create_app)
    app.extensions[STORE_KEY].dispose()
