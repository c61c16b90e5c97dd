"""Languages: gettext catalogs (Flask-Babel), locale negotiation and rendering of domain messages.

msgids are English; Japanese lives in ``webapp/translations/ja/LC_MESSAGES/<domain>.po``.
Each area owns one domain so that its strings live in one file:

- ``messages``: public pages, the page layout and shared UI;
- ``map``: the map page and the map layers;
- ``parks``: sentences produced by the domain layer (:class:`parks.messages.Message`);
- ``api``, ``staff``, ``planner``, ``cli``: their blueprint or command line.

All domains are merged into one catalog per language at run time. ``make catalogs`` extracts
the msgids from the code into ``<domain>.pot`` and updates the ``.po`` files; the ``.mo`` files
are compiled from the ``.po`` files when the app or the CLI starts (:func:`compile_catalogs`),
so a fresh checkout needs no extra step.

The language of a request is, in order: ``?lang=`` (remembered in a cookie), the ``lang``
cookie, the browser's ``Accept-Language``, then the ``DEFAULT_LANG`` setting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from parks.messages import Message, Name

if TYPE_CHECKING:
    from flask import Flask, Response

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
"""Supported languages, Japanese first."""

DOMAINS: tuple[str, ...] = ("messages", "map", "parks", "api", "staff", "planner", "cli")
"""Catalog domains, one per area of the code (see the module docstring)."""

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
"""Where the catalogs live: ``<lang>/LC_MESSAGES/<domain>.po``."""

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

NAMES: dict[tuple[str, str], str] = {}
"""English msgids of human names by ``(kind, id)``, for :class:`~parks.messages.Name` values
that carry no names of their own (industries, statuses, zone kinds, ...). Modules register
their names here at import (marked with ``N_`` so extraction finds them)."""

NAME_RENDERERS: dict[str, Callable[[str, str], str | None]] = {}
"""Renderers of :class:`~parks.messages.Name` kinds whose names live in the data (a lot is
named by its park and number): ``renderer(id, lang)`` returns the name, or None to fall back
to the catalog of names and then the id."""

_LIST_SEPARATOR = {"ja": "、", "en": ", "}


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every ``.po`` under ``directory`` whose ``.mo`` is missing or older.

    Returns the ``.mo`` files written. Compiling all catalogs takes milliseconds, so the app
    and the CLI call this at start instead of relying on a build step.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name, domain=po_path.stem)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)
        written.append(mo_path)
    return written


@cache
def translations(lang: str) -> NullTranslations:
    """Return the merged catalog of every domain for ``lang`` (no request needed; cached)."""
    compile_catalogs()
    merged: NullTranslations = Translations()
    for domain in DOMAINS:
        catalog = Translations.load(str(TRANSLATIONS_DIR), [lang], domain)
        if isinstance(catalog, Translations):
            cast(Translations, merged).merge(catalog)
    return merged


def gettext_in(lang: str, msgid: str) -> str:
    """Translate ``msgid`` into ``lang`` outside a request (CLI, background work)."""
    return translations(lang).gettext(msgid)


def render_value(value: Any, lang: str) -> str:
    """Render one message parameter in ``lang`` (names by name, numbers grouped, dates long)."""
    if isinstance(value, Message):
        return render_message(value, lang)
    if isinstance(value, Name):
        carried = value.in_lang(lang)
        if carried:
            return carried
        renderer = NAME_RENDERERS.get(value.kind)
        shown = renderer(value.id, lang) if renderer is not None else None
        if shown:
            return shown
        msgid = NAMES.get((value.kind, value.id))
        if msgid is not None:
            return gettext_in(lang, msgid)
        return value.en or value.id
    if isinstance(value, bool):
        return gettext_in(lang, "yes") if value else gettext_in(lang, "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, date):
        return _long_date(value, lang)
    if isinstance(value, list | tuple):
        return _LIST_SEPARATOR.get(lang, ", ").join(render_value(v, lang) for v in value)
    return str(value)


@lru_cache(maxsize=4096)
def _long_date(value: date, lang: str) -> str:
    """Return ``value`` as a long date in ``lang`` (cached: Babel takes some 40 µs a date)."""
    return format_date(value, "long", locale=lang)


def render_message(message: Message | str, lang: str) -> str:
    """Render a domain :class:`~parks.messages.Message` (or a plain msgid) in ``lang``."""
    if isinstance(message, str):
        return gettext_in(lang, message)
    template = gettext_in(lang, message.msgid)
    return template % {k: render_value(v, lang) for k, v in message.params.items()}


def render_messages(messages: Iterable[Message | str], lang: str) -> list[str]:
    """Render several messages in ``lang``."""
    return [render_message(m, lang) for m in messages]


def negotiate_lang(
    query_lang: str | None,
    cookie_lang: str | None,
    accept: Iterable[tuple[str, float]] | None,
    default: str,
) -> Lang:
    """Pick the page language: query, then cookie, then ``Accept-Language``, then ``default``."""
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGS:
            return cast(Lang, candidate)
    # Highest quality first; "en-US" counts as "en" (werkzeug's best_match would prefer an
    # exact but less wanted "ja;q=0.5").
    for tag, quality in sorted(accept or (), key=lambda item: -item[1]):
        primary = str(tag).split("-")[0].split("_")[0].lower()
        if quality > 0 and primary in LANGS:
            return cast(Lang, primary)
    return cast(Lang, default if default in LANGS else LANGS[0])


def current_lang() -> Lang:
    """Return the language of the current request."""
    from flask import current_app, g, request

    lang = getattr(g, "lang", None)
    if lang is None:
        lang = negotiate_lang(
            request.args.get("lang"),
            request.cookies.get(LANG_COOKIE),
            request.accept_languages,
            current_app.config["DEFAULT_LANG"],
        )
        g.lang = lang
    return cast(Lang, lang)


def _remember_lang(response: Response) -> Response:
    """Keep an explicit ``?lang=`` choice in a cookie so the next pages follow it."""
    from flask import request

    chosen = request.args.get("lang")
    # only a page the user asked for in a language remembers it, not the API calls its
    # scripts make with the page's language (they would pin the negotiated language)
    is_api = request.path == "/api" or request.path.startswith("/api/")
    if chosen in LANGS and not is_api and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Install Flask-Babel with every domain, the locale selector and the template helpers."""
    from flask_babel import Babel

    compile_catalogs()
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(TRANSLATIONS_DIR) for _ in DOMAINS)
    app.config["BABEL_DOMAIN"] = ";".join(DOMAINS)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANG"]
    Babel(app, locale_selector=current_lang)
    app.after_request(_remember_lang)

    @app.context_processor
    def _lang_context() -> dict[str, Any]:
        lang = current_lang()
        return {
            "lang": lang,
            "other_lang": next(code for code in LANGS if code != lang),
            "render_message": lambda m: render_message(m, lang),
        }
