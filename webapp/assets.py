"""Static assets and light responses: fingerprinted URLs, long caching, gzip/brotli.

``url_for('static', filename='map-core.js')`` gives ``/static/map-core.<hash>.js``, where
``<hash>`` is the first 12 hex digits of the file's SHA-256. A fingerprinted URL names one
content for ever, so it is served with ``Cache-Control: public, max-age=31536000, immutable``;
a plain or outdated name (``/static/map-core.js``, or files a stylesheet refers to by a
relative URL such as Leaflet's ``images/layers.png``) is served with ``no-cache`` and an ETag,
so the browser revalidates it. Text assets are compressed once (brotli when the ``brotli``
package is installed and the browser accepts it, else gzip) and kept in memory.

:func:`encoded_response` answers any bytes the same way (the map page and its layer
endpoints use it): the best encoding the client accepts, a strong ETag per encoding, and
``304 Not Modified`` for a matching ``If-None-Match``.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Response, abort, current_app, request, send_from_directory
from werkzeug.security import safe_join

try:  # optional: brotli is ~15 % smaller than gzip on our JS and GeoJSON
    import brotli
except ImportError:  # pragma: no cover - exercised only where brotli is not installed
    brotli = None

if TYPE_CHECKING:
    from flask import Flask

EXTENSION_KEY = "siting_assets"
"""Key of the :class:`StaticAssets` in ``app.extensions``."""

FINGERPRINT_DIGITS = 12
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")

IMMUTABLE = "public, max-age=31536000, immutable"
"""Cache-Control of a fingerprinted asset: its URL changes whenever its content does."""

REVALIDATE = "no-cache"
"""Cache-Control of everything else: keep it, but ask (with the ETag) before reuse."""

COMPRESSIBLE_TYPES = frozenset(
    {
        "text/css",
        "text/html",
        "text/javascript",
        "text/plain",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "image/svg+xml",
    }
)
"""Media types worth compressing (fonts and PNGs are compressed already)."""

MIN_COMPRESS_BYTES = 512
"""Below this a compressed body saves less than its headers cost."""

MAX_STATIC_COMPRESS_BYTES = 8_000_000
"""Static files above this are streamed from disk uncompressed instead of held in memory."""

GZIP_LEVEL = 9
BROTLI_QUALITY = 11
"""Static assets are compressed once, so the slowest, smallest settings pay off."""

DYNAMIC_GZIP_LEVEL = 6
DYNAMIC_BROTLI_QUALITY = 5
"""Settings for bodies built per request (``bbox`` layer requests): fast enough to not show."""


@dataclass(frozen=True)
class Encoded:
    """A response body with its compressed variants and a content hash for the ETag."""

    body: bytes
    digest: str
    gzip: bytes | None = None
    br: bytes | None = None

    def variant(self, encoding: str | None) -> bytes:
        """Return the body in one encoding (None: identity)."""
        if encoding == "br" and self.br is not None:
            return self.br
        if encoding == "gzip" and self.gzip is not None:
            return self.gzip
        return self.body


def encode(body: bytes, *, dynamic: bool = False) -> Encoded:
    """Return ``body`` with its gzip (and, when available, brotli) variants.

    Bodies under :data:`MIN_COMPRESS_BYTES` stay uncompressed. ``dynamic`` picks the faster
    settings for bodies built per request.
    """
    digest = hashlib.sha256(body).hexdigest()[:24]
    if len(body) < MIN_COMPRESS_BYTES:
        return Encoded(body=body, digest=digest)
    level = DYNAMIC_GZIP_LEVEL if dynamic else GZIP_LEVEL
    quality = DYNAMIC_BROTLI_QUALITY if dynamic else BROTLI_QUALITY
    packed_gzip = gzip.compress(body, compresslevel=level, mtime=0)
    packed_br = brotli.compress(body, quality=quality) if brotli is not None else None
    return Encoded(body=body, digest=digest, gzip=packed_gzip, br=packed_br)


def choose_encoding(encoded: Encoded) -> str | None:
    """Return the encoding to answer with: brotli, then gzip, if the client accepts it."""
    accept = request.accept_encodings
    if encoded.br is not None and accept["br"]:
        return "br"
    if encoded.gzip is not None and accept["gzip"]:
        return "gzip"
    return None


def encoded_response(
    encoded: Encoded, mimetype: str, *, cache_control: str = REVALIDATE
) -> Response:
    """Answer ``encoded`` in the best accepted encoding, or 304 when the client has it.

    Parameters
    ----------
    encoded
        From :func:`encode`.
    mimetype
        Media type of the uncompressed body.
    cache_control
        ``Cache-Control`` value (:data:`REVALIDATE` unless the URL is fingerprinted).

    Returns
    -------
    flask.Response
        With ``ETag`` (one per encoding, as RFC 9110 asks of strong validators),
        ``Content-Encoding`` when compressed and ``Vary: Accept-Encoding``.
    """
    encoding = choose_encoding(encoded)
    etag = f"{encoded.digest}-{encoding}" if encoding else encoded.digest
    if request.if_none_match.star_tag or request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(encoded.variant(encoding), mimetype=mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Accept-Encoding")
    return response


class StaticAssets:
    """Content hashes and compressed copies of the files under one static folder.

    Both are computed on first use and recomputed when a file's size or modification time
    changes, so ``siting serve --dev`` picks up edits without a restart.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._digests: dict[str, tuple[tuple[int, int], str]] = {}
        self._encoded: dict[str, tuple[tuple[int, int], Encoded]] = {}
        self._lock = threading.Lock()

    def path(self, filename: str) -> Path | None:
        """Return the file for a static filename, or None if it is not a file inside."""
        joined = safe_join(str(self.folder), filename)
        if joined is None:
            return None
        path = Path(joined)
        return path if path.is_file() else None

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int]:
        stat = path.stat()
        return stat.st_mtime_ns, stat.st_size

    def digest(self, filename: str) -> str | None:
        """Return the fingerprint (12 hex digits of SHA-256) of a static file, or None."""
        path = self.path(filename)
        if path is None:
            return None
        stamp = self._stamp(path)
        cached = self._digests.get(filename)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:FINGERPRINT_DIGITS]
        with self._lock:
            self._digests[filename] = (stamp, digest)
        return digest

    def fingerprinted(self, filename: str) -> str:
        """Return ``name.<digest>.ext`` for a static file (the name itself if it is absent)."""
        digest = self.digest(filename)
        if digest is None:
            return filename
        stem, dot, ext = filename.rpartition(".")
        if not dot or "/" in ext:
            return f"{filename}.{digest}"
        return f"{stem}.{digest}.{ext}"

    def resolve(self, requested: str) -> tuple[str, bool] | None:
        """Return ``(real filename, current fingerprint)`` for a requested static name.

        A name that exists as such is served as it is (not fingerprinted). Otherwise a
        ``name.<digest>.ext`` resolves to ``name.ext``; the flag says whether the digest is
        the file's current one (only then may it be cached for ever). None: no such file.
        """
        if self.path(requested) is not None:
            return requested, False
        match = FINGERPRINTED.match(requested)
        if match is None:
            return None
        real = f"{match['stem']}{match['ext']}"
        digest = self.digest(real)
        if digest is None:
            return None
        return real, digest == match["digest"]

    def encoded(self, filename: str) -> Encoded:
        """Return a static file's content with its compressed variants (cached)."""
        path = self.path(filename)
        if path is None:
            msg = f"no static file {filename!r}"
            raise FileNotFoundError(msg)
        stamp = self._stamp(path)
        cached = self._encoded.get(filename)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        encoded = encode(path.read_bytes())
        with self._lock:
            self._encoded[filename] = (stamp, encoded)
        return encoded


