"""Account administration: list, disable/enable, reset password, change role, language. Every change is audited
(never the password or its hash) and checked against the `manage_users` permission in this service."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher

from moderation.audit import record
from moderation.auth.users import KIND, MIN_PASSWORD, User, add_user, get_user
from moderation.queue.service import Actor
from moderation.roles import Role, parse_role, require
from pvwatch.errors import NotFoundError, PvwatchError
from pvwatch.models import utcnow
from pvwatch.storage.base import Store

_hasher = PasswordHasher()
LANGS = ("fr", "en")


def list_users(store: Store, actor: Actor) -> list[dict[str, Any]]:
    require(actor.role, "manage_users")
    docs = store.kv.list(KIND, limit=10_000)
    out = [{"username": d["username"], "role": d.get("role", ""), "active": bool(d.get("active", True)),
            "created_at": d.get("created_at"), "lang": d.get("lang", "")} for d in docs]
    return sorted(out, key=lambda u: str(u["username"]).lower())


def create(store: Store, actor: Actor, username: str, role: str, password: str) -> User:
    require(actor.role, "manage_users")
    return add_user(store, username.strip(), role, password, actor=actor.username)


def _change(store: Store, actor: Actor, username: str, action: str, **update: Any) -> dict[str, Any]:
    found = store.kv.get(KIND, username)
    if found is None:
        raise NotFoundError(f"no user {username!r}; pick one from the list")
    doc, version = found
    before = {k: doc.get(k) for k in ("role", "active", "lang")}
    new = {**doc, **update, "updated_at": utcnow().isoformat()}
    with store.transaction():  # the change and its record together (SQLite); ES: record after the CAS
        store.kv.put(KIND, username, new, expected_version=version)
        after = {k: new.get(k) for k in ("role", "active", "lang")}
        if "password_hash" in update:
            after["password_changed"] = True  # that it changed, never what to
        record(store, actor.username, action, "user", username, before, after)
    return new


def set_active(store: Store, actor: Actor, username: str, active: bool) -> None:
    require(actor.role, "manage_users")
    if username == actor.username and not active:
        raise PvwatchError("you cannot disable your own account; ask another administrator")
    _change(store, actor, username, "user.enable" if active else "user.disable", active=active)
    if not active:
        _end_sessions(store, username)


def set_role(store: Store, actor: Actor, username: str, role: str) -> None:
    require(actor.role, "manage_users")
    r = parse_role(role)
    if username == actor.username and r is not Role.admin:
        raise PvwatchError("you cannot take the administrator role from yourself; ask another administrator")
    _change(store, actor, username, "user.role", role=r.value)


def reset_password(store: Store, actor: Actor, username: str, password: str) -> None:
    require(actor.role, "manage_users")
    if len(password) < MIN_PASSWORD:
        raise PvwatchError(f"password too short: use at least {MIN_PASSWORD} characters")
    _change(store, actor, username, "user.reset_password", password_hash=_hasher.hash(password))
    _end_sessions(store, username)  # whoever had the old password is logged out


def set_language(store: Store, username: str, lang: str) -> None:
    """A reviewer's own UI language (no permission needed: it is their own preference)."""
    if lang not in LANGS:
        raise PvwatchError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    user = get_user(store, username)
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    _change(store, Actor(username, user.role), username, "user.language", lang=lang)


def _end_sessions(store: Store, username: str) -> None:
    for doc in store.kv.list("session", where={"username": username}, limit=10_000):
        sid = doc.get("sid")
        if sid:
            store.kv.delete("session", str(sid))
