"""Error handlers: domain errors to HTTP statuses in one table; JSON under /api, HTML elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from parks.errors import (
    InvalidFirmProfileError,
    InvalidInputError,
    LotNotFoundError,
    ParkNotFoundError,
    SitingError,
)
from parks.messages import N_
from webapp.i18n import current_lang
from webapp.problems import ShownProblem, show_problems

if TYPE_CHECKING:
    from flask import Flask
    from flask.typing import ResponseReturnValue

ERROR_STATUSES: tuple[tuple[type[SitingError], int], ...] = (
    (InvalidFirmProfileError, 400),
    (InvalidInputError, 400),
    (LotNotFoundError, 404),
    (ParkNotFoundError, 404),
)
"""Domain error class to HTTP status; the first matching row wins, so subclasses come first."""

MAX_MESSAGE_CHARS = 300
"""Longest message or problem an error response carries (input is never echoed unbounded)."""

MAX_PROBLEMS = 50
"""Most problems listed in one error response."""


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "… " + _("(%(count)s characters)", count=format(len(text), ","))


def bounded_problems(problems: list[str]) -> list[str]:
    """Return at most ``MAX_PROBLEMS`` problems, each clipped, with a count of the rest."""
    out = [clip(str(p)) for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        out.append(_("… and %(count)s more problems", count=len(problems) - MAX_PROBLEMS))
    return out


def status_for(exc: SitingError) -> int:
    """Return the HTTP status of a domain error (500 if the table has no row for it)."""
    for cls, status in ERROR_STATUSES:
        if isinstance(exc, cls):
            return status
    return 500


def _wants_json() -> bool:
    """Answer JSON under /api, for a ``.json``/``.geojson`` address, or to a client asking for it."""
    if request.path == "/api" or request.path.startswith("/api/"):
        return True
    if request.path.endswith((".json", ".geojson")):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


def _respond(
    status: int, message: str, problems: list[str], fields: list[ShownProblem] | None = None
) -> ResponseReturnValue:
    """Answer JSON ``{"error", "problems", "fields"}`` under /api and an HTML page elsewhere.

    ``fields`` ties each problem about a firm-profile field to that field, so a form can
    show the message next to the input.
    """
    message = clip(message)
    problems = bounded_problems(problems)
    if _wants_json():
        body: dict[str, object] = {"error": message, "problems": problems}
        tied = [f.to_dict() for f in fields or [] if f.path is not None]
        if tied:
            body["fields"] = tied
        return jsonify(body), status
    page = render_template(
        "error.html", status=status, message=message, problems=problems, lang=current_lang()
    )
    return page, status


def handle_domain_error(exc: SitingError) -> ResponseReturnValue:
    """Answer a domain error with the status from ``ERROR_STATUSES``, in the user's language."""
    status = status_for(exc)
    if status >= 500:
        current_app.logger.exception("unhandled domain error", exc_info=exc)
        return _respond(status, _("internal error"), [])
    shown = show_problems(exc, current_lang())
    problems = [p.text for p in shown]
    return _respond(status, "; ".join(problems), problems, shown)


HTTP_MESSAGES: dict[int, str] = {
    400: N_("The request is not valid."),
    404: N_("There is no page at this address."),
    405: N_("This address does not accept this kind of request."),
    500: N_("internal error"),
}
"""Messages in place of werkzeug's English defaults, translated for the page language."""


def handle_http_error(exc: HTTPException) -> ResponseReturnValue:
    """Answer 404, 405, ``abort(...)`` etc. in the same shape as domain errors."""
    status = exc.code or 500
    message = exc.description or exc.name
    if isinstance(exc, CSRFError):  # Flask-WTF's reasons are English and technical
        message = _(
            "The form has expired or did not come from this site: reload the page and send "
            "it again."
        )
    elif isinstance(exc, RequestEntityTooLarge):
        limit = request.max_content_length
        message = (
            _("the request body is too large (at most %(limit)s bytes)", limit=format(limit, ","))
            if limit
            else _("the request body is too large")
        )
    elif exc.description == type(exc).description and status in HTTP_MESSAGES:
        message = _(HTTP_MESSAGES[status])
    body, status = _respond(status, message, [message])  # type: ignore[misc]
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return body, status, headers


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(SitingError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
