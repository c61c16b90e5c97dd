"""Staff accounts: names, roles, Argon2 password hashes, and the audit log."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parks.inventory.errors import AuthError, RecordNotFoundError
from parks.inventory.models import AuditEntry, User
from parks.inventory.store import Store
from parks.messages import N_, Message

Role = Literal["staff", "admin"]
ROLES: tuple[Role, ...] = ("staff", "admin")
"""``staff`` keep lots and leads; ``admin`` also manage accounts and import lot layers."""

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
        audit(session, by, "set_password", name, None)


def set_active(store: Store, user_id: int, active: bool, *, by: str) -> None:
    """Enable or disable an account (a disabled account cannot sign in)."""
    with store.write() as session:
        user = session.get(User, user_id)
        if user is None:
            raise RecordNotFoundError(Message(N_("There is no such account.")))
        user.active = active
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
