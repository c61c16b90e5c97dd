"""Security headers on every response: a nonce-based CSP, nosniff, no framing, referrer policy.

Every response (pages, API, static files and errors alike) leaves through
:func:`add_security_headers`. Pages may only run scripts served from ``/static`` or inline
``<script>`` elements that carry this request's nonce, which templates get from
``csp_nonce()``. Inline event handlers (``onerror=...``) and ``javascript:`` URLs never run,
so markup that slipped through escaping still cannot execute.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app, g

if TYPE_CHECKING:
    from flask import Flask, Response

NONCE_BYTES = 16
"""Random bytes in a CSP nonce (128 bits, as CSP Level 3 recommends at least)."""

REFERRER_POLICY = "same-origin"
"""Send the referrer only to this site: no page URL leaks to a tile server or another site."""


FIXED_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", REFERRER_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)
"""The security headers that are the same on every response (the CSP varies)."""


def csp_nonce() -> str:
    """Return this request's CSP nonce (made on first use), for ``<script nonce="...">``."""
    nonce: str | None = getattr(g, "csp_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        g.csp_nonce = nonce
    return nonce


def _origin(url: str | None) -> str | None:
    """Return ``scheme://host[:port]`` of a URL template (tile servers), or None."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    netloc = parts.netloc
    if "{" in netloc:  # subdomain placeholder such as {s}.tile.example.org: allow the domain
        netloc = "*." + netloc.split(".", 1)[1]
    return f"{parts.scheme}://{netloc}"


def content_security_policy(nonce: str | None, *, tiles: str | None = None) -> str:
    """Return the CSP header value.

    Scripts: same origin, plus inline scripts with ``nonce`` (none without one). Styles
    allow inline ``style`` attributes (Leaflet and the legends set them); they cannot run
    code. Images may be ``data:`` URIs (Leaflet's icons) and tiles from the configured
    tile server. Nothing may frame a page, and forms post only to this site.
    """
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    img = "'self' data:"
    tile_origin = _origin(tiles)
    if tile_origin:
        img += f" {tile_origin}"
    directives = (
        "default-src 'self'",
        f"script-src {script}",
        "script-src-attr 'none'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {img}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
    return "; ".join(directives)


def add_security_headers(response: Response) -> Response:
    """Set the security headers on ``response`` (an ``after_request`` hook)."""
    headers = response.headers
    nonce: str | None = getattr(g, "csp_nonce", None)
    headers["Content-Security-Policy"] = content_security_policy(
        nonce, tiles=current_app.config.get("TILES")
    )
    for name, value in FIXED_HEADERS:
        headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Install the header hook and the ``csp_nonce()`` template global on ``app``."""
    app.after_request(add_security_headers)
    app.add_template_global(csp_nonce)