def get_assets() -> StaticAssets:
    """Return the app's :class:`StaticAssets`."""
    assets: StaticAssets = current_app.extensions[EXTENSION_KEY]
    return assets


def _fingerprint_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    """``url_defaults`` hook: ``url_for('static', filename=...)`` builds the fingerprinted name."""
    if endpoint != "static" or not isinstance(values.get("filename"), str):
        return
    values["filename"] = get_assets().fingerprinted(values["filename"])


def _mimetype(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def serve_static(filename: str) -> Response:
    """Serve a static file: compressed when it is text, cached for ever when fingerprinted."""
    assets = get_assets()
    resolved = assets.resolve(filename)
    if resolved is None:
        abort(404)
    real, current = resolved
    cache_control = IMMUTABLE if current else REVALIDATE
    mimetype = _mimetype(real)
    path = assets.path(real)
    assert path is not None  # resolve() found it
    if mimetype in COMPRESSIBLE_TYPES and path.stat().st_size <= MAX_STATIC_COMPRESS_BYTES:
        return encoded_response(assets.encoded(real), mimetype, cache_control=cache_control)
    response = send_from_directory(str(assets.folder), real, mimetype=mimetype)
    response.headers["Cache-Control"] = cache_control
    return response


def _static_varies_by_encoding_only(response: Response) -> Response:
    """Keep ``Vary`` of static files to ``Accept-Encoding``: they are the same in every
    language, and ``Vary: Cookie`` would make browsers refetch them after a language switch."""
    if request.endpoint == "static" and "Vary" in response.headers:
        kept = [v for v in response.vary if v.lower() not in {"accept-language", "cookie"}]
        if kept:
            response.headers["Vary"] = ", ".join(kept)
        else:
            del response.headers["Vary"]
    return response


def init_app(app: Flask) -> None:
    """Serve ``/static`` through :func:`serve_static` and fingerprint its ``url_for`` URLs.

    Call it before the language setup (``webapp.i18n.init_app``): Flask runs ``after_request``
    hooks in reverse order, and this one must see the ``Vary`` the language hook adds.
    """
    if app.static_folder is None:
        return
    app.extensions[EXTENSION_KEY] = StaticAssets(Path(app.static_folder))
    app.view_functions["static"] = serve_static
    app.url_defaults(_fingerprint_static_urls)
    app.after_request(_static_varies_by_encoding_only)
