"""Staff accounts: names, roles and permissions, Argon2 password hashes, sign-ins, the audit log.

A sign-in is a row in the store (:func:`start_session`): the browser's session cookie holds
a random token, the store its SHA-256. Signing out, disabling the account or setting a new
password deletes the rows, so a cookie copied earlier stops working at once. Refused
sign-ins are counted in the store too, per client address and per account name, so every
server process throttles alike (:func:`login_throttled`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parks.inventory.errors import AuthError, RecordNotFoundError
from parks.inventory.models import AuditEntry, LoginFailure, StaffSession, User
from parks.inventory.store import Store
from parks.messages import N_, Message

Role = Literal["staff", "admin"]
ROLES: tuple[Role, ...] = ("staff", "admin")
"""``staff`` keep lots and leads; ``admin`` also manage accounts and import lot layers."""

Permission = Literal["planner", "admin"]
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    "staff": frozenset({"planner"}),
    "admin": frozenset({"planner", "admin"}),
}
"""What each role may do beyond the staff workspace: ``planner`` opens the planner's
workspace (candidate sites, unmet demand), ``admin`` manages accounts and imports."""

SESSION_HOURS = 12
"""A sign-in lasts at most this long (a working day); signing out ends it at once."""

THROTTLE_MINUTES = 15
MAX_FAILURES_PER_ADDRESS = 10
MAX_FAILURES_PER_NAME = 20
"""Refused sign-ins allowed within ``THROTTLE_MINUTES`` from one client address, and for
one account name from anywhere (slows guessing spread over many addresses)."""

FAILURES_KEPT_DAYS = 1

NAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{1,31}")
"""Account names: 2–32 lower-case letters, digits, dots, dashes, underscores."""

MIN_PASSWORD = 12
MAX_PASSWORD = 256

_HASHER = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone: timing equaliser")


@dataclass(frozen=True)
class Account:
    """A signed-in user as the web app sees it (no password hash)."""

    id: int
    name: str
    role: Role
    active: bool

    @property
    def is_admin(self) -> bool:
        """Return True for admins."""
        return self.role == "admin"

    def can(self, permission: str) -> bool:
        """Return True if the account's role grants ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]


def _account(user: User) -> Account:
    role: Role = "admin" if user.role == "admin" else "staff"
    return Account(user.id, user.name, role, bool(user.active))


def validate_account(name: str, password: str, role: str) -> list[Message]:
    """Return every problem with a new account's name, password and role."""
    problems = []
    if not NAME_PATTERN.fullmatch(name or ""):
        problems.append(
            Message(
                N_(
                    "Account names are 2 to 32 lower-case letters, digits, dots, dashes or "
                    "underscores, starting with a letter."
                )
            )
        )
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        problems.append(
            Message(
                N_("Passwords have %(min)s to %(max)s characters."),
                {"min": MIN_PASSWORD, "max": MAX_PASSWORD},
            )
        )
    elif password.strip() == "" or len(set(password)) < 4:
        problems.append(Message(N_("That password is too easy to guess.")))
    if role not in ROLES:
        problems.append(Message(N_("The role must be staff or admin.")))
    return problems


