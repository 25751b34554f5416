"""Failed-login throttle through the real app (TestClient, real SQLite): lock-out, backoff, no enumeration."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.auth.throttle import FREE_FAILURES, lock_seconds
from moderation.web import create_app
from pvwatch.storage.sqlite import SqliteStore
from tests.moderation_helpers import PASSWORD, make_config, seed_users


class Clock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[tuple[Any, SqliteStore, Clock]]:
    store = SqliteStore(tmp_path / "ui.db")
    seed_users(store)
    app = create_app(make_config(tmp_path), store)
    clock = Clock()
    app.state.throttle.clock = clock
    yield app, store, clock
    store.close()


def attempt(client: TestClient, user: str, password: str) -> tuple[int, str]:
    """(status, error shown) of one login through the form."""
    client.headers["Accept-Language"] = "en"
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": user, "password": password, "login_token": token,
                                    "next": "/queue"}, follow_redirects=False)
    err = re.search(r'id="login-error">([^<]*)<', r.text)
    return r.status_code, err.group(1) if err else ""


def test_five_failures_lock_the_pair_out_with_growing_delays(ui) -> None:  # type: ignore[no-untyped-def]
    app, store, clock = ui
    client = TestClient(app)
    for _ in range(FREE_FAILURES - 1):
        assert attempt(client, "pv_officer", "wrong password!!")[0] == 401
    status, err = attempt(client, "pv_officer", "wrong password!!")
    assert status == 429 and "Too many failed logins" in err and "1 minute" in err
    # locked: even the right password is refused, without being checked
    assert attempt(client, "pv_officer", PASSWORD)[0] == 429
    lockouts = [r for r in store.audit.iter() if r.action == "auth.lockout"]
    assert len(lockouts) == 1 and lockouts[0].entity_id == "pv_officer"
    assert lockouts[0].after["failures"] == FREE_FAILURES and lockouts[0].after["locked_seconds"] == 30.0
    assert "testclient" not in str(lockouts[0].after)  # the address is only referenced by a keyed hash
    # another address is not locked out by this one's failures
    assert attempt(TestClient(app, client=("10.1.2.3", 4000)), "pv_officer", PASSWORD)[0] == 303
    clock.t += 31
    status, _ = attempt(client, "pv_officer", "wrong password!!")  # one more failure: twice as long
    assert status == 429 and lock_seconds(FREE_FAILURES + 1) == 60.0
    clock.t += 59
    assert attempt(client, "pv_officer", PASSWORD)[0] == 429
    clock.t += 2
    assert attempt(client, "pv_officer", PASSWORD)[0] == 303  # success clears the count
    assert attempt(client, "pv_officer", "wrong password!!")[0] == 401
    assert len([r for r in store.audit.iter() if r.action == "auth.lockout"]) == 2


def test_unknown_and_known_usernames_get_the_same_answers(ui) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = ui
    known = [attempt(TestClient(app), "admin", "wrong password!!") for _ in range(FREE_FAILURES + 1)]
    unknown = [attempt(TestClient(app), "nobody-here", "wrong password!!") for _ in range(FREE_FAILURES + 1)]
    assert known == unknown
    assert [s for s, _ in known] == [401] * (FREE_FAILURES - 1) + [429, 429]


def test_lock_out_is_shared_by_every_worker_on_the_store(ui, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, store, clock = ui
    other = create_app(make_config(tmp_path), store)  # a second UI process on the same store
    other.state.throttle.clock = clock
    for _ in range(FREE_FAILURES):
        attempt(TestClient(app), "admin", "wrong password!!")
    status, err = attempt(TestClient(other), "admin", PASSWORD)
    assert status == 429 and "Too many failed logins" in err
    r = TestClient(other).post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403  # the login form's CSRF check still comes first
