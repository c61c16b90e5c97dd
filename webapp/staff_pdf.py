"""The pitch sheet as a PDF (WeasyPrint): for a lead and chosen lots, in Japanese or English.

The PDF is the pitch sheet's own HTML (one adapter, :func:`pitch_sheet_html`, so the sheet
has a single source) printed with a compact print stylesheet: real text (Noto CJK fonts),
at most two A4 pages per lot. WeasyPrint fetches nothing from the network: only files of
``webapp/static`` are served to it, everything else is refused.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from pathlib import Path
from typing import Any

from flask import url_for
from markupsafe import escape

from parks.data import Layers
from parks.profile import FirmProfile
from webapp.assets import FINGERPRINTED
from webapp.i18n import Lang, gettext_in

STATIC_DIR = Path(__file__).resolve().parent / "static"
PDF_CSS = "pitch_pdf.css"


def pitch_sheet_html(
    layers: Layers, lot_id: str, profile: FirmProfile, lang: Lang, as_of: dt.date
) -> str:
    """Return the pitch sheet's HTML for one lot and one firm (the single adapter).

    The sheet is :func:`webapp.pitch.render_pitch_html` (the public pitch sheet), printed
    without its screen tool bar. ``layers`` is unused: the sheet reads the current layers.
    """
    del layers
    from webapp.pitch import render_pitch_html

    return render_pitch_html(lot_id, profile, lang, as_of=as_of, for_print=True)


def _static_fetcher() -> Any:
    """Return a WeasyPrint URL fetcher that serves ``/static/`` files and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:  # noqa: ARG002 - the base signature
            marker = "/static/"
            if marker not in url:
                msg = f"refused to fetch {url[:80]!r} while printing"
                raise ValueError(msg)
            relative = url.split(marker, 1)[1].split("?", 1)[0]
            path = (STATIC_DIR / relative).resolve()
            named = FINGERPRINTED.match(path.name)
            if not path.is_file() and named:  # pitch.<digest>.css is pitch.css
                path = path.with_name(named["stem"] + named["ext"])
            if STATIC_DIR not in path.parents or not path.is_file():
                msg = f"no static file {relative[:80]!r}"
                raise ValueError(msg)
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
            )

    return StaticFetcher()


def pitch_pdf(
    layers: Layers,
    profile: FirmProfile,
    lot_ids: list[str],
    *,
    lang: Lang,
    firm: str | None = None,
    as_of: dt.date | None = None,
) -> bytes:
    """Render the pitch sheets of ``lot_ids`` for ``profile`` as one PDF (a request context)."""
    from weasyprint import CSS, HTML

    as_of = as_of or dt.date.today()
    documents = []
    css = CSS(string=(STATIC_DIR / PDF_CSS).read_text(encoding="utf-8"))
    base_url = url_for("static", filename="", _external=True)
    fetcher = _static_fetcher()
    for lot_id in lot_ids:
        html = pitch_sheet_html(layers, lot_id, profile, lang, as_of)
        if firm:
            label = gettext_in(lang, "Prepared for")
            banner = f'<p class="prepared-for">{escape(label)}: {escape(firm)}</p>'
            html = re.sub(r"(<main\b[^>]*>)", r"\1" + banner.replace("\\", "\\\\"), html, count=1)
        documents.append(
            HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=[css])
        )
    pages = [page for doc in documents for page in doc.pages]
    body: bytes = documents[0].copy(pages).write_pdf()
    return body
