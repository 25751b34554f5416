"""Reviewer accounts. Passwords are argon2id hashes; the clear password is never stored or logged."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from moderation.audit import record
from moderation.roles import Role, parse_role
from pvwatch.errors import ConflictError, PvwatchError
from pvwatch.models import utcnow
from pvwatch.storage.base import Store

KIND = "user"
MIN_PASSWORD = 12
# argon2-cffi's defaults (RFC 9106 low-memory profile). A hash records its own parameters, so verifying never
# depends on the hasher: tests pass a cheap one to `add_user`; production keeps this one.
DEFAULT_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verifying unknown users against a dummy hash keeps login time the same whether or not the name exists."""
    return DEFAULT_HASHER.hash("pvwatch-dummy-password-for-timing")


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    active: bool = True


def _valid_username(name: str) -> bool:
    return 1 <= len(name) <= 64 and all(c.isalnum() or c in "._-@" for c in name)


def add_user(store: Store, username: str, role: Role | str, password: str, actor: str = "cli",
             hasher: PasswordHasher = DEFAULT_HASHER) -> User:
    """Create a user; raises PvwatchError with the fix if the name is taken or the password weak."""
    if not _valid_username(username):
        raise PvwatchError(f"invalid username {username!r}: use 1-64 letters, digits, '.', '_', '-' or '@'")
    r = parse_role(role)
    if len(password) < MIN_PASSWORD:
        raise PvwatchError(f"password too short: use at least {MIN_PASSWORD} characters")
    doc = {"username": username, "role": r.value, "password_hash": hasher.hash(password),
           "active": True, "created_at": utcnow().isoformat()}
    try:
        store.kv.put(KIND, username, doc, expected_version=0)
    except ConflictError:
        raise PvwatchError(f"user {username!r} already exists; pick another name") from None
    record(store, actor, "user.add", "user", username, None, {"username": username, "role": r.value})
    return User(username, r)


def get_user(store: Store, username: str) -> User | None:
    found = store.kv.get(KIND, username)
    if found is None:
        return None
    doc = found[0]
    try:
        role = Role(doc.get("role", ""))
    except ValueError:
        return None  # a user with a role we no longer know gets no access
    return User(doc["username"], role, bool(doc.get("active", True)))


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user if the password matches and the account is active, else None."""
    found = store.kv.get(KIND, username) if _valid_username(username) else None
    stored = found[0].get("password_hash", _dummy_hash()) if found else _dummy_hash()
    try:
        DEFAULT_HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    user = get_user(store, username)
    return user if user is not None and user.active else None