def create_user(store: Store, name: str, password: str, role: str, *, by: str) -> Account:
    """Create an account (the password is stored only as an Argon2 hash).

    Raises
    ------
    AuthError
        If the name, password or role breaks a rule, or the name is taken.
    """
    problems = validate_account(name, password, role)
    if problems:
        raise AuthError(problems)
    try:
        with store.write() as session:
            user = User(
                name=name,
                password_hash=_HASHER.hash(password),
                role=role,
                active=True,
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(user)
            session.flush()
            audit(session, by, "create_user", name, {"role": role})
            return _account(user)
    except IntegrityError:
        raise AuthError(
            Message(N_("An account named %(name)s already exists."), {"name": name})
        ) from None


def set_password(store: Store, name: str, password: str, *, by: str) -> None:
    """Replace an account's password."""
    problems = validate_account(name, password, "staff")
    if problems:
        raise AuthError(problems)
    with store.write() as session:
        user = session.scalars(select(User).where(User.name == name)).first()
        if user is None:
            raise RecordNotFoundError(Message(N_("There is no account %(name)s."), {"name": name}))
        user.password_hash = _HASHER.hash(password)
        end_sessions(session, user.id)  # a new password signs out every browser
        audit(session, by, "set_password", name, None)


def set_active(store: Store, user_id: int, active: bool, *, by: str) -> None:
    """Enable or disable an account (a disabled account cannot sign in)."""
    with store.write() as session:
        user = session.get(User, user_id)
        if user is None:
            raise RecordNotFoundError(Message(N_("There is no such account.")))
        user.active = active
        if not active:
            end_sessions(session, user.id)
        audit(session, by, "enable_user" if active else "disable_user", user.name, None)


def authenticate(store: Store, name: str, password: str) -> Account | None:
    """Return the account if ``password`` is right and the account active, else None."""
    if len(name) > 64 or len(password) > MAX_PASSWORD:
        return None
    with store.read() as session:
        user = session.scalars(select(User).where(User.name == name)).first()
        stored = user.password_hash if user is not None else _DUMMY_HASH
        account = _account(user) if user is not None else None
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.active:
        return None
    if _HASHER.check_needs_rehash(stored):
        with store.write() as session:
            row = session.get(User, account.id)
            if row is not None:
                row.password_hash = _HASHER.hash(password)
    return account


def get_account(store: Store, user_id: int) -> Account | None:
    """Return the account with ``user_id`` (None if missing or disabled)."""
    with store.read() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        return _account(user)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


MAX_TOKEN_CHARS = 100


def start_session(store: Store, account: Account, *, now: dt.datetime | None = None) -> str:
    """Record a new sign-in for ``account``; return its token (for the session cookie).

    Expired sign-ins are deleted on the way.
    """
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with store.write() as session:
        cutoff = now - dt.timedelta(hours=SESSION_HOURS)
        session.execute(delete(StaffSession).where(StaffSession.created_at < cutoff))
        session.add(StaffSession(token_hash=_token_hash(token), user_id=account.id, created_at=now))
    return token


def session_account(
    store: Store, token: str | None, *, now: dt.datetime | None = None
) -> Account | None:
    """Return the account signed in with ``token``, or None (unknown, ended, expired, disabled)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    cutoff = (now or _now()) - dt.timedelta(hours=SESSION_HOURS)
    with store.read() as session:
        user = session.scalars(
            select(User)
            .join(StaffSession, StaffSession.user_id == User.id)
            .where(StaffSession.token_hash == _token_hash(token), StaffSession.created_at >= cutoff)
        ).first()
        if user is None or not user.active:
            return None
        return _account(user)


def end_session(store: Store, token: str | None) -> None:
    """End one sign-in (signing out): its token no longer signs anyone in."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return
    with store.write() as session:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def end_sessions(session: Session, user_id: int) -> None:
    """End every sign-in of an account, inside the caller's transaction."""
    session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


def login_throttled(
    store: Store, address: str, name: str, *, now: dt.datetime | None = None
) -> bool:
    """Return True when sign-ins from ``address`` or for ``name`` must wait.

    True after ``MAX_FAILURES_PER_ADDRESS`` refused sign-ins from the address, or
    ``MAX_FAILURES_PER_NAME`` for the name, within the last ``THROTTLE_MINUTES``.
    """
    cutoff = (now or _now()) - dt.timedelta(minutes=THROTTLE_MINUTES)
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= cutoff)
    with store.read() as session:
        by_address = session.scalar(recent.where(LoginFailure.address == address[:64])) or 0
        by_name = session.scalar(recent.where(LoginFailure.name == name[:64])) or 0
    return by_address >= MAX_FAILURES_PER_ADDRESS or by_name >= MAX_FAILURES_PER_NAME


def login_failed(store: Store, address: str, name: str, *, now: dt.datetime | None = None) -> None:
    """Count a refused sign-in (and write it to the audit log) in one transaction."""
    now = now or _now()
    with store.write() as session:
        old = now - dt.timedelta(days=FAILURES_KEPT_DAYS)
        session.execute(delete(LoginFailure).where(LoginFailure.at < old))
        session.add(LoginFailure(at=now, address=address[:64], name=name[:64]))
        audit(session, None, "login_failed", name[:64], {"ip": address[:64]})


def list_accounts(store: Store) -> list[Account]:
    """Return every account, by name."""
    with store.read() as session:
        return [_account(u) for u in session.scalars(select(User).order_by(User.name))]


def audit(session: Session, user: str | None, action: str, target: str | None, detail: Any) -> None:
    """Add one audit-log row inside the caller's transaction."""
    session.add(
        AuditEntry(
            at=dt.datetime.now(dt.UTC),
            user_name=user,
            action=action,
            target=None if target is None else str(target)[:200],
            detail=None if detail is None else json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def record(store: Store, user: str | None, action: str, target: str | None, detail: Any) -> None:
    """Write one audit-log row on its own (sign-ins, refused sign-ins)."""
    with store.write() as session:
        audit(session, user, action, target, detail)


def audit_log(store: Store, *, limit: int = 200) -> list[dict[str, Any]]:
    """Return the newest audit-log rows."""
    with store.read() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
        return [
            {
                "at": r.at,
                "user": r.user_name,
                "action": r.action,
                "target": r.target,
                "detail": r.detail,
            }
            for r in rows
        ]
