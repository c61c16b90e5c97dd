"""Accounts on the web: the secret key, session cookies, sign-in, CSRF and login throttling.

- The ``SECRET_KEY`` comes from the configuration (``SITING_SECRET_KEY``) or is generated
  once and kept in the instance folder (``secret_key``, mode 0600); it is never in the code.
- Session cookies are HttpOnly, SameSite=Lax, and Secure whenever the request came over
  HTTPS (or always with ``SESSION_COOKIE_SECURE``).
- Every form of the app carries a CSRF token (Flask-WTF's ``CSRFProtect``); the JSON API
  under ``/api`` is exempt because it uses no cookies.
- A sign-in is recorded in the store (:func:`parks.inventory.users.start_session`) and the
  session cookie carries its random token: signing out deletes the record, so a copy of
  the cookie is worthless afterwards; a fresh token at every sign-in (no fixation).
- Refused sign-ins are counted in the store, per client address and per account name,
  so every gunicorn worker throttles alike (:func:`parks.inventory.users.login_throttled`).
  On top, Flask-Limiter bounds every sign-in attempt per address and process (in-memory
  unless ``RATELIMIT_STORAGE_URI`` names a shared store such as Redis).
- Permissions follow the role (:data:`parks.inventory.users.ROLE_PERMISSIONS`):
  :func:`refuse_without` guards a whole area, e.g. the planner's workspace.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Flask, abort, current_app, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from parks.inventory.users import Account, session_account

F = TypeVar("F", bound=Callable[..., Any])

SECRET_KEY_FILE = "secret_key"

SESSION_TOKEN_KEY = "sign_in"
"""Key of the sign-in token in the session cookie."""

MAX_NEXT_CHARS = 200
"""Longest ``next`` address carried through the sign-in page (a query parameter)."""

LOGIN_LIMITS = "10 per minute;50 per hour"
"""Sign-in attempts allowed per client address (successful ones count too)."""

csrf = CSRFProtect()

login_manager = LoginManager()


class StaffUser(UserMixin):
    """The signed-in account, as Flask-Login needs it."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        """Return the account id as text (what the session stores)."""
        return str(self.account.id)

    @property
    def name(self) -> str:
        """The account name (shown in the page header and the history)."""
        return self.account.name

    @property
    def is_admin(self) -> bool:
        """True for admins."""
        return self.account.is_admin

    def can(self, permission: str) -> bool:
        """True if the account's role grants ``permission`` (``planner``, ``admin``)."""
        return self.account.can(permission)


def instance_secret_key(instance_dir: Path) -> str:
    """Return the key stored in the instance folder, creating it once (race-free).

    Several server workers may start at once: the key is written to a private temporary
    file and hard-linked into place, so exactly one file wins and everyone reads it.
    """
    path = Path(instance_dir) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode())
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip()


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is ``Secure`` whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True under HTTPS (or when configured so)."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        """Save as Flask does, but an empty, untouched session adds no ``Vary: Cookie``.

        Flask-Login looks at the session on every response; for a visitor without one
        (every public page and static file) the response cannot depend on it, and
        ``Vary: Cookie`` would only defeat caching.
        """
        if not session and not session.modified:
            session.accessed = False
        super().save_session(app, session, response)


def _load_user(user_id: str) -> StaffUser | None:
    """Return the user whose sign-in this session's token records (None once it ended)."""
    from webapp import get_store

    account = session_account(get_store(), session.get(SESSION_TOKEN_KEY))
    if account is None or str(account.id) != user_id:
        return None
    return StaffUser(account)


def _unauthorized() -> Any:
    """Pages redirect to the sign-in page (and back afterwards); JSON requests get 401."""
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        message = _("Sign in first.")
        return jsonify({"error": message, "problems": [message]}), 401
    target = request.full_path.rstrip("?")
    if request.method != "GET" or len(target) > MAX_NEXT_CHARS:
        return redirect(url_for("staff.login"))
    return redirect(url_for("staff.login", next=target))


def refuse_without(permission: str) -> Any:
    """Return the refusal of a user without ``permission``, or None when they have it.

    Anonymous users go to the sign-in page (JSON requests get 401); signed-in users whose
    role lacks the permission get 403. Use as a blueprint's ``before_request``.
    """
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not current_user.can(permission):
        abort(403, _("Your account may not open this page."))
    return None


def init_app(app: Flask) -> None:
    """Install sessions, sign-in, CSRF protection and throttling on ``app``."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:  # Flask's default is None
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.session_interface = HttpsAwareSessionInterface()
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = "strong"
    login_manager.init_app(app)
    csrf.init_app(app)


THROTTLED: dict[str, tuple[str, list[str] | None]] = {
    "staff.login": (LOGIN_LIMITS, ["POST"]),
    "inquiry.send_inquiry": ("5 per minute;30 per day", None),
}
"""Views throttled per client address: endpoint → (limits, methods or None for all)."""


def install_throttles(app: Flask) -> Limiter:
    """Give ``app`` its own limiter (own counters and settings) on the :data:`THROTTLED` views.

    Call after the blueprints are registered.
    """
    limiter = Limiter(
        key_func=get_remote_address,
        default_limits=[],
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
    )
    limiter.init_app(app)
    for endpoint, (limits, methods) in THROTTLED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(limits, methods=methods)(view)
    app.extensions["siting_limiter"] = limiter  # the limiter keeps only weak references
    return limiter


def exempt_from_csrf(blueprint: Any) -> None:
    """Exempt a cookie-less JSON blueprint (the public API) from CSRF checks."""
    csrf.exempt(blueprint)


def staff_required(view: F) -> F:
    """Refuse anonymous users: pages redirect to sign-in, JSON gets 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return view(*args, **kwargs)

    wrapped.staff_only = True  # type: ignore[attr-defined]  # a test lists these
    return cast(F, wrapped)


def admin_required(view: F) -> F:
    """Refuse anonymous users (as above) and staff who are not admins (403)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if not current_user.is_admin:
            abort(403, _("Only administrators may do this."))
        return view(*args, **kwargs)

    wrapped.staff_only = True  # type: ignore[attr-defined]
    return cast(F, wrapped)
