"""What every page's layout needs: the contact, the language switch, names and number formats.

Templates get these through one context processor, so a page only passes its own data.
Formatting follows the page language: dates long (``2021年4月1日`` / ``April 1, 2021``),
areas grouped with ``m²``, yen as ``1,234円`` / ``¥1,234``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from flask import request, url_for
from markupsafe import Markup, escape

from parks.contact import Contact, load_contact
from parks.messages import Message, Name
from webapp.i18n import LANGS, current_lang, render_message, render_value
from webapp.names import name

if TYPE_CHECKING:
    from flask import Flask

SHORTLIST_MAX = 20
"""Most lots the browser keeps in a shortlist (the compare page takes up to 4 of them)."""


def contact() -> Contact:
    """Return the Corporate Location Division's contact record."""
    return load_contact()


def is_missing(value: Any) -> bool:
    """Return True for None, NaN and empty text (an unknown value in the layers)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def fmt_date(value: Any, lang: str) -> str:
    """Return a date in the long form of ``lang``; '' when unknown."""
    if is_missing(value):
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return format_date(day, "long", locale=lang)


def fmt_number(value: Any, *, decimals: int = 0) -> str:
    """Return a number grouped by thousands ('' when unknown)."""
    if is_missing(value):
        return ""
    return f"{float(value):,.{decimals}f}"


def fmt_m2(value: Any) -> str:
    """Return an area in square metres, e.g. ``12,345 m²`` ('' when unknown)."""
    text = fmt_number(value)
    return f"{text} m²" if text else ""


def fmt_yen(value: Any, lang: str) -> str:
    """Return an amount of yen in ``lang`` ('' when unknown)."""
    if is_missing(value):
        return ""
    amount = int(value)
    return f"{amount:,}円" if lang == "ja" else f"¥{amount:,}"


def fmt_minutes(value: Any, lang: str) -> str:
    """Return drive minutes with one decimal and the unit of ``lang`` ('' when unknown)."""
    if is_missing(value):
        return ""
    return f"{float(value):.1f} 分" if lang == "ja" else f"{float(value):.1f} min"


MAX_SWITCH_URL_CHARS = 2000
"""Longest language-switch link; a longer address (a hostile one) switches on the map page."""


def lang_switch_url(lang: str) -> str:
    """Return the current page's URL in the other language (GET pages; POST pages use a form).

    Query parameters named like a part of the path (``/lots/<lot_id>?lot_id=x``, which the
    page refuses) are left out, and an over-long address links to the map page instead: the
    error page that answers such a request must still render.
    """
    other = next(code for code in LANGS if code != lang)
    view_args = request.view_args or {}
    args = {k: v for k, v in request.args.items() if k != "lang" and k not in view_args}
    if request.endpoint is None:
        return url_for("public.search", lang=other)
    url = url_for(request.endpoint, **view_args, **args, lang=other)
    return url if len(url) <= MAX_SWITCH_URL_CHARS else url_for("public.index", lang=other)


def init_app(app: Flask) -> None:
    """Install the layout's context processor and template filters."""

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        lang = current_lang()
        return {
            "contact": contact(),
            "other_lang": next(code for code in LANGS if code != lang),
            "lang_switch_url": lambda: lang_switch_url(lang),
            "name": lambda kind, item_id: name(kind, item_id, lang),
            "render_value": lambda value: render_value(value, lang),
            "shortlist_max": SHORTLIST_MAX,
        }

    app.add_template_filter(lambda v: fmt_date(v, current_lang()), "date")
    app.add_template_filter(lambda v: mark_japanese(v, current_lang()), "mark_ja")
    app.add_template_filter(fmt_number, "number")
    app.add_template_filter(fmt_m2, "m2")
    app.add_template_filter(lambda v: fmt_yen(v, current_lang()), "yen")
    app.add_template_filter(lambda v: fmt_minutes(v, current_lang()), "minutes")
    app.add_template_filter(
        lambda v: (
            render_message(v, current_lang())
            if isinstance(v, Message | str)
            else render_value(v, current_lang())
        ),
        "msg",
    )
    app.add_template_global(Name, "Name")


_JAPANESE_RUN = re.compile(
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
    r"(?:[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef0-9 ()]*"
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])?"
)
"""A run of Japanese script (with the digits, spaces and brackets inside it)."""


def mark_japanese(text: Any, lang: str) -> Markup:
    """Escape ``text``; on a page not in Japanese, mark its Japanese runs ``lang="ja"``.

    For credit lines quoted as published (国土数値情報, 政府統計の総合窓口): screen readers
    then read them as Japanese.
    """
    text = "" if text is None else str(text)
    if lang == "ja":
        return Markup(escape(text))
    shown = Markup()
    position = 0
    for run in _JAPANESE_RUN.finditer(text):
        shown += escape(text[position : run.start()])
        shown += Markup('<span lang="ja">{}</span>').format(run.group(0))
        position = run.end()
    return shown + escape(text[position:])
