"""Failed-login throttle per (username, client address), kept in store.kv so every UI worker sees it.

FREE_FAILURES failures in a row lock the pair out for BASE_LOCK seconds, doubling with each further failure
up to MAX_LOCK. A lock-out answers before any password check, with the same message whether or not the
username exists (no enumeration, and no argon2 work for an attacker to time). A successful login clears the
count; a day without failure forgets it. Only keyed hashes are stored: no username or address in the kv.
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

    def failed(self, username: str, client: str) -> tuple[int, float]:
        """Count a failure; returns (failures in a row, lock-out it starts in seconds, 0 for none)."""
        id = self._id(username, client)
        for attempt in range(20):  # compare-and-set: workers counting the same pair never lose a failure
            doc, version = self._current(id)
            now = self.clock()
            failures = int(doc.get("failures", 0)) + 1
            lock = lock_seconds(failures)
            new = {"failures": failures, "last": now, "locked_until": now + lock if lock else 0.0}
            try:  # the last attempt writes blindly: under that much contention, counting beats exactness
                self.store.kv.put(KIND, id, new, expected_version=version if attempt < 19 else None)
            except ConflictError:
                continue
            return failures, lock
        raise AssertionError("unreachable: the last attempt does not compare")

    def succeeded(self, username: str, client: str) -> None:
        self.store.kv.delete(KIND, self._id(username, client))
