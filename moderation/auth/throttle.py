"""Failed-login throttle per (username, client address), kept in store.kv so every UI worker sees it.

FREE_FAILURES failures in a row lock the pair out for BASE_LOCK seconds, doubling with each further failure
up to MAX_LOCK. A lock-out answers before any password check, with the same message whether or not the
username exists (no enumeration, and no argon2 work for an attacker to time). A successful login clears the
count; a day without failure forgets it. Only keyed hashes are stored: no username or address in the kv.

Atomic: `begin` counts the attempt as a failure (and sets the lock it would start) by compare-and-set
BEFORE the password is checked, so concurrent attempts cannot all pass the check: at most FREE_FAILURES
passwords are ever checked per lock window, however many requests arrive at once.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable

from pvwatch.errors import ConflictError
from pvwatch.storage.base import Store

KIND = "login_throttle"
FREE_FAILURES = 5
BASE_LOCK = 30.0
MAX_LOCK = 3600.0
FORGET_AFTER = 24 * 3600.0


def lock_seconds(failures: int) -> float:
    """Lock-out after the n-th failure in a row: 0 below FREE_FAILURES, then 30 s, 60 s, 120 s ... 1 h."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_LOCK, BASE_LOCK * 2 ** min(failures - FREE_FAILURES, 20))


def message(wait: float) -> str:
    minutes = max(1, math.ceil(wait / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (f"Too many failed logins for this username from your address. Try again in {minutes} {unit}, "
            "or ask an administrator if you forgot your password.")


class LoginThrottle:
    def __init__(self, store: Store, secret: str, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.key = hashlib.sha256(b"pvwatch-login-throttle\0" + secret.encode("utf-8")).digest()
        self.clock = clock

    def _ref(self, *parts: str) -> str:
        return hmac.new(self.key, "\0".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def _id(self, username: str, client: str) -> str:
        return self._ref(username.casefold(), client)

    def client_ref(self, client: str) -> str:
        """What the audit trail says about an address: enough to correlate attempts, not the address."""
        return self._ref("client", client)[:12]

    def _current(self, id: str) -> tuple[dict[str, float], int]:
        found = self.store.kv.get(KIND, id)
        if found is None:
            return {"failures": 0, "last": 0.0, "locked_until": 0.0}, 0
        doc, version = found
        if self.clock() - float(doc.get("last", 0.0)) > FORGET_AFTER:
            return {"failures": 0, "last": 0.0, "locked_until": 0.0}, version
        return doc, version

    def locked_for(self, username: str, client: str) -> float:
        """Seconds until this pair may try again (0: not locked)."""
        doc, _ = self._current(self._id(username, client))
        return max(0.0, float(doc.get("locked_until", 0.0)) - self.clock())

    def begin(self, username: str, client: str) -> tuple[int, float]:
        """Before checking a password: (failures in a row counting this attempt, 0.0) when it may go ahead,
        or (0, seconds to wait) when the pair is locked. An attempt that goes ahead is already counted as a
        failure with the lock-out it would start; `succeeded` clears it."""
        id = self._id(username, client)
        while True:  # compare-and-set: no two concurrent attempts are given the same count
            doc, version = self._current(id)
            now = self.clock()
            wait = float(doc.get("locked_until", 0.0)) - now
            if wait > 0:
                return 0, wait
            failures = int(doc.get("failures", 0)) + 1
            lock = lock_seconds(failures)
            new = {"id": id, "failures": failures, "last": now, "locked_until": now + lock if lock else 0.0}
            try:
                self.store.kv.put(KIND, id, new, expected_version=version)
            except ConflictError:
                continue  # someone else counted first: re-read, and perhaps find the pair locked now
            return failures, 0.0

    def failed(self, username: str, client: str) -> tuple[int, float]:
        """Count a failure outside a login (tests, tools); returns (failures in a row, lock-out it starts)."""
        failures, wait = self.begin(username, client)
        return (failures, lock_seconds(failures)) if not wait else (0, wait)

    def purge(self, limit: int = 10_000) -> int:
        """Forget records idle for FORGET_AFTER (they would be ignored anyway): unknown usernames an attacker
        tried must not pile up in the store for ever. Returns how many were deleted."""
        n = 0
        now = self.clock()
        for doc in self.store.kv.list(KIND, limit=limit):
            if now - float(doc.get("last", 0.0)) > FORGET_AFTER and isinstance(doc.get("id"), str):
                self.store.kv.delete(KIND, doc["id"])
                n += 1
        return n

    def succeeded(self, username: str, client: str) -> None:
        self.store.kv.delete(KIND, self._id(username, client))
