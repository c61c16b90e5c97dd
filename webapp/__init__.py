"""The Flask application factory and the one accessor views use for the dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from parks.data import Layers, load_layers
from parks.lots import status_as_of
from webapp.i18n import LANGS

if TYPE_CHECKING:
    import geopandas as gpd

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The repository's embedded ``data/`` directory."""

EXTENSION_KEY = "siting"
"""Key of the loaded :class:`parks.data.Layers` in ``app.extensions``."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the web app (flaskr factory).

    Configuration is read in this order, later wins: defaults, the instance folder's
    ``config.py`` if present, ``SITING_*`` environment variables (e.g. ``SITING_DATA_DIR``),
    then ``test_config``. The dataset is loaded once here.

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
    app.config.from_mapping(
        DATA_DIR=str(DEFAULT_DATA_DIR),
        DEFAULT_LANG="ja",
        TILES=None,
        TILES_ATTRIBUTION=None,
        DEMAND_LOG=str(Path(app.instance_path) / "demand_log.jsonl"),
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("SITING")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["DEFAULT_LANG"] not in LANGS:
        msg = f"DEFAULT_LANG must be one of {', '.join(LANGS)}; got {app.config['DEFAULT_LANG']!r}"
        raise ValueError(msg)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Japanese stays readable

    app.extensions[EXTENSION_KEY] = load_layers(Path(app.config["DATA_DIR"]))

    from webapp import (
        api,
        assets,
        exports,
        i18n,
        layers,
        layout,
        pages,
        pitch,
        planner,
        public,
        staff,
    )
    from webapp.errors import register_error_handlers

    assets.init_app(app)  # before i18n: its after_request hook must run after i18n's
    i18n.init_app(app)
    layout.init_app(app)

    app.register_blueprint(public.bp)
    layers.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(pitch.bp)
    app.register_blueprint(exports.bp)
    planner.init_app(app)
    register_error_handlers(app)
    return app


def get_layers() -> Layers:
    """Return the dataset loaded by ``create_app`` (flaskr's ``get_db``)."""
    layers: Layers = current_app.extensions[EXTENSION_KEY]
    return layers


def lots_on(layers: Layers, as_of: dt.date | None) -> gpd.GeoDataFrame:
    """Return the lots with their status on ``as_of``, or as built when None.

    On a past date a lot with no event on record yet has ``status`` None.
    """
    if as_of is None:
        return layers.lots
    return status_as_of(layers, as_of)
