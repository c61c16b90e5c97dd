"""Serving the app: gunicorn in production, Werkzeug's reloading server only for development.

``siting serve`` runs :func:`serve`: the app is created and its caches warmed once in the
gunicorn master (``preload_app``), then forked into ``workers`` processes of ``threads``
threads each, which share the warmed data copy-on-write. ``siting serve --dev`` runs
:func:`serve_dev`, Werkzeug's reloading server with the debugger; that is the only way the
debugger can run (see ``create_app``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.serving import WSGIRequestHandler

from parks.messages import N_
from webapp.security import FIXED_HEADERS

if TYPE_CHECKING:
    from flask import Flask

DEFAULT_WORKERS = 2
"""Worker processes: one per core of the 2-core machine the app is sized for."""

DEFAULT_THREADS = 4
"""Threads per worker: enough to keep a core busy while others read or write sockets."""

DEFAULT_TIMEOUT_S = 30
"""A worker silent for this long is restarted (no request should take more than ~1 s)."""

MAX_REQUEST_LINE = 8190
"""Longest request line gunicorn accepts (its maximum); the app bounds parameters itself."""


def setting(name: str, given: int | None, default: int) -> int:
    """Return an option given on the command line, else ``SITING_<NAME>``, else ``default``.

    Raises
    ------
    ValueError
        If the environment variable is not a positive whole number.
    """
    if given is not None:
        return given
    raw = os.environ.get(f"SITING_{name.upper()}")
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        msg = f"SITING_{name.upper()} must be a positive whole number; got {raw!r}"
        raise ValueError(msg)
    return int(raw)


PROTOCOL_ERRORS: dict[int, str] = {
    400: N_("The request is not valid HTTP."),
    403: N_("The request is not allowed."),
    414: N_("The address is too long (the request line may have at most 8,190 bytes)."),
    417: N_("The server cannot meet the request's Expect header."),
    431: N_("The request has too many headers or too large ones."),
    501: N_("The server does not support this request's transfer coding."),
}
"""What gunicorn's own refusals say, before the app ever sees the request."""

ERROR_PAGE_HEADERS = (
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Cache-Control", "no-store"),
    *FIXED_HEADERS,
)
"""Headers of those refusals: the app's security headers, for a page that runs nothing."""


def error_page(status: int, reason: str) -> bytes:
    """Return a whole HTTP response for a request gunicorn refused while parsing it.

    gunicorn's own page repeats part of the request (``Invalid Request Line 'GET /…'``) in
    HTML without our headers; this one is plain text in Japanese and English, repeats
    nothing, and carries the security headers every other response has.
    """
    from webapp.i18n import gettext_in

    msgid = PROTOCOL_ERRORS.get(status, N_("internal error"))
    text = f"{status} {reason}\n\n{gettext_in('ja', msgid)}\n{gettext_in('en', msgid)}\n"
    body = text.encode("utf-8")
    head = [f"HTTP/1.1 {status} {reason}", "Connection: close"]
    head += [f"{name}: {value}" for name, value in ERROR_PAGE_HEADERS]
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def write_error_page(sock: Any, status_int: int, reason: str, mesg: str) -> None:  # noqa: ARG001
    """Send :func:`error_page` (gunicorn's ``util.write_error``; its ``mesg`` echoes input)."""
    from gunicorn import util

    util.write_nonblock(sock, error_page(int(status_int), str(reason)))


def use_own_error_page(worker: Any) -> None:  # noqa: ARG001 - gunicorn's hook signature
    """Make a gunicorn worker answer malformed requests with :func:`error_page`.

    gunicorn writes those refusals itself (``gunicorn.util.write_error``) before any WSGI
    code runs, so no middleware can add headers; the ``post_worker_init`` hook swaps the
    writer in each worker process.
    """
    from gunicorn import util

    util.write_error = write_error_page


def gunicorn_options(
    host: str, port: int, *, workers: int, threads: int, access_log: bool = False
) -> dict[str, Any]:
    """Return the gunicorn settings ``siting serve`` uses."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True,
        "timeout": DEFAULT_TIMEOUT_S,
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": MAX_REQUEST_LINE,
        "control_socket_disable": True,  # several servers may run side by side
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        # The firm's figures never travel in URLs; still, log no query strings.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        "post_worker_init": use_own_error_page,
    }


def serve(
    factory: Callable[[], Flask],
    host: str,
    port: int,
    *,
    workers: int,
    threads: int,
    access_log: bool = False,
) -> None:
    """Run the app under gunicorn until interrupted."""
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
        def load_config(self) -> None:
            options = gunicorn_options(
                host, port, workers=workers, threads=threads, access_log=access_log
            )
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            return factory()

    _App().run()


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its ``Werkzeug/x Python/y`` Server banner."""

    server_version = "siting-dev"
    sys_version = ""

    def version_string(self) -> str:
        """Return the Server header value."""
        return self.server_version


def serve_dev(app: Flask, host: str, port: int) -> None:
    """Run Werkzeug's reloading development server with the debugger (never in production)."""
    app.run(host=host, port=port, debug=True, request_handler=QuietRequestHandler)
